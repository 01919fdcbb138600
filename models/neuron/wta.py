# SPDX-License-Identifier: Apache-2.0
"""Winner-take-all over one timestep of N candidate neurons: the bit-true specification of
``neuron.wta`` (spikeseg ``wta_global`` / ``wta_local``; SC-NeuroCore ``WinnerTakeAll`` k = 1
on membranes, ``LateralInhibition`` with a hard square window).

Input of a timestep: for each neuron i = 0..N-1 a spike bit s_i and a membrane v_i (signed,
``width`` bits).  Output: the filtered spike vector o (N bits).  Neuron i *beats* neuron j when

    i beats j  <=>  s_i and (v_i > v_j  or  (v_i == v_j and i < j))

i.e. spiking neurons are ordered by (membrane, then lower index); the order is total, so ties
always resolve and exactly one neuron wins each neighbourhood.  Non-spiking neurons never
inhibit anyone, whatever their membrane.

    o_i = s_i and not any(j beats i for j in window(i), j != i)

- mode ``global``: window(i) = all neurons.  o is one-hot on the spiking neuron with the highest
  membrane (lowest index among equal membranes), all zero when nobody spikes.
- mode ``local``: neurons on a ``rows`` x cols map (cols = N / rows), row-major index
  i = y * cols + x; window(i) = the square (Chebyshev) neighbourhood
  {j : |y_j - y_i| <= r and |x_j - x_i| <= r}, r = ``radius``, clipped at the map edges (no
  wrap-around, no padding neurons).  Several neurons may win, at least 2r + 1 apart in x or y
  (spikeseg's ``wta_local(radius=2)`` default is r = 2; a radius covering the whole map is
  the global mode).

No arithmetic (comparisons only): nothing overflows or saturates.

Hardware structure (no effect on values): global mode is a tournament tree of
``depth = ceil(log2 N)`` compare-and-select levels with a register after every ``pipeline``
levels and after the last one (``pipeline = 0``: the last one only), the last register holding
the one-hot output; local mode is three fixed stages.  Latency (cycles from an accepted input
beat to its output beat) is

    global:  latency = ceil(depth / pipeline)  (pipeline >= 1),  1  (pipeline = 0)
             (default pipeline = 1: latency = ceil(log2 N), one level per stage)
    local:   latency = 3

Beat layout (the neuron layout, one lane per neuron so N neuron ``m_out`` beats concatenate
into one ``s_in`` beat): lane i = bits [(i+1)(width+1)-1 : i(width+1)] = {v_i, s_i}, bit 0 of
the lane the spike.  ``m_out`` tdata bit i = o_i.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from neurohdl.params import Params, pfield

from ._common import from_bits, smax, smin, to_bits

MODES = ("global", "local")
MAX_N = 64
MAX_WIDTH = 24
MAX_PIPELINE = 6      # = depth at N = 64; larger values would equal 0 (one stage)
LOCAL_LATENCY = 3


def depth_of(n: int) -> int:
    """Tournament-tree levels of global mode: ceil(log2 n)."""
    return (n - 1).bit_length()


def registered_levels(n: int, pipeline: int) -> list[int]:
    """Global mode: tree levels followed by a register (1..depth; the last = the output
    register).  The same rule as ``sc.apc``."""
    d = depth_of(n)
    if pipeline == 0:
        return [d]
    return [lv for lv in range(1, d + 1) if lv % pipeline == 0 or lv == d]


@dataclass(frozen=True)
class WtaParams(Params):
    """Winner-take-all: o_i = s_i and no spiking neuron in window(i) has a higher membrane (or
    an equal one and a lower index); window = all (global) or a square of radius r (local)."""

    mode: str = pfield("global", "'global': one winner among all N; 'local': one winner per "
                                 "square neighbourhood of radius r on a rows x cols map",
                       choices=MODES)
    n: int = pfield(16, "number of candidate neurons N (lanes of s_in)", lo=2, hi=MAX_N)
    width: int = pfield(16, "membrane width vw, bits (signed two's complement)", lo=2,
                        hi=MAX_WIDTH)
    rows: int = pfield(4, "map height H (local mode; must divide n, cols W = n / rows; "
                          "validated but unused in global mode)", lo=1, hi=lambda p: p.n)
    radius: int = pfield(2, "Chebyshev radius r of the square inhibition window (local mode; "
                            "validated but unused in global mode)", lo=1,
                         hi=lambda p: max(1, max(p.rows, p.n // max(1, p.rows)) - 1))
    pipeline: int = pfield(1, "global mode: tree levels per register stage: 1 = a register "
                              "after every level (Fmax independent of n); k = every k levels; "
                              "0 = one stage (only the output register); validated but unused "
                              "in local mode", lo=0, hi=MAX_PIPELINE, rand=(0, 3))

    def check(self):
        if self.n % self.rows:
            divs = [d for d in range(1, self.n + 1) if self.n % d == 0]
            raise self.error("rows", self.rows, f"a divisor of n = {self.n}: "
                             + ", ".join(map(str, divs)))

    def derive(self):
        self.set_derived("cols", self.n // self.rows)
        self.set_derived("lane_width", self.width + 1)
        self.set_derived("in_width", self.n * (self.width + 1))
        self.set_derived("out_width", self.n)
        self.set_derived("pairs", len(window_pairs(self)))
        self.set_derived("depth", depth_of(self.n))
        self.set_derived("latency", len(registered_levels(self.n, self.pipeline))
                         if self.mode == "global" else LOCAL_LATENCY)


def coords(p: WtaParams, i: int) -> tuple[int, int]:
    """(y, x) of neuron i on the map (row-major)."""
    return divmod(i, p.n // p.rows)


def in_window(p: WtaParams, i: int, j: int) -> bool:
    """j is in window(i) (symmetric; i itself included)."""
    if p.mode == "global":
        return True
    (yi, xi), (yj, xj) = coords(p, i), coords(p, j)
    return max(abs(yi - yj), abs(xi - xj)) <= p.radius


@lru_cache(maxsize=256)
def _pairs(mode, n, rows, radius):
    p = _Shape(mode, n, rows, radius)
    return tuple((i, j) for i in range(n) for j in range(i + 1, n) if in_window(p, i, j))


class _Shape:
    def __init__(self, mode, n, rows, radius):
        self.mode, self.n, self.rows, self.radius = mode, n, rows, radius


def window_pairs(p) -> tuple[tuple[int, int], ...]:
    """Unordered pairs (i < j) of neurons that see each other: one comparator each in the
    local RTL."""
    return _pairs(p.mode, p.n, p.rows, p.radius)


@lru_cache(maxsize=256)
def _mask(mode, n, rows, radius) -> np.ndarray:
    m = np.zeros((n, n), dtype=bool)
    for i, j in _pairs(mode, n, rows, radius):
        m[i, j] = m[j, i] = True
    m.setflags(write=False)
    return m


def check_inputs(p: WtaParams, S: np.ndarray, V: np.ndarray) -> None:
    if S.shape != V.shape or S.ndim != 2 or S.shape[1] != p.n:
        raise ValueError(f"spikes {S.shape} and membranes {V.shape}: allowed equal shapes "
                         f"(T, {p.n})")
    if S.size and (S.min() < 0 or S.max() > 1):
        raise ValueError("spikes: allowed 0 or 1")
    lo, hi = smin(p.width), smax(p.width)
    if V.size and (V.min() < lo or V.max() > hi):
        bad = V.min() if V.min() < lo else V.max()
        raise ValueError(f"membrane {int(bad)} outside the {p.width}-bit signed range {lo}..{hi}")


def run(p: WtaParams, S, V) -> np.ndarray:
    """T timesteps at once: S spikes (T, N) 0/1, V membranes (T, N) signed -> o uint8 (T, N)."""
    S = np.asarray(S, dtype=np.int64).reshape(-1, p.n)
    V = np.asarray(V, dtype=np.int64).reshape(-1, p.n)
    check_inputs(p, S, V)
    s = S.astype(bool)
    W = _mask(p.mode, p.n, p.rows, p.radius)
    idx = np.arange(p.n)
    vj, vi = V[:, :, None], V[:, None, :]                    # [t, j, i]
    beats = s[:, :, None] & ((vj > vi) | ((vj == vi) & (idx[:, None] < idx[None, :]))) & W
    return (s & ~beats.any(axis=1)).astype(np.uint8)


def step(p: WtaParams, spikes, v) -> list[int]:
    """One timestep on sequences of N ints: the filtered spike vector as a list of 0/1."""
    return [int(x) for x in run(p, [spikes], [v])[0]]


def init(p: WtaParams):
    """Stateless: the output depends only on the current timestep."""
    return None


# -- beats ------------------------------------------------------------------------------------

def pack_in(p: WtaParams, spikes, v) -> int:
    """s_in tdata of one timestep: lane i = {v_i, s_i}."""
    t = 0
    for i in range(p.n - 1, -1, -1):
        t = (t << (p.width + 1)) | (to_bits(int(v[i]), p.width) << 1) | (int(spikes[i]) & 1)
    return t


def unpack_in(p: WtaParams, tdata: int) -> tuple[list[int], list[int]]:
    lw = p.width + 1
    lanes = [(int(tdata) >> (i * lw)) & ((1 << lw) - 1) for i in range(p.n)]
    return [x & 1 for x in lanes], [int(from_bits(x >> 1, p.width)) for x in lanes]


def pack_out(o) -> int:
    """m_out tdata: bit i = o_i."""
    return sum(int(b) << i for i, b in enumerate(o))


def run_tdata(p: WtaParams, beats) -> list[int]:
    """s_in tdata beats -> m_out tdata beats (one per input beat)."""
    if not len(beats):
        return []
    SV = [unpack_in(p, t) for t in beats]
    o = run(p, [s for s, _ in SV], [v for _, v in SV])
    return [pack_out(row) for row in o]


# -- stimulus -----------------------------------------------------------------------------------

def stimulus(p: WtaParams, rng, n: int) -> list[tuple[list[int], list[int]]]:
    """n timesteps of (spikes, membranes) for tests and benches: spike densities from none to
    all, membranes uniform over the whole range, from a tiny set (many ties), all equal, only
    the extremes min/max, and a single spiker."""
    lo, hi = smin(p.width), smax(p.width)
    out = [([0] * p.n, [rng.randint(lo, hi) for _ in range(p.n)]),        # nobody spikes
           ([1] * p.n, [hi] * p.n), ([1] * p.n, [lo] * p.n)]              # all tie
    while len(out) < n:
        dens = rng.choice([0.0, 0.05, 0.2, 0.5, 0.5, 0.8, 1.0])
        s = [int(rng.random() < dens) for _ in range(p.n)]
        kind = rng.choice(["uniform", "uniform", "ties", "equal", "extreme", "single"])
        if kind == "uniform":
            v = [rng.randint(lo, hi) for _ in range(p.n)]
        elif kind == "ties":
            vals = [rng.randint(lo, hi) for _ in range(rng.randint(1, 3))]
            v = [rng.choice(vals) for _ in range(p.n)]
        elif kind == "equal":
            v = [rng.choice([lo, hi, 0, rng.randint(lo, hi)])] * p.n
        elif kind == "extreme":
            v = [rng.choice([lo, hi]) for _ in range(p.n)]
        else:
            s = [0] * p.n
            s[rng.randrange(p.n)] = 1
            v = [rng.randint(lo, hi) for _ in range(p.n)]
        out.append((s, v))
    return out[:n]


__all__ = ["WtaParams", "MODES", "init", "step", "run", "run_tdata", "pack_in", "unpack_in",
           "pack_out", "window_pairs", "registered_levels", "depth_of", "in_window", "coords",
           "stimulus", "smin", "smax"]

# SPDX-License-Identifier: Apache-2.0
"""Pure-SC LIF neuron (popcount membrane, shift leak): the bit-true specification of
``neuron.sc_lif_popcount`` (the seed's ``edge.neuron.LifNeuron.tick(input_words)``).

Each accepted input beat is one tick; its tdata is a K-bit word of bitstream bits (one bit per
input stream, or K consecutive bits of one stream).  With the membrane v (unsigned, ``width``
bits) and pc = popcount(word):

    v_pre  = min((v >> shift) + pc, 2^width - 1)          leak first, then this tick's input
    spike  = v_pre > threshold                            strict: the potential EXCEEDS it
    v'     = v_reset if spike else v_pre

``sat`` marks a tick whose ``v_pre`` was clipped to 2^width - 1.  With the derived (default)
width this never happens: by induction v <= M after every tick, where

    M = max(threshold, v_reset)                            (shift = 0)
    M = min(max(threshold, v_reset), max(2K - 1, v_reset))  (shift >= 1: v/2 + K <= 2K - 1)

so v_pre <= (M >> shift) + K, and ``width = bits_for(max(threshold, v_reset, (M >> shift) + K))``
holds every value.  An explicit narrower ``width`` saturates (declared, observable).

The output beat is {v', spike}: bit 0 = spike, bits [width:1] = v' (unsigned).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.params import Params, pfield

MAX_K = 64
MAX_WIDTH = 24


def _reach(k: int, shift: int) -> int:
    """The largest threshold that all-ones words still exceed (2K + 2 without leak): one below
    the fixed point of v <- (v >> shift) + K (random() draws thresholds up to it)."""
    if shift == 0:
        return 2 * k + 2
    v = 0
    while (v >> shift) + k != v:
        v = (v >> shift) + k
    return v - 1


def state_bound(k: int, shift: int, threshold: int, v_reset: int) -> int:
    """M: an upper bound of the membrane after every tick (see the module docstring)."""
    m = max(threshold, v_reset)
    if shift >= 1:
        m = min(m, max(2 * k - 1, v_reset))
    return m


def min_width(k: int, shift: int, threshold: int, v_reset: int) -> int:
    """The narrowest membrane width that holds threshold, v_reset and every v_pre."""
    m = state_bound(k, shift, threshold, v_reset)
    return bits_for(max(threshold, v_reset, (m >> shift) + k))


@dataclass(frozen=True)
class ScLifPopcountParams(Params):
    """v_pre = (v >> shift) + popcount(word); spike = v_pre > threshold; reset to v_reset."""

    k: int = pfield(32, "input word width K (bits of bitstream per tick)", lo=1, hi=MAX_K)
    shift: int = pfield(1, "leak: right shift of the membrane per tick (0 = no leak)",
                        lo=0, hi=16, rand=(0, 4))
    threshold: int = pfield(32, "firing threshold (spike when v_pre > threshold)", lo=0,
                            hi=(1 << 20) - 1, rand=(0, lambda p: _reach(p.k, p.shift)))
    v_reset: int = pfield(0, "membrane value after a spike", lo=0, hi=(1 << 20) - 1,
                          rand=(0, lambda p: p.k))
    width: int | None = pfield(None, "membrane width in bits; None = the narrowest width that "
                               "cannot overflow (derived); narrower explicit widths saturate",
                               optional=True, lo=1, hi=MAX_WIDTH)

    def check(self):
        if self.width is not None:
            need = bits_for(max(self.threshold, self.v_reset))
            if self.width < need:
                raise self.error("width", self.width,
                                 f"{need}..{MAX_WIDTH} (threshold {self.threshold} and v_reset "
                                 f"{self.v_reset} must fit), or None")

    def derive(self):
        need = min_width(self.k, self.shift, self.threshold, self.v_reset)
        if need > MAX_WIDTH:
            raise self.error("threshold", self.threshold, f"values needing at most {MAX_WIDTH} "
                             f"membrane bits (this configuration needs {need})")
        self.set_derived("min_width", need)
        if self.width is None:
            self.resolve("width", need)
        self.set_derived("can_saturate", self.width < need)
        self.set_derived("out_width", self.width + 1)
        self.set_derived("pc_width", bits_for(self.k))

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "width":  # None (derived) or an explicit, often saturating, width
            if rng.random() < 0.5:
                return None
            lo = bits_for(max(partial.threshold, partial.v_reset))
            hi = min_width(partial.k, partial.shift, partial.threshold, partial.v_reset)
            return rng.randint(lo, max(lo, hi - 1))   # mostly narrower than the bound
        return super()._random_field(f, rng, partial)


def initial_state(p: ScLifPopcountParams) -> int:
    """The membrane after reset: 0."""
    return 0


def step(p: ScLifPopcountParams, state: int, i: int) -> tuple[int, tuple[int, int, int]]:
    """One tick on plain ints: returns (v', (spike, v', sat))."""
    top = (1 << p.width) - 1
    pre = (int(state) >> p.shift) + bin(int(i) & ((1 << p.k) - 1)).count("1")
    sat = pre > top
    pre = min(pre, top)
    spike = pre > p.threshold
    v = p.v_reset if spike else pre
    return v, (int(spike), v, int(sat))


def run_population(p: ScLifPopcountParams, I, v0=None):
    """N independent neurons over T ticks; I has shape (T, N) of K-bit words (uint64).

    Returns (spikes uint8 (T, N), v int64 (T, N), sat bool (T, N)), sat = this tick clipped."""
    words = np.asarray(I, dtype=np.uint64)
    if words.ndim != 2:
        raise ValueError(f"I has shape {words.shape}: allowed (T, N)")
    T, N = words.shape
    if p.k < 64:
        words = words & np.uint64((1 << p.k) - 1)
    pc = np.bitwise_count(words).astype(np.int64)
    top = (1 << p.width) - 1
    v = np.full(N, initial_state(p), dtype=np.int64) if v0 is None else \
        np.asarray(v0, dtype=np.int64).copy()
    spikes = np.zeros((T, N), dtype=np.uint8)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    for t in range(T):
        pre = (v >> p.shift) + pc[t]
        sats[t] = pre > top
        pre = np.minimum(pre, top)
        s = pre > p.threshold
        v = np.where(s, p.v_reset, pre)
        spikes[t], vs[t] = s, v
    return spikes, vs, sats


def pack(p: ScLifPopcountParams, spike, v):
    """Output tdata {v, spike} (bit 0 = spike, bits [width:1] = v, unsigned)."""
    return (np.asarray(v, dtype=np.int64) << 1) | np.asarray(spike, dtype=np.int64)


def run(p: ScLifPopcountParams, words) -> tuple[list[int], list[int]]:
    """One neuron: (m_out tdata per beat, status_sat per beat (sticky, after that beat))."""
    s, v, sat = run_population(p, np.asarray(words, dtype=np.uint64).reshape(-1, 1))
    return ([int(x) for x in pack(p, s[:, 0], v[:, 0])],
            [int(x) for x in np.logical_or.accumulate(sat[:, 0])])

# SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the single-neuron models (``neuron.if_``, ``neuron.lif``, ``neuron.li`` ...).

Conventions every neuron core follows (see docs/cores/neuron/*.md):

- The membrane ``v`` is a signed two's-complement integer of ``width`` bits; the synaptic input
  of a timestep is a signed integer of ``in_width`` bits in the *same* LSB (raw units).
  ``frac_bits`` F only gives the raw integers a real scale, Q(width-F).F: the hardware is integer.
- Constants (threshold, reset value, leak amount) are raw integers in that LSB;
  :func:`real_to_raw` converts real values exactly (QFormat-checked, never rounded).
- The output beat is ``tdata = {v, spike}``: bit 0 the spike, bits [width:1] the membrane after
  the update (:func:`pack_out` / :func:`unpack_out`).
- Saturating nodes report a per-step flag; the core's ``status_sat`` is its running OR
  (:func:`sticky`).

Everything here is small and stable on purpose: other neuron models import it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from neurohdl.errors import ParamError, QFormatError
from neurohdl.fixed import QFormat
from neurohdl.params import pfield

MIN_WIDTH, MAX_WIDTH = 3, 32
MIN_IN_WIDTH, MAX_IN_WIDTH = 2, 32
RAND_WIDTH = (3, 16)


def smin(width: int) -> int:
    return -(1 << (width - 1))


def smax(width: int) -> int:
    return (1 << (width - 1)) - 1


# -- Params fields -----------------------------------------------------------------------------

def width_field(default: int = 16):
    return pfield(default, "membrane width vw, bits (signed two's complement)",
                  lo=MIN_WIDTH, hi=MAX_WIDTH, rand=RAND_WIDTH)


def in_width_field(default: int = 16):
    return pfield(default, "synaptic input width, bits (signed, same LSB as the membrane)",
                  lo=MIN_IN_WIDTH, hi=MAX_IN_WIDTH, rand=(MIN_IN_WIDTH, 16))


def frac_field(default: int = 8):
    return pfield(default, "fraction bits F: v and the input are Q(vw-F).F (a scale only; "
                  "the datapath is integer)", lo=0, hi=lambda p: p.width - 1)


def threshold_field(default: int = 256):
    return pfield(default, "firing threshold, raw LSBs (spike when v >= threshold); default "
                  "256 = 1.0 in Q8.8", lo=1, hi=lambda p: smax(p.width))


MAX_BETA_FRAC = 16


def beta_frac_field(default: int = 8):
    return pfield(default, "fraction bits Fb of the multiplicative leak coefficient",
                  lo=1, hi=MAX_BETA_FRAC)


def beta_field(default: int = 240):
    return pfield(default, "multiplicative leak coefficient, raw Q0.Fb (beta / 2^Fb; default "
                  "240/256 = 0.9375)", lo=0, hi=lambda p: (1 << p.beta_frac) - 1)


def random_beta(rng, partial, r: float) -> int:
    """A multiplicative leak coefficient from a uniform draw ``r`` in [0, 1): the corners 0 and
    1 - 2^-Fb often, else slow decays (beta >= 1/2)."""
    hi = (1 << partial.beta_frac) - 1
    return 0 if r < 0.15 else hi if r < 0.3 else rng.randint(hi // 2, hi)


def leak_value(p, v: int) -> int:
    """The leak of a Python int membrane (``p.leak``: 'shift' v - (v >> k), 'subtract' toward 0
    by L without crossing it, 'multiply' (v * beta) >> Fb; >> arithmetic, floor).  None of them
    can overflow: |result| <= |v|."""
    if p.leak == "shift":
        return v - (v >> p.leak_shift)
    if p.leak == "subtract":
        return max(v - p.leak_amount, 0) if v > 0 else min(v + p.leak_amount, 0)
    return (v * p.beta) >> p.beta_frac


def leak_population(p, v: np.ndarray) -> np.ndarray:
    """:func:`leak_value` vectorised (int64; the product v * beta fits: |v| < 2^31, beta <
    2^16)."""
    if p.leak == "shift":
        return v - (v >> np.int64(p.leak_shift))
    if p.leak == "subtract":
        L = np.int64(p.leak_amount)
        return np.where(v > L, v - L, np.where(v < -L, v + L, np.int64(0)))
    return (v * np.int64(p.beta)) >> np.int64(p.beta_frac)


def bias_field():
    return pfield(0, "constant input added every step (a NIR Affine bias folded into the "
                  "neuron), raw LSBs: u = v_l + i + bias exact, clipped once to vw bits "
                  "(saturate, status_sat); 0 = none", lo=lambda p: smin(p.width),
                  hi=lambda p: smax(p.width))


def random_bias(rng, partial) -> int:
    """Half the time 0 (no bias), else the corners or a value of the size of an input."""
    lo, hi = smin(partial.width), smax(partial.width)
    r = rng.random()
    small = max(1, min(hi, smax(partial.in_width) // 4))
    return (0 if r < 0.5 else lo if r < 0.58 else hi if r < 0.66
            else rng.randint(-small, small))


def sum_width(p) -> int:
    """Bits of the exact integration sum u = v_l + i (+ bias): max(vw, in_width) + 1, one more
    with a bias (|v_l|, |bias| <= 2^(vw-1))."""
    return max(p.width, p.in_width) + (2 if p.bias else 1)


def random_threshold(rng, partial) -> int:
    """A threshold the input can reach in a few dozen steps most of the time; the corners 1 and
    the maximum (reachable only through saturation) often."""
    hi = smax(partial.width)
    reach = max(1, min(hi, 24 * smax(partial.in_width)))
    r = rng.random()
    if r < 0.15:
        return 1
    if r < 0.3:
        return hi
    return rng.randint(1, reach)


def membrane_q(p) -> QFormat:
    """The membrane's fixed-point format Q(vw-F).F, saturating, truncating."""
    return QFormat(p.width - p.frac_bits, p.frac_bits, signed=True, overflow="saturate")


def real_to_raw(cls, kw: dict, membrane=(), coef=()) -> dict:
    """Replace real values in ``kw`` by raw integers, exactly, for ``cls.from_real``.

    membrane: names scaled by the membrane format Q(vw-F).F (from kw or the class defaults);
    coef:     (name, frac_field) pairs of unsigned Q0.frac coefficients.
    Ints pass unchanged (already raw).  A value that is not exactly representable raises
    QFormatError naming the class, field, value and the nearest representable values."""
    fields = cls.__dataclass_fields__
    out = dict(kw)

    def get(name):
        return out.get(name, fields[name].default)

    def conv(name, q):
        v = out[name]
        if isinstance(v, bool) or isinstance(v, int):
            return
        try:
            out[name] = q.const(Fraction(v) if isinstance(v, str) else v)
        except QFormatError as e:
            raise QFormatError(f"{cls.__name__}.{name} = {v!r}: allowed a value exactly "
                               f"representable in {q} ({e})") from None

    for name in membrane:
        if name in out:
            conv(name, QFormat(get("width") - get("frac_bits"), get("frac_bits")))
    for name, frac in coef:
        if name in out:
            conv(name, QFormat(0, get(frac), signed=False))
    return out


# -- the record of a neuron type ----------------------------------------------------------------

def _same_width(q, in_width: int) -> int:
    return in_width


def _no_constraint(q, in_width: int):
    return None


@dataclass(frozen=True)
class NeuronType:
    """One neuron type as a time-multiplexed engine sees it (``neuron.engine``; the RTL half is
    ``neurohdl.rtl.neuron._common.NeuronRtl``).  ``q`` below is an instance of ``params``.

    name             the type's name (``EngineParams.neuron``)
    params           its single-neuron Params class (``EngineParams.cell``)
    layout(q)        its state: ((variable, width), ...), low bits of the state word first
    reset(q)         {variable: value} after reset (:func:`reset_word` packs it)
    step_population  (q, I, state) -> (spike (N,) uint8, state', sat (N,) bool): one timestep
                     of N neurons; state maps each variable to an int64 (N,) array; I is the
                     int64 (N,) input, or (N, 2) = (excitatory, inhibitory) for two accumulators
    accumulators     1, or 2: split by the weight's sign, w >= 0 into the first, -w into the
                     second (each of the engine's in_width bits)
    input_width(q, iw)   width of the step's input (the accumulator is sign-extended to it; with
                         two accumulators it is their concatenation, 2 iw)
    constraint(q, iw)    what an engine needs beyond the Params' own checks: None, or
                         (field, value, allowed) naming an EngineParams field ('in_width') or a
                         field of q ('cell.<name>')
    random_in_width(rng) the engine's in_width for a random configuration (None: any)
    random_w_width(rng, partial)  the engine's w_width for a random configuration (None: any)
    random_cell(rng, partial, pins)   a random q for a random engine configuration (in_width,
                         w_width already drawn: ``partial``; ``pins`` fixes fields of q)
    """

    name: str
    params: type
    layout: Callable[[Any], tuple[tuple[str, int], ...]]
    reset: Callable[[Any], dict[str, int]]
    step_population: Callable[..., tuple]
    random_cell: Callable[[Any, Any, dict], Any]
    accumulators: int = 1
    input_width: Callable[[Any, int], int] = _same_width
    constraint: Callable[[Any, int], tuple[str, Any, str] | None] = _no_constraint
    random_in_width: Callable[[Any], int] | None = None
    random_w_width: Callable[[Any, Any], int] | None = None


def v_step(run):
    """A ``step_population`` from a model whose state is the membrane alone:
    ``run(q, I, v0=...) -> (spikes, v, sat)`` over T = 1."""
    def step_population(q, I, state):
        spikes, vs, sats = run(q, np.asarray(I, dtype=np.int64)[None], v0=state["v"])
        return spikes[0], {"v": vs[0]}, sats[0]
    return step_population


def v_layout(p) -> tuple[tuple[str, int], ...]:
    """The state layout of a type whose state is the membrane v alone (width bits, reset 0)."""
    return (("v", p.width),)


def one_neuron_tdata(run):
    """``run_tdata(p, inputs)`` of a single-neuron core from ``run(p, I) -> (spikes, v, sat)``
    over (T, N): (m_out tdata per beat as uint64, status_sat after each beat)."""
    def run_tdata(p, inputs):
        """One neuron: (m_out tdata per beat as uint64, status_sat after each beat)."""
        spikes, v, s = run(p, np.asarray(inputs, dtype=np.int64).reshape(-1, 1))
        return pack_out(p.width, spikes[:, 0], v[:, 0]), sticky(s[:, 0])
    return run_tdata


def v_type(name: str, params, run) -> NeuronType:
    """The record of a type whose state is the membrane v alone (reset 0), from its
    ``run(q, I, v0=...) -> (spikes, v, sat)``; the engine draws its cell at the engine's
    in_width."""
    return NeuronType(name=name, params=params, layout=v_layout, reset=lambda p: {"v": 0},
                      step_population=v_step(run),
                      random_cell=lambda rng, e, pins: params.random(rng, **pins,
                                                                     in_width=e.in_width))


def reachable(rng, engine, pins, q, field: str | None = None, draw=None):
    """For a random engine configuration: three times in four, q with ``field`` redrawn by
    ``draw(rng, reach, q)`` (reach = three of the largest weights), so the neurons spike; q itself
    when that value is not allowed (or ``field`` is None or pinned)."""
    if rng.random() < 0.75 and field is not None and field not in pins:
        try:
            return q.replace(**{field: draw(rng, 3 * smax(engine.w_width), q)})
        except ParamError:
            pass
    return q


def reset_word(t: NeuronType, q) -> int:
    """The state word after reset (:attr:`NeuronType.layout` packing)."""
    return pack_state(t.layout(q), t.reset(q))


def pack_state(layout, values) -> int:
    """One state word from {variable: value} (two's complement fields, low bits first)."""
    word, off = 0, 0
    for name, w in layout:
        word |= (int(values[name]) & ((1 << w) - 1)) << off
        off += w
    return word


def states_step(run, names: tuple[str, ...]):
    """A ``step_population`` from a model's ``run_population_states`` (T = 1; ``names``: the
    order of its ``state0`` tuple)."""
    def step_population(q, I, state):
        r = run(q, np.asarray(I, dtype=np.int64)[None], state0=tuple(state[n] for n in names))
        return r["spike"][0], {n: r[n][0] for n in names}, r["sat"][0]
    return step_population


# -- arithmetic ---------------------------------------------------------------------------------

def sat(x: int, width: int) -> tuple[int, bool]:
    """Scalar saturation of a Python int to ``width`` signed bits: (value, saturated)."""
    lo, hi = smin(width), smax(width)
    if x > hi:
        return hi, True
    if x < lo:
        return lo, True
    return x, False


def to_bits(x, width: int):
    """Two's-complement bit pattern (unsigned) of signed ints; int in, int out, array -> uint64."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return int(x) & ((1 << width) - 1)
    return (np.asarray(x, dtype=np.int64) & np.int64((1 << width) - 1)).astype(np.uint64)


def from_bits(u, width: int):
    """Signed value of ``width``-bit two's-complement patterns (int or array)."""
    if np.ndim(u) == 0 and not isinstance(u, np.ndarray):
        u = int(u) & ((1 << width) - 1)
        return u - (1 << width) if u >> (width - 1) else u
    a = np.asarray(u, dtype=np.uint64).astype(np.int64) & np.int64((1 << width) - 1)
    return np.where(a >> (width - 1) & 1, a - np.int64(1 << width), a)


def pack_out(width: int, spike, v):
    """tdata = {v, spike}: bit 0 the spike, bits [width:1] the membrane (two's complement)."""
    if np.ndim(v) == 0 and not isinstance(v, np.ndarray):
        return (to_bits(v, width) << 1) | (int(spike) & 1)
    s = np.asarray(spike).astype(np.uint64) & np.uint64(1)
    return (to_bits(v, width) << np.uint64(1)) | s


def unpack_out(width: int, tdata):
    """(spike, v) from output beats."""
    if np.ndim(tdata) == 0 and not isinstance(tdata, np.ndarray):
        return int(tdata) & 1, from_bits(int(tdata) >> 1, width)
    t = np.asarray(tdata, dtype=np.uint64)
    return (t & np.uint64(1)).astype(np.uint8), from_bits(t >> np.uint64(1), width)


def sticky(flags):
    """Running OR along axis 0: the status_sat value after each step."""
    return np.logical_or.accumulate(np.asarray(flags, dtype=bool), axis=0)


def as_population(I) -> np.ndarray:
    """Inputs as int64 (T, N); a 1-D sequence is one neuron (T, 1)."""
    a = np.asarray(I, dtype=np.int64)
    return a.reshape(-1, 1) if a.ndim == 1 else a


def check_inputs(p, I: np.ndarray) -> None:
    lo, hi = smin(p.in_width), smax(p.in_width)
    if I.size and (I.min() < lo or I.max() > hi):
        bad = I.min() if I.min() < lo else I.max()
        raise ValueError(f"input {int(bad)} outside the {p.in_width}-bit signed range {lo}..{hi}")


def population(p, I, state0, n: int):
    """The start of a ``run_population``: (the inputs as int64 (T, N), checked against
    ``p.in_width``; ``n`` state arrays of N int64, zeros or the arrays of ``state0``)."""
    I = as_population(I)
    check_inputs(p, I)
    N = I.shape[1]
    state = [np.zeros(N, dtype=np.int64) for _ in range(n)]
    for s, s0 in zip(state, state0 if state0 is not None else ()):
        s[:] = np.asarray(s0, dtype=np.int64).reshape(N)
    return I, state


def membrane_min(p) -> int:
    """-2^(width-1): the smallest membrane value of ``p`` (a Params bound)."""
    return smin(p.width)


def membrane_max(p) -> int:
    """2^(width-1) - 1: the largest membrane value of ``p`` (a Params bound)."""
    return smax(p.width)


def stimulus(p, rng, n: int) -> list[int]:
    """Test/bench input sequence (signed ints) of n timesteps: segments of the saturation
    corners (the extreme inputs held for many steps), silence (leak), uniform noise over the
    whole input range, constant drive near threshold / m (regular spiking), small noise and
    alternating extremes.  ``p`` needs width and in_width (threshold optional)."""
    lo, hi = smin(p.in_width), smax(p.in_width)
    thr = getattr(p, "threshold", max(1, smax(p.width) // 4))
    return segments(rng, n, lo, hi, 24, lambda r: min(hi, max(1, thr // r.randint(1, 24))), 1,
                    min(hi, max(1, thr // 8)))


def segments(rng, n: int, lo: int, hi: int, head: int, drive, jitter: int, small: int):
    """n inputs in lo..hi: ``head`` steps of hi, ``head`` of lo, then random segments of 1..40
    steps: hi or lo held, silence, uniform lo..hi, twice as often a constant drive ``drive(rng)``
    with +-``jitter`` noise, noise in -small..small, alternating extremes."""
    out: list[int] = [hi] * min(n, head) + [lo] * min(max(n - head, 0), head)
    while len(out) < n:
        kind = rng.choice(["max", "min", "zero", "uniform", "drive", "drive", "small", "alt"])
        m = rng.randint(1, 40)
        if kind == "max":
            seg = [hi] * m
        elif kind == "min":
            seg = [lo] * m
        elif kind == "zero":
            seg = [0] * m
        elif kind == "uniform":
            seg = [rng.randint(lo, hi) for _ in range(m)]
        elif kind == "drive":
            c = drive(rng)
            seg = [max(lo, min(hi, c + rng.randint(-jitter, jitter))) for _ in range(m)]
        elif kind == "small":
            seg = [rng.randint(-small, small) for _ in range(m)]
        else:
            seg = [hi if j % 2 else lo for j in range(m)]
        out += seg
    return out[:n]


__all__ = ["MIN_WIDTH", "MAX_WIDTH", "smin", "smax", "width_field", "in_width_field",
           "frac_field", "threshold_field", "random_threshold", "MAX_BETA_FRAC",
           "beta_frac_field", "beta_field", "random_beta", "leak_value", "leak_population",
           "bias_field", "random_bias", "sum_width", "membrane_q", "real_to_raw",
           "sat", "to_bits", "from_bits", "pack_out", "unpack_out", "sticky", "as_population",
           "check_inputs", "population", "membrane_min", "membrane_max", "stimulus", "segments",
           "NeuronType", "reset_word", "pack_state", "states_step", "reachable", "v_step",
           "v_layout", "one_neuron_tdata", "v_type"]

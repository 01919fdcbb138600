# SPDX-License-Identifier: Apache-2.0
"""Izhikevich (2003) neuron in fixed point (Q16.16 by default): the bit-true specification of
``neuron.izhikevich`` (the seed's ``edge.neuron.IzhikevichNeuron.tick(input_current_q16)``,
float golden ``neurons.sc_izhikevich.SCIzhikevichNeuron``).

Continuous model (v in mV, t in ms, I in the model's current units):

    v' = 0.04 v^2 + 5 v + 140 - u + I,    u' = a (b v - u),    v >= 30 mV: v <- c, u <- u + d

Fixed point.  v, u and the input I are raw two's-complement integers of W = int_bits +
frac_bits bits with F = frac_bits fraction bits (Q16.16: W = 32, one LSB = 2^-16 mV).
``>>`` is an arithmetic shift (floor).  The constants are rounded to nearest in QF:

    K004 = round(0.04 * 2^F)    (F = 16: 2621 for 2621.44, error -0.44 LSB = -6.7e-6 (-0.017 %))
    Ka = round(a * 2^F),  Kb = round(b * 2^F)        (a = 0.02 -> 1311 for 1310.72, ...)
    C = c * 2^F,  D = d * 2^F,  K140 = 140 * 2^F,  V_PEAK = 30 * 2^F    (exact)

The derived value ``quant_err`` records every constant's rounding error (real units).  One
timestep (explicit Euler, dt = 2^-dt_shift ms; both derivatives from the old state):

    v2   = (v * v) >> F                       v^2, 2W-bit product, floor
    t1   = (K004 * v2) >> F                   0.04 v^2, floor
    dv   = t1 + 5 v + K140 - u + I            exact
    vn   = v + (dv >> dt_shift)               exact (wide), floor of dt * dv
    bv   = (Kb * v) >> F                      b v, floor
    du   = (Ka * (bv - u)) >> F               a (b v - u), floor
    un   = u + (du >> dt_shift)               exact (wide)
    spike = vn >= V_PEAK
    v'   = C if spike else sat_W(vn)
    u'   = sat_W(un + D) if spike else sat_W(un)

``sat_W`` clips to the W-bit range; ``sat`` marks a step in which v' or u' was clipped (the
overshoot vn of a spiking step is not stored, so it never counts).  After reset
v = v_init (default -65 mV) and u = (Kb * v_init) >> F (u = b v, Izhikevich's initial
condition).  Every product is exact (widths in rtl_py/neuron/izhikevich.py); W <= 32 keeps every
intermediate below 2^62, so the numpy model is exact in int64.

Output beat (m_out tdata): bit 0 = spike, bits [W:1] = v', bits [2W:W+1] = u'.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from neurohdl.errors import QFormatError
from neurohdl.fixed import QFormat
from neurohdl.params import Params, pfield

from ._common import NeuronType, reachable

# Izhikevich, "Simple model of spiking neurons", IEEE TNN 14(6):1569-1572, 2003 (Fig. 2).
PRESETS = {
    "regular_spiking": (0.02, 0.2, -65, 8),
    "fast_spiking": (0.1, 0.2, -65, 2),
    "chattering": (0.02, 0.2, -50, 2),
    "intrinsic_burst": (0.02, 0.2, -55, 4),
}
V_PEAK_MV = 30
V_INIT_MV = -65
MAX_W = 32


def _qlo(p):
    return -(1 << (p.int_bits + p.frac_bits - 1))


def _qhi(p):
    return (1 << (p.int_bits + p.frac_bits - 1)) - 1


def _coef_lo(p):
    return -(4 << p.frac_bits)


def _coef_hi(p):
    return (4 << p.frac_bits) - 1


@dataclass(frozen=True)
class IzhikevichParams(Params):
    """Izhikevich 2003 in Q(int_bits).(frac_bits), Euler with dt = 2^-dt_shift ms."""

    int_bits: int = pfield(16, "integer bits of v, u, I (sign included); v in mV", lo=8, hi=24)
    frac_bits: int = pfield(16, "fraction bits (LSB = 2^-frac_bits mV)", lo=8, hi=24)
    dt_shift: int = pfield(1, "timestep dt = 2^-dt_shift ms (0: 1 ms, 1: 0.5 ms, ...)",
                           lo=0, hi=6, rand=(0, 2))
    preset: str = pfield("regular_spiking", "(a, b, c, d) of Izhikevich 2003: "
                         "regular_spiking 0.02/0.2/-65/8, fast_spiking 0.1/0.2/-65/2, "
                         "chattering 0.02/0.2/-50/2, intrinsic_burst 0.02/0.2/-55/4",
                         choices=tuple(PRESETS))
    a: int | None = pfield(None, "raw a (Q.F, |a| < 4); None = the preset's, rounded to "
                           "nearest", optional=True, lo=_coef_lo, hi=_coef_hi)
    b: int | None = pfield(None, "raw b (Q.F, |b| < 4); None = the preset's, rounded to "
                           "nearest", optional=True, lo=_coef_lo, hi=_coef_hi)
    c: int | None = pfield(None, "raw reset potential c (Q.F); None = the preset's",
                           optional=True, lo=_qlo, hi=_qhi)
    d: int | None = pfield(None, "raw reset increment d of u (Q.F); None = the preset's",
                           optional=True, lo=_qlo, hi=_qhi)
    v_init: int | None = pfield(None, "raw v after reset; None = -65 mV", optional=True,
                                lo=_qlo, hi=_qhi)
    v_peak: int | None = pfield(None, "raw spike cut-off (spike when v >= v_peak); None = 30 mV",
                                optional=True, lo=_qlo, hi=_qhi)

    @property
    def width(self) -> int:
        return self.int_bits + self.frac_bits

    @property
    def q(self) -> QFormat:
        return QFormat(self.int_bits, self.frac_bits)

    def check(self):
        if self.width > MAX_W:
            raise self.error("frac_bits", self.frac_bits,
                             f"8..{MAX_W - self.int_bits} with int_bits {self.int_bits} "
                             f"(int_bits + frac_bits <= {MAX_W})")

    def _qconst(self, name, value, rounding=None):
        try:
            return self.q.const_with_error(value, rounding)
        except QFormatError as e:
            raise self.error(name, value, f"values representable in {self.q} ({e}); widen "
                             "int_bits or give the raw value") from None

    def derive(self):
        F = self.frac_bits
        pa, pb, pc, pd = PRESETS[self.preset]
        errs = {}
        k004, errs["0.04"] = self._qconst("frac_bits", Fraction(1, 25), "nearest")
        if self.a is None:
            raw, errs["a"] = self._qconst("a", pa, "nearest")
            self.resolve("a", raw)
        if self.b is None:
            raw, errs["b"] = self._qconst("b", pb, "nearest")
            self.resolve("b", raw)
        if self.c is None:
            self.resolve("c", self._qconst("c", pc)[0])
        if self.d is None:
            self.resolve("d", self._qconst("d", pd)[0])
        if self.v_init is None:
            self.resolve("v_init", self._qconst("v_init", V_INIT_MV)[0])
        if self.v_peak is None:
            self.resolve("v_peak", self._qconst("v_peak", V_PEAK_MV)[0])
        self.set_derived("k004", k004)
        self.set_derived("k140", 140 << F)
        self.set_derived("u_init", (self.b * self.v_init) >> F)
        self.set_derived("quant_err", {k: float(v) for k, v in sorted(errs.items())})
        self.set_derived("out_width", 2 * self.width + 1)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name in ("a", "b", "c", "d", "v_init", "v_peak"):
            return None                      # the presets (custom values: tests pass raw ones)
        if f.name == "frac_bits":
            return rng.choice([8, 16, rng.randint(8, MAX_W - partial.int_bits)])
        if f.name == "int_bits":
            return rng.choice([10, 16, rng.randint(8, 20)])
        return super()._random_field(f, rng, partial)


def initial_state(p: IzhikevichParams) -> tuple[int, int]:
    """(v, u) after reset."""
    return p.v_init, p.u_init


def step(p: IzhikevichParams, state, i) -> tuple[tuple[int, int], tuple[int, int, int]]:
    """One timestep on plain ints: returns ((v', u'), (spike, v', sat))."""
    v, u = (int(x) for x in state)
    F, DT = p.frac_bits, p.dt_shift
    lo, hi = _qlo(p), _qhi(p)
    t1 = (p.k004 * ((v * v) >> F)) >> F
    vn = v + ((t1 + 5 * v + p.k140 - u + int(i)) >> DT)
    un = u + ((p.a * (((p.b * v) >> F) - u)) >> F >> DT)
    if vn >= p.v_peak:
        un += p.d
        u2 = min(max(un, lo), hi)
        return (p.c, u2), (1, p.c, int(u2 != un))
    v2, u2 = min(max(vn, lo), hi), min(max(un, lo), hi)
    return (v2, u2), (0, v2, int(v2 != vn or u2 != un))


def run_population(p: IzhikevichParams, I, state=None, with_u: bool = False):
    """N neurons over T timesteps, I (raw, Q format of the Params) of shape (T, N).
    Returns (spikes uint8 (T, N), v int64 (T, N), sat bool (T, N)) -- sat = this step clipped
    v' or u' -- and, with ``with_u``, u int64 (T, N) as a fourth element."""
    I = np.asarray(I, dtype=np.int64)
    if I.ndim != 2:
        raise ValueError(f"I has shape {I.shape}: allowed (T, N)")
    T, N = I.shape
    v0, u0 = initial_state(p) if state is None else state
    v = np.broadcast_to(np.asarray(v0, dtype=np.int64), (N,)).copy()
    u = np.broadcast_to(np.asarray(u0, dtype=np.int64), (N,)).copy()
    F, DT = p.frac_bits, p.dt_shift
    lo, hi = _qlo(p), _qhi(p)
    k004, k140, a, b, c, d = (np.int64(x) for x in (p.k004, p.k140, p.a, p.b, p.c, p.d))
    spikes = np.zeros((T, N), dtype=np.uint8)
    vs = np.zeros((T, N), dtype=np.int64)
    us = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    for t in range(T):
        t1 = (k004 * ((v * v) >> F)) >> F
        vn = v + ((t1 + 5 * v + k140 - u + I[t]) >> DT)
        un = u + ((a * (((b * v) >> F) - u)) >> F >> DT)
        s = vn >= p.v_peak
        un = np.where(s, un + d, un)
        vc = np.clip(vn, lo, hi)
        uc = np.clip(un, lo, hi)
        sats[t] = (uc != un) | (~s & (vc != vn))
        v = np.where(s, c, vc)
        u = uc
        spikes[t], vs[t], us[t] = s, v, u
    return (spikes, vs, sats, us) if with_u else (spikes, vs, sats)


def pack_out(p: IzhikevichParams, spike, v, u) -> list[int]:
    """m_out tdata: bit 0 = spike, bits [W:1] = v, bits [2W:W+1] = u (Python ints)."""
    W, m = p.width, (1 << p.width) - 1
    return [((int(b) & m) << (W + 1)) | ((int(a) & m) << 1) | int(s)
            for s, a, b in zip(np.ravel(spike), np.ravel(v), np.ravel(u))]


def run(p: IzhikevichParams, xs) -> tuple[list[int], list[int]]:
    """One neuron fed raw inputs xs: (m_out tdata per beat, sticky status_sat per beat)."""
    I = np.asarray([int(x) for x in xs], dtype=np.int64).reshape(-1, 1)
    s, v, sat, u = run_population(p, I, with_u=True)
    return (pack_out(p, s[:, 0], v[:, 0], u[:, 0]),
            [int(x) for x in np.logical_or.accumulate(sat[:, 0])])


def to_tdata(p: IzhikevichParams, x: int) -> int:
    return int(x) & ((1 << p.width) - 1)


def current(p: IzhikevichParams, mv: float) -> int:
    """Raw input for a real current (rounded to nearest)."""
    return p.q.const(mv, rounding="nearest")


def step_population(p: IzhikevichParams, I, state):
    """One timestep of N neurons (:class:`NeuronType`): state {"v", "u"} (N,) arrays."""
    spikes, vs, sats, us = run_population(p, np.asarray(I, dtype=np.int64)[None],
                                          state=(state["v"], state["u"]), with_u=True)
    return spikes[0], {"v": vs[0], "u": us[0]}, sats[0]


def engine_constraint(p: IzhikevichParams, in_width: int):
    if in_width > p.width:
        return "in_width", in_width, (f"2..{p.width} for neuron = 'izhikevich' (its input is "
                                      f"Q{p.int_bits}.{p.frac_bits})")
    return None


def random_engine_cell(rng, e, pins) -> IzhikevichParams:
    """A Q format that holds the engine's in_width (raw Q.F currents), unless pinned."""
    ib = rng.choice([16, 16, rng.randint(8, 24)])
    lo = max(8, e.in_width - ib)
    if lo > MAX_W - ib:
        ib = MAX_W - lo
    fb = rng.choice([lo, MAX_W - ib, rng.randint(lo, MAX_W - ib)])
    q = IzhikevichParams.random(rng, **{"int_bits": ib, "frac_bits": fb, **pins})
    return reachable(rng, e, pins, q)


NEURON = NeuronType(
    name="izhikevich", params=IzhikevichParams,
    layout=lambda p: (("v", p.width), ("u", p.width)),
    reset=lambda p: {"v": p.v_init, "u": p.u_init},
    step_population=step_population, input_width=lambda p, iw: p.width,
    constraint=engine_constraint, random_cell=random_engine_cell,
    # raw Q.F currents: drive that makes the presets fire needs >= ~F + 4 bits
    random_in_width=lambda rng: rng.choice([24, 32, rng.randint(12, 32)]),
    random_w_width=lambda rng, e: max(2, e.in_width - rng.randint(0, 8)))

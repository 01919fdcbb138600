# SPDX-License-Identifier: Apache-2.0
"""Adaptive-threshold LIF (LSNN / mlxsnn 'alif' / SpikeFormer AdLIF): the bit-true specification
of ``neuron.alif``.

State: membrane v (signed, ``width`` = vw bits, reset 0) and adaptation a (unsigned, ``a_width``
= aw bits, reset 0).  One timestep per accepted input beat, input i (signed, ``in_width`` bits,
membrane LSB); coefficients are raw Q0.Fb integers (Fb = ``beta_frac``):

    1. threshold  theta = threshold + tz(beta_a * a, Fb)        exact, uses a before this step
    2. leak       v_l   = tz(v * beta, Fb)                      |v_l| <= |v|, cannot overflow
    3. integrate  u     = v_l + i                               exact, max(vw, in_width) + 1 bits
                  v_i   = clip(u, -2^(vw-1), 2^(vw-1) - 1);  sat_v = (v_i != u)
    4. fire       spike = v_i >= theta
    5. reset      v' = v_i - theta (reset = "subtract") | 0 (reset = "zero")   if spike
                  v' = v_i                                                      otherwise
    6. adapt      s     = tz(a * rho, Fb) + (a_inc if spike else 0)
                  a'    = min(s, 2^aw - 1);  sat_a = (s > 2^aw - 1)

``tz(x, F) = sgn(x) * (|x| >> F)`` is the shift on the magnitude (rounds toward 0), the Loihi /
Lava decay rounding of ``neuron.cuba_lif``: a decaying v of either sign reaches 0 (a floor shift
would leave a negative v stuck at -1).  For the non-negative adaptation terms it is a plain
floor shift.  sat = sat_v or sat_a (``status_sat`` is the running OR).

Real-valued equations (LSNN, Bellec et al. 2018; mlxsnn/snnTorch-style discrete ALIF):
    theta_t = theta0 + beta_a a_t,   v_t = beta v_{t-1} + I_t,   s_t = [v_t >= theta_t],
    v_t -= s_t theta_t (or v_t = 0),   a_{t+1} = rho a_t + a_inc s_t
with beta = beta/2^Fb, rho = rho/2^Fb, beta_a = beta_a/2^Fb (LSNN's a += (1-rho) s is
a_inc = (1-rho), folded into beta_a and a_inc here).  In the subtract mode the reset cannot
overflow: a spike means theta <= v_i <= 2^(vw-1) - 1, and theta >= threshold >= 1.

Output layout: ``tdata = {a, v, spike}``: bit 0 the spike, bits [vw:1] v after the step (signed),
bits [vw+aw:vw+1] a after the step (unsigned).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.params import Params, pfield

from ._common import (check_inputs, frac_field, in_width_field, NeuronType, pack_out, population,
                      random_threshold, reachable, real_to_raw, sat, smax, states_step, sticky,
                      to_bits, unpack_out, width_field)

RESETS = ("subtract", "zero")
MAX_BETA_FRAC = 16
MAX_A_WIDTH = 16
BETA_A_BITS = 16


@dataclass(frozen=True)
class AlifParams(Params):
    """ALIF: theta = threshold + beta_a a; v = beta v + i (saturating), spike v >= theta,
    reset subtract/zero; a = rho a + a_inc on spike (saturating)."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    threshold: int = pfield(256, "base threshold theta0, raw LSBs (spike when v >= theta0 + "
                            "beta_a a); default 256 = 1.0 in Q8.8", lo=1,
                            hi=lambda p: smax(p.width))
    beta_frac: int = pfield(8, "fraction bits Fb of the coefficients beta, rho and beta_a",
                            lo=1, hi=MAX_BETA_FRAC)
    beta: int = pfield(240, "membrane decay, raw Q0.Fb (beta / 2^Fb < 1; default 240/256 = "
                       "0.9375)", lo=0, hi=lambda p: (1 << p.beta_frac) - 1)
    rho: int = pfield(248, "adaptation decay, raw Q0.Fb (rho / 2^Fb < 1; default 248/256 = "
                      "0.96875)", lo=0, hi=lambda p: (1 << p.beta_frac) - 1)
    a_width: int = pfield(8, "adaptation variable width aw, bits (unsigned, saturating)",
                          lo=1, hi=MAX_A_WIDTH, rand=(1, 10))
    a_inc: int = pfield(32, "increment of a on a spike, raw (1 .. 2^aw - 1)", lo=1,
                        hi=lambda p: (1 << p.a_width) - 1)
    beta_a: int = pfield(256, "adaptation strength, raw UQ(16-Fb).Fb: theta = threshold + "
                         "(beta_a a) >> Fb (default 256 = 1.0 at Fb = 8)", lo=0,
                         hi=(1 << BETA_A_BITS) - 1)
    reset: str = pfield("subtract", "on a spike: 'subtract' (v -= theta) or 'zero' (v = 0)",
                        choices=RESETS)

    def derive(self):
        a_max = (1 << self.a_width) - 1
        adapt_max = (self.beta_a * a_max) >> self.beta_frac
        theta_max = self.threshold + adapt_max
        self.set_derived("a_max", a_max)
        self.set_derived("adapt_max", adapt_max)
        self.set_derived("adapt_width", bits_for(adapt_max))
        self.set_derived("theta_max", theta_max)
        self.set_derived("theta_width", bits_for(theta_max))
        self.set_derived("sum_width", max(self.width, self.in_width) + 1)
        self.set_derived("out_width", 1 + self.width + self.a_width)

    @classmethod
    def from_real(cls, **kw) -> "AlifParams":
        """threshold as a real value in Q(vw-F).F; beta and rho as reals in Q0.Fb; each exactly
        representable (QFormatError otherwise)."""
        return cls(**real_to_raw(cls, kw, membrane=("threshold",),
                                 coef=(("beta", "beta_frac"), ("rho", "beta_frac"))))

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "threshold":
            return random_threshold(rng, partial)
        if f.name in ("beta", "rho"):
            hi = (1 << partial.beta_frac) - 1
            return 0 if r < 0.15 else hi if r < 0.3 else rng.randint(hi // 2, hi)
        if f.name == "a_inc":
            hi = (1 << partial.a_width) - 1
            return 1 if r < 0.15 else hi if r < 0.3 else rng.randint(1, hi)
        if f.name == "beta_a":
            one = 1 << partial.beta_frac
            return (0 if r < 0.1 else (1 << BETA_A_BITS) - 1 if r < 0.2
                    else rng.randint(1, min((1 << BETA_A_BITS) - 1, 4 * one)))
        return super()._random_field(f, rng, partial)


def tz(x: int, f: int) -> int:
    """sgn(x) * (|x| >> f) on Python ints (the shift on the magnitude: rounds toward 0)."""
    return -((-x) >> f) if x < 0 else x >> f


def tz_population(x: np.ndarray, f: int) -> np.ndarray:
    return np.sign(x) * (np.abs(x) >> np.int64(f))


def init(p: AlifParams) -> tuple[int, int]:
    """State after reset: (v, a) = (0, 0)."""
    return 0, 0


def theta(p: AlifParams, a: int) -> int:
    return p.threshold + ((p.beta_a * int(a)) >> p.beta_frac)


def step(p: AlifParams, state: tuple[int, int], i: int):
    """One timestep on Python ints: returns ((v', a'), (spike, v', sat))."""
    check_inputs(p, np.asarray([i]))
    v, a = int(state[0]), int(state[1])
    th = theta(p, a)
    vi, sat_v = sat(tz(v * p.beta, p.beta_frac) + int(i), p.width)
    spike = vi >= th
    if spike:
        vi = vi - th if p.reset == "subtract" else 0
    s = tz(a * p.rho, p.beta_frac) + (p.a_inc if spike else 0)
    sat_a = s > p.a_max
    return (vi, min(s, p.a_max)), (int(spike), vi, bool(sat_v or sat_a))


def run_population_states(p: AlifParams, I, state0=None) -> dict:
    """N independent neurons over T steps, vectorised over N (the engine's reference).

    I: (T, N) signed inputs (a 1-D sequence is one neuron); state0: optional (v, a) arrays.
    Returns a dict of (T, N) arrays after each step: ``spike`` (uint8), ``v``, ``a``, ``theta``
    (the threshold the step compared against) (int64), ``sat`` (bool, per-step events)."""
    I, (v, a) = population(p, I, state0, 2)
    T, N = I.shape
    out = {k: np.zeros((T, N), dtype=np.int64) for k in ("v", "a", "theta")}
    out["spike"] = np.zeros((T, N), dtype=np.uint8)
    out["sat"] = np.zeros((T, N), dtype=bool)
    lo, hi = -(1 << (p.width - 1)), smax(p.width)
    fb = np.int64(p.beta_frac)
    for t in range(T):
        th = np.int64(p.threshold) + ((np.int64(p.beta_a) * a) >> fb)
        u = tz_population(v * np.int64(p.beta), p.beta_frac) + I[t]
        vi = np.clip(u, lo, hi)
        spk = vi >= th
        after = vi - th if p.reset == "subtract" else np.int64(0)
        v = np.where(spk, after, vi)
        s = ((a * np.int64(p.rho)) >> fb) + np.where(spk, np.int64(p.a_inc), np.int64(0))
        a = np.minimum(s, np.int64(p.a_max))
        out["v"][t], out["a"][t], out["theta"][t] = v, a, th
        out["spike"][t], out["sat"][t] = spk, (u != vi) | (s > p.a_max)
    return out


def run_population(p: AlifParams, I, state0=None):
    """(spikes uint8 (T, N), v int64 (T, N) after each step, sat bool (T, N) per-step events);
    status_sat after step t is ``sticky(sat)[t]``."""
    r = run_population_states(p, I, state0)
    return r["spike"], r["v"], r["sat"]


def pack(p: AlifParams, spike, v, a):
    """m_out tdata = {a, v, spike} (int for scalars, uint64 for arrays)."""
    return pack_out(p.width, spike, v) | (to_bits(a, p.a_width) << (1 + p.width))


def unpack(p: AlifParams, tdata):
    """(spike, v, a) of m_out tdata (int or uint64 array)."""
    spike, v = unpack_out(p.width, tdata)
    if np.ndim(tdata) == 0 and not isinstance(tdata, np.ndarray):
        return spike, v, (int(tdata) >> (1 + p.width)) & p.a_max
    t = np.asarray(tdata, dtype=np.uint64) >> np.uint64(1 + p.width)
    return spike, v, (t & np.uint64(p.a_max)).astype(np.int64)


def run_tdata(p: AlifParams, inputs, state0=None):
    """One neuron: (m_out tdata per beat as uint64, status_sat after each beat)."""
    r = run_population_states(p, np.asarray(inputs, dtype=np.int64).reshape(-1, 1), state0)
    return pack(p, r["spike"][:, 0], r["v"][:, 0], r["a"][:, 0]), sticky(r["sat"][:, 0])


def to_tdata(p: AlifParams, inputs) -> list[int]:
    """s_in tdata words (in_width-bit two's complement patterns) of signed inputs."""
    return [int(x) for x in to_bits(np.asarray(inputs, dtype=np.int64).ravel(), p.in_width)]


NEURON = NeuronType(
    name="alif", params=AlifParams,
    layout=lambda p: (("v", p.width), ("a", p.a_width)), reset=lambda p: {"v": 0, "a": 0},
    step_population=states_step(run_population_states, ("v", "a")),
    random_cell=lambda rng, e, pins: reachable(
        rng, e, pins, AlifParams.random(rng, **pins, in_width=e.in_width), "threshold",
        lambda r, reach, q: r.randint(1, max(1, min(smax(q.width), reach)))))


__all__ = ["NEURON", "AlifParams", "RESETS", "init", "theta", "step", "tz", "run_population",
           "run_population_states", "run_tdata", "pack", "unpack", "to_tdata"]

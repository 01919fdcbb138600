# SPDX-License-Identifier: Apache-2.0
"""Alpha neuron (mlxsnn 'alpha'): two decaying synaptic currents, excitatory and inhibitory,
feeding a leaky membrane: the bit-true specification of ``neuron.alpha``.

State: currents i_exc, i_inh (signed, ``i_width`` = iw bits, reset 0) and membrane v (signed,
``width`` = vw bits, reset 0).  One timestep per accepted input beat carrying two signed inputs
I_exc, I_inh (``in_width`` bits each, membrane LSB); coefficients are raw Q0.Fb integers
(Fb = ``beta_frac``):

    1. synapses  e = tz(i_exc * alpha_exc, Fb) + I_exc;   i_exc' = clip(e, iw)   sat_e
                 h = tz(i_inh * alpha_inh, Fb) + I_inh;   i_inh' = clip(h, iw)   sat_h
    2. membrane  u = tz(v * beta, Fb) + i_exc' - i_inh'   exact, max(vw, iw) + 2 bits
                 v_i = clip(u, vw)                                               sat_v
    3. fire      spike = v_i >= threshold
    4. reset     v' = v_i - threshold (reset = "subtract") | 0 (reset = "zero")   if spike
                 v' = v_i                                                          otherwise

``clip(x, n)`` saturates to [-2^(n-1), 2^(n-1) - 1]; ``tz(x, F) = sgn(x) * (|x| >> F)`` shifts
the magnitude (rounds toward 0, the Loihi/Lava decay rounding of ``neuron.cuba_lif``).  The new
currents feed the membrane in the same step (as snnTorch's Synaptic/Alpha and Lava's CUBA
order).  sat = sat_e or sat_h or sat_v (``status_sat`` is the running OR).  The subtract reset
cannot overflow: threshold >= 1 and a spike means threshold <= v_i <= 2^(vw-1) - 1.

Real-valued equations: i_exc = a_e i_exc + I_exc, i_inh = a_i i_inh + I_inh,
v = beta v + i_exc - i_inh, s = [v >= theta], v -= s theta (or 0), with a_e = alpha_exc / 2^Fb,
a_i = alpha_inh / 2^Fb, beta = beta / 2^Fb.

Input layout: ``s_in_tdata = {I_inh, I_exc}``: bits [in_width-1:0] I_exc, bits
[2 in_width-1:in_width] I_inh, each two's complement.  Output layout: ``m_out_tdata =
{i_inh, i_exc, v, spike}``: bit 0 spike, [vw:1] v, [vw+iw:vw+1] i_exc, [vw+2iw:vw+iw+1] i_inh
(all after the step, signed).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.params import Params, pfield

from ._common import (check_inputs, frac_field, from_bits, in_width_field, NeuronType,
                      random_threshold, reachable, real_to_raw, sat, smax, smin, states_step,
                      sticky, threshold_field, to_bits, width_field)
from .alif import tz, tz_population

RESETS = ("subtract", "zero")
MAX_BETA_FRAC = 16
MAX_I_WIDTH = 32


@dataclass(frozen=True)
class AlphaParams(Params):
    """Alpha neuron: i_exc, i_inh decaying currents (saturating), v = beta v + i_exc - i_inh
    (saturating), spike v >= threshold, reset subtract/zero."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    i_width: int = pfield(20, "synaptic current width iw, bits (signed, saturating; >= "
                          "in_width)", lo=lambda p: p.in_width, hi=MAX_I_WIDTH,
                          rand=(lambda p: p.in_width, lambda p: min(MAX_I_WIDTH, p.in_width + 6)))
    threshold: int = threshold_field()
    beta_frac: int = pfield(8, "fraction bits Fb of the coefficients alpha_exc, alpha_inh, beta",
                            lo=1, hi=MAX_BETA_FRAC)
    alpha_exc: int = pfield(230, "excitatory current decay, raw Q0.Fb (default 230/256 = "
                            "0.898)", lo=0, hi=lambda p: (1 << p.beta_frac) - 1)
    alpha_inh: int = pfield(200, "inhibitory current decay, raw Q0.Fb (default 200/256 = "
                            "0.781)", lo=0, hi=lambda p: (1 << p.beta_frac) - 1)
    beta: int = pfield(240, "membrane decay, raw Q0.Fb (default 240/256 = 0.9375)", lo=0,
                       hi=lambda p: (1 << p.beta_frac) - 1)
    reset: str = pfield("subtract", "on a spike: 'subtract' (v -= threshold) or 'zero' (v = 0)",
                        choices=RESETS)

    def derive(self):
        self.set_derived("tdata_in_width", 2 * self.in_width)
        self.set_derived("i_sum_width", self.i_width + 1)
        self.set_derived("v_sum_width", max(self.width, self.i_width) + 2)
        self.set_derived("out_width", 1 + self.width + 2 * self.i_width)

    @classmethod
    def from_real(cls, **kw) -> "AlphaParams":
        """threshold as a real in Q(vw-F).F; alpha_exc, alpha_inh, beta as reals in Q0.Fb;
        each exactly representable (QFormatError otherwise)."""
        return cls(**real_to_raw(cls, kw, membrane=("threshold",),
                                 coef=(("alpha_exc", "beta_frac"), ("alpha_inh", "beta_frac"),
                                       ("beta", "beta_frac"))))

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "threshold":
            return random_threshold(rng, partial)
        if f.name in ("alpha_exc", "alpha_inh", "beta"):
            hi = (1 << partial.beta_frac) - 1
            return 0 if r < 0.15 else hi if r < 0.3 else rng.randint(hi // 2, hi)
        return super()._random_field(f, rng, partial)


def init(p: AlphaParams) -> tuple[int, int, int]:
    """State after reset: (v, i_exc, i_inh) = (0, 0, 0)."""
    return 0, 0, 0


def step(p: AlphaParams, state: tuple[int, int, int], i: tuple[int, int]):
    """One timestep on Python ints, i = (I_exc, I_inh): returns ((v', i_exc', i_inh'),
    (spike, v', sat))."""
    check_inputs(p, np.asarray(i))
    v, ie, ii = (int(x) for x in state)
    fb = p.beta_frac
    ie, s_e = sat(tz(ie * p.alpha_exc, fb) + int(i[0]), p.i_width)
    ii, s_h = sat(tz(ii * p.alpha_inh, fb) + int(i[1]), p.i_width)
    vi, s_v = sat(tz(v * p.beta, fb) + ie - ii, p.width)
    spike = vi >= p.threshold
    if spike:
        vi = vi - p.threshold if p.reset == "subtract" else 0
    return (vi, ie, ii), (int(spike), vi, bool(s_e or s_h or s_v))


def as_inputs(I) -> np.ndarray:
    """Inputs as int64 (T, N, 2) ([..., 0] = I_exc, [..., 1] = I_inh); (T, 2) is one neuron."""
    a = np.asarray(I, dtype=np.int64)
    if a.ndim == 2 and a.shape[1] == 2:
        a = a[:, None, :]
    if a.ndim != 3 or a.shape[2] != 2:
        raise ValueError(f"inputs of shape {a.shape}: allowed (T, N, 2) or (T, 2) "
                         "(I_exc, I_inh pairs)")
    return a


def run_population_states(p: AlphaParams, I, state0=None) -> dict:
    """N independent neurons over T steps, vectorised over N (the engine's reference).

    I: (T, N, 2) signed (I_exc, I_inh) inputs; state0: optional (v, i_exc, i_inh) arrays.
    Returns a dict of (T, N) arrays after each step: ``spike`` (uint8), ``v``, ``i_exc``,
    ``i_inh`` (int64), ``sat`` (bool, per-step events).  Same arithmetic as :func:`step`."""
    I = as_inputs(I)
    check_inputs(p, I)
    T, N, _ = I.shape
    v, ie, ii = (np.zeros(N, dtype=np.int64) for _ in range(3))
    if state0 is not None:
        v[:], ie[:], ii[:] = state0
    out = {k: np.zeros((T, N), dtype=np.int64) for k in ("v", "i_exc", "i_inh")}
    out["spike"] = np.zeros((T, N), dtype=np.uint8)
    out["sat"] = np.zeros((T, N), dtype=bool)
    fb = p.beta_frac
    ilo, ihi = smin(p.i_width), smax(p.i_width)
    vlo, vhi = smin(p.width), smax(p.width)
    thr = np.int64(p.threshold)
    for t in range(T):
        e = tz_population(ie * np.int64(p.alpha_exc), fb) + I[t, :, 0]
        h = tz_population(ii * np.int64(p.alpha_inh), fb) + I[t, :, 1]
        ie, ii = np.clip(e, ilo, ihi), np.clip(h, ilo, ihi)
        u = tz_population(v * np.int64(p.beta), fb) + ie - ii
        vi = np.clip(u, vlo, vhi)
        spk = vi >= thr
        v = np.where(spk, vi - thr if p.reset == "subtract" else np.int64(0), vi)
        out["v"][t], out["i_exc"][t], out["i_inh"][t] = v, ie, ii
        out["spike"][t], out["sat"][t] = spk, (e != ie) | (h != ii) | (u != vi)
    return out


def run_population(p: AlphaParams, I, state0=None):
    """(spikes uint8 (T, N), v int64 (T, N) after each step, sat bool (T, N) per-step events);
    status_sat after step t is ``sticky(sat)[t]``."""
    r = run_population_states(p, I, state0)
    return r["spike"], r["v"], r["sat"]


def pack(p: AlphaParams, spike, v, i_exc, i_inh) -> list[int]:
    """m_out tdata words {i_inh, i_exc, v, spike} as Python ints (up to 97 bits)."""
    vw, iw = p.width, p.i_width
    return [int(s) | int(to_bits(int(a), vw)) << 1 | int(to_bits(int(e), iw)) << (1 + vw)
            | int(to_bits(int(h), iw)) << (1 + vw + iw)
            for s, a, e, h in zip(*(np.ravel(x) for x in (spike, v, i_exc, i_inh)))]


def unpack(p: AlphaParams, word: int) -> tuple[int, int, int, int]:
    """(spike, v, i_exc, i_inh) of one m_out tdata word."""
    vw, iw = p.width, p.i_width
    w = int(word)
    return (w & 1, from_bits(w >> 1, vw), from_bits(w >> (1 + vw), iw),
            from_bits(w >> (1 + vw + iw), iw))


def run_tdata(p: AlphaParams, inputs, state0=None):
    """One neuron, inputs (T, 2): (m_out tdata per beat as Python ints, status_sat after each
    beat)."""
    r = run_population_states(p, as_inputs(inputs)[:, :1, :], state0)
    return (pack(p, r["spike"][:, 0], r["v"][:, 0], r["i_exc"][:, 0], r["i_inh"][:, 0]),
            sticky(r["sat"][:, 0]))


def to_tdata(p: AlphaParams, inputs) -> list[int]:
    """s_in tdata words {I_inh, I_exc} of (I_exc, I_inh) pairs."""
    a = as_inputs(inputs)[:, 0, :]
    check_inputs(p, a)
    return [int(to_bits(int(e), p.in_width)) | int(to_bits(int(h), p.in_width)) << p.in_width
            for e, h in a.tolist()]


def from_tdata(p: AlphaParams, words) -> np.ndarray:
    """(T, 2) signed (I_exc, I_inh) pairs of s_in tdata words."""
    w = p.in_width
    return np.array([[from_bits(int(x), w), from_bits(int(x) >> w, w)] for x in words],
                    dtype=np.int64).reshape(-1, 2)


NEURON = NeuronType(
    name="alpha", params=AlphaParams,
    layout=lambda p: (("v", p.width), ("i_exc", p.i_width), ("i_inh", p.i_width)),
    reset=lambda p: {"v": 0, "i_exc": 0, "i_inh": 0},
    step_population=states_step(run_population_states, ("v", "i_exc", "i_inh")),
    accumulators=2, input_width=lambda p, iw: 2 * iw,
    random_cell=lambda rng, e, pins: reachable(
        rng, e, pins, AlphaParams.random(rng, **pins, in_width=e.in_width), "threshold",
        lambda r, reach, q: r.randint(1, max(1, min(smax(q.width), reach)))))


__all__ = ["NEURON", "AlphaParams", "RESETS", "init", "step", "as_inputs", "run_population",
           "run_population_states", "run_tdata", "pack", "unpack", "to_tdata", "from_tdata"]

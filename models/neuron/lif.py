# SPDX-License-Identifier: Apache-2.0
"""Leaky integrate-and-fire neuron: the bit-true specification of ``neuron.lif``.

State: membrane v (signed, ``width`` = vw bits, reset 0) and refractory counter r (0..R,
R = ``refractory``, reset 0).  One timestep per accepted input beat, input i (signed,
``in_width`` bits, membrane LSB):

    if r > 0:                                   refractory step
        r' = r - 1;  v' = v;  spike = 0;  sat = 0       (input discarded, no leak: v is held at
                                                          the value the reset left)
    else:
        1. leak      v_l = v - (v >> k)                         leak = "shift"
                     v_l = max(v - L, 0) if v > 0 else min(v + L, 0)    leak = "subtract"
                     v_l = (v * beta) >> Fb                     leak = "multiply"
        2. integrate u   = v_l + i + bias     exact, max(vw, in_width) + 1 bits (+ 1 with a
                                               bias)
                     v_i = clip(u, -2^(vw-1), 2^(vw-1) - 1);  sat = (v_i != u)
        3. fire      spike = v_i >= threshold
        4. reset     v' = v_i                                    no spike
                     v' = 0 | v_i - threshold | v_reset    reset = zero | subtract | to_v_reset
                     r' = R if spike else 0

``>>`` is an arithmetic shift (floor division by a power of two, rounding toward -inf) in both
the shift and the multiply modes.  Consequences, all part of the contract:

- shift: v - floor(v / 2^k) >= v (1 - 2^-k), so a positive v below 2^k never decays (v >> k = 0)
  and a negative v decays to 0 (-1 - (-1) = 0).  beta = 1 - 2^-k.
- multiply: beta is Q0.Fb (``beta`` raw / 2^Fb, 0 <= beta < 1); floor(v beta) <= v beta, so a
  negative v can stick at -1 (floor(-beta) = -1) while a positive v decays to 0.
- subtract: v moves toward 0 by L per step and never crosses it (spikeseg's subtractive leak,
  defined symmetrically for negative v).

None of the leaks can overflow (|v_l| <= |v|, and v_l >= v for v < 0); the only saturating node
is the integration (``status_sat``): the constant ``bias`` (default 0: none; a NIR Affine bias
folded into the neuron) is part of its exact sum, clipped once with the input, never on its own.
A refractory step discards the bias with the input.  After a spike at step t the steps
t+1 .. t+R are refractory; step t+R+1 integrates again.  R = 0 builds no counter.  The
real-valued equation is snnTorch/Norse/mlxsnn's discrete LIF v = beta v + I with an immediate
reset.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.params import Params, pfield

from ._common import (beta_field, beta_frac_field, bias_field, frac_field, in_width_field,
                      leak_population, leak_value, MAX_BETA_FRAC, membrane_q, NeuronType,
                      one_neuron_tdata, population, random_beta, random_bias, random_threshold,
                      real_to_raw, sat, smax, smin, states_step, sum_width, threshold_field,
                      v_layout, width_field)

LEAKS = ("shift", "subtract", "multiply")
RESETS = ("zero", "subtract", "to_v_reset")
MAX_REFRACTORY = 255


@dataclass(frozen=True)
class LifParams(Params):
    """LIF: leak (shift | subtract | multiply), saturating integrate, v >= threshold, reset,
    refractory counter."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    threshold: int = threshold_field()
    leak: str = pfield("shift", "leak mode: 'shift' v -= v >> k; 'subtract' v moves toward 0 by "
                       "leak_amount; 'multiply' v = (v * beta) >> beta_frac", choices=LEAKS)
    leak_shift: int = pfield(4, "k of the shift leak (beta = 1 - 2^-k)", lo=1, hi=15)
    leak_amount: int = pfield(1, "L of the subtractive leak, raw LSBs", lo=0,
                              hi=lambda p: smax(p.width))
    beta_frac: int = beta_frac_field()
    beta: int = beta_field()
    reset: str = pfield("zero", "on a spike: 'zero' (v = 0), 'subtract' (v -= threshold) or "
                        "'to_v_reset' (v = v_reset)", choices=RESETS)
    v_reset: int = pfield(0, "reset value for reset = 'to_v_reset', raw LSBs, below threshold",
                          lo=lambda p: smin(p.width), hi=lambda p: p.threshold - 1)
    refractory: int = pfield(0, "refractory period R in timesteps after a spike (input "
                             "discarded, v held, no spike); 0 = none", lo=0, hi=MAX_REFRACTORY)
    bias: int = bias_field()

    def derive(self):
        self.set_derived("out_width", self.width + 1)
        self.set_derived("sum_width", sum_width(self))
        self.set_derived("ref_width", bits_for(self.refractory) if self.refractory else 0)

    @classmethod
    def from_real(cls, **kw) -> "LifParams":
        """threshold, v_reset, leak_amount and bias as real values in Q(vw-F).F and beta as a
        real in Q0.Fb, each exactly representable (QFormatError otherwise)."""
        return cls(**real_to_raw(cls, kw, membrane=("threshold", "v_reset", "leak_amount",
                                                    "bias"),
                                 coef=(("beta", "beta_frac"),)))

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "threshold":
            return random_threshold(rng, partial)
        if f.name == "leak_amount":
            hi = smax(partial.width)
            return 0 if r < 0.15 else hi if r < 0.25 else rng.randint(1, max(1, hi // 16))
        if f.name == "beta":
            return random_beta(rng, partial, r)
        if f.name == "bias":
            return random_bias(rng, partial)
        if f.name == "v_reset":
            lo = smin(partial.width)
            return (lo if r < 0.2 else partial.threshold - 1 if r < 0.4 else 0 if r < 0.5
                    else rng.randint(lo, partial.threshold - 1))
        if f.name == "refractory":
            return (0 if r < 0.3 else MAX_REFRACTORY if r < 0.4 else 1 if r < 0.55
                    else rng.randint(2, 8))
        return super()._random_field(f, rng, partial)


def init(p: LifParams) -> tuple[int, int]:
    """State after reset: (v, r) = (0, 0)."""
    return 0, 0


leak = leak_value                           # step 1 on a Python int


def step(p: LifParams, state: tuple[int, int], i: int):
    """One timestep on Python ints: returns ((v', r'), (spike, v', sat))."""
    v, r = int(state[0]), int(state[1])
    if r > 0:
        return (v, r - 1), (0, v, False)
    vi, s = sat(leak(p, v) + int(i) + p.bias, p.width)
    if vi >= p.threshold:
        vi = {"zero": 0, "subtract": vi - p.threshold, "to_v_reset": p.v_reset}[p.reset]
        return (vi, p.refractory), (1, vi, s)
    return (vi, 0), (0, vi, s)


def run_population_states(p: LifParams, I, state0=None) -> dict[str, np.ndarray]:
    """N independent neurons over T steps, vectorised over N: {"spike" uint8, "v", "r" int64,
    "sat" bool}, each (T, N), after each step (I and state0 as :func:`run_population`)."""
    I, (v, r) = population(p, I, state0, 2)
    T, N = I.shape
    q = membrane_q(p)
    out = {"spike": np.zeros((T, N), dtype=np.uint8), "v": np.zeros((T, N), dtype=np.int64),
           "r": np.zeros((T, N), dtype=np.int64), "sat": np.zeros((T, N), dtype=bool)}
    thr, R, bias = np.int64(p.threshold), np.int64(p.refractory), np.int64(p.bias)
    for t in range(T):
        active = r == 0
        vi, over = q.fit(leak_population(p, v) + I[t] + bias)
        spk = (vi >= thr) & active
        if p.reset == "zero":
            after = np.int64(0)
        elif p.reset == "subtract":
            after = vi - thr
        else:
            after = np.int64(p.v_reset)
        v = np.where(active, np.where(spk, after, vi), v)
        r = np.where(active, np.where(spk, R, np.int64(0)), r - 1)
        out["spike"][t], out["v"][t], out["r"][t], out["sat"][t] = spk, v, r, over & active
    return out


def run_population(p: LifParams, I, state0=None):
    """N independent neurons over T steps, vectorised over N (the time-multiplexed engine's
    reference).

    I: (T, N) signed inputs (a 1-D sequence is one neuron); state0: optional (v, r) arrays.
    Returns (spikes uint8 (T, N), v int64 (T, N) after each step, sat bool (T, N) per-step
    saturation events); status_sat after step t is ``sticky(sat)[t]``."""
    out = run_population_states(p, I, state0)
    return out["spike"], out["v"], out["sat"]


run_tdata = one_neuron_tdata(run_population)
_step_vr = states_step(run_population_states, ("v", "r"))


def layout(p: LifParams) -> tuple[tuple[str, int], ...]:
    """The engine's state word: v (width bits), then the refractory counter r (ref_width =
    bits_for(R) bits) when R > 0."""
    return v_layout(p) + ((("r", p.ref_width),) if p.refractory else ())


def reset_state(p: LifParams) -> dict[str, int]:
    return {name: 0 for name, _ in layout(p)}


def step_population(p: LifParams, I, state):
    """One timestep of N neurons (:class:`NeuronType`): state {"v": (N,)} and, when R > 0, the
    refractory counters {"r": (N,)}."""
    if p.refractory:
        return _step_vr(p, I, state)
    spikes, new, sats = _step_vr(p, I, {"v": state["v"], "r": np.zeros_like(state["v"])})
    return spikes, {"v": new["v"]}, sats


NEURON = NeuronType(
    name="lif", params=LifParams, layout=layout, reset=reset_state,
    step_population=step_population,
    random_cell=lambda rng, e, pins: LifParams.random(rng, **pins, in_width=e.in_width))


__all__ = ["NEURON", "LifParams", "LEAKS", "RESETS", "MAX_BETA_FRAC", "init", "step", "leak",
           "run_population", "run_population_states", "run_tdata", "layout", "smin", "smax"]

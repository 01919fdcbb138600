# SPDX-License-Identifier: Apache-2.0
"""Leaky integrator (no spike, a readout neuron): the bit-true specification of ``neuron.li``.

State: membrane v (signed, ``width`` = vw bits, reset 0).  One timestep per accepted input beat,
input i (signed, ``in_width`` bits, membrane LSB):

    v_l = v - (v >> k)                        leak = "shift"      (beta = 1 - 2^-k)
    v_l = (v * beta) >> Fb                    leak = "multiply"   (beta = ``beta`` / 2^Fb)
    u   = v_l + i + bias                      exact, max(vw, in_width) + 1 bits (+ 1 with a
                                              bias); >> arithmetic
    v'  = clip(u, -2^(vw-1), 2^(vw-1) - 1)    saturate; sat = (v' != u)

The leaks are ``neuron.lif``'s, with the same definition and rounding (``>>`` floors, toward -inf).
The shift form (default) costs one subtractor; the multiplicative form takes any decay beta = m /
2^Fb (NIR LI nodes whose beta is not 1 - 2^-k) for one vw x Fb multiplier.  Neither leak can
overflow (|v_l| <= |v|); the add saturates (``status_sat``), the constant ``bias`` (default 0: none;
a NIR Affine bias folded into the readout) inside its exact sum. Fixed-point artefacts (as lif's):
shift: a positive v below 2^k does not decay, a negative v decays to 0; multiply: a positive v
decays to 0, a negative v can stick at -1 (floor(-beta) = -1).  Real-valued equation: Norse /
snnTorch leaky integrator v = beta v + I without a threshold.

Output layout: the neuron layout ``tdata = {v, 0}`` with the spike bit always 0, so readout
layers and the neuron engine read every neuron type the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.params import Params, pfield

from ._common import (beta_field, beta_frac_field, bias_field, frac_field, in_width_field,
                      leak_population, leak_value, membrane_q, one_neuron_tdata, population,
                      random_beta, random_bias, real_to_raw, sat, smax, smin, sum_width, v_type,
                      width_field)

LEAKS = ("shift", "multiply")


@dataclass(frozen=True)
class LiParams(Params):
    """Leaky integrator: v' = sat(leak(v) + i + bias), leak shift v - (v >> k) or multiply
    (v * beta) >> Fb; no spike (tdata = {v, 0})."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    leak_shift: int = pfield(4, "k of the leak v -= v >> k (beta = 1 - 2^-k)", lo=1, hi=15)
    leak: str = pfield("shift", "leak mode: 'shift' v -= v >> leak_shift; 'multiply' "
                       "v = (v * beta) >> beta_frac (neuron.lif's leaks)", choices=LEAKS)
    beta_frac: int = beta_frac_field()
    beta: int = beta_field()
    bias: int = bias_field()

    def derive(self):
        self.set_derived("out_width", self.width + 1)
        self.set_derived("sum_width", sum_width(self))

    @classmethod
    def from_real(cls, **kw) -> "LiParams":
        """bias as a real in Q(vw-F).F and beta as a real in Q0.Fb, each exactly representable
        (QFormatError otherwise)."""
        return cls(**real_to_raw(cls, kw, membrane=("bias",), coef=(("beta", "beta_frac"),)))

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "beta":
            return random_beta(rng, partial, rng.random())
        if f.name == "bias":
            return random_bias(rng, partial)
        return super()._random_field(f, rng, partial)


def init(p: LiParams) -> int:
    """State after reset: v = 0."""
    return 0


def step(p: LiParams, v: int, i: int):
    """One timestep on Python ints: returns (v', (spike = 0, v', sat))."""
    vn, s = sat(leak_value(p, int(v)) + int(i) + p.bias, p.width)
    return vn, (0, vn, s)


def run_population(p: LiParams, I, v0=None):
    """N independent integrators over T steps, vectorised over N.  Returns (spikes uint8 (T, N),
    all 0; v int64 (T, N) after each step; sat bool (T, N) per-step saturation events)."""
    I, (v,) = population(p, I, None if v0 is None else (v0,), 1)
    T, N = I.shape
    q = membrane_q(p)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    for t in range(T):
        v, sats[t] = q.fit(leak_population(p, v) + I[t] + np.int64(p.bias))
        vs[t] = v
    return np.zeros((T, N), dtype=np.uint8), vs, sats


run_tdata = one_neuron_tdata(run_population)

NEURON = v_type("li", LiParams, run_population)


__all__ = ["NEURON", "LiParams", "LEAKS", "init", "step", "run_population", "run_tdata", "smin",
           "smax"]

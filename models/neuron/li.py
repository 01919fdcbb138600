# SPDX-License-Identifier: Apache-2.0
"""Leaky integrator (no spike, a readout neuron): the bit-true specification of ``neuron.li``.

State: membrane v (signed, ``width`` = vw bits, reset 0).  One timestep per accepted input beat,
input i (signed, ``in_width`` bits, membrane LSB):

    u   = v - (v >> k) + i                    exact, max(vw, in_width) + 1 bits; >> arithmetic
    v'  = clip(u, -2^(vw-1), 2^(vw-1) - 1)    saturate; sat = (v' != u)

The shift form (beta = 1 - 2^-k, tau = 2^k steps at large k) is chosen over a multiplier: it is
the same leak as ``neuron.lif``'s default, costs one subtractor, and the multiplicative form is
available from ``neuron.lif`` with an unreachable threshold.  The leak term v - (v >> k) cannot
overflow; the add saturates (``status_sat``).  Fixed-point artefacts (as lif's shift leak): a
positive v below 2^k does not decay, a negative v decays to 0.  Real-valued equation: Norse /
snnTorch leaky integrator v = beta v + I without a threshold.

Output layout: the neuron layout ``tdata = {v, 0}`` with the spike bit always 0, so readout
layers and the neuron engine read every neuron type the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.params import Params, pfield

from ._common import (frac_field, in_width_field, membrane_q, one_neuron_tdata, population,
                      real_to_raw, sat, smax, smin, v_type, width_field)


@dataclass(frozen=True)
class LiParams(Params):
    """Leaky integrator: v' = sat(v - (v >> k) + i); no spike (tdata = {v, 0})."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    leak_shift: int = pfield(4, "k of the leak v -= v >> k (beta = 1 - 2^-k)", lo=1, hi=15)

    def derive(self):
        self.set_derived("out_width", self.width + 1)
        self.set_derived("sum_width", max(self.width, self.in_width) + 1)

    @classmethod
    def from_real(cls, **kw) -> "LiParams":
        return cls(**real_to_raw(cls, kw))


def init(p: LiParams) -> int:
    """State after reset: v = 0."""
    return 0


def step(p: LiParams, v: int, i: int):
    """One timestep on Python ints: returns (v', (spike = 0, v', sat))."""
    v = int(v)
    vn, s = sat(v - (v >> p.leak_shift) + int(i), p.width)
    return vn, (0, vn, s)


def run_population(p: LiParams, I, v0=None):
    """N independent integrators over T steps, vectorised over N.  Returns (spikes uint8 (T, N),
    all 0; v int64 (T, N) after each step; sat bool (T, N) per-step saturation events)."""
    I, (v,) = population(p, I, None if v0 is None else (v0,), 1)
    T, N = I.shape
    q = membrane_q(p)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    k = np.int64(p.leak_shift)
    for t in range(T):
        v, sats[t] = q.fit(v - (v >> k) + I[t])
        vs[t] = v
    return np.zeros((T, N), dtype=np.uint8), vs, sats


run_tdata = one_neuron_tdata(run_population)

NEURON = v_type("li", LiParams, run_population)


__all__ = ["NEURON", "LiParams", "init", "step", "run_population", "run_tdata", "smin", "smax"]

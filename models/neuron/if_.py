# SPDX-License-Identifier: Apache-2.0
"""Integrate-and-fire neuron: the bit-true specification of ``neuron.if_``.

(The core is named ``if_`` because ``if`` is a Python, Verilog and VHDL keyword: it could not
be the module file, the ``@block`` or the converted module's name.)

One timestep per accepted input beat, with input i (signed, ``in_width`` bits, membrane LSB):

    u     = v + i                                  exact, max(vw, in_width) + 1 bits
    v_i   = clip(u, -2^(vw-1), 2^(vw-1) - 1)       saturate; sat = (v_i != u)
    spike = v_i >= threshold                       (>=: an integer threshold theta is the same
                                                    as a strict  v > theta - 1)
    v'    = v_i                 if not spike
            0                   if spike, reset = "zero"
            v_i - threshold     if spike, reset = "subtract"   (0 .. 2^(vw-1)-1-threshold)

This is spikeseg's IFNeuron V(t) = V(t-1) + I(t) (and mlxsnn/snnTorch 'if': v += I) in integers:
no leak, no refractory period.  The membrane resets to 0 (the resting value).  Below threshold
and without saturation the model equals the real-valued equation exactly.  A positive
saturation always spikes (the clipped value 2^(vw-1)-1 >= threshold).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.params import Params, pfield

from ._common import (frac_field, in_width_field, membrane_q, one_neuron_tdata, population,
                      random_threshold, real_to_raw, sat, smax, smin, threshold_field, v_type,
                      width_field)

RESETS = ("zero", "subtract")


@dataclass(frozen=True)
class IfParams(Params):
    """Integrate-and-fire: v' = sat(v + i); spike when v' >= threshold; reset zero or subtract."""

    width: int = width_field()
    in_width: int = in_width_field()
    frac_bits: int = frac_field()
    threshold: int = threshold_field()
    reset: str = pfield("zero", "on a spike: 'zero' (v = 0) or 'subtract' (v -= threshold)",
                        choices=RESETS)

    def derive(self):
        self.set_derived("out_width", self.width + 1)
        self.set_derived("sum_width", max(self.width, self.in_width) + 1)

    @classmethod
    def from_real(cls, **kw) -> "IfParams":
        """threshold as a real value in Q(vw-F).F (exactly representable)."""
        return cls(**real_to_raw(cls, kw, membrane=("threshold",)))

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "threshold":
            return random_threshold(rng, partial)
        return super()._random_field(f, rng, partial)


def init(p: IfParams) -> int:
    """State after reset: v = 0."""
    return 0


def step(p: IfParams, v: int, i: int):
    """One timestep on Python ints: returns (v', (spike, v', sat))."""
    vi, s = sat(int(v) + int(i), p.width)
    spike = vi >= p.threshold
    if spike:
        vi = 0 if p.reset == "zero" else vi - p.threshold
    return vi, (int(spike), vi, s)


def run_population(p: IfParams, I, v0=None):
    """N independent neurons over T steps, vectorised over N.

    I: (T, N) signed inputs (a 1-D sequence is one neuron).  Returns (spikes uint8 (T, N),
    v int64 (T, N) after each step, sat bool (T, N) per-step saturation events); the status_sat
    port after step t is ``sticky(sat)[t]``."""
    I, (v,) = population(p, I, None if v0 is None else (v0,), 1)
    T, N = I.shape
    q = membrane_q(p)
    spikes = np.zeros((T, N), dtype=np.uint8)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    thr = np.int64(p.threshold)
    for t in range(T):
        vi, over = q.fit(v + I[t])
        spk = vi >= thr
        reset = np.int64(0) if p.reset == "zero" else vi - thr
        v = np.where(spk, reset, vi)
        spikes[t], vs[t], sats[t] = spk, v, over
    return spikes, vs, sats


run_tdata = one_neuron_tdata(run_population)

NEURON = v_type("if", IfParams, run_population)


__all__ = ["NEURON", "IfParams", "RESETS", "init", "step", "run_population", "run_tdata", "smin",
           "smax"]

# SPDX-License-Identifier: Apache-2.0
"""Stochastic exponentiation (Brown & Card 2001): the bit-true specification of ``sc.fsm_exp``.

The same saturating up/down counter as ``sc.fsm_tanh`` (N = ``states`` states, +1 on a 1 and -1
on a 0), with a different output rule, again a function of the state *before* the update:

    y_t     = 1 if s_t < N - G else 0          (G = ``g``, 1 <= G <= N - 1)
    s_{t+1} = min(s_t + 1, N - 1)  if x_t = 1
              max(s_t - 1, 0)      if x_t = 0
    s_0     = floor(N/2)                       (reset state)

so y_t depends on x_0 .. x_{t-1} only.  The input is read as a bipolar value x = 2p - 1
(p = P(x_t = 1)); the output is a unipolar probability.

Steady state (Bernoulli input).  P(s) is proportional to r^s with r = p/(1 - p), so

    P(y = 1) = sum_{s < N-G} r^s / sum_{s < N} r^s = (r^(N-G) - 1)/(r^N - 1)     (r != 1)
             = (N - G)/N                                                         (r = 1)

(:func:`prob_out`).  For x > 0 and large N this tends to r^-G = ((1 - x)/(1 + x))^G =
exp(-2 G artanh x), which is Brown & Card's

    P(y = 1)  ~  exp(-2 G x)      for bipolar x in [0, 1]      (and ~ 1 for x < 0)

The approximation is poor near x = 0, where the FSM gives (N - G)/N (an error of G/N), and at
x -> 1, where the FSM gives 0 instead of exp(-2G).  Over x in [0.1, 1] the exact steady state
is within 0.030 of exp(-2 G x) at N = 16 or 32 with G = 2, and within 0.025 at N = 16, G = 4;
G = 1 is the worst case (0.135 at x = 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.models.sc.fsm_tanh import saturating_walk
from neurohdl.params import Params, pfield

MIN_STATES, MAX_STATES = 2, 256


@dataclass(frozen=True)
class FsmExpParams(Params):
    """N-state saturating counter; y = (s < N - G), Moore output of the state before the update."""

    states: int = pfield(16, "number of states N", lo=MIN_STATES, hi=MAX_STATES)
    g: int = pfield(2, "G: output 1 in the N - G lowest states; y ~ exp(-2 G x), x bipolar",
                    lo=1, hi=lambda p: p.states - 1)

    def derive(self):
        self.set_derived("state_width", bits_for(self.states - 1))
        self.set_derived("reset_state", self.states // 2)


def step(p: FsmExpParams, s: int, x: int) -> tuple[int, int]:
    """One accepted input bit: returns (next state, output bit of the current state)."""
    y = int(s < p.states - p.g)
    s = min(s + 1, p.states - 1) if int(x) & 1 else max(s - 1, 0)
    return s, y


def run(p: FsmExpParams, bits, state=None, return_state: bool = False):
    """Output bits (uint8, same shape as ``bits``) for input bits along the last axis.

    Leading axes are independent streams (simulated together); the state starts at ``state``
    (default: the reset state floor(N/2); scalar or one per stream).  With ``return_state`` also
    returns the state after the last bit (an int for one stream)."""
    s0 = p.reset_state if state is None else state
    states, last = saturating_walk(p.states, bits, s0)
    y = (states < p.states - p.g).astype(np.uint8)
    if return_state:
        return y, (int(last) if last.ndim == 0 else last)
    return y


def prob_out(p: FsmExpParams, prob):
    """Exact long-run P(y = 1) for Bernoulli inputs with P(x = 1) = prob (vectorised):
    (r^(N-G) - 1)/(r^N - 1), r = prob/(1 - prob); (N - G)/N at prob = 1/2, 1 at prob = 0 and
    0 at prob = 1."""
    q = np.atleast_1d(np.asarray(prob, dtype=np.float64))
    n, m = p.states, p.states - p.g
    out = np.empty_like(q)
    for i, qi in enumerate(q):
        if qi <= 0.0:
            out[i] = 1.0
        elif qi >= 1.0:
            out[i] = 0.0
        elif qi == 0.5:
            out[i] = m / n
        elif qi > 0.5:          # r > 1: r^-G (1 - r^-(N-G)) / (1 - r^-N), no overflow
            ri = (1.0 - qi) / qi
            out[i] = ri ** p.g * (1.0 - ri ** m) / (1.0 - ri ** n)
        else:                   # r < 1
            r = qi / (1.0 - qi)
            out[i] = (1.0 - r ** m) / (1.0 - r ** n)
    return float(out[0]) if np.ndim(prob) == 0 else out.reshape(np.shape(prob))


def exp_approx(p: FsmExpParams, x):
    """Brown & Card's target: exp(-2 G x) for bipolar x >= 0, 1 for x < 0."""
    x = np.asarray(x, dtype=np.float64)
    out = np.where(x < 0, 1.0, np.exp(-2.0 * p.g * np.maximum(x, 0.0)))
    return float(out) if out.ndim == 0 else out

# SPDX-License-Identifier: Apache-2.0
"""Stochastic tanh (Brown & Card 2001): the bit-true specification of ``sc.fsm_tanh``.

A saturating up/down counter with N = ``states`` states (N even) driven by the input bits; the
output bit is a function of the state *before* the update (Moore output of the current state):

    y_t     = 1 if s_t >= N/2 else 0
    s_{t+1} = min(s_t + 1, N - 1)  if x_t = 1
              max(s_t - 1, 0)      if x_t = 0
    s_0     = N/2                  (reset state: the lowest state with output 1)

so the first output bit after reset is 1 whatever the first input is, and y_t depends on
x_0 .. x_{t-1} only.

Steady state (Bernoulli input, P(x=1) = p).  The counter is a birth-death chain with up
probability p and down probability 1 - p, so P(s) is proportional to r^s, r = p/(1 - p), and

    P(y = 1) = sum_{s >= N/2} r^s / sum_{s} r^s = r^(N/2) / (1 + r^(N/2))

In bipolar coding (v = 2p - 1, r = (1 + v)/(1 - v) = exp(2 artanh v)) the output value is

    v_y = 2 P(y = 1) - 1 = tanh(N/2 * artanh v)  ~  tanh(N/2 * v)      (Brown & Card)

(:func:`bipolar_out`).  The approximation artanh v ~ v is good for small |v| and for larger N
(the output saturates where it is poor): max |tanh(N/2 artanh v) - tanh(N v/2)| over v is about
0.24 at N = 2, 0.055 at N = 4, 0.013 at N = 8, 0.0032 at N = 16.  For p = 0 or 1 the state runs
to 0 or N - 1 and the output becomes constant.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.params import Params, pfield

MIN_STATES, MAX_STATES = 2, 256


@dataclass(frozen=True)
class FsmTanhParams(Params):
    """N-state saturating counter; y = (s >= N/2), Moore output of the state before the update."""

    states: int = pfield(8, "number of states N (even); y approximates tanh(N/2 v) bipolar",
                         lo=MIN_STATES, hi=MAX_STATES)

    def check(self):
        if self.states % 2:
            raise self.error("states", self.states, f"an even integer {MIN_STATES}..{MAX_STATES}")

    def derive(self):
        self.set_derived("state_width", bits_for(self.states - 1))
        self.set_derived("reset_state", self.states // 2)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "states":   # even, the corners 2 and 256 often
            v = super()._random_field(f, rng, partial)
            return v - (v % 2)
        return super()._random_field(f, rng, partial)


def step(p: FsmTanhParams, s: int, x: int) -> tuple[int, int]:
    """One accepted input bit: returns (next state, output bit of the current state)."""
    y = int(s >= p.states // 2)
    s = min(s + 1, p.states - 1) if int(x) & 1 else max(s - 1, 0)
    return s, y


def saturating_walk(n_states: int, bits, s0) -> tuple[np.ndarray, np.ndarray]:
    """The states s_t *before* each input bit of a saturating up/down counter over 0..n-1
    (+1 on a 1, -1 on a 0), from s0; input bits along the last axis, leading axes are
    independent streams (vectorised across them).  Returns (states, same shape as bits, int16;
    state after the last bit, one per stream)."""
    x = np.asarray(bits, dtype=np.uint8) & 1
    flat = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
    n_str, n = flat.shape
    s = np.empty(n_str, dtype=np.int16)
    s[:] = np.asarray(s0).reshape(-1)
    up = flat.astype(np.int16) * 2 - 1          # +1 / -1
    out = np.empty(flat.shape, dtype=np.int16)
    top = n_states - 1
    for t in range(n):
        out[:, t] = s
        s += up[:, t]
        np.clip(s, 0, top, out=s)
    return out.reshape(x.shape), s.reshape(x.shape[:-1] if x.ndim > 1 else ())


def run(p: FsmTanhParams, bits, state=None, return_state: bool = False):
    """Output bits (uint8, same shape as ``bits``) for input bits along the last axis.

    Leading axes are independent streams (simulated together); the state starts at ``state``
    (default: the reset state N/2; scalar or one per stream).  With ``return_state`` also
    returns the state after the last bit (an int for one stream)."""
    s0 = p.reset_state if state is None else state
    states, last = saturating_walk(p.states, bits, s0)
    y = (states >= p.states // 2).astype(np.uint8)
    if return_state:
        return y, (int(last) if last.ndim == 0 else last)
    return y


def prob_out(p: FsmTanhParams, prob):
    """Exact long-run P(y = 1) for Bernoulli inputs of P(x = 1) = prob: r^(N/2)/(1 + r^(N/2)),
    r = prob/(1 - prob) (0 and 1 at prob = 0 and 1).  Vectorised."""
    q = np.asarray(prob, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1/(1 + r^-(N/2)) = 1/(1 + ((1-q)/q)^(N/2)), written to be exact at q = 0 and 1
        out = np.where(q <= 0.0, 0.0,
                       1.0 / (1.0 + np.power((1.0 - q) / np.where(q <= 0, 1.0, q),
                                             p.states // 2)))
    return float(out) if out.ndim == 0 else out


def bipolar_out(p: FsmTanhParams, v):
    """Exact long-run bipolar output for bipolar Bernoulli input v: tanh(N/2 artanh v)."""
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(divide="ignore"):
        out = np.tanh(p.states / 2 * np.arctanh(v))
    return float(out) if out.ndim == 0 else out


def tanh_approx(p: FsmTanhParams, v):
    """Brown & Card's target function tanh(N/2 v)."""
    out = np.tanh(p.states / 2 * np.asarray(v, dtype=np.float64))
    return float(out) if out.ndim == 0 else out

# SPDX-License-Identifier: Apache-2.0
"""Isolator (bitstream delay line): the bit-true specification of ``sc.delay``.

A shift register of depth d = ``d``, advanced once per accepted beat:

    y_t = x_{t-d}       for t >= d
    y_t = 0             for t <  d        (the register resets to all zeros)

One output beat per input beat; the delay counts beats, not clock cycles (idle cycles and
back-pressure do not shift the register).

Use.  Feeding one copy of a stream and a d-beat delayed copy of it into a gate (x AND delay(x)
for x^2, the classic "isolator" of Gaines and Ting & Hayes) needs x_t and x_{t-d} independent.
For a Bernoulli stream (independent bits) any d >= 1 gives exactly that: E[x_t x_{t-d}] = p^2,
SCC 0.  For a comparator stream from a right-shifting Galois LFSR (``sc.sng``), consecutive
states share most bits (r_{t+1} is r_t shifted by one, plus a tap XOR), so small d leaves the
copies correlated: over x in [0.05, 0.95] the worst error of mean(x AND delay(x)) against p^2 is
about 0.065 at d = 1, 0.04-0.05 at d = 2 and about 0.01 at d = 8 (W = 8 over a full period,
W = 16 over 16384 beats; verif/sc/test_delay.py measures it).  Use d of about W/2 or more after
an LFSR comparator, any d >= 1 after a truly random source.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.params import Params, pfield

MAX_DEPTH = 256


@dataclass(frozen=True)
class DelayParams(Params):
    """y_t = x_{t-d}; the d-bit register resets to zeros."""

    d: int = pfield(1, "delay in accepted beats (shift register depth)", lo=1, hi=MAX_DEPTH,
                    rand=(1, 40))


def step(p: DelayParams, state, x: int) -> tuple[tuple[int, ...], int]:
    """One accepted beat.  state = the last d inputs, oldest first (None = reset: all 0);
    returns (new state, output bit = the oldest)."""
    s = tuple(state) if state is not None else (0,) * p.d
    return s[1:] + (int(x) & 1,), s[0]


def run(p: DelayParams, bits, state=None) -> np.ndarray:
    """Output bits (uint8) for the accepted input bits; the register starts at ``state`` (the
    last d inputs, oldest first; None = reset = zeros)."""
    b = np.asarray(bits, dtype=np.uint8) & 1
    head = np.zeros(p.d, dtype=np.uint8) if state is None else np.asarray(state, dtype=np.uint8)
    return np.concatenate([head, b])[: len(b)]

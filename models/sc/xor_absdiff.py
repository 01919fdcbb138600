# SPDX-License-Identifier: Apache-2.0
"""Stochastic absolute difference (one XOR gate): the bit-true specification of
``sc.xor_absdiff``.

Each accepted beat (a, b) gives one output bit

    y = a XOR b

Arithmetic (unipolar).  For *positively correlated* inputs (SCC = +1: whenever the sparser
stream has a one the denser one has a one too, e.g. two comparators on the same random number,
a = r < xa, b = r < xb)

    P(y) = |pa - pb|

exactly, beat for beat: the XOR is then the ones of the denser stream minus those of the other
(Alaghi & Hayes, ICCD 2013).  Independent inputs give pa + pb - 2 pa pb instead (and SCC = -1
gives min(pa + pb, 2 - pa - pb)).  No state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params


@dataclass(frozen=True)
class XorAbsdiffParams(Params):
    """y = a XOR b (no parameters)."""


def step(p: XorAbsdiffParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): returns (state (None), y)."""
    return state, (int(ab) ^ (int(ab) >> 1)) & 1


def run(p: XorAbsdiffParams, a_bits, b_bits) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams."""
    a, b = pair(a_bits, b_bits)
    return a ^ b


def run_beats(p: XorAbsdiffParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: XorAbsdiffParams, pa, pb):
    """Ideal result for positively correlated inputs (SCC = +1): |pa - pb|."""
    return as_float(np.abs(np.asarray(pa, dtype=np.float64) - np.asarray(pb, dtype=np.float64)))

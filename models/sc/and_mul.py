# SPDX-License-Identifier: Apache-2.0
"""Unipolar stochastic multiplier (one AND gate): the bit-true specification of ``sc.and_mul``.

Each accepted beat (a, b) gives one output bit

    y = a AND b

Arithmetic (unipolar, value = fraction of ones).  For *independent* input streams

    P(y) = P(a) P(b)

(Alaghi & Hayes, "Survey of Stochastic Computing", 2013).  The gate does not decorrelate: with
SCC = +1 it gives min(P(a), P(b)) and with SCC = -1 max(0, P(a) + P(b) - 1) (Alaghi & Hayes,
ICCD 2013).  Feed it streams from different LFSR polynomials (``sc.mul`` does; docs/references.md
§3: two seeds of one polynomial stay correlated).  No state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params


@dataclass(frozen=True)
class AndMulParams(Params):
    """y = a AND b (no parameters)."""


def step(p: AndMulParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): returns (state (None), y)."""
    return state, int(ab) & (int(ab) >> 1) & 1


def run(p: AndMulParams, a_bits, b_bits) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams."""
    a, b = pair(a_bits, b_bits)
    return a & b


def run_beats(p: AndMulParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: AndMulParams, pa, pb):
    """Ideal result for independent inputs: pa * pb."""
    return as_float(np.asarray(pa, dtype=np.float64) * np.asarray(pb, dtype=np.float64))

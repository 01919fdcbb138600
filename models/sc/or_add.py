# SPDX-License-Identifier: Apache-2.0
"""Saturating stochastic adder (one OR gate): the bit-true specification of ``sc.or_add``.

Each accepted beat (a, b) gives one output bit

    y = a OR b

Arithmetic (unipolar).  What OR adds depends on the correlation of its inputs (Alaghi & Hayes,
ICCD 2013):

    independent (SCC = 0):                    P(y) = pa + pb - pa pb
    maximally negatively correlated (SCC = -1): P(y) = min(1, pa + pb)   (saturating add)
    positively correlated (SCC = +1):           P(y) = max(pa, pb)

The "saturating addition" of SC-NeuroCore's ``edge.bitstream`` is exact only at SCC = -1 (ones
of a and b never coincide unless they must); with independent inputs the error is the product
term pa pb, small only when both are small.  No state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params

CORRELATIONS = ("independent", "negative", "positive")


@dataclass(frozen=True)
class OrAddParams(Params):
    """y = a OR b (no parameters)."""


def step(p: OrAddParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): returns (state (None), y)."""
    return state, int(int(ab) & 3 != 0)


def run(p: OrAddParams, a_bits, b_bits) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams."""
    a, b = pair(a_bits, b_bits)
    return a | b


def run_beats(p: OrAddParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: OrAddParams, pa, pb, correlation: str = "independent"):
    """Ideal result: pa + pb - pa pb (independent), min(1, pa + pb) (negative, SCC = -1) or
    max(pa, pb) (positive, SCC = +1)."""
    pa, pb = np.asarray(pa, dtype=np.float64), np.asarray(pb, dtype=np.float64)
    if correlation == "independent":
        return as_float(pa + pb - pa * pb)
    if correlation == "negative":
        return as_float(np.minimum(1.0, pa + pb))
    if correlation == "positive":
        return as_float(np.maximum(pa, pb))
    raise ValueError(f"correlation = {correlation!r}: allowed one of {CORRELATIONS}")

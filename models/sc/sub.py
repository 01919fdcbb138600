# SPDX-License-Identifier: Apache-2.0
"""Saturating stochastic subtractor (a AND NOT b): the bit-true specification of ``sc.sub``.

Each accepted beat (a, b) gives one output bit

    y = a AND (NOT b)

Arithmetic (unipolar).  For *positively correlated* inputs (SCC = +1, e.g. a = r < xa and
b = r < xb on the same random number r)

    P(y) = max(0, pa - pb)

exactly, beat for beat: if pa >= pb every one of b coincides with a one of a, and the ones of a
left over are pa - pb; if pa < pb no one of a is left (SC-NeuroCore's ``sc_sub``).  Independent
inputs give pa (1 - pb) instead.  No state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params


@dataclass(frozen=True)
class SubParams(Params):
    """y = a AND NOT b (no parameters)."""


def step(p: SubParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): returns (state (None), y)."""
    return state, int(int(ab) & 3 == 1)


def run(p: SubParams, a_bits, b_bits) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams."""
    a, b = pair(a_bits, b_bits)
    return a & (b ^ np.uint8(1))


def run_beats(p: SubParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: SubParams, pa, pb):
    """Ideal result for positively correlated inputs (SCC = +1): max(0, pa - pb)."""
    return as_float(np.maximum(0.0, np.asarray(pa, dtype=np.float64)
                               - np.asarray(pb, dtype=np.float64)))

# SPDX-License-Identifier: Apache-2.0
"""Bipolar stochastic multiplier (one XNOR gate): the bit-true specification of ``sc.xnor_mul``.

Each accepted beat (a, b) gives one output bit

    y = XNOR(a, b) = NOT (a XOR b)

Arithmetic (bipolar).  A stream of probability p carries the value v = 2p - 1 in [-1, 1]
(``sc.sng.bipolar_to_prob`` / ``prob_to_bipolar``).  For *independent* inputs

    P(y) = pa pb + (1 - pa)(1 - pb),   i.e.   v_y = v_a v_b

(Alaghi & Hayes 2013; SC-NeuroCore's ``core.bipolar``: "XNOR = bipolar multiply").  Correlated
inputs break it: at SCC = +1 the result is 1 - |pa - pb| (v_y = 1 - |v_a - v_b|).  No state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params


@dataclass(frozen=True)
class XnorMulParams(Params):
    """y = XNOR(a, b) (no parameters)."""


def step(p: XnorMulParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): returns (state (None), y)."""
    return state, 1 - ((int(ab) ^ (int(ab) >> 1)) & 1)


def run(p: XnorMulParams, a_bits, b_bits) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams."""
    a, b = pair(a_bits, b_bits)
    return (a ^ b) ^ np.uint8(1)


def run_beats(p: XnorMulParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: XnorMulParams, pa, pb):
    """Ideal result for independent inputs: pa pb + (1 - pa)(1 - pb) = (1 + v_a v_b) / 2."""
    pa, pb = np.asarray(pa, dtype=np.float64), np.asarray(pb, dtype=np.float64)
    return as_float(pa * pb + (1.0 - pa) * (1.0 - pb))


def expected_bipolar(p: XnorMulParams, va, vb):
    """Ideal bipolar result for independent inputs: v_a v_b."""
    return as_float(np.asarray(va, dtype=np.float64) * np.asarray(vb, dtype=np.float64))

# SPDX-License-Identifier: Apache-2.0
"""Stochastic divider CORDIV: the bit-true specification of ``sc.cordiv``.

Inputs per beat: x = dividend (bit 0 of s_ab), y = divisor (bit 1).  One hold flip-flop h
(reset value ``hold_init``).  Each accepted beat gives one output bit z:

    y = 1:  z = x,  h <- x
    y = 0:  z = h   (h unchanged)

i.e. a 2:1 multiplexer selected by y whose other input is a D flip-flop holding the last z
produced while y was 1 (the correlated divider CORDIV of Chen & Hayes, ISVLSI 2016; docs/references.md §5.4
lists SC-NeuroCore's ``sc_divide`` under Li et al. 2014, with the seed-form rule below).

Arithmetic.  z copies x on the beats where y = 1 and repeats one of those copies elsewhere, so
P(z) -> P(x = 1 | y = 1) = P(x AND y) / P(y).  With *positively correlated* inputs (SCC = +1:
x = 1 only where y = 1, e.g. comparators on one random number, x = r < X, y = r < Y, X <= Y)
P(x AND y) = P(x), giving the quotient

    P(z) -> P(x) / P(y),        valid for P(x) <= P(y)

The precondition and what happens otherwise:
  * P(x) > P(y) with SCC = +1: y = 1 implies x = 1, so z = 1 on every beat after the first y = 1
    (the quotient saturates at 1);
  * beats with x = 1, y = 0 (x not <= y bitwise, e.g. independent inputs): those ones of x are
    dropped (z = h); for independent inputs P(z) -> P(x), not P(x)/P(y);
  * P(y) = 0: z = hold_init on every beat.

Stream quality.  The held bit must be representative: the beats after a y = 1 must not depend
on it.  Comparators on a shift-register LFSR stepping once per beat violate that (each state is
the previous one shifted) and bias the quotient (RMSE ~0.06 on 12-bit streams); an LFSR
advancing ~w - 1 steps per beat does not (``models/sc/_gate.streams(stride=...)``).

The seed text (docs/references.md §5.4: "x=1 -> 1; x=0,y=1 -> 0; x=0,y=0 -> hold") is the same
machine whenever x <= y bitwise (x = 1 implies y = 1, so the first rule is "y = 1: z = x" and
the held value is the last z, which is the last x seen with y = 1); it differs only on
x = 1, y = 0 beats, where it outputs 1 (and holds 1) and this core outputs h.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.params import Params, pfield


@dataclass(frozen=True)
class CordivParams(Params):
    """z = x if y else h; h <- x when y; h resets to hold_init."""

    hold_init: int = pfield(0, "reset value of the hold flip-flop (z while no y = 1 has been "
                            "seen)", lo=0, hi=1)


def step(p: CordivParams, state, ab: int):
    """One accepted beat ab (x = bit 0, y = bit 1): state = hold bit or None (reset); returns
    (hold after, z)."""
    h = p.hold_init if state is None else int(state)
    x, y = int(ab) & 1, int(ab) >> 1 & 1
    return (x, x) if y else (h, h)


def run(p: CordivParams, x_bits, y_bits, state: int | None = None) -> np.ndarray:
    """Output bits (uint8) for dividend bits x and divisor bits y, the hold starting at
    ``state`` (None: reset, hold_init).  Vectorised: z_k = x_j with j the last beat <= k with
    y_j = 1, or the initial hold if there is none."""
    x, y = pair(x_bits, y_bits)
    h0 = p.hold_init if state is None else int(state)
    last = np.maximum.accumulate(np.where(y == 1, np.arange(len(y)), -1)) if len(y) else \
        np.zeros(0, dtype=np.int64)
    return np.where(last >= 0, x[np.maximum(last, 0)], np.uint8(h0)).astype(np.uint8)


def run_beats(p: CordivParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: CordivParams, px, py):
    """Ideal quotient for positively correlated inputs: px / py, saturating at 1 (px > py),
    hold_init where py = 0."""
    px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(py > 0, np.minimum(1.0, px / np.where(py > 0, py, 1.0)),
                     float(p.hold_init))
    return as_float(q)

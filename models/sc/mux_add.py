# SPDX-License-Identifier: Apache-2.0
"""Scaled stochastic adder (2:1 multiplexer): the bit-true specification of ``sc.mux_add``.

Each accepted beat (a, b) gives one output bit

    y_k = b_k if sel_k else a_k

with sel_k the k-th bit (k counted from reset, one per accepted beat) of an internal select
source that does not look at a or b:

    select = "toggle":  sel_k = k mod 2                 (a T flip-flop: 0 after reset, toggles
                                                         on every transfer; P(sel) = 1/2 exactly
                                                         over every pair of beats)
    select = "lfsr":    sel_k = bit (w-1) of s_k        (s_k the k-th state of a maximal Galois
                                                         LFSR ``sc.lfsr``, width w =
                                                         ``select_width``, from ``select_seed``)

Arithmetic (unipolar).  With P(sel) = q independent of a and b

    P(y) = (1 - q) pa + q pb,    q = 1/2:  P(y) = (pa + pb) / 2

(Alaghi & Hayes 2013: the MUX is the scaled adder; SC-NeuroCore's MUX = (A + B)/2 at
P(sel) = 0.5).  Unlike AND/OR the result does not depend on the correlation of a and b, only
on sel being independent of both.  For the LFSR select the MSB is 1 in 2^(w-1) of the 2^w - 1
states of a period, so q = 2^(w-1) / (2^w - 1) = 1/2 + 1/(2 (2^w - 1)) over a full period
(4/7 at w = 3, 0.5000076 at w = 16).  The toggle is exact but periodic: an input with period-2
structure (e.g. a stream that alternates) aliases with it; the LFSR select avoids that, at the
price of its own polynomial having to differ from those of the input SNGs (docs/references.md
§3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc import lfsr
from neurohdl.models.sc._gate import as_float, pair, split
from neurohdl.models.sc.lfsr import MAX_WIDTH, MAXIMAL_TAPS, MIN_WIDTH
from neurohdl.models.sc.sng import LfsrOwner, seed_field, taps_field
from neurohdl.params import Params, pfield

SELECTS = ("toggle", "lfsr")


@dataclass(frozen=True)
class MuxAddParams(LfsrOwner, Params):
    """y = sel ? b : a, sel from a T flip-flop or the MSB of an LFSR, advanced per beat."""

    LFSR = ("select_width", "select_taps", "select_seed")

    select: str = pfield("toggle", "select source: 'toggle' (T flip-flop, exactly 1/2) or "
                         "'lfsr' (MSB of an internal maximal LFSR)", choices=SELECTS)
    select_width: int = pfield(16, "LFSR width w for select='lfsr', bits", lo=MIN_WIDTH,
                               hi=MAX_WIDTH)
    select_taps: int | None = taps_field("select_width", "LFSR toggle mask (maximal) for "
                                         "select='lfsr'; None = built-in maximal taps for the "
                                         "width (0xB400 at 16)")
    select_seed: int | None = seed_field("select_width", "LFSR reset state (non-zero) for "
                                         "select='lfsr'; None = 0xACE1 reduced to the width")

    def derive(self):
        w = self.select_width
        self.resolve_lfsr(MAXIMAL_TAPS[w], lfsr.default_seed(w))
        self.set_derived("p_select", 0.5 if self.select == "toggle"
                         else (1 << (w - 1)) / ((1 << w) - 1))


def reset_state(p: MuxAddParams) -> int:
    """Select-source state after reset: the toggle bit 0, or the LFSR seed."""
    return 0 if p.select == "toggle" else p.select_seed


def select_bits(p: MuxAddParams, n: int, state: int | None = None) -> np.ndarray:
    """sel_0 .. sel_{n-1} (uint8) from ``state`` (None: reset)."""
    s = reset_state(p) if state is None else int(state)
    if p.select == "toggle":
        return ((np.arange(n, dtype=np.uint64) + np.uint64(s)) & np.uint64(1)).astype(np.uint8)
    lp = p.lfsr()
    st = lfsr.run(lp, min(n, lp.period), s)
    st = np.resize(st, n) if n > lp.period else st
    return (st >> np.uint64(p.select_width - 1) & np.uint64(1)).astype(np.uint8)


def step(p: MuxAddParams, state, ab: int):
    """One accepted beat ab (a = bit 0, b = bit 1): state = select-source state or None
    (reset); returns (state after, y)."""
    s = reset_state(p) if state is None else int(state)
    if p.select == "toggle":
        sel, nxt = s, s ^ 1
    else:
        sel, nxt = s >> (p.select_width - 1) & 1, lfsr.step(p.lfsr(), s)[0]
    return nxt, (int(ab) >> 1 & 1) if sel else (int(ab) & 1)


def run(p: MuxAddParams, a_bits, b_bits, state: int | None = None) -> np.ndarray:
    """Output bits (uint8) for the paired input bit streams, the select starting at ``state``
    (None: reset)."""
    a, b = pair(a_bits, b_bits)
    sel = select_bits(p, len(a), state)
    return np.where(sel == 1, b, a).astype(np.uint8)


def run_beats(p: MuxAddParams, ab) -> np.ndarray:
    return run(p, *split(ab))


def expected_probability(p: MuxAddParams, pa, pb, exact_select: bool = False):
    """Ideal result (pa + pb) / 2; with ``exact_select`` the select's own full-period
    probability q is used: (1 - q) pa + q pb."""
    pa, pb = np.asarray(pa, dtype=np.float64), np.asarray(pb, dtype=np.float64)
    q = p.p_select if exact_select else 0.5
    return as_float((1.0 - q) * pa + q * pb)

# SPDX-License-Identifier: Apache-2.0
"""Bitstream regeneration (decode, then re-encode with a fresh random source): the bit-true
specification of ``sc.regen``.

The accepted input bits are cut into consecutive windows of L = ``length`` beats (as
``sc.decoder``).  The ones of window j, count_j (0..L), are re-encoded into the L output bits of
window j + 1 by a comparator against an internal Galois LFSR of W = ``width`` bits:

    hold_t = count_{j-1} for beat t in window j >= 1;  hold_t = 0 in window 0
    y_t    = 1 if r_t * L < hold_t * 2^W else 0

r_t is the LFSR state at beat t (``sc.lfsr`` with ``lfsr_taps``/``lfsr_seed``; it starts at the
seed after reset and advances on every accepted beat, the first window included).  One output
beat per input beat; the first window outputs 0s.

Threshold.  For an integer r, ``r * L < c * 2^W`` is exactly ``r < x`` with

    x = ceil(c * 2^W / L)          (= c * 2^(W-k) exactly when L = 2^k <= 2^W)

so the core is an ``sc.sng`` comparator (bit = r < x) fed by the previous window's count scaled
to W bits, rounded up, except that x runs up to 2^W (W + 1 bits): c = L gives x = 2^W, which is
above every state, so an all-ones window regenerates as all ones, and c = 0 as all zeros.  The
RTL compares r * L with c * 2^W directly (a constant multiplier, no divider).

Probability.  A maximal LFSR visits 1 .. 2^W - 1 once per period, so over a period the fraction
of ones for a held count c is max(x - 1, 0)/(2^W - 1) (:func:`probability`): within 1/2^W-ish of
c / L; exact (0 or 1) at c = 0 and c = L.

Decorrelation.  The output carries the input's value (one window later) but its bit positions
come from the internal LFSR, not from the input's random source: a regenerated copy of a stream
is (nearly) uncorrelated with the original (SCC ~ 0).  The default LFSR polynomial is the
reciprocal of ``sc.sng``'s default (a different primitive polynomial, and seed 0xBEEF), because
same-polynomial LFSRs stay correlated whatever their seeds (docs/references.md §3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.models.sc import sng
from neurohdl.models.sc.lfsr import MAX_WIDTH, MAXIMAL_TAPS, MIN_WIDTH, reciprocal_taps
from neurohdl.models.sc.sng import LfsrOwner, SngParams, seed_field, taps_field
from neurohdl.params import Params, pfield

MAX_LENGTH = 4096
REGEN_SEED = 0xBEEF


def default_seed(width: int) -> int:
    """0xBEEF reduced to the width (never 0: its low nibble is 0xF)."""
    return REGEN_SEED & ((1 << width) - 1)


@dataclass(frozen=True)
class RegenParams(LfsrOwner, Params):
    """y_t = (r_t * L < count_{window-1} * 2^W): decode over L beats, re-encode with an LFSR."""

    length: int = pfield(256, "window length L in accepted beats", lo=1, hi=MAX_LENGTH,
                         rand=(1, 64))
    width: int = pfield(16, "LFSR / comparator width W, bits", lo=MIN_WIDTH, hi=MAX_WIDTH)
    lfsr_taps: int | None = taps_field("width", "LFSR toggle mask (maximal, bit W-1 set); None "
                                       "= the reciprocal of the built-in taps (not sc.sng's "
                                       "default)")
    lfsr_seed: int | None = seed_field("width", "LFSR reset state (non-zero); None = 0xBEEF "
                                       "reduced to the width")

    def derive(self):
        w = self.width
        self.resolve_lfsr(reciprocal_taps(MAXIMAL_TAPS[w], w), default_seed(w))
        self.set_derived("count_width", bits_for(self.length))
        self.set_derived("index_width", bits_for(self.length - 1))
        self.set_derived("cmp_width", w + bits_for(self.length))

    def sng(self) -> SngParams:
        return SngParams(width=self.width, source="lfsr", lfsr_taps=self.lfsr_taps,
                         lfsr_seed=self.lfsr_seed)


def threshold(p: RegenParams, count):
    """x = ceil(count * 2^W / L): y = (r < x) for a held count (vectorised, int64/uint64)."""
    c = np.asarray(count, dtype=np.uint64)
    L = np.uint64(p.length)
    out = (c * np.uint64(1 << p.width) + L - np.uint64(1)) // L
    return int(out) if out.ndim == 0 else out


def probability(p: RegenParams, count):
    """Fraction of ones over one full LFSR period for a held count: max(x - 1, 0)/(2^W - 1)."""
    x = np.asarray(threshold(p, count), dtype=np.float64)
    out = np.maximum(x - 1.0, 0.0) / float((1 << p.width) - 1)
    return float(out) if out.ndim == 0 else out


def step(p: RegenParams, state, x: int) -> tuple[tuple[int, int, int, int], int]:
    """One accepted beat.  state = (LFSR state, beat index in the window, ones so far, held
    count of the previous window), None = reset; returns (new state, output bit)."""
    r, idx, ones, hold = state if state is not None else (p.lfsr_seed, 0, 0, 0)
    y = int(r * p.length < hold << p.width)
    r = (r >> 1) ^ (p.lfsr_taps if r & 1 else 0)
    ones += int(x) & 1
    if idx == p.length - 1:
        return (r, 0, 0, ones), y
    return (r, idx + 1, ones, hold), y


def run(p: RegenParams, bits) -> np.ndarray:
    """Output bits (uint8) for the accepted input bits, from reset (vectorised)."""
    b = np.asarray(bits, dtype=np.uint64) & np.uint64(1)
    n, L = len(b), p.length
    nw = n // L
    counts = b[: nw * L].reshape(nw, L).sum(axis=1, dtype=np.uint64)
    held = np.concatenate([np.zeros(1, dtype=np.uint64), counts])   # window j uses held[j]
    hold = held[np.arange(n) // L]
    r, _ = sng.numbers(p.sng(), n)
    return (r * np.uint64(L) < hold << np.uint64(p.width)).astype(np.uint8)

# SPDX-License-Identifier: Apache-2.0
"""Unipolar stochastic multiplier (two SNGs, AND, decoder): the bit-true specification of
``sc.mul``.

Each accepted op (a, b) runs ``length`` = N cycles.  Cycle k takes the next state of each of
two independent LFSRs (A: ``a_taps``/``a_seed``, B: ``b_taps``/``b_seed``), forms

    bit_k = (ra_k < a) & (rb_k < b)          (two sc.sng comparators and an AND gate)

and the op's result is the count of ones over its N cycles (sc.decoder, window N):

    count = sum_{k=0}^{N-1} bit_k,    count / N  ~  P(a) P(b)

with P the SNG probability max(x - 1, 0)/(2^w - 1).  LFSR states carry on from op to op (no
reseeding); reset returns both to their seeds.

Correlation.  The estimate is unbiased only if the streams are uncorrelated.  Two LFSRs with the
same polynomial are one sequence at two phases; they stay correlated (|SCC| ~ 0.36) and the
RMSE stops falling at ~0.0226 however long N is (docs/references.md §3).  The default B
polynomial is therefore the reciprocal of A's (also primitive, a different sequence); equal
taps are refused unless ``allow_shared_poly=True``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.models.sc import lfsr, sng
from neurohdl.models.sc.decoder import MAX_LENGTH, DecoderParams
from neurohdl.models.sc.lfsr import MAX_WIDTH, MAXIMAL_TAPS, MIN_WIDTH, reciprocal_taps
from neurohdl.models.sc.sng import SngParams, random_taps, resolve_lfsr, seed_field, taps_field
from neurohdl.params import Params, pfield

B_SEED = 0xBEEF


def default_b_seed(width: int) -> int:
    """0xBEEF reduced to the width: never 0 and never equal to default_seed(width) (their low
    nibbles are 0xF and 0x1)."""
    return B_SEED & ((1 << width) - 1)


@dataclass(frozen=True)
class MulParams(Params):
    """count = sum over N cycles of (ra < a) & (rb < b); two LFSRs, never reseeded."""

    width: int = pfield(16, "width of a, b and the LFSRs, bits", lo=MIN_WIDTH, hi=MAX_WIDTH)
    length: int = pfield(256, "stream length N: cycles per op", lo=1, hi=MAX_LENGTH,
                         rand=(1, 64))
    a_taps: int | None = taps_field("width", "LFSR A toggle mask (maximal); None = built-in "
                                    "maximal taps for the width")
    a_seed: int | None = seed_field("width", "LFSR A reset state; None = 0xACE1 reduced to the "
                                    "width")
    b_taps: int | None = taps_field("width", "LFSR B toggle mask (maximal); None = reciprocal of "
                                    "the built-in taps (a different primitive polynomial)")
    b_seed: int | None = seed_field("width", "LFSR B reset state; None = 0xBEEF reduced to the "
                                    "width")
    allow_shared_poly: bool = pfield(False, "accept a_taps == b_taps (correlated streams, "
                                     "RMSE floor ~0.0226)")

    def derive(self):
        w = self.width
        resolve_lfsr(self, w, "a_taps", "a_seed", MAXIMAL_TAPS[w], lfsr.default_seed(w))
        resolve_lfsr(self, w, "b_taps", "b_seed", reciprocal_taps(MAXIMAL_TAPS[w], w),
                     default_b_seed(w))
        if self.a_taps == self.b_taps and not self.allow_shared_poly:
            raise self.error("b_taps", self.b_taps, f"a polynomial other than a_taps = "
                             f"{self.a_taps:#x} (same-polynomial LFSRs stay correlated, |SCC| "
                             "~0.36, RMSE floor ~0.0226: docs/references.md §3), or "
                             "allow_shared_poly=True")
        self.set_derived("count_width", bits_for(self.length))

    def sng_a(self) -> SngParams:
        return SngParams(width=self.width, source="lfsr", lfsr_taps=self.a_taps,
                         lfsr_seed=self.a_seed)

    def sng_b(self) -> SngParams:
        return SngParams(width=self.width, source="lfsr", lfsr_taps=self.b_taps,
                         lfsr_seed=self.b_seed)

    def decoder(self) -> DecoderParams:
        return DecoderParams(length=self.length)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name in ("a_taps", "b_taps"):
            return random_taps(rng, partial.width)
        return super()._random_field(f, rng, partial)


def pack(p: MulParams, a, b):
    """s_op tdata: a in bits [w-1:0], b in bits [2w-1:w]."""
    return (np.asarray(b, dtype=np.uint64) << np.uint64(p.width)) | np.asarray(a, dtype=np.uint64)


def unpack(p: MulParams, op):
    m = np.uint64((1 << p.width) - 1)
    op = np.asarray(op, dtype=np.uint64)
    return op & m, (op >> np.uint64(p.width)) & m


def step(p: MulParams, state, op: tuple[int, int]):
    """One accepted op (a, b): state = (LFSR A state, LFSR B state) or None (reset); returns
    (state after the op's N cycles, count)."""
    sa, sb = state if state is not None else (None, None)
    ra, sa = sng.numbers(p.sng_a(), p.length, sa)
    rb, sb = sng.numbers(p.sng_b(), p.length, sb)
    a, b = int(op[0]), int(op[1])
    count = int(np.count_nonzero((ra < np.uint64(a)) & (rb < np.uint64(b))))
    return (sa, sb), count


def bits(p: MulParams, ops) -> np.ndarray:
    """The AND stream, shape (len(ops), N), uint8, from reset."""
    ops = np.asarray(ops, dtype=np.uint64).reshape(-1, 2)
    n = len(ops) * p.length
    ra, _ = sng.numbers(p.sng_a(), n)
    rb, _ = sng.numbers(p.sng_b(), n)
    ra, rb = ra.reshape(-1, p.length), rb.reshape(-1, p.length)
    return ((ra < ops[:, :1]) & (rb < ops[:, 1:])).astype(np.uint8)


def run(p: MulParams, ops) -> np.ndarray:
    """Counts (uint32) for ops = sequence of (a, b) pairs, from reset."""
    return bits(p, ops).sum(axis=1, dtype=np.uint32)


# ------------------------------------------------------------------ accuracy ---------------

def exact(p: MulParams, ops) -> np.ndarray:
    """The value the count estimates: P(a) P(b), SNG probabilities over a full LFSR period."""
    ops = np.asarray(ops, dtype=np.uint64).reshape(-1, 2)
    return (np.asarray(sng.probability(p.sng_a(), ops[:, 0]))
            * np.asarray(sng.probability(p.sng_b(), ops[:, 1])))


def estimate_error(p: MulParams, ops, counts=None) -> np.ndarray:
    """count / N - P(a) P(b) for each op (counts from :func:`run` unless given)."""
    counts = run(p, ops) if counts is None else np.asarray(counts)
    return counts / p.length - exact(p, ops)


def rmse(p: MulParams, ops, counts=None) -> float:
    return float(np.sqrt(np.mean(estimate_error(p, ops, counts) ** 2)))


def binomial_sigma(p: MulParams, ops) -> np.ndarray:
    """Per-op standard deviation of count / N for independent random bits: sqrt(q (1-q) / N),
    q = P(a) P(b) (Alaghi & Hayes 2013)."""
    q = exact(p, ops)
    return np.sqrt(q * (1.0 - q) / p.length)


def binomial_rmse(p: MulParams, ops) -> float:
    """RMSE expected of independent random streams: sqrt(mean q (1-q) / N)."""
    q = exact(p, ops)
    return float(np.sqrt(np.mean(q * (1.0 - q)) / p.length))

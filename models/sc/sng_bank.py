# SPDX-License-Identifier: Apache-2.0
"""Bank of K stochastic number generators whose streams are independent by construction: the
bit-true specification of ``sc.sng_bank``.

Each accepted beat carries K values x_k (lane k in bits [k*W + W-1 : k*W] of tdata) and yields K
bits, bit k = (r_k < x_k) (strict, unsigned; in bipolar mode x_k is the lane's tdata with its MSB
inverted, as :mod:`sc.sng <neurohdl.models.sc.sng>`).  The random numbers r_k come from sources
that never share a sequence:

- ``source="sobol"``: lane k is Sobol dimension ``first_dim + k`` of ONE ``sc.sobol`` bank (one
  shared index counter and lowest-zero detector, a direction-number ROM and an XOR register per
  lane).  Distinct Sobol dimensions are jointly low-discrepancy, the best case for SC.
- ``source="lfsr"``: lane k runs a Galois LFSR with its OWN primitive polynomial: lane 0 the
  built-in table mask, lane 1 its reciprocal, then the next maximal masks in ascending order,
  each followed by its reciprocal (:func:`distinct_maximal_taps`).  Different seeds of one
  polynomial are deliberately not used: they stay correlated (docs/references.md §3).  Lane k
  also starts from its own seed, ``lfsr_seed`` rotated left by 5k bits (mod W), so the lanes do
  not all emit the same first numbers.

The chosen assignment is a derived value (``p.assignment``), written into every manifest.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from neurohdl.models.sc import lfsr, sobol
from neurohdl.models.sc.joe_kuo import MAX_DIM
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams, is_maximal, reciprocal_taps
from neurohdl.models.sc.sobol import SobolParams
from neurohdl.params import Params, pfield

MAX_LANES = 16


@lru_cache(maxsize=None)
def distinct_maximal_taps(width: int, k: int) -> tuple[int, ...]:
    """k distinct maximal masks for the width: table, reciprocal, then ascending search (each
    new mask followed by its reciprocal).  Fewer than k exist -> shorter tuple."""
    out: list[int] = []

    def add(t):
        if t not in out and len(out) < k:
            out.append(t)

    t0 = MAXIMAL_TAPS[width]
    add(t0)
    add(reciprocal_taps(t0, width))
    m = 1 << (width - 1)
    while len(out) < k and m < (1 << width):
        if m not in out and is_maximal(m, width):
            add(m)
            add(reciprocal_taps(m, width))
        m += 1
    return tuple(out)


@dataclass(frozen=True)
class SngBankParams(Params):
    """K comparator SNGs on independent sources (distinct Sobol dimensions or polynomials)."""

    lanes: int = pfield(4, "number of SNG lanes K", lo=1, hi=MAX_LANES, rand=(1, 6))
    width: int = pfield(16, "width W of each x and random number, bits", lo=3, hi=32)
    source: str = pfield("sobol", "'sobol' (dimensions first_dim.., one shared counter) or "
                         "'lfsr' (one primitive polynomial per lane)", choices=("sobol", "lfsr"))
    first_dim: int = pfield(1, "Sobol dimension of lane 0", lo=1, hi=MAX_DIM)
    skip: int = pfield(0, "Sobol start index after reset", lo=0, hi=lambda p: (1 << p.width) - 1)
    lfsr_seed: int | None = pfield(None, "LFSR reset state of every lane; None = 0xACE1 reduced "
                                   "to the width", optional=True, lo=1,
                                   hi=lambda p: (1 << p.width) - 1)
    bipolar: bool = pfield(False, "lane tdata are two's-complement bipolar values (MSB inverted "
                           "before the compare)")

    def check(self):
        if self.source == "sobol" and self.first_dim + self.lanes - 1 > MAX_DIM:
            raise self.error("lanes", self.lanes, f"1..{MAX_DIM - self.first_dim + 1} with "
                             f"first_dim = {self.first_dim} (Sobol dimensions 1..{MAX_DIM})")
        if self.source == "lfsr":
            have = len(distinct_maximal_taps(self.width, self.lanes))
            if have < self.lanes:
                raise self.error("lanes", self.lanes, f"1..{have} for width {self.width} with "
                                 "source 'lfsr' (that many primitive polynomials of degree "
                                 f"{self.width}); use a wider LFSR or source 'sobol'")

    def derive(self):
        if self.lfsr_seed is None:
            self.resolve("lfsr_seed", lfsr.default_seed(self.width))
        if self.source == "sobol":
            a = [f"lane {k}: sobol dimension {self.first_dim + k} (shared counter, skip "
                 f"{self.skip})" for k in range(self.lanes)]
        else:
            a = [f"lane {k}: lfsr taps {t:#x} seed {self.lane_seed(k):#x}"
                 for k, t in enumerate(self.taps())]
        self.set_derived("assignment", a)
        self.set_derived("data_width", self.lanes * self.width)

    def taps(self) -> tuple[int, ...]:
        return distinct_maximal_taps(self.width, self.lanes)

    def sobol(self) -> SobolParams:
        return SobolParams(width=self.width, dims=self.lanes, first_dim=self.first_dim,
                           skip=self.skip)

    def lane_seed(self, lane: int) -> int:
        """lfsr_seed rotated left by 5 * lane bits within the width (never 0)."""
        w, r = self.width, (5 * lane) % self.width
        s = self.lfsr_seed
        return ((s << r) | (s >> (w - r))) & ((1 << w) - 1) if r else s

    def lfsr(self, lane: int) -> LfsrParams:
        return LfsrParams(width=self.width, taps=self.taps()[lane], seed=self.lane_seed(lane))

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "width" and rng.random() < 0.5:
            return rng.choice([8, 16])
        return super()._random_field(f, rng, partial)


def numbers(p: SngBankParams, n: int) -> np.ndarray:
    """The first n random numbers of every lane from reset, uint64 shape (n, K)."""
    if p.source == "sobol":
        return sobol.run(p.sobol(), n)
    return np.stack([lfsr.run(p.lfsr(k), n) for k in range(p.lanes)], axis=1)


def pack(p: SngBankParams, xs) -> list[int]:
    """tdata words for rows of K lane values."""
    return [sum(int(x) << (k * p.width) for k, x in enumerate(row)) for row in np.atleast_2d(xs)]


def run(p: SngBankParams, xs) -> np.ndarray:
    """Bits (uint8, shape (T, K)) for T accepted beats of lane values xs (shape (T, K))."""
    xs = np.asarray(xs, dtype=np.uint64).reshape(-1, p.lanes)
    if p.bipolar:
        xs = xs ^ np.uint64(1 << (p.width - 1))
    return (numbers(p, len(xs)) < xs).astype(np.uint8)


def tdata_bits(bits) -> list[int]:
    """m_bits tdata words: lane k in bit k."""
    b = np.asarray(bits, dtype=np.uint64)
    return [int(v) for v in (b << np.arange(b.shape[1], dtype=np.uint64)).sum(axis=1)]

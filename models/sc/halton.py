# SPDX-License-Identifier: Apache-2.0
"""Halton / van der Corput quasi-random source: the bit-true specification of ``sc.halton``.

The core is base-2 van der Corput: a W-bit index counter i and its bit reversal

    tdata_i = rev_W(i) = sum_{k=0}^{W-1} bit_k(i) 2^(W-1-k)        i' = (i + 1) mod 2^W

i.e. the radical inverse of i in base 2 with W digits, scaled by 2^W.  The counter starts at
``skip``; at the wrap (i = 2^W - 1 -> 0) the output returns to rev(0) = 0, so the period is 2^W
and every W-bit value appears once per period.  Default (W = 16): 0, 32768, 16384, 49152, 8192,
40960, 24576, 57344, ... (the same set as Sobol dimension 1 over every aligned block of 2^k
points, in natural instead of Gray-code order).

Other bases are model-only (the RTL is base 2; :class:`HaltonParams` rejects base != 2): for
benchmarks, :func:`radical_inverse` and :func:`sequence` give the base-b radical inverse of i with
``digits`` base-b digits as an integer in [0, b^digits), i.e. the Halton coordinate for base b
scaled by b^digits (``scipy.stats.qmc.Halton(d, scramble=False)`` uses bases 2, 3, 5, ...).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl import ParamError
from neurohdl.params import Params, pfield

MIN_WIDTH, MAX_WIDTH = 1, 32


@dataclass(frozen=True)
class HaltonParams(Params):
    """Base-2 van der Corput: tdata = bit-reverse of a W-bit index counter."""

    width: int = pfield(16, "output width W in bits (period 2^W)", lo=MIN_WIDTH, hi=MAX_WIDTH)
    base: int = pfield(2, "radix of the radical inverse (the RTL supports base 2 only; other "
                       "prime bases: model functions radical_inverse/sequence)")
    skip: int = pfield(0, "reset index: the first output is rev(skip)", lo=0,
                       hi=lambda p: (1 << p.width) - 1)

    def check(self):
        if self.base != 2:
            raise self.error("base", self.base, "2 (the RTL supports base 2 only; for other "
                             "prime bases use models.sc.halton.radical_inverse / sequence)")

    def derive(self):
        self.set_derived("period", 1 << self.width)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "skip":            # 0, the wrap corner, just before the wrap, anywhere
            top = (1 << partial.width) - 1
            return rng.choice([0, 0, top, max(0, top - rng.randint(1, 200)),
                               rng.randint(0, top)])
        return super()._random_field(f, rng, partial)


def _is_prime(b: int) -> bool:
    return b >= 2 and all(b % q for q in range(2, int(b ** 0.5) + 1))


def _check_base_digits(b, digits) -> None:
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or not _is_prime(int(b)):
        raise ParamError(f"radical_inverse: base = {b!r}: allowed a prime >= 2")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1 \
            or int(b) ** int(digits) > 1 << 63:
        raise ParamError(f"radical_inverse: digits = {digits!r}: allowed 1.. with "
                         f"base^digits <= 2^63 (base {b})")


def radical_inverse(i: int, b: int, digits: int) -> int:
    """Digit reversal of i mod b^digits in base b: sum_k d_k(i) b^(digits-1-k), in [0, b^digits)."""
    _check_base_digits(b, digits)
    i %= b ** digits
    r = 0
    for _ in range(digits):
        i, d = divmod(i, b)
        r = r * b + d
    return r


def sequence(n: int, base: int, digits: int, skip: int = 0) -> np.ndarray:
    """radical_inverse(i, base, digits) for i = skip .. skip + n - 1 (uint64, vectorised)."""
    _check_base_digits(base, digits)
    b = np.uint64(base)
    i = (np.arange(n, dtype=np.uint64) + np.uint64(skip % base ** digits)) % np.uint64(
        base ** digits)
    r = np.zeros(n, dtype=np.uint64)
    for _ in range(digits):
        r = r * b + i % b
        i //= b
    return r


def bit_reverse(i: int, width: int) -> int:
    """rev_W(i): bit k of i (mod 2^W) moves to bit W-1-k."""
    return int(format(i & ((1 << width) - 1), f"0{width}b")[::-1], 2)


def step(p: HaltonParams, i: int) -> tuple[int, int]:
    """One transfer from index i: returns (next index, tdata = rev_W(i))."""
    return (i + 1) & ((1 << p.width) - 1), bit_reverse(i, p.width)


def run(p: HaltonParams, n: int, state: int | None = None) -> np.ndarray:
    """The first n outputs (uint64) from index ``state`` (default: skip), wrapping mod 2^W."""
    return sequence(n, p.base, p.width, p.skip if state is None else int(state))


def numbers(p: HaltonParams, n: int, state: int | None = None) -> tuple[np.ndarray, int]:
    """The next n outputs (uint64, shape (n,)) from index ``state`` (None: reset = skip), and the
    index after them."""
    i0 = p.skip if state is None else int(state)
    return run(p, n, i0), (i0 + int(n)) % (1 << p.width)

# SPDX-License-Identifier: Apache-2.0
"""Fixed point: QFormat with declared overflow policy and rounding, for models and RTL alike.

    q = QFormat(8, 8)                  # signed Q8.8 (16 bits), saturate, truncate
    q.const(1.3)                       # QFormatError: 1.3 not representable in Q8.8 (nearest 333/256)
    q.const(1.3, rounding="nearest")   # 333
    raw, sat = q.fit(np.array([...]))  # apply the overflow policy to wide integers; sat = flags

Raw values are integers scaled by 2**frac_bits.  ``int_bits`` counts the sign bit for signed
formats (Q8.8 signed = 16 bits, range -128 .. 127.996).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .errors import QFormatError

OVERFLOW = ("saturate", "wrap", "flag")
ROUNDING = ("truncate", "nearest-even")


@dataclass(frozen=True)
class QFormat:
    int_bits: int
    frac_bits: int
    signed: bool = True
    overflow: str = "saturate"
    rounding: str = "truncate"

    def __post_init__(self):
        if not isinstance(self.int_bits, int) or self.int_bits < (1 if self.signed else 0):
            raise QFormatError(f"QFormat.int_bits = {self.int_bits!r}: allowed "
                               f">= {1 if self.signed else 0} (signed formats count the sign bit)")
        if not isinstance(self.frac_bits, int) or self.frac_bits < 0:
            raise QFormatError(f"QFormat.frac_bits = {self.frac_bits!r}: allowed >= 0")
        if self.width < 1 or self.width > 64:
            raise QFormatError(f"QFormat width = {self.width}: allowed 1..64")
        if self.overflow not in OVERFLOW:
            raise QFormatError(f"QFormat.overflow = {self.overflow!r}: allowed one of {OVERFLOW}")
        if self.rounding not in ROUNDING:
            raise QFormatError(f"QFormat.rounding = {self.rounding!r}: allowed one of {ROUNDING}")

    # -- shape -------------------------------------------------------------------------------
    @property
    def width(self) -> int:
        return self.int_bits + self.frac_bits

    @property
    def min_raw(self) -> int:
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    @property
    def scale(self) -> int:
        return 1 << self.frac_bits

    def __str__(self) -> str:
        return f"{'Q' if self.signed else 'UQ'}{self.int_bits}.{self.frac_bits}"

    # -- constants ------------------------------------------------------------------------------
    def const(self, value: float | int | Fraction, rounding: str | None = None) -> int:
        """Raw integer for a constant; exact unless ``rounding`` is given.  Never clamps."""
        raw, _err = self.const_with_error(value, rounding)
        return raw

    def const_with_error(self, value, rounding: str | None = None) -> tuple[int, float]:
        exact = Fraction(value) * self.scale
        if exact.denominator == 1:
            raw = int(exact)
        elif rounding is None:
            nearest = _round_half_even(exact)
            raise QFormatError(f"{value!r} not representable in {self} "
                               f"(nearest {nearest}/{self.scale}); pass rounding='nearest' "
                               "or 'truncate' to accept the error")
        elif rounding in ("nearest", "nearest-even"):
            raw = _round_half_even(exact)
        elif rounding == "truncate":
            raw = math.floor(exact)
        else:
            raise QFormatError(f"rounding = {rounding!r}: allowed 'nearest', 'truncate'")
        if raw < self.min_raw or raw > self.max_raw:
            raise QFormatError(f"{value!r} out of range for {self}: allowed "
                               f"{self.to_float(self.min_raw)}..{self.to_float(self.max_raw)}")
        return raw, float(Fraction(raw, self.scale) - Fraction(value))

    def to_float(self, raw):
        return np.asarray(raw, dtype=np.float64) / self.scale if np.ndim(raw) else raw / self.scale

    # -- arithmetic policy ---------------------------------------------------------------------
    def fit(self, raw) -> tuple[np.ndarray, np.ndarray]:
        """Apply the overflow policy to wide integer results.

        Returns (values, overflowed) where overflowed marks every element that did not fit
        (saturated for 'saturate', wrapped for 'wrap'/'flag').
        """
        a = np.asarray(raw, dtype=np.int64)
        over = (a < self.min_raw) | (a > self.max_raw)
        if self.overflow == "saturate":
            out = np.clip(a, self.min_raw, self.max_raw)
        else:
            out = wrap(a, self.width, self.signed)
        return out, over

    def shift_right(self, raw, k: int):
        """Drop k fraction bits with this format's rounding (arithmetic shift)."""
        a = np.asarray(raw, dtype=np.int64)
        if k == 0:
            return a
        if self.rounding == "truncate":
            return a >> k
        # round half to even
        q = a >> k
        rem = a - (q << k)
        half = 1 << (k - 1)
        up = (rem > half) | ((rem == half) & (q & 1 == 1))
        return q + up.astype(np.int64)


def wrap(a, width: int, signed: bool):
    """Two's-complement wrap of integers to ``width`` bits."""
    a = np.asarray(a, dtype=np.int64)
    m = (a & ((1 << width) - 1)) if width < 64 else a
    if signed and width < 64:
        m = np.where(m >= (1 << (width - 1)), m - (1 << width), m)
    return m


def _round_half_even(x: Fraction) -> int:
    return round(x)  # Fraction.__round__ rounds half to even


def bits_for(max_value: int) -> int:
    """Unsigned width that holds 0..max_value (at least 1)."""
    return max(1, int(max_value).bit_length())


__all__ = ["QFormat", "wrap", "bits_for", "OVERFLOW", "ROUNDING"]

# SPDX-License-Identifier: Apache-2.0
"""Galois LFSR random source (right-shifting): the bit-true specification of ``sc.lfsr``.

    s' = (s >> 1) ^ (taps if s & 1 else 0)

The output of a transfer is the current state; the state then advances.  From the default seed
0xACE1 with taps 0xB400 (x^16 + x^14 + x^13 + x^11 + 1) the states run 0xACE1, 0xE270, 0x7138,
0x389C, ... with period 2^16 - 1.

Taps are a toggle mask: bit i set means the feedback bit is XORed into bit i after the shift;
bit width-1 must be set.  The characteristic polynomial is 1 + sum_{i in taps} x^(i+1); the
sequence is maximal (period 2^w - 1) exactly when that polynomial is primitive, which
``is_maximal`` decides by the standard order test (x^(2^w-1) = 1 and x^((2^w-1)/q) != 1 for every
prime q dividing 2^w - 1), independently of the built-in table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from neurohdl.params import Params, pfield

# Maximal-length Fibonacci taps from Xilinx XAPP052 (1-indexed), converted to Galois masks
# by mask = sum(1 << (t - 1)).  Width 16 uses the seed's x^16+x^14+x^13+x^11+1 (0xB400).
_XAPP052 = {
    3: (3, 2), 4: (4, 3), 5: (5, 3), 6: (6, 5), 7: (7, 6), 8: (8, 6, 5, 4), 9: (9, 5),
    10: (10, 7), 11: (11, 9), 12: (12, 6, 4, 1), 13: (13, 4, 3, 1), 14: (14, 5, 3, 1),
    15: (15, 14), 16: (16, 14, 13, 11), 17: (17, 14), 18: (18, 11), 19: (19, 6, 2, 1),
    20: (20, 17), 21: (21, 19), 22: (22, 21), 23: (23, 18), 24: (24, 23, 22, 17), 25: (25, 22),
    26: (26, 6, 2, 1), 27: (27, 5, 2, 1), 28: (28, 25), 29: (29, 27), 30: (30, 6, 4, 1),
    31: (31, 28), 32: (32, 22, 2, 1),
}
MAXIMAL_TAPS: dict[int, int] = {w: sum(1 << (t - 1) for t in ts) for w, ts in _XAPP052.items()}
DEFAULT_SEED = 0xACE1
MIN_WIDTH, MAX_WIDTH = 3, 32


def default_seed(width: int) -> int:
    """0xACE1 reduced to the width (1 if that would be the lock-up state 0)."""
    return (DEFAULT_SEED & ((1 << width) - 1)) or 1


def reciprocal_taps(taps: int, width: int) -> int:
    """Mask of the reciprocal polynomial x^w p(1/x): primitive iff ``taps`` is."""
    out = 1 << (width - 1)
    for i in range(width - 1):
        if taps >> i & 1:
            out |= 1 << (width - i - 2)
    return out


def _poly(taps: int, width: int) -> int:
    """Characteristic polynomial 1 + sum x^(i+1) as an int (bit k = coefficient of x^k)."""
    return 1 | (taps << 1)


def _mulmod(a: int, b: int, m: int, deg: int) -> int:
    r = 0
    while b:
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if a >> deg & 1:
            a ^= m
    return r


def _powmod_x(e: int, m: int, deg: int) -> int:
    result, base = 1, 2  # polynomial "x"
    while e:
        if e & 1:
            result = _mulmod(result, base, m, deg)
        base = _mulmod(base, base, m, deg)
        e >>= 1
    return result


def _prime_factors(n: int) -> list[int]:
    out, d = [], 2
    while d * d <= n:
        if n % d == 0:
            out.append(d)
            while n % d == 0:
                n //= d
        d += 1 if d == 2 else 2
    if n > 1:
        out.append(n)
    return out


@lru_cache(maxsize=None)
def is_maximal(taps: int, width: int) -> bool:
    """True iff the Galois LFSR with this mask has period 2^width - 1 (primitive polynomial)."""
    if not (taps >> (width - 1)) & 1 or taps >> width:
        return False
    m, order = _poly(taps, width), (1 << width) - 1
    if _powmod_x(order, m, width) != 1:
        return False
    return all(_powmod_x(order // q, m, width) != 1 for q in _prime_factors(order))


@dataclass(frozen=True)
class LfsrParams(Params):
    """Right-shift Galois LFSR: s' = (s >> 1) ^ (taps if s & 1 else 0)."""

    width: int = pfield(16, "register width in bits", lo=MIN_WIDTH, hi=MAX_WIDTH)
    taps: int | None = pfield(None, "toggle mask, bit width-1 set; None = built-in maximal "
                              "taps for the width (0xB400 at 16)", optional=True,
                              lo=lambda p: 1 << (p.width - 1), hi=lambda p: (1 << p.width) - 1)
    seed: int | None = pfield(None, "reset state (non-zero); None = 0xACE1 reduced to the "
                              "width", optional=True, lo=1, hi=lambda p: (1 << p.width) - 1)
    allow_nonmaximal: bool = pfield(False, "accept taps whose period is below 2^width - 1")

    def derive(self):
        if self.taps is None:
            self.resolve("taps", MAXIMAL_TAPS[self.width])
        if self.seed is None:
            self.resolve("seed", default_seed(self.width))
        if not self.allow_nonmaximal and not is_maximal(self.taps, self.width):
            raise self.error("taps", self.taps, f"a maximal-length mask for width {self.width} "
                             f"(e.g. {MAXIMAL_TAPS[self.width]:#x}), or allow_nonmaximal=True")
        self.set_derived("period", (1 << self.width) - 1 if is_maximal(self.taps, self.width)
                         else None)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "taps":  # a maximal mask: the table's or its reciprocal
            t = MAXIMAL_TAPS[partial.width]
            return rng.choice([None, t, reciprocal_taps(t, partial.width)])
        if f.name == "allow_nonmaximal":
            return False
        return super()._random_field(f, rng, partial)


def step(p: LfsrParams, s: int) -> tuple[int, int]:
    """One transfer: returns (next state, tdata = current state)."""
    return (s >> 1) ^ (p.taps if s & 1 else 0), s


def run(p: LfsrParams, n: int, state: int | None = None) -> np.ndarray:
    """The first n outputs (uint64) starting from ``state`` (default: the seed)."""
    s = p.seed if state is None else state
    out = np.empty(n, dtype=np.uint64)
    taps = p.taps
    for i in range(n):
        out[i] = s
        s = (s >> 1) ^ (taps if s & 1 else 0)
    return out


def advance(p: LfsrParams, s: int, n: int) -> int:
    """The state after n transfers from s."""
    taps = p.taps
    for _ in range(n):
        s = (s >> 1) ^ (taps if s & 1 else 0)
    return s


def period(p: LfsrParams, limit: int | None = None) -> int:
    """Measured period from the seed by iteration (for tests; O(2^w))."""
    limit = limit or (1 << p.width)
    s0 = s = p.seed
    taps = p.taps
    for k in range(1, limit + 1):
        s = (s >> 1) ^ (taps if s & 1 else 0)
        if s == s0:
            return k
    raise ValueError(f"no period within {limit} steps")

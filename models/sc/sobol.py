# SPDX-License-Identifier: Apache-2.0
"""Sobol quasi-random source (Gray-code order): the bit-true specification of ``sc.sobol``.

A bank of ``dims`` Sobol dimensions ``first_dim .. first_dim + dims - 1`` (Joe-Kuo direction
numbers, :mod:`neurohdl.models.sc.joe_kuo`; dimension 1 is van der Corput, v_k = 2^(W-k)) shares
one W-bit index counter i.  Output j of index i is

    x_i = XOR_{k : bit k-1 of g(i) set} v_k        g(i) = i ^ (i >> 1)  (Gray code of i mod 2^W)

and the hardware reaches it by one XOR per transfer (Antonov-Saleev Gray-code stepping):

    x_0 = 0,   x_{i+1} = x_i ^ v_{c(i)+1},   c(i) = min(lowest zero bit of i, W - 1)
    i' = (i + 1) mod 2^W

The clamp to W - 1 only matters at the wrap.  Bits 0..W-2 are all ones for i = 2^(W-1) - 1 (whose
lowest zero is bit W-1 anyway) and for the last index i = 2^W - 1, where x = v_W (g(i) =
2^(W-1)); the step XORs v_W back out, so x returns to 0 exactly when the counter wraps to 0.  The sequence is therefore
periodic with period 2^W, and every W-bit value appears once per period in every dimension.

``skip`` is the reset index: the first output is x_skip (the closed form above), as scipy's
``fast_forward(skip)``.  With skip = 0 the first 2^k points of every dimension equal
``scipy.stats.qmc.Sobol(d, scramble=False, bits=W).random_base2(k)`` scaled by 2^W, in order.
Default (W = 16, dimension 1): 0, 32768, 49152, 16384, 24576, 57344, 40960, 8192, 12288, ...

tdata packs dimension j (0-based, i.e. Sobol dimension first_dim + j) in bits [j*W + W-1 : j*W].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc.joe_kuo import MAX_DIM, direction_numbers
from neurohdl.params import Params, pfield

MIN_WIDTH, MAX_WIDTH = 1, 32


@dataclass(frozen=True)
class SobolParams(Params):
    """Bank of Sobol dimensions, Gray-code order: x_{i+1} = x_i ^ v[c(i)], one index counter."""

    width: int = pfield(16, "output width W in bits (period 2^W)", lo=MIN_WIDTH, hi=MAX_WIDTH)
    dims: int = pfield(1, "number of dimensions in the bank (one shared index counter)", lo=1,
                       hi=MAX_DIM, rand=(1, 4))
    first_dim: int = pfield(1, "1-based Sobol dimension of output 0 (1 = van der Corput)", lo=1,
                            hi=MAX_DIM)
    skip: int = pfield(0, "reset index: the first output is point number skip", lo=0,
                       hi=lambda p: (1 << p.width) - 1)

    def check(self):
        last = self.first_dim + self.dims - 1
        if last > MAX_DIM:
            raise self.error("dims", self.dims, f"1..{MAX_DIM - self.first_dim + 1} with "
                             f"first_dim = {self.first_dim} (dimensions first_dim .. first_dim + "
                             f"dims - 1 must lie in the Joe-Kuo table's 1..{MAX_DIM})")

    def derive(self):
        self.set_derived("period", 1 << self.width)
        self.set_derived("data_width", self.dims * self.width)

    @property
    def dimensions(self) -> tuple[int, ...]:
        """The 1-based Sobol dimensions of outputs 0 .. dims-1."""
        return tuple(range(self.first_dim, self.first_dim + self.dims))

    def directions(self) -> tuple[tuple[int, ...], ...]:
        """Per output: v_1 .. v_W (the direction-number ROM contents)."""
        return tuple(direction_numbers(d, self.width) for d in self.dimensions)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "first_dim":       # keep the bank inside the table
            hi = MAX_DIM - partial.dims + 1
            r = rng.random()
            return 1 if r < 0.3 else hi if r < 0.5 else rng.randint(1, hi)
        if f.name == "skip":            # 0, the wrap corner, just before the wrap, anywhere
            top = (1 << partial.width) - 1
            return rng.choice([0, 0, top, max(0, top - rng.randint(1, 200)),
                               rng.randint(0, top)])
        return super()._random_field(f, rng, partial)


def lowest_zero(i: int, width: int) -> int:
    """c(i): index of the lowest zero bit of i among bits 0..width-2, else width - 1."""
    c = 0
    while c < width - 1 and i >> c & 1:
        c += 1
    return c


def point(p: SobolParams, i: int) -> tuple[int, ...]:
    """x_i of every output (closed form: XOR of v_k over the set bits of the Gray code of i)."""
    g = (i ^ (i >> 1)) & ((1 << p.width) - 1)
    out = []
    for v in p.directions():
        x = 0
        for k in range(p.width):
            if g >> k & 1:
                x ^= v[k]
        out.append(x)
    return tuple(out)


def pack(p: SobolParams, xs) -> int:
    """tdata of one transfer: output j in bits [j*W + W-1 : j*W]."""
    return sum(int(x) << (j * p.width) for j, x in enumerate(xs))


def reset_state(p: SobolParams) -> tuple[int, tuple[int, ...]]:
    """The registers after reset: (index, x per output) = (skip, x_skip)."""
    return p.skip, point(p, p.skip)


def step(p: SobolParams, s: tuple[int, tuple[int, ...]]) -> tuple[tuple[int, tuple[int, ...]], int]:
    """One transfer on the registers s = (i, xs): returns (next registers, tdata = pack(xs)).

    The literal hardware rule: one XOR per output, x ^= v[c(i)], and i' = (i + 1) mod 2^W."""
    i, xs = s
    c = lowest_zero(i, p.width)
    nxt = tuple(x ^ v[c] for x, v in zip(xs, p.directions()))
    return ((i + 1) & ((1 << p.width) - 1), nxt), pack(p, xs)


def run(p: SobolParams, n: int, state: int | None = None) -> np.ndarray:
    """x_i for the n indices from ``state`` (default: skip), wrapping mod 2^W; uint64 (n, dims).

    Vectorised closed form (independent of the stepping in :func:`step`)."""
    i0 = p.skip if state is None else int(state)
    idx = (np.arange(n, dtype=np.uint64) + np.uint64(i0)) & np.uint64((1 << p.width) - 1)
    g = idx ^ (idx >> np.uint64(1))
    out = np.zeros((n, p.dims), dtype=np.uint64)
    for j, v in enumerate(p.directions()):
        for k in range(p.width):
            bit = (g >> np.uint64(k)) & np.uint64(1)
            out[:, j] ^= bit * np.uint64(v[k])
    return out


def numbers(p: SobolParams, n: int, state: int | None = None) -> tuple[np.ndarray, int]:
    """The next n outputs (uint64, shape (n, dims)) from index ``state`` (None: reset = skip), and
    the index after them.  A one-dimension SNG source takes column 0."""
    i0 = p.skip if state is None else int(state)
    return run(p, n, i0), (i0 + int(n)) % (1 << p.width)


def tdata(p: SobolParams, n: int, state: int | None = None) -> list[int]:
    """The first n tdata words (packed, Python ints: dims * W may exceed 64 bits)."""
    return [pack(p, row) for row in run(p, n, state)]

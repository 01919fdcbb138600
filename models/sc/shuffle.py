# SPDX-License-Identifier: Apache-2.0
"""Shuffle-buffer decorrelator: the bit-true specification of ``sc.shuffle``.

A buffer of D = ``depth`` bits (D a power of two, reset to all zeros) and an internal Galois
LFSR (``sc.lfsr``, ``lfsr_width`` bits, ``lfsr_taps``/``lfsr_seed``).  On each accepted beat t,
with s_t the current LFSR state:

    r_t      = s_t mod D                 (the low log2(D) bits of the state)
    y_t      = buf[r_t]                  (the output is the slot's old bit)
    buf[r_t] = x_t                       (the input takes its place)

and the LFSR advances once (one output beat per input beat).  The bit that leaves at beat t
entered at some earlier beat chosen by the LFSR, so the output is the input with its bits
randomly delayed (by 1 beat at least, geometrically distributed with mean D): positional
correlation with other streams is broken, while the ones are only moved, never made or lost.

Conservation (exact, for every input): after n beats from reset,

    sum_{t<n} y_t + ones(buf after beat n-1) = sum_{t<n} x_t + ones(buf at reset) = sum x_t

so over a stream the count of ones differs from the input's by at most D (the bits still
buffered), and the first outputs drain the reset zeros.

``lfsr_width`` must exceed log2(D): a maximal LFSR never visits state 0, so at
width = log2(D) slot 0 would never be chosen (and would freeze); at larger widths every slot is
chosen, slot 0 slightly less often (2^(w-k) - 1 times per period against 2^(w-k), k = log2 D).
The default LFSR is the reciprocal of ``sc.sng``'s default polynomial, seed 0xBEEF, so the slot
choice does not follow a default SNG's random numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.models.sc import sng
from neurohdl.models.sc.lfsr import MAX_WIDTH, MAXIMAL_TAPS, MIN_WIDTH, reciprocal_taps
from neurohdl.models.sc.regen import default_seed
from neurohdl.models.sc.sng import LfsrOwner, SngParams, seed_field, taps_field
from neurohdl.params import Params, pfield

MIN_DEPTH, MAX_DEPTH = 2, 64


@dataclass(frozen=True)
class ShuffleParams(LfsrOwner, Params):
    """y = buf[r]; buf[r] = x; r = LFSR state mod depth, the LFSR advancing once per beat."""

    LFSR = ("lfsr_width", "lfsr_taps", "lfsr_seed")

    depth: int = pfield(16, "buffer depth D in bits (a power of two)", lo=MIN_DEPTH,
                        hi=MAX_DEPTH)
    lfsr_width: int = pfield(16, "index LFSR width, bits (> log2 depth)",
                             lo=lambda p: max(MIN_WIDTH, int(p.depth).bit_length()),
                             hi=MAX_WIDTH)
    lfsr_taps: int | None = taps_field("lfsr_width", "LFSR toggle mask (maximal, bit width-1 "
                                       "set); None = the reciprocal of the built-in taps (not "
                                       "sc.sng's default)")
    lfsr_seed: int | None = seed_field("lfsr_width", "LFSR reset state (non-zero); None = "
                                       "0xBEEF reduced to the width")

    def check(self):
        if self.depth & (self.depth - 1):
            raise self.error("depth", self.depth, "a power of two "
                             f"{MIN_DEPTH}..{MAX_DEPTH} (2, 4, 8, 16, 32, 64)")

    def derive(self):
        w = self.lfsr_width
        self.resolve_lfsr(reciprocal_taps(MAXIMAL_TAPS[w], w), default_seed(w))
        self.set_derived("index_width", self.depth.bit_length() - 1)

    def sng(self) -> SngParams:
        return SngParams(width=self.lfsr_width, source="lfsr", lfsr_taps=self.lfsr_taps,
                         lfsr_seed=self.lfsr_seed)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "depth":   # a power of two, 2 and 64 often
            r = rng.random()
            return 2 if r < 0.2 else 64 if r < 0.4 else 1 << rng.randint(1, 6)
        return super()._random_field(f, rng, partial)


def slots(p: ShuffleParams, n: int, state=None) -> np.ndarray:
    """The slot indices r_t = s_t mod D of n beats, the LFSR starting at ``state`` (None: seed)."""
    s, _ = sng.numbers(p.sng(), n, state)
    return (s & np.uint64(p.depth - 1)).astype(np.int64)


def step(p: ShuffleParams, state, x: int) -> tuple[tuple[int, int], int]:
    """One accepted beat.  state = (LFSR state, buffer as an int, bit i = slot i), None = reset;
    returns (new state, output bit)."""
    s, buf = state if state is not None else (p.lfsr_seed, 0)
    r = s & (p.depth - 1)
    y = buf >> r & 1
    buf = (buf & ~(1 << r)) | ((int(x) & 1) << r)
    return ((s >> 1) ^ (p.lfsr_taps if s & 1 else 0), buf), y


def run(p: ShuffleParams, bits, state=None, return_state: bool = False):
    """Output bits (uint8) for the accepted input bits from ``state`` (None: reset).  With
    ``return_state`` also returns the state after them, as :func:`step` does."""
    x = (np.asarray(bits, dtype=np.uint8) & 1).tolist()
    n = len(x)
    s0, buf0 = state if state is not None else (p.lfsr_seed, 0)
    s_all, s_next = sng.numbers(p.sng(), n, s0)
    rs = (s_all & np.uint64(p.depth - 1)).tolist()
    buf = [(buf0 >> i) & 1 for i in range(p.depth)]
    y = [0] * n
    for t in range(n):
        r = rs[t]
        y[t] = buf[r]
        buf[r] = x[t]
    out = np.array(y, dtype=np.uint8)
    if return_state:
        return out, (int(s_next), sum(b << i for i, b in enumerate(buf)))
    return out

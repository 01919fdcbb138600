# SPDX-License-Identifier: Apache-2.0
"""Bitstream-to-binary counter: the bit-true specification of ``sc.decoder``.

The accepted input bits are cut into consecutive windows of ``length`` beats; at the end of each
window the number of ones in it is emitted:

    count_j = sum_{k=0}^{length-1} bit_{j*length + k}          (0 <= count_j <= length)

A trailing partial window produces nothing (until it is completed).  ``length = 1`` makes every
beat a window (count = bit).  The count port is ``count_width = bits_for(length)`` bits wide,
exactly enough for 0..length, so the count never overflows (arithmetic policy "exact").  The
unipolar estimate of the stream's probability is count / length.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.fixed import bits_for
from neurohdl.params import Params, pfield

MAX_LENGTH = 1 << 24


@dataclass(frozen=True)
class DecoderParams(Params):
    """count_j = ones in window j of ``length`` accepted beats."""

    length: int = pfield(256, "window length in accepted input beats", lo=1, hi=MAX_LENGTH,
                         rand=(1, 300))

    def derive(self):
        self.set_derived("count_width", bits_for(self.length))
        self.set_derived("index_width", bits_for(self.length - 1))


def step(p: DecoderParams, state: tuple[int, int], bit: int) -> tuple[tuple[int, int], int | None]:
    """One accepted beat.  state = (beat index in the window, ones so far); returns the new state
    and the count if this beat ends a window, else None."""
    idx, ones = state
    ones += int(bit) & 1
    if idx == p.length - 1:
        return (0, 0), ones
    return (idx + 1, ones), None


def run(p: DecoderParams, bits) -> np.ndarray:
    """Counts (uint32) of the complete windows of ``bits``; a trailing partial window is dropped."""
    b = np.asarray(bits, dtype=np.uint32) & 1
    n = len(b) // p.length
    return b[: n * p.length].reshape(n, p.length).sum(axis=1, dtype=np.uint32)

# SPDX-License-Identifier: Apache-2.0
"""Parallel counter (APC): the bit-true specification of ``sc.apc``.

Each accepted beat carries n stochastic bits (one per input stream, ``tdata[i]`` = stream i); the
output beat is the number of ones among them:

    count = sum_{i=0}^{n-1} tdata[i]          (0 <= count <= n)

exactly (no approximation), in ``count_width = bits_for(n)`` bits, so it cannot overflow.  Summed
over L consecutive beats (:func:`accumulate`) it is the SC multiply-accumulate of n AND-gate
products, sum_t sum_i x_i(t) w_i(t) ~ L sum_i P(x_i) P(w_i), in ``bits_for(n L)`` bits.

Hardware structure (no effect on values): a binary adder tree of ``depth = ceil(log2 n)`` levels
over exactly sized nodes, with a register after every ``pipeline`` levels and after the last
level; ``pipeline = 0`` registers only the last level.  Latency (cycles from an accepted input
beat to its output beat) is

    latency = 1                           if n == 1 or pipeline == 0
    latency = ceil(depth / pipeline)      otherwise    (default pipeline = 1: max(1, ceil(log2 n)))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import bitstream
from neurohdl.params import Params, pfield

MAX_N = 256
MAX_PIPELINE = 8      # = depth at n = 256; larger values would equal 0 (one stage)


def depth_of(n: int) -> int:
    """Adder-tree levels: ceil(log2 n) (0 for n = 1)."""
    return (n - 1).bit_length()


def registered_levels(n: int, pipeline: int) -> list[int]:
    """Tree levels followed by a register (level 0 = the inputs, registered only when n = 1)."""
    d = depth_of(n)
    if d == 0:
        return [0]
    if pipeline == 0:
        return [d]
    return [lv for lv in range(1, d + 1) if lv % pipeline == 0 or lv == d]


@dataclass(frozen=True)
class ApcParams(Params):
    """count = ones among the n bits of each beat; adder tree pipelined every `pipeline` levels."""

    n: int = pfield(16, "input bitstreams (bits per beat)", lo=1, hi=MAX_N, rand=(1, 40))
    pipeline: int = pfield(1, "adder-tree levels per register stage: 1 = a register after "
                           "every level (Fmax independent of n); k = every k levels; 0 = one "
                           "stage (only the output register)", lo=0, hi=MAX_PIPELINE,
                           rand=(0, 3))

    def derive(self):
        self.set_derived("count_width", bits_for(self.n))
        self.set_derived("depth", depth_of(self.n))
        self.set_derived("latency", len(registered_levels(self.n, self.pipeline)))


def step(p: ApcParams, state, tdata: int):
    """One accepted beat (tdata an int, bit i = stream i); the APC keeps no state between beats
    (state is None).  Returns (state, count)."""
    return state, bin(int(tdata) & ((1 << p.n) - 1)).count("1")


def run(p: ApcParams, bits) -> np.ndarray:
    """Counts (uint32) of beats given as 0/1 bits of shape (beats, n)."""
    b = np.asarray(bits)
    if b.ndim != 2 or b.shape[1] != p.n:
        raise ParamError(f"bits.shape = {b.shape}: allowed (beats, {p.n}) for ApcParams.n = "
                         f"{p.n}")
    words, _ = bitstream.pack(b)
    return np.asarray(bitstream.popcount(words), dtype=np.uint32).reshape(len(b))


def to_tdata(bits) -> list[int]:
    """s_bits tdata words (Python ints, bit i = stream i) of 0/1 bits of shape (beats, n)."""
    b = np.asarray(bits, dtype=np.uint8)
    weights = [1 << i for i in range(b.shape[1])]
    return [sum(w for w, x in zip(weights, row) if x) for row in b.tolist()]


def from_tdata(p: ApcParams, words) -> np.ndarray:
    """0/1 bits (uint8, shape (beats, n)) of s_bits tdata words."""
    return np.array([[(int(w) >> i) & 1 for i in range(p.n)] for w in words],
                    dtype=np.uint8).reshape(-1, p.n)


def run_tdata(p: ApcParams, words) -> np.ndarray:
    """Counts (uint32) of s_bits tdata words."""
    return np.array([step(p, None, w)[1] for w in words], dtype=np.uint32)


def accumulate(p: ApcParams, counts, length: int) -> np.ndarray:
    """SC MAC over windows: sums of ``length`` consecutive counts (uint64); a trailing partial
    window is dropped.  Each sum needs bits_for(n * length) bits."""
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ParamError(f"length = {length!r}: allowed an integer >= 1 (beats per window)")
    c = np.asarray(counts, dtype=np.uint64)
    k = len(c) // length
    return c[: k * length].reshape(k, length).sum(axis=1, dtype=np.uint64)


def mac_width(p: ApcParams, length: int) -> int:
    """Width of an accumulated count over ``length`` beats: bits_for(n * length)."""
    return bits_for(p.n * length)

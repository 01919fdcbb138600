# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the two-input SC gate models (private: ``sc.and_mul``, ``sc.xnor_mul``,
``sc.or_add``, ``sc.xor_absdiff``, ``sc.sub``, ``sc.mux_add``, ``sc.cordiv``).

Beats.  Every gate consumes one stream of 2-bit beats ``ab`` (a = bit 0, b = bit 1) and emits
one bit per beat; :func:`pack`/:func:`split` convert between beats and the two bit streams.

Stream relations.  What a gate computes depends on the correlation of its inputs (Alaghi &
Hayes, ICCD 2013): AND multiplies independent streams but gives min(pa, pb) for SCC = +1; XOR
gives |pa - pb| only at SCC = +1; OR gives min(1, pa + pb) only at SCC = -1.  :func:`streams`
builds LFSR + comparator streams (the ``sc.sng`` rule ``bit = r < x``) with each relation:

    "independent"  a and b from two different primitive polynomials (A's table taps and their
                   reciprocal): different sequences, SCC ~ 0 (docs/references.md §3: two
                   seeds of one polynomial are *not* enough, |SCC| ~ 0.36)
    "positive"     a and b from the same number r each beat: a = (r < xa), b = (r < xb), so
                   a <= b bitwise whenever xa <= xb: SCC = +1
    "negative"     a = (r < xa), b = (2^w - r < xb): the ones of b sit at the top of r's range,
                   those of a at the bottom, so they overlap only if they must: SCC = -1

:func:`scc` is the stochastic cross-correlation in the case-split form of docs/references.md §5.3.
Models never import MyHDL.
"""
from __future__ import annotations

import random as _random
from functools import lru_cache
from math import gcd

import numpy as np

from neurohdl.models.sc import sng
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, default_seed, reciprocal_taps
from neurohdl.models.sc.sng import SngParams

RELATIONS = ("independent", "positive", "negative")


def bits(x, what: str = "bits") -> np.ndarray:
    """x as a uint8 array of 0/1; anything else raises ValueError (no silent masking)."""
    b = np.asarray(x)
    if b.size and (not np.issubdtype(b.dtype, np.integer) and b.dtype != bool
                   or b.min() < 0 or b.max() > 1):
        raise ValueError(f"{what}: allowed 0/1 integers, got values {np.unique(b)[:8]}")
    return b.astype(np.uint8)


def pair(a_bits, b_bits) -> tuple[np.ndarray, np.ndarray]:
    a, b = bits(a_bits, "a_bits"), bits(b_bits, "b_bits")
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"a_bits, b_bits: allowed two 1-D arrays of equal length, got shapes "
                         f"{a.shape} and {b.shape}")
    return a, b


def pack(a_bits, b_bits) -> np.ndarray:
    """s_ab beats (uint8): a in bit 0, b in bit 1."""
    a, b = pair(a_bits, b_bits)
    return a | (b << 1)


def split(ab) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) bit arrays of s_ab beats."""
    ab = np.asarray(ab, dtype=np.int64)
    if ab.size and (ab.min() < 0 or ab.max() > 3):
        raise ValueError(f"ab: allowed 2-bit beats 0..3, got values {np.unique(ab)[:8]}")
    return (ab & 1).astype(np.uint8), (ab >> 1 & 1).astype(np.uint8)


def random_beats(rng: _random.Random, n: int) -> list[int]:
    """Stimulus beats: the four (a, b) combinations first, then segments of 4..40 beats whose
    own P(a), P(b) are drawn from {0, 0.1, 0.5, 0.9, 1, uniform}, so long runs of equal bits
    (e.g. b = 0 for a CORDIV hold) occur as well as balanced ones."""
    out = [0, 1, 2, 3]
    levels = [0.0, 0.1, 0.5, 0.9, 1.0]
    while len(out) < n:
        pa, pb = (rng.choice(levels) if rng.random() < 0.7 else rng.random() for _ in "ab")
        for _ in range(rng.randint(4, 40)):
            out.append(int(rng.random() < pa) | int(rng.random() < pb) << 1)
    return out[:n]


# ---------------------------------------------------------------- arithmetic harness -------

def sng_pair(relation: str, width: int = 12) -> tuple[SngParams, SngParams]:
    """The two comparator SNGs :func:`streams` uses (B is A for the correlated relations)."""
    if relation not in RELATIONS:
        raise ValueError(f"relation = {relation!r}: allowed one of {RELATIONS}")
    taps = MAXIMAL_TAPS[width]
    a = SngParams(width=width, lfsr_taps=taps, lfsr_seed=default_seed(width))
    if relation != "independent":
        return a, a
    return a, SngParams(width=width, lfsr_taps=reciprocal_taps(taps, width),
                        lfsr_seed=(0xBEEF & ((1 << width) - 1)) or 1)


@lru_cache(maxsize=32)
def _numbers(sp: SngParams, n: int, stride: int) -> np.ndarray:
    r = sng.numbers(sp, n * stride)[0][::stride]
    r.setflags(write=False)
    return r


def streams(xa: int, xb: int, n: int, relation: str, width: int = 12, stride: int = 1):
    """(a_bits, b_bits, pa, pb): n beats of comparator streams ``bit = r < x`` for the integer
    inputs xa, xb (0 .. 2^w - 1) with the given relation; pa, pb are the exact probabilities over
    one LFSR period, max(x - 1, 0) / (2^w - 1) (``sng.probability``).

    ``stride``: LFSR steps per beat (an unrolled LFSR).  1 is the plain ``sc.sng``.  Successive
    states of a shift register are strongly related (s' is s shifted by one), which a gate with
    memory (``sc.cordiv``'s hold) turns into bias; a stride of about w - 1 refreshes almost every
    bit per beat.  It must be coprime with the period 2^w - 1, or the decimated sequence repeats
    after (2^w - 1)/gcd states."""
    period = (1 << width) - 1
    if stride < 1 or gcd(stride, period) != 1:
        raise ValueError(f"stride = {stride}: allowed a positive integer coprime with the LFSR "
                         f"period {period}")
    sa, sb = sng_pair(relation, width)
    ra = _numbers(sa, n, stride)
    rb = _numbers(sb, n, stride) if relation == "independent" else ra
    if relation == "negative":   # 2^w - r runs over the same 1..2^w-1, reversed
        rb = np.uint64(1 << width) - ra
    a = (ra < np.uint64(xa)).astype(np.uint8)
    b = (rb < np.uint64(xb)).astype(np.uint8)
    return a, b, sng.probability(sa, xa), sng.probability(sb, xb)


def grid_counts(grid, n: int, relation: str, width: int = 12, stride: int = 1):
    """For every pair of thresholds (xa, xb) in ``grid`` at once: (n11, na, nb) with
    n11[i, j] = #{k < n: a_k = 1 and b_k = 1} for a = r_a < grid[i], b = r_b < grid[j] (the
    streams of :func:`streams`), na[i] = #ones of a, nb[j] = #ones of b.  Every two-input gate's
    count follows (AND n11, OR na + nb - n11, XNOR n - na - nb + 2 n11, ...), so a tolerance can
    be checked on all pairs of a grid without building the streams (a 2-D histogram of the
    random-number pairs, cumulated)."""
    g = np.asarray(grid, dtype=np.uint64)
    if g.ndim != 1 or np.any(np.diff(g.astype(np.int64)) <= 0):
        raise ValueError("grid: allowed a strictly increasing 1-D sequence of thresholds")
    ra = _numbers(sng_pair(relation, width)[0], n, stride)
    if relation == "independent":
        rb = _numbers(sng_pair(relation, width)[1], n, stride)
    else:
        rb = ra if relation == "positive" else np.uint64(1 << width) - ra
    # r < g[i]  <=>  i >= (number of thresholds <= r)
    ia = np.searchsorted(g, ra, side="right")
    ib = np.searchsorted(g, rb, side="right")
    m = len(g)
    h = np.zeros((m + 1, m + 1), dtype=np.int64)
    np.add.at(h, (ia, ib), 1)
    n11 = h.cumsum(axis=0).cumsum(axis=1)[:m, :m]
    na = np.bincount(ia, minlength=m + 1).cumsum()[:m]
    nb = np.bincount(ib, minlength=m + 1).cumsum()[:m]
    return n11, na, nb


def scc(a_bits, b_bits) -> float:
    """Stochastic cross-correlation (Alaghi & Hayes 2013), the case-split form: with
    n11 = #(1,1), n10, n01, n00 and N their sum,
    (n11 n00 - n10 n01) / (N min(n1., n.1) - n1. n.1)  if n11 n00 > n10 n01, else
    (n11 n00 - n10 n01) / (n1. n.1 - N max(n1. - n.0, 0)); 0 when the denominator is 0."""
    a, b = pair(a_bits, b_bits)
    a, b = a.astype(np.int64), b.astype(np.int64)
    n11 = int(np.sum(a & b))
    n10 = int(np.sum(a & (1 - b)))
    n01 = int(np.sum((1 - a) & b))
    n00 = len(a) - n11 - n10 - n01
    n, na, nb = len(a), n11 + n10, n11 + n01
    num = n11 * n00 - n10 * n01
    den = n * min(na, nb) - na * nb if num > 0 else na * nb - n * max(na + nb - n, 0)
    return 0.0 if den == 0 else num / den


def as_float(v):
    """A 0-d result as a Python float, arrays unchanged (the ``expected_probability`` return)."""
    v = np.asarray(v, dtype=np.float64)
    return float(v) if v.ndim == 0 else v

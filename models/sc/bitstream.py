# SPDX-License-Identifier: Apache-2.0
"""Packed stochastic bitstreams for models and tests (numpy only, no HDL).

Layout.  A stream of N bits is ``ceil(N / 64)`` little-endian ``uint64`` words:

    bit i of the stream = bit (i % 64) of word i // 64

and the tail bits N .. 64*ceil(N/64) - 1 of the last word are always 0.  Every function here
keeps that invariant, and every function that is told N refuses words that break it.  Arrays may
carry leading batch axes: ``words`` has shape ``(..., ceil(N/64))`` and stands for ``(..., N)``
bits.

Operations (unipolar, Alaghi & Hayes 2013; docs/references.md §5.3):

    and_(a, b)       P = P(a) P(b) for uncorrelated streams (multiply)
    or_(a, b)        P(a) + P(b) - P(a) P(b) (saturating add)
    xor_(a, b)       |P(a) - P(b)| at SCC = +1 (absolute difference; HDC bind)
    not_(a, n)       1 - P(a)
    mux(sel, a, b)   (a AND sel) OR (b AND NOT sel): sel = 1 takes a;
                     P = P(sel) P(a) + (1 - P(sel)) P(b), (P(a) + P(b))/2 at P(sel) = 1/2

Encoding: ``encode(values, randoms)`` is the comparator SNG, bit k = ``randoms[k] < value``
(strict, as ``sc.sng``).

Stochastic cross-correlation (Alaghi & Hayes, ICCD 2013), with the overlap counts
a = #11, b = #10, c = #01, d = #00 and N = a + b + c + d:

    SCC = (ad - bc) / (N min(a+b, a+c) - (a+b)(a+c))     if ad > bc
    SCC = (ad - bc) / ((a+b)(a+c) - N max(a-d, 0))       otherwise

in [-1, 1]: +1 for maximal overlap of the ones, -1 for minimal overlap, 0 for independent
streams.  **Zero denominator.**  The denominator is 0 exactly when one stream is constant (all 0s
or all 1s; in particular when N = 0); the numerator is then 0 too and SCC is *defined as 0*: a
constant stream is uncorrelated with anything.  The ``ad > bc`` branch never has a zero
denominator (a > 0 and d > 0 there).  Numerator and denominators are computed exactly in int64
(N <= MAX_SCC_N), then one float64 division.

Errors are :class:`neurohdl.ParamError` naming the argument, its value and what is allowed.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from neurohdl import ParamError

WORD = 64
MAX_SCC_N = (1 << 31) - 1     # int64 products N * N stay exact

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


# ------------------------------------------------------------------ validation ---------------

def _err(name: str, value, allowed: str) -> ParamError:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return ParamError(f"{name} = {text}: allowed {allowed}")


def _check_n(n, name: str = "n", hi: int | None = None) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise _err(name, n, "an integer >= 0" if hi is None else f"an integer 0..{hi}")
    n = int(n)
    if n < 0 or (hi is not None and n > hi):
        raise _err(name, n, ">= 0" if hi is None else f"0..{hi}")
    return n


def n_words(n: int) -> int:
    """Words holding n bits: ceil(n / 64)."""
    n = _check_n(n)
    return -(-n // WORD)


def tail_mask(n: int) -> np.uint64:
    """Mask of the valid bits of the last word (all ones when n is a multiple of 64)."""
    r = _check_n(n) % WORD
    return np.uint64(0xFFFFFFFFFFFFFFFF) if r == 0 else np.uint64((1 << r) - 1)


def _words(words, name: str, n: int | None = None) -> np.ndarray:
    """``words`` as a uint64 array with at least one axis; checks the word count and the tail
    when n is given."""
    w = np.asarray(words)
    if w.dtype == object or not (np.issubdtype(w.dtype, np.integer)):
        raise _err(name, words, "packed uint64 words (an integer array)")
    if w.dtype != np.uint64:
        if w.size and (w.min() < 0 or w.max() > 0xFFFFFFFFFFFFFFFF):
            raise _err(name, words, "packed uint64 words (each 0 .. 2^64 - 1)")
        w = w.astype(np.uint64)
    if w.ndim == 0:
        raise _err(name, words, "an array of packed words (at least one axis), not a scalar")
    if n is not None:
        need = n_words(n)
        if w.shape[-1] != need:
            raise _err(f"{name} (last axis {w.shape[-1]} words)", f"n={n}",
                       f"ceil(n / 64) = {need} words for n = {n}")
        if need and np.any(w[..., -1] & ~tail_mask(n)):
            raise _err(name, words, f"words whose bits beyond n = {n} are 0 (use mask_tail)")
    return w


def _same_shape(*named) -> None:
    (n0, w0), rest = named[0], named[1:]
    for name, w in rest:
        if w.shape != w0.shape:
            raise _err(f"{name}.shape", w.shape, f"the shape of {n0}, {w0.shape}")


# ------------------------------------------------------------------ pack / unpack ------------

def pack(bits) -> tuple[np.ndarray, int]:
    """Pack 0/1 values (bool or integer array, last axis = the stream) into (words, n)."""
    b = np.asarray(bits)
    if b.ndim == 0:
        raise _err("bits", bits, "a sequence of 0/1 values (at least one axis)")
    if b.dtype != np.bool_:
        if not np.issubdtype(b.dtype, np.integer) or b.dtype == object:
            raise _err("bits", bits, "0/1 values of a bool or integer dtype")
        if b.size and (b.min() < 0 or b.max() > 1):
            raise _err("bits", bits, "only the values 0 and 1")
        b = b.astype(np.bool_)
    n = b.shape[-1]
    nw = -(-n // WORD)
    pad = nw * WORD - n
    if pad:
        b = np.concatenate([b, np.zeros(b.shape[:-1] + (pad,), dtype=np.bool_)], axis=-1)
    by = np.packbits(b, axis=-1, bitorder="little")          # byte j bit k = bit 8j + k
    words = np.ascontiguousarray(by).view("<u8").astype(np.uint64)
    return words.reshape(b.shape[:-1] + (nw,)), n


def unpack(words, n: int) -> np.ndarray:
    """The n bits (uint8 0/1, shape (..., n)) of packed ``words``."""
    n = _check_n(n)
    w = _words(words, "words", n)
    by = np.ascontiguousarray(w.astype("<u8")).view(np.uint8)
    bits = np.unpackbits(by.reshape(w.shape[:-1] + (w.shape[-1] * 8,)), axis=-1,
                         bitorder="little")
    return bits[..., :n]


def mask_tail(words, n: int) -> np.ndarray:
    """A copy of ``words`` with the tail bits beyond n cleared (for words from elsewhere)."""
    n = _check_n(n)
    w = _words(words, "words").copy()
    if w.shape[-1] != n_words(n):
        raise _err(f"words (last axis {w.shape[-1]} words)", f"n={n}",
                   f"ceil(n / 64) = {n_words(n)} words for n = {n}")
    if w.shape[-1]:
        w[..., -1] &= tail_mask(n)
    return w


# ------------------------------------------------------------------ counting -----------------

def _popcount_swar(w: np.ndarray) -> np.ndarray:
    """Per-word popcount by the Wilkes-Wheeler-Gill SWAR reduction (numpy < 2 fallback)."""
    w = w - ((w >> np.uint64(1)) & _M1)
    w = (w & _M2) + ((w >> np.uint64(2)) & _M2)
    w = (w + (w >> np.uint64(4))) & _M4
    return ((w * _H01) >> np.uint64(56)).astype(np.uint8)


def popcount_words(words) -> np.ndarray:
    """Ones in each word (uint8, same shape)."""
    w = _words(words, "words")
    with np.errstate(over="ignore"):
        if hasattr(np, "bitwise_count"):
            return np.bitwise_count(w)
        return _popcount_swar(w)


def popcount(words):
    """Ones in each stream: the sum over the last axis (int64; a Python int for one stream)."""
    c = popcount_words(words).sum(axis=-1, dtype=np.int64)
    return int(c) if np.ndim(c) == 0 else c


def probability(words, n: int):
    """Unipolar value of each stream: ones / n (float64)."""
    n = _check_n(n)
    if n == 0:
        raise _err("n", 0, ">= 1 (the value of an empty stream is undefined)")
    c = popcount(_words(words, "words", n))
    return c / n


def scc_counts(a11, a10, a01, a00):
    """SCC from the four overlap counts (#11, #10, #01, #00); 0 where the denominator is 0.

    Integer arrays or ints, broadcast together; returns float64 (a Python float for scalars)."""
    args = []
    for name, v in (("a11", a11), ("a10", a10), ("a01", a01), ("a00", a00)):
        x = np.asarray(v)
        if x.dtype == object or not (np.issubdtype(x.dtype, np.integer) or x.dtype == np.bool_):
            raise _err(name, v, "integer counts >= 0")
        if x.size and (x.min() < 0 or x.max() > MAX_SCC_N):
            raise _err(name, v, f"counts 0..{MAX_SCC_N}")
        args.append(x.astype(np.int64))
    a, b, c, d = np.broadcast_arrays(*args)
    n = a + b + c + d
    if n.size and n.max() > MAX_SCC_N:
        raise _err("a11 + a10 + a01 + a00", int(n.max()), f"0..{MAX_SCC_N} (exact int64 products)")
    num = a * d - b * c
    pa, pb = a + b, a + c
    pos = num > 0
    den = np.where(pos, n * np.minimum(pa, pb) - pa * pb,
                   pa * pb - n * np.maximum(a - d, 0))
    out = np.zeros(num.shape, dtype=np.float64)
    nz = den != 0
    out[nz] = num[nz] / den[nz]
    return float(out) if out.ndim == 0 else out


def scc(a, b, n: int):
    """Stochastic cross-correlation of packed streams a and b of n bits (per stream of a batch).

    0 when either stream is constant (zero denominator; see the module text)."""
    n = _check_n(n, hi=MAX_SCC_N)
    wa, wb = _words(a, "a", n), _words(b, "b", n)
    _same_shape(("a", wa), ("b", wb))
    a11 = popcount(wa & wb)
    na, nb = popcount(wa), popcount(wb)
    return scc_counts(a11, np.asarray(na) - a11, np.asarray(nb) - a11,
                      n - np.asarray(na) - np.asarray(nb) + a11)


# ------------------------------------------------------------------ gates --------------------

def _pair(a, b, an="a", bn="b"):
    wa, wb = _words(a, an), _words(b, bn)
    _same_shape((an, wa), (bn, wb))
    return wa, wb


def and_(a, b) -> np.ndarray:
    """a AND b (unipolar multiply of uncorrelated streams)."""
    wa, wb = _pair(a, b)
    return wa & wb


def or_(a, b) -> np.ndarray:
    """a OR b."""
    wa, wb = _pair(a, b)
    return wa | wb


def xor_(a, b) -> np.ndarray:
    """a XOR b."""
    wa, wb = _pair(a, b)
    return wa ^ wb


def not_(a, n: int) -> np.ndarray:
    """NOT a over n bits (the tail stays 0)."""
    n = _check_n(n)
    w = _words(a, "a", n)
    out = ~w
    if out.shape[-1]:
        out[..., -1] &= tail_mask(n)
    return out


def mux(sel, a, b) -> np.ndarray:
    """(a AND sel) OR (b AND NOT sel): sel = 1 takes a.  Clean tails in a and b stay clean."""
    ws, wa = _pair(sel, a, "sel", "a")
    _, wb = _pair(sel, b, "sel", "b")
    return (wa & ws) | (wb & ~ws)


# ------------------------------------------------------------------ encoding -----------------

def encode(values, randoms) -> tuple[np.ndarray, int]:
    """Comparator encoding: bit k of stream j = ``randoms[..., k] < values[j]`` (strict), packed.

    ``values`` has shape S (scalar allowed), ``randoms`` shape (N,) (one source shared by every
    value) or S + (N,) (one source each).  Returns (words of shape S + (ceil(N/64),), N)."""
    v, r = np.asarray(values), np.asarray(randoms)
    for name, x, raw in (("values", v, values), ("randoms", r, randoms)):
        if x.dtype == object or not (np.issubdtype(x.dtype, np.integer)
                                     or np.issubdtype(x.dtype, np.floating)):
            raise _err(name, raw, "real numbers (an integer or float array)")
        if np.issubdtype(x.dtype, np.floating) and x.size and np.isnan(x).any():
            raise _err(name, raw, "real numbers, not NaN")
    if r.ndim == 0:
        raise _err("randoms", randoms, "a sequence of random numbers (at least one axis)")
    if r.ndim > 1 and r.shape[:-1] != v.shape:
        raise _err("randoms.shape", r.shape, f"(N,) or values.shape + (N,) = {v.shape} + (N,)")
    if np.issubdtype(v.dtype, np.integer) and np.issubdtype(r.dtype, np.integer):
        if v.dtype.kind != r.dtype.kind:   # mixed signedness: compare exactly in Python ints
            bits = np.asarray(r, dtype=object) < np.asarray(v, dtype=object)[..., None]
            return pack(bits.astype(np.bool_))
    return pack(r < v[..., None])


# ------------------------------------------------------------------ convenience --------------

@dataclass(frozen=True, eq=False)
class Bitstream:
    """A packed stream (words, n) with gate operators.

        x = Bitstream.from_bits([1, 0, 1, 1]); y = Bitstream.encode(0.5, rng.random(1000))
        (x & y).p, x.scc(y), ~x, Bitstream.mux(s, x, y)
    """

    words: np.ndarray
    n: int

    def __post_init__(self):
        n = _check_n(self.n)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "words", _words(self.words, "words", n))

    @classmethod
    def from_bits(cls, bits) -> "Bitstream":
        return cls(*pack(bits))

    @classmethod
    def encode(cls, values, randoms) -> "Bitstream":
        return cls(*encode(values, randoms))

    def bits(self) -> np.ndarray:
        return unpack(self.words, self.n)

    def __len__(self) -> int:
        return self.n

    @property
    def ones(self):
        return popcount(self.words)

    @property
    def p(self):
        return probability(self.words, self.n)

    def _other(self, o: "Bitstream", name: str = "other") -> np.ndarray:
        if not isinstance(o, Bitstream):
            raise _err(name, o, "a Bitstream")
        if o.n != self.n:
            raise _err(f"{name}.n", o.n, f"the same length as this stream, {self.n}")
        return o.words

    def __and__(self, o):
        return Bitstream(and_(self.words, self._other(o)), self.n)

    def __or__(self, o):
        return Bitstream(or_(self.words, self._other(o)), self.n)

    def __xor__(self, o):
        return Bitstream(xor_(self.words, self._other(o)), self.n)

    def __invert__(self):
        return Bitstream(not_(self.words, self.n), self.n)

    def __eq__(self, o):
        return (isinstance(o, Bitstream) and o.n == self.n
                and o.words.shape == self.words.shape and bool(np.all(o.words == self.words)))

    __hash__ = None

    def scc(self, o: "Bitstream"):
        return scc(self.words, self._other(o), self.n)

    @staticmethod
    def mux(sel: "Bitstream", a: "Bitstream", b: "Bitstream") -> "Bitstream":
        return Bitstream(mux(sel.words, sel._other(a, "a"), sel._other(b, "b")), sel.n)

    def __repr__(self):
        return f"Bitstream(n={self.n}, shape={self.words.shape[:-1]}, ones={self.ones})"


__all__ = ["WORD", "MAX_SCC_N", "n_words", "tail_mask", "pack", "unpack", "mask_tail",
           "popcount", "popcount_words", "probability", "scc", "scc_counts", "and_", "or_",
           "xor_", "not_", "mux", "encode", "Bitstream"]

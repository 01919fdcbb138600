# SPDX-License-Identifier: Apache-2.0
"""models/sc/bitstream.py: packing layout and tails, popcount, gates, comparator encoding and
SCC against plain-Python transcriptions written here."""
import random

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.sc import bitstream as bs
from neurohdl.models.sc import lfsr
from neurohdl.models.sc.bitstream import Bitstream
from neurohdl.models.sc.lfsr import LfsrParams

LENGTHS = [1, 2, 63, 64, 65, 127, 128, 129, 1000]
ALL = (1 << 64) - 1


def rand_bits(r: random.Random, n: int, p: float | None = None) -> list[int]:
    p = r.random() if p is None else p
    return [int(r.random() < p) for _ in range(n)]


def ref_words(bits: list[int]) -> list[int]:
    """Plain-Python packing: bit i -> bit i % 64 of word i // 64."""
    out = [0] * (-(-len(bits) // 64))
    for i, b in enumerate(bits):
        out[i // 64] |= b << (i % 64)
    return out


def ref_scc(x: list[int], y: list[int]) -> float:
    """Alaghi & Hayes 2013, transcribed from docs/references.md §5.3; 0 on a zero denominator."""
    a = sum(1 for p, q in zip(x, y) if p and q)
    b = sum(1 for p, q in zip(x, y) if p and not q)
    c = sum(1 for p, q in zip(x, y) if not p and q)
    d = sum(1 for p, q in zip(x, y) if not p and not q)
    n = a + b + c + d
    if a * d > b * c:
        den = n * min(a + b, a + c) - (a + b) * (a + c)
    else:
        den = (a + b) * (a + c) - n * max(a - d, 0)
    return 0.0 if den == 0 else (a * d - b * c) / den


# ------------------------------------------------------------------ layout -------------------

@pytest.mark.parametrize("n", LENGTHS)
def test_pack_layout_and_round_trip(n, seed):
    r = random.Random(seed)
    bits = rand_bits(r, n)
    words, m = bs.pack(bits)
    assert m == n and words.dtype == np.uint64 and words.shape == (bs.n_words(n),)
    assert [int(w) for w in words] == ref_words(bits)
    assert bs.unpack(words, n).tolist() == bits
    assert bs.pack(np.array(bits, dtype=bool))[0].tolist() == words.tolist()


def test_batch_round_trip(seed):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(3, 4, 130), dtype=np.uint8)
    words, n = bs.pack(bits)
    assert words.shape == (3, 4, 3) and n == 130
    assert np.array_equal(bs.unpack(words, n), bits)
    assert np.array_equal(bs.popcount(words), bits.sum(axis=-1))


@pytest.mark.parametrize("n", [1, 63, 64, 65, 128, 129])
def test_tails_stay_zero(n):
    ones, _ = bs.pack([1] * n)
    zeros, _ = bs.pack([0] * n)
    assert [int(w) for w in ones] == ref_words([1] * n)
    assert int(ones[-1]) == (ALL if n % 64 == 0 else (1 << (n % 64)) - 1)
    assert int(bs.tail_mask(n)) == int(ones[-1])
    assert bs.not_(zeros, n).tolist() == ones.tolist()
    assert bs.not_(ones, n).tolist() == zeros.tolist()
    assert bs.popcount(bs.not_(zeros, n)) == n
    dirty_sel = np.full_like(ones, ALL)                  # tail of sel is never looked at
    assert bs.mux(dirty_sel, ones, zeros).tolist() == ones.tolist()
    assert bs.mux(~dirty_sel, ones, zeros).tolist() == zeros.tolist()
    assert bs.mux(~dirty_sel, zeros, ones).tolist() == ones.tolist()
    for f in (bs.and_, bs.or_, bs.xor_):
        assert bs.popcount(f(ones, ones)) <= n and bs.popcount(f(ones, zeros)) <= n
    assert bs.probability(ones, n) == 1.0 and bs.probability(zeros, n) == 0.0


@pytest.mark.parametrize("n", [1, 65, 100])
def test_dirty_tail_refused_and_mask_tail(n):
    w, _ = bs.pack([1] * n)
    if n % 64 == 0:
        return
    dirty = w.copy()
    dirty[-1] |= np.uint64(1) << np.uint64(63)
    for call in (lambda: bs.unpack(dirty, n), lambda: bs.probability(dirty, n),
                 lambda: bs.scc(dirty, w, n), lambda: bs.not_(dirty, n),
                 lambda: Bitstream(dirty, n)):
        with pytest.raises(ParamError, match="beyond n"):
            call()
    assert bs.mask_tail(dirty, n).tolist() == w.tolist()


def test_empty_stream():
    w, n = bs.pack(np.zeros(0, dtype=np.uint8))
    assert n == 0 and w.shape == (0,) and bs.popcount(w) == 0
    assert bs.unpack(w, 0).shape == (0,) and bs.scc(w, w, 0) == 0.0
    with pytest.raises(ParamError, match=r"n = 0: allowed >= 1"):
        bs.probability(w, 0)


# ------------------------------------------------------------------ popcount -----------------

def test_popcount_matches_bin_count(seed):
    r = random.Random(seed)
    vals = [0, 1, ALL, 1 << 63, ALL - 1, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA]
    vals += [r.getrandbits(64) for _ in range(2000)]
    w = np.array(vals, dtype=np.uint64)
    want = [bin(v).count("1") for v in vals]
    assert bs.popcount_words(w).tolist() == want
    assert bs._popcount_swar(w).tolist() == want        # the numpy < 2 fallback
    assert bs.popcount(w) == sum(want)
    assert bs.popcount(w.reshape(-1, 1)).tolist() == want


def test_probability(seed):
    r = random.Random(seed)
    for n in LENGTHS:
        bits = rand_bits(r, n)
        assert bs.probability(bs.pack(bits)[0], n) == sum(bits) / n


# ------------------------------------------------------------------ gates --------------------

@pytest.mark.parametrize("n", [1, 64, 65, 300])
def test_gates_match_bitwise(n, seed):
    r = random.Random(seed)
    x, y, s = rand_bits(r, n), rand_bits(r, n), rand_bits(r, n)
    (wx, _), (wy, _), (ws, _) = bs.pack(x), bs.pack(y), bs.pack(s)
    u = lambda w: bs.unpack(w, n).tolist()  # noqa: E731
    assert u(bs.and_(wx, wy)) == [p & q for p, q in zip(x, y)]
    assert u(bs.or_(wx, wy)) == [p | q for p, q in zip(x, y)]
    assert u(bs.xor_(wx, wy)) == [p ^ q for p, q in zip(x, y)]
    assert u(bs.not_(wx, n)) == [1 - p for p in x]
    assert u(bs.mux(ws, wx, wy)) == [p if t else q for t, p, q in zip(s, x, y)]


def test_bitstream_class(seed):
    r = random.Random(seed)
    x = Bitstream.from_bits(rand_bits(r, 200))
    y = Bitstream.from_bits(rand_bits(r, 200))
    s = Bitstream.from_bits(rand_bits(r, 200))
    assert len(x) == 200 and x.ones == sum(x.bits().tolist()) and x.p == x.ones / 200
    assert (x & y).bits().tolist() == (x.bits() & y.bits()).tolist()
    assert (x | y) == Bitstream(bs.or_(x.words, y.words), 200)
    assert (x ^ y) == Bitstream(bs.xor_(x.words, y.words), 200)
    assert (~~x) == x and (~x).ones == 200 - x.ones
    assert Bitstream.mux(s, x, y) == Bitstream(bs.mux(s.words, x.words, y.words), 200)
    assert x.scc(x) == (1.0 if 0 < x.ones < 200 else 0.0)
    assert "n=200" in repr(x)
    with pytest.raises(ParamError, match=r"other.n = 10: allowed the same length as this"):
        x & Bitstream.from_bits([0] * 10)
    with pytest.raises(ParamError, match=r"other = 3: allowed a Bitstream"):
        x | 3


# ------------------------------------------------------------------ encode -------------------

def test_encode_is_strict_comparator(seed):
    r = random.Random(seed)
    randoms = [r.randrange(1 << 16) for _ in range(300)]
    for x in [0, 1, 2, 1 << 15, 65535, r.randrange(1 << 16)]:
        w, n = bs.encode(x, randoms)
        assert n == 300 and bs.unpack(w, n).tolist() == [int(v < x) for v in randoms]
    xs = np.array([0, 100, 40000, 65535])
    w, _ = bs.encode(xs, np.array(randoms, dtype=np.uint64))   # mixed signedness, exact
    assert w.shape == (4, 5)
    assert bs.unpack(w, 300).tolist() == [[int(v < x) for v in randoms] for x in xs]
    own = np.array([[r.random() for _ in range(70)] for _ in xs])
    w, _ = bs.encode(xs / 65536, own)                           # one source per value
    assert bs.unpack(w, 70).tolist() == [[int(v < x / 65536) for v in row]
                                         for x, row in zip(xs, own)]


def test_encode_with_lfsr_source_gives_sng_probability():
    """Over a full LFSR period the comparator gives exactly (x - 1) / (2^w - 1) ones."""
    p = LfsrParams(width=10)
    states = lfsr.run(p, (1 << 10) - 1)
    for x in (0, 1, 2, 513, 1023):
        w, n = bs.encode(x, states)
        assert bs.popcount(w) == max(x - 1, 0) and n == 1023


# ------------------------------------------------------------------ scc ----------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_scc_exhaustive_short_streams(n):
    """Every pair of streams of length n against the transcription; range [-1, 1]."""
    streams = [[(k >> i) & 1 for i in range(n)] for k in range(1 << n)]
    words = np.array([bs.pack(s)[0] for s in streams])
    xa, xb = np.repeat(words, len(streams), axis=0), np.tile(words, (len(streams), 1))
    got = bs.scc(xa, xb, n)
    want = [ref_scc(x, y) for x in streams for y in streams]
    assert got.shape == (len(want),) and np.allclose(got, want, rtol=0, atol=1e-15)
    assert got.min() >= -1.0 and got.max() <= 1.0


def test_scc_matches_transcription_random(seed):
    r = random.Random(seed)
    for _ in range(300):
        n = r.choice([1, 7, 63, 64, 65, r.randrange(1, 600)])
        x, y = rand_bits(r, n), rand_bits(r, n)
        if r.random() < 0.3:                         # correlated: share part of the stream
            y = [p if r.random() < 0.7 else q for p, q in zip(x, y)]
        if r.random() < 0.2:
            y = [1 - p if r.random() < 0.8 else q for p, q in zip(x, y)]
        assert bs.scc(bs.pack(x)[0], bs.pack(y)[0], n) == pytest.approx(ref_scc(x, y), abs=1e-15)


def test_zero_denominator_iff_constant_stream():
    """Over all count tuples with N <= 12: the denominator is 0 exactly when a stream is
    constant, the numerator is then 0 as well, and SCC is defined as 0."""
    for n in range(0, 13):
        for a in range(n + 1):
            for b in range(n + 1 - a):
                for c in range(n + 1 - a - b):
                    d = n - a - b - c
                    num = a * d - b * c
                    den = (n * min(a + b, a + c) - (a + b) * (a + c) if num > 0
                           else (a + b) * (a + c) - n * max(a - d, 0))
                    const = a + b in (0, n) or a + c in (0, n)
                    assert (den == 0) == const, (a, b, c, d)
                    if den == 0:
                        assert num == 0 and bs.scc_counts(a, b, c, d) == 0.0
                    else:
                        assert -1 <= num / den <= 1


@pytest.mark.parametrize("n", [1, 2, 64, 65, 1000])
def test_scc_known_cases(n, seed):
    r = random.Random(seed)
    x = rand_bits(r, n, 0.5)
    if n > 1:
        x[0], x[1] = 0, 1                          # not constant
    w, _ = bs.pack(x)
    comp = bs.not_(w, n)
    ones, zeros = bs.pack([1] * n)[0], bs.pack([0] * n)[0]
    if n > 1:
        assert bs.scc(w, w, n) == 1.0
        assert bs.scc(w, comp, n) == -1.0
    assert bs.scc(w, ones, n) == 0.0 and bs.scc(zeros, w, n) == 0.0
    assert bs.scc(ones, ones, n) == 0.0 and bs.scc(ones, zeros, n) == 0.0


def test_scc_independent_streams_near_zero(seed):
    rng = np.random.default_rng(seed)
    n = 1 << 16
    x = rng.random((8, n)) < rng.uniform(0.2, 0.8, (8, 1))   # SCC is noisy near p = 0, 1
    y = rng.random((8, n)) < rng.uniform(0.2, 0.8, (8, 1))
    s = bs.scc(bs.pack(x)[0], bs.pack(y)[0], n)
    assert s.shape == (8,) and np.all(np.abs(s) < 0.05), s


def test_scc_and_gate_extremes(seed):
    """Alaghi & Hayes ICCD 2013: AND gives min(pa, pb) at SCC = +1 and max(0, pa + pb - 1) at
    SCC = -1.  A shared random source gives +1, a source and its complement give -1."""
    rng = np.random.default_rng(seed)
    n = 4096
    u = rng.permutation(n)                         # every rank once: exact probabilities
    for pa, pb in [(0.25, 0.5), (0.75, 0.5), (0.5, 0.5), (0.875, 0.3125)]:
        xa, _ = bs.encode(pa * n, u)
        xb, _ = bs.encode(pb * n, u)
        xc, _ = bs.encode(pb * n, n - 1 - u)
        assert bs.scc(xa, xb, n) == 1.0
        assert bs.popcount(bs.and_(xa, xb)) == min(pa, pb) * n
        assert bs.scc(xa, xc, n) == -1.0
        assert bs.popcount(bs.and_(xa, xc)) == max(0.0, pa + pb - 1) * n


# ------------------------------------------------------------------ errors -------------------

@pytest.mark.parametrize("call, words", [
    (lambda: bs.pack([0, 2, 1]), ["bits = ", "only the values 0 and 1"]),
    (lambda: bs.pack([0.0, 1.0]), ["bits = ", "bool or integer"]),
    (lambda: bs.pack(1), ["bits = 1", "at least one axis"]),
    (lambda: bs.unpack(np.zeros(2, np.uint64), 65.0), ["n = 65.0", "an integer"]),
    (lambda: bs.unpack(np.zeros(2, np.uint64), -1), ["n = -1", ">= 0"]),
    (lambda: bs.unpack(np.zeros(2, np.uint64), True), ["n = True", "an integer"]),
    (lambda: bs.unpack(np.zeros(1, np.uint64), 65), ["words (last axis 1 words)", "2 words"]),
    (lambda: bs.unpack(np.zeros(2), 65), ["words = ", "integer array"]),
    (lambda: bs.popcount([1.5]), ["words = ", "integer array"]),
    (lambda: bs.popcount([-1]), ["words = ", "2^64 - 1"]),
    (lambda: bs.popcount(np.uint64(3)), ["words = ", "not a scalar"]),
    (lambda: bs.scc(np.zeros(1, np.uint64), np.zeros((2, 1), np.uint64), 5),
     ["b.shape = (2, 1)", "the shape of a"]),
    (lambda: bs.scc(np.zeros(1, np.uint64), np.zeros(1, np.uint64), 1 << 40),
     ["n = 1099511627776", "0..2147483647"]),
    (lambda: bs.and_(np.zeros(1, np.uint64), np.zeros(2, np.uint64)), ["b.shape = (2,)"]),
    (lambda: bs.mux(np.zeros(1, np.uint64), np.zeros(1, np.uint64), [[0]]), ["b.shape = (1, 1)"]),
    (lambda: bs.mux("x", np.zeros(1, np.uint64), np.zeros(1, np.uint64)), ["sel = 'x'"]),
    (lambda: bs.not_(np.zeros(1, np.uint64), 100), ["words for n = 100"]),
    (lambda: bs.encode(float("nan"), [1, 2]), ["values = nan", "not NaN"]),
    (lambda: bs.encode(1, 5), ["randoms = 5", "at least one axis"]),
    (lambda: bs.encode([1, 2], np.zeros((3, 4))), ["randoms.shape = (3, 4)", "(2,) + (N,)"]),
    (lambda: bs.encode(["a"], [1]), ["values = ", "real numbers"]),
    (lambda: bs.scc_counts(-1, 0, 0, 0), ["a11 = -1", "0.."]),
    (lambda: bs.scc_counts(0, 1.5, 0, 0), ["a10 = 1.5", "integer counts"]),
    (lambda: Bitstream(np.zeros(1, np.uint64), "8"), ["n = '8'", "an integer"]),
])
def test_bad_input_raises_param_error(call, words):
    with pytest.raises(ParamError) as e:
        call()
    for w in words:
        assert w in str(e.value), str(e.value)

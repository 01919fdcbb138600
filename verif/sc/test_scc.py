# SPDX-License-Identifier: Apache-2.0
"""sc.scc: converted Verilog vs the model over random window lengths (L = 1 included), with idle
and back-pressure on both streams; the SCC computed from the RTL's counts agrees with
bitstream.scc of the window's streams."""
import random

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import bitstream as bs
from neurohdl.models.sc import scc as model
from neurohdl.models.sc.scc import MAX_LENGTH, SccParams
from neurohdl.rtl.sc.scc import KINDS, window_bits
from neurohdl.verif.common.tb import GAP, StandardTests, bad_params_test, core_tests


def stimulus(p: SccParams, rng, n: int) -> list[tuple[int, int]]:
    """(a, b) bit pairs: one window of each correlation kind (b = a, b = NOT a, independent, a
    constant, partly shared), more random kinds, then a trailing partial window that must
    produce nothing."""
    a, b = [], []
    for j in range(max(len(KINDS), n // p.length)):
        wa, wb = window_bits(rng, p.length, KINDS[j] if j < len(KINDS) else rng.choice(KINDS))
        a += wa
        b += wb
    tail = rng.randrange(p.length)
    a += [rng.randint(0, 1) for _ in range(tail)]
    b += [rng.randint(0, 1) for _ in range(tail)]
    return list(zip(a, b))


def split(ab) -> tuple[np.ndarray, np.ndarray]:
    return np.array([x for x, _ in ab], dtype=int), np.array([y for _, y in ab], dtype=int)


def want(p: SccParams, ab) -> list[int]:
    return model.pack_counts(p, model.counts(p, *split(ab)))


def mutant(p: SccParams, ab):
    """A model that counts a OR b as n11."""
    a, b = split(ab)
    c = model.counts(p, a, b)
    orr = model.counts(p, a | b, a | b)[:, 0]
    return model.pack_counts(p, np.stack([c[:, 0], c[:, 1], orr], axis=1))


def scc_matches_bitstream(tb, ab, got):
    """The SCC from the RTL's counts equals bitstream.scc of each window's streams."""
    p, (a, b) = tb.p, split(ab)
    c = model.unpack_counts(p, got).astype(np.int64)
    rtl_scc = model.scc_from_counts(c[:, 0], c[:, 1], c[:, 2], p.length)
    windows, L = len(got), p.length
    wa = bs.pack(a[:windows * L].reshape(windows, L))[0]
    wb = bs.pack(b[:windows * L].reshape(windows, L))[0]
    assert np.array_equal(np.atleast_1d(rtl_scc), np.atleast_1d(bs.scc(wa, wb, L))), p


# 300 input beats a run (at least one window of each kind); a reset somewhere inside the third
# window discards the partial counts (the next window starts from beat 0)
TESTS = StandardTests(model=want, stimulus=stimulus, mutant=mutant, check=scc_matches_bitstream,
                      encode=lambda p, ab: model.pack_beat(*split(ab)).tolist(),
                      n=300, reset_n=300, reset_before=2, into=lambda p: 1 + p.length // 3,
                      reset_after=None, gap=lambda p: 5 * p.length + GAP, ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_clears_window = TESTS.reset_mid_stream("reset_clears_window")
scoreboard_must_fail = TESTS.must_fail()


# with m_counts stalled, the next window fills up to (not including) its last beat
pending_result_does_not_block_filling = TESTS.stall_fill(
    "pending_result_does_not_block_filling", accepted=lambda p: 2 * p.length - 1,
    cycles=lambda p: 2 * p.length + 10,
    stimulus=lambda p, rng: list(zip([1] * (2 * p.length), [0, 1] * p.length)),
    doc="With m_counts stalled, the next window fills up to (not including) its last beat.")


# ---------------------------------------------------------------- pytest side -------------

# configuration 0: the brief's corner, every beat a window
test_scc, test_scc_verilator = core_tests("sc.scc", pins={0: {"length": 1}})


@pytest.mark.parametrize("length", [1, 2, 3, 7, 64, 255, 256, 257])
def test_counts_match_python(length, seed):
    """Model vs plain Python sums over consecutive windows; partial tail dropped; step agrees."""
    r = random.Random(seed)
    n = 5 * length + length // 2
    a = [int(r.random() < 0.5) for _ in range(n)]
    b = [x if r.random() < 0.5 else int(r.random() < 0.3) for x in a]
    p = SccParams(length=length)
    ref = [[sum(a[i:i + length]), sum(b[i:i + length]),
            sum(x & y for x, y in zip(a[i:i + length], b[i:i + length]))]
           for i in range(0, n - length + 1, length)]
    beats = model.pack_beat(a, b)
    assert beats.tolist() == [x | y << 1 for x, y in zip(a, b)]
    assert model.counts(p, a, b).tolist() == ref and model.run(p, beats).tolist() == ref
    state, out = None, []
    for t in beats:
        state, c = model.step(p, state, int(t))
        if c is not None:
            out.append(list(c))
    assert out == ref
    words = model.pack_counts(p, ref)
    w = p.count_width
    assert words == [c11 << 2 * w | cb << w | ca for ca, cb, c11 in ref]
    assert model.unpack_counts(p, words).tolist() == ref


def _ref_scc(x, y):
    """Alaghi & Hayes 2013 as transcribed in docs/references.md §5.3; 0 on a zero denominator."""
    a = sum(p & q for p, q in zip(x, y))
    b = sum(p & (1 - q) for p, q in zip(x, y))
    c = sum((1 - p) & q for p, q in zip(x, y))
    d = len(x) - a - b - c
    if a * d > b * c:
        den = len(x) * min(a + b, a + c) - (a + b) * (a + c)
    else:
        den = (a + b) * (a + c) - len(x) * max(a - d, 0)
    return 0.0 if den == 0 else (a * d - b * c) / den


@pytest.mark.parametrize("length", [1, 2, 5, 64, 65, 256])
def test_scc_from_counts_agrees_with_bitstream(length, seed):
    """scc_from_counts(na, nb, n11, L) == bitstream.scc of the same window == the transcription,
    for every kind of window (L = 1 included: always 0, a 1-beat stream is constant)."""
    r = random.Random(seed)
    p = SccParams(length=length)
    a, b = [], []
    for j in range(40):
        wa, wb = window_bits(r, length, KINDS[j % len(KINDS)])
        a += wa
        b += wb
    c = model.counts(p, a, b).astype(np.int64)
    got = model.scc_from_counts(c[:, 0], c[:, 1], c[:, 2], length)
    wa = bs.pack(np.array(a).reshape(-1, length))[0]
    wb = bs.pack(np.array(b).reshape(-1, length))[0]
    assert np.array_equal(got, bs.scc(wa, wb, length))
    assert np.allclose(got, [_ref_scc(a[i:i + length], b[i:i + length])
                             for i in range(0, len(a), length)], rtol=0, atol=1e-15)
    assert np.array_equal(model.run_scc(p, model.pack_beat(a, b)), got)
    if length == 1:
        assert not got.any()
    for j, kind in enumerate(KINDS * 8):
        na, nb = int(c[j, 0]), int(c[j, 1])
        if kind == "same" and 0 < na < length:
            assert got[j] == 1.0
        if kind == "comp" and 0 < na < length:
            assert got[j] == -1.0
        if kind == "const" or na in (0, length) or nb in (0, length):
            assert got[j] == 0.0


def test_scc_from_counts_scalars_and_errors():
    assert model.scc_from_counts(3, 3, 3, 6) == 1.0 and model.scc_from_counts(3, 3, 0, 6) == -1.0
    assert model.scc_from_counts(0, 0, 0, 0) == 0.0 and model.scc_from_counts(5, 2, 2, 5) == 0.0
    for args in [(2, 3, 3, 8), (5, 5, 1, 8), (1, 1, -1, 4)]:
        with pytest.raises(ParamError, match=r"\(na, nb, n11, length\) = .*: allowed 0 <= n11"):
            model.scc_from_counts(*args)
    with pytest.raises(ParamError, match=r"at index \(1,\)"):
        model.scc_from_counts([1, 4], [1, 1], [1, 1], 3)
    with pytest.raises(ParamError, match=r"na = 1.5: allowed integer counts"):
        model.scc_from_counts(1.5, 1, 1, 3)
    with pytest.raises(ParamError, match=r"b.shape = \(3,\): allowed the shape of a, \(2,\)"):
        model.counts(SccParams(length=2), [0, 1], [0, 1, 1])


@pytest.mark.parametrize("length", [1, 2, 3, 4, 255, 256, 257, 1 << 20])
def test_count_width_holds_length(length):
    """Each field is bits_for(L) wide: an all-ones window (na = nb = n11 = L) fits."""
    p = SccParams(length=length)
    assert p.count_width == bits_for(length) and p.tdata_width == 3 * p.count_width
    assert p.index_width == max(1, (length - 1).bit_length())
    if length <= 300:
        ones = [1] * (2 * length)
        assert model.counts(p, ones, ones).tolist() == [[length] * 3] * 2
        assert model.pack_counts(p, [[length] * 3])[0] < (1 << p.tdata_width)


def test_random_configs_cover_corners():
    lengths = {SccParams.random(random.Random(s)).length for s in range(200)}
    assert 1 in lengths and 40 in lengths and max(lengths) <= 40


test_bad_params_raise = bad_params_test(SccParams, [
    ({"length": 0}, ["SccParams.length = 0", "1..1048576"]),
    ({"length": MAX_LENGTH + 1}, ["SccParams.length = 1048577", "1..1048576"]),
    ({"length": 2.5}, ["SccParams.length = 2.5", "an integer"]),
    ({"length": True}, ["SccParams.length = True", "an integer"]),
])

# SPDX-License-Identifier: Apache-2.0
"""sc.sobol: converted Verilog vs the model, over random configurations, with back-pressure; the
model against scipy's Sobol (Joe-Kuo, unscrambled, Gray-code order) for every dimension."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import joe_kuo
from neurohdl.models.sc import sobol as model
from neurohdl.models.sc.sobol import SobolParams
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests


# N = 600 > 2^W for W <= 9: the wrap is in every run at small widths (and skip corners); a reset
# in mid-stream (with m_rnd held off) returns index and registers to skip / x_skip; must-fail:
# a model one index ahead (x_{i+1} != x_i always)
TESTS = StandardTests(
    model=model.tdata, n=600, reset_before=50, quiet_in_reset=True,
    mutant=lambda p, n: model.tdata(p.replace(skip=(p.skip + 1) % (1 << p.width)), n))
stream_matches_model = TESTS.model_match()
reset_restarts_sequence = TESTS.reset_mid_stream("reset_restarts_sequence")


def gray_full(p: SobolParams) -> list[int]:
    """The index whose Gray code has every bit set (0b1010...: by then each direction number
    has been XORed in an odd number of times, so a lost or damaged one shows), of W bits, at
    most 16 (43690 cycles, about a second)."""
    w = min(p.width, 16)
    k, mask = (1 << w) - 1, ((1 << w) - 1) >> 1
    while mask:                     # the inverse Gray code of all ones
        k, mask = k ^ mask, mask >> 1
    return [k]


every_direction_number = TESTS.far_output("every_direction_number", gray_full)
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_sobol, test_sobol_verilator = core_tests("sc.sobol")


def test_sobol_wide_bank_wraps(seed, tmp_path):
    """A 32-bit, 3-dimension bank at the end of the table, starting 100 points before the wrap:
    every cocotb test of the run crosses it (the random configurations hit it only often)."""
    p = SobolParams(width=32, dims=3, first_dim=joe_kuo.MAX_DIM - 2, skip=(1 << 32) - 100)
    check_core("sc.sobol", seed, tmp_path, p=p)


def _scipy_ints(d: int, width: int, n_log2: int, skip: int = 0) -> np.ndarray:
    """scipy's unscrambled Sobol points scaled by 2^W (scipy's bits >= W: the first 2^W points
    of a B-bit generator are the W-bit points shifted left by B - W, so the scaling is exact)."""
    qmc = pytest.importorskip("scipy.stats.qmc")
    eng = qmc.Sobol(d, scramble=False, bits=max(width, 30))
    if skip:
        eng.fast_forward(skip)
    pts = eng.random_base2(n_log2) if not skip else eng.random(1 << n_log2)
    ints = pts * float(1 << width)
    assert (ints == np.round(ints)).all()
    return ints.astype(np.uint64)


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 12, 16, 24, 31, 32])
def test_matches_scipy_every_dimension(width):
    """First 2^k points (k = min(W, 12)) of every table dimension, in order (scipy also steps
    in Gray-code order from x_0 = 0, so the match is exact, not as sets)."""
    k = min(width, 12)
    ours = model.run(SobolParams(width=width, dims=joe_kuo.MAX_DIM), 1 << k)
    assert (ours == _scipy_ints(joe_kuo.MAX_DIM, width, k)).all()


@pytest.mark.parametrize("first_dim, dims, skip", [(1, 1, 1000), (5, 4, 12345), (30, 3, 65000)])
def test_skip_matches_scipy_fast_forward(first_dim, dims, skip):
    ref = _scipy_ints(first_dim + dims - 1, 16, 8, skip)[:, first_dim - 1:]
    assert (model.run(SobolParams(dims=dims, first_dim=first_dim, skip=skip), 256) == ref).all()


def test_default_sequence_matches_scope():
    """Dimension 1, W = 16: the sequence derived independently in docs/references.md §5.2."""
    got = model.run(SobolParams(), 9)[:, 0].tolist()
    assert got == [0, 32768, 49152, 16384, 24576, 57344, 40960, 8192, 12288]


@pytest.mark.parametrize("width", [1, 2, 3, 4, 7, 10])
def test_one_xor_stepping_equals_closed_form_through_wraps(width):
    """step() (the hardware's x ^= v[c(i)]) = run() (closed form over the Gray code) across
    three wraps, for random banks; at every wrap x returns to 0."""
    rng = random.Random(width)
    n = 3 * (1 << width) + 5
    for _ in range(4):
        p = SobolParams.random(rng, width=width)
        s, got = model.reset_state(p), []
        for _ in range(n):
            s, t = model.step(p, s)
            got.append(t)
        assert got == model.tdata(p, n), p
        assert (model.run(p, 1, 0) == 0).all()                       # index 0 -> x = 0
        rows = model.run(p, n)
        per = 1 << width
        assert (rows[per:] == rows[:-per]).all()                     # period 2^W


@pytest.mark.parametrize("width", [1, 4, 9, 12])
def test_period_is_a_permutation_and_nets(width):
    """Each dimension's 2^W points are every W-bit value once; every prefix of 2^k points has
    distinct top k bits (the (0, k, 1)-net property of Sobol projections)."""
    p = SobolParams(width=width, dims=joe_kuo.MAX_DIM)
    rows = model.run(p, 1 << width)
    for j in range(p.dims):
        col = rows[:, j]
        assert sorted(col.tolist()) == list(range(1 << width))
        for k in range(1, width + 1):
            top = col[: 1 << k] >> np.uint64(width - k)
            assert len(set(top.tolist())) == 1 << k


def test_lowest_zero_brute_force():
    for w in (1, 2, 5, 8):
        for i in range(1 << w):
            bits = format(i, f"0{w}b")[::-1]
            want = bits.index("0") if "0" in bits[: w - 1] else w - 1
            assert model.lowest_zero(i, w) == want


def test_joe_kuo_rows_match_scipy_data():
    """Transcription check: every row against scipy's copy of new-joe-kuo-6.21201
    (poly = 2^s + 2a + 1, vinit = m_1 .. m_s)."""
    import os
    st = pytest.importorskip("scipy.stats")
    path = os.path.join(os.path.dirname(st.__file__), "_sobol_direction_numbers.npz")
    if not os.path.exists(path):
        pytest.skip("scipy's direction-number file not present")
    data = np.load(path)
    for d, (s, a, m) in joe_kuo.ROWS.items():
        assert int(data["poly"][d - 1]) == (1 << s) | (a << 1) | 1, d
        assert data["vinit"][d - 1][: max(s, 1)].tolist() == (list(m) or [1]), d


def test_joe_kuo_rows_well_formed():
    assert sorted(joe_kuo.ROWS) == list(range(1, joe_kuo.MAX_DIM + 1)) and joe_kuo.MAX_DIM >= 16
    for d, (s, a, m) in joe_kuo.ROWS.items():
        assert len(m) == s and a < 1 << max(s - 1, 0)
        assert all(mi % 2 == 1 and mi < 1 << i for i, mi in enumerate(m, 1))
        ms = joe_kuo.m_values(d, 32)
        assert all(mi % 2 == 1 and mi < 1 << i for i, mi in enumerate(ms, 1)), d
    assert joe_kuo.direction_numbers(1, 16)[:3] == (1 << 15, 1 << 14, 1 << 13)


def test_numbers_chain_and_wrap():
    p = SobolParams(width=6, dims=2, first_dim=7, skip=50)
    a, s = model.numbers(p, 20)
    b, s2 = model.numbers(p, 30, s)
    assert s == 6 and s2 == 36                                       # (50 + 20) mod 64
    assert (np.concatenate([a, b]) == model.run(p, 50)).all()
    assert model.tdata(p, 1) == [model.pack(p, model.point(p, 50))]


test_bad_params_raise = bad_params_test(SobolParams, [
    ({"dims": 0}, ["SobolParams.dims = 0", "1..32"]),
    ({"dims": 33}, ["SobolParams.dims = 33", "1..32"]),
    ({"first_dim": 30, "dims": 5}, ["SobolParams.dims = 5", "1..3", "first_dim = 30", "1..32"]),
    ({"first_dim": 33}, ["SobolParams.first_dim = 33", "1..32"]),
    ({"width": 0}, ["SobolParams.width = 0", "1..32"]),
    ({"width": 33}, ["SobolParams.width = 33", "1..32"]),
    ({"width": 8, "skip": 256}, ["SobolParams.skip = 256", "0..255"]),
    ({"skip": -1}, ["SobolParams.skip = -1", "0..65535"]),
])


def test_random_configs_are_legal_and_cover_corners():
    rng = random.Random(7)
    ps = [SobolParams.random(rng) for _ in range(300)]
    assert {1, 32} <= {p.width for p in ps}
    assert any(p.skip == (1 << p.width) - 1 for p in ps) and any(p.skip == 0 for p in ps)
    assert any(p.first_dim + p.dims - 1 == joe_kuo.MAX_DIM for p in ps)
    assert max(p.dims for p in ps) <= 4

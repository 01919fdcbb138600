# SPDX-License-Identifier: Apache-2.0
"""sc.halton: converted Verilog vs the model, over random configurations, with back-pressure; the
base-b model against scipy's Halton and an exact plain-Python radical inverse."""
import random
from fractions import Fraction

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.sc import halton as model
from neurohdl.models.sc import sobol
from neurohdl.models.sc.halton import HaltonParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests


# N = 600 > 2^W for W <= 9: the wrap is in every run at small widths (and skip corners); a reset
# in mid-stream (with m_rnd held off) returns the counter to skip; must-fail: a model one index
# ahead (rev is a bijection)
TESTS = StandardTests(
    model=model.run, n=600, reset_before=50, quiet_in_reset=True,
    mutant=lambda p, n: model.run(p.replace(skip=(p.skip + 1) % (1 << p.width)), n))
stream_matches_model = TESTS.model_match()
reset_restarts_sequence = TESTS.reset_mid_stream("reset_restarts_sequence")
# output 2^W - 1 (every counter bit set: every output bit 1 for skip 0), then the wrap; at most
# output 2^16 - 1 (65536 cycles, under a second)
last_of_period = TESTS.far_output("last_of_period", lambda p: [(1 << min(p.width, 16)) - 1])
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_halton, test_halton_verilator = core_tests("sc.halton")


def _rev(i: int, w: int) -> int:
    """Independent bit reversal (loop over bits)."""
    r = 0
    for k in range(w):
        r |= (i >> k & 1) << (w - 1 - k)
    return r


def _radical_inverse_exact(i: int, b: int) -> Fraction:
    """phi_b(i) = sum_k d_k b^-(k+1), exactly (independent of the model)."""
    out, scale = Fraction(0), Fraction(1, b)
    while i:
        i, d = divmod(i, b)
        out += d * scale
        scale /= b
    return out


def test_default_sequence():
    got = model.run(HaltonParams(), 8).tolist()
    assert got == [0, 32768, 16384, 49152, 8192, 40960, 24576, 57344]


@pytest.mark.parametrize("width", [1, 2, 3, 8, 13, 16, 32])
def test_base2_is_bit_reversed_counter_through_wrap(width):
    """tdata = rev_W(i mod 2^W) from skip; at the wrap the output returns to 0."""
    rng = random.Random(width)
    for skip in {0, (1 << width) - 1, rng.randrange(1 << width)}:
        p = HaltonParams(width=width, skip=skip)
        n = min(3 * (1 << width) + 3, 3000)
        want = [_rev((skip + k) % (1 << width), width) for k in range(n)]
        assert model.run(p, n).tolist() == want
        i, got = p.skip, []
        for _ in range(n):
            i, t = model.step(p, i)
            got.append(t)
        assert got == want


def test_run_is_periodic():
    p = HaltonParams(width=6, skip=17)
    rows = model.run(p, 64 * 3)
    assert (rows[64:] == rows[:-64]).all() and sorted(rows[:64].tolist()) == list(range(64))


@pytest.mark.parametrize("base, digits", [(2, 16), (3, 10), (5, 7)])
def test_radical_inverse_matches_scipy_halton(base, digits):
    """scipy.stats.qmc.Halton(3, scramble=False) column j is phi_{2,3,5}(i) for i = 0, 1, ...
    as float64.  For i < b^D, phi_b(i) * b^D is exactly our D-digit integer; scipy's float
    carries a rounding error < 1e-9 after scaling, so it is compared after rounding to the
    nearest integer (and exactly against a Fraction-based radical inverse)."""
    qmc = pytest.importorskip("scipy.stats.qmc")
    n = 4000
    col = {2: 0, 3: 1, 5: 2}[base]
    ref = qmc.Halton(3, scramble=False).random(n)[:, col] * float(base ** digits)
    assert np.abs(ref - np.round(ref)).max() < 1e-6
    ours = model.sequence(n, base, digits)
    assert (ours == np.round(ref).astype(np.uint64)).all()
    exact = [_radical_inverse_exact(i, base) * base ** digits for i in range(n)]
    assert all(e.denominator == 1 for e in exact)
    assert ours.tolist() == [int(e) for e in exact]
    assert [model.radical_inverse(i, base, digits) for i in range(0, n, 37)] == ours[::37].tolist()


def test_sequence_skip_and_digit_wrap():
    assert model.sequence(5, 3, 2, skip=7).tolist() == [
        model.radical_inverse(i, 3, 2) for i in (7, 8, 0, 1, 2)]
    assert model.radical_inverse(9 + 5, 3, 2) == model.radical_inverse(5, 3, 2)


@pytest.mark.parametrize("k", range(0, 11))
def test_same_points_as_sobol_dimension_1(k):
    """Base-2 van der Corput and Sobol dimension 1 give the same set on every aligned block of
    2^k points (natural vs Gray-code order)."""
    h = model.run(HaltonParams(width=12), 1 << k)
    s = sobol.run(sobol.SobolParams(width=12), 1 << k)[:, 0]
    assert sorted(h.tolist()) == sorted(s.tolist())


def test_numbers_chain():
    p = HaltonParams(width=5, skip=20)
    a, s = model.numbers(p, 10)
    b, s2 = model.numbers(p, 40, s)
    assert s == 30 and s2 == (30 + 40) % 32
    assert (np.concatenate([a, b]) == model.run(p, 50)).all()


test_bad_params_raise = bad_params_test(HaltonParams, [
    ({"base": 3}, ["HaltonParams.base = 3", "RTL supports base 2 only"]),
    ({"base": 5}, ["HaltonParams.base = 5", "allowed 2"]),
    ({"width": 0}, ["HaltonParams.width = 0", "1..32"]),
    ({"width": 33}, ["HaltonParams.width = 33", "1..32"]),
    ({"width": 8, "skip": 256}, ["HaltonParams.skip = 256", "0..255"]),
    ({"skip": -1}, ["HaltonParams.skip = -1", "0..65535"]),
])


@pytest.mark.parametrize("b, d, word", [(4, 3, "base = 4"), (1, 3, "base = 1"), (2, 0, "digits = 0"),
                                        (3, 100, "digits = 100")])
def test_radical_inverse_rejects_bad_base_or_digits(b, d, word):
    with pytest.raises(ParamError, match=word):
        model.radical_inverse(1, b, d)


def test_random_configs_cover_corners():
    rng = random.Random(3)
    ps = [HaltonParams.random(rng) for _ in range(300)]
    assert {1, 32} <= {p.width for p in ps} and {p.base for p in ps} == {2}
    assert any(p.skip == (1 << p.width) - 1 for p in ps)

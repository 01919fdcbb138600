# SPDX-License-Identifier: Apache-2.0
"""sc.mux_add: converted Verilog vs the model with idle and back-pressure on both streams (the
select must advance once per accepted beat, never while stalled); the model against a
plain-Python re-derivation; the scaled addition at N = 4096."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import mux_add as model
from neurohdl.models.sc.mux_add import MuxAddParams
from neurohdl.verif.common.tb import bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import N


def _inverted_select(p, beats):
    a, b = gm.split(beats)
    return np.where(model.select_bits(p, len(beats)) ^ 1, b, a)


# must-fail: the select inverted: every beat with a != b differs, beats 1 and 2 among them
stream_matches_model, full_throughput, reset_mid_stream, scoreboard_must_fail = \
    gates.cocotb_tests(model, mutant=_inverted_select)


# ---------------------------------------------------------------- pytest side -------------

test_mux_add, test_mux_add_verilator = core_tests("sc.mux_add")


def _reference(p: MuxAddParams, beats):
    """Plain Python: a T flip-flop or the LFSR recurrence s' = (s >> 1) ^ (taps if s & 1),
    select = bit w-1, advanced once per beat; y = b if sel else a."""
    s = 0 if p.select == "toggle" else p.select_seed
    out = []
    for ab in beats:
        sel = s if p.select == "toggle" else s >> (p.select_width - 1) & 1
        out.append((ab >> 1 & 1) if sel else (ab & 1))
        if p.select == "toggle":
            s ^= 1
        else:
            s = (s >> 1) ^ (p.select_taps if s & 1 else 0)
    return out


@pytest.mark.parametrize("i", range(6))
def test_model_matches_reference(i, seed):
    """run, run_beats and step against the plain-Python re-derivation, random configurations;
    select_bits continues from the state step leaves."""
    p = MuxAddParams.random(random.Random(seed))
    beats = gm.random_beats(random.Random(seed + 1), 700)
    want = _reference(p, beats)
    a, b = gm.split(beats)
    assert model.run(p, a, b).tolist() == want, p
    assert model.run_beats(p, beats).tolist() == want
    state, got = None, []
    for ab in beats:
        state, y = model.step(p, state, ab)
        got.append(y)
    assert got == want
    # select_bits from a mid-stream state continues the sequence
    assert model.select_bits(p, 50, state).tolist() == \
        model.select_bits(p, len(beats) + 50)[len(beats):].tolist()


def test_toggle_starts_at_zero():
    p = MuxAddParams()
    assert model.select_bits(p, 6).tolist() == [0, 1, 0, 1, 0, 1]
    assert model.run_beats(p, [1, 2, 1, 2]).tolist() == [1, 1, 1, 1]   # a, b, a, b
    assert model.run_beats(p, [2, 1, 2, 1]).tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("width", range(3, 17))
def test_lfsr_select_probability_over_a_period(width):
    """P(sel) over one full period is exactly 2^(w-1) / (2^w - 1) (= p.p_select), checked on the
    plain recurrence for every width 3..16."""
    p = MuxAddParams(select="lfsr", select_width=width)
    per = (1 << width) - 1
    s, ones = p.select_seed, 0
    for _ in range(per):
        ones += s >> (width - 1) & 1
        s = (s >> 1) ^ (p.select_taps if s & 1 else 0)
    assert s == p.select_seed and ones == 1 << (width - 1)
    assert int(model.select_bits(p, per).sum()) == ones
    assert p.p_select == ones / per


# -- arithmetic -------------------------------------------------------------------------------
# Streams: 12-bit comparator SNGs, N = 4096 >= one LFSR period, "independent" (two primitive
# polynomials) and "positive" (one number r for both; the MUX does not care about the a/b
# correlation, only about sel being independent of both).  Select: the toggle, or the default
# 16-bit LFSR MSB (a different width and polynomial from the inputs').  Tolerance per pair
# |e| <= 4 (sigma + 1/N), sigma = sqrt(q (1 - q) / N) of a random stream of the ideal
# q = (pa + pb)/2, 1/N the count quantum.  Checked exhaustively over all 2^24 (xa, xb) of each
# configuration (the count separates into a-beats and b-beats): worst 1.82 / 1.18 (toggle,
# independent / positive) and 2.89 / 1.64 (LFSR) (sigma + 1/N), max |e| 0.0111; RMSE 0.0016 ..
# 0.0042 against the random-stream 0.0071.

def _pairs(seed):
    """200 operand pairs: the corners, then uniform."""
    top = 4095
    return gates.pairs(seed, 200, corners=[(0, top), (top, 0), (top, top), (0, 0),
                                           (top // 2, top // 2), (top, top // 3)])


@pytest.mark.parametrize("select", ["toggle", "lfsr"])
@pytest.mark.parametrize("relation", ["independent", "positive"])
def test_scaled_addition(select, relation, seed):
    gates.check_random_stream_error(model, MuxAddParams(select=select), seed, relation,
                                    xs=_pairs(seed))


def test_short_lfsr_select_is_biased():
    """select_width = 3: P(sel) = 4/7, so y estimates (3 pa + 4 pb)/7, not (pa + pb)/2.  With
    a = all zeros and b = all ones the count is exactly the ones of sel: 4 per 7 beats."""
    p = MuxAddParams(select="lfsr", select_width=3)
    n = 7 * 585                                   # 4095 beats = 585 select periods
    y = model.run(p, np.zeros(n, np.uint8), np.ones(n, np.uint8))
    assert int(y.sum()) == 4 * 585
    assert model.expected_probability(p, 0.0, 1.0, exact_select=True) == pytest.approx(4 / 7)
    assert model.expected_probability(p, 0.0, 1.0) == 0.5
    a, b, pa, pb = gm.streams(100, 4000, N, "independent")
    got = float(model.run(p, a, b).mean())
    assert abs(got - model.expected_probability(p, pa, pb, exact_select=True)) < 0.01
    assert abs(got - model.expected_probability(p, pa, pb)) > 0.05


def test_toggle_aliases_with_period_two_inputs():
    """Documented limitation of the toggle: an input with period-2 structure aliases with it.
    a = 0, 1, 0, 1, ... and b = 0: the toggle reads a only on its zeros, P(y) = 0 instead of
    (0.5 + 0)/2 = 0.25.  The LFSR select sees both phases."""
    n = 4096
    a = (np.arange(n) % 2 == 1).astype(np.uint8)
    zero = np.zeros(n, np.uint8)
    assert model.run(MuxAddParams(), a, zero).sum() == 0                # expected 0.25 N
    got = float(model.run(MuxAddParams(select="lfsr"), a, zero).mean())
    assert abs(got - 0.25) < 0.02


# -- Params -------------------------------------------------------------------------------------

def test_defaults():
    p = MuxAddParams()
    assert (p.select, p.select_width, p.select_taps, p.select_seed) == ("toggle", 16, 0xB400,
                                                                       0xACE1)
    assert p.p_select == 0.5
    q = MuxAddParams(select="lfsr", select_width=8)
    assert q.lfsr().period == 255 and q.p_select == 128 / 255


test_bad_params_raise = bad_params_test(MuxAddParams, [
    ({"select": "random"}, ["MuxAddParams.select = 'random'", "'toggle', 'lfsr'"]),
    ({"select_width": 2}, ["MuxAddParams.select_width = 2", "3..32"]),
    ({"select_width": 33}, ["MuxAddParams.select_width = 33", "3..32"]),
    ({"select_seed": 0}, ["MuxAddParams.select_seed = 0", "1..65535"]),
    ({"select_width": 8, "select_seed": 256}, ["MuxAddParams.select_seed = 256", "1..255"]),
    ({"select_taps": 0x1234}, ["MuxAddParams.select_taps", "32768..65535"]),
    ({"select_taps": 0x8001}, ["MuxAddParams.select_taps = 32769 (0x8001)", "maximal-length"]),
])


def test_random_configs_cover_corners():
    ps = [MuxAddParams.random(random.Random(s)) for s in range(200)]
    assert {p.select for p in ps} == {"toggle", "lfsr"}
    assert {3, 32} <= {p.select_width for p in ps}


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="allowed two 1-D arrays of equal length"):
        model.run(MuxAddParams(), [0, 1], [1])
    with pytest.raises(ValueError, match="a_bits: allowed 0/1"):
        model.run(MuxAddParams(), [2], [1])

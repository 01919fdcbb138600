# SPDX-License-Identifier: Apache-2.0
"""sc.sng: converted Verilog vs the model, over random configurations, with idle and
back-pressure on both streams."""

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.sc import lfsr
from neurohdl.models.sc import sng as model
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams, reciprocal_taps
from neurohdl.models.sc.sng import SngParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests, planted_bug_test
from neurohdl.verif.sc import _gates as gates


def stimulus(p: SngParams, rng, n: int) -> list[int]:
    """x values: uniform, with the corners 0, 1, 2^w - 1 (and 2^w - 2, 2^(w-1)) often."""
    top = (1 << p.width) - 1
    corners = [0, 1, top, top - 1, 1 << (p.width - 1)]
    return corners + [rng.choice(corners) if rng.random() < 0.2 else rng.randint(0, top)
                      for _ in range(n - len(corners))]


def mutant(p: SngParams, xs):
    """A mutated source: the reciprocal polynomial (LFSR) or one index ahead (Sobol, Halton)."""
    if p.source == "lfsr":
        wrong = p.replace(lfsr_taps=reciprocal_taps(p.lfsr_taps, p.width))
    else:
        wrong = p.replace(skip=(p.skip + 1) % (1 << p.width))
    return model.run(wrong, xs)


def boundary(p: SngParams, rng, n: int = 256) -> list[int]:
    """The comparator's edge: from the model's source sequence r (the numbers the design will
    draw, one per accepted beat), x = r + 1 (bit 1) or x = r (bit 0), each at random, as tdata
    (the MSB inverted in bipolar mode); random stimulus meets r = x - 1 once in 2^w beats."""
    r, _ = model.numbers(p, n)
    top = (1 << p.width) - 1
    xs = [min(int(v) + rng.randint(0, 1), top) for v in r]
    return [int(model.comparand(p, x)) for x in xs]


# s_x_tready low in reset (its rnd_tvalid = !rst term) and high whenever m_bit is empty
TESTS = StandardTests(model=model.run, stimulus=stimulus, mutant=mutant, n=400,
                      quiet_in_reset=True, ready_rule=True)
stream_matches_model = TESTS.model_match()
# a reset returns the source to its seed and empties the output
reset_restarts_sequence = TESTS.reset_mid_stream("reset_restarts_sequence")
comparator_boundary = TESTS.scenario("comparator_boundary", boundary,
                                     "bit = (r < x) exactly at x = r + 1 and x = r.")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_sng, test_sng_verilator = core_tests("sc.sng")


# the survivors of docs/verification.md these tests now kill (Params defaults: width 16)
test_planted_bug_is_caught = planted_bug_test("sc.sng", {
    # s_x_tready high in reset: the source's valid (!rst) forced to 1 (mutant #12)
    "tready_in_reset": ([(r"assign rnd_tvalid = \(!rst\);", "assign rnd_tvalid = 1'b1;")],
                        "reset_restarts_sequence"),
    # bit 0 of the comparand stuck at 0 in rnd < x (mutant #2)
    "comparand_lsb_stuck": ([(r"q_bit <= \(rnd < x\);", "q_bit <= (rnd < {x[15:1], 1'b0});")],
                            "comparator_boundary"),
})


@pytest.mark.parametrize("width", range(3, 11))
def test_ones_over_period_exhaustive(width):
    """Every x at widths <= 10: ones over one full period = x - 1 (0 for x = 0), i.e.
    probability() is exact; checked against a plain-Python LFSR, not model.run."""
    p = SngParams(width=width)
    per = (1 << width) - 1
    s, states = p.lfsr_seed, []
    for _ in range(per):                      # independent reference: the recurrence itself
        states.append(s)
        s = (s >> 1) ^ (p.lfsr_taps if s & 1 else 0)
    assert sorted(states) == list(range(1, per + 1))
    for x in range(per + 1):
        ones = sum(r < x for r in states)
        assert ones == max(x - 1, 0)
        assert int(model.run(p, [x] * per).sum()) == ones
        assert model.probability(p, x) == ones / per


def test_run_is_lfsr_compare():
    """Bits are r < x with r = lfsr.run from the seed, carrying on through step()."""
    p = SngParams(width=12, lfsr_seed=0x5A5)
    rng = np.random.default_rng(3)
    xs = rng.integers(0, 1 << 12, 5000)
    rs = lfsr.run(p.lfsr(), 5000)
    assert (model.run(p, xs) == (rs < xs.astype(np.uint64))).all()
    state, bits = None, []
    for x in xs[:300]:
        state, b = model.step(p, state, x)
        bits.append(b)
    assert bits == model.run(p, xs[:300]).tolist()
    assert model.run(p, [0] * 100).sum() == 0            # x = 0 always gives 0
    # longer than a period (tiled): still exactly lfsr.run
    q = SngParams(width=5)
    assert (model.numbers(q, 100)[0] == lfsr.run(q.lfsr(), 100)).all()


def test_defaults_match_lfsr():
    p = SngParams()
    assert p.lfsr_taps == MAXIMAL_TAPS[16] == 0xB400 and p.lfsr_seed == 0xACE1
    assert p.lfsr() == LfsrParams() and p.period == 65535
    q = SngParams(width=8)
    assert q.lfsr_taps == MAXIMAL_TAPS[8] and q.lfsr_seed == lfsr.default_seed(8)


def test_encode():
    p = SngParams(width=8)                    # steps of 1/255
    assert model.encode(p, 0.0) == 0 and model.probability(p, 0) == 0.0
    assert model.encode(p, 1.0) == 255        # P = 1 unreachable: nearest is 254/255
    assert model.encode(p, 0.5) == 129        # 127.5 -> 128 (half to even) -> x = 129
    assert model.encode(p, 0.5, rounding="truncate") == 128
    assert model.encode(p, 1 / 255) == 2 and model.probability(p, 2) == 1 / 255
    for k in range(0, 255):                   # round trip on every representable value
        x = model.encode(p, k / 255)
        assert model.probability(p, x) == pytest.approx(k / 255)
    rng = np.random.default_rng(1)
    probs = rng.random(1000)
    err = np.abs(model.probability(p, model.encode(p, probs)) - probs)
    top = probs > 254 / 255                   # no code above 254/255: error up to 1/255 there
    assert err[~top].max() <= 0.5 / 255 + 1e-12 and err[top].max(initial=0) <= 1 / 255
    assert model.bipolar_to_prob(-1.0) == 0.0 and model.bipolar_to_prob(0.0) == 0.5
    assert model.prob_to_bipolar(model.bipolar_to_prob(0.25)) == 0.25


@pytest.mark.parametrize("prob", [-0.01, 1.0001, float("nan"), 2])
def test_encode_out_of_range(prob):
    with pytest.raises(ParamError, match=r"encode: prob = .*allowed 0\.\.1"):
        model.encode(SngParams(), prob)


def test_encode_bad_rounding():
    with pytest.raises(ParamError, match="rounding = 'up': allowed one of 'nearest', 'truncate'"):
        model.encode(SngParams(), 0.5, rounding="up")
    with pytest.raises(ParamError, match=r"bipolar_to_prob: v = .*allowed -1\.\.1"):
        model.bipolar_to_prob(1.5)


test_bad_params_raise = bad_params_test(SngParams, [
    ({"width": 2}, ["SngParams.width = 2", "3..32"]),
    ({"width": 33}, ["SngParams.width = 33", "3..32"]),
    ({"source": "poisson"}, ["SngParams.source = 'poisson'", "one of 'lfsr', 'sobol', 'halton'"]),
    ({"source": "sobol", "sobol_dim": 33}, ["SngParams.sobol_dim = 33", "1..32"]),
    ({"source": "halton", "width": 8, "skip": 256}, ["SngParams.skip = 256", "0..255"]),
    ({"bipolar": 1}, ["SngParams.bipolar", "True or False"]),
    ({"width": "16"}, ["SngParams.width = '16'", "an integer"]),
    *gates.lfsr_field_cases(SngParams)], absent=["allow_nonmaximal"])


def test_taps_rule_same_as_lfsr():
    """SngParams accepts exactly the (taps, seed) LfsrParams accepts, for every width-5 mask."""
    for taps in range(1 << 4, 1 << 5):
        try:
            LfsrParams(width=5, taps=taps, seed=3)
            ok = True
        except ParamError:
            ok = False
        try:
            SngParams(width=5, lfsr_taps=taps, lfsr_seed=3)
            assert ok, hex(taps)
        except ParamError:
            assert not ok, hex(taps)


@pytest.mark.parametrize("source", ["sobol", "halton"])
def test_low_discrepancy_sources_are_exact_over_a_period(source):
    """Sobol/Halton visit 0 .. 2^w - 1 once per period: ones = x exactly, for every x (w = 8),
    against an independent count over the source's own model sequence."""
    from neurohdl.models.sc import halton, sobol
    p = SngParams(width=8, source=source)
    r = sobol.run(p.sobol(), 256)[:, 0] if source == "sobol" else halton.run(p.halton(), 256)
    assert sorted(int(v) for v in r) == list(range(256))
    for x in range(256):
        assert int(model.run(p, [x] * 256).sum()) == x == round(model.probability(p, x) * 256)


def test_bipolar_mode_maps_v_to_half_v_plus_one():
    p = SngParams(width=10, source="sobol", bipolar=True)
    for v in (-1.0, -0.5, 0.0, 0.25, 0.998046875):
        t = model.encode_bipolar(p, v)
        assert 0 <= t < 1024
        est = model.run(p, [t] * 1024).mean()
        assert est == pytest.approx((v + 1) / 2, abs=1 / 1024)
        assert 2 * est - 1 == pytest.approx(v, abs=2 / 1024)
    with pytest.raises(ParamError, match="bipolar = False"):
        model.encode_bipolar(SngParams(), 0.5)

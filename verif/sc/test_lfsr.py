# SPDX-License-Identifier: Apache-2.0
"""sc.lfsr: converted Verilog vs the model, over random configurations, with back-pressure."""

import pytest

from neurohdl.models.sc import lfsr as model
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams, is_maximal, reciprocal_taps
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests


def mutant(p: LfsrParams, n: int):
    """One tap flipped."""
    wrong = LfsrParams(width=p.width, taps=p.taps ^ 1 << (p.width // 2 - 1), seed=p.seed,
                       allow_nonmaximal=True)
    return model.run(wrong, n)


# a reset in mid-stream (with m_rnd held off) returns the state to the seed
TESTS = StandardTests(model=model.run, mutant=mutant, n=700, reset_before=50,
                      quiet_in_reset=True)       # m_rnd_tvalid = !rst
stream_matches_model = TESTS.model_match()
reset_restarts_sequence = TESTS.reset_mid_stream("reset_restarts_sequence")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_lfsr, test_lfsr_verilator = core_tests("sc.lfsr")


def test_default_sequence_matches_scope():
    """x^16+x^14+x^13+x^11+1 from 0xACE1, as derived independently in docs/references.md §5.1."""
    got = [int(x) for x in model.run(LfsrParams(), 9)]
    assert got == [0xACE1, 0xE270, 0x7138, 0x389C, 0x1C4E, 0x0E27, 0xB313, 0xED89, 0xC2C4]


@pytest.mark.parametrize("width", range(3, 17))
def test_period_exhaustive(width):
    """Every width <= 16: table taps and their reciprocals run the full 2^w - 1 states."""
    for taps in (MAXIMAL_TAPS[width], reciprocal_taps(MAXIMAL_TAPS[width], width)):
        p = LfsrParams(width=width, taps=taps, seed=1)
        states = model.run(p, (1 << width) - 1)
        assert len(set(states.tolist())) == (1 << width) - 1 and 0 not in states
        assert model.advance(p, p.seed, (1 << width) - 1) == p.seed
        assert model.period(p) == (1 << width) - 1


@pytest.mark.parametrize("width", range(3, 11))
def test_is_maximal_against_brute_force(width):
    """The primitivity test agrees with measured periods for every mask of small widths."""
    for taps in range(1 << (width - 1), 1 << width):
        p = LfsrParams(width=width, taps=taps, seed=1, allow_nonmaximal=True)
        assert is_maximal(taps, width) == (model.period(p, 1 << width) == (1 << width) - 1), hex(taps)


test_bad_params_raise = bad_params_test(LfsrParams, [
    ({"seed": 0}, ["LfsrParams.seed = 0", "1..65535"]),
    ({"width": 2}, ["LfsrParams.width = 2", "3..32"]),
    ({"width": 33}, ["LfsrParams.width = 33", "3..32"]),
    ({"taps": 0x8001}, ["LfsrParams.taps", "maximal-length"]),
    ({"taps": 0x1234}, ["LfsrParams.taps", "32768..65535"]),
    ({"width": 8, "seed": 256}, ["LfsrParams.seed = 256", "1..255"]),
    ({"allow_nonmaximal": 1}, ["allow_nonmaximal", "True or False"]),
])


def test_nonmaximal_allowed_explicitly():
    p = LfsrParams(width=4, taps=0b1111, allow_nonmaximal=True)
    assert p.derived()["period"] is None and model.period(p) < 15

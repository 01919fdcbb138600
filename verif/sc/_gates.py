# SPDX-License-Identifier: Apache-2.0
"""What the SC gate tests share: the cocotb tests of every two-input gate (the seven cores on
rtl_py/sc/_gate.py), and the pytest-side checks of the five stateless ones (sc.and_mul,
sc.or_add, sc.sub, sc.xnor_mul, sc.xor_absdiff): the model against the gate's truth table, its
empty Params, its input errors, and the operand pairs and grid of the arithmetic tests."""
import random
import sys

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.sc import _gate as gm
from neurohdl.registry import get
from neurohdl.verif.common.runner import run_mutant, skip_unless_rotated
from neurohdl.verif.common.tb import StandardTests


def cocotb_tests(model, mutant, stimulus=None):
    """A gate's cocotb tests, for its module's ``stream_matches_model, full_throughput,
    reset_mid_stream, scoreboard_must_fail``: model match (``model.run_beats``) over idle x
    back-pressure, full throughput at latency 1, reset mid-stream (s_ab_tready and m_y_tvalid
    low while rst is high: the shared register's ``!rst`` terms), and the must-fail against
    ``mutant(p, beats)``; in every one, s_ab_tready high whenever m_y_tvalid is low (the one
    output register's ready rule).  ``stimulus(p, rng, n)``: default ``gm.random_beats``."""
    tests = StandardTests(model=model.run_beats, quiet_in_reset=True, ready_rule=True,
                          mutant=mutant,
                          stimulus=stimulus or (lambda p, rng, n: gm.random_beats(rng, n)),
                          module=sys._getframe(1).f_globals["__name__"])
    return tests.model_match(), tests.throughput(), tests.reset_mid_stream(), tests.must_fail()


def planted_bug_test(core: str, planted: dict, params=None, rotated: bool = True):
    """A pytest test (parametrized by bug) that each planted bug is caught: ``planted`` maps a
    name to ``(edits, test)``, edits of the converted Verilog of ``params`` (default: the Params
    defaults; ``runner.run_mutant``) and the one cocotb test that must fail on them -- the
    must-fail of that test's check.  ``rotated``: only in the runs whose must_fail rotation has
    ``core`` (make regress: always)."""

    @pytest.mark.parametrize("bug", sorted(planted))
    def test_planted_bug_is_caught(bug, seed, tmp_path):
        if rotated:
            skip_unless_rotated("must_fail", core)
        edits, test = planted[bug]
        p = params if params is not None else get(core).decl.params()
        r = run_mutant(core, p, seed, tmp_path, edits, testcase=[test])
        assert r.tests == 1 and r.failed == 1, f"{core} {bug} not caught: {r.summary()}"

    return test_planted_bug_is_caught


#: malformed (a, b) inputs and the words of the error each must raise
BAD_INPUTS = [
    ([0, 2], [1, 1], "a_bits: allowed 0/1"),
    ([0, 1], [1, -1], "b_bits: allowed 0/1"),
    ([0.5], [1], "a_bits: allowed 0/1"),
    ([0, 1], [1], "allowed two 1-D arrays of equal length"),
]


def check_truth_table(model, p, truth: dict, seed: int):
    """run, run_beats and step against ``truth`` ({(a, b): y}) written out beat by beat."""
    beats = gm.random_beats(random.Random(seed), 500)
    a, b = gm.split(beats)
    want = [truth[(int(x), int(y))] for x, y in zip(a, b)]
    assert model.run(p, a, b).tolist() == want
    assert model.run_beats(p, beats).tolist() == want
    assert [model.step(p, None, ab)[1] for ab in beats] == want
    assert gm.pack(a, b).tolist() == beats


def check_params(cls):
    """A gate has no parameters: defaults, random and from_dict agree; any name is refused."""
    p = cls()
    assert p.to_dict() == {} and cls.random(random.Random(1)) == p
    assert cls.from_dict({}) == p
    with pytest.raises(ParamError, match=rf"{cls.__name__}.width: no such parameter"):
        cls.from_dict({"width": 8})


def check_bad_inputs(model, p, a, b, words: str):
    with pytest.raises(ValueError, match=words):
        model.run(p, a, b)
    with pytest.raises(ValueError, match="allowed 2-bit beats"):
        model.run_beats(p, [0, 4])


def pairs(seed, n=300, width=12):
    """``n`` operand pairs of ``width`` bits: the corners first, then uniform."""
    r = np.random.default_rng(seed)
    top = (1 << width) - 1
    xs = r.integers(0, top + 1, size=(n, 2))
    xs[:8] = [(0, top), (top, 0), (1, top), (top, top), (top, 2), (2, 2), (top // 2, top // 2),
              (top, top // 3)]
    return xs


def grid():
    """Every 5th 12-bit input value and the top one: 820 x 820 pairs."""
    return np.unique(np.r_[np.arange(0, 4096, 5), 4095])


def ideal(x):
    """The probability a 12-bit comparator SNG encodes for input x (x - 1 ones of 4095)."""
    return np.maximum(x.astype(np.float64) - 1, 0) / 4095

# SPDX-License-Identifier: Apache-2.0
"""sc.delay: converted Verilog vs the model over random depths (1 included), with idle and
back-pressure on both streams; the model against a plain-Python shift register, and the
decorrelation it buys for Bernoulli and LFSR-comparator streams."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import delay as model
from neurohdl.models.sc import sng
from neurohdl.models.sc.delay import DelayParams
from neurohdl.models.sc.sng import SngParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests, planted_bug_test
from neurohdl.verif.sc import _gates as gates


def stimulus(p: DelayParams, rng, n: int) -> list[int]:
    """Segments of density 0, 1, 1/2 or random."""
    return gates.segments(rng, n, 24)


# a reset with the register full of ones (40 ones first) clears it (the next d outputs are 0);
# must-fail: a model whose register resets to ones (first output 1 there, 0 in the design)
TESTS = StandardTests(
    model=model.run, stimulus=stimulus, reset_before=60, ready_rule=True,
    reset_stimulus=lambda p, rng, n: [1] * 40 + stimulus(p, rng, n - 40),
    mutant=lambda p, bits: model.run(p, bits, state=[1] * p.d))
stream_matches_model = TESTS.model_match()
reset_clears_register = TESTS.reset_mid_stream("reset_clears_register")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_delay, test_delay_verilator = core_tests("sc.delay")


# the must-fail of the shared bench's ready rule (Bench ready_rule): the survivors of
# docs/verification.md it kills (sc.delay #15, #18): the ready term !q_valid || m_y_tready
# without its !q_valid, the core waiting for the sink with its output slot empty
test_planted_bug_is_caught = planted_bug_test("sc.delay", {"waits_for_sink_when_empty": (
    [(r"(assign s_x_tready = \()\(!q_valid\) \|\| ", r"\1"),
     (r"(assign take = \(s_x_tvalid && \()\(!q_valid\) \|\| ", r"\1")],
    "stream_matches_model/idle=None/stall=random")})


@pytest.mark.parametrize("d", [1, 2, 3, 17, 255, 256])
def test_model_matches_python_shift_register(d, seed):
    r = random.Random(seed)
    bits = [r.randint(0, 1) for _ in range(3 * d + 50)]
    p = DelayParams(d=d)
    reg, ref = [0] * d, []                   # reg[0] = newest
    for b in bits:
        ref.append(reg[-1])
        reg = [b] + reg[:-1]
    assert model.run(p, bits).tolist() == ref
    assert ref == [0] * d + bits[:-d]
    state, out = None, []
    for b in bits:
        state, y = model.step(p, state, b)
        out.append(y)
    assert out == ref
    half = len(bits) // 2                    # run() resumes from step()'s state
    state = None
    for b in bits[:half]:
        state, _ = model.step(p, state, b)
    assert model.run(p, bits[half:], state=state).tolist() == ref[half:]


def test_bernoulli_copy_is_decorrelated():
    """x AND delay(x) estimates p^2 for an ideal Bernoulli stream (any d), SCC ~ 0; without the
    delay SCC = 1."""
    rng = np.random.default_rng(11)
    for d in (1, 2, 7):
        p = DelayParams(d=d)
        for q in (0.2, 0.5, 0.8):
            x = (rng.random(50000) < q).astype(np.uint8)
            y = model.run(p, x)
            assert abs(gates.scc(x[d:], y[d:])) < 0.03
            assert abs((x & y)[d:].mean() - q * q) < 0.01
            assert gates.scc(x, x) == 1.0


@pytest.mark.parametrize("width", [8, 16])
def test_lfsr_comparator_copy_needs_longer_delay(width):
    """After an sc.sng LFSR comparator, d = 1 leaves x AND delay(x) off p^2 by up to ~0.065 and
    d = 8 by ~0.01 (the figures in the model docstring), over x in [0.05, 0.95]."""
    sp = SngParams(width=width)
    n = (1 << width) - 1 if width <= 12 else 1 << 14
    r, _ = sng.numbers(sp, n)

    def worst(d):
        errs = []
        for q in np.linspace(0.05, 0.95, 19):
            x = (r < np.uint64(int(q * (1 << width)))).astype(np.uint8)
            y = model.run(DelayParams(d=d), x)
            errs.append(abs((x & y)[d:].mean() - x.mean() ** 2))
        return max(errs)

    e1, e2, e8 = worst(1), worst(2), worst(8)
    assert 0.055 < e1 < 0.075 and 0.035 < e2 < 0.055 and e8 < 0.012, (e1, e2, e8)


def test_random_configs_cover_corners():
    ds = {DelayParams.random(random.Random(s)).d for s in range(200)}
    assert {1, 40} <= ds and max(ds) <= 40


test_bad_params_raise = bad_params_test(DelayParams, [
    ({"d": 0}, ["DelayParams.d = 0", "1..256"]),
    ({"d": 257}, ["DelayParams.d = 257 (0x101)", "1..256"]),
    ({"d": None}, ["DelayParams.d = None", "an integer"]),
])

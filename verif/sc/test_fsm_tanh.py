# SPDX-License-Identifier: Apache-2.0
"""sc.fsm_tanh: converted Verilog vs the model over random state counts (2 and 256 included), with
idle and back-pressure on both streams; the model against a plain-Python FSM, against the
birth-death steady state and against Brown & Card's tanh(N v / 2)."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import fsm_tanh as model
from neurohdl.models.sc.fsm_tanh import FsmTanhParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates


def stimulus(p: FsmTanhParams, rng, n: int) -> list[int]:
    """Segments of density 0, 1, 1/2 or random, some long enough to reach either end."""
    return gates.segments(rng, n, p.states + 4, randoms=2)


# must-fail: a model reset to N/2 - 1 (the other classic choice): its first output is 0, the
# design's 1; a reset returns the counter to N/2
TESTS = StandardTests(model=model.run, stimulus=stimulus, reset_before=60, ready_rule=True,
                      mutant=lambda p, bits: model.run(p, bits, state=p.states // 2 - 1))
stream_matches_model = TESTS.model_match()
reset_restores_state = TESTS.reset_mid_stream("reset_restores_state")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_fsm_tanh, test_fsm_tanh_verilator = core_tests("sc.fsm_tanh")


def python_fsm(n_states: int, bits, s: int) -> list[int]:
    """Independent re-derivation: Moore output of the state before a saturating +-1 update."""
    out = []
    for b in bits:
        out.append(1 if s >= n_states // 2 else 0)
        s = s + 1 if b else s - 1
        s = min(max(s, 0), n_states - 1)
    return out


@pytest.mark.parametrize("states", [2, 4, 6, 8, 30, 256])
def test_model_matches_python_fsm(states, seed):
    p = FsmTanhParams(states=states)
    gates.check_walk_model(model, p, lambda bits: python_fsm(states, bits, states // 2), seed)
    assert p.reset_state == states // 2 and model.run(p, [0])[0] == 1   # reset state: output 1


def birth_death_p1(n_states: int, prob: float) -> float:
    """P(y = 1) of the stationary birth-death chain: P(s) ~ (p/(1-p))^s, summed over s >= N/2."""
    if prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return 1.0
    r = prob / (1.0 - prob)
    w = [r ** s for s in range(n_states)]
    return sum(w[n_states // 2:]) / sum(w)


def bernoulli(v, n, rng, streams=1):
    """Ideal Bernoulli streams of bipolar values v (one row per value and stream)."""
    q = np.repeat((np.asarray(v) + 1) / 2, streams)
    return (rng.random((len(q), n)) < q[:, None]).astype(np.uint8)


V_GRID = np.round(np.linspace(-0.9, 0.9, 19), 10)
L_STREAM = 8192
BAND_SIGMAS, BAND_EPS = 4.0, 0.05


@pytest.mark.parametrize("states", [2, 4, 8, 16])
def test_closed_form_is_birth_death(states):
    p = FsmTanhParams(states=states)
    for q in np.linspace(0, 1, 41):
        assert model.prob_out(p, q) == pytest.approx(birth_death_p1(states, q), abs=1e-12)
    v = np.linspace(-0.99, 0.99, 23)
    assert np.allclose(model.bipolar_out(p, v), 2 * model.prob_out(p, (v + 1) / 2) - 1)


def _band_check(f, p, v, vy, eps):
    """vy within [f(v - k sigma) - eps, f(v + k sigma) + eps]: sigma = sqrt((1 - v^2)/L) is the
    standard deviation of the bipolar input's own estimate over the stream, which the counter
    integrates and the slope N/2 amplifies (so a fixed tolerance would be meaningless near v = 0
    for large N)."""
    sig = np.sqrt((1 - v ** 2) / L_STREAM)
    lo = f(p, np.clip(v - BAND_SIGMAS * sig, -1, 1)) - eps
    hi = f(p, np.clip(v + BAND_SIGMAS * sig, -1, 1)) + eps
    bad = (vy < lo) | (vy > hi)
    assert not bad.any(), (p, v[bad], vy[bad], lo[bad], hi[bad])


@pytest.mark.parametrize("states", [2, 4, 8, 16])
def test_long_run_output_against_birth_death(states):
    """Stream length 8192, Bernoulli inputs (numpy Generator, seed 2001): the bipolar output is in
    the band around the exact steady state tanh(N/2 artanh v), eps = 0.05."""
    p = FsmTanhParams(states=states)
    rng = np.random.default_rng(2001)
    vy = 2 * model.run(p, bernoulli(V_GRID, L_STREAM, rng)).mean(axis=1) - 1
    exact = lambda p_, v: 2 * np.array([birth_death_p1(p_.states, (u + 1) / 2)  # noqa: E731
                                        for u in np.atleast_1d(v)]) - 1
    _band_check(exact, p, V_GRID, vy, BAND_EPS)


@pytest.mark.parametrize("states", [4, 8, 16])
def test_long_run_output_against_tanh(states):
    """The same runs against Brown & Card's tanh(N v / 2): eps = 0.05 plus the documented
    approximation error max |tanh(N/2 artanh v) - tanh(N v / 2)| (0.055, 0.014, 0.0033)."""
    p = FsmTanhParams(states=states)
    approx = {4: 0.055, 8: 0.014, 16: 0.0033}[states]
    dense = np.linspace(-0.999, 0.999, 20001)
    assert np.abs(model.bipolar_out(p, dense) - model.tanh_approx(p, dense)).max() <= approx
    rng = np.random.default_rng(2001)
    vy = 2 * model.run(p, bernoulli(V_GRID, L_STREAM, rng)).mean(axis=1) - 1
    _band_check(model.tanh_approx, p, V_GRID, vy, BAND_EPS + approx)


@pytest.mark.parametrize("states", [2, 4, 8])
def test_mean_over_streams_is_unbiased(states):
    """32 streams of 8192 per value: the mean output is within 5 standard errors (from the spread
    across streams) + 0.005 of the birth-death steady state."""
    p = FsmTanhParams(states=states)
    v = np.array([-0.6, -0.2, 0.0, 0.1, 0.5])
    rng = np.random.default_rng(7)
    vy = (2 * model.run(p, bernoulli(v, L_STREAM, rng, streams=32)).mean(axis=1) - 1)
    vy = vy.reshape(len(v), 32)
    se = vy.std(axis=1, ddof=1) / np.sqrt(32)
    ref = np.array([2 * birth_death_p1(states, (u + 1) / 2) - 1 for u in v])
    assert (np.abs(vy.mean(axis=1) - ref) <= 5 * se + 0.005).all(), (vy.mean(axis=1), ref, se)


def test_saturated_inputs():
    p = FsmTanhParams(states=8)
    assert model.run(p, [1] * 20).tolist() == [1] * 20
    assert model.run(p, [0] * 20).tolist() == [1] + [0] * 19   # 4 -> 3 after the first 0
    assert model.prob_out(p, 0.0) == 0.0 and model.prob_out(p, 1.0) == 1.0


def test_random_configs_even_and_cover_corners():
    ns = {FsmTanhParams.random(random.Random(s)).states for s in range(300)}
    assert all(n % 2 == 0 for n in ns) and {2, 256} <= ns


test_bad_params_raise = bad_params_test(FsmTanhParams, [
    ({"states": 0}, ["FsmTanhParams.states = 0", "2..256"]),
    ({"states": 258}, ["FsmTanhParams.states = 258", "2..256"]),
    ({"states": 7}, ["FsmTanhParams.states = 7", "an even integer 2..256"]),
    ({"states": 8.0}, ["FsmTanhParams.states = 8.0", "an integer"]),
])

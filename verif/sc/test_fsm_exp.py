# SPDX-License-Identifier: Apache-2.0
"""sc.fsm_exp: converted Verilog vs the model over random (N, G) (corners included), with idle and
back-pressure on both streams; the model against a plain-Python FSM, against the birth-death
steady state and against Brown & Card's exp(-2 G x)."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import fsm_exp as model
from neurohdl.models.sc.fsm_exp import FsmExpParams
from neurohdl.models.sc.fsm_tanh import saturating_walk
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates


def stimulus(p: FsmExpParams, rng, n: int) -> list[int]:
    """Segments of density 0, 1, 1/2 or random, some long enough to reach either end."""
    return gates.segments(rng, n, p.states + 4, randoms=2)


def sweep(p: FsmExpParams, rng, n: int) -> list[int]:
    """N zeros, N ones (the counter crosses every state both ways), then ``stimulus``."""
    return [0] * p.states + [1] * p.states + stimulus(p, rng, n)


def post_update_model(p: FsmExpParams, bits) -> list[int]:
    """The classic off-by-one: output from the state *after* the update."""
    before, last = saturating_walk(p.states, bits, p.reset_state)
    after = np.append(before[1:], last)
    return (after < p.states - p.g).astype(int).tolist()


# must-fail: the model reading the state after the update (the sweep prefix crosses the N - G
# boundary, where the two differ); a reset returns the counter to floor(N/2)
TESTS = StandardTests(model=model.run, stimulus=stimulus, must_fail_stimulus=sweep,
                      mutant=post_update_model, reset_before=60, ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_restores_state = TESTS.reset_mid_stream("reset_restores_state")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_fsm_exp, test_fsm_exp_verilator = core_tests("sc.fsm_exp")


def python_fsm(n_states: int, g: int, bits, s: int) -> list[int]:
    """Independent re-derivation: Moore output s < N - G, saturating +-1 update."""
    out = []
    for b in bits:
        out.append(1 if s < n_states - g else 0)
        s = min(s + 1, n_states - 1) if b else max(s - 1, 0)
    return out


@pytest.mark.parametrize("states, g", [(2, 1), (3, 1), (3, 2), (16, 2), (16, 15), (255, 7),
                                       (256, 1), (256, 255)])
def test_model_matches_python_fsm(states, g, seed):
    p = FsmExpParams(states=states, g=g)
    gates.check_walk_model(model, p, lambda bits: python_fsm(states, g, bits, states // 2), seed)
    # the mutated model of the must-fail test really differs on a sweep
    sweep = [0] * states + [1] * states
    assert post_update_model(p, sweep) != model.run(p, sweep).tolist()


def birth_death_p1(n_states: int, g: int, prob: float) -> float:
    """P(y = 1) of the stationary birth-death chain: P(s) ~ (p/(1-p))^s, summed over s < N - G."""
    if prob <= 0.0:
        return 1.0
    if prob >= 1.0:
        return 0.0
    r = prob / (1.0 - prob)
    w = [r ** s for s in range(n_states)]
    return sum(w[: n_states - g]) / sum(w)


@pytest.mark.parametrize("states, g", [(2, 1), (5, 2), (16, 2), (16, 4), (32, 2), (64, 9)])
def test_closed_form_is_birth_death(states, g):
    p = FsmExpParams(states=states, g=g)
    for q in np.linspace(0, 1, 41):
        assert model.prob_out(p, q) == pytest.approx(birth_death_p1(states, g, q), abs=1e-12)
    assert model.prob_out(p, 0.5) == (states - g) / states


X_GRID = np.round(np.linspace(-0.5, 0.9, 15), 10)
L_STREAM = 8192
BAND_SIGMAS, BAND_EPS = 4.0, 0.04


def bernoulli(x, n, rng, streams=1):
    q = np.repeat((np.asarray(x) + 1) / 2, streams)
    return (rng.random((len(q), n)) < q[:, None]).astype(np.uint8)


def _band_check(f, x, py, eps):
    """py within [f(x + k sigma) - eps, f(x - k sigma) + eps] (f decreasing), sigma =
    sqrt((1 - x^2)/L) the standard deviation of the bipolar input's own estimate."""
    sig = np.sqrt((1 - x ** 2) / L_STREAM)
    lo = f(np.clip(x + BAND_SIGMAS * sig, -1, 1)) - eps
    hi = f(np.clip(x - BAND_SIGMAS * sig, -1, 1)) + eps
    bad = (py < lo) | (py > hi)
    assert not bad.any(), (x[bad], py[bad], lo[bad], hi[bad])


@pytest.mark.parametrize("states, g", [(4, 1), (16, 2), (16, 4), (32, 2)])
def test_long_run_output_against_birth_death(states, g):
    """Stream length 8192, bipolar Bernoulli inputs x in [-0.5, 0.9] (numpy Generator, seed
    2001): P(y = 1) is in the band around the birth-death steady state, eps = 0.04."""
    p = FsmExpParams(states=states, g=g)
    py = model.run(p, bernoulli(X_GRID, L_STREAM, np.random.default_rng(2001))).mean(axis=1)
    exact = lambda x: np.array([birth_death_p1(states, g, (u + 1) / 2)  # noqa: E731
                                for u in np.atleast_1d(x)])
    _band_check(exact, X_GRID, py, BAND_EPS)


@pytest.mark.parametrize("states, g, approx", [(16, 2, 0.030), (32, 2, 0.030), (16, 4, 0.025)])
def test_long_run_output_against_exp(states, g, approx):
    """Against Brown & Card's exp(-2 G x) for x in [0.1, 0.9]: eps = 0.04 plus the documented
    approximation error of the exact steady state over x in [0.1, 1]."""
    p = FsmExpParams(states=states, g=g)
    dense = np.linspace(0.1, 0.999, 5000)
    assert np.abs(model.prob_out(p, (dense + 1) / 2) - model.exp_approx(p, dense)).max() <= approx
    x = X_GRID[X_GRID >= 0.1]
    py = model.run(p, bernoulli(x, L_STREAM, np.random.default_rng(2001))).mean(axis=1)
    _band_check(lambda u: model.exp_approx(p, u), x, py, BAND_EPS + approx)


def test_mean_over_streams_is_unbiased():
    """32 streams of 8192 per value: the mean output is within 5 standard errors + 0.005 of the
    birth-death steady state."""
    p = FsmExpParams(states=8, g=2)
    x = np.array([-0.4, 0.0, 0.2, 0.5])
    py = model.run(p, bernoulli(x, L_STREAM, np.random.default_rng(7), streams=32))
    py = py.mean(axis=1).reshape(len(x), 32)
    se = py.std(axis=1, ddof=1) / np.sqrt(32)
    ref = np.array([birth_death_p1(8, 2, (u + 1) / 2) for u in x])
    assert (np.abs(py.mean(axis=1) - ref) <= 5 * se + 0.005).all(), (py.mean(axis=1), ref, se)


def test_random_configs_cover_corners():
    ps = [FsmExpParams.random(random.Random(s)) for s in range(300)]
    assert {2, 256} <= {p.states for p in ps}
    assert any(p.g == 1 for p in ps) and any(p.g == p.states - 1 for p in ps)


test_bad_params_raise = bad_params_test(FsmExpParams, [
    ({"states": 1, "g": 1}, ["FsmExpParams.states = 1", "2..256"]),
    ({"states": 257}, ["FsmExpParams.states = 257", "2..256"]),
    ({"states": 16, "g": 0}, ["FsmExpParams.g = 0", "1..15"]),
    ({"states": 16, "g": 16}, ["FsmExpParams.g = 16", "1..15"]),
    ({"g": "2"}, ["FsmExpParams.g = '2'", "an integer"]),
])

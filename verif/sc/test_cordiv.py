# SPDX-License-Identifier: Apache-2.0
"""sc.cordiv: converted Verilog vs the model with idle and back-pressure on both streams (the
hold must load only on accepted beats); the model against plain-Python references of both
formulations; the quotient at N = 4096 for several x <= y."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge, Timer

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import sng
from neurohdl.models.sc import cordiv as model
from neurohdl.models.sc.cordiv import CordivParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import reset, run_seed
from neurohdl.verif.common.tb import CLOCK_NS, bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates


# must-fail: no hold (z = x): beats (x, y) = (1, 1), (0, 0) give z = 1, 1 but x = 1, 0
stream_matches_model, full_throughput, reset_mid_stream, scoreboard_must_fail = \
    gates.cocotb_tests(model, mutant=lambda p, beats: gm.split(beats)[0],
                       stimulus=lambda p, rng, n: [3, 0] + gm.random_beats(rng, n))



@cocotb.test()
async def junk_while_idle(dut):
    """s_ab_tdata shows other (random) data while s_ab_tvalid is low, as the AXI-Stream contract
    allows, and m_y_tready is high throughout: only the accepted beats may load the hold
    register, so the outputs are the model's for the accepted beats alone (the shared bench's
    sources keep the last beat on tdata while idle, which hides a hold loaded without a
    transfer)."""
    p = params_from_env(CordivParams)
    rng = random.Random(f"{run_seed()}:junk")
    beats, got = [], []
    dut.s_ab_tvalid.value = 0
    dut.m_y_tready.value = 1
    Clock(dut.clk, CLOCK_NS, unit="ns").start(start_high=False)
    await reset(dut)
    for _ in range(400):
        valid = rng.random() < 0.5
        word = rng.randrange(4)
        dut.s_ab_tvalid.value = int(valid)
        dut.s_ab_tdata.value = word
        await RisingEdge(dut.clk)
        await ReadOnly()
        if int(dut.m_y_tvalid.value):       # latency 1, sink always ready: one out a cycle
            got.append(int(dut.m_y_tdata.value))
        if valid:
            beats.append(word)
        await Timer(1, unit="ns")
    dut.s_ab_tvalid.value = 0
    compare(got, expected(model.run_beats(p, beats).tolist(), run_seed()), "m_y", str(p))


# ---------------------------------------------------------------- pytest side -------------

test_cordiv, test_cordiv_verilator = core_tests("sc.cordiv")


def _li(p: CordivParams, beats):
    """Plain Python, the Li et al. / CORDIV form: y = 1: z = x, h <- x; y = 0: z = h."""
    h, out = p.hold_init, []
    for ab in beats:
        x, y = ab & 1, ab >> 1 & 1
        if y:
            h = x
        out.append(h)
    return out


def _seed_form(p: CordivParams, beats):
    """Plain Python, the rule as docs/references.md §5.4 states it: x = 1 -> 1; x = 0, y = 1 -> 0; x = 0, y = 0 -> the
    previous z (reset: hold_init)."""
    z, out = p.hold_init, []
    for ab in beats:
        x, y = ab & 1, ab >> 1 & 1
        z = 1 if x else (0 if y else z)
        out.append(z)
    return out


@pytest.mark.parametrize("hold_init", [0, 1])
def test_model_matches_reference(hold_init, seed):
    """run, run_beats and step against the plain-Python Li form; step's state carried across
    calls equals run with ``state``."""
    p = CordivParams(hold_init=hold_init)
    beats = gm.random_beats(random.Random(seed), 800)
    want = _li(p, beats)
    x, y = gm.split(beats)
    assert model.run(p, x, y).tolist() == want
    assert model.run_beats(p, beats).tolist() == want
    state, got = None, []
    for ab in beats[:400]:
        state, z = model.step(p, state, ab)
        got.append(z)
    assert got == want[:400]
    assert model.run(p, x[400:], y[400:], state=state).tolist() == want[400:]
    assert model.run(p, [], []).tolist() == []


@pytest.mark.parametrize("hold_init", [0, 1])
def test_two_formulations_agree_when_x_le_y(hold_init, seed):
    """With x <= y bitwise (no beat x = 1, y = 0) the seed text and the Li form are the same
    machine; a beat x = 1, y = 0 is where they part (seed: 1, Li: the held bit)."""
    p = CordivParams(hold_init=hold_init)
    r = random.Random(seed)
    beats = [b for b in gm.random_beats(r, 1500) if b != 1]          # x <= y bitwise
    assert _seed_form(p, beats) == _li(p, beats) == model.run_beats(p, beats).tolist()
    assert model.run_beats(p, [3, 0, 2, 1]).tolist() == [1, 1, 0, 0]  # h = 0 at the x=1, y=0 beat
    assert _seed_form(p, [3, 0, 2, 1]) == [1, 1, 0, 1]


def test_hold_init_until_first_divisor_one():
    assert model.run_beats(CordivParams(hold_init=1), [0, 1, 0, 2, 0]).tolist() == [1, 1, 1, 0, 0]
    assert model.run_beats(CordivParams(hold_init=0), [0, 1, 0, 3, 0]).tolist() == [0, 0, 0, 1, 1]


# -- arithmetic -------------------------------------------------------------------------------
# Streams: x = r < X, y = r < Y on ONE 12-bit LFSR (SCC = +1, x <= y bitwise for X <= Y),
# N = 4096.  The LFSR advances STRIDE = 11 steps per beat (an unrolled LFSR; 11 is coprime with
# the period 4095, so the decimated sequence still visits every state once per 4095 beats).
# Why: the hold repeats the x seen at the last y = 1 beat, so CORDIV needs the beat after a
# y = 1 to be unrelated to it; consecutive states of a shift register are not (s' = s >> 1
# ^ ...), and with one step per beat the quotient is biased (RMSE 0.06, errors to 0.17 over
# random X <= Y: test_one_step_lfsr_is_biased).
#
# Tolerance per (X, Y): |e| <= 4 (sigma + 1/N) + t/N, sigma the std of CORDIV on ideal random
# streams: z repeats each of the ~N py samples of x taken on y = 1 beats for a run of L beats,
# L geometric with E[L] = 1/py, E[L^2] = (2 - py)/py^2, so
#     sigma^2 = q (1 - q) E[L^2] / (N py E[L]^2) = q (1 - q) (2 - py) / (N py),   q = px/py;
# t = the beats before the first y = 1, which output hold_init instead of a sample of x (a
# start-up offset of at most t/N; e.g. X = Y = 491: q = 1, sigma = 0, 9 leading zeros).
# Measured with STRIDE = 11 over every X <= Y of this configuration, both hold_init (offline;
# test_quotient_every_x_for_many_y runs every 4th Y): worst (|e| - t/N) / (sigma + 1/N) = 3.53
# (X = 1032, Y = 1033: q = 0.999, where one long y = 0 run after the single x = 0, y = 1 beat
# is the whole error); over random pairs with Y >= 256 RMSE 0.0040, bias < 1e-4.  With
# STRIDE = 1 the worst is 17.6.
N = 4096
K_SIGMA = 4.0
STRIDE = 11


def _check_quotient(p, xx, yy, stride=STRIDE):
    """(estimate, ideal q, tolerance, sigma) for dividend X = xx, divisor Y = yy."""
    x, y, px, py = gm.streams(xx, yy, N, "positive", stride=stride)
    q = model.expected_probability(p, px, py)
    got = float(model.run(p, x, y).mean())
    sigma = np.sqrt(q * (1 - q) * (2 - py) / (N * py))
    lead = int(np.argmax(y)) if y.any() else N
    return got, q, K_SIGMA * (sigma + 1 / N) + lead / N, sigma


@pytest.mark.parametrize("py", [0.25, 0.5, 0.75, 0.95])
def test_quotient_for_several_x_le_y(py):
    """The quotient estimate P(z) ~ px / py for q = px/py in {0, 0.1, 0.25, 0.5, 0.75, 0.9, 1}."""
    p = CordivParams()
    enc = sng.SngParams(width=12)
    yy = int(sng.encode(enc, py))
    for q_want in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0):
        xx = int(sng.encode(enc, q_want * py))
        got, q, tol, _ = _check_quotient(p, xx, yy)
        assert abs(q - q_want) < 2e-3
        assert abs(got - q) <= tol, (xx, yy, got, q, tol)


def test_quotient_random_pairs(seed):
    """150 random X <= Y: each within the tolerance; RMSE within 1.5x the random-stream RMSE
    sqrt(mean sigma^2) (measured ratio: median 0.39, max 1.17 over 300 seeds; above 1 only
    when a pair with tiny P(y), where the t/N start-up term dominates, is drawn)."""
    p = CordivParams()
    r = np.random.default_rng(seed)
    errs, sig = [], []
    for _ in range(150):
        xx, yy = sorted(int(v) for v in r.integers(0, 4096, size=2))
        yy = max(yy, 2)                                              # P(y) > 0
        got, q, tol, sigma = _check_quotient(p, xx, yy)
        assert abs(got - q) <= tol, (xx, yy, got, q, tol)
        errs.append(got - q)
        sig.append(sigma)
    rmse, bound = float(np.sqrt(np.mean(np.square(errs)))), float(np.sqrt(np.mean(np.square(sig))))
    assert rmse <= 1.5 * bound, f"RMSE {rmse:.4f} > 1.5 x random-stream RMSE {bound:.4f}"


@pytest.mark.parametrize("hold_init", [0, 1])
def test_quotient_every_x_for_many_y(hold_init):
    """Every X <= Y for every 4th Y at once, by an independent route: z_k is x at the last beat
    j <= k with y_j = 1, i.e. [r_j < X], so count(z)(X) = #{k: r_last(k) < X} + hold_init t (a
    histogram of the held r, cumulated over X) -- cross-checked against model.run."""
    p = CordivParams(hold_init=hold_init)
    r = sng.numbers(gm.sng_pair("positive")[0], N * STRIDE)[0][::STRIDE].astype(np.int64)
    px = np.maximum(np.arange(4096) - 1, 0) / 4095
    for yy in range(2, 4096, 4):
        y = r < yy
        last = np.maximum.accumulate(np.where(y, np.arange(N), -1))
        lead = int(np.sum(last < 0))
        held = np.bincount(r[last[last >= 0]], minlength=4097)
        count = np.concatenate([[0], np.cumsum(held)])[:yy + 1] + hold_init * lead
        py = (yy - 1) / 4095
        q = np.minimum(1, px[:yy + 1] / py)
        sigma = np.sqrt(q * (1 - q) * (2 - py) / (N * py))
        bad = np.abs(count / N - q) > K_SIGMA * (sigma + 1 / N) + lead / N
        assert not bad.any(), (yy, np.nonzero(bad)[0][:5])
        if yy % 512 == 2:
            xx = yy // 3
            x, yb, _, _ = gm.streams(xx, yy, N, "positive", stride=STRIDE)
            assert count[xx] == model.run(p, x, yb).sum()


def test_one_step_lfsr_is_biased(seed):
    """The documented pitfall: the same pairs with the LFSR stepping once per beat give a biased
    quotient (measured RMSE 0.06 against 0.004)."""
    p = CordivParams()
    r = np.random.default_rng(seed)
    e1, e11 = [], []
    for _ in range(100):
        xx, yy = sorted(int(v) for v in r.integers(256, 4096, size=2))
        e1.append(_check_quotient(p, xx, yy, stride=1)[0] - _check_quotient(p, xx, yy)[1])
        e11.append(_check_quotient(p, xx, yy)[0] - _check_quotient(p, xx, yy)[1])
    assert np.sqrt(np.mean(np.square(e1))) > 0.03 > 3 * np.sqrt(np.mean(np.square(e11)))


def test_outside_the_precondition():
    """px > py with SCC = +1 saturates at 1 (y = 1 implies x = 1); independent inputs give
    P(z) ~ px, not px/py; py = 0 gives hold_init."""
    p = CordivParams()
    x, y, px, py = gm.streams(3000, 1000, N, "positive", stride=STRIDE)
    z = model.run(p, x, y)
    first = int(np.argmax(y))
    assert z[first:].all() and model.expected_probability(p, px, py) == 1.0
    x, y, px, py = gm.streams(1000, 2000, N, "independent", stride=STRIDE)
    assert abs(float(model.run(p, x, y).mean()) - px) < 0.03 and px / py > 0.45
    for h in (0, 1):
        q = CordivParams(hold_init=h)
        x, y, px, py = gm.streams(2000, 0, N, "positive")
        assert model.run(q, x, y).tolist() == [h] * N
        assert model.expected_probability(q, px, py) == h


def test_expected_values():
    p = CordivParams()
    assert model.expected_probability(p, 0.25, 0.5) == 0.5
    assert model.expected_probability(p, [0.5, 0.1, 0.0], [0.25, 0.0, 0.5]).tolist() == [1, 0, 0]


# -- Params -------------------------------------------------------------------------------------

test_bad_params_raise = bad_params_test(CordivParams, [
    ({"hold_init": 2}, ["CordivParams.hold_init = 2", "0..1"]),
    ({"hold_init": -1}, ["CordivParams.hold_init = -1", "0..1"]),
    ({"hold_init": True}, ["CordivParams.hold_init = True", "an integer 0..1"]),
])


def test_params_random_and_from_dict():
    assert {CordivParams.random(random.Random(s)).hold_init for s in range(40)} == {0, 1}
    assert CordivParams.from_dict({"hold_init": "1"}) == CordivParams(hold_init=1)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="allowed two 1-D arrays of equal length"):
        model.run(CordivParams(), [0, 1], [1])
    with pytest.raises(ValueError, match="b_bits: allowed 0/1"):
        model.run(CordivParams(), [1], [3])
    with pytest.raises(ValueError, match="stride = 3: allowed a positive integer coprime"):
        gm.streams(1, 1, 10, "positive", stride=3)

# SPDX-License-Identifier: Apache-2.0
"""neuron.alif: converted Verilog vs the model over random configurations, with idle and
back-pressure on both streams, status_sat compared beat by beat, saturation corners, drive that
lands v exactly on the threshold (``>=`` vs ``>``) and a mid-stream reset; the model vs an
independent plain-Python re-derivation (exact) and vs the real-valued ALIF equations (a per-step
bound derived from the model's own state)."""
import operator
import random
from fractions import Fraction

import cocotb
import numpy as np
import pytest

from neurohdl import QFormatError
from neurohdl.models.neuron import alif as model
from neurohdl.models.neuron._common import smax, smin, stimulus
from neurohdl.models.neuron.alif import AlifParams
from neurohdl.verif.common.runner import params_for, run_mutant, skip_unless_rotated
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, neuron_tests,
                                           step_equals_population)


def corners(p: AlifParams, rng) -> list[int]:
    """The largest input for many steps (v clips, spikes every step, a climbs to 2^aw - 1),
    the smallest (v clips negative), silence (a and v decay), alternating extremes."""
    lo, hi = smin(p.in_width), smax(p.in_width)
    return [hi] * 80 + [0] * 20 + [lo] * 60 + [hi, lo] * 20 + [hi] * 30


# a reset returns v and a to 0 and clears status_sat; must-fail: a model fed i ^ 1 (the first
# input is 0: the first beat's v is 0 in the RTL and 1 there, or the mutated one fires)
TESTS = neuron_tests(
    model, quiet_in_reset=True,
    encode=model.to_tdata, n=150, reset_n=150, reset_before=70, reset_after=100,
    must_fail_stimulus=lambda p, rng, n: [0] + stimulus(p, rng, 40),
    mutant=lambda p, i: model.run_tdata(p, [x ^ 1 for x in i])[0])
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)


def edge_stimulus(p: AlifParams, rng: random.Random, n: int):
    """Drive chosen step by step from the model so that the pre-reset membrane lands exactly on
    the threshold (v_i == theta: fire under ``>=``, not under ``>``), or one LSB either side of
    it; where the input range cannot reach it, the nearest input.  The first reachable step is
    always an exact hit.  Returns (inputs, exact hits)."""
    st, xs, hits = model.init(p), [], 0
    lo, hi = smin(p.in_width), smax(p.in_width)
    for _ in range(n):
        v, a = st
        leak = model.tz(v * p.beta, p.beta_frac)
        th = model.theta(p, a)
        x = max(lo, min(hi, th - leak + (rng.choice((0, 0, 0, -1, 1)) if hits else 0)))
        hits += leak + x == th
        xs.append(x)
        st, _ = model.step(p, st, x)
    return xs, hits


def can_fire(p: AlifParams) -> bool:
    """The largest input from reset fires at some step (v grows monotonically to its largest
    reachable value with theta at theta0): otherwise no input ever fires, and ``>=`` and ``>``
    are the same design."""
    st = model.init(p)
    for _ in range(400):
        st, (spike, _, _) = model.step(p, st, smax(p.in_width))
        if spike:
            return True
    return False


@cocotb.test()
async def fires_at_equal_threshold(dut):
    """v_i == theta fires (``>=``): every configuration that can fire at all gets exact hits."""
    tb = await TESTS.bench(dut, "random", "random")
    i, hits = edge_stimulus(tb.p, tb.rng("edge"), 120)
    assert hits > 0 or not can_fire(tb.p), f"edge stimulus never reached theta; {tb.p}"
    got = await TESTS.exchange(tb, i, len(i))
    TESTS.compare(tb, got, i, f"edge ({hits} exact hits)")
    tb.check_protocol()


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..2 pin the reset modes and the no-leak/no-memory corner; 3..5 are random
PINS = [{"reset": "zero"}, {"reset": "subtract"}, {"beta": 0, "rho": 0}, {}, {}, {}]


test_alif, test_alif_verilator = core_tests("neuron.alif", PINS)


def test_ge_turned_gt_is_caught(seed, tmp_path):
    """The planted bug of issue 12: the RTL's ``v_i >= theta`` turned ``>`` fails the edge test
    (one seed-drawn configuration that can fire; the edge test alone; in the runs whose
    must_fail rotation has neuron.alif, make regress: always)."""
    skip_unless_rotated("must_fail", "neuron.alif")
    r = random.Random(seed)
    p = next(q for q in (params_for("neuron.alif", r.randrange(2**31)) for _ in range(50))
             if can_fire(q))
    res = run_mutant("neuron.alif", p, seed, tmp_path, [(r"(_fire = \(\S+) >= ", r"\1 > ")],
                     testcase=["fires_at_equal_threshold"])
    assert res.tests == 1 and res.failed == 1, (res.summary(), p)


def reference(p: AlifParams, inputs, fires=operator.ge):
    """Independent plain-Python re-derivation: exact rationals, int() truncating toward zero,
    explicit comparisons for the clips.  Returns [(tdata, sticky sat)].  ``fires(u, theta)``:
    the spike rule (a must-fail passes ``operator.gt``)."""
    scale = 2 ** p.beta_frac
    beta, rho, beta_a = Fraction(p.beta, scale), Fraction(p.rho, scale), Fraction(p.beta_a, scale)
    vmin, vmax = -2 ** (p.width - 1), 2 ** (p.width - 1) - 1
    amax = 2 ** p.a_width - 1
    v, a, sat, out = 0, 0, False, []
    for x in inputs:
        theta = p.threshold + int(beta_a * a)
        u = int(beta * v) + x
        if u > vmax or u < vmin:
            sat, u = True, max(vmin, min(vmax, u))
        fire = fires(u, theta)
        if fire:
            u = u - theta if p.reset == "subtract" else 0
        a = int(rho * a) + (p.a_inc if fire else 0)
        if a > amax:
            sat, a = True, amax
        v = u
        out.append(((a << (p.width + 1)) | ((v % 2 ** p.width) << 1) | int(fire), sat))
    return out


def model_words(p, i):
    tdata, sats = model.run_tdata(p, i)
    return [(int(t), bool(s)) for t, s in zip(tdata, sats)]


@pytest.mark.parametrize("cfg", range(30))
def test_model_matches_reference(cfg):
    """Exact, beat for beat, over random drive and over drive that lands v on theta."""
    r = random.Random(cfg)
    p = AlifParams.random(r, **PINS[cfg % 3])
    for i in (stimulus(p, r, 300), edge_stimulus(p, r, 150)[0]):
        assert model_words(p, i) == reference(p, i), p


def test_edge_stimulus_tells_ge_from_gt():
    """Must-fail of the exact comparison: a reference that fires on ``>`` differs from the model
    on the edge stimulus in every configuration that can fire (30 random ones)."""
    told = fireable = 0
    for cfg in range(30):
        r = random.Random(1000 + cfg)
        p = AlifParams.random(r)
        if can_fire(p):
            fireable += 1
            i, hits = edge_stimulus(p, r, 120)
            told += hits > 0 and model_words(p, i) != reference(p, i, operator.gt)
    assert fireable >= 12 and told == fireable, (told, fireable)


@pytest.mark.parametrize("cfg", range(8))
def test_step_equals_population(cfg):
    """The scalar step (v and a) against the population form; theta at each step is the one
    of the previous step's a (0 at the first)."""
    r = random.Random(200 + cfg)
    p = AlifParams.random(r)
    I = np.array([stimulus(p, random.Random(r.random()), 200) for _ in range(6)]).T
    pop, spikes, v, _ = step_equals_population(model, p, I, lambda st: {"a": st[1]})
    a_before = np.vstack([np.zeros((1, I.shape[1]), dtype=np.int64), pop["a"][:-1]])
    assert [[model.theta(p, int(a)) for a in row] for row in a_before] == pop["theta"].tolist()
    s_, v_, a_ = model.unpack(p, model.run_tdata(p, I[:, 0])[0])
    assert np.array_equal(s_, spikes[:, 0]) and np.array_equal(v_, v[:, 0])
    assert np.array_equal(a_, pop["a"][:, 0])


def test_magnitude_shift_decays_negative_v_to_zero():
    """tz rounds toward 0: a negative membrane decays to 0 (a floor shift would stick at -1)."""
    p = AlifParams(width=16, in_width=8, beta_frac=8, beta=250, threshold=100)
    _, v, _ = model.run_population(p, [-128] + [0] * 400)
    assert v[0, 0] == -128 and v[-1, 0] == 0 and np.all(np.diff(v[:, 0]) >= 0)
    assert model.tz(-5, 1) == -2 and model.tz(5, 1) == 2 and model.tz(-1, 3) == 0


# -- real-valued reference ---------------------------------------------------------------------

def float_alif(p: AlifParams, I):
    """The ALIF equations in reals: theta = theta0 + beta_a a; v = beta v + I; spike when
    v >= theta; v -= theta (or 0); a = rho a + a_inc spike.  I: (T,) or (T, N)."""
    I = np.asarray(I, dtype=np.float64)
    s = 2.0 ** p.beta_frac
    beta, rho, beta_a = p.beta / s, p.rho / s, p.beta_a / s
    v = np.zeros(I.shape[1:])
    a = np.zeros(I.shape[1:])
    vs, spikes = np.zeros(I.shape), np.zeros(I.shape, dtype=bool)
    for t in range(I.shape[0]):
        th = p.threshold + beta_a * a
        v = beta * v + I[t]
        f = v >= th
        v = np.where(f, v - th if p.reset == "subtract" else 0.0, v)
        a = rho * a + p.a_inc * f
        vs[t], spikes[t] = v, f
    return vs, spikes


@pytest.mark.parametrize("beta", [0, 128, 240, 255])
def test_subthreshold_within_quantisation_bound(beta):
    """2000 steps of random drive that never reaches the threshold (a stays 0): the integer
    membrane stays within E(t) = beta E(t-1) + 1 < 1 / (1 - beta) LSB of the real leaky
    integrator (documented bound: each magnitude shift loses < 1 LSB)."""
    p = AlifParams(width=24, in_width=12, beta_frac=8, beta=beta, threshold=smax(24))
    rng = np.random.default_rng(beta)
    I = rng.integers(-2000, 2001, size=(2000, 8))
    spikes, v, sat = model.run_population(p, I)
    assert not spikes.any() and not sat.any()
    vf, sf = float_alif(p, I)
    assert not sf.any()
    b = beta / 256
    bound = np.cumsum(b ** np.arange(2000))[:, None]
    assert np.all(np.abs(v - vf) <= bound + 1e-9)
    assert bound.max() <= 1 / (1 - b) + 1e-9


def step_bound_violations(p: AlifParams, I):
    """Each step of the model against one step of the real ALIF equations taken from the model's
    own previous state (v, a), so errors cannot accumulate.  Stated bound (the magnitude shifts
    tz round toward 0 and lose < 1 LSB each; theta's shift floors, a >= 0):

    * u_r = beta v + I, theta_r = theta0 + beta_a a; the model's v_i = u_r - e_u, |e_u| < 1,
      and its theta = theta_r - e_t, 0 <= e_t < 1.  So D_r = u_r - theta_r >= 1 must fire and
      D_r <= -2 must not (only -2 < D_r < 1 may go either way; the exact rule at D = 0 is
      checked exactly by test_model_matches_reference);
    * v' within 1 LSB of u_r without a spike; after a spike within (-1, 2) of u_r - theta_r
      (subtract) or 0 (zero);
    * a' within 1 LSB of rho a + a_inc s (s the model's spike) unless it clipped (sat).

    Returns the violated steps as text (none expected)."""
    I = np.asarray(I, dtype=np.int64).reshape(len(I), -1)
    st = model.run_population_states(p, I)
    sc = 2.0 ** p.beta_frac
    beta, rho, beta_a = p.beta / sc, p.rho / sc, p.beta_a / sc
    bad = []
    for n in range(I.shape[1]):
        v, a = 0, 0
        for t in range(I.shape[0]):
            u_r, th_r = beta * v + I[t, n], p.threshold + beta_a * a
            d, s_ = u_r - th_r, bool(st["spike"][t, n])
            v1, a1, sat_ = int(st["v"][t, n]), int(st["a"][t, n]), bool(st["sat"][t, n])
            ok = not ((d >= 1 and not s_) or (d <= -2 and s_))
            if not sat_:
                if not s_:
                    ok &= abs(v1 - u_r) < 1
                elif p.reset == "subtract":
                    ok &= -1 < v1 - d < 2
                else:
                    ok &= v1 == 0
                ok &= abs(a1 - (rho * a + p.a_inc * s_)) < 1
            if not ok:
                bad.append(f"neuron {n} step {t}: v={v} a={a} I={I[t, n]} -> D_r={d:.3f} "
                           f"spike={s_} v'={v1} a'={a1}")
            v, a = v1, a1
    return bad


@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("rho, beta_a, a_inc", [(0, 256, 1), (248, 256, 32), (255, 64, 200),
                                                (240, 1024, 16)])
def test_supra_threshold_steps_within_bound(reset, rho, beta_a, a_inc):
    """Constant drive from 1.1x to 20x the base threshold's leak-balanced level, and random
    drive, 600 steps: every step within the bound of :func:`step_bound_violations` (it holds at
    any drive, unlike a spike-count tolerance)."""
    p = AlifParams(width=20, in_width=16, beta_frac=8, beta=240, threshold=4096, rho=rho,
                   a_width=12, a_inc=a_inc, beta_a=beta_a, reset=reset)
    level = p.threshold * (1 - p.beta / 256)
    c = [int(round(level * m)) for m in (1.1, 1.5, 2, 5, 20)]
    I = np.column_stack([np.tile(np.array(c), (600, 1)),
                         np.random.default_rng(rho + beta_a).integers(-2000, 8000, (600, 2))])
    spikes = model.run_population(p, I)[0]
    assert spikes[:, :5].sum(axis=0).min() > 0          # every drive fires
    assert step_bound_violations(p, I) == []


def test_step_bound_catches_a_wrong_model(monkeypatch):
    """Must-fail: a model whose leak is one LSB of beta too strong breaks the bound at high
    drive, where the old count tolerance (|n - nf| <= nf/m + 2) let it through."""
    p = AlifParams(width=20, in_width=16, beta_frac=8, beta=240, threshold=4096, rho=248,
                   a_width=12, a_inc=32, beta_a=256)
    I = np.full((300, 1), int(20 * p.threshold * (1 - p.beta / 256)))
    assert step_bound_violations(p, I) == []
    real = model.run_population_states
    monkeypatch.setattr(model, "run_population_states",
                        lambda q, J, state0=None: real(q.replace(beta=q.beta - 1), J, state0))
    assert step_bound_violations(p, I) != []


def test_adaptation_lowers_the_rate():
    """Spike-frequency adaptation: with beta_a > 0 the late rate is below the early rate."""
    p = AlifParams(width=20, in_width=16, beta_frac=8, beta=240, threshold=4096, rho=252,
                   a_width=12, a_inc=64, beta_a=2048)
    spikes, _, _ = model.run_population(p, np.full(600, 600))
    assert spikes[:100].sum() > spikes[500:].sum() > 0


test_bad_params_raise = bad_params_test(AlifParams, [
    ({"beta": 256}, "0..255"),
    ({"rho": -1}, "0..255"),
    ({"beta_frac": 4, "beta": 16}, ["AlifParams.beta = 16", "0..15"]),
    ({"threshold": 0}, "1..32767"),
    ({"width": 8, "frac_bits": 0, "threshold": 128}, ["AlifParams.threshold = 128", "1..127"]),
    ({"a_width": 4, "a_inc": 16}, ["AlifParams.a_inc = 16", "1..15"]),
    ({"a_width": 17}, "1..16"),
    ({"beta_a": 1 << 16}, "0..65535"),
    ({"reset": "to_v_reset"}, "'subtract', 'zero'"),
    ({"width": 2}, "3..32"),
])


def test_from_real_exact_or_error():
    p = AlifParams.from_real(threshold=1.5, beta=0.9375, rho=0.96875)
    assert (p.threshold, p.beta, p.rho) == (384, 240, 248)
    with pytest.raises(QFormatError, match="AlifParams.rho = 0.95"):
        AlifParams.from_real(rho=0.95)


def test_derived_widths():
    p = AlifParams(width=16, a_width=8, beta_a=65535, beta_frac=1, beta=1, rho=1,
                   threshold=32767)
    assert p.adapt_max == (65535 * 255) >> 1 and p.theta_width == (32767 + p.adapt_max).bit_length()
    assert p.out_width == 1 + 16 + 8 and p.sum_width == 17
    q = AlifParams(beta_a=0)
    assert q.adapt_max == 0 and q.theta_max == q.threshold


def test_bad_input_raises():
    with pytest.raises(ValueError, match="outside the 8-bit signed range"):
        model.run_population(AlifParams(in_width=8), [128])

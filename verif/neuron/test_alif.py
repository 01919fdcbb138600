# SPDX-License-Identifier: Apache-2.0
"""neuron.alif: converted Verilog vs the model over random configurations, with idle and
back-pressure on both streams, status_sat compared beat by beat, saturation corners and a
mid-stream reset; the model vs an independent plain-Python re-derivation and vs the real-valued
ALIF equations."""
import random
from fractions import Fraction

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl import ParamError, QFormatError
from neurohdl.models.neuron import alif as model
from neurohdl.models.neuron._common import smax, smin, stimulus
from neurohdl.models.neuron.alif import AlifParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

InBus, InTransaction, InSource, _, _ = make_stream("In")
OutBus, _, _, OutSink, _ = make_stream("Out")
N_BEATS = 150


async def watch_sat(dut, sats: list):
    """status_sat as seen with each m_out transfer (it covers that beat and all before)."""
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if not dut.rst.value and dut.m_out_tvalid.value and dut.m_out_tready.value:
            sats.append(int(dut.status_sat.value))


async def _setup(dut, idle, stall):
    p = params_from_env(AlifParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = InSource(InBus.from_prefix(dut, "s_in"), dut.clk, dut.rst)
    sink = OutSink(OutBus.from_prefix(dut, "m_out"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(idle, run_seed(), "s_in"))
    sink.set_pause_generator(pauses(stall, run_seed(), "m_out"))
    errors: list[str] = []
    sats: list[int] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_out", errors))
    cocotb.start_soon(watch_sat(dut, sats))
    await reset(dut)
    return p, source, sink, errors, sats


async def _exchange(p, source, sink, i):
    for w in model.to_tdata(p, i):
        source.send_nowait(InTransaction(tdata=w))
    return [int((await sink.recv()).tdata) for _ in i]


def _check(p, i, got, sats, what):
    want, want_sat = model.run_tdata(p, i)
    compare(got, expected(want, run_seed()), f"{what} m_out", str(p))
    compare(sats, expected(want_sat, run_seed() + 1), f"{what} status_sat", str(p))


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_in idle pattern x m_out back-pressure pattern."""
    p, source, sink, errors, sats = await _setup(dut, idle, stall)
    i = stimulus(p, random.Random(f"{run_seed()}:{idle}:{stall}"), N_BEATS)
    got = await _exchange(p, source, sink, i)
    await ClockCycles(dut.clk, 3)
    _check(p, i, got, sats, f"pauses=({idle},{stall})")
    assert sink.empty(), f"extra m_out beats; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def saturation_corners(dut):
    """The largest input for many steps (v clips, spikes every step, a climbs to 2^aw - 1),
    the smallest (v clips negative), silence (a and v decay), alternating extremes."""
    p, source, sink, errors, sats = await _setup(dut, "random", "random")
    lo, hi = smin(p.in_width), smax(p.in_width)
    i = [hi] * 80 + [0] * 20 + [lo] * 60 + [hi, lo] * 20 + [hi] * 30
    got = await _exchange(p, source, sink, i)
    _check(p, i, got, sats, "corners")
    assert not errors, errors[:3]


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset with beats in flight returns v and a to 0 and clears status_sat."""
    p, source, sink, errors, sats = await _setup(dut, "random", "random")
    i = stimulus(p, random.Random(f"{run_seed()}:reset"), 150)
    for w in model.to_tdata(p, i):
        source.send_nowait(InTransaction(tdata=w))
    first = [int((await sink.recv()).tdata) for _ in range(70)]
    await reset(dut, 2)
    source.clear()
    sink.clear()
    await ReadOnly()
    assert int(dut.status_sat.value) == 0 and int(dut.m_out_tvalid.value) == 0
    await RisingEdge(dut.clk)
    n_first = len(sats)
    again = await _exchange(p, source, sink, i[:100])
    _check(p, i[:70], first, sats[:70], "before reset")
    _check(p, i[:100], again, sats[n_first:], "after reset")
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model fed i ^ 1 must fail (the first input is 0, so the
    first beat's v is 0 in the RTL and 1 in the mutated model, or the mutated one fires)."""
    p, source, sink, _, _ = await _setup(dut, None, None)
    i = [0] + stimulus(p, random.Random(f"{run_seed()}:mf"), 40)
    got = await _exchange(p, source, sink, i)
    want = [int(w) for w in model.run_tdata(p, [x ^ 1 for x in i])[0]]
    compare(got, want, "m_out", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..2 pin the reset modes and the no-leak/no-memory corner; 3..5 are random
PINS = [{"reset": "zero"}, {"reset": "subtract"}, {"beta": 0, "rho": 0}, {}, {}, {}]


@pytest.mark.parametrize("i", range(6))
def test_alif(i, seed, tmp_path):
    p = params_for("neuron.alif", seed, **PINS[i])
    if PINS[i]:
        print("[config] pinned: replay with `neurohdl sim neuron.alif --seed "
              f"{seed} " + " ".join(f"--set {k}={v}" for k, v in PINS[i].items()) + "`")
    check_core("neuron.alif", seed, tmp_path, p=p)


def test_alif_verilator(seed, tmp_path):
    check_core("neuron.alif", seed, tmp_path, sim="verilator")


def reference(p: AlifParams, inputs):
    """Independent plain-Python re-derivation: exact rationals, int() truncating toward zero,
    explicit comparisons for the clips.  Returns [(tdata, sticky sat)]."""
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
        fire = u >= theta
        if fire:
            u = u - theta if p.reset == "subtract" else 0
        a = int(rho * a) + (p.a_inc if fire else 0)
        if a > amax:
            sat, a = True, amax
        v = u
        out.append(((a << (p.width + 1)) | ((v % 2 ** p.width) << 1) | int(fire), sat))
    return out


@pytest.mark.parametrize("cfg", range(30))
def test_model_matches_reference(cfg):
    r = random.Random(cfg)
    p = AlifParams.random(r, **PINS[cfg % 3])
    i = stimulus(p, r, 300)
    tdata, sats = model.run_tdata(p, i)
    assert [(int(t), bool(s)) for t, s in zip(tdata, sats)] == reference(p, i), p


@pytest.mark.parametrize("cfg", range(8))
def test_step_equals_population(cfg):
    r = random.Random(200 + cfg)
    p = AlifParams.random(r)
    I = np.array([stimulus(p, random.Random(r.random()), 200) for _ in range(6)]).T
    pop = model.run_population_states(p, I)
    spikes, v, sat = model.run_population(p, I)
    assert np.array_equal(spikes, pop["spike"]) and np.array_equal(v, pop["v"])
    for n in range(I.shape[1]):
        st = model.init(p)
        for t in range(I.shape[0]):
            assert model.theta(p, st[1]) == pop["theta"][t, n]
            st, (s_, v_, sat_) = model.step(p, st, int(I[t, n]))
            assert (s_, v_, sat_, st[1]) == (spikes[t, n], v[t, n], sat[t, n], pop["a"][t, n])
    words, sticky = model.run_tdata(p, I[:, 0])
    s_, v_, a_ = model.unpack(p, words)
    assert np.array_equal(s_, spikes[:, 0]) and np.array_equal(v_, v[:, 0])
    assert np.array_equal(a_, pop["a"][:, 0])
    assert np.array_equal(sticky, np.logical_or.accumulate(sat[:, 0]))


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


@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("rho, beta_a, a_inc", [(0, 256, 1), (248, 256, 32), (255, 64, 200),
                                                (240, 1024, 16)])
def test_supra_threshold_spike_counts(reset, rho, beta_a, a_inc):
    """Constant drive from 1.1x to 20x the base threshold's leak-balanced level, 1000 steps.
    Documented tolerance: |n - nf| <= nf / m + 2, m = the real model's shortest inter-spike
    interval, i.e. each interval may come out one step shorter or longer (the magnitude shifts
    shrink v and a by < 1 LSB per step, which can move a marginal crossing by one step either
    way: a smaller a lowers the threshold).  Most drives give equal or near-equal counts."""
    p = AlifParams(width=20, in_width=16, beta_frac=8, beta=240, threshold=4096, rho=rho,
                   a_width=12, a_inc=a_inc, beta_a=beta_a, reset=reset)
    level = p.threshold * (1 - p.beta / 256)
    c = [int(round(level * m)) for m in (1.1, 1.5, 2, 5, 20)]
    I = np.tile(np.array(c), (1000, 1))
    spikes, _, sat = model.run_population(p, I)
    _, sf = float_alif(p, I)
    close = 0
    for j in range(len(c)):
        if sat[:, j].any():             # a clipped at 2^aw - 1: the real model has no ceiling
            continue
        n, nf = int(spikes[:, j].sum()), int(sf[:, j].sum())
        m = int(np.diff(np.nonzero(sf[:, j])[0]).min()) if nf > 1 else 1
        assert abs(n - nf) <= nf / m + 2, (c[j], n, nf, m)
        close += abs(n - nf) <= 2
    assert close >= 3


def test_adaptation_lowers_the_rate():
    """Spike-frequency adaptation: with beta_a > 0 the late rate is below the early rate."""
    p = AlifParams(width=20, in_width=16, beta_frac=8, beta=240, threshold=4096, rho=252,
                   a_width=12, a_inc=64, beta_a=2048)
    spikes, _, _ = model.run_population(p, np.full(600, 600))
    assert spikes[:100].sum() > spikes[500:].sum() > 0


@pytest.mark.parametrize("kw, words", [
    ({"beta": 256}, ["AlifParams.beta = 256", "0..255"]),
    ({"rho": -1}, ["AlifParams.rho = -1", "0..255"]),
    ({"beta_frac": 4, "beta": 16}, ["AlifParams.beta = 16", "0..15"]),
    ({"threshold": 0}, ["AlifParams.threshold = 0", "1..32767"]),
    ({"width": 8, "frac_bits": 0, "threshold": 128}, ["AlifParams.threshold = 128", "1..127"]),
    ({"a_width": 4, "a_inc": 16}, ["AlifParams.a_inc = 16", "1..15"]),
    ({"a_width": 17}, ["AlifParams.a_width = 17", "1..16"]),
    ({"beta_a": 1 << 16}, ["AlifParams.beta_a = 65536", "0..65535"]),
    ({"reset": "to_v_reset"}, ["AlifParams.reset = 'to_v_reset'", "'subtract', 'zero'"]),
    ({"width": 2}, ["AlifParams.width = 2", "3..32"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        AlifParams(**kw)
    for w in words:
        assert w in str(e.value)


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

# SPDX-License-Identifier: Apache-2.0
"""neuron.sc_lif_popcount: converted Verilog vs the model over random configurations, with idle
and back-pressure on both streams, status_sat compared beat by beat; model vs an independent
re-derivation and vs the continuous (float) leaky integrator."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.neuron import sc_lif_popcount as model
from neurohdl.models.neuron.sc_lif_popcount import ScLifPopcountParams
from neurohdl.rtl.neuron.sc_lif_popcount import stimulus
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
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
    p = params_from_env(ScLifPopcountParams)
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


async def _exchange(source, sink, words):
    for w in words:
        source.send_nowait(InTransaction(tdata=int(w)))
    return [int((await sink.recv()).tdata) for _ in words]


def _check(p, words, got, sats, what):
    want, want_sat = model.run(p, words)
    compare(got, expected(want, run_seed()), f"{what} m_out", str(p))
    compare(sats, expected(want_sat, run_seed() + 1), f"{what} status_sat", str(p))


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_in idle pattern x m_out back-pressure pattern."""
    p, source, sink, errors, sats = await _setup(dut, idle, stall)
    words = stimulus(p, random.Random(f"{run_seed()}:{idle}:{stall}"), N_BEATS)
    got = await _exchange(source, sink, words)
    await ClockCycles(dut.clk, 3)
    _check(p, words, got, sats, f"pauses=({idle},{stall})")
    assert sink.empty(), f"extra m_out beats; {p}"
    assert int(dut.status_sat.value) == expected([model.run(p, words)[1][-1]], run_seed())[0]
    assert not errors, errors[:3]


@cocotb.test()
async def saturation_corners(dut):
    """All-ones words for many ticks (the largest membrane, saturating at narrow widths), then
    all-zero and one-hot words."""
    p, source, sink, errors, sats = await _setup(dut, "random", "random")
    full = (1 << p.k) - 1
    words = [full] * 60 + [0] * 20 + [1 << (p.k - 1)] * 20 + [full] * 40
    got = await _exchange(source, sink, words)
    _check(p, words, got, sats, "corners")
    assert not errors, errors[:3]


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset with beats in flight returns the membrane to 0 and clears status_sat."""
    p, source, sink, errors, sats = await _setup(dut, "random", "random")
    words = stimulus(p, random.Random(f"{run_seed()}:reset"), 150)
    for w in words:
        source.send_nowait(InTransaction(tdata=int(w)))
    first = [int((await sink.recv()).tdata) for _ in range(60)]
    await reset(dut, 2)
    source.clear()
    sink.clear()
    assert int(dut.status_sat.value) == 0
    n_first = len(sats)
    again = await _exchange(source, sink, words[:100])
    _check(p, words[:60], first, sats[:60], "before reset")
    _check(p, words[:100], again, sats[n_first:], "after reset")
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model that ignores the top input bit must fail (the first
    word after reset sets only that bit, so the first beat already differs)."""
    p, source, sink, _, _ = await _setup(dut, None, None)
    top = 1 << (p.k - 1)
    words = [top] + stimulus(p, random.Random(f"{run_seed()}:mf"), 60)
    got = await _exchange(source, sink, words)
    mutated = [(w & (top - 1)) if p.k > 1 else w ^ 1 for w in words]
    compare(got, model.run(p, mutated)[0], "m_out", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(6))
def test_sc_lif_popcount(i, seed, tmp_path):
    check_core("neuron.sc_lif_popcount", seed, tmp_path)


def test_sc_lif_popcount_verilator(seed, tmp_path):
    check_core("neuron.sc_lif_popcount", seed, tmp_path, sim="verilator")


def reference(k, shift, threshold, v_reset, width, words):
    """Independent plain-Python transcription of the contract (string popcount)."""
    v, out, sat = 0, [], False
    for w in words:
        pre = v // 2 ** shift + format(w, f"0{k}b")[-k:].count("1")
        if pre >= 2 ** width:
            pre, sat = 2 ** width - 1, True
        fire = pre > threshold
        v = v_reset if fire else pre
        out.append((2 * v + fire, int(sat)))
    return out


@pytest.mark.parametrize("cfg", range(30))
def test_model_matches_reference_and_step(cfg):
    r = random.Random(cfg)
    p = ScLifPopcountParams.random(r)
    words = stimulus(p, r, 400)
    tdata, sats = model.run(p, words)
    assert list(zip(tdata, sats)) == reference(p.k, p.shift, p.threshold, p.v_reset, p.width,
                                               words)
    st, acc = model.initial_state(p), 0
    for w, d, s in zip(words, tdata, sats):
        st, (spk, v, sat) = model.step(p, st, w)
        acc |= sat
        assert (2 * v + spk, acc) == (d, s)


def test_population_equals_scalar_steps():
    p = ScLifPopcountParams(k=20, shift=0, threshold=25, v_reset=3, width=5)
    rng = np.random.default_rng(7)
    I = rng.integers(0, 1 << 20, size=(300, 16), dtype=np.uint64)
    I[:60, :4] = (1 << 20) - 1                   # saturating runs on some neurons
    spikes, v, sat = model.run_population(p, I)
    assert sat.any() and spikes.any()
    for n in range(16):
        st = model.initial_state(p)
        for t in range(300):
            st, (s_, v_, sat_) = model.step(p, st, int(I[t, n]))
            assert (s_, v_, sat_) == (spikes[t, n], v[t, n], sat[t, n])


@pytest.mark.parametrize("k, shift, thr, rst", [(1, 0, 0, 0), (64, 0, 1000, 999), (64, 1, 200, 5),
                                                (7, 3, 3, 40), (33, 16, 10, 0), (16, 1, 0, 0)])
def test_derived_width_never_saturates(k, shift, thr, rst):
    """The derived width holds every reachable value: all-ones, alternating and random words."""
    p = ScLifPopcountParams(k=k, shift=shift, threshold=thr, v_reset=rst)
    assert not p.can_saturate and p.width == model.min_width(k, shift, thr, rst)
    rng = np.random.default_rng(k)
    full = (1 << k) - 1
    I = np.concatenate([np.full((400, 1), full, dtype=np.uint64),
                        rng.integers(0, full, size=(400, 1), dtype=np.uint64, endpoint=True)])
    _, v, sat = model.run_population(p, I)
    assert not sat.any() and v.max() <= model.state_bound(k, shift, thr, rst)
    assert p.width >= bits_for(max(thr, rst))


def float_reference(c: float, shift: int, threshold: float, v_reset: float, T: int):
    """The continuous leaky integrator the neuron discretises: v <- v / 2^shift + c (reals),
    fire when v > threshold, v <- v_reset."""
    v, spikes, vs = 0.0, 0, []
    for _ in range(T):
        v = v / 2 ** shift + c
        if v > threshold:
            spikes, v = spikes + 1, v_reset
        vs.append(v)
    return spikes, np.array(vs)


@pytest.mark.parametrize("shift", [1, 2, 3, 5])
def test_subthreshold_within_quantisation_bound(shift):
    """Never firing, the integer membrane stays within 2^s/(2^s - 1) <= 2 LSB below the real
    leaky integrator (each floor drops < 1 LSB, shrunk by the leak every tick): documented."""
    k = 40
    p = ScLifPopcountParams(k=k, shift=shift, threshold=(1 << 20) - 1)
    rng = np.random.default_rng(shift)
    for c in (1, 7, 23, 40):
        words = [sum(1 << j for j in rng.choice(k, c, replace=False)) for _ in range(1000)]
        _, v, _ = model.run_population(p, np.array(words, dtype=np.uint64)[:, None])
        _, vf = float_reference(c, shift, float("inf"), 0.0, 1000)
        err = vf - v[:, 0]
        assert err.min() >= 0 and err.max() < 2 ** shift / (2 ** shift - 1)


@pytest.mark.parametrize("shift, thr", [(1, 20), (1, 50), (2, 12), (3, 9), (0, 100)])
def test_supra_threshold_spike_counts(shift, thr):
    """Constant popcount c for T = 1000 ticks.  The integer membrane lags the real integrator by
    less than B = 2^s/(2^s - 1) (0 without leak), so each integer interspike interval lies
    between the real one at threshold thr and at thr + B: the count n obeys
    n_real(thr + B) - 1 <= n <= n_real(thr) + 1 (documented tolerance; exact for shift 0)."""
    k, T = 32, 1000
    p = ScLifPopcountParams(k=k, shift=shift, threshold=thr)
    bound = 2 ** shift / (2 ** shift - 1) if shift else 0.0
    fired = 0
    for c in range(1, k + 1):
        spikes, _, _ = model.run_population(p, np.full((T, 1), (1 << c) - 1, dtype=np.uint64))
        hi_n, _ = float_reference(c, shift, thr, 0.0, T)
        lo_n, _ = float_reference(c, shift, thr + bound, 0.0, T)
        n = int(spikes.sum())
        assert lo_n - 1 <= n <= hi_n + 1, (c, n, lo_n, hi_n)
        if shift == 0:
            assert n == hi_n
        fired += n > 0
    assert fired >= 4


@pytest.mark.parametrize("kw, words", [
    ({"k": 0}, ["ScLifPopcountParams.k = 0", "1..64"]),
    ({"k": 65}, ["ScLifPopcountParams.k = 65", "1..64"]),
    ({"shift": 17}, ["ScLifPopcountParams.shift = 17", "0..16"]),
    ({"threshold": -1}, ["ScLifPopcountParams.threshold = -1", "0..1048575"]),
    ({"v_reset": 1 << 20}, ["ScLifPopcountParams.v_reset = 1048576", "0..1048575"]),
    ({"width": 5}, ["ScLifPopcountParams.width = 5", "6..24", "threshold 32"]),
    ({"width": 25}, ["ScLifPopcountParams.width = 25", "1..24"]),
    ({"k": "8"}, ["ScLifPopcountParams.k = '8'", "an integer"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        ScLifPopcountParams(**kw)
    for w in words:
        assert w in str(e.value)

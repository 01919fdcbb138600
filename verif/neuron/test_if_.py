# SPDX-License-Identifier: Apache-2.0
"""neuron.if_: converted Verilog vs the model over random configurations (both resets, tiny and
wide widths) and stimuli with saturation corners, idle and back-pressure on both streams,
status_sat, latency, mid-stream reset; the model against the real-valued IF equation
V(t) = V(t-1) + I(t) (spikeseg IFNeuron, mlxsnn/snnTorch 'if')."""
import importlib
import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl import ParamError, QFormatError
from neurohdl.models.neuron._common import (pack_out, smax, smin, sticky, stimulus,
                                            unpack_out)
from neurohdl.verif.common import neuron_tb as tb
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common.scoreboard import compare
from neurohdl.verif.common.stream import PATTERNS, pauses, reset

model = importlib.import_module("neurohdl.models.neuron.if_")   # `if` is a keyword
IfParams = model.IfParams

N_BEATS = tb.N_BEATS
_send, _exchange, _stim = tb.send, tb.exchange, tb.stim


async def _setup(dut, idle, stall):
    return await tb.setup(dut, IfParams, idle, stall)


def _check(p, xs, got, sats, what):
    tb.check(model, p, xs, got, sats, what)


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_in idle pattern x m_out back-pressure pattern."""
    p, source, sink, errors, log = await _setup(dut, idle, stall)
    xs = _stim(p, f"{idle}/{stall}")
    got = await _exchange(p, source, sink, xs)
    await ClockCycles(dut.clk, 4)
    _check(p, xs, got, log["sat"], f"pauses=({idle},{stall})")
    assert sink.empty(), f"extra m_out beats; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def saturation_corners(dut):
    """The extreme inputs held for many steps (v clips both ways), silence, alternating
    extremes, then a long regular drive (regular spikes)."""
    p, source, sink, errors, log = await _setup(dut, "random", "random")
    lo, hi = smin(p.in_width), smax(p.in_width)
    drive = min(hi, max(1, p.threshold // 5))
    xs = [hi] * 40 + [0] * 8 + [lo] * 40 + [hi, lo] * 6 + [drive] * 50
    got = await _exchange(p, source, sink, xs)
    _check(p, xs, got, log["sat"], "corners")
    assert not errors, errors[:3]


@cocotb.test()
async def latency_and_throughput(dut):
    """No pauses: one beat per cycle in and out, each output one cycle after its input."""
    p, source, sink, errors, log = await _setup(dut, None, None)
    xs = _stim(p, "latency", 40)
    got = await _exchange(p, source, sink, xs)
    _check(p, xs, got, log["sat"], "latency")
    ins, outs = log["in"], log["out"]
    assert ins == list(range(ins[0], ins[0] + len(xs))), f"input not back to back; {p}"
    assert [o - i for i, o in zip(ins, outs)] == [1] * len(xs), f"latency != 1; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset with beats in flight returns v to 0 and clears status_sat; the core then runs
    from the reset state."""
    p, source, sink, errors, log = await _setup(dut, "random", "random")
    xs = _stim(p, "reset", 120)
    _send(p, source, xs)
    first = [int((await sink.recv()).tdata) for _ in range(50)]
    await reset(dut, 2)
    source.clear()
    sink.clear()
    await ReadOnly()
    assert int(dut.status_sat.value) == 0 and int(dut.m_out_tvalid.value) == 0
    await RisingEdge(dut.clk)
    n_first = len(log["sat"])
    again = await _exchange(p, source, sink, xs[:80])
    _check(p, xs[:50], first, log["sat"][:50], "before reset")
    _check(p, xs[:80], again, log["sat"][n_first:], "after reset")
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model fed -i must fail: the first input is 1, so the first
    beat is v = 1 (or a spike) in the RTL and v = -1 without a spike in the mutated model."""
    p, source, sink, _, _ = await _setup(dut, None, None)
    xs = [1] + _stim(p, "must_fail", 40)
    got = await _exchange(p, source, sink, xs)
    neg = [min(-x, smax(p.in_width)) for x in xs]
    compare(got, [int(t) for t in model.run_tdata(p, neg)[0]], "m_out", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..3 pin the Q8.8 default format (the extreme inputs saturate), each reset
# and the narrowest membrane; 4 and 5 are fully random
PINS = [{"width": 16, "in_width": 16, "frac_bits": 8}, {"reset": "zero"}, {"reset": "subtract"},
        {"width": 3}, {}, {}]


@pytest.mark.parametrize("i", range(6))
def test_if_(i, seed, tmp_path):
    p = params_for("neuron.if_", seed, **PINS[i])
    if PINS[i]:
        print("[config] pinned: replay with `neurohdl sim neuron.if_ --seed "
              f"{seed} " + " ".join(f"--set {k}={v}" for k, v in PINS[i].items()) + "`")
    check_core("neuron.if_", seed, tmp_path, p=p)


def test_if_verilator(seed, tmp_path):
    check_core("neuron.if_", seed, tmp_path, sim="verilator")


# -- model: scalar step vs population, hand-checked semantics ------------------------------------

def _scalar_run(p, xs):
    st, out = model.init(p), []
    for x in xs:
        st, o = model.step(p, st, x)
        out.append(o)
    return out


def test_step_and_population_agree(seed):
    """step() on Python ints and run_population() on numpy agree bit for bit, per neuron."""
    r = random.Random(seed)
    for _ in range(25):
        p = IfParams.random(r)
        T, N = 150, 5
        I = np.array([stimulus(p, r, T) for _ in range(N)], dtype=np.int64).T
        spikes, v, sat = model.run_population(p, I)
        for n in range(N):
            ref = _scalar_run(p, I[:, n].tolist())
            assert [o[0] for o in ref] == spikes[:, n].tolist(), p
            assert [o[1] for o in ref] == v[:, n].tolist(), p
            assert [o[2] for o in ref] == sat[:, n].tolist(), p
        tdata, st = model.run_tdata(p, I[:, 0])
        s0, v0 = unpack_out(p.width, tdata)
        assert s0.tolist() == spikes[:, 0].tolist() and v0.tolist() == v[:, 0].tolist()
        assert st.tolist() == sticky(sat[:, 0]).tolist()


def test_by_hand():
    z = IfParams(width=8, in_width=8, frac_bits=4, threshold=20)
    assert _scalar_run(z, [19, 0, 1, 25, -5]) == [(0, 19, False), (0, 19, False),
                                                 (1, 0, False), (1, 0, False),
                                                 (0, -5, False)]
    s = z.replace(reset="subtract")
    assert _scalar_run(s, [19, 0, 1, 25, -5]) == [(0, 19, False), (0, 19, False),
                                                 (1, 0, False), (1, 5, False),
                                                 (0, 0, False)]
    # saturation: 100 + 100 clips to 127 (>= threshold: fires, subtract leaves 107);
    # -128 - 128 clips to -128 and never fires
    t = z.replace(threshold=120, reset="subtract")
    assert _scalar_run(t, [100, 100, -128, -128, -128]) == [
        (0, 100, False), (1, 7, True), (0, -121, False), (0, -128, True), (0, -128, True)]
    spikes, v, sat = model.run_population(t, [[100], [100], [-128], [-128]])
    assert sticky(sat)[:, 0].tolist() == [False, True, True, True]


def test_tdata_layout():
    p = IfParams(width=8, frac_bits=4, threshold=100)
    assert pack_out(8, 1, -2) == (0xFE << 1) | 1 and unpack_out(8, (0xFE << 1) | 1) == (1, -2)
    assert p.out_width == 9 and p.sum_width == 17


# -- model vs the real-valued equation -------------------------------------------------------------

def float_if(threshold, I, reset="zero"):
    """V(t) = V(t-1) + I(t) (spikeseg IFNeuron), spike V >= threshold, immediate reset; float."""
    v, vs, spikes = 0.0, [], []
    for i in I:
        v += float(i)
        s = int(v >= threshold)
        if s:
            v = 0.0 if reset == "zero" else v - threshold
        vs.append(v)
        spikes.append(s)
    return np.array(vs), np.array(spikes)


@pytest.mark.parametrize("reset", ["zero", "subtract"])
def test_equals_float_reference_without_saturation(reset, seed):
    """Integer IF is exact: without saturation the fixed-point membrane and spike train equal
    the real-valued equation's (error bound 0) over 2000 steps, random and constant drive."""
    rng = random.Random(seed)
    p = IfParams(width=20, in_width=12, threshold=rng.randint(50, 5000), reset=reset)
    for xs in ([rng.randint(-300, 600) for _ in range(2000)], [rng.randint(1, 900)] * 2000,
               [rng.randint(-2000, 2000) for _ in range(2000)]):
        spikes, v, sat = model.run_population(p, xs)
        vf, sf = float_if(p.threshold, xs, reset)
        if not sat.any():
            assert np.array_equal(v[:, 0], vf) and np.array_equal(spikes[:, 0], sf)


def test_spike_count_constant_drive():
    """Constant supra-threshold drive I, reset zero: one spike every ceil(theta / I) steps;
    the fixed-point count equals the float reference exactly (tolerance 0)."""
    p = IfParams.from_real(threshold=1.0)
    for drive in (1, 3, 26, 100, 255, 256, 1000):
        n = int(model.run_population(p, [drive] * 1000)[0].sum())
        assert n == int(float_if(256, [drive] * 1000)[1].sum()) == 1000 // -(-256 // drive)


# -- Params ----------------------------------------------------------------------------------------

def test_from_real_is_exact():
    assert IfParams.from_real(threshold=1.0).threshold == 256
    assert IfParams.from_real(width=10, frac_bits=2, threshold=0.75).threshold == 3
    with pytest.raises(QFormatError, match=r"IfParams.threshold = 0.1: allowed a value "
                                           r"exactly representable in Q8.8"):
        IfParams.from_real(threshold=0.1)


@pytest.mark.parametrize("kw, words", [
    ({"width": 2}, ["IfParams.width = 2", "3..32"]),
    ({"width": 33}, ["IfParams.width = 33", "3..32"]),
    ({"in_width": 1}, ["IfParams.in_width = 1", "2..32"]),
    ({"in_width": 33}, ["IfParams.in_width = 33", "2..32"]),
    ({"frac_bits": 16}, ["IfParams.frac_bits = 16", "0..15"]),
    ({"threshold": 0}, ["IfParams.threshold = 0", "1..32767"]),
    ({"threshold": -5}, ["IfParams.threshold = -5", "1..32767"]),
    ({"width": 8, "frac_bits": 4, "threshold": 128}, ["IfParams.threshold = 128", "1..127"]),
    ({"reset": "to_v_reset"}, ["IfParams.reset = 'to_v_reset'", "'zero', 'subtract'"]),
    ({"threshold": 1.0}, ["IfParams.threshold = 1.0", "an integer"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        IfParams(**kw)
    for w in words:
        assert w in str(e.value)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="outside the 4-bit signed range -8..7"):
        model.run_population(IfParams(in_width=4), [1, -9])


def test_random_configs_cover_corners():
    ps = [IfParams.random(random.Random(s)) for s in range(300)]
    assert {p.reset for p in ps} == set(model.RESETS)
    assert {3, 16} <= {p.width for p in ps} and {2, 16} <= {p.in_width for p in ps}
    assert any(p.threshold == 1 for p in ps) and any(p.threshold == smax(p.width) for p in ps)

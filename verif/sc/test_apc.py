# SPDX-License-Identifier: Apache-2.0
"""sc.apc: converted Verilog vs the model over random configurations (n = 1, 2, a non-power of
two and the largest random n included), with idle and back-pressure on both streams, the
documented latency, the stall-as-a-whole pipeline and a mid-stream reset."""
import math
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import apc as model
from neurohdl.models.sc.apc import MAX_N, ApcParams, registered_levels
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

BitsBus, BitsTransaction, BitsSource, _, _ = make_stream("Bits")
CountBus, _, _, CountSink, _ = make_stream("Count")
N_BEATS = 160
RAND_N = ApcParams.__dataclass_fields__["n"].metadata["rand"]


def stimulus(p: ApcParams, salt: str = "", n: int = N_BEATS) -> list[int]:
    """tdata words: all zeros, all ones, every one-hot and one-cold word, then random
    densities 0, 1, 1/2 or uniform."""
    r = random.Random(f"{run_seed()}:bits:{salt}")
    full = (1 << p.n) - 1
    words = [0, full] + [1 << i for i in range(p.n)] + [full ^ (1 << i) for i in range(p.n)]
    while len(words) < n:
        d = r.choice([0.0, 1.0, 0.5, r.random(), r.random()])
        words.append(sum(1 << i for i in range(p.n) if r.random() < d))
    return words[:max(n, 2)]


async def _setup(dut, src_pattern, sink_pattern):
    p = params_from_env(ApcParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = BitsSource(BitsBus.from_prefix(dut, "s_bits"), dut.clk, dut.rst)
    sink = CountSink(CountBus.from_prefix(dut, "m_count"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(src_pattern, run_seed(), "s_bits"))
    sink.set_pause_generator(pauses(sink_pattern, run_seed(), "m_count"))
    errors: list[str] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_count", errors))
    await reset(dut)
    return p, source, sink, errors


def _send(source, words):
    for w in words:
        source.send_nowait(BitsTransaction(tdata=w))


async def _exchange(source, sink, words):
    _send(source, words)
    return [int((await sink.recv()).tdata) for _ in words]


async def _handshakes(dut, log: dict):
    """Cycle numbers of every s_bits and m_count transfer."""
    cycle = 0
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        cycle += 1
        if int(dut.s_bits_tvalid.value) and int(dut.s_bits_tready.value):
            log["in"].append(cycle)
        if int(dut.m_count_tvalid.value) and int(dut.m_count_tready.value):
            log["out"].append(cycle)


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_bits idle pattern x m_count back-pressure pattern."""
    p, source, sink, errors = await _setup(dut, idle, stall)
    words = stimulus(p, f"{idle}/{stall}")
    got = await _exchange(source, sink, words)
    compare(got, expected(model.run_tdata(p, words), run_seed()), "m_count",
            f"{p} pauses={idle}/{stall}")
    await ClockCycles(dut.clk, p.latency + 5)
    assert sink.empty(), f"extra m_count beats; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def latency_and_throughput(dut):
    """No pauses: one beat per cycle in and out, each output exactly `latency` cycles after
    its input (latency = max(1, ceil(depth / pipeline)), 1 for pipeline 0)."""
    p, source, sink, errors = await _setup(dut, None, None)
    log = {"in": [], "out": []}
    cocotb.start_soon(_handshakes(dut, log))
    words = stimulus(p, "latency", 40)
    got = await _exchange(source, sink, words)
    compare(got, expected(model.run_tdata(p, words), run_seed()), "m_count", str(p))
    ins, outs = log["in"], log["out"]
    assert len(ins) == len(outs) == len(words), (len(ins), len(outs))
    assert ins == list(range(ins[0], ins[0] + len(words))), f"input not back to back; {p}"
    assert [o - i for i, o in zip(ins, outs)] == [p.latency] * len(words), \
        f"latency {[o - i for i, o in zip(ins, outs)][:4]} != {p.latency}; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def stall_freezes_whole_pipeline(dut):
    """m_count stalled: exactly `latency` beats enter (one per stage), s_bits_tready drops,
    m_count holds its first count; released, everything comes out in order."""
    p, source, sink, errors = await _setup(dut, None, None)
    sink.pause = True
    words = stimulus(p, "stall", p.latency + 6)
    _send(source, words)
    await ClockCycles(dut.clk, 3 * p.latency + 10)
    await ReadOnly()
    in_flight = 1 if int(dut.s_bits_tvalid.value) else 0
    accepted = len(words) - source.count() - in_flight
    assert accepted == p.latency, f"{accepted} beats accepted while stalled, want {p.latency}; {p}"
    assert not int(dut.s_bits_tready.value) and int(dut.m_count_tvalid.value)
    assert int(dut.m_count_tdata.value) == expected(model.run_tdata(p, words[:1]), run_seed())[0]
    await RisingEdge(dut.clk)
    sink.pause = False
    got = [int((await sink.recv()).tdata) for _ in words]
    compare(got, expected(model.run_tdata(p, words), run_seed()), "m_count", str(p))
    assert not errors, errors[:3]


@cocotb.test()
async def reset_flushes_pipeline(dut):
    """A reset with a full, stalled pipeline discards its beats; afterwards the core counts
    fresh beats from an empty pipeline."""
    p, source, sink, errors = await _setup(dut, "random", "random")
    sink.clear_pause_generator()
    sink.pause = True
    _send(source, stimulus(p, "before", 2 * p.latency + 3))
    await ClockCycles(dut.clk, 3 * p.latency + 10)
    await reset(dut, 2)
    source.clear()
    sink.clear()
    sink.pause = False
    await ClockCycles(dut.clk, p.latency + 5)
    assert sink.empty(), f"a beat from before the reset came out; {p}"
    words = stimulus(p, "after", 60)
    got = await _exchange(source, sink, words)
    compare(got, expected(model.run_tdata(p, words), run_seed()), "after reset", str(p))
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model that ignores the top input bit must fail."""
    p, source, sink, _ = await _setup(dut, None, None)
    words = stimulus(p, "must_fail", 40)
    got = await _exchange(source, sink, words)
    wrong = [bin(w & ((1 << (p.n - 1)) - 1)).count("1") for w in words]
    compare(got, wrong, "m_count", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

def _non_power_of_two(seed: int) -> int:
    r = random.Random(seed)
    return r.choice([n for n in range(3, RAND_N[1] + 1) if n & (n - 1)])


# configurations 0..3 pin n to the corners the brief asks for; 4 and 5 are fully random
PINS = [lambda s: {"n": 1}, lambda s: {"n": 2}, lambda s: {"n": _non_power_of_two(s)},
        lambda s: {"n": RAND_N[1]}, lambda s: {}, lambda s: {}]


@pytest.mark.parametrize("i", range(6))
def test_apc(i, seed, tmp_path):
    fixed = PINS[i](seed)
    p = params_for("sc.apc", seed, **fixed)
    if fixed:
        print(f"[config] pinned {fixed}: replay with `neurohdl sim sc.apc --seed {seed} "
              + " ".join(f"--set {k}={v}" for k, v in fixed.items()) + "`")
    check_core("sc.apc", seed, tmp_path, p=p)


def test_apc_verilator(seed, tmp_path):
    check_core("sc.apc", seed, tmp_path, sim="verilator")


def test_counts_match_python_sum(seed):
    """Model vs plain Python: sum of the bits of each beat; step, run and run_tdata agree."""
    r = random.Random(seed)
    for n in (1, 2, 3, 7, 16, 63, 64, 65, 255, 256):
        p = ApcParams(n=n)
        bits = np.array([[int(r.random() < d) for _ in range(n)]
                         for d in [0.0, 1.0] + [r.random() for _ in range(30)]], dtype=np.uint8)
        ref = [sum(int(b) for b in row) for row in bits]
        words = model.to_tdata(bits)
        assert words[1] == (1 << n) - 1
        assert model.run(p, bits).tolist() == ref
        assert model.run_tdata(p, words).tolist() == ref
        assert [model.step(p, None, w)[1] for w in words] == ref
        assert np.array_equal(model.from_tdata(p, words), bits)
        assert max(ref) < (1 << p.count_width) and p.count_width == bits_for(n)


def test_accumulate_is_windowed_sum(seed):
    r = random.Random(seed)
    p = ApcParams(n=9)
    counts = [r.randint(0, 9) for _ in range(103)]
    for length in (1, 4, 10, 103, 104):
        ref = [sum(counts[i:i + length]) for i in range(0, len(counts) - length + 1, length)]
        assert model.accumulate(p, counts, length).tolist() == ref
    assert model.mac_width(p, 256) == bits_for(9 * 256) == 12
    with pytest.raises(ParamError, match=r"length = 0: allowed an integer >= 1"):
        model.accumulate(p, counts, 0)


@pytest.mark.parametrize("n, pipeline, depth, latency", [
    (1, 0, 0, 1), (1, 1, 0, 1), (1, 8, 0, 1), (2, 1, 1, 1), (2, 0, 1, 1), (3, 1, 2, 2),
    (4, 1, 2, 2), (5, 1, 3, 3), (16, 1, 4, 4), (16, 2, 4, 2), (16, 3, 4, 2), (16, 0, 4, 1),
    (17, 1, 5, 5), (40, 2, 6, 3), (255, 3, 8, 3), (256, 1, 8, 8), (256, 8, 8, 1),
    (256, 5, 8, 2),
])
def test_latency_formula(n, pipeline, depth, latency):
    p = ApcParams(n=n, pipeline=pipeline)
    assert p.depth == depth == math.ceil(math.log2(n)) and p.latency == latency
    assert latency == (1 if depth == 0 or pipeline == 0 else math.ceil(depth / pipeline))
    levels = registered_levels(n, pipeline)
    assert levels[-1] == depth and len(levels) == latency


def test_random_configs_cover_corners():
    ps = [ApcParams.random(random.Random(s)) for s in range(300)]
    ns = {p.n for p in ps}
    assert {1, RAND_N[1]} <= ns and max(ns) <= RAND_N[1]
    assert {p.pipeline for p in ps} == {0, 1, 2, 3}
    for s in range(20):
        n = _non_power_of_two(s)
        assert n & (n - 1) and 3 <= n <= RAND_N[1]


@pytest.mark.parametrize("kw, words", [
    ({"n": 0}, ["ApcParams.n = 0", "1..256"]),
    ({"n": MAX_N + 1}, ["ApcParams.n = 257", "1..256"]),
    ({"n": 2.0}, ["ApcParams.n = 2.0", "an integer"]),
    ({"pipeline": -1}, ["ApcParams.pipeline = -1", "0..8"]),
    ({"pipeline": 9}, ["ApcParams.pipeline = 9", "0..8"]),
    ({"pipeline": True}, ["ApcParams.pipeline = True", "an integer"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        ApcParams(**kw)
    for w in words:
        assert w in str(e.value)


def test_bad_model_input_raises():
    with pytest.raises(ParamError, match=r"bits.shape = \(3, 4\): allowed \(beats, 5\)"):
        model.run(ApcParams(n=5), np.zeros((3, 4)))

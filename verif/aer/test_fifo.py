# SPDX-License-Identifier: Apache-2.0
"""aer.fifo: converted Verilog vs the cycle model over random configurations (depth 2..16, both
storages, stall and drop, counters of 4..10 bits so they wrap, random event words) on the
shared testbench: random timesteps (events, tlast, marker beats) under idle and back-pressure
patterns, every output and counter compared with the model every cycle, the invariant
in = out + dropped + count (mod 2**counter_bits) checked on the design every cycle, every
received beat compared with the model's; in drop mode every marker (tlast beat) arrives;
full throughput; a reset mid-stream clears the counters; must-fail: the cycle check against a
model that drops markers too."""
import random

import cocotb
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer

from neurohdl import ParamError
from neurohdl.models.aer import event, fifo as model
from neurohdl.models.aer.fifo import AerFifoParams
from neurohdl.verif.aer.bench import drain, flat, send_beats, start_check, take
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import reset
from neurohdl.verif.common.tb import CLOCK_NS, Bench, core_tests


#: Cycles the sources may take to send a test's beats (at most a few hundred with pauses):
#: a design that stops taking input fails the test instead of hanging it.
SEND_LIMIT = 1500


def held(dut) -> int:
    return int(dut.status_count.value)


def invariant(dut):
    """in = out + dropped + count, modulo 2**counter_bits, on the design's own ports."""
    n_in, n_out, n_drop = (int(getattr(dut, f"status_{s}").value) for s in ("in", "out", "dropped"))
    count = int(dut.status_count.value)
    mask = (1 << len(dut.status_in)) - 1
    if (n_in - n_out - n_drop - count) & mask:
        return [f"in {n_in} != out {n_out} + dropped {n_drop} + count {count}"]
    return []


def stimulus(tb, salt: str, n_events: int):
    return event.beats(event.random_timesteps(tb.p.event, tb.rng(salt), n_events))


async def run_traffic(dut, idle, stall, model_p=None):
    tb = await Bench.start(dut, idle, stall)
    check = await start_check(tb, model, None if model_p is None else model_p(tb.p), invariant)
    beats = stimulus(tb, f"{idle}/{stall}", 3 * tb.p.depth + 8)
    send_beats(tb, beats)
    await drain(tb, held, send_limit=SEND_LIMIT)
    got = take(tb.sink)
    check.check(tb, {"m_out": got}, f"pauses={idle}/{stall}")
    tb.check_protocol()
    return tb, beats, got


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random"),
                                         ("cycle", None)]))
async def beats_match_model(dut, idle, stall):
    """Random timesteps under idle/back-pressure: every cycle against the model, the invariant,
    every beat; no marker lost (drop mode) and nothing lost (stall mode)."""
    tb, beats, got = await run_traffic(dut, idle, stall)
    if tb.p.full == "stall":          # nothing lost
        compare(flat(got), expected(flat(model.run(tb.p, beats)), tb.seed), "stall: all beats",
                str(tb.p))
    markers = [b for b in model.run(tb.p, beats) if b[1]]
    compare(flat([b for b in got if b[1]]), expected(flat(markers), tb.seed),
            "every marker (tlast beat)", str(tb.p))


@cocotb.test()
async def full_throughput(dut):
    """No pauses: one beat a cycle in and out, latency 1."""
    tb = await Bench.start(dut)
    check = await start_check(tb, model, invariants=invariant)
    beats = stimulus(tb, "throughput", 40)
    send_beats(tb, beats)
    await drain(tb, held, send_limit=SEND_LIMIT)
    got = take(tb.sink)
    check.check(tb, {"m_out": got}, "throughput")
    ins, outs = tb.transfers["s_in"], tb.transfers["m_out"]
    assert ins == list(range(ins[0], ins[0] + len(beats))), f"s_in not back to back; {tb.p}"
    assert [o - i for i, o in zip(ins, outs)] == [1] * len(beats), f"latency; {tb.p}"


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset with beats held (sink stalled) clears the count and every counter; traffic
    after it matches the model again."""
    tb = await Bench.start(dut, "random", "random")
    check = await start_check(tb, model, invariants=invariant)
    tb.hold()
    send_beats(tb, stimulus(tb, "before", tb.p.depth + 4))
    await ClockCycles(dut.clk, 2 * tb.p.depth + 12)
    await tb.reset(2)
    await ReadOnly()
    left = {s: int(getattr(dut, s).value) for s in tb.status} | {
        "m_out_tvalid": int(dut.m_out_tvalid.value)}
    assert not any(left.values()), f"after reset {left}; {tb.p}"
    await RisingEdge(dut.clk)
    tb.release()
    send_beats(tb, stimulus(tb, "after", tb.p.depth + 4))
    await drain(tb, held, send_limit=SEND_LIMIT)
    check.check(tb, {"m_out": take(tb.sink)}, "after reset")


async def _counters_at(dut, checkpoints, ready: int) -> list[tuple[int, ...]]:
    """Beats (event word 0, no tlast) offered one a cycle with m_out_tready = ``ready``, a
    simulator-side clock and no Python per beat; at each cumulative count of ``checkpoints``
    the source stops for four cycles and (status_in, status_out, status_dropped,
    status_count) are read."""
    for name in ("s_in_tdata", "s_in_tlast", "s_in_tuser"):
        getattr(dut, name).value = 0
    dut.s_in_tvalid.value = 0
    dut.m_out_tready.value = ready
    await reset(dut)
    await Timer(1, unit="ns")
    got, sent = [], 0
    for n in checkpoints:
        dut.s_in_tvalid.value = 1               # n - sent beats: a timer, then the last edge
        await Timer((n - sent - 1) * CLOCK_NS + 1, unit="ns")
        await RisingEdge(dut.clk)
        await Timer(1, unit="ns")
        dut.s_in_tvalid.value = 0
        await ClockCycles(dut.clk, 4)
        await ReadOnly()
        got.append(tuple(int(getattr(dut, f"status_{s}").value)
                         for s in ("in", "out", "dropped", "count")))
        await Timer(1, unit="ns")
        sent = n
    return got


@cocotb.test()
async def counters_far(dut):
    """The counters through every bit and past their wrap (2^counter_bits + 1 beats, one a
    cycle): read at each all-ones count 1, 3, 7, ..., 2^bits - 1 and after the wrap.  Sink
    ready: in = out = beats (mod 2^bits), nothing dropped, nothing held.  Drop mode, sink
    held: the FIFO fills (count = depth) and every later beat is dropped and counted."""
    Clock(dut.clk, CLOCK_NS, unit="ns", impl="gpi").start(start_high=False)
    p = params_from_env(AerFifoParams)
    bits, mask = p.counter_bits, (1 << p.counter_bits) - 1
    points = [(1 << j) - 1 for j in range(1, bits + 1)] + [(1 << bits) + 1]
    got = await _counters_at(dut, points, ready=1)
    want = [(n & mask, n & mask, 0, 0) for n in points]
    if p.full == "drop":
        got += await _counters_at(dut, [n + p.depth for n in points], ready=0)
        want += [((n + p.depth) & mask, 0, n & mask, p.depth) for n in points]
    compare([v for t in got for v in t], expected([v for t in want for v in t], 0),
            "(in, out, dropped, count) at each checkpoint", str(p))


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against a model twice as deep (stall mode: it keeps s_in_tready high
    where the design is full; drop mode: it stores what the design drops) must fail."""
    await run_traffic(dut, None, "cycle", lambda p: p.replace(depth=2 * p.depth))


# ---------------------------------------------------------------- pytest side -------------

test_fifo, test_fifo_verilator = core_tests("aer.fifo")


def test_model_against_a_list_queue(seed):
    """The cycle model against a plain list, drop mode: counters, the invariant, markers kept."""
    r = random.Random(seed)
    p = AerFifoParams(depth=4, full="drop", counter_bits=5, event={"neuron_bits": 3})
    st, ref, n_in, n_out, n_drop, markers_in, markers_out = model.reset(p), [], 0, 0, 0, 0, 0
    for _ in range(3000):
        ins = {"s_in_tvalid": int(r.random() < 0.7), "s_in_tdata": r.getrandbits(3),
               "s_in_tlast": int(r.random() < 0.3), "s_in_tuser": 0,
               "m_out_tready": int(r.random() < 0.4)}
        out = model.outputs(p, st, ins)
        assert out["status_count"] == len(ref) and out["m_out_tvalid"] == int(bool(ref))
        assert (out["status_in"], out["status_out"], out["status_dropped"]) == \
            (n_in % 32, n_out % 32, n_drop % 32)
        assert out["s_in_tready"] == int(len(ref) < 4 or not ins["s_in_tlast"])
        room = len(ref) < 4
        if ref and ins["m_out_tready"]:
            markers_out += ref.pop(0)[1]
            n_out += 1
        if ins["s_in_tvalid"] and out["s_in_tready"]:
            n_in += 1
            markers_in += ins["s_in_tlast"]
            if room:
                ref.append((ins["s_in_tdata"], ins["s_in_tlast"]))
            else:
                n_drop += 1
        st = model.step(p, st, ins)
    assert n_drop > 100 and markers_out + sum(b[1] for b in ref) == markers_in
    assert n_in == n_out + n_drop + len(ref)


def test_event_word_round_trip(seed):
    """pack/unpack over random formats (signed payloads), beats/timesteps both ways."""
    r = random.Random(seed)
    for _ in range(50):
        p = event.EventParams.random(r)
        vals = {f: [r.randint(*p.field_range(f)) for _ in range(20)] for f in event.FIELDS}
        words = event.pack(p, *(vals[f] for f in event.FIELDS))
        assert all(int(w) >> p.width == 0 for w in words)
        back = event.unpack(p, words)
        assert all(list(back[f]) == vals[f] for f in event.FIELDS)
        ts = event.random_timesteps(p, r, 30)
        assert event.timesteps(event.beats(ts)) == (ts, [])
    p = event.EventParams(neuron_bits=4, x_bits=2, y_bits=3, payload_bits=5, payload_signed=True)
    assert (p.x_lsb, p.y_lsb, p.payload_lsb, p.address_bits, p.width) == (4, 6, 9, 9, 14)
    # by hand: neuron 5, x 2, y 6, payload -3 = 0b11101
    assert int(event.pack(p, 5, 2, 6, -3)) == 0b11101_110_10_0101
    assert event.beats([[7], [], [1, 2]]) == [(7, 1, 0), (0, 1, 1), (1, 0, 0), (2, 1, 0)]


@pytest.mark.parametrize("call, words", [
    (lambda: event.EventParams(neuron_bits=0), ["EventParams.neuron_bits = 0", "1..24"]),
    (lambda: AerFifoParams(event={"x_bits": 9}), ["AerFifoParams.event.x_bits = 9", "0..8"]),
    (lambda: AerFifoParams(depth=12), ["AerFifoParams.depth = 12", "a power of two"]),
    (lambda: AerFifoParams(full="block"), ["AerFifoParams.full = 'block'", "'stall', 'drop'"]),
    (lambda: AerFifoParams(counter_bits=3), ["AerFifoParams.counter_bits = 3", "4..32"]),
    (lambda: event.pack(event.EventParams(), 256), ["event.neuron = 256", "0..255"]),
    (lambda: event.pack(event.EventParams(payload_bits=4, payload_signed=True), 0, payload=8),
     ["event.payload = 8", "-8..7"]),
    (lambda: event.unpack(event.EventParams(), [256]), ["event word = 0x100", "0..0xff"]),
    (lambda: event.timesteps([(0, 0, 1)]), ["beat 0", "tuser = 1 only with tlast = 1"]),
])
def test_bad_values_raise(call, words):
    with pytest.raises(ParamError) as e:
        call()
    assert "\n" not in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_random_configs_cover_corners():
    ps = [AerFifoParams.random(random.Random(s)) for s in range(200)]
    assert {2, 16} <= {p.depth for p in ps} and {"stall", "drop"} == {p.full for p in ps}
    assert {4, 10} <= {p.counter_bits for p in ps} and {"bram", "lut"} == {p.storage for p in ps}
    assert {0, 8} <= {p.event.payload_bits for p in ps} and {1, 10} <= {p.event.neuron_bits
                                                                       for p in ps}

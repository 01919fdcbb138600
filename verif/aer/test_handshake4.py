# SPDX-License-Identifier: Apache-2.0
"""aer.handshake4: converted Verilog over random configurations (2 or 3 synchroniser stages,
random event words) on the shared testbench, its asynchronous sides driven by coroutines that
know no clock: every REQ, ACK and data change of the test happens after a random delay of
0.13..37 ns (the clock period is 10 ns), so the synchronisers see edges at every phase.

* ``async_to_stream``: an async sender puts random timesteps on ``aer_in`` (data, then REQ;
  waits for ACK; drops REQ and scrambles the data; waits for ACK low); ``m_out`` under random
  back-pressure; every beat arrives once, in order, markers kept; ``aer_in_ack`` obeys the
  4-phase order.
* ``stream_to_async``: random beats on ``s_in`` (random idle); an async receiver answers
  ``aer_out_req`` with ACK after random delays, reading ``aer_out_data`` at REQ's rise and
  again before its ACK (it must not change); ``aer_out_data`` changes only when a beat is
  taken; every beat once, in order; the 4-phase order of REQ against ACK.
* ``both_ways``: both at once.
* must-fail: a planted bug (the receive half acknowledges the next REQ without waiting for
  REQ to fall: duplicates) fails ``async_to_stream`` (rotated with the must-fail check).
"""
from __future__ import annotations

import cocotb
from cocotb.triggers import Edge, ReadOnly, Timer, with_timeout

from neurohdl.models.aer import event, handshake4 as model
from neurohdl.models.aer.handshake4 import Handshake4Params
from neurohdl.verif.aer.bench import flat, send_beats, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, bad_params_test, core_tests, planted_bug_test

N_EVENTS = 24


async def delay(rng):
    """A random delay unrelated to the clock: 0.13..37 ns in 10 ps steps."""
    await Timer(rng.randint(13, 3700) * 10, "ps")


async def until(signal, level: int):
    while int(signal.value) != level:
        await Edge(signal)


async def async_sender(dut, rng, beats, edges: list):
    """The far end of aer_in: 4-phase, bundled data, delays from ``rng``."""
    for beat in beats:
        dut.aer_in_data.value = event.beat_word(dut._p.event, beat)
        await delay(rng)
        dut.aer_in_req.value = 1
        edges.append(("req", 1))
        await until(dut.aer_in_ack, 1)
        edges.append(("ack", 1))
        await delay(rng)
        dut.aer_in_req.value = 0
        edges.append(("req", 0))
        dut.aer_in_data.value = rng.getrandbits(dut._p.data_bits)    # no longer valid
        await until(dut.aer_in_ack, 0)
        edges.append(("ack", 0))
        await delay(rng)


async def async_receiver(dut, rng, got: list, edges: list, errors: list):
    """The far end of aer_out: ACK after random delays; the data read at REQ's rise must not
    change before the ACK."""
    while True:
        await until(dut.aer_out_req, 1)
        edges.append(("req", 1))
        word = int(dut.aer_out_data.value)
        await delay(rng)
        if int(dut.aer_out_data.value) != word:
            errors.append(f"aer_out_data changed while REQ high ({word:#x} -> "
                          f"{int(dut.aer_out_data.value):#x})")
        got.append(event.word_beat(dut._p.event, word))
        dut.aer_out_ack.value = 1
        edges.append(("ack", 1))
        await until(dut.aer_out_req, 0)
        edges.append(("req", 0))
        await delay(rng)
        dut.aer_out_ack.value = 0
        edges.append(("ack", 0))


async def data_held(dut, errors: list):
    """aer_out_data changes only at the edge that takes a beat on s_in (after it, the send half
    is in set-up: s_in_tready and aer_out_req low), so it holds from one beat to the next."""
    while True:
        await Edge(dut.aer_out_data)
        await ReadOnly()
        if int(dut.s_in_tready.value) or int(dut.aer_out_req.value):
            errors.append(f"aer_out_data changed to {int(dut.aer_out_data.value):#x} with no "
                          "beat taken")


async def start(dut, idle="random", stall="random") -> Bench:
    dut.aer_in_req.value = 0
    dut.aer_in_data.value = 0
    dut.aer_out_ack.value = 0
    tb = await Bench.start(dut, idle, stall)
    dut._p = tb.p
    return tb


async def wait_for(tb, cond, what: str, limit_ns: int):
    for _ in range(limit_ns // 100):
        if cond():
            return
        await Timer(100, "ns")
    raise AssertionError(f"{what}: timeout; {tb.p}")


async def run(dut, inbound: bool, outbound: bool):
    tb = await start(dut)
    n = N_EVENTS
    limit = 2000 * n                                # ns; an event takes about 150 ns
    checks = []
    if inbound:
        beats_in = event.beats(event.random_timesteps(tb.p.event, tb.rng("in"), n))
        edges_in: list = []
        sender = cocotb.start_soon(async_sender(dut, tb.rng("in-delays"), beats_in, edges_in))
        checks.append(("m_out", beats_in, edges_in, None))
    if outbound:
        beats_out = event.beats(event.random_timesteps(tb.p.event, tb.rng("out"), n))
        got_out, edges_out, errors = [], [], []
        cocotb.start_soon(async_receiver(dut, tb.rng("out-delays"), got_out, edges_out, errors))
        cocotb.start_soon(data_held(dut, errors))
        send_beats(tb, beats_out, "s_in")
        checks.append(("aer_out", beats_out, edges_out, got_out))
    if inbound:
        await with_timeout(sender, limit, "ns")
        await wait_for(tb, lambda: not int(dut.m_out_tvalid.value), "m_out drained", limit)
    if outbound:
        await wait_for(tb, lambda: len(got_out) >= len(beats_out) and int(dut.s_in_tready.value)
                       and not int(dut.aer_out_ack.value), "aer_out done", limit)
        assert not errors, f"{errors[:3]}; {tb.p}"
    await Timer(500, "ns")                          # nothing more arrives
    for name, beats, edges, got in checks:
        got = take(tb.sinks["m_out"]) if got is None else got
        compare(flat(got), expected(flat(model.run(tb.p, beats)), tb.seed),
                f"{name} (tdata << 2 | tlast << 1 | tuser)", str(tb.p))
        assert event.timesteps(got) == event.timesteps(beats), f"{name} timesteps; {tb.p}"
        broken = model.check_phases(edges)
        assert not broken, f"{name} 4-phase order: {broken}; {tb.p}"
    tb.check_protocol()


@cocotb.test()
async def async_to_stream(dut):
    """An async sender on aer_in: every beat once, in order, on m_out (back-pressure)."""
    await run(dut, True, False)


@cocotb.test()
async def stream_to_async(dut):
    """s_in to an async receiver on aer_out: every beat once, in order, data held under REQ."""
    await run(dut, False, True)


@cocotb.test()
async def both_ways(dut):
    """Both halves at once."""
    await run(dut, True, True)


# ---------------------------------------------------------------- pytest side -------------

test_handshake4, test_handshake4_verilator = core_tests("aer.handshake4")

test_bad_params_raise = bad_params_test(Handshake4Params, [
    ({"sync_stages": 1}, ["Handshake4Params.sync_stages = 1", "2, 3"]),
    ({"event": {"payload_bits": 17}}, ["Handshake4Params.event.payload_bits = 17", "0..16"]),
])


def test_phase_rule():
    """check_phases: the legal order passes, each wrong edge is named (its must-fail)."""
    good = [("req", 1), ("ack", 1), ("req", 0), ("ack", 0)] * 3
    assert model.check_phases(good) == []
    assert model.check_phases(good[:5] + [("req", 0)]) != []
    assert model.check_phases([("req", 1), ("req", 0)]) != []
    assert model.check_phases([("ack", 1)]) != []


test_planted_bug_is_caught = planted_bug_test("aer.handshake4", {
    # ACK falls a cycle after it rose, REQ still high: the same event is taken again
    "ack_without_req_low": ([(r"else if \(\(\(!req_s\) && ack\)\)", "else if (ack)")],
                            "async_to_stream"),
})

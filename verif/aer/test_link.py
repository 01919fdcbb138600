# SPDX-License-Identifier: Apache-2.0
"""aer.link: converted Verilog vs the model over random configurations (divisor 4..9, CRC-8 or
CRC-16, random event words, receive FIFO of 2..8 beats, counters of 4..10 bits so they wrap)
on the shared testbench.

* ``loopback_matches_model``: ``link_tx`` looped back to ``link_rx``; random timesteps (events,
  tlast, marker beats) on ``s_in`` under idle patterns, ``m_out`` under back-pressure; the sender
  (``s_in_tready``, the line ``link_tx`` bit by bit, ``status_sent``) compared with the
  cycle-true model every cycle; every received beat with the model's frame round trip; the
  receiver's invariant received = out + overflow + count every cycle; the counters at the end.
* ``line_errors_counted``: the test drives ``link_rx`` itself with frames from the model, some
  with a flipped bit (in a beat or CRC byte), a stop bit of 0, a truncation followed by an idle
  line, stray bytes between them, a one-cycle glitch inside a frame (ignored); the received
  beats and the counters against the model's receiver (which decides what each corruption
  does).
* ``overflow_counted``: ``m_out`` held while rx_depth + 2 good frames arrive: 2 overflows, the
  first rx_depth beats delivered.
* must-fail: the sender against a model one cycle late, and the line-error run against a
  receiver model blind to the flipped bits (a corrupted frame let through), both fail; a
  planted RTL bug (the CRC check removed) fails ``line_errors_counted`` (rotated).
"""
import binascii
import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout

from neurohdl import ParamError
from neurohdl.models.aer import event, link as model
from neurohdl.models.aer.link import SYNC, LinkParams
from neurohdl.models.bus.uart_bridge import crc8
from neurohdl.verif.aer.bench import Late, drain, flat, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, bad_params_test, core_tests, planted_bug_test

COUNTERS = ("sent", "received", "crc_err", "overflow", "out")


def counters(dut) -> dict[str, int]:
    return {c: int(getattr(dut, f"status_{c}").value) for c in COUNTERS}


def invariant(dut):
    """received = out + overflow + count, modulo 2**counter_bits, on the design's own ports."""
    n = counters(dut)
    count = int(dut.status_count.value)
    if (n["received"] - n["out"] - n["overflow"] - count) & ((1 << len(dut.status_sent)) - 1):
        return [f"received {n['received']} != out {n['out']} + overflow {n['overflow']} + "
                f"count {count}"]
    return []


def check_counters(tb, want: dict, what: str):
    """The design's counters equal ``want`` (mod 2**counter_bits), through ``expected()``."""
    mask = (1 << tb.p.counter_bits) - 1
    got = counters(tb.dut)
    compare([got[c] for c in COUNTERS], expected([want[c] & mask for c in COUNTERS], tb.seed),
            f"{what} counters {COUNTERS}", str(tb.p))


async def loopback(dut):
    """The wire: ``link_rx`` follows ``link_tx`` (one register of delay)."""
    while True:
        await RisingEdge(dut.clk)
        dut.link_rx.value = dut.link_tx.value


async def start(dut, idle=None, stall=None) -> Bench:
    dut.link_rx.value = 1                       # the idle line before the clock starts
    return await Bench.start(dut, idle, stall)


def stimulus(tb, salt: str, n: int):
    return event.beats(event.random_timesteps(tb.p.event, tb.rng(salt), n))


def idle_all():
    return lambda d: int(d.status_count.value) or not int(d.s_in_tready.value) \
        or int(d.link_tx.value) == 0


async def run_loopback(dut, idle, stall, sender_model=model, n: int = 5):
    tb = await start(dut, idle, stall)
    check = await start_check(tb, sender_model, invariants=invariant)
    cocotb.start_soon(loopback(dut))
    beats = stimulus(tb, f"loop/{idle}/{stall}", n)
    send_beats(tb, beats)
    limit = (len(beats) + 4) * tb.p.frame_cycles
    await with_timeout(tb.source.wait(), 10 * limit, "ns")    # a sender that never finishes
    await drain(tb, idle_all(), limit=limit, quiet=2 * tb.p.byte_cycles)
    got = take(tb.sink)
    check.check(tb, {}, f"sender, pauses={idle}/{stall}")
    want, n = model.receive(tb.p, [("byte", b) for b in model.encode_all(tb.p, beats)])
    compare(flat(got), expected(flat(want), tb.seed), "m_out (tdata << 2 | tlast << 1 | tuser)",
            str(tb.p))
    check_counters(tb, {"sent": len(beats), "received": n.received, "crc_err": 0,
                        "overflow": 0, "out": len(beats)}, "loopback")
    tb.check_protocol()


@cocotb.test()
async def loopback_matches_model(dut):
    """Loopback, random idle cycles on s_in and back-pressure on m_out (the sender still sends
    frames back to back: a frame lasts longer than any pause): the sender every cycle against
    the model, every beat back in order, markers kept, the counters."""
    await run_loopback(dut, "random", "random")


# ---------------------------------------------------------------- driving the line ---------

async def drive(tb, chars):
    """Drive ``link_rx`` with ``chars``: (byte, stop level, idle cycles after it); byte None is
    a glitch (the line low for one cycle, shorter than half a bit: no character)."""
    dut, div = tb.dut, tb.p.divisor
    for byte, stop, idle in chars:
        if byte is None:
            dut.link_rx.value = 0
            await ClockCycles(dut.clk, 1)
        else:
            for level in [0] + [(byte >> i) & 1 for i in range(8)] + [stop]:
                dut.link_rx.value = level
                await ClockCycles(dut.clk, div)
        dut.link_rx.value = 1
        if idle:
            await ClockCycles(dut.clk, idle)


#: what happens to each frame of a line-error run (shuffled): half of them broken one way
KINDS = ["good"] * 5 + ["flip", "flip", "ferr", "cut", "stray", "glitch"]


def line_traffic(p: LinkParams, rng, beats):
    """The characters on the line (byte, stop level, idle cycles after), the receiver events
    the model sees for them, and the events of a blind receiver (must-fail: flipped bits
    unseen, as if the CRC let a corrupted frame through): a frame of each beat, treated as
    :data:`KINDS` says (in a random order; ``flip`` first)."""
    short = max(1, p.divisor // 2)              # well inside gap_cycles (3 divisor)
    long = p.gap_cycles + 2 * p.divisor
    chars, events, blind = [], [], []

    def char(b, stop=1, idle=None, seen=None):
        chars.append((b, stop, rng.randint(0, short) if idle is None else idle))
        events.append(("byte" if stop else "ferr", b))
        blind.append(("byte" if stop else "ferr", b if seen is None else seen))

    def gap():
        chars[-1] = chars[-1][:2] + (long,)
        events.append(("gap", 0))
        blind.append(("gap", 0))

    kinds = rng.sample(KINDS, len(KINDS))
    kinds.remove("flip")
    for beat, kind in zip(beats, ["flip"] + kinds):
        frame = list(model.encode(p, beat))
        at = rng.randrange(1, len(frame))       # a beat or CRC byte, never SYNC
        if kind == "stray":
            char(rng.choice([b for b in range(256) if b != SYNC]))
        for i, b in enumerate(frame):
            if kind == "cut" and i == at:
                gap()
                break
            if kind == "ferr" and i == at:      # the line high a bit time after a bad stop bit
                char(b, stop=0, idle=p.divisor)
            elif kind == "flip" and i == at:
                char(b ^ 1 << rng.randrange(8), seen=b)
            elif kind == "glitch" and i == at:  # a one-cycle low pulse before the character
                chars[-1] = chars[-1][:2] + (2,)
                chars.append((None, 1, p.divisor))
                char(b)
            else:
                char(b)
        if rng.random() < 0.3:
            gap()
    return chars, events, blind


async def watch_invariant(tb, errors: list):
    """The receiver's invariant, sampled every ``divisor`` cycles (cheaper than every cycle,
    which the loopback runs check)."""
    while True:
        await ClockCycles(tb.dut.clk, tb.p.divisor)
        if not int(tb.dut.rst.value):
            errors += invariant(tb.dut)[:max(0, 5 - len(errors))]


async def run_line_errors(dut, frames: int = len(KINDS), blind: bool = False):
    tb = await start(dut, "random", "random")
    broken: list[str] = []
    cocotb.start_soon(watch_invariant(tb, broken))
    beats = stimulus(tb, "line", frames)
    chars, events, blind_events = line_traffic(tb.p, tb.rng("line"), beats)
    await drive(tb, chars)
    await drain(tb, lambda d: int(d.status_count.value), limit=4 * tb.p.frame_cycles,
                quiet=tb.p.byte_cycles)
    assert not broken, f"invariant: {broken[:3]}; {tb.p}"
    want, n = model.receive(tb.p, blind_events if blind else events)
    compare(flat(take(tb.sink)), expected(flat(want), tb.seed),
            "m_out (tdata << 2 | tlast << 1 | tuser)", str(tb.p))
    check_counters(tb, {"sent": 0, "received": n.received, "crc_err": n.crc_err,
                        "overflow": 0, "out": n.received}, "line errors")
    assert n.crc_err >= (4 if frames >= len(KINDS) else 1), \
        f"the run broke only {n.crc_err} frames; {tb.p}"
    tb.check_protocol()


@cocotb.test()
async def line_errors_counted(dut):
    """Frames with flipped bits, framing errors, truncations and stray bytes: the good ones
    arrive in order, the broken ones are counted in status_crc_err, as the model says."""
    await run_line_errors(dut)


@cocotb.test()
async def overflow_counted(dut):
    """m_out held: rx_depth frames stored, the next 2 counted as overflow, nothing else lost."""
    tb = await start(dut)
    broken: list[str] = []
    cocotb.start_soon(watch_invariant(tb, broken))
    tb.hold()
    beats = stimulus(tb, "overflow", tb.p.rx_depth + 2)
    await drive(tb, [(b, 1, 0) for b in model.encode_all(tb.p, beats)])
    await ClockCycles(dut.clk, tb.p.byte_cycles)
    tb.release()
    await drain(tb, lambda d: int(d.status_count.value))
    assert not broken, f"invariant: {broken[:3]}; {tb.p}"
    want, n = model.receive(tb.p, [("byte", b) for b in model.encode_all(tb.p, beats)],
                            room=lambda k: k < tb.p.rx_depth)
    compare(flat(take(tb.sink)), expected(flat(want), tb.seed), "m_out after overflow",
            str(tb.p))
    check_counters(tb, {"sent": 0, "received": len(beats), "crc_err": 0, "overflow": 2,
                        "out": tb.p.rx_depth}, "overflow")
    assert n.overflow == 2


@cocotb.test(expect_fail=True)
async def sender_must_fail(dut):
    """The loopback checks against a sender model one cycle late must fail."""
    await run_loopback(dut, None, None, Late(model), n=1)


@cocotb.test(expect_fail=True)
async def crc_must_fail(dut):
    """The line-error checks against a receiver model that lets corrupted frames through must
    fail (a corrupted frame the design let through would fail the same comparison)."""
    await run_line_errors(dut, frames=1, blind=True)


# ---------------------------------------------------------------- pytest side -------------

test_link, test_link_verilator = core_tests("aer.link")

test_planted_bug_is_caught = planted_bug_test("aer.link", {
    # the receiver's CRC check removed: a corrupted frame goes through undetected
    "crc_unchecked": ([(r"if \(\(\(receiver0_crc_nx == 0\) && receiver0_pad_ok\)\)",
                       "if (receiver0_pad_ok)")], "line_errors_counted"),
})


def _crc8_maxim(data) -> int:
    """CRC-8/MAXIM (reflected poly 0x31): a different CRC-8, check value 0xA1."""
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0x8C if c & 1 else c >> 1
    return c


def test_crc_against_references():
    """CRC-16 is binascii.crc_hqx (CRC-16/XMODEM), CRC-8 the bitwise division by 0x107; both
    published check values over b'123456789'; the residue over data + CRC is 0."""
    r = random.Random(7)
    p8, p16 = LinkParams(crc_bits=8), LinkParams(crc_bits=16)
    assert model.crc(p16, b"123456789") == 0x31C3 and model.crc(p8, b"123456789") == 0xF4
    for _ in range(200):
        data = bytes(r.getrandbits(8) for _ in range(r.randint(0, 12)))
        for p in (p8, p16):
            c = model.crc(p, data)
            assert c == model.crc_reference(p, data)
            assert model.crc(p, data + c.to_bytes(p.crc_bytes, "big")) == 0
    # the comparison tells CRCs apart: CRC-16/CCITT-FALSE (init 0xFFFF) and CRC-8/MAXIM differ
    assert binascii.crc_hqx(b"123456789", 0xFFFF) != model.crc(p16, b"123456789")
    assert crc8(b"123456789") != 0xA1 == _crc8_maxim(b"123456789")


def test_frames_round_trip_and_corruption_detected(seed):
    """Random beats -> frames -> receiver model: the beats back; every single-bit error in a
    beat or CRC byte dropped and counted; the frame format by hand for one beat."""
    r = random.Random(seed)
    for _ in range(20):
        p = LinkParams.random(r)
        beats = event.beats(event.random_timesteps(p.event, r, 20))
        line = model.encode_all(p, beats)
        assert len(line) == len(beats) * p.frame_bytes
        assert model.receive(p, [("byte", b) for b in line]) == (beats, model.Counts(len(beats)))
        frame = bytearray(model.encode(p, beats[0]))
        for k in range(8 * (len(frame) - 1)):
            bad = bytearray(frame)
            bad[1 + k // 8] ^= 1 << (k % 8)
            assert model.receive(p, [("byte", b) for b in bad]) == ([], model.Counts(0, 1))
    # by hand: 8-bit neuron 0x3C with tlast: beat word 0b01_00111100 = 0x13C, two bytes LE
    p = LinkParams(crc_bits=16)
    body = bytes([0x3C, 0x01])
    assert model.encode(p, (0x3C, 1, 0)) == bytes([0xA5]) + body + \
        binascii.crc_hqx(body, 0).to_bytes(2, "big")


def test_sender_timing(seed):
    """The cycle model's line: SYNC's start bit two cycles after the transfer, 10 * divisor + 1
    cycles a byte, the levels of each character, tready back when the last byte starts."""
    p = LinkParams(divisor=4, crc_bits=8, event={"neuron_bits": 6})
    st = model.reset(p)
    ins = {"s_in_tvalid": 1, "s_in_tdata": 0x2A, "s_in_tlast": 1, "s_in_tuser": 0}
    line, ready = [], []
    for t in range(p.frame_cycles + 4):
        out = model.outputs(p, st, ins)
        line.append(out["link_tx"])
        ready.append(out["s_in_tready"])
        st = model.step(p, st, ins if t == 0 else dict(ins, s_in_tvalid=0))
    frame = model.encode(p, (0x2A, 1, 0))
    want = [1, 1]
    for b in frame:
        want += [0] * 4 + [bit for i in range(8) for bit in [(b >> i) & 1] * 4] + [1] * 5
    assert line[:len(want)] == want
    starts = 2 + (p.frame_bytes - 1) * p.byte_cycles      # the last byte's start bit
    assert ready[:starts + 1] == [1] + [0] * (starts - 1) + [1]
    assert model.events_per_second(p, 12e6) == pytest.approx(12e6 / (3 * 41))


test_bad_params_raise = bad_params_test(LinkParams, [
    ({"divisor": 3}, ["LinkParams.divisor = 3", "4..65535"]),
    ({"crc_bits": 12}, ["LinkParams.crc_bits = 12", "8, 16"]),
    ({"rx_depth": 6}, ["LinkParams.rx_depth = 6", "a power of two"]),
    ({"event": {"neuron_bits": 30}}, ["LinkParams.event.neuron_bits = 30", "1..24"]),
])

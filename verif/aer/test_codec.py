# SPDX-License-Identifier: Apache-2.0
"""aer.codec: converted Verilog vs the cycle model over random configurations (encoder and
decoder, delta timestamps of 2..5 bits so escapes are frequent, random event formats; one
configuration small enough for full escapes) on the shared testbench: random spike trains
(empty timesteps, long gaps that need escape words) under idle and back-pressure patterns,
every output against the model every cycle, every word or beat against the model's.  Round
trips, model-free: what the hardware encoder emits decodes on the host (``model.decode``, the
function sw/aer_codec.py uses) to the timesteps sent, and equals the host encoder's words;
host-encoded words decoded by the hardware give the timesteps back.  One word a cycle when
nothing waits.  Must-fails: the cycle check against the model one cycle late, and against a
model whose escape code is one bit wider."""
import random

import cocotb
from cocotb.triggers import RisingEdge, with_timeout

from neurohdl.models.aer import codec as model, event
from neurohdl.models.aer.codec import CodecParams
from neurohdl.verif.aer.bench import Late, drain, flat, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import CLOCK_NS, Bench, bad_params_test, core_tests


SHORT = 255        # escapes are exercised when U is at most this (a gap of U costs U cycles)


def first_gap(p) -> int:
    """The empty timesteps a train starts with: U (one escape unit), or 3 when U > SHORT."""
    return p.escape if p.escape <= SHORT else 3


def spike_train(p, rng, n_steps: int) -> list[list[int]]:
    """Timesteps of 0..3 random event words: about half of them empty, long empty runs
    (U..3U when U <= SHORT, beyond a full escape when that is at most 80 timesteps), and at
    the start ``first_gap`` empty timesteps then an event."""
    u, full = p.escape, p.escape << p.neuron_bits
    steps = [[] for _ in range(first_gap(p))] + [[event.random_word(p.event, rng)]]
    while len(steps) < n_steps:
        r = rng.random()
        if r < 0.08 and u <= SHORT:
            steps += [[] for _ in range(rng.randint(u, 3 * u))]
        elif r < 0.12 and full <= 80:
            steps += [[] for _ in range(rng.randint(full, full + u))]
        else:
            k = 0 if rng.random() < 0.4 else rng.randint(1, 3)
            steps.append([event.random_word(p.event, rng) for _ in range(k)])
    return steps


class Checked:
    """The model as the aer cycle check reads it: ``m_code`` (a plain stream) has no tlast
    and tuser, so they are None (never compared)."""

    def __init__(self, m):
        self.m = m

    def inputs(self, p):
        return self.m.inputs(p)

    def reset(self, p):
        return self.m.reset(p)

    def outputs(self, p, st, ins):
        out = self.m.outputs(p, st, ins)
        return out | {"m_code_tlast": None, "m_code_tuser": None} if "m_code_tvalid" in out \
            else out

    def step(self, p, st, ins):
        return self.m.step(p, st, ins)


def words_of(sink) -> list[int]:
    out = []
    while not sink.empty():
        out.append(int(sink.recv_nowait().tdata))
    return out


def decoded_steps(steps, closed, rest):
    """What decoding a code stream of ``steps`` should give, as long as it gave (``closed``
    timesteps and the ``rest`` of an open one): the timesteps through the last event's, and
    after it at most the empty ones that full escapes covered."""
    last = max((t for t, s in enumerate(steps) if s), default=-1)
    n = max(last + 1, min(len(closed) + 1, len(steps)))
    return (steps + [[]])[:n]


def busy(dut) -> int:
    out = "m_code" if hasattr(dut, "m_code_tvalid") else "m_out"
    return int(getattr(dut, f"{out}_tvalid").value)


async def emptied(tb, n_beats: int):
    """``drain`` within 20 cycles a beat (a train's beats: one per event and per timestep): a
    design that stops taking or giving fails the test instead of hanging on the source."""
    limit = 20 * n_beats + 200
    await with_timeout(drain(tb, busy, limit=limit), limit * CLOCK_NS, "ns")


async def run_train(dut, idle, stall, check_model=Checked(model), model_p=None,
                    n_steps=40, make_steps=None):
    """Encoder: the train's beats in, words out; decoder: the host's words in, beats out.
    Every cycle against the model; the outputs against the model's transfers and the
    transaction-level functions; the round trip."""
    tb = await Bench.start(dut, idle, stall)
    p = tb.p
    check = await start_check(tb, check_model, None if model_p is None else model_p(p))
    steps = (make_steps or spike_train)(p, tb.rng(f"{idle}/{stall}"), n_steps)
    beats = event.beats(steps)
    host_words = model.encode(p, beats)
    if p.direction == "encode":
        send_beats(tb, beats)
        await emptied(tb, len(beats))
        got = words_of(tb.sink)
        assert not check.errors, f"{len(check.errors)} cycle mismatches, first " \
                                 f"{check.errors[:3]}; {p}"
        compare(got, expected([b[0] for b in check.beats.get("m_code", [])], tb.seed),
                "m_code (model transfers)", str(p))
        compare(got, expected(host_words, tb.seed + 1), "m_code (host encoder)", str(p))
        decoded, rest = event.timesteps(model.decode(p, got))
    else:
        tb.send(host_words)
        await emptied(tb, len(beats))
        got = take(tb.sink)
        check.check(tb, {"m_out": got}, f"pauses={idle}/{stall}")
        compare(flat(got), expected(flat(model.decode(p, host_words)), tb.seed + 1),
                "m_out (host decoder)", str(p))
        decoded, rest = event.timesteps(got)
    want = decoded_steps(steps, decoded, rest)
    have = decoded + [rest]
    compare([len(have)], expected([len(want)], tb.seed + 2), "timesteps round trip", str(p))
    for t, (h, w) in enumerate(zip(have, want)):
        compare(h, expected(w, tb.seed + 3 + t), f"round trip timestep {t}", str(p))
    tb.check_protocol()
    return tb, got


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random"),
                                         ("cycle", None)]))
async def train_matches_model(dut, idle, stall):
    """A random spike train with escapes, every cycle against the model, and the round trip
    through the host functions."""
    await run_train(dut, idle, stall)


def long_silence(p, rng, n_steps: int) -> list[list[int]]:
    """An event, a silence of up to 4000 timesteps (past a full escape where that fits, so
    the pending unit count runs through its high bits), an event, then a random train."""
    quiet = min((p.escape << p.neuron_bits) + p.escape + 1, 4000)
    return ([[event.random_word(p.event, rng)]] + [[] for _ in range(quiet)]
            + [[event.random_word(p.event, rng)]] + spike_train(p, rng, n_steps))


@cocotb.test()
async def long_silence_matches_model(dut):
    """A silence of up to 4000 timesteps between two events (full escapes where they fit,
    else one escape word of many units): every cycle against the model, the round trip."""
    await run_train(dut, None, "random", make_steps=long_silence, n_steps=10)


@cocotb.test()
async def one_word_a_cycle(dut):
    """No pauses, events in one timestep (no gaps): one word in and one out a cycle, the
    first out two cycles after the first in at most."""
    tb = await Bench.start(dut)
    p = tb.p
    check = await start_check(tb, Checked(model))
    ws = [event.random_word(p.event, tb.rng("fast")) for _ in range(24)]
    beats = [(w, 0, 0) for w in ws]
    if p.direction == "encode":
        send_beats(tb, beats)
        want = model.encode(p, beats)
    else:
        tb.send(model.encode(p, beats))
        want = [b[0] for b in model.decode(p, model.encode(p, beats))]
    await emptied(tb, len(beats))
    got = words_of(tb.sink)
    assert not check.errors, check.errors[:3]
    compare(got, expected(want, tb.seed), "outputs", str(p))
    (ins,), (outs,) = tb.transfers_of(tb.sources), tb.transfers_of(tb.sinks)
    assert ins == list(range(ins[0], ins[0] + len(ins))), f"input not back to back {ins[:8]}"
    assert outs == list(range(outs[0], outs[0] + len(outs))), f"output not back to back {outs[:8]}"
    assert outs[0] - ins[0] <= 2, f"latency {outs[0] - ins[0]}; {p}"


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset in the middle of a train (sink held) empties the core; a fresh train after it
    matches the model and round-trips."""
    tb = await Bench.start(dut, "random", "random")
    p = tb.p
    steps = spike_train(p, tb.rng("before"), 20)
    tb.hold()
    if p.direction == "encode":
        send_beats(tb, event.beats(steps))
    else:
        tb.send(model.encode(p, event.beats(steps)))
    for _ in range(30):
        await RisingEdge(dut.clk)
    await tb.reset(2)
    await RisingEdge(dut.clk)
    assert not busy(dut), f"output valid after reset; {p}"
    tb.release()
    await run_train_after_reset(tb)


async def run_train_after_reset(tb):
    dut = tb.dut
    check = await start_check(tb, Checked(model))
    steps = spike_train(tb.p, tb.rng("after"), 20)
    beats = event.beats(steps)
    if tb.p.direction == "encode":
        send_beats(tb, beats)
        await emptied(tb, len(beats))
        got = words_of(tb.sink)
        want = model.encode(tb.p, beats)
    else:
        tb.send(model.encode(tb.p, beats))
        await emptied(tb, len(beats))
        got = flat(take(tb.sink))
        want = flat(model.decode(tb.p, model.encode(tb.p, beats)))
    assert not check.errors, check.errors[:3]
    compare(got, expected(want, tb.seed), "after reset", str(tb.p))
    assert dut is tb.dut


@cocotb.test(expect_fail=True)
async def late_model_must_fail(dut):
    """The same checks against the model one cycle late must fail."""
    await run_train(dut, None, "cycle", check_model=Late(Checked(model)), n_steps=10)


@cocotb.test(expect_fail=True)
async def escape_rule_must_fail(dut):
    """The same checks against a model with another escape code must fail: the train starts
    with a gap of ``first_gap`` timesteps: U (an escape unit here, a plain delta for a model
    one timestamp bit wider), or 3 when U > SHORT (a plain delta here, an escape unit for a
    model of 2 timestamp bits)."""
    await run_train(dut, None, None, model_p=lambda p: p.replace(
        timestamp_bits=p.timestamp_bits + 1 if p.escape <= SHORT else 2), n_steps=10)


# ---------------------------------------------------------------- pytest side -------------

test_codec, test_codec_verilator = core_tests("aer.codec", pins={
    0: {"direction": "encode"}, 1: {"direction": "decode"},
    2: {"direction": "encode", "timestamp_bits": 2, "event": {"neuron_bits": 2, "x_bits": 0,
                                                              "y_bits": 0, "payload_bits": 0}},
    3: {"direction": "decode", "timestamp_bits": 2, "event": {"neuron_bits": 2, "x_bits": 0,
                                                              "y_bits": 0, "payload_bits": 0}}})


def test_word_format_by_hand():
    """timestamp_bits 2 (U = 3), 2-bit events: worked by hand."""
    p = CodecParams(timestamp_bits=2, event={"neuron_bits": 2})
    # t0: events 1, 2; t1 empty; t2: event 3 -> {0,1} {0,2} {2,3}
    assert model.encode(p, event.beats([[1, 2], [], [3]])) == [0b00_01, 0b00_10, 0b10_11]
    # 3 empty timesteps then event 1: one escape unit {3, 0}, then {0, 1}
    assert model.encode(p, event.beats([[], [], [], [1]])) == [0b11_00, 0b00_01]
    # 13 empty timesteps: 12 = 4 units = a full escape {3, 3} at once; then gap 1: {1, 2}
    assert model.encode(p, event.beats([[]] * 13 + [[2]])) == [0b11_11, 0b01_10]
    # 7 empty: 2 units pending, gap 1 -> {3, 1} then {1, 0}
    assert model.encode(p, event.beats([[]] * 7 + [[0]])) == [0b11_01, 0b01_00]
    m = event.MARKER
    assert model.decode(p, [0b11_01, 0b01_00]) == [m] * 6 + [m, (0, 0, 0)]   # 2 units, 1


def test_round_trip_random(seed):
    """Host encode -> decode gives the timesteps back (through the last event, and the empty
    ones full escapes cover after it), over random formats and trains with long gaps."""
    r = random.Random(seed)
    for _ in range(40):
        p = CodecParams.random(r)
        steps = spike_train(p, r, 60)
        words = model.encode(p, event.beats(steps))
        assert all(0 <= w < 1 << p.width for w in words)
        closed, rest = event.timesteps(model.decode(p, words))
        assert closed + [rest] == decoded_steps(steps, closed, rest)
    # a full escape after the last event: its timesteps come back empty
    p = CodecParams(timestamp_bits=2, event={"neuron_bits": 1})
    steps = [[1]] + [[]] * 7
    closed, rest = event.timesteps(model.decode(p, model.encode(p, event.beats(steps))))
    assert closed + [rest] == [[1]] + [[]] * 6      # 1 + 6 markers (a full escape: 2 units)


test_bad_params_raise = bad_params_test(CodecParams, [
    ({"timestamp_bits": 1}, ["CodecParams.timestamp_bits = 1", "2..24"]),
    ({"direction": "both"}, ["CodecParams.direction = 'both'", "'encode', 'decode'"]),
    ({"event": {"neuron_bits": 25}}, ["CodecParams.event.neuron_bits = 25", "1..24"]),
])

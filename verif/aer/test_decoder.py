# SPDX-License-Identifier: Apache-2.0
"""aer.decoder: converted Verilog vs the cycle model over random configurations (both modes,
neuron or address key, 1..20 keys, 2..64 synapse words, max fan-out 1..synapses, random event
formats, weight widths and signedness) on the shared testbench: a random table (keys without
synapses, keys at max_fanout) loaded on s_tbl, then random timesteps of events (keys out of
range, marker beats, empty timesteps) under idle and back-pressure; every output compared with
the model every cycle and every output beat with the model's.  Model-free: each timestep's
synaptic events against a plain dict-of-lists expansion of the table (lines mode: each
timestep's lines against the set of its keys), the counters at the end, and 0 <= in - done -
dropped <= 2 every cycle (0 in lines mode).  One synaptic event a clock (cycles per event =
max(1, fan-out)); tlast after a fan-out of 0, 1, 2 and max_fanout; a reset keeps the table;
must-fail: the model one cycle late, and a table that differs from the reference by one synapse
(lines mode: a reference missing one line).  Graded: configuration 2 always (signed weights x
unsigned payloads as nir_quant's graded inputs, shift 1..4), configuration 3 on odd seeds
(payload widths and signedness, weight signedness, shifts 0..w_width + payload_bits drawn); the
reference scales each weight by the event's payload with exact fractions, rounding half up;
must-fail: a model that truncates instead of rounding (run where some weight x payload rounds
differently)."""
import os
from fractions import Fraction
from unittest import mock

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl.models.aer import decoder as model
from neurohdl.models.aer import event
from neurohdl.models.aer.decoder import DecoderParams
from neurohdl.verif.aer.bench import Late, drain, load_words, send_beats, start_check
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.tb import Bench, bad_params_test, core_tests

EXPECTED_SKIPS = {"truncating_model_must_fail": "no graded rounding to break: graded off, "
                  "shift 0, or no weight x payload with bit shift-1 set"}


class KeepTables:
    """The model, its reset keeping the RAM contents (block RAM is not reset)."""

    def __init__(self):
        self.last = None

    def inputs(self, p):
        return model.inputs(p)

    def reset(self, p):
        return model.reset(p, self.last)

    def outputs(self, p, st, ins):
        return model.outputs(p, st, ins)

    def step(self, p, st, ins):
        self.last = model.step(p, st, ins)
        return self.last


def out_name(p):
    return "m_spk" if p.mode == "lines" else "m_syn"


def take_out(tb):
    """The output beats received so far, (tdata, tlast, tuser) (lines mode: tuser 0)."""
    sink, out = tb.sinks[out_name(tb.p)], []
    while not sink.empty():
        b = sink.recv_nowait()
        out.append((int(b.tdata), int(b.tlast), int(getattr(b, "tuser", 0))))
    return out


def busy(dut):
    """An output beat waiting, the input stalled, or an event in flight (in - done - dropped
    > 0; more than 2 fails at once instead of waiting for the drain's limit)."""
    m = "m_spk" if hasattr(dut, "m_spk_tvalid") else "m_syn"
    mask = (1 << len(dut.status_in)) - 1
    left = (int(dut.status_in.value) - int(dut.status_done.value) -
            int(dut.status_dropped.value)) & mask
    assert left <= 2, f"status_in - status_done - status_dropped = {left}: allowed 0..2"
    return int(getattr(dut, f"{m}_tvalid").value) or not int(dut.s_in_tready.value) or left


def conservation(p):
    """0 <= in - done - dropped <= in flight max, every cycle (model-free)."""
    mask, most = (1 << p.counter_bits) - 1, 0 if p.mode == "lines" else 2

    def rule(dut):
        vals = [dut.status_in.value, dut.status_done.value, dut.status_dropped.value]
        if not all(v.is_resolvable for v in vals):
            return ["status counters X"]
        left = (int(vals[0]) - int(vals[1]) - int(vals[2])) & mask
        return [] if left <= most else [f"in - done - dropped = {left}: allowed 0..{most}"]
    return rule


def scaled(p, w, x):
    """The graded weight from its definition: w * x / 2^shift rounded half up, in exact
    fractions (the weight itself when not graded)."""
    return (Fraction(w * x, 1 << p.shift) + Fraction(1, 2)).__floor__() if p.graded else w


def reference(p, fanout, steps):
    """Independent of the model: each input timestep's synaptic words (the dict-of-lists
    expansion of its in-range keys, graded: each weight scaled by the event's payload) or lines
    (the set of its in-range keys, as a vector)."""
    out = []
    for events in steps:
        keys = [(int(w) & ((1 << p.key_bits) - 1), int(x)) for w, x in
                zip(events, event.unpack(p.event, events)["payload"])]
        keys = [(k, x) for k, x in keys if k < p.n]
        if p.mode == "lines":
            out.append([sum(1 << k for k in {k for k, _ in keys})])
        else:
            out.append([((scaled(p, w, x) & ((1 << p.out_w_width) - 1)) << p.target_bits) | t
                        for k, x in keys for t, w in fanout.get(k, [])])
    return out


def delivered(p, beats):
    """The closed timesteps of the output beats (lines: each beat is a timestep's vector)."""
    if p.mode == "lines":
        assert all(last == 1 for _, last, _ in beats), beats
        return [[d] for d, _, _ in beats]
    closed, open_ = event.timesteps(beats)
    assert not open_, f"events after the last marker: {open_}"
    return closed


async def load(tb, fanout):
    """Load the table of ``fanout`` on s_tbl, its words in a random order, and wait until it is
    written (s_tbl never stalls: 4 cycles a word allow for the idle pattern)."""
    if tb.p.mode == "fanout":
        words = model.load_words(tb.p, model.build_table(tb.p, fanout))
        tb.rng("load").shuffle(words)
        await load_words(tb, words, slack=20)


async def settle(tb, n_events: int):
    """``drain`` with a bound on the time to take the inputs: 8 cycles per beat and synapse
    (the 1-1-1-0 back-pressure pattern stalls 3 cycles of 4), so a decoder that stops taking
    them fails within it."""
    await drain(tb, busy, send_limit=8 * (n_events + 2) * (tb.p.max_fanout + 1) + 200)


async def run_traffic(dut, idle, stall, late=False, n_events=30):
    tb = await Bench.start(dut, idle, stall)
    p = tb.p
    check_model = Late(KeepTables()) if late else KeepTables()
    check = await start_check(tb, check_model, invariants=conservation(p))
    rng = tb.rng(f"{idle}/{stall}")
    fanout = model.random_fanout(p, rng)
    steps = event.random_timesteps(p.event, rng, n_events)
    await load(tb, fanout)
    beats = event.beats(steps)
    send_beats(tb, beats, "s_in")
    await settle(tb, len(beats))
    got = take_out(tb)
    check.check(tb, {out_name(p): got}, f"pauses={idle}/{stall}")
    tb.check_protocol()
    return tb, fanout, steps, got


def check_reference(tb, fanout, steps, got, what=""):
    p, ctx = tb.p, str(tb.p)
    want = reference(p, fanout, steps)
    closed = delivered(p, got)
    compare([len(closed)], expected([len(want)], tb.seed), f"{what} timesteps closed", ctx)
    for t, (g, w) in enumerate(zip(closed, want)):
        compare(g, expected(w, tb.seed + t), f"{what} timestep {t} ({out_name(p)} tdata)", ctx)


def check_counters(tb, steps, got):
    """At the end: in = events sent, done + dropped = in, out = synaptic events, markers =
    timesteps (each mod 2^counter_bits)."""
    p, dut, mask = tb.p, tb.dut, (1 << tb.p.counter_bits) - 1
    events = [int(w) & ((1 << p.key_bits) - 1) for ts in steps for w in ts]
    dropped = sum(k >= p.n for k in events)
    names = ["status_in", "status_done", "status_dropped", "status_markers"]
    want = [len(events), len(events) - dropped, dropped, len(steps)]
    if p.mode == "fanout":
        names.append("status_out")
        want.append(sum(user == 0 for _, _, user in got))
    compare([int(getattr(dut, n).value) for n in names],
            expected([w & mask for w in want], tb.seed), f"counters {names}", str(p))


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random"),
                                         ("cycle", None)]))
async def events_match_model(dut, idle, stall):
    """Every cycle against the model; then the reference expansion and the counters."""
    tb, fanout, steps, got = await run_traffic(dut, idle, stall)
    check_reference(tb, fanout, steps, got)
    check_counters(tb, steps, got)


@cocotb.test()
async def one_synaptic_event_per_clock(dut):
    """No pauses: back-to-back events leave their synaptic events on consecutive cycles, the
    first 2 cycles after the first event was taken; an event without synapses costs one cycle
    (cycles per event = max(1, fan-out)).  Lines mode: one event a cycle is taken.  64 events,
    so that the counters (checked at the end) pass 2^7."""
    tb = await Bench.start(dut)
    p = tb.p
    check = await start_check(tb, KeepTables())
    rng = tb.rng("rate")
    fanout = model.random_fanout(p, rng)
    keys = [rng.randrange(p.n) for _ in range(63)] + [0]
    await load(tb, fanout)
    # key k < n <= 2^key_bits: the event word k has key k (neuron and address are the low bits)
    send_beats(tb, [(k, int(i == len(keys) - 1), 0) for i, k in enumerate(keys)], "s_in")
    await settle(tb, len(keys))
    got = take_out(tb)
    check.check(tb, {out_name(p): got}, "back to back")
    check_counters(tb, [keys], got)
    t_in = tb.transfers["s_in"]
    if p.mode == "lines":
        compare(t_in, expected(list(range(t_in[0], t_in[0] + len(keys))), tb.seed),
                "s_in transfer cycles", str(p))
        return
    want, slot = [], t_in[0] + 2
    for k in keys:
        c = len(fanout.get(k, []))
        want += [slot + i for i in range(c)]
        slot += max(1, c)
    if not fanout.get(keys[-1]):
        want.append(slot - 1)                       # the marker beat of the last event
    compare(tb.transfers["m_syn"], expected(want, tb.seed), "m_syn transfer cycles", str(p))


@cocotb.test()
async def every_fanout_closes_its_timestep(dut):
    """Each key its own timestep (tlast on its event), the keys' fan-outs 1, 0, max_fanout, 2,
    1, 0, ... (as the synapse RAM allows): tlast on the last synaptic event whatever the
    fan-out, a marker beat for none; against the model and the reference, under random
    back-pressure."""
    tb = await Bench.start(dut, None, "random")
    p = tb.p
    check = await start_check(tb, KeepTables())
    rng = tb.rng("every")
    lo, hi = p.weight_range()
    fanout, left = {}, p.synapses
    for k in range(p.n):
        c = min(left, p.max_fanout, [1, 0, p.max_fanout, 2][k % 4])
        fanout[k], left = [(rng.randrange(1 << p.target_bits), rng.randint(lo, hi))
                           for _ in range(c)], left - c
    await load(tb, fanout)
    steps = [[k] for k in range(p.n)]
    send_beats(tb, event.beats(steps), "s_in")
    await settle(tb, p.n)
    got = take_out(tb)
    check.check(tb, {out_name(p): got}, "every fan-out")
    check_reference(tb, fanout, steps, got, "every fan-out")


@cocotb.test()
async def reset_keeps_table(dut):
    """A reset while events are pending (sink held) empties the decoder and clears every
    counter; the table survives: traffic after it matches the reference without a reload."""
    tb = await Bench.start(dut, "random", "random")
    p = tb.p
    check = await start_check(tb, KeepTables())
    rng = tb.rng("reset")
    fanout = model.random_fanout(p, rng)
    steps = event.random_timesteps(p.event, rng, 12)
    await load(tb, fanout)
    tb.hold()
    send_beats(tb, event.beats(steps), "s_in")
    for _ in range(40):
        await RisingEdge(dut.clk)
    await tb.reset(2)
    await ReadOnly()
    left = {n: int(getattr(dut, n).value) for n in
            ("status_in", "status_done", "status_dropped", "status_markers")}
    left[f"{out_name(p)}_tvalid"] = int(getattr(dut, f"{out_name(p)}_tvalid").value)
    assert not any(left.values()), f"after reset {left}; {p}"
    await RisingEdge(dut.clk)
    tb.release()
    send_beats(tb, event.beats(steps), "s_in")
    await settle(tb, len(event.beats(steps)))
    got = take_out(tb)
    check.check(tb, {out_name(p): got}, "after reset")
    check_reference(tb, fanout, steps, got, "after reset")


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against the model seeing every input one cycle late must fail."""
    await run_traffic(dut, None, "cycle", late=True, n_events=8)


def with_key0(fanout):
    """``fanout`` with at least one synapse on key 0 (moved from the longest list; the total
    stays within the RAM)."""
    fanout = {k: list(v) for k, v in fanout.items()}
    if not fanout.get(0):
        longest = max(fanout, key=lambda k: len(fanout[k]))
        fanout[0] = [fanout[longest].pop()] if fanout[longest] else [(0, 0)]
    return fanout


@cocotb.test(expect_fail=True)
async def wrong_table_must_fail(dut):
    """The reference check must fail on a DUT loaded with a table one synapse away from the
    reference's (key 0's first weight off by one; graded: its target); lines mode (no table):
    on a reference that misses key 0's line.  Timestep 0 holds just an event with key 0."""
    tb = await Bench.start(dut)
    p = tb.p
    rng = tb.rng("wrong")
    fanout = with_key0(model.random_fanout(p, rng))
    steps = [[0]] + event.random_timesteps(p.event, rng, 6)
    wrong = {k: list(v) for k, v in fanout.items()}
    t, w = wrong[0][0]
    lo, hi = p.weight_range()
    # graded: event 0's payload is 0, so its target is what shows (a weight may round away)
    wrong[0][0] = ((t + 1) % (1 << p.target_bits), w) if p.graded else \
        (t, w + 1 if w < hi else lo)
    await load(tb, wrong)
    send_beats(tb, event.beats(steps), "s_in")
    await settle(tb, len(event.beats(steps)))
    ref_steps = [[]] + steps[1:] if p.mode == "lines" else steps
    check_reference(tb, fanout, ref_steps, take_out(tb), "wrong table")


def rounding_pair(p):
    """A (weight, payload) whose graded weight rounding up differs from truncating (bit
    shift-1 of the product set), or None (not graded, shift 0, or no such pair)."""
    if not p.graded or not p.shift:
        return None

    def values(lo, hi):         # all of them, or a few when there are many
        return range(lo, hi + 1) if hi - lo < 512 else [v for v in (lo, hi, -1, 1, 2, 3)
                                                         if lo <= v <= hi]
    return next(((w, x) for w in values(*p.weight_range())
                 for x in values(*p.event.field_range("payload"))
                 if (w * x) >> (p.shift - 1) & 1), None)


def _run_params():
    """The Params of this simulation (None when imported outside one: the pytest side)."""
    return params_from_env(DecoderParams) if "NEUROHDL_PARAMS" in os.environ else None


def truncated(p, w, x):
    """The must-fail graded weight: ``(w * x) >> shift``, truncated, not rounded."""
    return (w * x) >> p.shift


class Truncating(KeepTables):
    """A must-fail model: graded weights truncated (:func:`truncated`)."""

    def step(self, p, st, ins):
        with mock.patch.object(model, "graded_weight", truncated):
            return super().step(p, st, ins)


@cocotb.skipif(_run_params() is None or rounding_pair(_run_params()) is None,
               reason=EXPECTED_SKIPS["truncating_model_must_fail"])
@cocotb.test(expect_fail=True)
async def truncating_model_must_fail(dut):
    """The cycle check against a model that truncates graded weights must fail: key 0's first
    synapse has a weight w whose product with the first event's payload x rounds differently
    (rounding_pair), then random traffic."""
    tb = await Bench.start(dut, None, "cycle")
    p = tb.p
    check = await start_check(tb, Truncating())
    rng = tb.rng("truncate")
    w, x = rounding_pair(p)
    fanout = with_key0(model.random_fanout(p, rng))
    fanout[0][0] = (fanout[0][0][0], w)
    await load(tb, fanout)
    steps = [[int(event.pack(p.event, 0, payload=x))]] + event.random_timesteps(p.event, rng, 6)
    beats = event.beats(steps)
    send_beats(tb, beats, "s_in")
    await settle(tb, len(beats))
    check.check(tb, {"m_syn": take_out(tb)}, "truncating model")


# ---------------------------------------------------------------- pytest side -------------

test_decoder, test_decoder_verilator = core_tests(
    "aer.decoder", pins={0: {"mode": "lines"}, 1: {"mode": "fanout"},
                         2: lambda seed: {"mode": "fanout", "graded": True, "w_signed": True,
                                          "event.payload_signed": False,
                                          "shift": 1 + seed % 4},
                         3: lambda seed: {"graded": True} if seed & 1 else None})


test_bad_params_raise = bad_params_test(DecoderParams, [
    ({"n": 0}, ["DecoderParams.n = 0", "1..4096"]),
    ({"n": 300, "event": {"neuron_bits": 8}}, ["DecoderParams.n = 300", "1..256",
                                               "key = 'neuron'"]),
    ({"mode": "lines", "n": 300, "event": {"neuron_bits": 10}},
     ["DecoderParams.n = 300", "1..256 in lines mode"]),
    ({"synapses": 48, "max_fanout": 4}, ["DecoderParams.synapses = 48", "a power of two"]),
    ({"synapses": 16, "max_fanout": 17}, ["DecoderParams.max_fanout = 17", "1..16"]),
    ({"mode": "tree"}, ["DecoderParams.mode = 'tree'", "'lines'"]),
    ({"key": "x"}, ["DecoderParams.key = 'x'", "'address'"]),
    ({"graded": True}, ["DecoderParams.graded = True", "event.payload_bits >= 1",
                        "event.payload_bits = 0"]),
    ({"graded": True, "mode": "lines", "n": 4, "event": {"payload_bits": 4}},
     ["DecoderParams.graded = True", "mode = 'lines'"]),
    ({"graded": True, "shift": 13, "event": {"payload_bits": 4}},
     ["DecoderParams.shift = 13", "0..12"]),
])


def graded_mismatches(p):
    """(w, x, model's weight, reference's) for every weight and payload of ``p`` whose m_syn
    word (model.issued, decoded as engine.run takes it) is not the exact half-up rounding."""
    out = []
    for w in range(p.weight_range()[0], p.weight_range()[1] + 1):
        for x in range(p.event.field_range("payload")[0], p.event.field_range("payload")[1] + 1):
            word = model.issued(p, model.syn_word(p, 5, w), x)
            ((t, got),), = model.syn_timesteps(p, [(word, 1, 0)])
            if (t, got) != (5, scaled(p, w, x)):
                out.append((w, x, got, scaled(p, w, x)))
    return out


def test_graded_weights_round_half_up():
    """Every weight x payload, 4-bit weights x 3-bit payloads, both signednesses each, every
    shift 0..7: the model's output weight is w x / 2^shift rounded half up, exactly (so the
    derived out_w_width holds it: no wrap); nir_quant's case is w_signed, unsigned payload.
    Must-fail: a truncating graded_weight is caught at every shift >= 1."""
    for w_signed in (True, False):
        for x_signed in (True, False):
            for shift in range(8):
                p = DecoderParams(n=2, synapses=2, max_fanout=1, target_bits=3, w_width=4,
                                  w_signed=w_signed, graded=True, shift=shift,
                                  event={"neuron_bits": 1, "payload_bits": 3,
                                         "payload_signed": x_signed})
                assert graded_mismatches(p) == [], p
                if shift:
                    with mock.patch.object(model, "graded_weight", truncated):
                        assert graded_mismatches(p) != [], f"truncation not caught: {p}"

# SPDX-License-Identifier: Apache-2.0
"""aer.encoder: converted Verilog vs the cycle model over random configurations (2..20 lines,
priority and round robin, stall and drop, 4..10-bit drop counters, random event formats) on the
shared testbench: random timesteps of spike vectors (empty vectors, empty timesteps, full
vectors) under idle and back-pressure, every output compared with the model every cycle and
every event beat with the model's; model-free: stall mode delivers each timestep's spikes
exactly (as a set, closed by its marker), drop mode delivers every marker and
delivered + dropped = sent spikes; one event a cycle; a reset mid-stream; must-fail: the same
checks against the model one cycle late."""
import random

import cocotb
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl.models.aer import encoder as model
from neurohdl.models.aer import event
from neurohdl.models.aer.encoder import EncoderParams
from neurohdl.verif.aer.bench import Late, drain, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, bad_params_test, core_tests


def timesteps(p, rng, n_steps: int):
    """Timesteps of (spike bits, tlast) vectors: 1-3 vectors each, some empty, some full."""
    full = (1 << p.n) - 1
    out = []
    for _ in range(n_steps):
        k = rng.choice([1, 1, 2, 3])
        vecs = [rng.choice([0, full, rng.getrandbits(p.n), rng.getrandbits(p.n)])
                for _ in range(k)]
        out.append([(v, int(i == k - 1)) for i, v in enumerate(vecs)])
    return out


def busy(dut):
    return int(dut.m_aer_tvalid.value) or not int(dut.s_spk_tready.value)


async def drain_beats(tb, n_beats: int):
    """Wait for the encoder to empty; its input must be taken within 10 n cycles a beat
    (pauses included: a vector leaves in at most n cycles), so a design that stops taking
    input fails the test instead of hanging it."""
    await drain(tb, busy, send_limit=10 * tb.p.n * n_beats + 100)


async def run_traffic(dut, idle, stall, check_model=model, n_steps=8):
    tb = await Bench.start(dut, idle, stall)
    check = await start_check(tb, check_model)
    steps = timesteps(tb.p, tb.rng(f"{idle}/{stall}"), n_steps)
    beats = [(v, last, 0) for ts in steps for v, last in ts]
    send_beats(tb, beats)
    await drain_beats(tb, len(beats))
    got = take(tb.sink)
    check.check(tb, {"m_aer": got}, f"pauses={idle}/{stall}")
    tb.check_protocol()
    return tb, steps, got


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random"),
                                         ("cycle", None)]))
async def events_match_model(dut, idle, stall):
    """Every cycle against the model; then, model-free, what each timestep delivered."""
    tb, steps, got = await run_traffic(dut, idle, stall)
    p, ctx = tb.p, str(tb.p)
    closed, open_ = event.timesteps(got)
    compare([len(closed), len(open_)], expected([len(steps), 0], tb.seed), "timesteps closed",
            ctx)
    sent = [sorted(i for v, _ in ts for i in range(p.n) if v >> i & 1) for ts in steps]
    if p.overflow == "stall":         # every spike, in its own timestep
        for t, (events, want) in enumerate(zip(closed, sent)):
            compare(sorted(events), expected(want, tb.seed + t), f"timestep {t} neurons", ctx)
    else:                              # delivered + dropped = sent (the counter wraps)
        mask = (1 << p.counter_bits) - 1
        compare([int(dut.status_dropped.value)],
                expected([(sum(map(len, sent)) - sum(map(len, closed))) & mask], tb.seed),
                "status_dropped", ctx)


@cocotb.test()
async def one_event_per_cycle(dut):
    """No pauses: a vector with every line set leaves as n events on n consecutive cycles,
    the first 2 cycles after the vector was taken, tlast on the last."""
    tb = await Bench.start(dut)
    check = await start_check(tb, model)
    send_beats(tb, [((1 << tb.p.n) - 1, 1, 0)])
    await drain_beats(tb, 1)
    got = take(tb.sink)
    check.check(tb, {"m_aer": got}, "full vector")
    (t_in,), outs = tb.transfers["s_spk"], tb.transfers["m_aer"]
    compare(outs, expected(list(range(t_in + 2, t_in + 2 + tb.p.n)), tb.seed),
            "m_aer transfer cycles", str(tb.p))


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset while events are pending (sink stalled) empties the encoder and clears
    status_dropped; traffic after it matches the model again."""
    tb = await Bench.start(dut, "random", "random")
    check = await start_check(tb, model)
    tb.hold()
    steps = timesteps(tb.p, tb.rng("reset"), 4)
    send_beats(tb, [(v, last, 0) for ts in steps for v, last in ts])
    await ClockCycles(dut.clk, 3 * tb.p.n + 10)
    await tb.reset(2)
    await ReadOnly()
    left = {"m_aer_tvalid": int(dut.m_aer_tvalid.value),
            "status_dropped": int(dut.status_dropped.value),
            "s_spk_tready low": int(not dut.s_spk_tready.value)}
    assert not any(left.values()), f"after reset {left}; {tb.p}"
    await RisingEdge(dut.clk)
    tb.release()
    beats = [(v, last, 0) for ts in steps for v, last in ts]
    send_beats(tb, beats)
    await drain_beats(tb, len(beats))
    check.check(tb, {"m_aer": take(tb.sink)}, "after reset")


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against the model seeing every input one cycle late must fail."""
    await run_traffic(dut, None, "cycle", Late(model), n_steps=3)


# ---------------------------------------------------------------- pytest side -------------

test_encoder, test_encoder_verilator = core_tests("aer.encoder")


def test_model_grants_by_hand():
    """Grant orders written out by hand, and the marker rule."""
    pr = EncoderParams(n=5)
    rr = EncoderParams(n=5, arbitration="round_robin")
    # priority: each vector lowest line first; round robin continues after the last grant
    assert model.events(pr, [(0b10110, 0), (0b00011, 1)]) == \
        [(1, 0, 0), (2, 0, 0), (4, 0, 0), (0, 0, 0), (1, 1, 0)]
    assert model.events(rr, [(0b00110, 0), (0b10011, 1)]) == \
        [(1, 0, 0), (2, 0, 0), (4, 0, 0), (0, 0, 0), (1, 1, 0)]
    # an empty last vector: the marker beat; an empty vector without tlast: nothing
    assert model.events(pr, [(0b1, 0), (0, 1), (0, 0)]) == [(0, 0, 0), (0, 1, 1)]


def test_model_drop_counts_and_keeps_markers(seed):
    """Drop mode over random traffic: delivered + dropped = sent, one marker per timestep."""
    r = random.Random(seed)
    p = EncoderParams(n=6, overflow="drop", counter_bits=32)
    st, sent, ends, got = model.reset(p), 0, 0, []
    for _ in range(2000):
        ins = {"s_spk_tvalid": int(r.random() < 0.6), "s_spk_tdata": r.getrandbits(6),
               "s_spk_tlast": int(r.random() < 0.3), "m_aer_tready": int(r.random() < 0.5)}
        out = model.outputs(p, st, ins)
        if ins["s_spk_tvalid"] and out["s_spk_tready"]:
            sent += bin(ins["s_spk_tdata"]).count("1")
            ends += ins["s_spk_tlast"]
        if out["m_aer_tvalid"] and ins["m_aer_tready"]:
            got.append((out["m_aer_tdata"], out["m_aer_tlast"], out["m_aer_tuser"]))
        st = model.step(p, st, ins)
    while st.pend or st.pend_last or st.out:
        if st.out:
            got.append(st.out)
        st = model.step(p, st, {"s_spk_tvalid": 0, "m_aer_tready": 1})
    closed, open_ = event.timesteps(got)
    assert st.dropped > 100 and sum(map(len, closed)) + len(open_) + st.dropped == sent
    assert len(closed) == ends


test_bad_params_raise = bad_params_test(EncoderParams, [
    ({"n": 1}, ["EncoderParams.n = 1", "2..256"]),
    ({"n": 300}, ["EncoderParams.n = 300", "2..256"]),
    ({"n": 9, "event": {"neuron_bits": 3}}, ["EncoderParams.event.neuron_bits = 3", "4..24"]),
    ({"arbitration": "fair"}, ["EncoderParams.arbitration = 'fair'", "'round_robin'"]),
    ({"overflow": "block"}, ["EncoderParams.overflow = 'block'", "'stall', 'drop'"]),
])


def test_random_configs_cover_corners():
    ps = [EncoderParams.random(random.Random(s)) for s in range(200)]
    assert {2, 20} <= {p.n for p in ps} and {4, 10} <= {p.counter_bits for p in ps}
    assert {"priority", "round_robin"} == {p.arbitration for p in ps}
    assert {"stall", "drop"} == {p.overflow for p in ps}

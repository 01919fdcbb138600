# SPDX-License-Identifier: Apache-2.0
"""net.network: converted Verilog vs the network model (models/net/network.py) over random
configurations (1..4 populations of random engines, random topologies with forward, skip,
recurrent and self-loop edges; pinned: a feed-forward 2-layer net, a recurrent edge, a
self-loop) on the shared testbench: every edge's random table loaded through s_tbl, then random
input timesteps (empty ones, axons >= n_in) under idle on s_in/s_tbl and back-pressure on m_out.
Compared: every m_out beat (tdata, tlast, tuser), the counters and the sticky flags at the end,
and (white box) every engine's s_syn events of every timestep in the model's order (the
ordering rule, whatever the pauses); every cycle 0 <= status_in - status_done - status_dropped
<= 2.  A reset in the middle of a
run keeps the tables and restarts timestep 0 (recurrent edges empty again).  Must-fail: the
model seeing the input one timestep late."""

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl.models.aer import event
from neurohdl.models.net import network as model
from neurohdl.models.net.network import NetworkParams
from neurohdl.verif.aer.bench import flat, load_words, send_beats, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, MustFailIncomplete, bad_params_test, core_tests

COUNTERS = ("status_in", "status_done", "status_dropped", "status_out", "status_steps")
FLAGS = ("acc_sat", "sat", "drop")


def stimulus(p: NetworkParams, rng, n_steps: int) -> list[list[int]]:
    """Input timesteps: 0..10 axons each (some empty, some bursts that make whole populations
    fire), now and then an axon >= n_in."""
    hi = (1 << p.in_bits) - 1
    return [[rng.randint(p.n_in, hi) if p.n_in <= hi and rng.random() < 0.1
             else rng.randrange(p.n_in) for _ in range(rng.choice([0, 1, 2, 4, 6, 10]))]
            for _ in range(n_steps)]


def step_cycles(p: NetworkParams) -> int:
    """A generous bound on one timestep's cycles under 3-in-4 back-pressure: every engine's
    sweep and every edge's largest fan-out of every source neuron."""
    syn = sum(model.source_n(p, s) * p.max_fanout + 2 for s, _ in p.edge_list)
    return 4 * (sum(e.n + 16 for e in p.engines) + syn)


async def load(tb, tables):
    """Every edge's table through s_tbl (never stalls), waited out."""
    await load_words(tb, model.load_words(tb.p, tables))


async def conservation(tb, errors: list):
    """Every cycle out of reset: 0 <= in - done - dropped <= 2 (the input decoder's P and B)."""
    dut, mask = tb.dut, (1 << tb.p.counter_bits) - 1
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if dut.rst.value:
            continue
        left = (int(dut.status_in.value) - int(dut.status_done.value)
                - int(dut.status_dropped.value)) & mask
        if left > 2 and len(errors) < 5:
            errors.append(f"in - done - dropped = {left}: allowed 0..2")


async def engine_taps(tb, taps: list):
    """Every engine's s_syn transfers (white box: the flattened ``engine<k>_s_syn_*`` signals),
    cut into timesteps by its ``timestep_start`` (bit k of ``start``): ``taps[k][t]`` = the
    (target, weight) events engine k accumulated in timestep t, in order."""
    dut, p = tb.dut, tb.p
    h = [(getattr(dut, f"engine{k}_s_syn_tvalid"), getattr(dut, f"engine{k}_s_syn_tready"),
          getattr(dut, f"engine{k}_s_syn_tdata")) for k in range(p.pops)]
    taps[:] = [[[]] for _ in range(p.pops)]
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if dut.rst.value:
            taps[:] = [[[]] for _ in range(p.pops)]
            continue
        start = int(dut.start.value)
        for k, (v, r, d) in enumerate(h):
            ep = p.engines[k]
            if int(v.value) and int(r.value):
                w = int(d.value) >> ep.aw
                w -= (w >> (ep.w_width - 1)) << ep.w_width
                taps[k][-1].append((int(d.value) & ((1 << ep.aw) - 1), w))
            if start >> k & 1:
                taps[k].append([])


def check_order(tb, res: model.Result, taps, what: str):
    """Each engine's events, timestep by timestep, in the model's order (the ordering rule):
    the count of every timestep, then every event ``target << 32 | weight`` in order."""
    for k in range(tb.p.pops):
        got = taps[k][:len(res.events)]
        ctx = f"{what}; {tb.p}"
        compare([len(ts) for ts in got], expected([len(s[k]) for s in res.events],
                                                  tb.seed + 3 + k),
                f"{what} engine {k} events per timestep", ctx)
        compare([(a << 32) | (w & 0xFFFFFFFF) for ts in got for a, w in ts],
                expected([(a << 32) | (w & 0xFFFFFFFF) for s in res.events for a, w in s[k]],
                         tb.seed + 7 + k),
                f"{what} engine {k} events (target << 32 | weight)", ctx)


async def collect(tb, n_steps: int) -> list[tuple[int, int, int]]:
    """The m_out beats of ``n_steps`` timesteps (closed by tlast), within the cycle bound."""
    got = []
    for _ in range(n_steps * step_cycles(tb.p) + 2000):
        await RisingEdge(tb.dut.clk)
        got += take(tb.sinks["m_out"])
        if sum(last for _, last, _ in got) >= n_steps:
            return got
    raise AssertionError(f"m_out: {sum(last for _, last, _ in got)} of {n_steps} timesteps "
                         f"closed; {tb.p}")


def check_run(tb, res: model.Result, got, what: str):
    """m_out beats, counters (mod 2^counter_bits) and sticky flags against the model's run."""
    p, ctx = tb.p, f"{what}; {tb.p}"
    compare(flat(got), expected(flat(model.out_beats(res)), tb.seed),
            f"{what} m_out (tdata << 2 | tlast << 1 | tuser)", ctx)
    mask = (1 << p.counter_bits) - 1
    compare([int(getattr(tb.dut, c).value) for c in COUNTERS],
            expected([res.counters[c] & mask for c in COUNTERS], tb.seed + 1),
            f"{what} counters {COUNTERS}", ctx)
    compare([int(getattr(tb.dut, f"status_{f}").value) for f in FLAGS],
            expected([int(res.flags[f]) for f in FLAGS], tb.seed + 2), f"{what} flags", ctx)


def late_model(p: NetworkParams, rng, tables, steps, res):
    """The must-fail model: the input one timestep late.  Tables and stimulus are redrawn
    (excitatory tables: every key to its first targets at the largest weight) until its m_out
    differs from the model's; the counters stay the model's (so only m_out can catch it)."""
    for _ in range(20):
        wrong = model.run(p, tables, [[]] + steps[:-1])
        if model.out_beats(wrong) != model.out_beats(res):
            return tables, steps, wrong._replace(counters=res.counters)
        tables = model.build_tables(p, [
            {k: [(t, model.edge_params(p, e).weight_range()[1]) for t, _ in v]
             for k, v in f.items()} for e, f in enumerate(model.random_fanouts(p, rng))])
        steps = stimulus(p, rng, len(steps))
        res = model.run(p, tables, steps)
    raise MustFailIncomplete(f"no stimulus found on which the late model's m_out differs; {p}")


async def run_net(dut, idle, stall, n_steps=8, salt="", late=False):
    tb = await Bench.start(dut, idle, stall)
    p, rng = tb.p, tb.rng(f"{salt}{idle}/{stall}")
    errors: list[str] = []
    cocotb.start_soon(conservation(tb, errors))
    taps: list = []
    cocotb.start_soon(engine_taps(tb, taps))
    tables = model.build_tables(p, model.random_fanouts(p, rng))
    steps = stimulus(p, rng, n_steps)
    res = model.run(p, tables, steps)
    if late:
        tables, steps, res = late_model(p, rng, tables, steps, res)
    await load(tb, tables)
    send_beats(tb, event.beats(steps), "s_in")
    got = await collect(tb, n_steps)
    for _ in range(4):                       # the counters settle after the last beat
        await RisingEdge(dut.clk)
    await ReadOnly()
    assert not errors, f"{errors}; {p}"
    check_run(tb, res, got, f"pauses={idle}/{stall}")
    check_order(tb, res, taps, f"pauses={idle}/{stall}")
    tb.check_protocol()
    return tb, tables, taps


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, None), ("random", "random")]))
async def network_matches_model(dut, idle, stall):
    """Random tables and input timesteps: m_out, counters and flags against the model."""
    await run_net(dut, idle, stall)


@cocotb.test()
async def reset_restarts_timestep_zero(dut):
    """A reset in the middle of a run (m_out held) clears the counters; the tables survive
    (block RAM), and the same input from reset gives the model's run from reset again:
    recurrent edges deliver nothing in the new timestep 0."""
    tb, tables, taps = await run_net(dut, "cycle", None, n_steps=3, salt="before")
    p, rng = tb.p, tb.rng("reset")
    steps = stimulus(p, rng, 5)
    tb.hold()
    send_beats(tb, event.beats(steps), "s_in")
    for _ in range(60):
        await RisingEdge(dut.clk)
    await tb.reset(2)
    await ReadOnly()
    left = [int(getattr(dut, c).value) for c in COUNTERS]
    assert not any(left), f"counters after reset {left}; {p}"
    await RisingEdge(dut.clk)
    take(tb.sinks["m_out"])
    tb.release()
    send_beats(tb, event.beats(steps), "s_in")
    got = await collect(tb, len(steps))
    for _ in range(4):
        await RisingEdge(dut.clk)
    await ReadOnly()
    res = model.run(p, tables, steps)
    check_run(tb, res, got, "after reset")
    check_order(tb, res, taps, "after reset")


@cocotb.test(expect_fail=True)
async def late_model_must_fail(dut):
    """The same checks against the model seeing the input one timestep late must fail."""
    await run_net(dut, None, None, n_steps=6, salt="late", late=True)


# ---------------------------------------------------------------- pytest side -------------

#: The topologies the configurations pin (the rest of each drawn from the seed): a feed-forward
#: 2-layer net, a recurrent edge, self-loops, 3 and 4 random populations.
SHAPES = [{"pops": 2, "edges": "in>0 0>1"}, {"pops": 2, "edges": "in>0 1>0 0>1"},
          {"pops": 2, "edges": "in>0 0>0 0>1 1>1"}, {"pops": 3}, {"pops": 4}]
#: one configuration per shape, every run (the project's five random configurations a core;
#: the rest of each configuration drawn from the seed)
test_network, test_network_verilator = core_tests(
    "net.network", configs=len(SHAPES), pins=dict(enumerate(SHAPES)))


test_bad_params_raise = bad_params_test(NetworkParams, [
    ({"edges": "in>0 0>2"}, ["NetworkParams.edges = 'in>0 0>2'", "0..1"]),
    ({"edges": "0>1"}, ["NetworkParams.edges = '0>1'", "exactly one input edge"]),
    ({"edges": "in>0 in>1"}, ["exactly one input edge"]),
    ({"edges": "in>0 0>1 0>1"}, ["each edge once", "'0>1'"]),
    ({"pops": 5}, ["NetworkParams.pops = 5", "1..4"]),
    ({"synapses": 48}, ["NetworkParams.synapses = 48", "a power of two"]),
    ({"n_in": 9, "in_bits": 3}, ["NetworkParams.n_in = 9", "1..8"]),
])

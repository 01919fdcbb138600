# SPDX-License-Identifier: Apache-2.0
"""aer.merge: converted Verilog vs the cycle model over random configurations (2..5 inputs,
random event formats) on the shared testbench: every input sends the same number of timesteps
(0..4 events each, empty ones closed by a marker beat) under idle on every input and
back-pressure on the output; every output (each s_in<i>_tready, m_out) against the model every
cycle and every merged beat against the model's.  Model-free, from the ports: the marker rule
(merged marker k leaves only after every input has delivered its marker k; merged timestep t
holds exactly the events of the inputs' timesteps t) and the fairness bound (a requesting input
waits for at most n - 1 transfers of other inputs).  Must-fails: the model one cycle late; the
fairness check with the bound n - 2."""
import random

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl.models.aer import event, merge as model
from neurohdl.models.aer.merge import MergeParams
from neurohdl.verif.aer.bench import Late, drain, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, bad_params_test, core_tests


class PortRules:
    """Model-free rules on the ports, every cycle: the fairness bound and the marker rule."""

    def __init__(self, dut, n: int, bound: int):
        self.dut, self.n, self.bound = dut, n, bound
        self.errors: list[str] = []
        self.worst = 0

    async def run(self):
        dut, n = self.dut, self.n
        ports = [[getattr(dut, f"s_in{i}_{s}") for s in ("tvalid", "tready", "tlast")]
                 for i in range(n)]
        done, waited, markers_in, markers_out = [False] * n, [0] * n, [0] * n, 0
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if int(dut.rst.value):
                done, waited, markers_in, markers_out = [False] * n, [0] * n, [0] * n, 0
                continue
            vals = [[int(h.value) if h.value.is_resolvable else 0 for h in p] for p in ports]
            moved = [v and r for v, r, _ in vals]
            for j in range(n):
                if moved[j]:
                    waited[j] = 0
                elif vals[j][0] and not done[j] and any(moved):
                    waited[j] += 1
                    self.worst = max(self.worst, waited[j])
                    if waited[j] > self.bound and len(self.errors) < 10:
                        self.errors.append(f"s_in{j} waited {waited[j]} grants (bound "
                                           f"{self.bound}) at {get_sim_time('ns'):g} ns")
            for i in range(n):
                if moved[i] and vals[i][2]:
                    done[i] = True
                    markers_in[i] += 1
            if all(done):
                done = [False] * n
            if int(dut.m_out_tvalid.value) and int(dut.m_out_tready.value) and \
                    int(dut.m_out_tlast.value):
                markers_out += 1
                if markers_out > min(markers_in) and len(self.errors) < 10:
                    self.errors.append(f"merged marker {markers_out} left after only "
                                       f"{markers_in} input markers")


def streams(p, rng, n_steps: int, events=(0, 4)):
    """Per input, ``n_steps`` timesteps of 0..4 random event words, as beats."""
    return [[[event.random_word(p.event, rng) for _ in range(rng.randint(*events))]
             for _ in range(n_steps)] for _ in range(p.n)]


async def run_traffic(dut, idle, stall, check_model=model, bound=None, n_steps=5,
                      events=(0, 4)):
    tb = await Bench.start(dut, idle, stall)
    rules = PortRules(dut, tb.p.n, tb.p.n - 1 if bound is None else bound(tb.p))
    cocotb.start_soon(rules.run())
    check = await start_check(tb, check_model)
    steps = streams(tb.p, tb.rng(f"{idle}/{stall}"), n_steps, events)
    for i, ts in enumerate(steps):
        send_beats(tb, event.beats(ts), f"s_in{i}")
    # every input beat taken within 20 cycles a beat (pauses included; one beat leaves a
    # cycle): a design that stops taking input fails the test instead of hanging it
    n_beats = sum(len(event.beats(ts)) for ts in steps)
    await drain(tb, lambda d: int(d.m_out_tvalid.value), send_limit=20 * n_beats + 200)
    got = take(tb.sink)
    check.check(tb, {"m_out": got}, f"pauses={idle}/{stall}")
    assert not rules.errors, f"{rules.errors[:3]}; {tb.p}"
    tb.check_protocol()
    return tb, steps, got, rules


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random"),
                                         ("cycle", None)]))
async def merged_matches_model(dut, idle, stall):
    """Every cycle against the model, the port rules; each merged timestep is the union of
    the inputs' timesteps."""
    tb, steps, got, _ = await run_traffic(dut, idle, stall)
    closed, open_ = event.timesteps(got)
    want = [sorted(w for ts in steps for w in ts[t]) for t in range(len(steps[0]))]
    compare([len(closed), len(open_)], expected([len(want), 0], tb.seed), "merged timesteps",
            str(tb.p))
    for t, (have, w) in enumerate(zip(closed, want)):
        compare(sorted(have), expected(w, tb.seed + t), f"merged timestep {t}", str(tb.p))


@cocotb.test()
async def full_throughput(dut):
    """No pauses, every input busy: one beat a cycle leaves, and the inputs are served in
    turn: the longest wait is exactly the bound n - 1 (the fairness check sees waits)."""
    tb, steps, got, rules = await run_traffic(dut, None, None, n_steps=2, events=(4, 4))
    outs = tb.transfers["m_out"]
    compare(outs, expected(list(range(outs[0], outs[0] + len(outs))), tb.seed),
            "m_out transfer cycles (back to back)", str(tb.p))
    compare([rules.worst], expected([tb.p.n - 1], tb.seed), "longest wait (grants)", str(tb.p))


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against the model one cycle late must fail."""
    await run_traffic(dut, None, "cycle", Late(model), n_steps=2)


@cocotb.test(expect_fail=True)
async def fairness_check_must_fail(dut):
    """The fairness rule with the bound n - 2 must fail: round robin makes a requesting
    input wait for n - 1 grants when every input requests."""
    await run_traffic(dut, None, None, bound=lambda p: p.n - 2, n_steps=2, events=(4, 4))


# ---------------------------------------------------------------- pytest side -------------

test_merge, test_merge_verilator = core_tests("aer.merge")


def test_model_rules(seed):
    """The model over random traffic with unique words: per-input order kept, merged timestep t
    = the union of the inputs' timesteps t, fairness within n - 1 grants."""
    r = random.Random(seed)
    p = MergeParams(n=3, event={"neuron_bits": 12})
    ts = [[[i << 10 | r.getrandbits(10) for _ in range(r.randint(0, 5))] for _ in range(30)]
          for i in range(3)]
    beats = [event.beats(t) for t in ts]
    st, pos, out, waited = model.reset(p), [0] * 3, [], [0] * 3
    for _ in range(5000):
        ins = {"m_out_tready": int(r.random() < 0.7)}
        for i in range(3):
            b = beats[i][pos[i]] if pos[i] < len(beats[i]) else (0, 0, 0)
            v = int(pos[i] < len(beats[i]) and r.random() < 0.8)   # (a source may idle)
            ins.update({f"s_in{i}_tvalid": v, f"s_in{i}_tdata": b[0], f"s_in{i}_tlast": b[1],
                        f"s_in{i}_tuser": b[2]})
        o = model.outputs(p, st, ins)
        g = [i for i in range(3) if o[f"s_in{i}_tready"] and ins[f"s_in{i}_tvalid"]]
        for j in range(3):
            waiting = ins[f"s_in{j}_tvalid"] and not st.done >> j & 1
            waited[j] = 0 if j in g or not waiting else waited[j] + bool(g)
            assert waited[j] <= 2
        if o["m_out_tvalid"] and ins["m_out_tready"]:
            out.append((o["m_out_tdata"], o["m_out_tlast"], o["m_out_tuser"]))
        for i in g:
            pos[i] += 1
        st = model.step(p, st, ins)
    closed, _ = event.timesteps(out)
    assert len(closed) == 30
    for t, merged in enumerate(closed):
        assert sorted(merged) == sorted(w for i in range(3) for w in ts[i][t])
    for i in range(3):
        assert [w for m in closed for w in m if w >> 10 == i] == [w for t in ts[i] for w in t]
    # by hand: input 1's empty timestep 0 (a marker beat) goes nowhere; input 0's marker
    # closes merged timestep 0; input 1's event of timestep 1 leaves without tlast, and the
    # merged timestep 1 stays open (input 0 has not closed its timestep 1)
    assert model.run(MergeParams(n=2), [[(5, 0, 0), (6, 1, 0)], [(0, 1, 1), (9, 1, 0)]]) == \
        [(5, 0, 0), (6, 1, 0), (9, 0, 0)]


test_bad_params_raise = bad_params_test(MergeParams, [
    ({"n": 1}, ["MergeParams.n = 1", "2..16"]),
    ({"n": 17}, ["MergeParams.n = 17", "2..16"]),
    ({"event": {"payload_bits": 17}}, ["MergeParams.event.payload_bits = 17", "0..16"]),
])


def test_random_configs_cover_corners():
    ps = [MergeParams.random(random.Random(s)) for s in range(100)]
    assert {2, 5} <= {p.n for p in ps}

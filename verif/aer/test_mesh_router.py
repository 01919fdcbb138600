# SPDX-License-Identifier: Apache-2.0
"""aer.mesh_router: converted Verilog vs the cycle model over random configurations (router
position, mesh size, event format, depth) on the shared testbench: every live input sends the
same number of timesteps (0..4 events each, to destinations its XY route allows, a few it
does not allow or outside the mesh) under idle on every input and back-pressure on every
output; every output (each s_*_tready, m_*, the counters) against the model every cycle and
every port's beats against the model's.  Model-free, from the ports: each event leaves on the
port XY routing gives its destination (no misroute, no Y -> X turn), output o's k-th marker
only after every input that can route to o has delivered its k-th (the marker rule), the
counters end at in = out + dropped with the counts the stimulus implies.  Full throughput: one
beat a cycle on every port at once, two cycles through.  Must-fail: the model one cycle late;
the marker rule one marker too strict."""
import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl.models.aer import event, mesh_router as model
from neurohdl.verif.aer.bench import Late, drain, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, core_tests

PORTS = model.PORTS
# the inputs each output is fed by under XY routing (north, east, south, west, local)
FED_BY = {"north": ("east", "south", "west", "local"), "south": ("north", "east", "west", "local"),
          "east": ("west", "local"), "west": ("east", "local"), "local": PORTS}
STEP = {"north": (0, -1), "east": (1, 0), "south": (0, 1), "west": (-1, 0)}


def live(p, port: str) -> bool:
    if port == "local":
        return True
    dx, dy = STEP[port]
    return 0 <= p.x + dx < p.cols and 0 <= p.y + dy < p.rows


def legal(p, port: str, tx: int, ty: int) -> bool:
    """Destination (tx, ty) arriving on ``port`` may be forwarded (inside the mesh; from the
    west only eastwards or turning, from the north only southwards or local, ...)."""
    if tx >= p.cols or ty >= p.rows:
        return False
    return {"west": tx >= p.x, "east": tx <= p.x, "north": tx == p.x and ty >= p.y,
            "south": tx == p.x and ty <= p.y, "local": True}[port]


def out_port(p, tx: int, ty: int) -> str:
    """The port XY routing takes to (tx, ty): x first."""
    if tx != p.x:
        return "east" if tx > p.x else "west"
    if ty != p.y:
        return "south" if ty > p.y else "north"
    return "local"


def stimulus(p, rng, n_steps: int, events=(0, 4), bad=0.1, hot=0.0):
    """Per live input: ``n_steps`` timesteps of events, mostly to destinations it may take;
    ``hot``: the chance of timestep t's destination being ``near[t]`` (this tile, then each
    neighbour in turn) for every input, so that the inputs contend for one output (the
    round-robin order)."""
    ev, out = p.event, {}
    near = [(p.x, p.y)] + [(p.x + dx, p.y + dy) for dx, dy in STEP.values()
                           if 0 <= p.x + dx < p.cols and 0 <= p.y + dy < p.rows]
    for port in (q for q in PORTS if live(p, q)):
        steps = []
        for t in range(n_steps):
            ts = []
            for _ in range(rng.randint(*events)):
                while True:
                    tx, ty = rng.randrange(1 << ev.x_bits), rng.randrange(1 << ev.y_bits)
                    if hot and rng.random() < hot:
                        tx, ty = near[t % len(near)]
                    if legal(p, port, tx, ty) or rng.random() < bad:
                        break
                ts.append(int(event.pack(ev, rng.randrange(1 << ev.neuron_bits), tx, ty)))
            steps.append(ts)
        out[port] = steps
    return out


class PortRules:
    """Model-free rules on the ports every cycle: events on the right port, the marker rule."""

    def __init__(self, dut, p, slack: int = 0):
        self.dut, self.p, self.slack = dut, p, slack
        self.errors: list[str] = []

    def error(self, msg):
        if len(self.errors) < 10:
            self.errors.append(f"{msg} at {get_sim_time('ns'):g} ns")

    async def run(self):
        dut, p = self.dut, self.p
        h = {f"{d}_{q}": {s: getattr(dut, f"{d}_{q}_{s}") for s in
                          ("tvalid", "tready", "tdata", "tlast", "tuser")}
             for d in "sm" for q in PORTS}
        markers = dict.fromkeys(h, 0)
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if int(dut.rst.value):
                markers = dict.fromkeys(h, 0)
                continue
            for name, sig in h.items():
                v = {s: int(x.value) if x.value.is_resolvable else 0 for s, x in sig.items()}
                if not (v["tvalid"] and v["tready"]):
                    continue
                q = name[2:]
                if name[0] == "m" and not v["tuser"]:
                    ev = event.unpack(p.event, v["tdata"])
                    want = out_port(p, int(ev["x"]), int(ev["y"]))
                    if want != q:
                        self.error(f"event {v['tdata']:#x} left on {q}, its XY port is {want}")
                if v["tlast"]:
                    markers[name] += 1
                    if name[0] == "m":
                        fed = [markers[f"s_{i}"] for i in FED_BY[q] if live(p, i)]
                        if fed and markers[name] > min(fed) + self.slack:
                            self.error(f"m_{q} marker {markers[name]} before its inputs' {fed}")


def send_limit(n_beats: int) -> int:
    """Cycles the sources may take to hand over ``n_beats`` beats in all (every beat through
    one output at a quarter rate, with room), and the router to empty after them: a design
    that stops taking beats or never settles (a mutant) fails within it instead of hanging the
    run."""
    return 8 * n_beats + 200


async def run_traffic(dut, idle, stall, check_model=model, n_steps=4, events=(0, 4), slack=0,
                      hot=0.0):
    tb = await Bench.start(dut, idle, stall)
    p = tb.p
    rules = PortRules(dut, p, slack)
    cocotb.start_soon(rules.run())
    check = await start_check(tb, check_model)
    steps = stimulus(p, tb.rng(f"{idle}/{stall}"), n_steps, events, hot=hot)
    n_beats = 0
    for port, ts in steps.items():
        beats = event.beats(ts)
        send_beats(tb, beats, f"s_{port}")
        n_beats += len(beats)
    mask = (1 << p.counter_bits) - 1
    try:                                # busy: an output valid, or events held (the counters)
        await drain(tb, lambda d: any(int(getattr(d, f"m_{q}_tvalid").value) for q in PORTS)
                    or int(d.status_in.value) != (int(d.status_out.value) +
                                                  int(d.status_dropped.value)) & mask,
                    limit=send_limit(n_beats), send_limit=send_limit(n_beats))
    except AssertionError as e:         # stuck: say where the design left the model first
        raise AssertionError(f"{e}; cycle mismatches {check.errors[:3]}") from None
    got = {f"m_{q}": take(tb.sinks[f"m_{q}"]) for q in PORTS}
    check.check(tb, got, f"pauses={idle}/{stall}")
    assert not rules.errors, f"{rules.errors[:3]}; {p}"
    words = [(q, w) for q, ts in steps.items() for t in ts for w in t]
    n_bad = sum(1 for q, w in words if not legal(p, q, *(int(event.unpack(p.event, w)[f])
                                                         for f in ("x", "y"))))
    compare([int(dut.status_in.value), int(dut.status_dropped.value),
             int(dut.status_out.value)],
            expected([len(words) & mask, n_bad & mask, (len(words) - n_bad) & mask], tb.seed),
            "status_in, status_dropped, status_out", str(p))
    # every live output closed every timestep (markers flow once every input closed it)
    for q in PORTS:
        if live(p, q):
            closed, open_ = event.timesteps(got[f"m_{q}"])
            compare([len(closed), len(open_)], expected([n_steps, 0], tb.seed),
                    f"m_{q} timesteps", str(p))
    tb.check_protocol()
    return tb


@cocotb.test()
@cocotb.parametrize((("idle", "stall", "hot"), [(None, "cycle", 1.0), ("random", "random", 0.0),
                                                ("cycle", None, 0.0)]))
async def routed_matches_model(dut, idle, stall, hot):
    """Every cycle against the model, the port rules, the counters, every timestep closed
    (with back-pressure: most events to this tile and its neighbours, contending)."""
    await run_traffic(dut, idle, stall, hot=hot)


@cocotb.test()
async def full_throughput(dut):
    """No pauses: every live input streams to its own output (west -> east, east -> west,
    north -> south, south -> north, local -> local): every stream one beat a cycle, each beat
    two cycles through."""
    tb = await Bench.start(dut)
    p = tb.p
    across = {"west": "east", "east": "west", "north": "south", "south": "north",
              "local": "local"}
    here = {"east": (p.cols - 1, p.y), "west": (0, p.y), "south": (p.x, p.rows - 1),
            "north": (p.x, 0), "local": (p.x, p.y)}
    rng = tb.rng("throughput")
    used = [q for q in PORTS if live(p, q) and live(p, across[q])]
    for q in used:
        tx, ty = here[across[q]]
        send_beats(tb, [(int(event.pack(p.event, rng.randrange(1 << p.event.neuron_bits), tx,
                                         ty)), 0, 0) for _ in range(24)], f"s_{q}")
    limit = send_limit(24 * len(used))
    await drain(tb, lambda d: any(int(getattr(d, f"m_{q}_tvalid").value) for q in PORTS),
                limit=limit, send_limit=limit)
    for q in used:
        ins, outs = tb.transfers[f"s_{q}"], tb.transfers[f"m_{across[q]}"]
        compare([len(ins), len(outs)] + [o - i for i, o in zip(ins, outs)] +
                [ins[-1] - ins[0]],
                expected([24, 24] + [2] * 24 + [23], tb.seed),
                f"s_{q} -> m_{across[q]} counts, latencies, span", str(p))
    tb.check_protocol()


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against the model one cycle late must fail."""
    await run_traffic(dut, None, "cycle", Late(model), n_steps=2, events=(1, 3))


@cocotb.test(expect_fail=True)
async def marker_rule_must_fail(dut):
    """The marker rule one marker too strict (output marker k only after every feeding input's
    marker k + 1) must fail: the last timestep's markers break it."""
    await run_traffic(dut, "random", None, n_steps=2, events=(0, 2), slack=-1)


# ---------------------------------------------------------------- pytest side -------------

test_mesh_router, test_mesh_router_verilator = core_tests("aer.mesh_router")

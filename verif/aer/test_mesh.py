# SPDX-License-Identifier: Apache-2.0
"""aer.mesh: converted Verilog vs the cycle model over random meshes (a 3 x 3, and 1 x 1 .. 3 x 3,
event formats, depth) on the shared testbench: every tile sends the same number of timesteps
(0..3 events each to random tiles, a few outside the mesh) under idle on every tile input and
back-pressure on every tile output; every output (each s_tile*_tready, m_tile*, the counters)
against the model every cycle and every tile's beats against the model's. Model-free, from the
ports: tile d's timestep t holds exactly the events the tiles sent to d in their timestep t (the
barrier), every tile closes every timestep, the counters end at the counts the stimulus implies.
Zero load: an event crosses the mesh corner to corner in 2 (hops + 1) cycles. Must-fail: the
model one cycle late."""
import cocotb

from neurohdl.models.aer import event, mesh as model
from neurohdl.verif.aer.bench import Late, drain, send_beats, start_check, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import Bench, core_tests


def tile_of(p, word: int) -> int | None:
    """The destination tile of an event word (None: outside the mesh)."""
    f = event.unpack(p.event, word)
    x, y = int(f["x"]), int(f["y"])
    return y * p.cols + x if x < p.cols and y < p.rows else None


def flat(steps) -> list[int]:
    """Timesteps (lists of words) as one list: each timestep's size, then its sorted words."""
    return [v for ts in steps for v in [len(ts)] + sorted(ts)]


def busy(p):
    mask = (1 << p.counter_bits) - 1
    return lambda d: any(int(getattr(d, f"m_tile{i}_tvalid").value) for i in range(p.tiles)) \
        or int(d.status_in.value) != (int(d.status_out.value) + int(d.status_dropped.value)) & mask


async def run_traffic(dut, idle, stall, check_model=model, n_steps=3, events=(0, 3)):
    tb = await Bench.start(dut, idle, stall)
    p = tb.p
    check = await start_check(tb, check_model)
    steps = model.random_timesteps(p, tb.rng(f"{idle}/{stall}"), n_steps, events, outside=0.1)
    for i, ts in enumerate(steps):
        send_beats(tb, event.beats(ts), f"s_tile{i}")
    try:
        await drain(tb, busy(p))
    except AssertionError as e:         # stuck: say where the design left the model first
        raise AssertionError(f"{e}; cycle mismatches {check.errors[:3]}") from None
    got = {f"m_tile{i}": take(tb.sinks[f"m_tile{i}"]) for i in range(p.tiles)}
    check.check(tb, got, f"pauses={idle}/{stall}")
    words = [w for ts in steps for t in ts for w in t]
    n_out = sum(1 for w in words if tile_of(p, w) is not None)
    mask = (1 << p.counter_bits) - 1
    compare([int(dut.status_in.value), int(dut.status_out.value),
             int(dut.status_dropped.value)],
            expected([len(words) & mask, n_out & mask, (len(words) - n_out) & mask], tb.seed),
            "status_in, status_out, status_dropped", str(p))
    for d in range(p.tiles):              # the barrier, from the ports
        closed, open_ = event.timesteps(got[f"m_tile{d}"])
        want = [sorted(w for ts in steps for w in ts[t] if tile_of(p, w) == d)
                for t in range(n_steps)] + [[]]
        compare(flat(closed + [open_]), expected(flat(want), tb.seed + d),
                f"m_tile{d} timesteps (events, then the words, each)", str(p))
    tb.check_protocol()


@cocotb.test()
@cocotb.parametrize((("idle", "stall"), [(None, "cycle"), ("random", "random")]))
async def mesh_matches_model(dut, idle, stall):
    """Every cycle against the model; each tile's timesteps from the ports; the counters."""
    await run_traffic(dut, idle, stall)


@cocotb.test()
async def corner_to_corner(dut):
    """Zero load: one event from tile 0 to the last tile arrives 2 (hops + 1) cycles after it
    went in, alone."""
    tb = await Bench.start(dut)
    p = tb.p
    last = p.tiles - 1
    send_beats(tb, [(int(event.pack(p.event, 1, p.cols - 1, p.rows - 1)), 0, 0)], "s_tile0")
    await drain(tb, busy(p))
    got = tb.transfers["s_tile0"] + tb.transfers[f"m_tile{last}"]
    compare([len(got), got[-1] - got[0]],
            expected([2, 2 * (p.cols - 1 + p.rows - 1 + 1)], tb.seed),
            "transfers in/out, cycles through", str(p))
    tb.check_protocol()


@cocotb.test(expect_fail=True)
async def cycle_check_must_fail(dut):
    """The same checks against the model one cycle late must fail."""
    await run_traffic(dut, None, "cycle", Late(model), n_steps=2, events=(1, 2))


# ---------------------------------------------------------------- pytest side -------------

# configuration 0 is a 3 x 3 mesh, the others are drawn (1 x 1 .. 3 x 3)
test_mesh, test_mesh_verilator = core_tests("aer.mesh", pins={0: {"cols": 3, "rows": 3}})

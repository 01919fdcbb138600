# SPDX-License-Identifier: Apache-2.0
"""aer.router: converted Verilog vs the cycle model over random configurations (2..5 ports,
random index_bits, key windows and event formats) on the shared bench (verif/bus/bench.py):
the route RAM is cleared after reset, a random ternary table is loaded through the Wishbone
CSR port by the host driver (neurohdl.sw.aer_router: INFO read, compile, TADDR/TDATA burst,
DEF_ROUTE), then random timesteps of events (half of them on table keys) go in with idle on
the input and independent random back-pressure on every output port.  Every cycle every
output (the streams, s_in_tready, the Wishbone responses, hence every CSR read) is compared
with the model; each port's beats with the model's transfers and, independently of the model
and of the table compiler, with a straightforward SpiNNaker first-match routing of the ternary
table (:func:`reference`); the counters read over the bus with counts made from the ports.
Must-fails (in the same run, to keep it short): the model one cycle late; the reference
with entry 0 routed elsewhere."""
import json
import random
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles, SimTimeoutError, with_timeout

from neurohdl.errors import ParamError
from neurohdl.models.aer import event, router as model
from neurohdl.models.aer.router import Entry, RouterParams
from neurohdl.regmap import RegMap
from neurohdl.sw.aer_router import AsyncRouter, word_addr
from neurohdl.sw.regmap_driver import Table
from neurohdl.verif.aer.bench import CycleCheck, Late, drain, send_beats, start_check, take
from neurohdl.verif.bus.bench import PortBench
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.soc_host import WbAsyncTransport, WbHost
from neurohdl.verif.common.tb import bad_params_test, core_tests
from neurohdl.verif.common.wishbone import ack_err_rule


def reference(p: RouterParams, entries, default, beats):
    """Per port, the beats it must receive, from the definition: an event goes to the ports of
    the first entry with ``address & mask == key`` (else the default ports); a beat with tlast
    reaches every port (as a marker where the event does not go)."""
    out = [[] for _ in range(p.ports)]
    for d, last, user in beats:
        a = d & ((1 << p.event.address_bits) - 1)
        ports = set(next((e.ports for e in entries if a & e.mask == e.key), default))
        for i in range(p.ports):
            if i in ports and not user:
                out[i].append((d, last, 0))
            elif last:
                out[i].append(event.MARKER)
    return out


def random_table(p: RouterParams, rng: random.Random):
    """1..10 ternary entries inside the key window (often overlapping), and default ports."""
    g = p.geometry
    bits = [b for b in range(g.address_bits) if g.window >> b & 1]

    def ports():
        return tuple(i for i in range(p.ports) if rng.random() < 0.4)
    entries = []
    for _ in range(rng.randint(1, 10)):
        mask = sum(1 << b for b in bits if rng.random() < 0.7)
        entries.append(Entry(rng.getrandbits(g.address_bits) & mask, mask, ports()))
    return entries, ports()


def random_beats(p: RouterParams, entries, rng: random.Random, n: int):
    """About ``n`` events in timesteps: half of the addresses on an entry's key (the first
    event's and others' on entry 0's), the other bits random."""
    steps = event.random_timesteps(p.event, rng, n)
    amask = (1 << p.event.address_bits) - 1
    first = True
    for ts in steps:
        for j, w in enumerate(ts):
            if first or rng.random() < 0.5:
                e = entries[0] if first or rng.random() < 0.3 else rng.choice(entries)
                first = False
                ts[j] = (w & ~amask) | e.key | (w & amask & ~e.mask)
    return event.beats(steps)


def sim_regmap():
    """The router's register map from the regmap.json generated beside the simulated HDL
    (``<build>/hdl/regmap``; elaborating the .rdl inside the simulation costs seconds), else
    from the .rdl."""
    f = Path.cwd().parent / "hdl" / "regmap" / "regmap.json"
    if f.is_file():
        rm = RegMap.from_dict(json.loads(f.read_text()))
        try:
            model.use_regmap(rm)
            return rm
        except ParamError:
            pass
    return model.regmap()


class RouterBench(PortBench):
    """The shared bench with the Wishbone host port and the router's driver on it."""

    def __init__(self, dut, idle=None, stall=None, **kw):
        super().__init__(dut, idle, stall, params=RouterParams, **kw)

    def setup(self):
        self.host = WbHost(self.dut, self.random)
        self.driver = AsyncRouter(WbAsyncTransport(self.host), Table(sim_regmap().to_dict()))
        self.rule(ack_err_rule(self.dut, "wb"))


def busy_check(dut, p: RouterParams):
    """busy(dut): the router holds a beat or clears its RAM (s_in not ready), or offers one."""
    valids = [getattr(dut, f"m_out{i}_tvalid") for i in range(p.ports)]
    return lambda d: not int(d.s_in_tready.value) or any(int(h.value) for h in valids)


async def phase(tb, rng, n: int, what: str, table=None):
    """Load a random table through the driver (``table``: keep that (entries, default) and
    write only the new default route), send about ``n`` events, drain, read the counters;
    check the ports against the reference and the counters against port counts.  Returns
    (entries, default, beats, received beats per port, s_in transfer cycles)."""
    p = tb.p
    if table is None:
        entries, default = random_table(p, rng)
        await tb.driver.load(entries, default)
    else:
        entries, default = table[0], random_table(p, rng)[1]
        await tb.driver.set_default(default)
    await tb.driver.clear_counters()
    first = len(tb.transfers["s_in"])
    beats = random_beats(p, entries, rng, n)
    send_beats(tb, beats, "s_in")
    try:                     # (drain waits for the source without a limit)
        await with_timeout(drain(tb, busy_check(tb.dut, p)), 50 * (len(beats) + 100), "ns")
    except SimTimeoutError:
        raise AssertionError(f"{what}: the router did not drain ({tb.sources['s_in'].count()} "
                             f"beats not taken); {p}") from None
    got = [take(tb.sinks[f"m_out{i}"]) for i in range(p.ports)]
    counters = await tb.driver.counters()
    ctx = f"{what}: {p} table {entries} default {default} seed={tb.seed}"
    check_ports(tb, p, entries, default, beats, got, ctx)
    check_counters(tb, p, entries, default, beats, got, counters, ctx)
    return entries, default, beats, got, tb.transfers["s_in"][first:]


def check_ports(tb, p, entries, default, beats, got, ctx):
    """Each port's beats against :func:`reference` (tdata << 2 | tlast << 1 | tuser)."""
    want = reference(p, entries, default, beats)
    for i in range(p.ports):
        compare([d << 2 | last << 1 | user for d, last, user in got[i]],
                expected([d << 2 | last << 1 | user for d, last, user in want[i]], tb.seed + i),
                f"m_out{i} vs the ternary reference", ctx)


def check_counters(tb, p, entries, default, beats, got, counters, ctx):
    """The counters read over the bus against counts made from the ports and the table."""
    amask, cmask = (1 << p.event.address_bits) - 1, (1 << p.counter_bits) - 1
    events = [d & amask for d, _, user in beats if not user]
    hits = sum(any(a & e.mask == e.key for e in entries) for a in events)
    routes = [next((e.ports for e in entries if a & e.mask == e.key), default) for a in events]
    dropped = sum(not r for r in routes)
    want = {"EVENTS_IN": len(events), "EVENTS_OUT": len(events) - dropped, "DROPPED": dropped,
            "HITS": hits, "MISSES": len(events) - hits,
            "MARKERS": sum(last for _, last, _ in beats)}
    names = sorted(want)
    compare([counters[c] for c in names] + counters["PORT_OUT"],
            expected([want[c] & cmask for c in names]
                     + [sum(1 for b in g if not b[2]) & cmask for g in got], tb.seed),
            f"counters {names} + PORT_OUT", ctx)


async def rewrite_under_traffic(tb, rng, entries):
    """Route RAM words the traffic uses rewritten (random words) while events flow: the
    model's rule decides each event's ports (checked every cycle by the caller); the counter
    invariants hold once drained."""
    p, t = tb.p, tb.driver.transport
    cmask = (1 << p.counter_bits) - 1
    send_beats(tb, random_beats(p, entries, rng, 20), "s_in")
    for e in entries[:4]:
        await t.write(word_addr(tb.driver.table, "TADDR"), [p.geometry.index(e.key)], True)
        await t.write(word_addr(tb.driver.table, "TDATA"), [rng.getrandbits(9)], True)
    await drain(tb, busy_check(tb.dut, p))
    c = await tb.driver.counters()
    compare([(c["EVENTS_OUT"] + c["DROPPED"]) & cmask, (c["HITS"] + c["MISSES"]) & cmask],
            expected([c["EVENTS_IN"]] * 2, tb.seed), "EVENTS_OUT + DROPPED, HITS + MISSES "
            "after a rewrite under traffic", str(p))
    return [take(tb.sinks[f"m_out{i}"]) for i in range(p.ports)]


def counter_handles(dut, p: RouterParams) -> dict:
    """The counter registers of the converted HDL (MyHDL names the ``counter`` instances in
    the order of :data:`model.COUNTERS`, the ports' ``port_out<i>``); a wrong guess shows as
    a read-back mismatch in :func:`far_counters`."""
    h = {c: getattr(dut, f"counter{i}_count") for i, c in enumerate(model.COUNTERS)}
    h.update({f"PORT_OUT{i}": getattr(dut, f"port_out{i}_count") for i in range(p.ports)})
    return h


async def far_counters(tb, rng):
    """The counters' high bits and carries (no run counts to 2^31): with the router idle,
    every counter preloaded by a backdoor deposit to 2^counter_bits - k and read back over
    the bus; then one route RAM word made invalid and two batches of events on its index
    (every one misses the table: HITS stays put, MISSES counts them), the first with a random
    non-empty default route, the second (an odd number) with none (dropped), tlast on some;
    the counters read after each batch: each = its preload + the count so far made from the
    ports and the beats, mod 2^counter_bits.  k (1 up to the counter's first-batch count,
    else its total) makes each counter that counts wrap through zero, in the first batch
    where it counts there, so that an error that toggles with each count after the wrap
    shows in one of the two reads.  After the cycle check: the model does not know the
    deposits."""
    p, t, dut = tb.p, tb.driver.transport, tb.dut
    g, cmask = p.geometry, (1 << p.counter_bits) - 1
    amask = (1 << p.event.address_bits) - 1
    ix = rng.getrandbits(p.index_bits)
    await t.write(word_addr(tb.driver.table, "TADDR"), [ix], True)
    await t.write(word_addr(tb.driver.table, "TDATA"), [0], True)       # bit 8 = 0: invalid
    on = tuple(i for i in range(p.ports) if rng.random() < 0.5) or (rng.randrange(p.ports),)
    spread = ((1 << p.index_bits) - 1) << p.key_shift
    counts, beats, run = [], [], {}
    for route, n in ((on, rng.randint(3, 8)), ((), 2 * rng.randint(1, 4) + 1)):
        b = [((event.random_word(p.event, rng) & ~spread) | ix << p.key_shift,
              int(j == n - 1 or rng.random() < 0.3), 0) for j in range(n)]
        assert all(g.index(d & amask) == ix for d, _, _ in b)
        add = {"EVENTS_IN": n, "EVENTS_OUT": n if route else 0, "DROPPED": 0 if route else n,
               "HITS": 0, "MISSES": n, "MARKERS": sum(last for _, last, _ in b)}
        add.update({f"PORT_OUT{i}": n if i in route else 0 for i in range(p.ports)})
        run = {c: run.get(c, 0) + v for c, v in add.items()}
        counts.append(run)
        beats.append((route, b))
    pre = {c: (1 << p.counter_bits) - rng.randint(1, max(1, counts[0][c] or run[c]))
           for c in run}
    for c, h in counter_handles(dut, p).items():
        h.value = pre[c]
    await ClockCycles(dut.clk, 1)
    names = list(model.COUNTERS) + [f"PORT_OUT{i}" for i in range(p.ports)]

    async def read(want, what):
        c = await tb.driver.counters()
        compare([c[k] for k in model.COUNTERS] + c["PORT_OUT"],
                expected([(pre[k] + want.get(k, 0)) & cmask for k in names], tb.seed),
                f"counters {names} {what}", str(p))

    await read({}, "read back after a backdoor preload")
    for j, ((route, b), want) in enumerate(zip(beats, counts)):
        await tb.driver.set_default(route)
        send_beats(tb, b, "s_in")
        await drain(tb, busy_check(dut, p))
        got = [take(tb.sinks[f"m_out{i}"]) for i in range(p.ports)]
        compare([sum(1 for x in g_ if not x[2]) for g_ in got],
                expected([len(b) if i in route else 0 for i in range(p.ports)], tb.seed),
                f"events per port, batch {j} after the preload", str(p))
        await read(want, f"preload + the events of batches 0..{j}, wrapped")

@cocotb.test()
async def routes_match_model(dut):
    """After the clearing sweep: a table loaded by the driver, traffic with random idle and
    independent random back-pressure per port; then a new default route and traffic without
    pauses, taken back to back (one event a clock); then route RAM words rewritten while
    events flow; the ID register read (against the model, and its 'RT').  Every cycle against
    the model, every port against the ternary reference, the counters.  Then (no model)
    :func:`far_counters`.  Must-fails in the same run: the model one cycle late (followed
    beside the model) shows mismatches; the port check with entry 0 routed elsewhere
    fails."""
    tb = await RouterBench.start(dut, "random", "random", salt="router")
    p, rng = tb.p, tb.rng("router")
    late = CycleCheck(dut, Late(model), p)
    late_task = cocotb.start_soon(late.run())
    check = await start_check(tb, model)
    await ClockCycles(dut.clk, p.entries)          # the clearing sweep
    (ident,) = await tb.driver.transport.read(word_addr(tb.driver.table, "ID"), 1)
    assert int(ident) >> 16 == int.from_bytes(b"RT", "big"), \
        f"ID = {int(ident):#x}: ID[31:16] is ASCII 'RT' (cores/aer/router.rdl)"
    entries, default, beats, got, _ = await phase(tb, rng, 60, "random pauses")
    late_task.cancel()                             # (it has followed the load and traffic)
    tb.idle = tb.stall = None
    tb.release()                                   # no pauses from here on
    for bfm in tb.sources.values():                # (a stopped pause pattern leaves its
        bfm.pause = False                          # last value)
    _, _, _, got2, ins = await phase(tb, rng, 30, "no pauses", (entries, default))
    compare(ins, expected(list(range(ins[0], ins[0] + len(ins))), tb.seed),
            "s_in transfer cycles without pauses (back to back)", str(p))
    got3 = await rewrite_under_traffic(tb, rng, entries)
    check.check(tb, {f"m_out{i}": got[i] + got2[i] + got3[i] for i in range(p.ports)}, "model")
    check.known = False                            # (stops following the model: deposits)
    await far_counters(tb, rng)
    assert not tb.host.wb.errors, tb.host.wb.errors[:3]
    tb.check()
    # the must-fails of the two checks
    assert late.errors, f"the model one cycle late was not caught; {p}"
    e0 = entries[0]
    wrong = [Entry(e0.key, e0.mask, tuple(set(e0.ports) ^ {0}))] + entries[1:]
    try:
        check_ports(tb, p, wrong, default, beats, got, "wrong table")
    except AssertionError:
        pass
    else:
        raise AssertionError(f"entry 0 routed to other ports was not caught; {p}")


# ---------------------------------------------------------------- pytest side -------------

test_router, test_router_verilator = core_tests("aer.router")

test_bad_params_raise = bad_params_test(RouterParams, [
    ({"ports": 1}, ["RouterParams.ports = 1", "2..8"]),
    ({"ports": 9}, ["RouterParams.ports = 9", "2..8"]),
    ({"index_bits": 7}, ["RouterParams.index_bits = 7", "8..12"]),
    ({"index_bits": 9}, ["RouterParams.index_bits = 9", "event.address_bits = 8"]),
    ({"key_shift": 2, "event": {"neuron_bits": 9}},
     ["RouterParams.index_bits = 8", "key_shift = 2"]),
])


def test_random_configs_cover_corners():
    ps = [RouterParams.random(random.Random(s)) for s in range(100)]
    assert {2, 5} <= {p.ports for p in ps}
    assert {8, 9} <= {p.index_bits for p in ps}
    assert any(p.key_shift for p in ps)

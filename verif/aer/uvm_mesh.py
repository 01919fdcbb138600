# SPDX-License-Identifier: Apache-2.0
"""aer.mesh: a pyuvm environment around the converted mesh (issue 13, verification).

A cocotb test module, run by verif/aer/test_mesh_uvm.py through ``check_core(...,
test_module="neurohdl.verif.aer.uvm_mesh")``.  The BFMs are the shared bench's
(verif/common/tb.py ``Bench``): a cocotbext-axi source per ``s_tile{i}`` idling at random and a
sink per ``m_tile{i}`` back-pressuring at random, with the AXI-Stream protocol checker and the
transfer watcher.  The test builds the bench in its build phase; its run phase starts the
clock and the watcher and resets the mesh under the cycle check.

Topology (``uvm_test_top``)::

    env
    +- tile{i} (one agent per tile)  TileSequencer -> TileDriver (beats on s_tile{i} from their
    |                                offered cycle on; ap: Sent) ; TileMonitor (m_tile{i} beats,
    |                                ap: Received)
    +- sb     MeshScoreboard: (1) the mesh model (models/aer/mesh.py) followed cycle by cycle
    |         (verif/aer/bench.py CycleCheck: every output of every cycle, every delivered beat);
    |         (2) the model's traffic scoreboard (``mesh.scoreboard``) on what was sent and
    |         received: every event arrives once, at its destination tile, with its payload,
    |         inside its timestep, per (source, destination) in order; events outside the mesh
    |         never arrive; every tile closes every timestep
    +- cov    MeshCoverage: required bins (below); a hole fails MeshRandomTest
    +- dog    StallWatchdog: no transfer on any port for ``STALL_LIMIT`` cycles while beats are
              pending fails the test (a deadlock or a lost handshake)

Events carry their identity in the neuron field: the source tile in the top bits, the source's
event count (mod 2**k) below, so a received word is matched back to the event sent.

Traffic (``MeshVseq``): one timestep per phase on every tile, the phases' patterns from
models/aer/traffic.py (uniform, transpose, hotspot, multicast fan-out 1..5 sent as one copy per
destination: the mesh routes by coordinates, bursts), a phase with every sink held (most
input buffers fill), and a directed phase (events to the sending tile itself, events to
coordinates outside the mesh: dropped and counted, tiles whose timestep has no event: a
marker beat).  More phases with ``NEUROHDL_UVM_PHASES`` (make regress).
Coverage closure: which buffers the held phase fills depends on the seed's traffic, so
``MeshRandomTest`` then targets each buffer still never full (a ``fill`` phase, sinks held:
``depth + 4`` events from the neighbour feeding that input to the buffer's tile, or from the
tile to itself for a local input; one target per source tile a round, at most ``FILL_ROUNDS``
rounds).  A buffer the fill phases cannot fill stays a hole and fails the test.

Coverage (``REQUIRED``): every turn XY allows on the mesh (in port -> out port, from the
delivered events' routes), every live router input buffer full, a marker leaving every live
router output (markers crossing every link and reaching every tile), an event dropped, a
timestep closed by an event's tlast and by a marker beat.  The mesh has no routing table (XY
unicast), so there are no table hit/miss/default bins.

Tests: ``MeshRandomTest`` (scoreboard + coverage), the must-fails ``MeshMisrouteTest`` (the
scoreboard's model delivers tile a's events at tile b: a misrouting design must look like
this), ``MeshDropTest`` (the monitor loses one delivered event: the traffic scoreboard must
miss it) and ``MeshStallTest`` (every sink held for good: the watchdog must fire).
"""
from __future__ import annotations

import os
import random
from collections import deque

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, Event as Flag, RisingEdge
from pyuvm import (ConfigDB, uvm_agent, uvm_analysis_port, uvm_component, uvm_driver,
                   uvm_env, uvm_factory, uvm_monitor, uvm_scoreboard, uvm_sequence,
                   uvm_sequence_item, uvm_sequencer, uvm_subscriber, uvm_test)

from neurohdl.models.aer import cdg, event, mesh
from neurohdl.models.aer import traffic as tr
from neurohdl.models.aer._mesh import PORTS
from neurohdl.models.aer.event import MARKER
from neurohdl.simrun import params_from_env
from neurohdl.verif.aer.bench import Beat, CycleCheck, start_check
from neurohdl.verif.common.stream import run_seed
from neurohdl.verif.common.tb import Bench, params_class
from neurohdl.verif.net.uvm_snn_soc import CoverageCollector, Covergroup

STALL_LIMIT = 400           # cycles without a transfer while beats are pending
PERIOD = 28                 # cycles a phase (one timestep) offers traffic
HOLD = 50                   # cycles the sinks are held in a 'hold' or 'fill' phase
FILL_ROUNDS = 5             # coverage-closure rounds (a tile feeds at most 5 inputs: one a round)


# ====================================================================== configuration ======
class MeshCfg:
    """What every component shares (ConfigDB key ``CFG``): the Params and seed of the run, the
    stimulus generator, and (from the run phase on, once ``started`` is set) the bench."""

    def __init__(self, dut):
        self.dut = dut
        self.p = p = params_from_env(params_class("aer.mesh"))
        self.seed = run_seed()
        self.rng = random.Random(f"{self.seed}:uvm")
        self.ctx = f"{p} seed={self.seed}"
        self.check_coverage = True
        self.stall_limit = STALL_LIMIT
        self.started = Flag()
        self.bench: Bench | None = None
        self.src_bits = max(1, (p.tiles - 1).bit_length())
        self.seq_bits = p.event.neuron_bits - self.src_bits
        assert self.seq_bits >= 2, f"event.neuron_bits {p.event.neuron_bits} too small; {p}"
        self.flows = cdg.xy(p.rows, p.cols).graph()

    def word(self, src: int, n: int, dest: tuple[int, int], payload: int = 0) -> int:
        """The event word of source ``src``'s ``n``-th event to tile ``dest`` = (x, y)."""
        neuron = (src << self.seq_bits) | (n & ((1 << self.seq_bits) - 1))
        return int(event.pack(self.p.event, neuron, dest[0], dest[1], payload))

    def source_of(self, tdata: int) -> int:
        return int(event.unpack(self.p.event, tdata)["neuron"]) >> self.seq_bits


def cfg_of(comp) -> MeshCfg:
    return ConfigDB().get(comp, "", "CFG")


# ====================================================================== items ===============
class BeatItem(uvm_sequence_item):
    """One beat for ``s_tile{src}``, offered from ``cycle`` on; ``dest`` = the tile of an
    event (-1: outside the mesh; None: a marker beat)."""

    def __init__(self, name="beat", *, src=0, beat=MARKER, cycle=0, dest=None, timestep=0):
        super().__init__(name)
        self.src, self.beat, self.cycle, self.dest, self.timestep = src, beat, cycle, dest, \
            timestep

    def __str__(self):
        return f"tile{self.src} {self.beat} @{self.cycle} -> {self.dest}"


class Received:
    """A beat a tile's monitor saw leave ``m_tile{tile}``."""

    def __init__(self, tile, beat, cycle):
        self.tile, self.beat, self.cycle = tile, beat, cycle


# ====================================================================== agent ===============
class TileSequencer(uvm_sequencer):
    pass


class TileDriver(uvm_driver):
    """Queues each item's beat on the bench's ``s_tile{i}`` source once its offered cycle has
    come (the source idles at random on top) and publishes it (``ap``) to the scoreboard."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)

    async def run_phase(self):
        await self.cfg.started.wait()
        self.source = self.cfg.bench.sources[f"s_tile{self.tile}"]
        clk = self.cfg.dut.clk
        while True:
            item = await self.seq_item_port.get_next_item()
            while self.cfg.bench.cycle < item.cycle:
                await RisingEdge(clk)
            d, last, user = item.beat
            self.ap.write(item)
            await self.source.send(Beat(tdata=d, tlast=last, tuser=user))
            self.seq_item_port.item_done()


class TileMonitor(uvm_monitor):
    """Every beat that leaves ``m_tile{i}`` (the bench's sink), with its transfer cycle."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)

    async def run_phase(self):
        await self.cfg.started.wait()
        sink = self.cfg.bench.sinks[f"m_tile{self.tile}"]
        while True:
            b = await sink.recv()
            self.publish(Received(self.tile, (int(b.tdata), int(b.tlast), int(b.tuser)),
                                  self.cfg.bench.cycle))

    def publish(self, r: Received):
        self.ap.write(r)


class LosingMonitor(TileMonitor):
    """The must-fail monitor: tile 0's monitor loses the first event it sees (as a design
    dropping it would)."""

    lost = False

    def publish(self, r: Received):
        if not LosingMonitor.lost and r.tile == 0 and not r.beat[2]:
            LosingMonitor.lost = True
            return
        super().publish(r)


class TileAgent(uvm_agent):
    def build_phase(self):
        super().build_phase()
        self.seqr = TileSequencer("seqr", self)
        self.driver = TileDriver("driver", self)
        self.monitor = TileMonitor.create("monitor", self)
        self.driver.tile = self.monitor.tile = self.tile

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


# ====================================================================== model follower ======
class Followed:
    """The mesh model as verif/aer/bench.py's CycleCheck follows it, passing each state to
    ``on_state`` (coverage of internal events: full buffers, markers on links)."""

    def __init__(self, on_state):
        self.on_state = on_state
        self.state = None

    def inputs(self, p):
        return mesh.inputs(p)

    def reset(self, p):
        self.state = mesh.reset(p)
        return self.state

    def outputs(self, p, st, ins):
        return mesh.outputs(p, st, ins)

    def step(self, p, st, ins):
        self.state = mesh.step(p, st, ins)
        self.on_state(self.state)
        return self.state


class Swapped(Followed):
    """The must-fail model: the mesh with the local outputs of tiles a and b exchanged (tile
    a's events predicted at tile b and back): a misrouting mesh."""

    a, b = 0, 1

    def _swap(self, d: dict, pre: str) -> dict:
        out = dict(d)
        for k in d:
            if k.startswith(f"{pre}{self.a}_"):
                other = f"{pre}{self.b}_" + k[len(f"{pre}{self.a}_"):]
                out[k], out[other] = d[other], d[k]
        return out

    def outputs(self, p, st, ins):
        return self._swap(super().outputs(p, st, ins), "m_tile")

    def step(self, p, st, ins):
        return super().step(p, st, self._swap(ins, "m_tile"))


# ====================================================================== scoreboard ==========
class _Imp(uvm_subscriber.uvm_AnalysisImp):
    pass


class MeshScoreboard(uvm_scoreboard):
    """(1) the cycle check against the mesh model, (2) ``mesh.scoreboard`` on the traffic
    (events rebuilt from what the drivers sent, matched with what the monitors saw)."""

    model_class = Followed

    def build_phase(self):
        self.sent_export = _Imp("sent_export", self, self.write_sent)
        self.recv_export = _Imp("recv_export", self, self.write_recv)

    def start_of_simulation_phase(self):
        self.cfg = cfg = cfg_of(self)
        p = cfg.p
        self.events: list[mesh.Event] = []
        self.nsent = [0] * p.tiles                  # beats sent per tile
        self.ts = [0] * p.tiles                     # open timestep per tile
        self.pending: dict[tuple[int, int], deque] = {}
        self.received: list[list[tuple]] = [[] for _ in range(p.tiles)]
        self.strays: list[str] = []
        self.model = self.model_class(lambda st: None)
        self.check: CycleCheck | None = None

    def write_sent(self, item: BeatItem):
        d, last, user = item.beat
        k = self.nsent[item.src]
        self.nsent[item.src] += 1
        if not user:
            ev = mesh.Event(item.src, k, d, item.dest, self.ts[item.src], item.cycle)
            ev.accepted = item.cycle            # (the mesh.scoreboard wants it set)
            self.events.append(ev)
            if item.dest >= 0:
                self.pending.setdefault((item.src, item.dest), deque()).append(ev)
        self.ts[item.src] += bool(last)

    def write_recv(self, r: Received):
        d, last, user = r.beat
        ev = None
        if not user:
            q = self.pending.get((self.cfg.source_of(d), r.tile), deque())
            ev = next((e for e in q if e.tdata == d), None)
            if ev is None:
                self.strays.append(f"tile {r.tile}: event {d:#x} at cycle {r.cycle} matches no "
                                   "event sent to it")
            else:
                q.remove(ev)
                ev.arrived, ev.at = r.cycle, r.tile
        self.received[r.tile].append((d, last, user, r.cycle, ev))

    def traffic_errors(self, idle: bool) -> list[str]:
        run = mesh.Run(events=self.events, received=self.received, closed=list(self.ts),
                       cycles=self.cfg.bench.cycle, state=None, idle=idle)
        return self.strays + mesh.scoreboard(self.cfg.p, run)

    def check_phase(self):
        cfg = self.cfg
        errors = self.traffic_errors(idle=True)
        n_ev = sum(1 for e in self.events if e.dest >= 0)
        self.logger.info(f"scoreboard: {len(self.events)} events sent ({n_ev} into the mesh), "
                         f"{sum(len(r) for r in self.received)} beats received, "
                         f"{self.check.cycles if self.check else 0} cycles compared with the "
                         f"model, {len(errors)} traffic errors")
        assert not errors, f"traffic: {errors[:3]}; {cfg.ctx}"
        got = {f"m_tile{t}": [b[:3] for b in beats] for t, beats in enumerate(self.received)}
        self.check.check(cfg.bench, got, "mesh")
        cfg.bench.check_protocol()


class SwappedScoreboard(MeshScoreboard):
    model_class = Swapped


# ====================================================================== coverage ============
def xy_turns(p) -> set[tuple[str, str]]:
    return cdg.xy(p.rows, p.cols).graph().turns


class MeshCoverage(CoverageCollector):
    """Coverage from the delivered events (their XY routes' turns), the model state the cycle
    check follows (buffers full, markers on router outputs) and the counters."""

    def build_phase(self):
        self.sent_export = _Imp("sent_export", self, self.write_sent)
        self.recv_export = _Imp("recv_export", self, self.write_recv)

    def start_of_simulation_phase(self):
        self.cfg = cfg = cfg_of(self)
        p = cfg.p
        self.rps = mesh.routers(p)
        live_in = [f"r{t}.{PORTS[k]}" for t, rp in enumerate(self.rps) for k in range(5)
                   if rp.live(k)]
        live_out = [f"r{t}.{PORTS[k]}" for t, rp in enumerate(self.rps) for k in range(5)
                    if rp.live(k)]
        turns = sorted(f"{i}>{o}" for i, o in xy_turns(p))
        self.turn_of = {}
        for (s, d), chans in cfg.flows.taken.items():
            ins = ["local"] + [cdg.OPPOSITE[c[2]] for c in chans[:-1]]
            self.turn_of[(s, d)] = [f"{i}>{c[2]}" for i, c in zip(ins, chans)]
        self.cg = {"turn": Covergroup("turn", turns), "full": Covergroup("full", live_in),
                   "marker_out": Covergroup("marker_out", live_out),
                   "misc": Covergroup("misc", ["dropped", "tlast_event", "marker_beat"])}
        self.required = {g: list(c.hits) for g, c in self.cg.items()}

    def write_sent(self, item: BeatItem):
        if item.beat[1]:
            self.cg["misc"].sample("marker_beat" if item.beat[2] else "tlast_event")

    def write_recv(self, r: Received):
        if not r.beat[2]:
            src = self.cfg.source_of(r.beat[0])
            for t in self.turn_of.get((src, r.tile), ()):
                self.cg["turn"].sample(t)

    def on_state(self, st):
        """Every cycle's model state: full input buffers, marker beats in output registers."""
        for t, (rp, r) in enumerate(zip(self.rps, st.r)):
            for k in range(5):
                if rp.live(k):
                    if len(r.q[k]) == rp.depth:
                        self.cg["full"].sample(f"r{t}.{PORTS[k]}")
                    if r.out[k] is not None and r.out[k][2]:
                        self.cg["marker_out"].sample(f"r{t}.{PORTS[k]}")
        if st.n_dropped:
            self.cg["misc"].sample("dropped")

    def fill_targets(self) -> dict[int, int]:
        """{source tile: destination tile} for this round's fill phase: per input buffer never
        full, the tile whose events enter it (the neighbour it faces, or the tile itself for
        the local input) sending to the buffer's tile; one target per source."""
        p, out = self.cfg.p, {}
        for b in self.cg["full"].holes(self.required["full"]):
            r, port = b.split(".")
            t, k = int(r[1:]), PORTS.index(port)
            src = t if PORTS[k] == "local" else mesh.neighbour(self.cfg.p, t, k)[0]
            out.setdefault(src, t)
        return out



# ====================================================================== watchdog ============
class StallError(AssertionError):
    """No transfer for too long while beats are pending: a deadlock or a lost handshake."""


class StallWatchdog(uvm_component):
    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)
        self.pending = lambda: False           # set by the env: beats still to come

    async def run_phase(self):
        await self.cfg.started.wait()
        tb = self.cfg.bench
        last_total, last_move = -1, tb.cycle
        while True:
            await ClockCycles(self.cfg.dut.clk, 16)
            total = sum(len(v) for v in tb.transfers.values())
            if total != last_total:
                last_total, last_move = total, tb.cycle
            elif self.pending() and tb.cycle - last_move > self.cfg.stall_limit:
                raise StallError(f"no transfer on any port for {tb.cycle - last_move} cycles "
                                 f"(cycle {tb.cycle}) with beats pending; {self.cfg.ctx}")


# ====================================================================== env ================
class MeshEnv(uvm_env):
    def build_phase(self):
        p = cfg_of(self).p
        self.tiles = []
        for t in range(p.tiles):
            a = TileAgent(f"tile{t}", self)
            a.tile = t
            self.tiles.append(a)
        self.sb = MeshScoreboard.create("sb", self)
        self.cov = MeshCoverage("cov", self)
        self.dog = StallWatchdog("dog", self)

    def connect_phase(self):
        for a in self.tiles:
            a.driver.ap.connect(self.sb.sent_export)
            a.driver.ap.connect(self.cov.sent_export)
            a.monitor.ap.connect(self.sb.recv_export)
            a.monitor.ap.connect(self.cov.recv_export)

    def start_of_simulation_phase(self):
        sb, cfg = self.sb, cfg_of(self)
        self.dog.pending = lambda: (any(not s.empty() for s in cfg.bench.sources.values())
                                    or any(sb.pending.values()))


# ====================================================================== sequences ===========
class TileSeq(uvm_sequence):
    """One tile's beats, in order."""

    def __init__(self, name, items):
        super().__init__(name)
        self.items = items

    async def body(self):
        for it in self.items:
            await self.start_item(it)
            await self.finish_item(it)


#: (name, pattern, process, load permille): one timestep each; 'hold' holds every sink for
#: HOLD cycles at its start, 'directed' sends self / outside-mesh events and empty timesteps
PHASES = [("uniform", "uniform", "bernoulli", 300), ("transpose", "transpose", "bernoulli", 400),
          ("hotspot", "hotspot", "bernoulli", 350), ("multicast", "multicast", "bernoulli", 120),
          ("bursts", "uniform", "burst", 450), ("hold", "uniform", "bernoulli", 1000),
          ("directed", None, None, 0)]
FILL = ("fill", None, None, 0)          # coverage closure: MeshVseq(fill={src: dest})
HELD = ("hold", "fill")                 # phases whose first HOLD cycles hold every sink


class MeshVseq(uvm_sequence):
    """Every phase's traffic for every tile, then each tile's sequence on its sequencer (all
    in parallel); the 'hold' phase holds the sinks."""

    def __init__(self, name, cfg: MeshCfg, seqrs, phases=PHASES, fill=None):
        super().__init__(name)
        self.cfg, self.seqrs, self.phases, self.fill = cfg, seqrs, phases, fill or {}

    def items(self, base: int) -> list[list[BeatItem]]:
        cfg, p, rng = self.cfg, self.cfg.p, self.cfg.rng
        per_tile: list[list[BeatItem]] = [[] for _ in range(p.tiles)]
        count = [0] * p.tiles
        for k, (name, pattern, process, load) in enumerate(self.phases):
            start = base + k * PERIOD
            if name == "fill":
                n = p.depth + 4          # the buffer, both output registers, one waiting
                steps = [[(j, self.fill[t]) for j in range(n)] if t in self.fill else []
                         for t in range(p.tiles)]
            elif pattern is None:
                steps = self._directed(rng)
            else:
                if (pattern == "transpose" and p.rows != p.cols) or p.tiles < 3:
                    pattern = "uniform"
                tp = tr.TrafficParams(rows=p.rows, cols=p.cols, pattern=pattern,
                                      process=process, load_permille=load, burst_len=6)
                inj = tr.generate(tp, PERIOD, cfg.seed * 1000 + k)
                steps = [[(i.cycle, d) for i in evs for d in i.dests]
                         for evs in tr.by_source(tp, inj).values()]
            for t in range(p.tiles):
                evs = steps[t]
                if not evs:
                    per_tile[t].append(BeatItem(src=t, beat=MARKER, cycle=start + PERIOD - 1,
                                                timestep=k))
                for j, (c, d) in enumerate(evs):
                    xy = mesh.coords(p, d) if d >= 0 else ((1 << p.event.x_bits) - 1, 0)
                    lo, hi = p.event.field_range("payload")
                    w = cfg.word(t, count[t], xy, rng.randint(lo, hi))
                    count[t] += 1
                    per_tile[t].append(BeatItem(src=t, beat=(w, int(j == len(evs) - 1), 0),
                                                cycle=start + c, dest=d, timestep=k))
        return per_tile

    def _directed(self, rng) -> list[list[tuple[int, int]]]:
        """Per tile: an event to itself; every third tile an event outside the mesh (dest -1:
        x beyond the columns) when the field allows one; every fourth tile nothing."""
        p = self.cfg.p
        outside = p.cols < 1 << p.event.x_bits
        out = []
        for t in range(p.tiles):
            evs = [] if t % 4 == 3 else [(rng.randrange(4), t)]
            if outside and t % 3 == 0:
                evs.append((5 + rng.randrange(4), -1))
            out.append(evs)
        return out

    async def body(self):
        cfg = self.cfg
        base = cfg.bench.cycle + 2
        per_tile = self.items(base)
        for k, ph in enumerate(self.phases):
            if ph[0] in HELD:
                cocotb.start_soon(self._hold(base + k * PERIOD))
        tasks = [cocotb.start_soon(TileSeq(f"tile{t}", items).start(self.seqrs[t]))
                 for t, items in enumerate(per_tile)]
        for task in tasks:
            await task

    async def _hold(self, at: int):
        tb = self.cfg.bench
        while tb.cycle < at:
            await RisingEdge(tb.dut.clk)
        tb.hold()
        await ClockCycles(tb.dut.clk, HOLD)
        tb.release()


# ====================================================================== tests ===============
class MeshBaseTest(uvm_test):
    idle, stall = "random", "random"
    phases = PHASES

    def build_phase(self):
        self.cfg = MeshCfg(cocotb.top)
        ConfigDB().set(None, "*", "CFG", self.cfg)
        self.env = MeshEnv("env", self)

    async def start_bench(self):
        """The shared bench (clock, BFMs, watcher, reset), then a reset under the cycle check
        (the scoreboard's model, feeding the coverage)."""
        cfg, sb = self.cfg, self.env.sb
        cfg.bench = tb = await Bench.start(cfg.dut, self.idle, self.stall, params=cfg.p)
        sb.model.on_state = self.env.cov.on_state
        sb.check = await start_check(tb, sb.model)
        cfg.started.set()

    async def settle(self, limit: int = 3000):
        """Until every source is drained and the model holds nothing for 8 cycles."""
        tb, sb = self.cfg.bench, self.env.sb
        calm = 0
        for _ in range(limit):
            await RisingEdge(tb.dut.clk)
            st = sb.model.state
            busy = any(not s.empty() for s in tb.sources.values()) or any(
                any(r.q) or any(o is not None for o in r.out) for r in st.r)
            calm = 0 if busy else calm + 1
            if calm >= 8:
                return
        raise StallError(f"mesh still busy after {limit} cycles; {self.cfg.ctx}")

    async def run_phase(self):
        self.raise_objection()
        await self.start_bench()
        phases = list(self.phases)
        extra = int(os.environ.get("NEUROHDL_UVM_PHASES", "0") or 0)
        rng = self.cfg.rng
        for _ in range(extra):
            name, pat, proc, _ = rng.choice(PHASES[:5])
            phases.insert(-1, (name, pat, proc, rng.randint(100, 600)))
        seqrs = [a.seqr for a in self.env.tiles]
        await MeshVseq("vseq", self.cfg, seqrs, phases).start()
        await self.settle()
        await self.close_fill_coverage(seqrs)
        self.drop_objection()

    async def close_fill_coverage(self, seqrs):
        """Fill phases aimed at the input buffers the traffic never filled (see the module
        docstring); the holes left after ``FILL_ROUNDS`` rounds fail the coverage check."""
        if not self.cfg.check_coverage:
            return
        for k in range(FILL_ROUNDS):
            targets = self.env.cov.fill_targets()
            if not targets:
                return
            self.logger.info(f"coverage closure round {k + 1}: fill phase "
                             f"{', '.join(f'tile {s} -> {d}' for s, d in targets.items())}")
            await MeshVseq(f"fill{k}", self.cfg, seqrs, [FILL], fill=targets).start()
            await self.settle()


@pyuvm.test()
class MeshRandomTest(MeshBaseTest):
    """Constrained-random traffic of every pattern with random idle and back-pressure: the
    scoreboard (model cycle check + traffic checks) and the coverage bins must pass."""


@pyuvm.test(expect_fail=True)
class MeshMisrouteTest(MeshBaseTest):
    """Must fail: the scoreboard's model delivers tile 0's events at tile 1 and back."""

    phases = PHASES[:1]

    def build_phase(self):
        uvm_factory().set_type_override_by_type(MeshScoreboard, SwappedScoreboard)
        super().build_phase()
        self.cfg.check_coverage = False


@pyuvm.test(expect_fail=True)
class MeshDropTest(MeshBaseTest):
    """Must fail: tile 0's monitor loses the first event delivered there; the traffic
    scoreboard must report it missing."""

    phases = PHASES[:1]

    def build_phase(self):
        uvm_factory().set_type_override_by_type(TileMonitor, LosingMonitor)
        LosingMonitor.lost = False
        super().build_phase()
        self.cfg.check_coverage = False

    async def run_phase(self):
        self.raise_objection()
        await self.start_bench()
        await MeshVseq("vseq", self.cfg, [a.seqr for a in self.env.tiles], self.phases).start()
        await self.settle()
        # the traffic check alone (the cycle check would also see the lost beat)
        errors = self.env.sb.traffic_errors(idle=True)
        self.drop_objection()
        assert not errors, f"traffic: {errors[:3]}"


@pyuvm.test(expect_fail=True)
class MeshStallTest(MeshBaseTest):
    """Must fail: every sink held for good; the watchdog must report the stall (the test
    would otherwise never end)."""

    phases = PHASES[:1]

    def build_phase(self):
        super().build_phase()
        self.cfg.check_coverage = False
        self.cfg.stall_limit = 2 * HOLD         # a short limit: the sinks never come back

    async def run_phase(self):
        self.raise_objection()
        await self.start_bench()
        self.cfg.bench.hold()
        await MeshVseq("vseq", self.cfg, [a.seqr for a in self.env.tiles], self.phases).start()
        await ClockCycles(self.cfg.dut.clk, 4 * self.cfg.stall_limit)
        self.drop_objection()

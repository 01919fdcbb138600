# SPDX-License-Identifier: Apache-2.0
"""net.snn_soc: a pyuvm environment around the converted SoC (issue 5).

A cocotb test module (run by verif/net/test_snn_soc_uvm.py through ``check_core(...,
test_module="neurohdl.verif.net.uvm_snn_soc")``); its BFMs are the plain-cocotb classes of
verif/common/soc_host.py that the direct tests (verif/net/test_snn_soc.py) use: ``UartHost``
(the UART pins, cocotbext-uart under the host library's AsyncUartTransport) when
``p.host == 'uart'``, ``WbHost`` (the Wishbone host port) otherwise, ``ModelPort`` on the model.
Clock, reset, Params, seeds and the host port come from the shared bench the direct tests
start from (``SocBench``): the test builds it in its build phase and runs its ``begin()``
(clock, reset, idle cycles) at the start of its run phase.

Topology (``uvm_test_top``)::

    env
    +- host_agent    HostSequencer -> HostDriver --+                      (register accesses,
    |                HostMonitor (ap: Access) <----+-- MonitoredHost (BFM)  step / run / read-out)
    +- spike_agent   SpikeInSequencer -> SpikeInDriver --+  (SPIKE_IN through the same BFM)
    +- spike_mon     SpikeOutMonitor: host accesses -> ap: Spike (every popped SPIKE_OUT word)
    +- sb            SocScoreboard: every access applied in order to SocModel (ModelPort); each
    |                read word compared via scoreboard.compare/expected; spikes per timestep
    +- cov           SocCoverage: plain-Python covergroups, report + required bins (REQUIRED)

``MonitoredHost`` serialises every access (one cocotb Lock: the UART transport cannot interleave)
and queues each completed one (request + response words, error flag, sampled irq pin) for the
monitor, as TinyALU's BFM queues results for its monitor.

Sequence items: :class:`RegItem` (read / write bursts, fixed or incrementing address),
:class:`SocOp` (step, run N, wait idle, read out spikes with / without draining) and
:class:`SpikeInjectItem` (spike-input agent).  Constrained-random sequences: weight loads (with
refused values and writes past the memory), spike injection (axons out of range, input FIFO
overflow), step / run 0 / run 1 / run N, read-out with and without draining (output FIFO
overflow), clr_cnt, reset_net, irq enable / clear, register sweeps and error accesses.

Tests: ``SocRandomTest`` (constrained-random program + coverage closure; coverage holes fail it)
and ``SocCorruptSpikeTest`` (``expect_fail``: the factory swaps in a scoreboard whose model
corrupts one spike word's timestep; the scoreboard must catch it).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cocotb
import pyuvm
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, Lock, Timer
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_agent, uvm_component, uvm_driver,
                   uvm_env, uvm_factory, uvm_monitor, uvm_scoreboard, uvm_sequence,
                   uvm_sequence_item, uvm_sequencer, uvm_subscriber, uvm_test)

from neurohdl.models.net import snn_soc as model
from neurohdl.models.net.snn_soc import SocModel
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.soc_host import HostError, ModelPort, SocBench

BUSY_POLLS = 400
CTRL_RUN, CTRL_STEP, CTRL_CLR_CNT, CTRL_RESET_NET = 1, 2, 8, 16


# ====================================================================== configuration ======
class SocCfg:
    """What every component shares (ConfigDB key ``CFG``): the shared bench (clock, reset,
    Params, seeds, the host port: verif/common/soc_host.py ``SocBench``), the register map,
    the seeded stimulus generator and the monitored host BFM."""

    def __init__(self, bench: SocBench):
        self.bench, self.dut, self.p = bench, bench.dut, bench.p
        self.seed = bench.seed
        self.rng = bench.random
        self.rm = model.regmap()
        self.A = {r.name: r.offset // 4 for r in self.rm.regs}
        self.by_addr = {r.offset // 4: r for r in self.rm.regs}
        self.readable = [r.name for r in self.rm.regs if any(f.readable for f in r.fields)]
        self.writable = [r.name for r in self.rm.regs if r.writable]
        self.unmapped = sorted(set(range(self.rm.size // 4)) - set(self.by_addr))
        self.ctx = bench.ctx
        self.check_coverage = True
        self.host = MonitoredHost(bench)


def cfg_of(comp) -> SocCfg:
    return ConfigDB().get(comp, "", "CFG")


# ====================================================================== BFM + transactions ==
@dataclass
class Access:
    """One completed host access, as the host monitor publishes it."""
    write: bool
    addr: int                       # word address
    n: int
    fixed: bool
    words: list = field(default_factory=list)      # write data
    data: list = field(default_factory=list)       # read data ([] on an error)
    err: bool = False
    poll: bool = False              # a STATUS busy poll: the model is never busy, not compared
    idle_poll: bool = False         # a poll that reads idle becomes the compared STATUS read
    check_irq: bool = False
    irq: int | None = None          # irq pin 2 cycles after the access (when check_irq)
    index: int = 0

    def word_addrs(self):
        return [self.addr + (0 if self.fixed else i) for i in range(self.n)]


class MonitoredHost:
    """The bench's host port (UartHost / WbHost from verif/common/soc_host.py) behind one lock;
    every completed access goes to ``completed`` for the host monitor."""

    def __init__(self, bench: SocBench):
        self.dut = bench.dut
        self.bfm = bench.host
        self.lock = Lock()
        self.completed: Queue[Access] = Queue()
        self.count = 0

    async def access(self, a: Access) -> Access:
        async with self.lock:
            try:
                if a.write:
                    await self.bfm.wr(a.addr, a.words, a.fixed)
                else:
                    a.data = await self.bfm.rd(a.addr, a.n, a.fixed)
            except HostError:
                a.err, a.data = True, []
            if a.idle_poll and not a.err and not a.data[0] & 1:
                a.poll, a.check_irq = False, True
            if a.check_irq:
                await ClockCycles(self.dut.clk, 2)
                a.irq = int(self.dut.irq.value)
            self.count += 1
            a.index = self.count
        self.completed.put_nowait(a)
        return a

    async def drained(self):
        while not self.completed.empty():
            await Timer(1, "ns")
        await Timer(1, "ns")


# ---------------------------------------------------------------------- sequence items -----
class RegItem(uvm_sequence_item):
    """A register access: read (n words) or write (words), fixed or incrementing address."""

    def __init__(self, name="reg", *, reg=None, addr=None, write=False, n=1, words=(),
                 fixed=True, check_irq=False):
        super().__init__(name)
        self.reg, self.addr, self.write = reg, addr, write
        self.n = len(words) if write else n
        self.words, self.fixed, self.check_irq = list(words), fixed, check_irq
        self.data: list[int] = []
        self.err = False

    def __str__(self):
        what = self.reg or f"{(self.addr or 0) * 4:#x}"
        return (f"{'wr' if self.write else 'rd'} {what} x{self.n} "
                f"{'fixed' if self.fixed else 'incr'}")


class SocOp(uvm_sequence_item):
    """A higher-level host operation the host driver expands into register accesses:
    ``step``, ``run`` (TIMESTEPS = count, CTRL.run), ``ctrl`` (CTRL bits, then wait idle),
    ``wait_idle`` (STATUS busy polls, then one compared STATUS read with the irq pin), and
    ``read_spikes`` (LEVELS, then SPIKE_OUT x (out_level + extra) when ``drain``, else x
    (out_level // 2): the output FIFO keeps filling)."""

    def __init__(self, name="op", *, kind, count=1, bits=0, drain=True, extra=0):
        super().__init__(name)
        self.kind, self.count, self.bits, self.drain, self.extra = kind, count, bits, drain, extra
        self.spikes: list[int] = []

    def __str__(self):
        return f"{self.kind}(count={self.count}, bits={self.bits}, drain={self.drain})"


class SpikeInjectItem(uvm_sequence_item):
    """Axons for SPIKE_IN (one fixed-address write burst); may name axons >= n_axons."""

    def __init__(self, name="inject", axons=()):
        super().__init__(name)
        self.axons = list(axons)

    def __str__(self):
        return f"inject {self.axons}"


@dataclass
class Spike:
    """One popped SPIKE_OUT word (valid = 1), published by the spike-output monitor."""
    tstep: int
    neuron: int
    word: int
    access: int


# ====================================================================== host agent ===========
class HostSequencer(uvm_sequencer):
    pass


class HostDriver(uvm_driver):
    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)

    async def acc(self, reg=None, *, addr=None, write=False, n=1, words=(), fixed=True,
                  check_irq=False, idle_poll=False) -> Access:
        a = self.cfg.A[reg] if reg is not None else addr
        return await self.cfg.host.access(Access(write, a, len(words) if write else n, fixed,
                                                 list(words), poll=idle_poll,
                                                 idle_poll=idle_poll, check_irq=check_irq))

    async def wait_idle(self):
        """STATUS polls (not compared: only the DUT is ever busy) until busy is low; that
        last poll is compared, with the irq pin."""
        for _ in range(BUSY_POLLS):
            st = await self.acc("STATUS", idle_poll=True)
            if not st.poll:
                return
            if self.cfg.p.host != "uart":
                await ClockCycles(self.cfg.dut.clk, 8)
        raise AssertionError(f"STATUS.busy stuck high; {self.cfg.ctx}")

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if isinstance(item, RegItem):
                a = await self.acc(item.reg, addr=item.addr, write=item.write, n=item.n,
                                   words=item.words, fixed=item.fixed, check_irq=item.check_irq)
                item.data, item.err = a.data, a.err
            elif item.kind in ("step", "run", "ctrl"):
                if item.kind == "run":
                    await self.acc("TIMESTEPS", write=True, words=[item.count])
                bits = {"step": CTRL_STEP, "run": CTRL_RUN}.get(item.kind, item.bits)
                await self.acc("CTRL", write=True, words=[bits])
                await self.wait_idle()
            elif item.kind == "wait_idle":
                await self.wait_idle()
            elif item.kind == "read_spikes":
                lv = await self.acc("LEVELS")
                level = lv.data[0] >> 16 if not lv.err else 0
                n = level + item.extra if item.drain else level // 2
                if n:
                    item.spikes = (await self.acc("SPIKE_OUT", n=n)).data
            else:
                raise ValueError(f"unknown SocOp kind {item.kind!r}")
            self.seq_item_port.item_done()


class HostMonitor(uvm_monitor):
    """Publishes each completed host access (request + response) on ``ap``."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)

    async def run_phase(self):
        while True:
            self.ap.write(await self.cfg.host.completed.get())


class HostAgent(uvm_agent):
    def build_phase(self):
        super().build_phase()
        self.monitor = HostMonitor("monitor", self)
        if self.active():
            self.seqr = HostSequencer("seqr", self)
            self.driver = HostDriver("driver", self)

    def connect_phase(self):
        if self.active():
            self.driver.seq_item_port.connect(self.seqr.seq_item_export)


# ====================================================================== spike agents =========
class SpikeInSequencer(uvm_sequencer):
    pass


class SpikeInDriver(uvm_driver):
    """Spikes enter through SPIKE_IN, so this driver uses the host agent's BFM."""

    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if item.axons:
                await self.cfg.host.access(Access(True, self.cfg.A["SPIKE_IN"], len(item.axons),
                                                  True, list(item.axons)))
            self.seq_item_port.item_done()


class SpikeInAgent(uvm_agent):
    def build_phase(self):
        super().build_phase()
        self.seqr = SpikeInSequencer("seqr", self)
        self.driver = SpikeInDriver("driver", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class SpikeOutMonitor(uvm_subscriber):
    """Subscribes to the host monitor; publishes every popped SPIKE_OUT word on ``ap``."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.cfg = cfg_of(self)
        self.spike_out = self.cfg.A["SPIKE_OUT"]

    def write(self, a: Access):
        if a.write or a.err or a.poll:
            return
        for wa, w in zip(a.word_addrs(), a.data):
            if wa == self.spike_out and w >> 31:
                self.ap.write(Spike((w >> 16) & 0x7FFF, w & 0xFFFF, w, a.index))


# ====================================================================== scoreboard ===========
class _Imp(uvm_subscriber.uvm_AnalysisImp):
    pass


class SocScoreboard(uvm_scoreboard):
    """Applies every host access, in order, to a SocModel through ModelPort and compares every
    read word with ``compare(got, expected(want))`` (so ``NEUROHDL_FAULT=model`` fails it).
    SPIKE_OUT reads: the valid bit / empty words are compared per access; the spikes themselves
    (from the spike-output monitor) are compared per timestep against the model's."""

    def build_phase(self):
        self.access_export = _Imp("access_export", self, self.write_access)
        self.spike_export = _Imp("spike_export", self, self.write_spike)

    def start_of_simulation_phase(self):
        self.cfg = cfg = cfg_of(self)
        self.m = SocModel(cfg.p)
        self.mp = ModelPort(self.m)
        self.k = 0
        self.errors: list[str] = []
        self.exp: deque[tuple[int, int]] = deque()      # (tstep, word) the model popped
        self.obs: deque[tuple[int, int]] = deque()      # (tstep, word) the DUT popped
        self.timesteps_compared = self.reads_compared = self.irq_compared = 0
        self.spike_out = cfg.A["SPIKE_OUT"]

    # the mutant's hook
    def model_words(self, a: Access, want: list[int]) -> list[int]:
        return want

    def _check(self, fn, *args):
        try:
            fn(*args)
        except AssertionError as e:
            if not self.errors:
                self.logger.error(str(e))
            self.errors.append(str(e))

    def write_spike(self, s: Spike):
        self.obs.append((s.tstep, s.word))

    def write_access(self, a: Access):
        if a.poll:                      # only the DUT is ever busy
            return
        self.k += 1
        ctx = f"access {a.index} ({'wr' if a.write else 'rd'} {a.addr * 4:#x} x{a.n}); " \
              f"{self.cfg.ctx}"
        try:
            if a.write:
                self.mp.wr(a.addr, a.words, a.fixed)
                want = None
            else:
                want = self.mp.rd(a.addr, a.n, a.fixed)
            m_err = False
        except HostError:
            m_err, want = True, None
        if m_err != a.err:
            self._check(_fail, f"error response: rtl {a.err}, model {m_err}; {ctx}")
            return
        if want is not None:
            want = expected(self.model_words(a, want), self.cfg.seed + self.k)
            self.reads_compared += 1
            if self.spike_out in a.word_addrs():
                self._spike_read(a, want, ctx)
            else:
                self._check(compare, a.data, want, "read", ctx)
        if a.check_irq:
            want_irq = expected([self.m.irq], self.cfg.seed + 7777 + self.k)
            self.irq_compared += 1
            self._check(compare, [a.irq], want_irq, "irq pin", ctx)

    def _spike_read(self, a: Access, want: list[int], ctx: str):
        if len(a.data) != len(want):
            return self._check(compare, a.data, want, "read", ctx)
        drained = False
        for i, (wa, g, w) in enumerate(zip(a.word_addrs(), a.data, want)):
            if wa != self.spike_out or not (g >> 31 and w >> 31):
                # not a spike on both sides: the word itself is compared (empty reads 0)
                self._check(compare, [g], [w], f"read word {i}", ctx)
                drained |= wa == self.spike_out and not w >> 31
            else:
                self.exp.append(((w >> 16) & 0x7FFF, w))
        self._match(ctx, flush=drained)

    def _match(self, ctx: str, flush: bool):
        """Compare the spikes of each timestep once it is complete on both sides (a later
        timestep follows it, or the FIFO was read empty / the test ended)."""
        while self.exp and self.obs:
            te, to = self.exp[0][0], self.obs[0][0]
            ge = [w for t, w in _lead(self.exp, te)]
            go = [w for t, w in _lead(self.obs, to)]
            closed = flush or (len(ge) < len(self.exp) and len(go) < len(self.obs))
            if te == to and not closed:
                return
            self.timesteps_compared += 1
            if te != to:
                self._check(_fail, f"spikes: rtl timestep {to} {go}, model timestep {te} {ge} "
                                   f"(the next spike of each side); {ctx}")
            else:
                self._check(compare, go, ge, f"spikes of timestep {te}", ctx)
            for _ in ge:
                self.exp.popleft()
            for _ in go:
                self.obs.popleft()
            if self.errors:
                return
        if flush and (self.exp or self.obs):
            self._check(compare, [w for _, w in self.obs], [w for _, w in self.exp],
                        "spikes left unmatched", ctx)
            self.exp.clear()
            self.obs.clear()

    def check_phase(self):
        self._match("end of test", flush=True)
        self.logger.info(f"scoreboard: {self.k} accesses applied to the model, "
                         f"{self.reads_compared} reads / {self.timesteps_compared} timesteps of "
                         f"spikes / {self.irq_compared} irq samples compared, "
                         f"{len(self.m.spike_log)} spikes emitted, {len(self.errors)} mismatches")
        assert not self.errors, self.errors[0]


def _fail(msg):
    raise AssertionError(msg)


def _lead(q, t):
    out = []
    for x in q:
        if x[0] != t:
            break
        out.append(x)
    return out


class CorruptSpikeScoreboard(SocScoreboard):
    """The mutant: its model answers one spike word with the timestep's low bit flipped."""

    def start_of_simulation_phase(self):
        super().start_of_simulation_phase()
        self.corrupted = None

    def model_words(self, a, want):
        if self.corrupted is None:
            for i, w in enumerate(want):
                if a.word_addrs()[i] == self.spike_out and w >> 31:
                    want = list(want)
                    want[i] ^= 1 << 16
                    self.corrupted = (a.index, i, w, want[i])
                    break
        return want

    def check_phase(self):
        if self.corrupted is None:          # not an AssertionError: expect_fail must not pass
            raise RuntimeError(f"mutant scoreboard: no spike word was ever corrupted; "
                               f"{self.cfg.ctx}")
        self._match("end of test", flush=True)
        spike_errs = [e for e in self.errors if "spikes" in e]
        if self.errors and not spike_errs:
            raise RuntimeError(f"mutant scoreboard failed for another reason: {self.errors[0]}")
        self.logger.info(f"mutant: corrupted access {self.corrupted[0]} word {self.corrupted[1]} "
                         f"{self.corrupted[2]:#x} -> {self.corrupted[3]:#x}; caught: "
                         f"{spike_errs[:1]}")
        assert not self.errors, spike_errs[0]


# ====================================================================== coverage =============
class Covergroup:
    """A plain-Python covergroup: named bins with hit counts."""

    def __init__(self, name: str, bins):
        self.name = name
        self.hits = {b: 0 for b in bins}

    def sample(self, b: str):
        if b not in self.hits:
            raise KeyError(f"covergroup {self.name}: no bin {b!r}")
        self.hits[b] += 1

    def holes(self, required=None):
        return [b for b in (required if required is not None else self.hits) if not self.hits[b]]

    def report(self) -> str:
        n = sum(1 for v in self.hits.values() if v)
        bins = ", ".join(f"{b}={v}" for b, v in self.hits.items())
        return f"{self.name}: {n}/{len(self.hits)} bins hit ({bins})"


#: The bins a run must hit (besides every readable register read and every writable register
#: written, covergroups ``reg_read`` / ``reg_write``): a hole fails ``SocRandomTest``.
REQUIRED = {
    "errors": ["rd_unmapped", "wr_unmapped", "wr_ro"],
    "in_fifo": ["full", "empty", "drop_full", "drop_axon"],
    "out_fifo": ["full", "empty", "drop"],
    "timestep": ["step", "run1", "runN", "run0"],
    "ctrl": ["reset_net", "clr_cnt"],
    "irq": ["fire", "clear"],
    "misc": ["spike_out", "werr"],
}


class CoverageCollector(uvm_component):
    """A coverage component: covergroups ``self.cg``, reported at the end; :meth:`holes` lists
    the required bins not hit (by default ``self.required`` = {group: bins}), which fail the
    run when ``cfg.check_coverage``."""

    def holes(self) -> list[str]:
        return [f"{g}.{b}" for g, bins in self.required.items() for b in self.cg[g].holes(bins)]

    def report_phase(self):
        for g in self.cg.values():
            self.logger.info(f"coverage {g.report()}")

    def check_phase(self):
        holes = self.holes()
        self.logger.info(f"coverage holes (required bins): {holes or 'none'}")
        if self.cfg.check_coverage:
            assert not holes, f"coverage holes: {holes}; {self.cfg.ctx}"


class SocCoverage(CoverageCollector):
    """Functional coverage sampled from what the host monitor and the spike-output monitor
    observe (DUT responses; the scoreboard holds them equal to the model's)."""

    def build_phase(self):
        self.access_export = _Imp("access_export", self, self.write_access)
        self.spike_export = _Imp("spike_export", self, self.write_spike)

    def start_of_simulation_phase(self):
        self.cfg = cfg = cfg_of(self)
        self.cg = {
            "reg_read": Covergroup("reg_read", cfg.readable),
            "reg_write": Covergroup("reg_write", cfg.writable),
            "errors": Covergroup("errors", ["rd_unmapped", "wr_unmapped", "wr_ro"]),
            "in_fifo": Covergroup("in_fifo", ["full", "empty", "drop_full", "drop_axon"]),
            "out_fifo": Covergroup("out_fifo", ["full", "empty", "drop"]),
            "timestep": Covergroup("timestep", ["step", "run1", "runN", "run0"]),
            "ctrl": Covergroup("ctrl", ["reset_net", "clr_cnt"]),
            "irq": Covergroup("irq", ["fire", "clear"]),
            "misc": Covergroup("misc", ["spike_out", "werr", "axon_err"]),
        }
        self.timesteps = 1                  # TIMESTEPS.count after reset
        self.in_base = self.out_base = 0    # IN_DROPPED / EVENTS_DROPPED last seen
        self.oor = 0                        # out-of-range axons written since in_base
        self.irq_high = False

    def write_spike(self, s: Spike):
        self.cg["misc"].sample("spike_out")

    def write_access(self, a: Access):
        cfg, p, cg = self.cfg, self.cfg.p, self.cg
        if a.err:
            if a.addr not in cfg.by_addr:
                cg["errors"].sample("wr_unmapped" if a.write else "rd_unmapped")
            elif a.write:
                cg["errors"].sample("wr_ro")
            return
        vals = a.words if a.write else a.data
        for wa, v in zip(a.word_addrs(), vals):
            r = cfg.by_addr[wa].name
            if a.write:
                cg["reg_write"].sample(r)
                self._written(r, v)
            else:
                if r in cg["reg_read"].hits:
                    cg["reg_read"].sample(r)
                self._read(r, v)
        if a.irq is not None:
            if a.irq:
                cg["irq"].sample("fire")
                self.irq_high = True
            elif self.irq_high and a.write and cfg.by_addr[a.addr].name == "IRQ_STATUS":
                cg["irq"].sample("clear")
                self.irq_high = False

    def _written(self, r, v):
        cg, p = self.cg, self.cfg.p
        if r == "TIMESTEPS":
            self.timesteps = v & 0xFFFFFF
        elif r == "SPIKE_IN":
            self.oor += (v & 0xFFFF) >= p.n_axons
        elif r == "CTRL":
            if v & CTRL_CLR_CNT:
                cg["ctrl"].sample("clr_cnt")
                self.in_base = self.out_base = self.oor = 0
            if v & CTRL_RESET_NET:
                cg["ctrl"].sample("reset_net")
            elif v & CTRL_RUN:
                t = self.timesteps
                cg["timestep"].sample("run0" if t == 0 else "run1" if t == 1 else "runN")
            elif v & CTRL_STEP:
                cg["timestep"].sample("step")

    def _read(self, r, v):
        cg, p = self.cg, self.cfg.p
        if r == "STATUS":
            for bit, (g, b) in {2: ("in_fifo", "full"), 3: ("in_fifo", "empty"),
                                4: ("out_fifo", "full"), 5: ("out_fifo", "empty"),
                                10: ("misc", "werr"), 11: ("misc", "axon_err")}.items():
                if v >> bit & 1:
                    cg[g].sample(b)
        elif r == "LEVELS":
            lin, lout = v & 0xFFFF, v >> 16
            if lin == p.in_depth:
                cg["in_fifo"].sample("full")
            if lout == p.out_depth:
                cg["out_fifo"].sample("full")
        elif r == "SPIKE_OUT" and not v >> 31:
            cg["out_fifo"].sample("empty")
        elif r == "IN_DROPPED":
            delta = (v - self.in_base) & 0xFFFFFFFF
            if delta > self.oor:
                cg["in_fifo"].sample("drop_full")
            if delta and self.oor:
                cg["in_fifo"].sample("drop_axon")
            self.in_base, self.oor = v, 0
        elif r == "EVENTS_DROPPED":
            if (v - self.out_base) & 0xFFFFFFFF:
                cg["out_fifo"].sample("drop")
            self.out_base = v

    def holes(self) -> list[str]:
        out = [f"reg_read.{b}" for b in self.cg["reg_read"].holes()]
        out += [f"reg_write.{b}" for b in self.cg["reg_write"].holes()]
        for g, bins in REQUIRED.items():
            out += [f"{g}.{b}" for b in self.cg[g].holes(bins)]
        return out


# ====================================================================== env ==================
class SocEnv(uvm_env):
    def build_phase(self):
        self.host_agent = HostAgent("host_agent", self)
        self.spike_agent = SpikeInAgent("spike_agent", self)
        self.spike_mon = SpikeOutMonitor("spike_mon", self)
        self.sb = SocScoreboard.create("sb", self)
        self.cov = SocCoverage("cov", self)

    def connect_phase(self):
        ap = self.host_agent.monitor.ap
        ap.connect(self.spike_mon.analysis_export)      # first: a read's spikes reach the
        ap.connect(self.sb.access_export)               # scoreboard before the read itself
        ap.connect(self.cov.access_export)
        self.spike_mon.ap.connect(self.sb.spike_export)
        self.spike_mon.ap.connect(self.cov.spike_export)


# ====================================================================== sequences ============
class SocSeq(uvm_sequence):
    """Base: helpers issuing items on the host sequencer (``self.sequencer``)."""

    def __init__(self, name="soc_seq", cfg: SocCfg | None = None):
        super().__init__(name)
        self.cfg = cfg

    @property
    def rng(self):
        return self.cfg.rng

    async def send(self, item):
        await self.start_item(item)
        await self.finish_item(item)
        return item

    async def rd(self, reg, n=1, fixed=True, **kw):
        return (await self.send(RegItem(reg=reg, n=n, fixed=fixed, **kw))).data

    async def wr(self, reg, words, fixed=True, **kw):
        return await self.send(RegItem(reg=reg, write=True, words=words, fixed=fixed, **kw))

    async def op(self, kind, **kw):
        return await self.send(SocOp(kind=kind, **kw))


class BootSeq(SocSeq):
    async def body(self):
        await self.op("wait_idle")
        await self.rd("INFO_SIZE", 3, fixed=False)


class WeightLoadSeq(SocSeq):
    """Random weights (density, corners), optionally refused values; read-back of a random
    window (the whole memory when ``full``) plus a write and a read past the memory."""

    def __init__(self, name="weights", cfg=None, full=False, rows=None):
        super().__init__(name, cfg)
        self.full, self.rows = full, rows

    async def body(self):
        p, rng, ep = self.cfg.p, self.rng, self.cfg.p.engine
        lo, hi = -(1 << (ep.w_width - 1)), (1 << (ep.w_width - 1)) - 1
        total = p.n_axons * p.n_neurons
        if self.rows is not None:                           # directed: given rows
            words = [v & 0xFFFF for v in self.rows]
        else:
            dens = rng.choice([0.3, 0.6, 1.0])
            words = [(rng.choice([lo, hi, rng.randint(lo, hi), rng.randint(lo, hi)])
                      if rng.random() < dens else 0) & 0xFFFF for _ in range(total)]
            if ep.w_width < 16 and rng.random() < 0.5:      # refused: outside the format
                i = rng.randrange(total)
                words[i] = rng.choice([hi + 1, (lo - 1) & 0xFFFF, 0x7FFF])
        await self.wr("WADDR", [0])
        await self.wr("WDATA", words)
        await self.rd("WPTR")
        if self.rows is not None:
            return
        start = 0 if self.full else rng.randrange(total)
        n = total - start + 1 if self.full else min(rng.randint(1, 4), total - start + 1)
        await self.wr("WADDR", [start])
        await self.rd("WREAD", n)
        await self.wr("WADDR", [total + rng.randrange(3)])   # past the memory: refused
        await self.wr("WDATA", [1])
        await self.rd("STATUS")



class SpikeInjectSeq(uvm_sequence):
    """Spike-input agent: a constrained-random batch of axons (sometimes none, sometimes more
    than the FIFO holds, some >= n_axons)."""

    def __init__(self, name="inject", cfg=None, axons=None):
        super().__init__(name)
        self.cfg, self.axons = cfg, axons

    async def body(self):
        p, rng = self.cfg.p, self.cfg.rng
        axons = self.axons
        if axons is None:
            k = rng.choice([0, 1, 2, p.in_depth, p.in_depth + 2])
            axons = [rng.randrange(p.n_axons) if rng.random() < 0.8
                     else p.n_axons + rng.randrange(3) for _ in range(k)]
        item = SpikeInjectItem(axons=axons)
        await self.start_item(item)
        await self.finish_item(item)


class TimestepSeq(SocSeq):
    """Optionally new SC values, then step, run 0, run 1 or run N (2..4)."""

    def __init__(self, name="timestep", cfg=None, mode=None):
        super().__init__(name, cfg)
        self.mode = mode

    async def body(self):
        p, rng = self.cfg.p, self.rng
        if p.sc_channels and rng.random() < 0.5:
            top = (1 << p.sc_width) - 1
            await self.wr("SC_VAL_0", [rng.choice([0, top, rng.randint(0, top)])
                                       for _ in range(p.sc_channels)], fixed=False)
        mode = self.mode or rng.choice(["step", "step", "run0", "run1", "runN"])
        if mode == "step":
            await self.op("step")
        else:
            await self.op("run", count={"run0": 0, "run1": 1}.get(mode, rng.randint(2, 4)))


class ReadOutSeq(SocSeq):
    """Read the spikes out (draining, past the end, or only half: the FIFO keeps filling),
    then the counters (incrementing burst) and the levels / irq status."""

    def __init__(self, name="readout", cfg=None, drain=None, counters=True):
        super().__init__(name, cfg)
        self.drain, self.counters = drain, counters

    async def body(self):
        drain = self.drain if self.drain is not None else self.rng.random() < 0.7
        await self.op("read_spikes", drain=drain, extra=self.rng.choice([0, 1, 2]))
        if self.counters:                                   # TSTEP, EVENTS_*, IRQ_STATUS
            await self.rd("TSTEP", 5, fixed=False)
            await self.rd("LEVELS", 2, fixed=False)         # LEVELS, IN_DROPPED


class MiscSeq(SocSeq):
    """Random host housekeeping: irq clear (w1c), irq enable, clr_cnt, reset_net."""

    async def body(self):
        rng = self.rng
        if rng.random() < 0.3:
            await self.wr("IRQ_STATUS", [rng.choice([1, 2, 3])], check_irq=True)
        if rng.random() < 0.2:
            await self.wr("IRQ_ENABLE", [rng.randrange(4)], check_irq=True)
        if rng.random() < 0.2:
            await self.wr("CTRL", [CTRL_CLR_CNT])
        if rng.random() < 0.15:
            await self.op("ctrl", bits=CTRL_RESET_NET)


class RegSweepSeq(SocSeq):
    """Every register: one incrementing read burst over 0x00..WPTR, writes of the plain
    registers, the SC_VAL bank written and read back (incrementing bursts)."""

    async def body(self):
        rng, A = self.rng, self.cfg.A
        await self.rd("ID", A["WPTR"] - A["ID"] + 1, fixed=False)
        await self.wr("SCRATCH", [rng.getrandbits(32)])
        await self.wr("TIMESTEPS", [rng.randint(1, 3)])
        await self.wr("IRQ_ENABLE", [3], check_irq=True)
        await self.rd("TIMESTEPS")
        sc = [r for r in self.cfg.writable if r.startswith("SC_VAL_")]
        await self.wr(sc[0], [rng.getrandbits(16) for _ in sc], fixed=False)
        await self.rd(sc[0], len(sc), fixed=False)
        await self.rd("SCRATCH")


class ErrorSeq(SocSeq):
    """Accesses the map refuses: an unmapped read and write, a write to a read-only register."""

    async def body(self):
        rng = self.rng
        await self.send(RegItem(addr=rng.choice(self.cfg.unmapped)))
        await self.send(RegItem(addr=rng.choice(self.cfg.unmapped), write=True, words=[0x5A5A]))
        await self.wr(rng.choice(["ID", "STATUS", "LEVELS", "INFO_SIZE"]), [0x5A5A])
        await self.rd("SCRATCH")


class OverflowSeq(SocSeq):
    """Directed closure: axon 0 -> every neuron at the maximum weight; the input FIFO filled
    past its depth with axon 0 and out-of-range axons, then steps without draining until the
    output FIFO is full and then until it drops a spike (both bounded), then a drained read-out."""

    def __init__(self, name="overflow", cfg=None, spike_seqr=None):
        super().__init__(name, cfg)
        self.spike_seqr = spike_seqr

    async def body(self):
        p = self.cfg.p
        hi = (1 << (p.engine.w_width - 1)) - 1
        await WeightLoadSeq("w", self.cfg, rows=[hi] * p.n_neurons).start(self.sequencer)
        await self.wr("IRQ_ENABLE", [3])
        await SpikeInjectSeq("fill", self.cfg, axons=[0] * (p.in_depth + 1) + [p.n_axons]
                             ).start(self.spike_seqr)
        await self.rd("LEVELS", 2, fixed=False)             # LEVELS, IN_DROPPED
        for _ in range(3 * -(-p.out_depth // p.n_neurons) + 4):  # a spike per 1-2 steps
            await self.op("step")
            lv = (await self.rd("LEVELS"))[0]
            if lv >> 16 == p.out_depth:
                break
            await SpikeInjectSeq("more", self.cfg, axons=[0] * p.in_depth).start(self.spike_seqr)
        dropped = (await self.rd("EVENTS_DROPPED"))[0]
        for _ in range(4):      # into a full FIFO until a spike is dropped (one every 1-2 steps)
            await SpikeInjectSeq("more", self.cfg, axons=[0] * p.in_depth).start(self.spike_seqr)
            await self.op("step")
            if (await self.rd("EVENTS_DROPPED"))[0] != dropped:
                break


class SocRandomVseq(uvm_sequence):
    """Virtual sequence: boot, random weights, ``rounds`` of (inject, timestep, read-out,
    housekeeping), then coverage closure (sweep, errors, overflow, drained read-out, irq)."""

    def __init__(self, name="vseq", cfg=None, host_seqr=None, spike_seqr=None, rounds=4,
                 stop=lambda: False):
        super().__init__(name)
        self.cfg, self.h, self.s, self.rounds, self.stop = cfg, host_seqr, spike_seqr, rounds, stop

    async def body(self):
        c, h, rng = self.cfg, self.h, self.cfg.rng
        await BootSeq("boot", c).start(h)
        await HousekeepingSeq("irq_enable", c, [("wr", "IRQ_ENABLE", [rng.randrange(4)])]
                              ).start(h)
        await WeightLoadSeq("weights", c, full=c.p.host != "uart").start(h)
        for _ in range(self.rounds):
            if self.stop():
                return
            await SpikeInjectSeq("inject", c).start(self.s)
            await TimestepSeq("timestep", c).start(h)
            if rng.random() < 0.75:
                await ReadOutSeq("readout", c).start(h)
            await MiscSeq("misc", c).start(h)
        # closure: the bins a short random run may miss
        for mode in ("step", "run0", "run1", "runN"):
            await TimestepSeq(mode, c, mode=mode).start(h)
        await RegSweepSeq("sweep", c).start(h)
        await ErrorSeq("errors", c).start(h)
        await OverflowSeq("overflow", c, spike_seqr=self.s).start(h)
        await ReadOutSeq("drain", c, drain=True).start(h)
        await HousekeepingSeq("end", c, [("wr", "IRQ_STATUS", [3]), ("wr", "CTRL", [CTRL_CLR_CNT]),
                                         ("op", "ctrl", CTRL_RESET_NET), ("rd", "LEVELS", None)]
                              ).start(h)


class HousekeepingSeq(SocSeq):
    """A fixed list of steps: ("wr", reg, words) (IRQ_* writes sample the irq pin),
    ("rd", reg, None), ("op", kind, bits)."""

    def __init__(self, name, cfg, steps):
        super().__init__(name, cfg)
        self.steps = steps

    async def body(self):
        for kind, what, arg in self.steps:
            if kind == "wr":
                await self.wr(what, arg, check_irq=what.startswith("IRQ_"))
            elif kind == "rd":
                await self.rd(what)
            else:
                await self.op(what, bits=arg)


# ====================================================================== tests ================
class SocBaseTest(uvm_test):
    def build_phase(self):
        # the bench builds the host port now (before the clock and reset of run_phase)
        self.cfg = SocCfg(SocBench(cocotb.top, salt=f"uvm:{type(self).__name__}"))
        ConfigDB().set(None, "*", "CFG", self.cfg)
        self.env = SocEnv("env", self)

    async def body(self):
        raise NotImplementedError

    async def run_phase(self):
        self.raise_objection()
        await self.cfg.bench.begin()        # clock, reset, two idle cycles
        await self.body()
        await self.cfg.host.drained()
        self.drop_objection()


@pyuvm.test()
class SocRandomTest(SocBaseTest):
    """Constrained-random program plus coverage closure; scoreboard and coverage must pass."""

    async def body(self):
        c, env = self.cfg, self.env
        rounds = 2 if c.p.host == "uart" else 40
        await SocRandomVseq("vseq", c, env.host_agent.seqr, env.spike_agent.seqr, rounds,
                            stop=lambda: bool(env.sb.errors)).start()
        self.logger.info(f"program done: {c.host.count} host accesses; {c.ctx}")


@pyuvm.test(expect_fail=True)
class SocCorruptSpikeTest(SocBaseTest):
    """Must fail: the factory replaces the scoreboard by one whose model corrupts one spike
    word (its timestep's low bit); the per-timestep spike comparison must catch it."""

    def build_phase(self):
        uvm_factory().set_type_override_by_type(SocScoreboard, CorruptSpikeScoreboard)
        super().build_phase()
        self.cfg.check_coverage = False

    async def body(self):
        c, env = self.cfg, self.env
        h = env.host_agent.seqr
        await BootSeq("boot", c).start(h)
        p = c.p
        hi = (1 << (p.engine.w_width - 1)) - 1
        await WeightLoadSeq("w", c, rows=[hi] * p.n_neurons).start(h)
        for _ in range(2):
            await SpikeInjectSeq("in", c, axons=[0] * min(2, p.in_depth)).start(
                env.spike_agent.seqr)
            await TimestepSeq("step", c, mode="step").start(h)
        await ReadOutSeq("out", c, drain=True, counters=False).start(h)

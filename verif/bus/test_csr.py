# SPDX-License-Identifier: Apache-2.0
"""bus.csr: converted Verilog vs the register model, through independent bus BFMs.

* ``register_suite`` -- the generated per-register CSR suite, driven by cocotbext-axi's
  AxiLiteMaster or cocotbext-wishbone's WishboneMaster: reset values, bit-bash of every RW bit,
  aliasing (a write changes no other register), read-only writes (SLVERR / ERR, no change), every
  gap of the map and random unmapped addresses (DECERR / ERR, data 0), byte enables, the
  hardware-side outputs and pulses after every write.
* ``random_traffic`` -- random reads/writes (mapped, unmapped, RO, random byte enables) with
  status inputs and hwset strobes changing between bursts, against the model; Wishbone through
  the pipelined master in verif/common/wishbone.py (back-to-back requests, seeded idle gaps),
  AXI-Lite with seeded pauses on all five channels (independent AW/W acceptance).
* ``concurrent_traffic`` -- many accesses in flight at once (AXI-Lite: all issued together
  through AxiLiteMaster, reads and writes interleaved, several outstanding per channel,
  independent back-pressure on all five channels; Wishbone: back-to-back pipelined requests)
  while ``hw_*_set`` inputs fire at random, often in the same cycle as a write clearing their
  field (the write wins, SystemRDL ``precedence = sw``); the model replayed edge by edge from
  the handshakes, every ``csr_*`` value output compared at every edge.  ``PLANTED``: the bugs
  it exists to catch (a set beating a same-cycle W1C, an ``arready`` that ignores ``rvalid``),
  applied to the converted Verilog in ``test_planted_bug_is_caught``.
* ``host_driver`` -- the generated-driver layer (neurohdl.sw.regmap_driver.AsyncDriver) over the
  simulated bus.
* ``swacc_fifo`` -- every ``swacc`` field's ``hw_*`` input is the head of a bench FIFO that pops
  on the field's ``csr_*_swacc`` strobe (sampled at the clock edge, like a FIFO's read enable):
  back-to-back reads must return successive entries, other accesses must not pop.
* ``scoreboard_must_fail`` -- the same checks against a mutated model (byte lane 0 ignored).
* ``swacc_must_fail`` -- the suite against a model whose swacc strobe comes one cycle late.

On every clock edge (all tests) the ``csr_*_swacc`` outputs are compared with the model's
:meth:`CsrModel.strobes` for the access performed in that cycle, taken from the bus handshake
(Wishbone ``cyc && stb && !stall``, AXI-Lite ``arvalid && arready``); the strobes are also counted
per port against the model's reads, like the ``swmod`` pulses against its writes.

Every cycle ACK and ERR are checked never to be high together (Wishbone), as the conventions
ask for a formal proof -- see docs/cores/bus/csr.md for why this is a simulation assertion.
The pytest side runs the example SoC map plus random maps written as .rdl text from the seed.
"""
import logging
import random

import cocotb
import pytest
from cocotb.triggers import ClockCycles, RisingEdge

from neurohdl.models.bus.csr import DECERR, OKAY, SLVERR, CsrModel, CsrParams, strb_mask
from neurohdl.verif.bus.bench import PortBench
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import expected
from neurohdl.verif.common.stream import pauses
from neurohdl.verif.common.tb import planted_bug_test
from neurohdl.verif.common.wishbone import WbOp, WishboneMaster, ack_err_rule

#: cocotbext-wishbone 2.0.1 under cocotb 2.1 + Icarus left wb_adr/wb_cyc at Z (X into the DUT)
#: right after its construction in this bench, so the Wishbone suite runs on the pipelined
#: master of verif/common/wishbone.py instead (see docs/cores/bus/csr.md).
USE_COCOTBEXT_WISHBONE = False
ERR = -1   # Wishbone: ERR (the model's SLVERR and DECERR both map to it)


def _norm(p, resp):
    return resp if p.bus == "axil" else (OKAY if resp == OKAY else ERR)


# ------------------------------------------------------------------ bus adapters --------------

def axil_bytes(addr, data, strb):
    """A word write as cocotbext-axi takes it: (byte address, bytes) of the enabled lanes, which
    must be contiguous (what an AXI-Lite master's byte writes produce)."""
    lanes = [i for i in range(4) if strb >> i & 1]
    lo, n = lanes[0], len(lanes)
    return (addr & ~3) + lo, (data >> (8 * lo)).to_bytes(4, "little")[:n]


class AxilBus:
    def __init__(self, dut, pattern, seed):
        from cocotbext.axi import AxiLiteBus, AxiLiteMaster
        self.m = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        for lg in ("cocotb.csr.s_axil", "cocotb.csr"):
            logging.getLogger(lg).setLevel(logging.WARNING)
        chans = {"aw": self.m.write_if.aw_channel, "w": self.m.write_if.w_channel,
                 "b": self.m.write_if.b_channel, "ar": self.m.read_if.ar_channel,
                 "r": self.m.read_if.r_channel}
        for k, ch in chans.items():
            g = pauses(pattern, seed, k)
            if g is not None:
                ch.set_pause_generator(g)

    async def read(self, addr):
        r = await self.m.read(addr & ~3, 4)   # cocotbext-axi: no transfer across the end
        return int(r.resp), int.from_bytes(r.data, "little")

    async def write(self, addr, data, strb=0xF):
        return int((await self.m.write(*axil_bytes(addr, data, strb))).resp)


class WbExtBus:
    """cocotbext-wishbone (one request per bus cycle): the independent BFM of the suite."""

    def __init__(self, dut, pattern, seed):
        from cocotbext.wishbone.driver import WishboneMaster as ExtMaster
        sig = {"cyc": "cyc", "stb": "stb", "we": "we", "adr": "adr", "datwr": "dat_w",
               "datrd": "dat_r", "ack": "ack"}
        self.m = ExtMaster(dut, "wb", dut.clk, width=32, timeout=100, signals_dict=sig)
        self.m.log.setLevel(logging.WARNING)
        self.rng = random.Random(f"{seed}:wbidle")
        self.pattern = pattern

    async def _one(self, op):
        from cocotbext.wishbone.driver import WBOp
        idle = self.rng.randint(0, 3) if self.pattern else 0
        r = (await self.m.send_cycle([WBOp(op.adr, op.dat, idle=idle, sel=op.sel)]))[0]
        return (OKAY if r.ack == 1 else ERR), int(r.datrd)

    async def read(self, addr):
        return await self._one(WbOp(addr))

    async def write(self, addr, data, strb=0xF):
        return (await self._one(WbOp(addr, data, strb)))[0]


class WbBus:
    """The pipelined master (several requests in flight)."""

    def __init__(self, dut, pattern, seed):
        self.m = WishboneMaster(dut, dut.clk, "wb", idle=pauses(pattern, seed, "wb"))

    async def read(self, addr):
        r = await self.m.read(addr)
        return (OKAY if r.ok else ERR), r.data

    async def write(self, addr, data, strb=0xF):
        return OKAY if (await self.m.write(addr, data, strb)).ok else ERR

    async def batch(self, ops):
        return [((OKAY if r.ok else ERR), r.data) for r in await self.m.transact(ops)]


# ------------------------------------------------------------------ bench -------------------------

class CsrBench(PortBench):
    """The shared bench on the CSR block: the model (``model_cls``), the bus adapter
    (``kind``: "ext" -- the independent BFM, or "pipelined"; the idle/back-pressure pattern is
    the bench's ``idle``), and three edge rules: Wishbone ACK/ERR exclusive, every
    ``csr_*_swacc`` strobe against the model, the ``swmod``/pulse outputs recorded."""

    def __init__(self, dut, idle=None, stall=None, *, kind: str, model_cls=CsrModel, **kw):
        self.kind, self.model_cls = kind, model_cls
        super().__init__(dut, idle, stall, params=CsrParams, salt=f"{kind}:{idle}", **kw)

    def setup(self):
        dut, p = self.dut, self.p
        self.model = model = self.model_cls.from_params(p)
        for q in model.rm.hw_ports():
            if q.direction == "in":
                getattr(dut, q.name).value = 0
        idle_inputs = (["wb_cyc", "wb_stb", "wb_we", "wb_adr", "wb_dat_w", "wb_sel"]
                       if p.bus == "wishbone" else ["s_axil_awvalid", "s_axil_wvalid",
                                                    "s_axil_arvalid", "s_axil_bready",
                                                    "s_axil_rready"])
        for n in idle_inputs:      # known levels before the BFMs take over (no Z into the DUT)
            getattr(dut, n).value = 0
        if p.bus == "axil":
            self.bus = AxilBus(dut, self.idle, self.seed)
        elif self.kind == "ext" and USE_COCOTBEXT_WISHBONE:
            self.bus = WbExtBus(dut, self.idle, self.seed)
        else:
            self.bus = WbBus(dut, self.idle, self.seed)
        self.seen_pulses: dict[str, list[int]] = {}
        rm = model.rm
        self.pulse_ports = [q.name for q in rm.hw_ports()
                            if q.what == "pulse" or (q.what == "value" and
                                                     rm.reg(q.reg).field(q.field).kind == "pulse")]
        self.value_ports = [q.name for q in rm.hw_ports()
                            if q.what == "value" and q.name not in self.pulse_ports]
        self.status_ports = [q for q in rm.hw_ports() if q.what == "status"]
        self.set_ports = [q.name for q in rm.hw_ports() if q.what == "set"]
        self.swacc_ports = [q.name for q in rm.hw_ports() if q.what == "swacc"]
        self.pulse_ports += self.swacc_ports          # counted per port, like swmod pulses
        self.n_reads = 0
        self.n_strobes = 0                            # swacc strobes seen high (coverage)
        if p.bus == "wishbone":
            self.rule(ack_err_rule(dut, "wb"))
        if self.swacc_ports:
            self.rule(self.swacc_rule)
        self.rule(self.pulse_rule)

    def _access(self):
        """The access performed in the cycle that ends at this edge, from the bus handshake
        (values before the edge): (addr, we) or None."""
        d = self.dut
        if int(d.rst.value):
            return None
        if self.p.bus == "wishbone":
            if int(d.wb_cyc.value) and int(d.wb_stb.value) and not int(d.wb_stall.value):
                return int(d.wb_adr.value), bool(int(d.wb_we.value))
            return None
        if int(d.s_axil_arvalid.value) and int(d.s_axil_arready.value):
            return int(d.s_axil_araddr.value), False
        return None     # AXI-Lite writes are performed internally; they never strobe

    def swacc_rule(self, n: int) -> list[str]:
        """At edge ``n``: csr_*_swacc == the model's strobes for the access of that cycle."""
        acc = self._access()
        errors = []
        for port, w in self.model.strobes(acc).items():
            v = getattr(self.dut, port).value
            got = int(v) if v.is_resolvable else None
            self.n_strobes += bool(got)
            if got != w:
                a = "none" if acc is None else f"{acc[0]:#x} we={acc[1]:d}"
                errors.append(f"cycle {n}: {port} = {v} != model {w} (access {a})")
        return errors

    def pulse_rule(self, n: int) -> list[str]:
        """Records every pulse output high at edge ``n`` (compared by :meth:`check_pulses`)."""
        for port in self.pulse_ports:
            v = int(getattr(self.dut, port).value)
            if v:
                self.seen_pulses.setdefault(port, []).append(v)
        return []

    def randomise_status(self):
        for q in self.status_ports:
            v = self.random.choice([0, (1 << q.width) - 1, self.random.getrandbits(q.width)])
            getattr(self.dut, q.name).value = v
            self.model.hw_in[q.name] = v

    async def hw_set(self, port):
        getattr(self.dut, port).value = 1
        await RisingEdge(self.dut.clk)
        getattr(self.dut, port).value = 0
        self.model.hw_set(port)

    async def read(self, addr, what=""):
        want_resp, want = self.model.read(addr)
        resp, data = await self.bus.read(addr)
        self.n_reads += 1
        ctx = f"read {addr:#x} {what}; {self.p}"
        assert resp == _norm(self.p, want_resp), f"{ctx}: resp {resp} != model {want_resp}"
        w = expected([want], self.seed + self.n_reads)[0]
        assert data == w, f"{ctx}: data {data:#010x} != model {w:#010x}"
        return data

    async def write(self, addr, data, strb=0xF, what=""):
        want = self.model.write(addr, data, strb)
        resp = await self.bus.write(addr, data, strb)
        assert resp == _norm(self.p, want), \
            f"write {addr:#x} <- {data:#x} strb {strb:#x} {what}: resp {resp} != model {want}; {self.p}"
        return resp

    async def check_outputs(self, ctx=""):
        await RisingEdge(self.dut.clk)
        for n, v in self.model.outputs().items():
            if n in self.value_ports:
                got = int(getattr(self.dut, n).value)
                assert got == v, f"{n} = {got:#x} != model {v:#x} {ctx}; {self.p}"

    def check_pulses(self):
        want: dict[str, list[int]] = {}
        for n, v in self.model.pulses:
            want.setdefault(n, []).append(v)
        assert self.seen_pulses == want, f"pulses {self.seen_pulses} != model {want}; {self.p}"

    def strb(self):
        if self.p.bus == "axil":   # contiguous lanes
            lo = self.random.randrange(4)
            return ((1 << self.random.randint(1, 4 - lo)) - 1) << lo
        return self.random.choice([0xF, 0, self.random.randrange(16)])

    def unmapped_sample(self, n):
        used = {r.offset for r in self.model.rm.regs}
        span = 1 << self.p.addr_width
        out = set()
        free_words = span // 4 - len(used)
        # distinct byte addresses available: 4 per free word (low bits ignored by the block);
        # a small space (addr_width 3 with one register) has fewer than n of them
        n = min(n, 4 * free_words)
        while len(out) < n:
            a = self.random.randrange(0, span, 4)
            if a not in used:
                out.add(a | self.random.randrange(4))
        return sorted(out)


async def _suite(b: CsrBench):
    rm, p = b.model.rm, b.p
    b.randomise_status()
    for r in rm.regs:                                  # reset values (status inputs random)
        await b.read(r.offset, f"{r.name} after reset")
    await b.check_outputs("after reset")
    for r in rm.regs:                                  # bit-bash every RW bit, walking 1 and 0
        for bit in range(32):
            if r.rw_mask >> bit & 1:
                for v in (1 << bit, 0xFFFFFFFF ^ (1 << bit)):
                    await b.write(r.offset, v, 0xF, f"{r.name} bit-bash")
                    await b.read(r.offset, f"{r.name} bit-bash bit {bit}")
        await b.check_outputs(f"after bit-bash of {r.name}")
    for r in rm.regs:                                  # aliasing: one write, read all
        await b.write(r.offset, b.random.getrandbits(32), 0xF, f"{r.name} aliasing")
        await b.check_outputs(f"after writing {r.name}")
        for o in rm.regs:
            await b.read(o.offset, f"{o.name} after writing {r.name}")
    for r in rm.regs:                                  # byte enables
        if r.writable:
            for _ in range(4):
                await b.write(r.offset, b.random.getrandbits(32), b.strb(), f"{r.name} strobes")
                await b.read(r.offset, f"{r.name} after a strobed write")
            await b.check_outputs(f"after strobed writes to {r.name}")
    gaps = [a for a in range(0, min(1 << p.addr_width, rm.size + 32), 4) if rm.at(a) is None]
    for a in gaps + b.unmapped_sample(16):              # every gap + random unmapped addresses
        await b.write(a, b.random.getrandbits(32), 0xF, "unmapped")
        await b.read(a, "unmapped")
    for r in rm.regs:
        await b.read(r.offset, f"{r.name} after the unmapped accesses")
    for port in b.set_ports:                           # hwset then w1c
        await b.hw_set(port)
    for r in rm.regs:
        await b.read(r.offset, f"{r.name} after hwset")
        if any(f.kind == "w1c" for f in r.fields):
            await b.write(r.offset, b.random.getrandbits(32), 0xF, "w1c clear")
            await b.read(r.offset, f"{r.name} after w1c write")
    await ClockCycles(b.dut.clk, 3)
    b.check_pulses()
    b.check()


@cocotb.test()
async def register_suite(dut):
    b = await CsrBench.start(dut, "random", kind="ext")
    await _suite(b)


@cocotb.test()
@cocotb.parametrize(pattern=[None, "random"])
async def random_traffic(dut, pattern):
    b = await CsrBench.start(dut, pattern, kind="pipelined")
    p = b.p
    rm, rng = b.model.rm, b.random
    addrs = [r.offset for r in rm.regs] + b.unmapped_sample(4)
    for burst in range(40):
        b.randomise_status()
        if b.set_ports and rng.random() < 0.3:
            await b.hw_set(rng.choice(b.set_ports))
        ops = []
        for _ in range(rng.randint(1, 8)):
            a = rng.choice(addrs) | (rng.randrange(4) if rng.random() < 0.1 else 0)
            ops.append(WbOp(a, rng.getrandbits(32) if rng.random() < 0.5 else None, b.strb()))
        if p.bus == "wishbone":
            want = []
            for op in ops:
                if op.dat is None:
                    r, d = b.model.read(op.adr)
                    want.append((_norm(p, r), d))
                else:
                    want.append((_norm(p, b.model.write(op.adr, op.dat, op.sel)), 0))
            got = await b.bus.batch(ops)
            for i, (g, w) in enumerate(zip(got, want)):
                w = (w[0], expected([w[1]], burst * 16 + i)[0])
                assert g == w, f"burst {burst} op {i} {ops[i]}: rtl {g} != model {w}; {p}"
            assert len(got) == len(want)
        else:
            for op in ops:
                if op.dat is None:
                    await b.read(op.adr, f"burst {burst}")
                else:
                    await b.write(op.adr, op.dat, op.sel, f"burst {burst}")
        await b.check_outputs(f"after burst {burst}")
    await ClockCycles(dut.clk, 3)
    b.check_pulses()
    if p.bus == "wishbone":
        assert not b.bus.m.errors, b.bus.m.errors[:3]
    b.check()


@cocotb.test()
async def host_driver(dut):
    """The host driver layer over the simulated bus: field writes reach the csr_* ports."""
    from neurohdl.sw.regmap_driver import AsyncDriver, BusError

    b = await CsrBench.start(dut, kind="pipelined")
    p = b.p

    class SimTransport:
        async def read32(self, addr):
            r, d = await b.bus.read(addr)
            if r != OKAY:
                raise BusError(f"read {addr:#x}: {r}")
            return d

        async def write32(self, addr, value):
            if await b.bus.write(addr, value) != OKAY:
                raise BusError(f"write {addr:#x}")

    drv = AsyncDriver(b.model.rm.to_dict(), SimTransport())
    for r in b.model.rm.regs:
        for f in r.fields:
            if f.kind == "config" and f.sw == "rw":
                v = b.random.getrandbits(f.width)
                await drv.write_field(r.name, f.name, v)
                b.model.write(r.offset, drv.table.merge(r.name, f.name, b.model.value(r.name), v))
                want = expected([v], b.seed + r.offset + f.lsb)[0]
                assert await drv.read_field(r.name, f.name) == want, f"{r.name}.{f.name}; {p}"
                await b.check_outputs(f"driver wrote {r.name}.{f.name}")
            if f.kind == "status":
                b.randomise_status()
                got = await drv.read_field(r.name, f.name)
                want = expected([b.model.hw_in[f"hw_{r.name}_{f.name}".lower()]],
                                b.seed + r.offset + f.lsb)[0]
                assert got == want, f"{r.name}.{f.name} = {got:#x} != model {want:#x}; {p}"
    ro = next((r for r in b.model.rm.regs if not r.writable), None)
    if ro is not None:
        try:
            await drv.write(ro.name, 1)
        except BusError:
            pass
        else:
            raise AssertionError(f"write to read-only {ro.name} raised no BusError; {p}")
    await ClockCycles(dut.clk, 2)
    b.check()


@cocotb.test()
@cocotb.parametrize(pattern=[None, "random"])
async def swacc_fifo(dut, pattern):
    """FIFO pop on read: each swacc field's hw_* input shows the head of a bench FIFO that pops
    at every clock edge where the field's strobe is high; the model pops on the reads it answers.
    Wishbone: bursts of back-to-back requests (a strobe that came a cycle late would show the
    old head to the next read)."""
    b = await CsrBench.start(dut, pattern, kind="pipelined")
    p = b.p
    rm, rng, model = b.model.rm, b.random, b.model
    if not b.swacc_ports:
        return
    fifos = {}          # swacc port -> [hw input port, entries, rtl index, model index]
    for q in rm.hw_ports():
        if q.what == "swacc":
            f = rm.reg(q.reg).field(q.field)
            entries = [rng.getrandbits(f.width) for _ in range(200)]
            fifos[q.name] = [f"hw_{q.reg}_{q.field}".lower(), entries, 0, 0]

    def head(e, i):
        return e[i] if i < len(e) else 0

    for port, (inp, e, _, _) in fifos.items():
        getattr(dut, inp).value = e[0]
    await RisingEdge(dut.clk)

    async def pop():
        while True:
            await RisingEdge(dut.clk)
            for port, st in fifos.items():
                if int(getattr(dut, port).value):
                    st[2] += 1
                    getattr(dut, st[0]).value = head(st[1], st[2])
    cocotb.start_soon(pop())

    def model_read(addr):
        for port, st in fifos.items():
            model.hw_in[st[0]] = head(st[1], st[3])
        resp, data = model.read(addr)
        for port, x in model.strobes((addr, False)).items():
            fifos[port][3] += x
        return resp, data

    swacc_regs = [r.offset for r in rm.regs if any(f.swacc for f in r.fields)]
    others = [r.offset for r in rm.regs] + b.unmapped_sample(2)
    for burst in range(12):
        ops = []
        for _ in range(rng.randint(1, 10)):
            a = rng.choice(swacc_regs) if rng.random() < 0.7 else rng.choice(others)
            a |= rng.randrange(4) if rng.random() < 0.1 else 0
            ops.append(WbOp(a, rng.getrandbits(32) if rng.random() < 0.15 else None, b.strb()))
        want = []
        for op in ops:
            if op.dat is None:
                r, d = model_read(op.adr)
                want.append((_norm(p, r), d))
            else:
                want.append((_norm(p, model.write(op.adr, op.dat, op.sel)), 0))
        if p.bus == "wishbone":
            got = await b.bus.batch(ops)
        else:
            got = [await b.bus.read(op.adr) if op.dat is None
                   else (await b.bus.write(op.adr, op.dat, op.sel), 0) for op in ops]
        data = expected([d for _, d in want], b.seed + burst)
        want = [(r, d) for (r, _), d in zip(want, data)]
        assert got == want, f"burst {burst}: rtl {got} != model {want} ({ops}); {p}"
        if rng.random() < 0.5:
            await ClockCycles(dut.clk, rng.randint(1, 3))
    await ClockCycles(dut.clk, 3)
    for port, (_, _, n_rtl, n_model) in fifos.items():
        assert n_rtl == n_model, f"{port}: rtl popped {n_rtl}, model {n_model}; {p}"
    b.check_pulses()
    assert b.n_strobes > 0, "no swacc strobe seen"
    b.check()


# ------------------------------------------------------------ concurrent traffic -----------

class EdgeLog:
    """What the DUT performs at each clock edge, from the bus handshakes and inputs as sampled at
    the edge (values before it): the read and the write performed (Wishbone: the request
    accepted, ``cyc && stb && !stall``; AXI-Lite: the read at ``arvalid && arready``, the write at
    the edge after which ``bvalid`` rises, taking the oldest AW and W handshakes), the
    ``hw_*_set`` inputs high, the ``csr_*`` value outputs, and the R and B handshakes."""

    def __init__(self, b: CsrBench):
        self.b, self.edges, self.running = b, [], True
        self.aw, self.w, self.r, self.bresp = [], [], [], []

    async def run(self):
        d, axil = self.b.dut, self.b.p.bus == "axil"

        def v(name):
            return int(getattr(d, name).value)
        while self.running:
            await RisingEdge(d.clk)
            if v("rst"):
                continue
            e = {"read": None, "write": None, "sets": [q for q in self.b.set_ports if v(q)],
                 "out": {n: v(n) for n in self.b.value_ports}}
            if axil:
                if v("s_axil_arvalid") and v("s_axil_arready"):
                    e["read"] = v("s_axil_araddr")
                if v("s_axil_awvalid") and v("s_axil_awready"):
                    self.aw.append(v("s_axil_awaddr"))
                if v("s_axil_wvalid") and v("s_axil_wready"):
                    self.w.append((v("s_axil_wdata"), v("s_axil_wstrb")))
                if v("s_axil_rvalid") and v("s_axil_rready"):
                    self.r.append((v("s_axil_rresp"), v("s_axil_rdata")))
                if v("s_axil_bvalid") and v("s_axil_bready"):
                    self.bresp.append(v("s_axil_bresp"))
                e["bvalid"] = v("s_axil_bvalid")
            elif v("wb_cyc") and v("wb_stb") and not v("wb_stall"):
                if v("wb_we"):
                    e["write"] = (v("wb_adr"), v("wb_dat_w"), v("wb_sel"))
                else:
                    e["read"] = v("wb_adr")
            self.edges.append(e)

    def replay(self, model: CsrModel):
        """The model, edge by edge: a read sees the registers before the edge; a write and a
        ``hw_*_set`` of a field of the written register at the same edge: the write wins
        (SystemRDL ``precedence = sw``, docs/cores/bus/csr.md), the set is lost.  The ``csr_*``
        value outputs are compared at every edge (appended to ``errors``).  Returns the model's
        answers in performance order, [(kind, resp, data)], and how many such races there were
        in which the write cleared bits of the set's field (where a winning set would show)."""
        rm = model.rm
        set_reg = {q.name: q.reg for q in rm.hw_ports() if q.what == "set"}
        set_mask = {q.name: rm.reg(q.reg).field(q.field).mask for q in rm.hw_ports()
                    if q.what == "set"}
        out, races, k = [], 0, 0
        for i, e in enumerate(self.edges):
            want = {n: v for n, v in model.outputs().items() if n in e["out"]}
            if e["out"] != want and len(self.b.errors) < 20:
                self.b.errors.append(f"edge {i}: outputs {e['out']} != model {want}")
            if "bvalid" in e and not e["bvalid"] and i + 1 < len(self.edges) \
                    and self.edges[i + 1]["bvalid"]:
                e["write"] = (self.aw[k], *self.w[k])
                k += 1
            if e["read"] is not None:
                out.append(("read", *model.read(e["read"])))
            written = None
            if e["write"] is not None:
                resp = model.write(*e["write"])
                out.append(("write", resp, 0))
                r = model.decode(e["write"][0])
                written = r.name if r is not None and resp == OKAY else None
            for port in e["sets"]:
                if set_reg[port] == written:
                    _, data, strb = e["write"]
                    races += bool(data & strb_mask(strb) & set_mask[port])
                else:
                    model.hw_set(port)
        return out, races


async def drive_sets(b: CsrBench, log: EdgeLog, rng: random.Random, prob: float):
    """Every cycle each ``hw_*_set`` input high with probability ``prob``, until the log stops."""
    while log.running:
        for q in b.set_ports:
            getattr(b.dut, q).value = int(rng.random() < prob)
        await RisingEdge(b.dut.clk)


def _axil_issue(m, op: WbOp):
    """Start one AXI-Lite access on cocotbext-axi's AxiLiteMaster without waiting for it: reads
    and writes go through independent queues, several outstanding on each."""
    if op.dat is None:
        return m.init_read(op.adr & ~3, 4)
    return m.init_write(*axil_bytes(op.adr, op.dat, op.sel))


@cocotb.test(timeout_time=100, timeout_unit="us")
@cocotb.parametrize(pattern=[None, "random"])
async def concurrent_traffic(dut, pattern):
    """Many accesses in flight at once -- Wishbone: back-to-back pipelined requests; AXI-Lite:
    every access issued at once through AxiLiteMaster (reads and writes interleave, several
    outstanding per channel, independent back-pressure on all five channels) -- while the
    ``hw_*_set`` inputs fire at random, often in the same cycle as a write to their register.
    Every response against the model replayed edge by edge (:class:`EdgeLog`)."""
    b = await CsrBench.start(dut, pattern, kind="concurrent")
    p = b.p
    rm, rng = b.model.rm, b.random
    b.randomise_status()
    set_regs = sorted({rm.reg(q.reg).offset for q in rm.hw_ports() if q.what == "set"})
    addrs = [r.offset for r in rm.regs] + b.unmapped_sample(4)

    def op():
        if set_regs and rng.random() < 0.5:   # w1c registers, often clearing every bit
            a, ones = rng.choice(set_regs), rng.random() < 0.5
            return WbOp(a, 0xFFFFFFFF if ones else rng.getrandbits(32), 0xF if ones else b.strb())
        return WbOp(rng.choice(addrs), rng.getrandbits(32), b.strb())
    # 120 accesses, sets high half the cycles: ~15 all-ones writes to a set register, so a
    # configuration without a race (asserted below) is about a one-in-a-million draw
    ops = [op() if rng.random() < 0.5 else WbOp(rng.choice(set_regs + addrs)) for _ in range(120)]
    log = EdgeLog(b)
    cocotb.start_soon(log.run())
    cocotb.start_soon(drive_sets(b, log, random.Random(f"{b.seed}:sets"), 0.5))
    if p.bus == "wishbone":
        got = await b.bus.batch(ops)          # [(OKAY or ERR, data)] in request order
        assert len(got) == len(ops), f"{len(got)} of {len(ops)} responses; {b.bus.m.errors[:3]}"
    else:
        for ev in [_axil_issue(b.bus.m, op) for op in ops]:
            await ev.wait()
    log.running = False
    await ClockCycles(dut.clk, 4)
    for q in b.set_ports:
        getattr(dut, q).value = 0
    await ClockCycles(dut.clk, 2)
    want, races = log.replay(b.model)
    if p.bus == "wishbone":
        got_w = [(w[0], g[0], g[1] if w[0] == "read" else 0) for g, w in zip(got, want)]
    else:
        reads, writes = iter(log.r), iter(log.bresp)
        got_w = [("read", *next(reads)) if w[0] == "read" else ("write", next(writes), 0)
                 for w in want]
        assert (len(log.r), len(log.bresp)) == (sum(op.dat is None for op in ops),
                                                sum(op.dat is not None for op in ops))
    assert len(want) == len(ops), f"{len(want)} accesses performed, {len(ops)} issued; {p}"
    data = expected([d for _, _, d in want], b.seed)
    want = [(k, _norm(p, r), d) for (k, r, _), d in zip(want, data)]
    for i, (g, w) in enumerate(zip(got_w, want)):
        assert g == w, f"access {i} (in performance order): rtl {g} != model {w}; {p}"
    assert races > 0 or not b.set_ports, "no hw_*_set in the same cycle as a write clearing it"
    await b.check_outputs("after concurrent traffic")
    for r in rm.regs:
        await b.read(r.offset, f"{r.name} after concurrent traffic")
    await ClockCycles(dut.clk, 3)
    b.check_pulses()
    b.check()


class _LaneZeroBlind(CsrModel):
    """Mutated model: ignores byte lane 0 of every write."""

    def write(self, addr, data, strb=0xF):
        return super().write(addr, data, strb & 0xE)


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    b = await CsrBench.start(dut, kind="ext", model_cls=_LaneZeroBlind)
    await _suite(b)


class _SwaccLate(CsrModel):
    """Mutated model: the swacc strobe one cycle after the read (registered, as swmod's pulse
    is) -- the per-port counts still agree, only the per-cycle comparison can catch it."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._prev = None

    def strobes(self, access):
        now = super().strobes(access)
        prev, self._prev = self._prev, now
        return prev if prev is not None else dict.fromkeys(now, 0)


@cocotb.test(expect_fail=True)
async def swacc_must_fail(dut):
    """Every map of the suite has a swacc field (random maps get one if none was drawn)."""
    b = await CsrBench.start(dut, kind="ext", model_cls=_SwaccLate)
    assert b.swacc_ports, "map without swacc fields: the mutation cannot show"
    await _suite(b)


# ---------------------------------------------------------------- pytest side ---------------

def random_rdl(rng: random.Random, name: str = "rmap") -> str:
    """A small random register map in the supported subset; register 0 always has an RW field
    at bit 0 (the lane-0 must-fail mutation needs one); half the status fields get ``swacc``,
    and a map that drew none gets one more register with a swacc status field (the swacc
    must-fail mutation needs one)."""
    n = rng.randint(1, 7)
    offsets = sorted(rng.sample(range(0, 20), n))
    lines = [f"addrmap {name} {{", f'    name = "random map";']
    for i, off in enumerate(offsets):
        fields, cur, j = [], 0, 0
        if i == 0:
            fields.append(f"field {{ sw = rw; hw = r; }} f0[{rng.choice([0, 3, 7])}:0] = "
                          f"{rng.randrange(2)};")
            cur, j = 8, 1
        while cur < 32 and (not fields or rng.random() < 0.7):
            lsb = cur + rng.choice([0, 0, 1, 3])
            kind = rng.choice(["rw", "rwna", "w", "status", "const", "pulse", "w1c", "swmod"])
            width = 1 if kind == "pulse" else rng.choice([1, 1, 2, 4, 8, 13, 32])
            if lsb + width > 32:
                if fields:
                    break
                lsb, width = 0, rng.choice([1, 8, 32])
            msb = lsb + width - 1
            reset = rng.getrandbits(width)
            body = {"rw": f"sw = rw; hw = r;", "rwna": "sw = rw; hw = na;",
                    "w": "sw = w; hw = r;",
                    "status": "sw = r; hw = w;" + (" swacc;" if rng.random() < 0.5 else ""),
                    "const": "sw = r; hw = na;", "pulse": "sw = w; hw = r; singlepulse;",
                    "w1c": f"sw = rw; hw = {rng.choice(['r', 'na'])}; onwrite = woclr; hwset;",
                    "swmod": "sw = rw; hw = r; swmod;"}[kind]
            rst = "" if kind == "status" else f" = {0 if kind == 'pulse' else reset:#x}"
            fields.append(f"field {{ {body} }} f{j}[{msb}:{lsb}]{rst};")
            cur, j = msb + 1, j + 1
        lines.append("    reg { " + " ".join(fields) + f" }} R{i} @ {off * 4:#x};")
    if not any("swacc" in ln for ln in lines):
        off = rng.choice(sorted(set(range(0, 20)) - set(offsets)))
        lsb = rng.choice([0, 0, 4])
        msb = lsb + rng.choice([1, 8, 16, 28]) - 1
        lines.append(f"    reg {{ field {{ sw = r; hw = w; swacc; }} f0[{msb}:{lsb}]; }} "
                     f"R{n} @ {off * 4:#x};")
    lines.append("};")
    return "\n".join(lines) + "\n"


def _config(i: int, seed: int, tmp_path) -> CsrParams:
    rng = random.Random(seed)
    bus = ["wishbone", "axil"][i % 2]
    if i < 2:
        return CsrParams(bus=bus, addr_width=rng.choice([None, 8, 12]))
    f = tmp_path / f"random_{i}.rdl"
    f.write_text(random_rdl(rng))
    print(f"[rdl] {f}:\n{f.read_text()}")
    return CsrParams(rdl=str(f), bus=bus, addr_width=rng.choice([None, None, 7, 10]))


@pytest.mark.parametrize("i", range(5))
def test_csr(i, seed, tmp_path):
    """Config 0/1: the example SoC map on Wishbone/AXI-Lite; 2..4: random maps, either bus."""
    check_core("bus.csr", seed, tmp_path, p=_config(i, seed, tmp_path))


#: The planted bugs of issue 12 that the suite once missed, as edits of the converted Verilog
#: (regex, replacement): each must fail concurrent_traffic on the example map over AXI-Lite
#: (in the runs whose must_fail rotation has bus.csr; make regress: always).
CONCURRENT = "concurrent_traffic/pattern=random"
PLANTED = {
    # a hw_*_set beats a same-cycle software write to its w1c field (the write must win)
    "hwset_beats_w1c": ([(r"if \(\((\w+_sel) && (\w+_wr)\)\) begin(\s+\w+_fld_w1c0_q <= [^\n]+"
                          r"\s+end\s+else if \((hw_\w+_set)\))",
                          r"if (((\1 && \2)) && !\4) begin\3")], CONCURRENT),
    # arready ignores rvalid: a read accepted while the previous response waits is lost
    "arready_ignores_rvalid": ([(r"(assign s_axil_arready = \()\(!rvalid\) && ", r"\1")],
                               CONCURRENT),
}
test_planted_bug_is_caught = planted_bug_test("bus.csr", PLANTED, params=CsrParams(bus="axil"))


def test_csr_verilator(seed, tmp_path):
    check_core("bus.csr", seed, tmp_path, p=_config(seed % 2, seed, tmp_path), sim="verilator")

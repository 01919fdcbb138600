# SPDX-License-Identifier: Apache-2.0
"""net.snn_soc: the converted SoC vs its register-level model (models/net/snn_soc.py).

The host reaches the DUT the way a user's program does: through ``uart_rx``/``uart_tx`` with
real bit-level 8N1 framing (cocotbext-uart's UartSource/UartSink under the host library's own
``AsyncUartTransport``), or, for host = 'wishbone', through the pipelined Wishbone master of
verif/common/wishbone.py (back-to-back requests, seeded idle gaps; ACK/ERR exclusivity checked).
Every word the host reads is compared with what the model answers for the same access sequence;
after every run the bench also compares the ``irq`` pin.  A program (seeded) covers: the reset
initialisation, INFO/ID, weight loading with fixed-address bursts (including refused values
and a pointer past the memory), weight read-back, SC values, spike injection (including axons
out of range and a full input FIFO), single steps and multi-step runs, spike read-out with
fixed-address bursts that run past the FIFO's end, an output FIFO left to overflow (drops),
clr_cnt, reset_net, interrupts, error responses (unmapped address, read-only register), an
input FIFO flooded (IN_DROPPED past 2^5), every SC_VAL register and SCRATCH written and read
back, and (Wishbone host) SCRATCH bit patterns, writes with byte enables to every plain
register, and TSTEP preloaded past 2^26 by a backdoor deposit (a state no run reaches in a
simulation).
"""
from __future__ import annotations

import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl.models.net import snn_soc as model
from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.soc_host import HostError, ModelPort, SocBench
from neurohdl.verif.common.tb import bad_params_test

BUSY_POLLS = 400


class ProgramBench(SocBench):
    """The SoC bench with its model (``SocModel`` behind ``ModelPort``) and the register map;
    every read word compared with the model's.  ``mutate``: the wrong model (one spike's
    timestep off by one bit).  Ready once STATUS.busy is low after reset."""

    def __init__(self, dut, idle=None, stall=None, *, salt: str, mutate: bool = False):
        self.mutate = mutate
        super().__init__(dut, idle, stall, salt=salt)
        self.m = SocModel(self.p)
        self.mp = ModelPort(self.m)
        self.rm = model.regmap()
        self.A = {r.name: r.offset // 4 for r in self.rm.regs}
        self.k = 0

    async def ready(self):
        await self.wait_idle()

    # ------------------------------------------------------------ accesses ------------------
    async def rd(self, reg: str, n: int = 1, fixed: bool = True, what: str = ""):
        a = self.A[reg]
        want = self.mp.rd(a, n, fixed)
        if self.mutate and reg == "SPIKE_OUT" and any(want):
            i = next(i for i, w in enumerate(want) if w)
            want[i] ^= 1 << 16                     # the wrong model: one spike's tstep
        got = await self.host.rd(a, n, fixed)
        self.k += 1
        compare(got, expected(want, self.seed + self.k), f"read {reg} x{n} {what}",
                f"access {self.k}; {self.ctx}")
        return got

    async def wr(self, reg: str, words, fixed: bool = True, sel: int = 0xF):
        """``sel``: byte enables (the Wishbone host port only; UART writes whole words)."""
        a = self.A[reg]
        self.mp.wr(a, words, fixed, sel)
        await self.host.wr(a, words, fixed, sel)

    async def error_access(self, write: bool, addr: int):
        """An access the map refuses: both the model and the DUT must answer an error."""
        for side in ("model", "dut"):
            try:
                if side == "model":
                    self.mp.wr(addr, [0x5A5A]) if write else self.mp.rd(addr)
                else:
                    await (self.host.wr(addr, [0x5A5A]) if write else self.host.rd(addr))
            except HostError:
                continue
            raise AssertionError(f"{side}: {'write' if write else 'read'} of {addr * 4:#x} "
                                 f"did not answer an error; {self.ctx}")

    async def wait_idle(self):
        """Poll STATUS (DUT only) until busy is low; then one compared read."""
        for _ in range(BUSY_POLLS):
            st = (await self.host.rd(self.A["STATUS"]))[0]
            if not st & 1:
                break
            if self.p.host != "uart":
                await ClockCycles(self.dut.clk, 8)
        else:
            raise AssertionError(f"STATUS.busy stuck high; {self.ctx}")
        await self.rd("STATUS", what="after idle")

    async def check_irq(self):
        await ClockCycles(self.dut.clk, 2)
        got = int(self.dut.irq.value)
        want = expected([self.m.irq], self.seed + 7777 + self.k)[0]
        assert got == want, f"irq pin {got} != model {want}; access {self.k}; {self.ctx}"

    # ------------------------------------------------------------ program pieces ------------
    def random_weights(self) -> list[int]:
        ep = self.m.ep
        lo, hi = -(1 << (ep.w_width - 1)), (1 << (ep.w_width - 1)) - 1
        dens = self.random.choice([0.3, 0.6, 1.0])
        out = []
        for _ in range(self.p.n_axons * self.p.n_neurons):
            if self.random.random() < dens:
                v = self.random.choice([lo, hi, self.random.randint(lo, hi),
                                     self.random.randint(max(lo, -8), min(hi, getattr(ep.cell, "threshold", hi)))])
            else:
                v = 0
            out.append(v & 0xFFFF)
        return out

    async def load_weights(self, bad: bool):
        words = self.random_weights()
        if bad:                                    # values the format cannot hold: refused
            ww = self.m.ep.w_width
            for _ in range(2):
                i = self.random.randrange(len(words))
                words[i] = self.random.choice([(1 << (ww - 1)), (-(1 << (ww - 1)) - 1) & 0xFFFF,
                                            0x7FFF]) if ww < 16 else words[i]
        await self.wr("WADDR", [0])
        await self.wr("WDATA", words)
        await self.rd("WPTR")
        await self.rd("STATUS", what="after weights")
        # read back: the whole memory in fixed-address bursts, plus one word past its end
        await self.wr("WADDR", [0])
        n = len(words) + 1
        await self.rd("WREAD", n)
        # past the memory: writes refused (werr), reads 0
        await self.wr("WDATA", [1])
        await self.rd("STATUS", what="after write past end")

    async def inject(self):
        p, rng = self.p, self.random
        k = rng.choice([0, 1, 3, p.in_depth, p.in_depth + 2])
        axons = [rng.choice([rng.randrange(p.n_axons), rng.randrange(p.n_axons),
                             p.n_axons + rng.randrange(3)]) for _ in range(k)]
        if axons:
            await self.wr("SPIKE_IN", axons)
        await self.rd("LEVELS")
        await self.rd("IN_DROPPED")

    async def timestep(self):
        p, rng = self.p, self.random
        if p.sc_channels and rng.random() < 0.7:
            top = (1 << p.sc_width) - 1
            vals = [rng.choice([0, top, rng.randint(0, top)]) for _ in range(p.sc_channels)]
            await self.wr("SC_VAL_0", vals, fixed=False)
        if rng.random() < 0.5:
            await self.wr("CTRL", [2])                     # step
        else:
            await self.wr("TIMESTEPS", [rng.choice([0, 1, 2, 4])])
            await self.wr("CTRL", [1])                     # run
        await self.wait_idle()
        await self.check_irq()

    async def flood(self):
        """40 axons more than the input FIFO holds: IN_DROPPED counts past 2^5 (a counter bit
        the random rounds, a few drops each, never set)."""
        await self.wr("SPIKE_IN", [self.random.randrange(self.p.n_axons)
                                   for _ in range(self.p.in_depth + 40)])
        await self.rd("LEVELS")
        await self.rd("IN_DROPPED", what="after a flood")

    async def register_sweep(self):
        """SCRATCH (Wishbone host: all ones, all zeros, both alternating patterns, each read
        back -- a random word can leave a bit never 1 where another bit decides it; the UART
        host, ~10^4 cycles an access, skips them: the register file is the same) and the
        whole SC_VAL bank --
        beyond sc_channels too: storage no timestep reads -- written with random words and
        read back."""
        bank = [r for r in self.A if r.startswith("SC_VAL_")]
        patterns = (0xFFFFFFFF, 0, 0xAAAAAAAA, 0x55555555) if self.p.host == "wishbone" else ()
        for word in patterns:                   # each bit 1 and 0, next to both
            await self.wr("SCRATCH", [word])
            await self.rd("SCRATCH", what=f"after writing {word:#010x}")
        await self.wr("SCRATCH", [self.random.getrandbits(32)])
        await self.wr(bank[0], [self.random.getrandbits(16) for _ in bank], fixed=False)
        await self.rd(bank[0], len(bank), fixed=False, what="SC_VAL bank")

    async def byte_lanes(self):
        """Wishbone host port: SCRATCH, TIMESTEPS and every SC_VAL register written with each
        byte lane of its field enabled and not (a byte not enabled keeps its value), each read
        back."""
        if self.p.host != "wishbone":         # the UART bridge writes whole words
            return
        bank = [r for r in self.A if r.startswith("SC_VAL_")]
        for reg in ("SCRATCH", "TIMESTEPS", *bank):
            for sel in (0x1, 0x2) if reg in bank else (0x1, 0x2, 0x4, 0x8, 0x5, 0xA):
                await self.wr(reg, [self.random.getrandbits(32)], sel=sel)
                await self.rd(reg, what=f"after a write with byte enables {sel:#x}")

    async def far_tstep(self):
        """TSTEP past 2^24 and 2^26 (16.7 and 67 million timesteps: no run gets there): the
        timestep counter preloaded by a backdoor deposit while the SoC is idle, the model's
        counter set to the same value, then read back, one step with exactly one event to fan
        out (the input FIFO emptied and the SC lanes silenced first: a change made in every
        fan-out would cancel over an even number), read back again with the spikes' tags.  Wishbone host only: the counter does not depend on
        the host port, and through the UART each access costs ~10^4 cycles."""
        if self.p.host != "wishbone":
            return
        if self.p.sc_channels:                  # no SC lane events: one fan-out below
            await self.wr("SC_VAL_0", [0] * self.p.sc_channels, fixed=False)
        await self.wr("CTRL", [2])              # a step empties the input FIFO
        await self.wait_idle()
        far = (1 << 26) | (1 << 24) | 0xFD          # bits 0, 7, 24 and 26 set
        self.dut.soc_body0_tstep.value = far
        self.m.tstep = far
        await self.rd("TSTEP", what="preloaded")
        await self.wr("SPIKE_IN", [0])
        await self.wr("CTRL", [2])                         # step
        await self.wait_idle()
        await self.rd("TSTEP", what="one step after the preload")
        await self.read_out()

    async def read_out(self):
        lvl = (self.m.out_fifo and len(self.m.out_fifo)) or 0
        n = lvl + self.random.choice([0, 1, 2]) if self.random.random() < 0.8 else \
            max(1, lvl // 2)
        if n:
            await self.rd("SPIKE_OUT", n, what="spikes")
        for r in ("TSTEP", "EVENTS_IN", "EVENTS_OUT", "EVENTS_DROPPED", "LEVELS",
                  "IRQ_STATUS", "STATUS"):
            await self.rd(r)


async def program(b: ProgramBench, rounds: int):
    await b.rd("ID")
    await b.rd("INFO_SIZE", 3, fixed=False, what="info")
    await b.wr("IRQ_ENABLE", [b.random.randrange(4)])
    await b.load_weights(bad=b.random.random() < 0.5)
    for r in range(rounds):
        await b.inject()
        await b.timestep()
        if b.random.random() < 0.75:
            await b.read_out()
        if b.random.random() < 0.2:
            await b.wr("IRQ_STATUS", [3])                   # w1c
            await b.check_irq()
        if b.random.random() < 0.15:
            await b.wr("CTRL", [8])                         # clr_cnt
        if b.random.random() < 0.15:
            await b.wr("CTRL", [16])                        # reset_net
            await b.wait_idle()
    await b.read_out()
    await b.error_access(False, b.random.choice(sorted(set(range(0x60 // 4)) - set(b.A.values()))))
    await b.error_access(True, b.A["ID"])
    await b.flood()
    await b.register_sweep()
    await b.byte_lanes()
    await b.rd("SCRATCH")
    await b.far_tstep()
    m = b.m
    b.dut._log.info(f"program done: {b.k} compared reads, {len(m.spike_log)} spikes emitted, "
                    f"{m.ev_drop} dropped out, {m.in_dropped} dropped in, TSTEP {m.tstep}; "
                    f"{b.ctx}")


@cocotb.test()
async def soc_matches_model(dut):
    """A seeded host program through the real host port; every read word vs the model."""
    b = await ProgramBench.start(dut, salt="program")
    await program(b, rounds=3 if b.p.host == "uart" else 16)


@cocotb.test()
async def host_driver_end_to_end(dut):
    """The host library a user runs against a board (neurohdl.sw.snn_soc.AsyncSnnSoc, through
    AsyncUartTransport on the UART pins, or the Wishbone port) drives the converted SoC; the
    same calls drive the numpy SoC model through the sync SnnSoc facade.  Weights read back,
    spikes per timestep, counters and telemetry are compared; host-side refusals (a weight
    outside the format, an axon out of range) must leave the SoC's weights untouched."""
    from neurohdl import ParamError
    from neurohdl.sw.snn_soc import AsyncSnnSoc, ModelTransport, SnnSoc
    b = await ProgramBench.start(dut, salt="driver")
    p = b.p
    tr, wait = b.transport()
    soc = AsyncSnnSoc(tr, clock=lambda: get_sim_time("ns") * 1e-9, timeout=0.05, poll_wait=wait)
    ref = SnnSoc(ModelTransport(SocModel(p)))
    seed, k = b.seed, [0]

    def check(got, want, what):
        k[0] += 1
        compare(list(got), expected(list(want), seed + 5000 + k[0]), what,
                f"driver call {k[0]}; {b.ctx}")

    info = await soc.info()
    words = lambda i: [i.n_neurons, i.n_axons, i.in_depth, i.out_depth, i.sc_channels,  # noqa
                       i.sc_width, i.w_width, i.neuron, *i.version]
    check(words(info), words(ref.info()), "info")
    rng = np.random.default_rng(b.random.getrandbits(32))
    W = rng.integers(info.w_min, info.w_max + 1, size=(p.n_axons, p.n_neurons))
    W[rng.random(W.shape) < 0.4] = 0
    await soc.load_weights(W)
    ref.load_weights(W)
    check((await soc.read_weights()).reshape(-1), ref.read_weights().reshape(-1), "weights")
    bad = W.copy()
    bad.flat[rng.integers(bad.size)] = info.w_max + 1
    for call in (lambda s: s.load_weights(bad), lambda s: s.inject([p.n_axons])):
        try:
            await call(soc)
        except ParamError:
            pass
        else:
            raise AssertionError(f"bad input not refused; {b.ctx}")
    check((await soc.read_weights()).reshape(-1), W.reshape(-1), "weights after refusals")
    if p.sc_channels:
        vals = [int(v) for v in rng.integers(0, 1 << p.sc_width, size=p.sc_channels)]
        await soc.set_sc_values(vals)
        ref.set_sc_values(vals)
    for t in range(3):
        ax = [int(a) for a in rng.integers(0, p.n_axons, size=min(p.in_depth, 3))]
        await soc.inject(ax)
        ref.inject(ax)
        n = int(rng.integers(1, 3))
        await soc.run(n)
        ref.run(n)
        spikes = [(s.tstep << 16) | s.neuron for s in await soc.read_spikes()]
        check(spikes, [(s.tstep << 16) | s.neuron for s in ref.read_spikes()], f"spikes {t}")
        got_c, want_c = await soc.counters(), ref.counters()
        check(list(got_c.values()), list(want_c.values()), f"counters {t} {list(want_c)}")
        got_t, want_t = await soc.telemetry(), ref.telemetry()
        check(list(got_t.values()), list(want_t.values()), f"telemetry {t} {list(want_t)}")


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same bench against a wrong model (one spike's timestep off by one bit): caught."""
    b = await ProgramBench.start(dut, salt="mutant", mutate=True)
    p = b.p
    ep = b.m.ep
    # a network that surely spikes: axon 0 at the maximum weight to every neuron, injected
    hi = (1 << (ep.w_width - 1)) - 1
    await b.wr("WADDR", [0])
    await b.wr("WDATA", [hi] * p.n_neurons)          # axon 0 -> every neuron
    for _ in range(2):
        await b.wr("SPIKE_IN", [0] * min(2, p.in_depth))
        await b.wr("CTRL", [2])
        await b.wait_idle()
    await b.read_out()


# ---------------------------------------------------------------- pytest side -------------

# five configurations per run: one random SoC driven through the UART pins (bit-level serial,
# ~40 s of simulation; test_snn_soc_uvm drives a second one) and four with the Wishbone host
# port (back-to-back bus accesses, a few seconds each)
@pytest.mark.parametrize("i", range(5))
def test_snn_soc(i, seed, tmp_path):
    p = params_for("net.snn_soc", seed + i, **({"host": "wishbone"} if i >= 1 else {}))
    check_core("net.snn_soc", seed + i, tmp_path, p=p)


def test_snn_soc_verilator(seed, tmp_path):
    check_core("net.snn_soc", seed, tmp_path, sim="verilator")


def test_snn_soc_model_counters_invariant():
    """EVENTS_IN = EVENTS_OUT + EVENTS_DROPPED through an overflowing output FIFO, and the
    spikes the model emits equal neuron.engine's model fed the fan-out by hand."""
    from neurohdl.models.neuron import engine as eng
    p = SnnSocParams(n_neurons=6, n_axons=3, out_depth=4, sc_channels=0,
                     engine={"cell": {"threshold": 20, "leak_shift": 3}})
    m = SocModel(p)
    rng = np.random.default_rng(5)
    W = rng.integers(-4, 30, size=(3, 6))
    m.weights[:] = W.reshape(-1)
    st = eng.init(m.ep)
    for t in range(6):
        axons = [int(a) for a in rng.integers(0, 3, size=3)]
        for a in axons:
            m.push(a)
        got = m.timestep()
        events = [(n, int(W[a, n])) for a in axons for n in range(6) if W[a, n]]
        st, want, _ = eng.step(m.ep, st, events)
        assert got == [int(x) for x in want]
        assert m.ev_in == m.ev_out + m.ev_drop
    assert m.ev_drop > 0 and len(m.out_fifo) == p.out_depth


def test_snn_soc_model_refuses_bad_weights_and_axons():
    p = SnnSocParams(n_neurons=2, n_axons=2, sc_channels=0, engine={"w_width": 4})
    m = SocModel(p)
    A = {r.name: r.offset for r in model.regmap().regs}
    m.write32(A["WADDR"], 0)
    m.write32(A["WDATA"], 8)                  # 4-bit signed: 8 does not fit
    assert m.werr and m.ptr == 0 and not m.weights.any()
    m.write32(A["WDATA"], 0xFFF8)             # -8 fits
    assert m.weights[0] == -8 and m.ptr == 1
    m.write32(A["SPIKE_IN"], 2)               # axon 2 of 2: dropped, flagged
    assert m.axon_err and m.in_dropped == 1 and not m.in_fifo


test_snn_soc_bad_params_raise = bad_params_test(SnnSocParams, [
    ({"in_depth": 48}, ["in_depth", "power of two"]),
    ({"engine": {"n": 4}}, ["SnnSocParams.engine.n = 4", "n_neurons (bound to it)"]),
    ({"engine": {"cell": {"threshold": 0}}}, ["SnnSocParams.engine.cell.threshold = 0"]),
    ({"engine": {"neuron": "lif", "w_width": 17, "in_width": 20}},
     ["SnnSocParams.engine.w_width = 17", "2..16"]),
    ({"engine": {"neuron": "cuba_lif", "cell": {"du": 5000}}},
     ["SnnSocParams.engine.cell.du = 5000", "0..4095"]),
    ({"n_axons": 2, "sc_channels": 3}, ["sc_channels"]),
    ({"baud": 3_000_000}, ["baud"]),
    ({"engine": "bogus"}, ["SnnSocParams.engine = 'bogus'", "an EngineParams or a mapping"]),
])

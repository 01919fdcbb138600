# SPDX-License-Identifier: Apache-2.0
"""Plain-cocotb Wishbone B4 *pipelined* bus functional models: a master (the CSR suite's) and a
slave with a word memory (the UART bridge's).

Plain-cocotb Wishbone B4 *pipelined* master with a built-in protocol check.

cocotbext-wishbone (2.0.1, works with cocotb 2.1) is the independent BFM of the CSR suite, but it
lowers ``stb`` after every request and waits for its acknowledge, so it never has more than one
request in flight.  This master issues requests back to back (seeded idle gaps in between),
honours ``stall``, matches responses to requests in order and records protocol errors:

* ACK and ERR (and RTY, when present) high in the same cycle;
* a response with no request outstanding;
* no response within ``timeout`` cycles.

    wb = WishboneMaster(dut, dut.clk, prefix="wb", idle=pauses("random", seed))
    res = await wb.transact([WbOp(0x4, 0x1), WbOp(0x8)])     # write then read
    res[1].ok, res[1].data
    assert not wb.errors

Signal names are ``<prefix>_<cyc|stb|we|adr|dat_w|sel|dat_r|ack|err|stall>`` (``sel``, ``err``,
``stall`` optional).  Sampling follows cocotbext-axi: inputs are read right after the rising
edge (the values the slave's flops saw), outputs are driven for the next cycle.

-------------------- slave --------------------

Plain-cocotb Wishbone B4 *pipelined* slave with a word memory, random stall and response
latency, ERR on configured addresses, a transfer log and protocol checks.

Semantics (what the slave implements and the checks assume):

- a request is accepted at a rising edge with ``cyc && stb && !stall``; requests are answered
  in order, one response (``ack`` or ``err``) per cycle, at least one cycle after acceptance;
- a transfer completes at the edge where the slave's ``ack``/``err`` is seen with ``cyc`` high;
  a write changes the memory only then, and only with ``ack`` (``err`` changes nothing and
  reads 0);
- ``cyc`` low abandons every outstanding request (allowed only after an ``err``, else a
  protocol error), and a response driven while ``cyc`` is low completes nothing;
- checks: ``stb`` only with ``cyc``; a stalled request holds ``adr``/``we``/``dat_w``; no
  undefined (X/Z) values on ``cyc``/``stb``, with ``stb`` on ``adr``/``we``, and on ``dat_w`` in a write.

(cocotbext-wishbone's ``WishboneSlave`` answers from data generators, not an addressed memory,
has no address-dependent ERR and waits for each response before looking at the next request,
so it cannot model this; see docs/cores/bus/uart_bridge.md.)
"""
from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge


@dataclass
class WbOp:
    adr: int
    dat: int | None = None      # None: read
    sel: int = 0xF


@dataclass
class WbRes:
    ok: bool                    # ACK (True) or ERR (False)
    data: int                   # dat_r sampled with the response
    op: WbOp


class WishboneMaster:
    def __init__(self, dut, clk, prefix: str = "wb", idle=None, timeout: int = 200):
        self.clk, self.idle, self.timeout = clk, idle, timeout
        g = lambda n: getattr(dut, f"{prefix}_{n}", None)  # noqa: E731
        self.cyc, self.stb, self.we, self.adr = g("cyc"), g("stb"), g("we"), g("adr")
        self.dat_w, self.sel, self.dat_r, self.ack = g("dat_w"), g("sel"), g("dat_r"), g("ack")
        self.err, self.stall, self.rty = g("err"), g("stall"), g("rty")
        self.errors: list[str] = []
        self.cycles = 0
        for s in (self.cyc, self.stb, self.we):
            s.value = 0

    def _idle(self) -> bool:
        return bool(next(self.idle)) if self.idle is not None else False

    def _drive(self, op: WbOp | None):
        if op is None:
            self.stb.value = 0
            return
        self.stb.value = 1
        self.adr.value = op.adr
        self.we.value = int(op.dat is not None)
        self.dat_w.value = op.dat or 0
        if self.sel is not None:
            self.sel.value = op.sel

    async def transact(self, ops: list[WbOp]) -> list[WbRes]:
        results: list[WbRes] = []
        issued, waiting = 0, []
        quiet = 0
        self.cyc.value = 1
        cur = ops[0] if ops and not self._idle() else None
        self._drive(cur)
        while len(results) < len(ops):
            await RisingEdge(self.clk)
            self.cycles += 1
            stalled = self.stall is not None and int(self.stall.value)
            if cur is not None and not stalled:
                waiting.append(cur)
                issued += 1
            ack = int(self.ack.value)
            err = int(self.err.value) if self.err is not None else 0
            rty = int(self.rty.value) if self.rty is not None else 0
            if ack + err + rty > 1:
                self.errors.append(f"cycle {self.cycles}: ack={ack} err={err} rty={rty} together")
            if ack or err or rty:
                quiet = 0
                if not waiting:
                    self.errors.append(f"cycle {self.cycles}: response with no request outstanding")
                else:
                    op = waiting.pop(0)
                    results.append(WbRes(bool(ack) and not err, int(self.dat_r.value), op))
            elif waiting:
                quiet += 1
                if quiet > self.timeout:
                    self.errors.append(f"no response for {self.timeout} cycles")
                    break
            if cur is None or not stalled:
                cur = ops[issued] if issued < len(ops) and not self._idle() else None
            self._drive(cur)
        self.stb.value = 0
        self.cyc.value = 0
        return results

    async def read(self, adr: int) -> WbRes:
        return (await self.transact([WbOp(adr)]))[0]

    async def write(self, adr: int, dat: int, sel: int = 0xF) -> WbRes:
        return (await self.transact([WbOp(adr, dat, sel)]))[0]


def ack_err_rule(dut, prefix: str):
    """An edge rule (verif/bus/bench.py ``PortBench.rule``): ``<prefix>_ack`` and
    ``<prefix>_err`` are known (not X/Z) and never high together."""
    ack, err = getattr(dut, f"{prefix}_ack"), getattr(dut, f"{prefix}_err")

    def check(n: int) -> list[str]:
        if not (ack.value.is_resolvable and err.value.is_resolvable):
            return [f"cycle {n}: {prefix}_ack={ack.value} {prefix}_err={err.value} unknown"]
        if int(ack.value) and int(err.value):
            return [f"cycle {n}: {prefix}_ack and {prefix}_err both high"]
        return []
    return check


# ------------------------------ slave ------------------------------

@dataclass
class Transfer:
    we: bool
    addr: int
    data: int       # write data, or the read data returned
    err: bool


class WishboneSlave:
    def __init__(self, dut, prefix: str, clk, *, mem=None, err_addrs=(), seed: int = 0,
                 stall_prob: float = 0.0, max_latency: int = 0):
        self.sig = {n: getattr(dut, f"{prefix}_{n}") for n in
                    ("cyc", "stb", "we", "adr", "dat_w", "dat_r", "ack", "err", "stall")}
        self.clk = clk
        self.mem = dict(mem or {})
        self.err_addrs = set(err_addrs)
        self.rng = random.Random(seed)
        self.stall_prob = stall_prob
        self.max_latency = max_latency
        self.log: list[Transfer] = []
        self.abandoned = 0
        self.errors: list[str] = []
        for n in ("ack", "err", "stall"):
            self.sig[n].value = 0
        self.sig["dat_r"].value = 0
        self._task = cocotb.start_soon(self._run())

    def take_log(self) -> list[Transfer]:
        out, self.log = self.log, []
        return out

    def _val(self, name):
        v = self.sig[name].value
        if not v.is_resolvable:
            self.errors.append(f"wb_{name} = {v} (undefined)")
            return 0
        return int(v)

    async def _run(self):
        s = self.sig
        pending: deque = deque()
        cycle = 0
        drive = (0, 0, 0, 0)             # ack, err, dat_r, stall for the current cycle
        held = None                      # a stalled request, to check it is held
        burst_err = False
        awake = False
        while True:
            if not awake:
                await RisingEdge(self.clk)
                cycle += 1
                ack, err, dat_r, stall = drive
                s["ack"].value, s["err"].value, s["dat_r"].value, s["stall"].value = \
                    ack, err, dat_r, stall
                await ReadOnly()
            awake = False
            cyc, stb = self._val("cyc"), self._val("stb")
            if stb and not cyc:
                self.errors.append(f"cycle {cycle}: wb_stb without wb_cyc")
            req = None
            if stb:                      # dat_w is don't-care (may be X) in a read
                we = self._val("we")
                req = (we, self._val("adr"), self._val("dat_w") if we else 0)
            if held is not None and cyc and req != held:
                self.errors.append(f"cycle {cycle}: stalled request {held} changed to {req}")
            held = req if (cyc and stb and stall) else None
            if not cyc:
                if pending and not burst_err:
                    self.errors.append(f"cycle {cycle}: wb_cyc dropped with {len(pending)} "
                                       "requests outstanding and no wb_err")
                self.abandoned += len(pending)
                pending.clear()
                burst_err = False
            else:
                if ack or err:           # completes at the next edge
                    if not pending:
                        self.errors.append(f"cycle {cycle}: response without a request")
                    else:
                        we, adr, wd, _ = pending.popleft()
                        if err:
                            self.log.append(Transfer(bool(we), adr, wd if we else 0, True))
                            burst_err = True
                        else:
                            if we:
                                self.mem[adr] = wd
                            self.log.append(Transfer(bool(we), adr, wd if we else dat_r, False))
                if stb and not stall:
                    pending.append((*req, cycle + 1 + self.rng.randint(0, self.max_latency)))
            # the next cycle's outputs
            ack = err = dat_r = 0
            if cyc and pending and pending[0][3] <= cycle + 1:
                we, adr, wd, _ = pending[0]
                if adr in self.err_addrs:
                    err = 1
                else:
                    ack = 1
                    dat_r = 0 if we else self.mem.get(adr, 0)
            stall = int(self.rng.random() < self.stall_prob)
            drive = (ack, err, dat_r, stall)
            if not cyc and not pending:
                # Idle: drive the quiet outputs, then sleep until the master opens a cycle
                # (per-clock coroutines dominate simulation time otherwise).
                await RisingEdge(self.clk)
                cycle += 1
                s["ack"].value, s["err"].value, s["dat_r"].value, s["stall"].value = drive
                await ReadOnly()
                if not self._val("cyc"):
                    await RisingEdge(s["cyc"])
                    await ReadOnly()
                    cycle += 2
                ack, err, dat_r, stall = drive
                awake = True


__all__ = ["WishboneMaster", "WbOp", "WbRes", "ack_err_rule", "WishboneSlave", "Transfer"]

"""Plain-cocotb Wishbone B4 *pipelined* slave with a word memory, random stall and response
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

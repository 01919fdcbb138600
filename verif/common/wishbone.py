"""Plain-cocotb Wishbone B4 *pipelined* master with a built-in protocol check.

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
"""
from __future__ import annotations

from dataclasses import dataclass

from cocotb.triggers import RisingEdge


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


async def check_ack_err_exclusive(dut, prefix: str, errors: list) -> None:
    """Every cycle out of reset: ``<prefix>_ack`` and ``<prefix>_err`` are known (not X/Z) and
    never high together."""
    ack, err = getattr(dut, f"{prefix}_ack"), getattr(dut, f"{prefix}_err")
    n = 0
    while True:
        await RisingEdge(dut.clk)
        n += 1
        if str(dut.rst.value) != "0":
            continue
        if not (ack.value.is_resolvable and err.value.is_resolvable):
            errors.append(f"cycle {n}: {prefix}_ack={ack.value} {prefix}_err={err.value} unknown")
        elif int(ack.value) and int(err.value):
            errors.append(f"cycle {n}: {prefix}_ack and {prefix}_err both high")


__all__ = ["WishboneMaster", "WbOp", "WbRes", "check_ack_err_exclusive"]

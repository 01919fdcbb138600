# SPDX-License-Identifier: Apache-2.0
"""Host-side bus functional models of the SNN SoC (net.snn_soc), shared by its direct cocotb
tests (verif/net/test_snn_soc.py) and its pyuvm environment: word-burst ports
``rd(word_addr, n, fixed)`` / ``wr(word_addr, words, fixed)`` over

* :class:`UartHost` -- the UART pins, real 8N1 bit framing by cocotbext-uart's UartSource /
  UartSink under the host library's own ``AsyncUartTransport`` (neurohdl.sw.uart_protocol);
* :class:`WbHost` -- the top-level Wishbone slave (host = 'wishbone'), through the pipelined
  master of verif/common/wishbone.py (back-to-back requests, seeded idle gaps);
* :class:`ModelPort` -- the same accesses on the numpy SoC model (models/net/snn_soc.py).

An access the SoC answers with an error raises :class:`HostError` (a
:class:`neurohdl.errors.BusError`) on every port.  :class:`WbAsyncTransport` gives the Wishbone
port the ``read``/``write`` interface of ``neurohdl.sw.snn_soc.AsyncSnnSoc``.

:class:`SocBench` is the shared testbench on the SoC (verif/bus/bench.py ``PortBench``: clock,
reset, Params, seeds) with the host port of its build (:func:`host_port`) and that port as an
AsyncSnnSoc transport (``SocBench.transport()``, what ``neurohdl.sw.rtl_transport`` runs a
user's host program on); the direct tests, the pyuvm environment and the host programs all
start from it.
"""
from __future__ import annotations

import logging
import random

from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl.errors import BusError
from neurohdl.models.bus.csr import OKAY
from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.verif.bus.bench import PortBench

CLK_NS = 10


class HostError(BusError):
    """An access the SoC answered with an error (UART NACK BUS_ERR / Wishbone ERR)."""


class UartHost:
    """Word-burst port over the UART pins: neurohdl.sw.uart_protocol.AsyncUartTransport (the
    host library's own framing code) on cocotbext-uart BFMs."""

    def __init__(self, dut, p: SnnSocParams):
        from cocotbext.uart import UartSink, UartSource

        from neurohdl.rtl.net.snn_soc import bridge_params
        from neurohdl.sw.uart_protocol import AsyncUartTransport
        bp = bridge_params(p)
        self.bit_ns = bp.divisor * CLK_NS
        baud = 1e9 / (self.bit_ns + 1e-3)
        self.src = UartSource(dut.uart_rx, baud=baud)
        self.sink = UartSink(dut.uart_tx, baud=baud)
        for bfm in (self.src, self.sink):       # one log line per byte slows the run
            bfm.log.setLevel(logging.WARNING)
        self.t = AsyncUartTransport(bp, self)

    # the async byte pipe of AsyncUartTransport
    async def write(self, data: bytes):
        await self.src.write(bytes(data))
        await self.src.wait()

    def reset_input_buffer(self) -> None:
        """pyserial's call, made by the transport before each request. The bridge's answers are
        read whole, so a byte waiting here was sent unasked: a failure, never dropped silently
        (without this call the transport would drain the line after every bus error, waiting
        out a read timeout of simulated time each time)."""
        if not self.sink.empty():
            stale = bytes(self.sink.read_nowait())
            raise AssertionError(f"UART: {len(stale)} byte(s) sent by the SoC unasked, waiting "
                                 f"before a request: {stale.hex()}")

    async def read(self, n: int) -> bytes:
        got = bytearray()
        end = get_sim_time("ns") + (n + 8) * 12 * self.bit_ns + 2_000_000
        while len(got) < n and get_sim_time("ns") < end:
            if self.sink.empty():
                await self.sink.wait(20 * self.bit_ns, "ns")
            while len(got) < n and not self.sink.empty():
                got += self.sink.read_nowait(1)
        return bytes(got)

    async def rd(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        from neurohdl.sw.uart_protocol import BusError
        try:
            return await self.t.read(addr, n, fixed)
        except BusError as e:
            raise HostError(str(e)) from None

    async def wr(self, addr: int, words, fixed: bool = False, sel: int = 0xF) -> None:
        """Whole words only (``sel`` 0xF): the bridge's protocol has no byte enables."""
        from neurohdl.sw.uart_protocol import BusError
        assert sel == 0xF, f"UART host: byte enables {sel:#x} (the protocol writes whole words)"
        try:
            await self.t.write(addr, list(words), fixed)
        except BusError as e:
            raise HostError(str(e)) from None


class WbHost:
    """Word-burst port over the top-level Wishbone slave (host = 'wishbone')."""

    def __init__(self, dut, rng: random.Random):
        from neurohdl.verif.common.stream import pauses
        from neurohdl.verif.common.wishbone import WishboneMaster
        self.wb = WishboneMaster(dut, dut.clk, prefix="wb",
                                 idle=pauses("random", rng.getrandbits(32), "wb"))

    async def _go(self, ops):
        res = await self.wb.transact(ops)
        assert not self.wb.errors, self.wb.errors[:3]
        bad = [r for r in res if not r.ok]
        if bad:
            raise HostError(f"ERR at {bad[0].op.adr:#x}")
        return [r.data for r in res]

    async def rd(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        from neurohdl.verif.common.wishbone import WbOp
        return await self._go([WbOp(4 * (addr + (0 if fixed else i))) for i in range(n)])

    async def wr(self, addr: int, words, fixed: bool = False, sel: int = 0xF) -> None:
        """``sel``: the byte enables of every word."""
        from neurohdl.verif.common.wishbone import WbOp
        await self._go([WbOp(4 * (addr + (0 if fixed else i)), int(w), sel)
                        for i, w in enumerate(words)])


class ModelPort:
    """The same word-burst accesses on the model; an error response raises HostError."""

    def __init__(self, m: SocModel):
        self.m = m

    def rd(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        out = []
        for i in range(n):
            resp, d = self.m.read32(4 * (addr + (0 if fixed else i)))
            if resp != OKAY:
                raise HostError(f"model resp {resp}")
            out.append(d)
        return out

    def wr(self, addr: int, words, fixed: bool = False, sel: int = 0xF) -> None:
        for i, w in enumerate(words):
            if self.m.write32(4 * (addr + (0 if fixed else i)), int(w), sel) != OKAY:
                raise HostError("model error")


class WbAsyncTransport:
    """AsyncSnnSoc's word-burst interface over the Wishbone host port."""

    def __init__(self, host: WbHost):
        self.h = host

    async def read(self, addr, n=1, fixed=False):
        return await self.h.rd(addr, n, fixed)

    async def write(self, addr, words, fixed=False):
        await self.h.wr(addr, words, fixed)


def host_port(dut, p: SnnSocParams, rng: random.Random):
    """The word-burst port on the SoC's host port (``p.host``): :class:`UartHost` (the UART
    line idled high first) or :class:`WbHost` (idle gaps seeded from ``rng``).  Build it before
    reset (the BFMs must see it)."""
    if p.host == "uart":
        dut.uart_rx.value = 1
        return UartHost(dut, p)
    return WbHost(dut, rng)


class SocBench(PortBench):
    """The shared bench (verif/bus/bench.py) on the SoC: Params ``SnnSocParams``, the host
    port ``host`` (:func:`host_port`, seeded from ``random``) built before reset."""

    def __init__(self, dut, idle=None, stall=None, **kw):
        super().__init__(dut, idle, stall, params=SnnSocParams, **kw)

    def setup(self):
        self.host = host_port(self.dut, self.p, self.random)

    def transport(self):
        """AsyncSnnSoc's word-burst transport on the host port and the ``poll_wait`` that
        suits it: none on the UART pins (every poll takes a frame's time), a few clock cycles
        between polls on the Wishbone slave."""
        if self.p.host == "uart":
            return self.host.t, None

        async def tick():
            await ClockCycles(self.dut.clk, 4)
        return WbAsyncTransport(self.host), tick

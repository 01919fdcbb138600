# SPDX-License-Identifier: Apache-2.0
"""The shared testbench (:class:`neurohdl.verif.common.tb.Bench`) for a core whose host side is
a bus or serial pins rather than AXI-Streams: bus.csr (Wishbone / AXI-Lite slave),
bus.uart_bridge (UART pins + Wishbone master port) and net.snn_soc (UART pins or Wishbone slave;
its direct tests, its pyuvm environment and the host programs of ``neurohdl.sw.rtl_transport``).

From ``Bench`` it takes the Params of the run (``NEUROHDL_PARAMS``), the run seed, the clock,
the reset, ``tb.errors`` and a checked source/sink for any ``s_*``/``m_*`` stream port (none of
these cores has one; the stream watcher then does not run, see :meth:`PortBench._watch`).
:class:`PortBench` adds what a bus port needs:

* ``setup()`` (a subclass's): before the clock starts and reset -- drive the idle levels of
  the input pins (no X/Z into the DUT), build the bus BFMs (cocotbext-axi, cocotbext-uart, the
  Wishbone BFMs of verif/common/wishbone.py), which must see the reset;
* ``tb.random``: the test's stimulus generator, ``tb.rng(salt)`` of the run seed;
* edge rules (:meth:`PortBench.rule`): bus-protocol checks evaluated at every rising edge
  outside reset on the values before the edge (what the DUT's flops see) by one watcher, their
  violations collected in ``tb.errors`` (``tb.check()``);
* ``begin()``: clock, watchers, reset, ``settle`` idle edges, then the subclass's ``ready()``
  (e.g. wait for the SoC's initialisation) -- what ``await PortBench.start(dut, ...)`` runs
  after construction; a pyuvm test constructs the bench in its build phase and calls
  ``begin()`` in its run phase.

Usage (verif/bus/test_csr.py)::

    class CsrBench(PortBench):
        def setup(self):
            ...                              # idle levels, bus adapter, model
            self.rule(ack_err_rule(self.dut, "wb"))

    b = await CsrBench.start(dut, pattern, pattern, params=CsrParams, salt="ext:random")
"""
from __future__ import annotations

from typing import Callable, Iterable

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from neurohdl.verif.common.stream import reset
from neurohdl.verif.common.tb import CLOCK_NS, Bench

#: at most this many rule violations are kept (the first ones tell the story)
MAX_ERRORS = 20

#: an edge rule: called with the edge number, returns the violations seen at that edge
Rule = Callable[[int], Iterable[str]]


class PortBench(Bench):
    """:class:`Bench` for a core with bus or pin ports: ``setup()`` before reset, edge rules,
    ``settle`` edges and ``ready()`` after reset.  Extra keyword: ``salt`` (of ``tb.random``)."""

    settle = 2          # idle edges between the end of reset and the test

    def __init__(self, dut, idle=None, stall=None, *, salt: str = "", **kw):
        super().__init__(dut, idle, stall, **kw)
        self.random = self.rng(salt)
        self.ctx = f"{self.p} seed={self.seed}"
        self.edge = 0
        self._rules: list[Rule] = []
        self.setup()

    def setup(self) -> None:
        """Before the clock and the reset: idle pin levels, BFMs, rules (a subclass's)."""

    async def ready(self) -> None:
        """After reset and ``settle`` edges (a subclass's), e.g. wait until the core is idle."""

    def rule(self, check: Rule) -> None:
        """Evaluate ``check(edge)`` at every rising edge outside reset; what it returns are
        violations (appended to ``errors``)."""
        self._rules.append(check)

    @classmethod
    async def start(cls, dut, idle=None, stall=None, **kw) -> "PortBench":
        tb = cls(dut, idle, stall, **kw)
        await tb.begin()
        return tb

    async def begin(self) -> None:
        """Clock, watchers, reset, ``settle`` edges, ``ready()``."""
        Clock(self.dut.clk, CLOCK_NS, unit="ns").start(start_high=False)
        cocotb.start_soon(self._watch())
        await reset(self.dut)
        await ClockCycles(self.dut.clk, self.settle)
        await self.ready()

    async def _watch(self):
        """The edge rules, and Bench's stream watcher when the core has a stream port (a
        watcher with nothing to watch would cost a coroutine wake-up every cycle of the long
        serial simulations)."""
        if self._rules:
            cocotb.start_soon(self._apply_rules())
        if self.transfers:
            await super()._watch()

    async def _apply_rules(self):
        dut, edge = self.dut, RisingEdge(self.dut.clk)
        while True:
            await edge
            self.edge += 1
            if str(dut.rst.value) != "0":
                continue
            for check in self._rules:
                for msg in check(self.edge):
                    if len(self.errors) < MAX_ERRORS:
                        self.errors.append(msg)

    def check(self) -> None:
        """No rule violation so far (and no stream protocol violation)."""
        assert not self.errors, f"{self.errors[:3]}; {self.ctx}"

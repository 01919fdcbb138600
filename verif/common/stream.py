# SPDX-License-Identifier: Apache-2.0
"""Shared cocotb helpers: stream BFMs (cocotbext-axi ``define_stream``), idle/back-pressure
generators, reset, and an AXI-Stream protocol checker.

Every stream in every test runs under each of ``PATTERNS``: ``None`` (no pauses), ``"cycle"``
(verilog-axis' 1,1,1,0 inserter: three of four cycles paused) and ``"random"`` (seeded).

Every bench starts its clock low (``Clock(...).start(start_high=False)``): the first rising edge
then comes half a period in, after the test has asserted reset, so registers hold their reset
values before any BFM samples them.  A clock that starts high works on Icarus only by accident
(its X->1 step at time 0 counts as a Verilog posedge); under GHDL, a VHDL register stays 'U'
until a real '0'->'1' edge, and cocotbext-axi's stream BFMs stop on the 'U' they sample at 0 ns.
"""
from __future__ import annotations

import itertools
import os
import random

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi.stream import define_stream

PATTERNS = (None, "cycle", "random")


def make_stream(name: str, extra=()):
    """(Bus, Transaction, Source, Sink, Monitor) for a tdata/tvalid/tready stream."""
    return define_stream(name, signals=["tdata", "tvalid", "tready", *extra])


def pauses(pattern, seed: int, salt: str = ""):
    """A pause generator: True = pause this cycle (source idles / sink not ready)."""
    if pattern is None:
        return None
    if pattern == "cycle":
        return itertools.cycle([1, 1, 1, 0])
    if pattern == "random":
        r = random.Random(f"{seed}:{salt}")
        return (r.random() < 0.4 for _ in itertools.count())
    raise ValueError(f"pause pattern {pattern!r}: allowed None, 'cycle', 'random'")


def run_seed() -> int:
    return int(os.environ.get("NEUROHDL_TEST_SEED", "1"))


async def reset(dut, cycles: int = 3):
    dut.rst.value = 1
    for _ in range(cycles):
        await RisingEdge(dut.clk)
    dut.rst.value = 0


class ProtocolRule:
    """AXI-Stream rules on one stream, fed one sample a clock edge: once tvalid is high it stays
    high, with tdata stable, until the transfer happens.  Violations are appended to ``errors``
    (checked by the test)."""

    def __init__(self, prefix: str, errors: list):
        self.prefix, self.errors, self.pending = prefix, errors, None

    def sample(self, valid: int, ready: int, data) -> None:
        """One clock edge's values (``data`` read only when ``valid``); after a reset call
        :meth:`clear`."""
        d = int(data.value) if valid else None
        if self.pending is not None:
            if not valid:
                self.errors.append(f"{self.prefix}: tvalid dropped before the transfer")
            elif d != self.pending:
                self.errors.append(f"{self.prefix}: tdata changed while stalled "
                                   f"({self.pending:#x} -> {d:#x})")
        self.pending = d if valid and not ready else None

    def clear(self) -> None:
        self.pending = None


async def check_stream_protocol(dut, prefix: str, errors: list):
    """:class:`ProtocolRule` on ``prefix`` at every rising edge (nothing during reset)."""
    valid, ready, data = (getattr(dut, f"{prefix}_{s}") for s in ("tvalid", "tready", "tdata"))
    rule = ProtocolRule(prefix, errors)
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if dut.rst.value:
            rule.clear()
            continue
        rule.sample(int(valid.value), int(ready.value), data)

# SPDX-License-Identifier: Apache-2.0
"""Shared cocotb bench of the ``stream`` family (cores with one ``s_in`` and one ``m_out``).

Two scoreboards run on every test:

* transaction level: the words leaving ``m_out`` against the model's ``run`` (through
  ``scoreboard.expected``, so ``NEUROHDL_FAULT=model`` must make it fail);
* cycle level: every cycle, the outputs (``s_in_tready``, ``m_out_tvalid``, ``m_out_tdata``
  while valid, ``status_*``) against the model's ``step`` fed with the inputs of that cycle
  (``s_in_tvalid``, ``s_in_tdata``, ``m_out_tready``) as the BFMs drove them; a reset cycle
  restarts the model.  ``m_out`` also runs the AXI-Stream protocol checker.
"""
from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (check_stream_protocol, make_stream, pauses, reset,
                                          run_seed)

InBus, InTransaction, InSource, _, _ = make_stream("In")
OutBus, _, _, OutSink, _ = make_stream("Out")


class Bench:
    """Clock, reset, an ``s_in`` source and an ``m_out`` sink with the given pause patterns,
    the protocol checker and the cycle-level model check (``model``: a module with ``step``;
    ``model_p``: the Params the check uses, default the design's)."""

    def __init__(self, dut, p, model, src_pattern, sink_pattern, model_p=None):
        self.dut, self.p, self.model = dut, p, model
        self.model_p = model_p if model_p is not None else p
        self.errors: list[str] = []
        self.source = InSource(InBus.from_prefix(dut, "s_in"), dut.clk, dut.rst)
        self.sink = OutSink(OutBus.from_prefix(dut, "m_out"), dut.clk, dut.rst)
        self.source.set_pause_generator(pauses(src_pattern, run_seed(), "s_in"))
        self.sink.set_pause_generator(pauses(sink_pattern, run_seed(), "m_out"))
        self.salt = f"{src_pattern}:{sink_pattern}"

    async def start(self):
        Clock(self.dut.clk, 10, unit="ns").start(start_high=False)
        cocotb.start_soon(check_stream_protocol(self.dut, "m_out", self.errors))
        cocotb.start_soon(self._check_cycles())
        await reset(self.dut)
        return self

    def words(self, n: int, salt: str = "") -> list[int]:
        """n words: runs of random words, all-ones and zeros."""
        r = random.Random(f"{run_seed()}:{self.salt}:{salt}")
        top = (1 << self.p.width) - 1
        return [r.choice([r.getrandbits(self.p.width), top, 0, r.getrandbits(self.p.width)])
                for _ in range(n)]

    async def exchange(self, words: list[int]) -> list[int]:
        for w in words:
            self.source.send_nowait(InTransaction(tdata=w))
        return [int((await self.sink.recv()).tdata) for _ in words]

    async def check(self, words: list[int], what: str = "m_out"):
        """Send ``words``, compare what leaves with the model, then the cycle-level errors."""
        got = await self.exchange(words)
        compare(got, expected(self.model.run(self.p, words), run_seed()), what, str(self.p))
        await ClockCycles(self.dut.clk, 4)
        assert self.sink.empty(), f"extra m_out words; {self.p}"
        assert not self.errors, f"{len(self.errors)} errors, first: {self.errors[:3]}; {self.p}"

    async def _check_cycles(self):
        dut, state, known = self.dut, None, False
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if known:
                for name, w in self.model.outputs(self.model_p, state)._asdict().items():
                    if w is None:                   # no such port, or tdata while not valid
                        continue
                    g = int(getattr(dut, name).value)
                    if g != w:
                        self.errors.append(f"{name} = {g:#x}, model {w:#x} at "
                                           f"{get_sim_time('ns'):g} ns")
            if int(dut.rst.value):
                state, known = None, True
            elif known:
                sv = int(dut.s_in_tvalid.value)
                sd = int(dut.s_in_tdata.value) if sv else 0     # X while the source idles
                state, _ = self.model.step(self.model_p, state, sv, sd,
                                           int(dut.m_out_tready.value))

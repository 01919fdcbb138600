# SPDX-License-Identifier: Apache-2.0
"""Must-fail of tests/test_must_fail.py's rule "every cocotb test of a core fails when the model
is corrupted": sc.lfsr's stream checked twice, once through the scoreboard and once with the
scoreboard removed (it only counts beats).  Under ``NEUROHDL_FAULT=model`` the first fails and
the second passes, and the rule must name the second."""
import cocotb
from cocotb.clock import Clock

from neurohdl.models.sc import lfsr as model
from neurohdl.models.sc.lfsr import LfsrParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import make_stream, reset, run_seed

RndBus, _, _, RndSink, _ = make_stream("Rnd")
N = 40


async def _beats(dut) -> list[int]:
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    sink = RndSink(RndBus.from_prefix(dut, "m_rnd"), dut.clk, dut.rst)
    await reset(dut)
    return [int((await sink.recv()).tdata) for _ in range(N)]


@cocotb.test()
async def with_scoreboard(dut):
    got = await _beats(dut)
    compare(got, expected(model.run(params_from_env(LfsrParams), N), run_seed()), "m_rnd")


@cocotb.test()
async def scoreboard_removed(dut):
    got = await _beats(dut)
    assert len(got) == N

# SPDX-License-Identifier: Apache-2.0
"""A cocotb test that hangs the simulator: a Python loop inside a coroutine never hands control
back, so simulation time stops and no sim-time timeout (``cocotb.test(timeout_time=...)``) can
fire.  Only a wall-clock limit outside the simulator ends it: the must-fail of
``neurohdl.simrun``'s limit (tests/test_hang.py).  It only drives the clock, so it runs on any
core with a ``clk`` port."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles


@cocotb.test()
async def spins_forever(dut):
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    await ClockCycles(dut.clk, 2)
    while True:
        pass

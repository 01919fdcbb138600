# SPDX-License-Identifier: Apache-2.0
"""cocotb tests that exercise how ``neurohdl.simrun`` reads a results file (tests/test_results.py):
a passing test and a skip the module declares in ``EXPECTED_SKIPS`` -- a sound run.  Its
companion :mod:`results_probe_bad` adds what must fail.  Runs on any core with a ``clk`` port."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

EXPECTED_SKIPS = {"declared_skip": "the results probe's declared skip"}


@cocotb.test()
async def clock_runs(dut):
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    await ClockCycles(dut.clk, 2)


@cocotb.test(skip=True)
async def declared_skip(dut):
    raise AssertionError("skipped, never run")

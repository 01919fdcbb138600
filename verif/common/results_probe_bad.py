# SPDX-License-Identifier: Apache-2.0
"""What a results file must not hide (tests/test_results.py): a skip the module does not
declare, and a test registered when the module is imported on the pytest side but not inside
the simulator, so the results file holds one test fewer than the module registers (what a
simulator that stopped early, or a test that silently vanished, leaves behind)."""
import os

import cocotb

from .results_probe import clock_runs  # noqa: F401  (registered here too: one passing test)


@cocotb.test(skip=True)
async def undeclared_skip(dut):
    raise AssertionError("skipped, never run")


if "NEUROHDL_CORE" not in os.environ:       # set by neurohdl.simrun inside the simulator only
    @cocotb.test()
    async def vanishing(dut):
        raise AssertionError("never registered inside the simulator")

# SPDX-License-Identifier: Apache-2.0
"""cocotb module behind ``neurohdl.sw.rtl_transport.run_on_rtl``: runs a user's host program
(an async function of an AsyncSnnSoc) on the converted SoC, through its host port (the UART
pins or the Wishbone slave, verif/common/soc_host.py), and writes the result, or the error the
program raised, to the JSON file the caller reads."""
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl.models.net.snn_soc import SnnSocParams
from neurohdl.simrun import params_from_env
from neurohdl.sw.rtl_transport import run_program
from neurohdl.sw.snn_soc import AsyncSnnSoc
from neurohdl.verif.common.soc_host import CLK_NS, soc_transport
from neurohdl.verif.common.stream import reset, run_seed


@cocotb.test()
async def host_program(dut):
    p = params_from_env(SnnSocParams)
    Clock(dut.clk, CLK_NS, unit="ns").start()
    transport, wait = soc_transport(dut, p, random.Random(run_seed()))
    await reset(dut)
    await ClockCycles(dut.clk, 2)
    soc = AsyncSnnSoc(transport, table=os.environ.get("NEUROHDL_HOST_TABLE") or None,
                      clock=lambda: get_sim_time("ns") * 1e-9, poll_wait=wait,
                      timeout=float(os.environ.get("NEUROHDL_HOST_TIMEOUT", "0.05")))
    ok = await run_program(os.environ["NEUROHDL_HOST_PROGRAM"], soc,
                           os.environ["NEUROHDL_HOST_OUT"])
    assert ok, open(os.environ["NEUROHDL_HOST_OUT"]).read()

# SPDX-License-Identifier: Apache-2.0
"""cocotb module behind ``neurohdl.sw.rtl_transport.run_on_rtl``: runs a user's host program
(an async function of an AsyncSnnSoc) on the converted SoC, through its host port (the UART
pins or the Wishbone slave, verif/common/soc_host.py ``SocBench``), and writes the result, or
the error the program raised, to the JSON file the caller reads."""
import os

import cocotb
from cocotb.utils import get_sim_time

from neurohdl.sw.rtl_transport import run_program
from neurohdl.sw.snn_soc import AsyncSnnSoc
from neurohdl.verif.common.soc_host import SocBench


@cocotb.test()
async def host_program(dut):
    tb = await SocBench.start(dut, salt="host_program")
    transport, wait = tb.transport()
    soc = AsyncSnnSoc(transport, table=os.environ.get("NEUROHDL_HOST_TABLE") or None,
                      clock=lambda: get_sim_time("ns") * 1e-9, poll_wait=wait,
                      timeout=float(os.environ.get("NEUROHDL_HOST_TIMEOUT", "0.05")))
    ok = await run_program(os.environ["NEUROHDL_HOST_PROGRAM"], soc,
                           os.environ["NEUROHDL_HOST_OUT"])
    assert ok, open(os.environ["NEUROHDL_HOST_OUT"]).read()

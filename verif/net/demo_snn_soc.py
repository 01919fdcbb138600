"""cocotb module behind ``make demo``: the demo program (neurohdl/sw/demo_snn.py) drives the
converted SoC through its UART pins with the host library (AsyncSnnSoc over AsyncUartTransport
on cocotbext-uart), loading the register table from the generated manifest.json; the result is
written to a JSON file that the demo compares with the model run."""
import json
import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl.sw.demo_snn import program
from neurohdl.models.net.snn_soc import SnnSocParams
from neurohdl.simrun import params_from_env
from neurohdl.sw.snn_soc import AsyncSnnSoc
from neurohdl.verif.common.soc_host import CLK_NS, UartHost
from neurohdl.verif.common.stream import reset


@cocotb.test()
async def demo_program(dut):
    p = params_from_env(SnnSocParams)
    Clock(dut.clk, CLK_NS, unit="ns").start()
    dut.uart_rx.value = 1
    host = UartHost(dut, p)
    await reset(dut)
    await ClockCycles(dut.clk, 2)
    soc = AsyncSnnSoc(host.t, table=os.environ["NEUROHDL_DEMO_TABLE"],
                      clock=lambda: get_sim_time("ns") * 1e-9, timeout=0.5)
    res = await program(soc, log=dut._log.info)
    with open(os.environ["NEUROHDL_DEMO_OUT"], "w") as fh:
        json.dump(res, fh)

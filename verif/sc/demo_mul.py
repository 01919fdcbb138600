# SPDX-License-Identifier: Apache-2.0
"""cocotb module behind ``make demo``: runs the given ops through the converted sc.mul and writes
the RTL's counts to a JSON file (the demo compares them with the model and prints both)."""
import json
import os

import cocotb
from cocotb.clock import Clock

from neurohdl.models.sc.mul import MulParams, pack
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.stream import make_stream, reset

OpBus, OpTx, OpSource, _, _ = make_stream("Op")
ProdBus, _, _, ProdSink, _ = make_stream("Prod")


@cocotb.test()
async def run_ops(dut):
    p = params_from_env(MulParams)
    ops = json.loads(os.environ["NEUROHDL_DEMO_OPS"])
    Clock(dut.clk, 10, unit="ns").start()
    src = OpSource(OpBus.from_prefix(dut, "s_op"), dut.clk, dut.rst)
    sink = ProdSink(ProdBus.from_prefix(dut, "m_prod"), dut.clk, dut.rst)
    await reset(dut)
    for a, b in ops:
        await src.send(OpTx(tdata=int(pack(p, a, b))))
    counts = [int((await sink.recv()).tdata) for _ in ops]
    with open(os.environ["NEUROHDL_DEMO_OUT"], "w") as fh:
        json.dump(counts, fh)

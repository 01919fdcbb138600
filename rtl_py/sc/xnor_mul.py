# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.xnor_mul``: y = XNOR(a, b) behind the shared gate register; ports,
handshake and timing in ``rtl_py/sc/_gate.py``."""
from myhdl import always_comb, block

from neurohdl.models.sc import xnor_mul as model
from neurohdl.models.sc.xnor_mul import XnorMulParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, y, p: XnorMulParams):
    @always_comb
    def comb():
        y.next = s_ab_tdata[0] == s_ab_tdata[1]

    return comb


CORE = gate_core(model, XnorMulParams, bit_fn,
                 "SC bipolar multiplier gate: y = XNOR(a, b) on one paired bit stream",
                 {"xnor": "exact: one-bit XNOR"})

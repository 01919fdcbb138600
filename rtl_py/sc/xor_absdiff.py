# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.xor_absdiff``: y = a XOR b behind the shared gate register; ports,
handshake and timing in ``rtl_py/sc/_gate.py``."""
from myhdl import always_comb, block

from neurohdl.models.sc import xor_absdiff as model
from neurohdl.models.sc.xor_absdiff import XorAbsdiffParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, y, p: XorAbsdiffParams):
    @always_comb
    def comb():
        y.next = s_ab_tdata[0] != s_ab_tdata[1]

    return comb


CORE = gate_core(model, XorAbsdiffParams, bit_fn,
                 "SC absolute difference gate: y = a XOR b on one paired, positively "
                 "correlated bit stream",
                 {"xor": "exact: one-bit XOR"})

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.and_mul``: y = a AND b behind the shared gate register; ports,
handshake and timing in ``rtl_py/sc/_gate.py``."""
from myhdl import always_comb, block

from neurohdl.models.sc import and_mul as model
from neurohdl.models.sc.and_mul import AndMulParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, y, p: AndMulParams):
    @always_comb
    def comb():
        y.next = s_ab_tdata[0] and s_ab_tdata[1]

    return comb


CORE = gate_core(model, AndMulParams, bit_fn,
                 "SC unipolar multiplier gate: y = a AND b on one paired bit stream",
                 {"and": "exact: one-bit AND"})

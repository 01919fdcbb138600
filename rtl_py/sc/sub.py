# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.sub``: y = a AND NOT b behind the shared gate register; ports,
handshake and timing in ``rtl_py/sc/_gate.py``."""
from myhdl import always_comb, block

from neurohdl.models.sc import sub as model
from neurohdl.models.sc.sub import SubParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, y, p: SubParams):
    @always_comb
    def comb():
        y.next = s_ab_tdata[0] and not s_ab_tdata[1]

    return comb


CORE = gate_core(model, SubParams, bit_fn,
                 "SC saturating subtractor gate: y = a AND NOT b on one paired, positively "
                 "correlated bit stream",
                 {"andnot": "exact: one-bit AND NOT"})

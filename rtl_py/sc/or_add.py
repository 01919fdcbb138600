# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.or_add``: y = a OR b behind the shared gate register; ports,
handshake and timing in ``rtl_py/sc/_gate.py``."""
from myhdl import always_comb, block

from neurohdl.models.sc import or_add as model
from neurohdl.models.sc.or_add import OrAddParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, y, p: OrAddParams):
    @always_comb
    def comb():
        y.next = s_ab_tdata[0] or s_ab_tdata[1]

    return comb


CORE = gate_core(model, OrAddParams, bit_fn,
                 "SC saturating adder gate: y = a OR b on one paired bit stream",
                 {"or": "exact: one-bit OR"})

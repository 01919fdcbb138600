# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.cordiv``: z = y ? x : h, h <- x when y, behind the shared gate register
(``_gate``); x = s_ab_tdata[0] (dividend), y = s_ab_tdata[1] (divisor).

The hold flip-flop ``h`` (reset value ``hold_init``) is loaded only on an accepted beat with
y = 1, so stalls never change it.  Ports, handshake and timing: ``rtl_py/sc/_gate.py``.
"""
from myhdl import Signal, always_comb, always_seq, block

from neurohdl.models.sc import cordiv as model
from neurohdl.models.sc.cordiv import CordivParams
from neurohdl.rtl.sc._gate import gate_core


@block
def bit_fn(clk, rst, take, s_ab_tdata, z, p: CordivParams):
    h = Signal(bool(p.hold_init))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take and s_ab_tdata[1]:
            h.next = s_ab_tdata[0]

    @always_comb
    def comb():
        if s_ab_tdata[1]:
            z.next = s_ab_tdata[0]
        else:
            z.next = h

    return seq, comb


CORE = gate_core(model, CordivParams, bit_fn,
                 "SC divider CORDIV: z = y ? x : held z, P(z) = P(x)/P(y) for correlated x <= y",
                 {"mux": "exact: one-bit 2:1 multiplexer",
                  "hold": "exact: one-bit D flip-flop, loaded with x when y = 1"})

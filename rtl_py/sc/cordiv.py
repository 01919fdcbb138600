# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.cordiv``: z = y ? x : h, h <- x when y, behind the shared gate register
(``_gate``); x = s_ab_tdata[0] (dividend), y = s_ab_tdata[1] (divisor).

The hold flip-flop ``h`` (reset value ``hold_init``) is loaded only on an accepted beat with
y = 1, so stalls never change it.

Timing: latency 1 cycle, throughput 1 beat per cycle; ``s_ab_tready = !rst && (!m_y_tvalid ||
m_y_tready)`` (see ``rtl_py/sc/_gate.py``).
"""
from myhdl import Signal, always_comb, always_seq, block

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import cordiv as model
from neurohdl.models.sc.cordiv import CordivParams
from neurohdl.rtl.sc._gate import gate_ports, gate_reg


def ports(p: CordivParams):
    return gate_ports()


@block
def cordiv(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
           p: CordivParams):
    z, take = Signal(bool(0)), Signal(bool(0))
    h = Signal(bool(p.hold_init))
    reg = gate_reg(clk, rst, z, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                   m_y_tready)

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

    return reg, seq, comb


def vectors(p: CordivParams, rng, n: int) -> Vectors:
    ab = gm.random_beats(rng, n)
    return Vectors(inputs={"s_ab": ab}, outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})


CORE = CoreDecl(
    name="sc.cordiv", version=__version__, params=CordivParams, top=cordiv, ports=ports,
    description="SC divider CORDIV: z = y ? x : held z, P(z) = P(x)/P(y) for correlated x <= y",
    arith={"mux": "exact: one-bit 2:1 multiplexer",
           "hold": "exact: one-bit D flip-flop, loaded with x when y = 1"},
    vectors=vectors,
)

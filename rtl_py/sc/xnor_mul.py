# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.xnor_mul``: y = XNOR(a, b) behind the shared gate register (``_gate``).

Timing: latency 1 cycle, throughput 1 beat per cycle; ``s_ab_tready = !rst && (!m_y_tvalid ||
m_y_tready)`` (see ``rtl_py/sc/_gate.py``).
"""
from myhdl import Signal, always_comb, block

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import xnor_mul as model
from neurohdl.models.sc.xnor_mul import XnorMulParams
from neurohdl.rtl.sc._gate import gate_ports, gate_reg


def ports(p: XnorMulParams):
    return gate_ports()


@block
def xnor_mul(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
            p: XnorMulParams):
    y, take = Signal(bool(0)), Signal(bool(0))
    reg = gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                   m_y_tready)

    @always_comb
    def comb():
        y.next = s_ab_tdata[0] == s_ab_tdata[1]

    return reg, comb


def vectors(p: XnorMulParams, rng, n: int) -> Vectors:
    ab = gm.random_beats(rng, n)
    return Vectors(inputs={"s_ab": ab}, outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})


CORE = CoreDecl(
    name="sc.xnor_mul", version=__version__, params=XnorMulParams, top=xnor_mul, ports=ports,
    description="SC bipolar multiplier gate: y = XNOR(a, b) on one paired bit stream",
    arith={"xnor": "exact: one-bit XNOR"},
    vectors=vectors,
)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.sub``: y = a AND NOT b behind the shared gate register (``_gate``).

Timing: latency 1 cycle, throughput 1 beat per cycle; ``s_ab_tready = !rst && (!m_y_tvalid ||
m_y_tready)`` (see ``rtl_py/sc/_gate.py``).
"""
from myhdl import Signal, always_comb, block

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import sub as model
from neurohdl.models.sc.sub import SubParams
from neurohdl.rtl.sc._gate import gate_ports, gate_reg


def ports(p: SubParams):
    return gate_ports()


@block
def sub(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
            p: SubParams):
    y, take = Signal(bool(0)), Signal(bool(0))
    reg = gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                   m_y_tready)

    @always_comb
    def comb():
        y.next = s_ab_tdata[0] and not s_ab_tdata[1]

    return reg, comb


def vectors(p: SubParams, rng, n: int) -> Vectors:
    ab = gm.random_beats(rng, n)
    return Vectors(inputs={"s_ab": ab}, outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})


CORE = CoreDecl(
    name="sc.sub", version=__version__, params=SubParams, top=sub, ports=ports,
    description="SC saturating subtractor gate: y = a AND NOT b on one paired, positively "
                "correlated bit stream",
    arith={"andnot": "exact: one-bit AND NOT"},
    vectors=vectors,
)

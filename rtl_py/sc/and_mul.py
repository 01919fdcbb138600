# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.and_mul``: y = a AND b behind the shared gate register (``_gate``).

Timing: latency 1 cycle, throughput 1 beat per cycle; ``s_ab_tready = !rst && (!m_y_tvalid ||
m_y_tready)`` (see ``rtl_py/sc/_gate.py``).
"""
from myhdl import Signal, always_comb, block

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import and_mul as model
from neurohdl.models.sc.and_mul import AndMulParams
from neurohdl.rtl.sc._gate import gate_ports, gate_reg


def ports(p: AndMulParams):
    return gate_ports()


@block
def and_mul(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
            p: AndMulParams):
    y, take = Signal(bool(0)), Signal(bool(0))
    reg = gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                   m_y_tready)

    @always_comb
    def comb():
        y.next = s_ab_tdata[0] and s_ab_tdata[1]

    return reg, comb


def vectors(p: AndMulParams, rng, n: int) -> Vectors:
    ab = gm.random_beats(rng, n)
    return Vectors(inputs={"s_ab": ab}, outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})


CORE = CoreDecl(
    name="sc.and_mul", version=__version__, params=AndMulParams, top=and_mul, ports=ports,
    description="SC unipolar multiplier gate: y = a AND b on one paired bit stream",
    arith={"and": "exact: one-bit AND"},
    vectors=vectors,
)

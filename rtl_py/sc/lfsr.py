# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.lfsr``: a Galois LFSR behind an AXI-Stream source ``m_rnd``.

Timing: ``m_rnd_tvalid`` is high whenever the core is out of reset; ``m_rnd_tdata`` is the
state; each transfer (tvalid && tready) advances the state by one step.  ``m_rnd_tready`` is the
enable: hold it low and the state holds.  Latency 0 (tdata is the register itself).
"""
from myhdl import always_comb, always_seq, block, intbv, Signal

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, const, stream
from neurohdl.models.sc import lfsr as model
from neurohdl.models.sc.lfsr import LfsrParams


def ports(p: LfsrParams):
    return clk_rst() + stream("m_rnd", p.width, "LFSR state; advances on each transfer")


@block
def lfsr(clk, rst, m_rnd_tdata, m_rnd_tvalid, m_rnd_tready, p: LfsrParams):
    state = Signal(intbv(p.seed)[p.width:])
    taps = const(p.taps, p.width)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if m_rnd_tready:
            if state[0]:
                state.next = (state >> 1) ^ taps
            else:
                state.next = state >> 1

    @always_comb
    def comb():
        m_rnd_tdata.next = state
        m_rnd_tvalid.next = not rst

    return seq, comb


def vectors(p: LfsrParams, rng, n: int) -> Vectors:
    return Vectors(outputs={"m_rnd": [int(x) for x in model.run(p, n)]})


CORE = CoreDecl(
    name="sc.lfsr", version=__version__, params=LfsrParams, top=lfsr, ports=ports,
    description="Galois LFSR random source (maximal-length taps 3..32 bits), AXI-Stream out",
    arith={"state": "wrap: GF(2) shift/XOR, no carries"},
    vectors=vectors,
)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.lfsr``: a Galois LFSR behind an AXI-Stream source ``m_rnd``.

Timing: ``m_rnd_tvalid`` is high whenever the core is out of reset; ``m_rnd_tdata`` is the
state; each transfer (tvalid && tready) advances the state by one step.  ``m_rnd_tready`` is the
enable: hold it low and the state holds.  Latency 0 (tdata is the register itself).
"""
from myhdl import Signal, always_seq, block, intbv

from neurohdl.core import const
from neurohdl.models.sc import lfsr as model
from neurohdl.models.sc.lfsr import LfsrParams
from neurohdl.rtl.common.stage import source
from neurohdl.rtl.sc._source import source_core


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

    out = source(rst, state, m_rnd_tdata, m_rnd_tvalid)

    return seq, out


CORE = source_core(model, LfsrParams, lfsr, lambda p: p.width,
                   "LFSR state; advances on each transfer",
                   "Galois LFSR random source (maximal-length taps 3..32 bits), AXI-Stream out",
                   {"state": "wrap: GF(2) shift/XOR, no carries"})

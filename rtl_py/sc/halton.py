# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.halton``: base-2 van der Corput behind an AXI-Stream source ``m_rnd``.

Structure: a W-bit index counter ``idx`` (reset value ``skip``, +1 mod 2^W per transfer) and
wiring: ``m_rnd_tdata`` bit k = ``idx`` bit W-1-k (a concatenation of the counter's bits in
reverse order; no logic).

Timing: ``m_rnd_tvalid`` is high whenever the core is out of reset; ``m_rnd_tdata`` is the
reversed counter register; each transfer (tvalid && tready) advances the counter.
``m_rnd_tready`` is the enable: hold it low and the state holds.  Latency 0.

Embedding: ``halton(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p=HaltonParams(...))`` is a
random-source block like ``sc.lfsr``'s: ``rnd_tready`` is the advance input, ``rnd_tdata`` the
value.
"""
from myhdl import ConcatSignal, Signal, always_seq, block, modbv

from neurohdl.core import const
from neurohdl.models.sc import halton as model
from neurohdl.models.sc.halton import HaltonParams
from neurohdl.rtl.common.stage import source
from neurohdl.rtl.sc._source import source_core


@block
def halton(clk, rst, m_rnd_tdata, m_rnd_tvalid, m_rnd_tready, p: HaltonParams):
    w = p.width
    idx = Signal(modbv(p.skip)[w:])
    one = const(1, w)
    # bit k of rev is idx bit W-1-k: ConcatSignal's first argument is the MSB
    rev = idx if w == 1 else ConcatSignal(*[idx(k) for k in range(w)])

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if m_rnd_tready:
            idx.next = idx + one

    out = source(rst, rev, m_rnd_tdata, m_rnd_tvalid)

    return seq, out


CORE = source_core(model, HaltonParams, halton, lambda p: p.width,
                   "bit-reversed index (base-2 radical inverse scaled by 2^W); advances on each "
                   "transfer",
                   "Base-2 van der Corput (Halton base 2) source, bit-reversed counter, 1..32 "
                   "bits, AXI-Stream out",
                   {"index": "wrap: W-bit counter, period 2^W (output returns to 0 with it)"})

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.regen``: a window counter (``sc.decoder``-style) and an LFSR comparator
(``sc.sng``-style) between ``s_x`` and ``m_y``.

State: the internal ``sc.lfsr`` block (advanced by each accepted beat), the beat index ``idx``
(0..L-1), the running count ``ones`` of the current window, the held count ``hold`` of the
previous window (reset 0) and one output register behind the shared stage
(``neurohdl.rtl.common.stage``).  Each accepted bit loads the output register
with ``r * L < hold * 2^W`` (r = the current LFSR state; ``r * L`` is a multiplication by a
constant, both sides ``cmp_width`` = W + bits_for(L) bits, so nothing overflows); the window's
last beat loads ``hold`` with ``ones + x`` and clears the window.

Timing: latency 1 cycle from an accepted beat to its output beat, throughput 1 bit per cycle.
``s_x_tready = rnd_tvalid && (!m_y_tvalid || m_y_tready)`` (rnd_tvalid = !rst); under
back-pressure the output bit, the window and the LFSR hold.  ``m_y_tvalid`` comes from a
register only.
"""
from myhdl import Signal, always_comb, always_seq, block, concat, intbv

from neurohdl.core import Vectors, const
from neurohdl.models.sc import regen as model
from neurohdl.models.sc.regen import RegenParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.sc._bitstream import bit_ports, bit_vectors, segments
from neurohdl.rtl.sc.lfsr import lfsr


ports = bit_ports("input bitstream, counted over windows of L beats",
                  "regenerated bitstream: r * L < (previous window's count) * 2^W, r from the "
                  "internal LFSR; 0 in the first window")


@block
def regen(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready,
          p: RegenParams):
    w, cw, iw, kw = p.width, p.count_width, p.index_width, p.cmp_width
    last = const(p.length - 1, iw)
    lmul = const(p.length, kw)
    ext = const(0, kw - w)              # zero-extension of r to cmp_width
    lowz = const(0, w)                  # hold * 2^W = {hold, W zeros}
    rnd = Signal(intbv(0)[w:])
    rnd_tvalid = Signal(bool(0))
    rnd_ext = Signal(intbv(0)[kw:])
    prod = Signal(intbv(0)[kw:])        # r * L <= (2^W - 1) L < 2^kw
    thr = Signal(intbv(0)[kw:])         # hold * 2^W <= L 2^W < 2^kw
    idx = Signal(intbv(0)[iw:])
    ones = Signal(intbv(0)[cw:])        # ones so far in this window, <= L - 1
    hold = Signal(intbv(0)[cw:])        # count of the previous window, 0..L
    q_y = Signal(bool(0))
    take = Signal(bool(0))
    src = lfsr(clk, rst, rnd, rnd_tvalid, take, p=p.lfsr())

    @always_comb
    def scale():
        rnd_ext.next = concat(ext, rnd)
        thr.next = concat(hold, lowz)

    @always_comb
    def mult():
        prod.next = rnd_ext * lmul

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_y.next = prod < thr
            if idx == last:
                if s_x_tdata:
                    hold.next = ones + 1
                else:
                    hold.next = ones
                ones.next = 0
                idx.next = 0
            else:
                if s_x_tdata:
                    ones.next = ones + 1
                idx.next = idx + 1

    stage = out_stage(clk, rst, take, q_y, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid,
                      m_y_tready, enable=rnd_tvalid)
    return src, scale, mult, seq, stage


def vectors(p: RegenParams, rng, n: int) -> Vectors:
    """About n beats (at least 3 windows), window densities from 0 to 1."""
    return bit_vectors(model, p, segments(rng, max(3, n // p.length) * p.length,
                                          lambda: p.length))


CORE = declare("sc.regen", RegenParams, regen, ports, """
    Bitstream regeneration: count over windows of L beats, re-encode the count with an internal
    LFSR comparator in the next window
    count: exact: count_width = bits_for(L) holds 0..L, cleared at the window end
    index: exact: beat index 0..L-1 in bits_for(L-1) bits, cleared at the window end
    scale: exact: r * L and count * 2^W both fit cmp_width = W + bits_for(L)
    compare: exact: unsigned r * L < count * 2^W
    source: wrap: LFSR GF(2) shift/XOR, no carries
    """, vectors=vectors)

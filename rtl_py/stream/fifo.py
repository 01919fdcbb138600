# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``stream.fifo``: a first-word-fall-through FIFO between ``s_in`` and ``m_out``.

State: the memory ``mem`` (depth words), write and read pointers ``wr``/``rd`` (log2(depth)
bits, wrapping), the occupancy ``cnt`` (0..depth).  ``s_in_tready = cnt != depth``,
``m_out_tvalid = cnt != 0``, ``status_count = cnt``: all registers or functions of registers, so
no input reaches an output in the same cycle.

Storage (``storage``):

* ``lut``: asynchronous read, ``m_out_tdata = mem[rd]`` (LUT / distributed RAM).
* ``bram``: the read is registered in a process of its own (``q <= mem[rd_n]``, an inferred
  block RAM), at the read pointer's *next* value ``rd_n``, so ``q`` holds the head when the
  cycle starts.  The one head the RAM cannot deliver is the word written at the same edge (a
  push into a FIFO that the edge leaves holding one word): the bypass register ``byp_d``
  catches it and ``byp`` selects it.

Timing: latency 1 cycle (a word pushed at an edge is the head after it when the FIFO was
empty), one push and one pop per cycle, also when full.  Proven in verif/stream/formal_fifo.sv
(``neurohdl formal stream.fifo``); the SNN SoC's spike FIFOs are instances of this block.
"""
from myhdl import Signal, always, always_comb, always_seq, block, intbv, modbv

from neurohdl.core import Port, OUT, clk_rst, const, stream
from neurohdl.models.stream import fifo as model
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.stream._words import word_vectors


def ports(p: FifoParams):
    extra = [] if p.almost_full is None else [
        Port("status_almost_full", OUT, 1, "status",
             f"high while at least {p.almost_full} words are held")]
    return (clk_rst() + stream("s_in", p.width, "word in") + stream("m_out", p.width,
                                                                    "the oldest word held")
            + [Port("status_count", OUT, p.count_width, "status", "words held (0..depth)")]
            + extra)


@block
def fifo(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
         m_out_tready, status_count, p: FifoParams, status_almost_full=None):
    depth, aw, width = p.depth, p.addr_width, p.width
    mem = [Signal(intbv(0)[width:]) for _ in range(depth)]
    wr = Signal(modbv(0)[aw:])
    rd = Signal(modbv(0)[aw:])
    cnt = Signal(intbv(0)[aw + 1:])
    do_push = Signal(bool(0))
    do_pop = Signal(bool(0))
    depth_c = const(depth, aw + 1)
    zero_c = const(0, aw + 1)
    insts = []

    @always_comb
    def comb():
        do_push.next = s_in_tvalid and cnt != depth_c
        do_pop.next = m_out_tready and cnt != zero_c
        s_in_tready.next = cnt != depth_c
        m_out_tvalid.next = cnt != zero_c
        status_count.next = cnt
    insts.append(comb)

    @always(clk.posedge)
    def seq_wr():
        if do_push:
            mem[wr].next = s_in_tdata
    insts.append(seq_wr)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if do_push:
            wr.next = wr + 1
        if do_pop:
            rd.next = rd + 1
        if do_push and not do_pop:
            cnt.next = cnt + 1
        elif do_pop and not do_push:
            cnt.next = cnt - 1
    insts.append(seq)

    if p.storage == "lut":
        @always_comb
        def comb_rd():
            m_out_tdata.next = mem[rd]
        insts.append(comb_rd)
    else:
        rd_n = Signal(modbv(0)[aw:])
        q = Signal(intbv(0)[width:])
        byp = Signal(bool(0))
        byp_d = Signal(intbv(0)[width:])
        one_c = const(1, aw + 1)

        @always_comb
        def comb_rd():
            if do_pop:
                rd_n.next = rd + 1
            else:
                rd_n.next = rd
            if byp:
                m_out_tdata.next = byp_d
            else:
                m_out_tdata.next = q

        @always(clk.posedge)
        def seq_rd():
            q.next = mem[rd_n]

        @always_seq(clk.posedge, reset=rst)
        def seq_byp():
            # the head after this edge is the word written now iff the edge leaves one word
            if do_pop:
                byp.next = do_push and cnt == one_c
            else:
                byp.next = do_push and cnt == zero_c
            byp_d.next = s_in_tdata
        insts += [comb_rd, seq_rd, seq_byp]

    if status_almost_full is not None:
        thr_c = const(p.almost_full, aw + 1)

        @always_comb
        def comb_af():
            status_almost_full.next = cnt >= thr_c
        insts.append(comb_af)
    return insts


CORE = declare("stream.fifo", FifoParams, fifo, ports, """
    First-word-fall-through stream FIFO (block RAM or LUT storage), streams s_in -> m_out,
    occupancy and almost-full status
    pointers: wrap: log2(depth)-bit pointers wrap round the memory by design
    count: exact: 0..depth, a push into a full or a pop from an empty FIFO is not a transfer
    """, vectors=word_vectors(model))

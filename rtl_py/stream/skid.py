# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``stream.skid``: a register slice (skid buffer) between ``s_in`` and ``m_out``.

State: the output register ``out_d``/``out_v`` and the skid register ``skid_d``/``skid_v``.
``s_in_tready = !skid_v`` and ``m_out_tvalid = out_v`` are registers: the slice cuts the
tdata, tvalid and tready paths alike.  When the output register is empty or popped it takes the
skid word if there is one, else the word accepted now; otherwise an accepted word goes to the
skid register (it was accepted while ``tready`` was still high from the cycle before).

Timing: latency 1 cycle, one word per cycle while the sink is ready; 2 x (width + 1) flip-flops.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import clk_rst, stream
from neurohdl.models.stream import skid as model
from neurohdl.models.stream.skid import SkidParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.stream._words import word_vectors


def ports(p: SkidParams):
    return (clk_rst() + stream("s_in", p.width, "word in")
            + stream("m_out", p.width, "the word accepted one or more cycles before"))


@block
def skid(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
         m_out_tready, p: SkidParams):
    out_d = Signal(intbv(0)[p.width:])
    skid_d = Signal(intbv(0)[p.width:])
    out_v = Signal(bool(0))
    skid_v = Signal(bool(0))
    take = Signal(bool(0))          # the output register is empty or popped this cycle
    push = Signal(bool(0))

    @always_comb
    def comb():
        take.next = not out_v or m_out_tready
        push.next = s_in_tvalid and not skid_v
        s_in_tready.next = not skid_v
        m_out_tvalid.next = out_v
        m_out_tdata.next = out_d

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if skid_v:
                out_d.next = skid_d
                out_v.next = 1
                skid_v.next = 0
            else:
                out_d.next = s_in_tdata
                out_v.next = push
        elif push:
            skid_d.next = s_in_tdata
            skid_v.next = 1

    return comb, seq


CORE = declare("stream.skid", SkidParams, skid, ports, """
    Register slice (skid buffer): registered tdata, tvalid and tready at full throughput, streams
    s_in -> m_out
    registers: exact: no arithmetic
    """, vectors=word_vectors(model))

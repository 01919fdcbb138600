# SPDX-License-Identifier: Apache-2.0
"""Shared structure of the two-input SC gates (``sc.and_mul``, ``sc.xnor_mul``, ``sc.or_add``,
``sc.xor_absdiff``, ``sc.sub``, ``sc.mux_add``, ``sc.cordiv``): private (the registry skips
``_`` modules).

Every gate takes one AXI-Stream ``s_ab`` (tdata[2]: a = bit 0, b = bit 1, so a and b are paired
beat by beat) and emits one AXI-Stream ``m_y`` (tdata[1]) from one output register:

    s_ab_tready = !rst && (!m_y_tvalid || m_y_tready)
    take        = s_ab_tvalid && s_ab_tready         (a beat is accepted)
    on take:      m_y_tdata <= y, m_y_tvalid <= 1;   else on m_y_tready: m_y_tvalid <= 0

A core writes its bit function as its own ``always_comb`` driving ``y`` from ``s_ab_tdata``
(and its private state), instantiates :func:`gate_reg`, and advances any state on ``take``.
The function itself is not passed in: MyHDL converts a generator's body, not a Python callable
handed to a block, so each core keeps its one-line ``comb`` and shares only this block.

Timing: latency 1 cycle, throughput 1 beat per cycle, no combinational path from ``s_ab`` or
``m_y_tready`` to ``m_y_tvalid``/``m_y_tdata``; ``s_ab_tready`` depends combinationally on
``m_y_tready`` (a one-register skid-free pipeline stage) and is low during reset.
"""
from myhdl import Signal, always_comb, always_seq, block

from neurohdl.core import clk_rst, stream


def gate_ports():
    return (clk_rst() + stream("s_ab", 2, "operand bits: a = bit 0, b = bit 1 (one pair a beat)")
            + stream("m_y", 1, "result bit, one per accepted s_ab beat"))


@block
def gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready):
    """The output register and handshake.  ``y`` (in): the bit to register for the current
    beat; ``take`` (out): high in a cycle whose s_ab beat is accepted."""
    q = Signal(bool(0))
    q_valid = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q.next = y
            q_valid.next = 1
        elif m_y_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_ab_tready.next = not rst and (not q_valid or m_y_tready)
        take.next = s_ab_tvalid and not rst and (not q_valid or m_y_tready)
        m_y_tdata.next = q
        m_y_tvalid.next = q_valid

    return seq, comb

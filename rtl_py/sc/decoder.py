# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.decoder``: counts ones over windows of ``length`` accepted ``s_bit``
beats and emits each window's count on ``m_count``.

State: beat index ``idx`` (0..length-1), running count ``ones`` and one output register.  The
last beat of a window loads ``ones + bit`` into the output register and clears the window.

Timing: latency 1 cycle from the window's last beat to ``m_count_tvalid``; throughput 1 beat
per cycle.  While a count is pending (valid, not yet taken) the next window keeps filling:
``s_bit_tready = !m_count_tvalid || m_count_tready || idx != length-1``, so only the beat that
would complete the next window waits for the pending count to go.  ``m_count_tvalid`` comes
from a register only.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.models.sc import decoder as model
from neurohdl.models.sc.decoder import DecoderParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.sc._bitstream import segments


def ports(p: DecoderParams):
    return (clk_rst() + stream("s_bit", 1, "stochastic bitstream, one bit per beat")
            + stream("m_count", p.count_width, "ones in the last window of length beats "
                                               "(0..length)"))


@block
def decoder(clk, rst, s_bit_tdata, s_bit_tvalid, s_bit_tready, m_count_tdata, m_count_tvalid,
            m_count_tready, p: DecoderParams):
    last = const(p.length - 1, p.index_width)
    idx = Signal(intbv(0)[p.index_width:])
    ones = Signal(intbv(0)[p.count_width:])     # ones so far in this window, <= length - 1
    q_count = Signal(intbv(0)[p.count_width:])
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if idx == last:
                if s_bit_tdata:
                    q_count.next = ones + 1
                else:
                    q_count.next = ones
                q_valid.next = 1
                ones.next = 0
                idx.next = 0
            else:
                if s_bit_tdata:
                    ones.next = ones + 1
                idx.next = idx + 1
                if m_count_tready:
                    q_valid.next = 0
        elif m_count_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_bit_tready.next = not q_valid or m_count_tready or idx != last
        take.next = s_bit_tvalid and (not q_valid or m_count_tready or idx != last)
        m_count_tdata.next = q_count
        m_count_tvalid.next = q_valid

    return seq, comb


def vectors(p: DecoderParams, rng, n: int) -> Vectors:
    """About n input beats (at least one window), window densities from 0 to 1."""
    bits = segments(rng, max(1, n // p.length) * p.length, lambda: p.length)
    return Vectors(inputs={"s_bit": bits},
                   outputs={"m_count": [int(c) for c in model.run(p, bits)]})


CORE = declare("sc.decoder", DecoderParams, decoder, ports, """
    Stochastic bitstream decoder: ones counted over windows of length beats
    count: exact: count_width = bits_for(length) holds 0..length, cannot overflow
    index: exact: beat index 0..length-1 in bits_for(length-1) bits, cleared at the window end
    """, vectors=vectors)

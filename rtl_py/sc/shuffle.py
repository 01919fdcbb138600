# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.shuffle``: a D-bit shuffle buffer between ``s_x`` and ``m_y``, its slot
chosen by an internal LFSR.

State: the index LFSR ``state`` (``lfsr_width`` bits; the ``sc.lfsr`` register written out here,
same recurrence, because only its low bits leave it and the block's full-width tdata would be a
partly unused wire), the buffer ``pool`` (D bits, reset 0) and the output register ``q_y``
behind the shared one-register stage (``neurohdl.rtl.common.stage.out_stage``).  Each
accepted bit, with ``slot = state[log2(D)-1:0]``, loads the output register with ``pool[slot]``,
writes the input bit into ``pool[slot]`` and advances the LFSR.

Timing: latency 1 cycle from an accepted beat to its output beat, throughput 1 bit per cycle.
``s_x_tready = !m_y_tvalid || m_y_tready``; under
back-pressure the output bit, the buffer and the LFSR hold.  ``m_y_tvalid`` comes from a
register only.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, const
from neurohdl.models.sc import shuffle as model
from neurohdl.models.sc.shuffle import ShuffleParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.sc._bitstream import bit_ports, bit_vectors, segments


ports = bit_ports("input bitstream", "the bit that the input replaces in the buffer slot chosen "
                                    "by the LFSR (ones are conserved)")


@block
def shuffle(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready,
            p: ShuffleParams):
    k = p.index_width
    state = Signal(intbv(p.lfsr_seed)[p.lfsr_width:])
    taps = const(p.lfsr_taps, p.lfsr_width)
    slot = Signal(intbv(0)[k:])
    pool = Signal(intbv(0)[p.depth:])
    q_y = Signal(bool(0))
    take = Signal(bool(0))
    stage = out_stage(clk, rst, take, q_y, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid,
                      m_y_tready)

    @always_comb
    def index():
        slot.next = state[k:0]

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_y.next = pool[slot]
            pool.next[slot] = s_x_tdata
            if state[0]:
                state.next = (state >> 1) ^ taps
            else:
                state.next = state >> 1

    return stage, index, seq


def vectors(p: ShuffleParams, rng, n: int) -> Vectors:
    """n input bits in segments of density 0, 1, 1/2 or random."""
    return bit_vectors(model, p, segments(rng, n, lambda: rng.randint(1, 4 * p.depth)))


CORE = declare("sc.shuffle", ShuffleParams, shuffle, ports, """
    Shuffle-buffer decorrelator: output and replace the buffer bit chosen by an LFSR (ones
    conserved)
    index: wrap: slot = LFSR state mod depth (low log2 depth bits)
    source: wrap: LFSR GF(2) shift/XOR, no carries
    """, vectors=vectors)

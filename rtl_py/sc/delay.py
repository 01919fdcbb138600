# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.delay``: a d-bit shift register between ``s_x`` and ``m_y``.

State: the shift register ``sr`` (d bits, reset 0; bit d-1 is the oldest input) and one output
register.  Each accepted bit loads the output register with the oldest bit and shifts the input
in: ``q_y <= sr[d-1]; sr <= {sr[d-2:0], x}`` (d = 1: ``q_y <= sr; sr <= x``).

Timing: latency 1 cycle from the accepted beat to its output beat (which carries the input of
d beats earlier); throughput 1 bit per cycle.  ``s_x_tready = !m_y_tvalid || m_y_tready``; under
back-pressure the output bit and the register hold, so the delay counts beats, not cycles.
``m_y_tvalid`` comes from a register only.
"""
from myhdl import Signal, always_seq, block, concat, intbv

from neurohdl.core import Vectors
from neurohdl.models.sc import delay as model
from neurohdl.models.sc.delay import DelayParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import handshake
from neurohdl.rtl.sc._bitstream import bit_ports, bit_vectors


ports = bit_ports("input bitstream", "the input bit of d beats earlier (0 for the first d beats)")


@block
def delay(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready,
          p: DelayParams):
    d = p.d
    q_y = Signal(bool(0))
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    if d == 1:
        sr1 = Signal(bool(0))

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if take:
                q_y.next = sr1
                sr1.next = s_x_tdata
                q_valid.next = 1
            elif m_y_tready:
                q_valid.next = 0
    else:
        sr = Signal(intbv(0)[d:])

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if take:
                q_y.next = sr[d - 1]
                sr.next = concat(sr[d - 1:0], s_x_tdata)
                q_valid.next = 1
            elif m_y_tready:
                q_valid.next = 0

    hs = handshake(take, q_valid, q_y, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready)

    return seq, hs


def vectors(p: DelayParams, rng, n: int) -> Vectors:
    """n random input bits (density drawn per run)."""
    dens = rng.random()
    return bit_vectors(model, p, [int(rng.random() < dens) for _ in range(n)])


CORE = declare("sc.delay", DelayParams, delay, ports, """
    Bitstream isolator: y = x delayed by d accepted beats (shift register)
    shift: exact: d-bit shift register, no arithmetic
    """, vectors=vectors)

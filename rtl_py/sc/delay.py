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
from myhdl import Signal, always_comb, always_seq, block, concat, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, stream
from neurohdl.models.sc import delay as model
from neurohdl.models.sc.delay import DelayParams


def ports(p: DelayParams):
    return (clk_rst() + stream("s_x", 1, "input bitstream")
            + stream("m_y", 1, "the input bit of d beats earlier (0 for the first d beats)"))


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

    @always_comb
    def comb():
        s_x_tready.next = not q_valid or m_y_tready
        take.next = s_x_tvalid and (not q_valid or m_y_tready)
        m_y_tdata.next = q_y
        m_y_tvalid.next = q_valid

    return seq, comb


def vectors(p: DelayParams, rng, n: int) -> Vectors:
    """n random input bits (density drawn per run)."""
    dens = rng.random()
    bits = [int(rng.random() < dens) for _ in range(n)]
    return Vectors(inputs={"s_x": bits}, outputs={"m_y": [int(b) for b in model.run(p, bits)]})


CORE = CoreDecl(
    name="sc.delay", version=__version__, params=DelayParams, top=delay, ports=ports,
    description="Bitstream isolator: y = x delayed by d accepted beats (shift register)",
    arith={"shift": "exact: d-bit shift register, no arithmetic"},
    vectors=vectors,
)

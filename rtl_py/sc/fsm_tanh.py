# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.fsm_tanh``: an N-state saturating up/down counter on ``s_x``, its Moore
output ``s >= N/2`` on ``m_y``.

State: the counter ``s`` (``state_width`` = bits_for(N-1) bits, reset N/2) and one output
register.  Each accepted bit loads the output register with ``s >= N/2`` (the state *before*
the update) and moves ``s`` one step up (x = 1, held at N-1) or down (x = 0, held at 0).

Timing: latency 1 cycle, throughput 1 bit per cycle.  ``s_x_tready = !m_y_tvalid ||
m_y_tready``: a new bit is taken whenever the output register is empty or being emptied; under
back-pressure the output bit and the counter hold.  ``m_y_tvalid`` comes from a register only.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, const, stream
from neurohdl.models.sc import fsm_tanh as model
from neurohdl.models.sc.fsm_tanh import FsmTanhParams


def ports(p: FsmTanhParams):
    return (clk_rst() + stream("s_x", 1, "input bitstream (bipolar value v = 2 P(1) - 1)")
            + stream("m_y", 1, "output bitstream, 1 iff the counter state >= N/2 before the "
                               "input's update; bipolar ~ tanh(N/2 v)"))


@block
def fsm_tanh(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready,
             p: FsmTanhParams):
    sw = p.state_width
    s = Signal(intbv(p.reset_state)[sw:])
    half = const(p.states // 2, sw)
    top = const(p.states - 1, sw)
    bottom = const(0, sw)
    q_y = Signal(bool(0))
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_y.next = s >= half
            q_valid.next = 1
            if s_x_tdata:
                if s != top:
                    s.next = s + 1
            else:
                if s != bottom:
                    s.next = s - 1
        elif m_y_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_x_tready.next = not q_valid or m_y_tready
        take.next = s_x_tvalid and (not q_valid or m_y_tready)
        m_y_tdata.next = q_y
        m_y_tvalid.next = q_valid

    return seq, comb


def vectors(p: FsmTanhParams, rng, n: int) -> Vectors:
    """n input bits in segments of density 0, 1, 1/2 or random (the counter visits both ends)."""
    bits = []
    while len(bits) < n:
        d = rng.choice([0.0, 1.0, 0.5, rng.random()])
        bits += [int(rng.random() < d) for _ in range(rng.randint(1, 2 * p.states + 8))]
    bits = bits[:n]
    return Vectors(inputs={"s_x": bits}, outputs={"m_y": [int(b) for b in model.run(p, bits)]})


CORE = CoreDecl(
    name="sc.fsm_tanh", version=__version__, params=FsmTanhParams, top=fsm_tanh, ports=ports,
    description="Stochastic tanh (Brown and Card): N-state saturating counter, y = state >= N/2",
    arith={"state": "saturate: up/down counter held at 0 and N-1 (explicit compares)",
           "output": "exact: unsigned compare s >= N/2"},
    vectors=vectors,
)

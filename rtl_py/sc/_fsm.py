# SPDX-License-Identifier: Apache-2.0
"""Shared structure of the Brown-Card counter FSMs (``sc.fsm_tanh``, ``sc.fsm_exp``): private
(the registry skips ``_`` modules).

An N-state saturating up/down counter ``s`` (``state_width`` = bits_for(N-1) bits, reset
floor(N/2)) on the bit stream ``s_x``, and its Moore output on ``m_y``.  Each accepted bit loads
the output register with ``y``, the core's function of the state *before* the update, and moves
``s`` one step up (x = 1, held at N-1) or down (x = 0, held at 0).  A core writes ``y`` as a
small ``@block`` ``moore(s, y, p)`` (one ``always_comb``) and declares itself with
:func:`fsm_core`.

Timing: latency 1 cycle, throughput 1 bit per cycle.  ``s_x_tready = !m_y_tvalid ||
m_y_tready`` (the shared stage, ``neurohdl.rtl.common.stage``): a new bit is taken whenever the
output register is empty or being emptied; under back-pressure the output bit and the counter
hold.  ``m_y_tvalid`` comes from a register only.
"""
from myhdl import Signal, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.sc._bitstream import bit_ports, bit_vectors, segments


def fsm_top(moore):
    """The top block of a counter FSM whose output bit is ``moore(s, y, p)``'s ``y``."""

    @block
    def fsm(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid, m_y_tready, p):
        sw = p.state_width
        s = Signal(intbv(p.reset_state)[sw:])
        top = const(p.states - 1, sw)
        bottom = const(0, sw)
        y = Signal(bool(0))
        q_y = Signal(bool(0))
        take = Signal(bool(0))
        out = moore(s, y, p)
        stage = out_stage(clk, rst, take, q_y, s_x_tvalid, s_x_tready, m_y_tdata, m_y_tvalid,
                          m_y_tready)

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if take:
                q_y.next = y
                if s_x_tdata:
                    if s != top:
                        s.next = s + 1
                else:
                    if s != bottom:
                        s.next = s - 1

        return out, stage, seq

    return fsm


def fsm_core(model, params, moore, x_doc: str, y_doc: str, description: str,
             output_arith: str) -> CoreDecl:
    """The ``CoreDecl`` of counter FSM ``sc.<model's module name>``: top :func:`fsm_top` of
    ``moore``, ports ``s_x``/``m_y`` (1 bit each), vectors = ``model.run`` on input segments of
    density 0, 1, 1/2 or random, each up to 2N + 8 bits long (the counter visits both ends)."""

    def vectors(p, rng, n: int) -> Vectors:
        return bit_vectors(model, p, segments(rng, n, lambda: rng.randint(1, 2 * p.states + 8)))

    return CoreDecl(
        name="sc." + model.__name__.rsplit(".", 1)[1], version=__version__, params=params,
        top=fsm_top(moore), ports=bit_ports(x_doc, y_doc), description=description,
        arith={"state": "saturate: up/down counter held at 0 and N-1 (explicit compares)",
               "output": output_arith},
        vectors=vectors)

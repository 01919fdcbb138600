# SPDX-License-Identifier: Apache-2.0
"""Shared structure of the two-input SC gates (``sc.and_mul``, ``sc.xnor_mul``, ``sc.or_add``,
``sc.xor_absdiff``, ``sc.sub``, ``sc.mux_add``, ``sc.cordiv``): private (the registry skips
``_`` modules).

Every gate takes one AXI-Stream ``s_ab`` (tdata[2]: a = bit 0, b = bit 1, so a and b are paired
beat by beat) and emits one AXI-Stream ``m_y`` (tdata[1]) from one output register:

    s_ab_tready = !rst && (!m_y_tvalid || m_y_tready)
    take        = s_ab_tvalid && s_ab_tready         (a beat is accepted)
    on take:      m_y_tdata <= y, m_y_tvalid <= 1;   else on m_y_tready: m_y_tvalid <= 0

A core writes its bit function as a small ``@block`` ``bit_fn(clk, rst, take, s_ab_tdata, y,
p)`` (an ``always_comb`` driving ``y`` from ``s_ab_tdata``, plus any private state advanced on
``take``) and declares itself with :func:`gate_core`, which builds the top block (the function
beside :func:`gate_reg`), the ports, the model vectors and the ``CoreDecl``.  The bit function
is a block, not a Python callable: MyHDL converts a generator's own source, so each core keeps
its one-line ``comb`` and shares everything else.

Timing: latency 1 cycle, throughput 1 beat per cycle, no combinational path from ``s_ab`` or
``m_y_tready`` to ``m_y_tvalid``/``m_y_tdata``; ``s_ab_tready`` depends combinationally on
``m_y_tready`` (a one-register skid-free pipeline stage) and is low during reset.
"""
from myhdl import Signal, always_seq, block

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, stream
from neurohdl.models.sc._gate import random_beats
from neurohdl.rtl.common.stage import handshake


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

    hs = handshake(take, q_valid, q, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
                   reset=rst)
    return seq, hs


def gate_top(bit_fn):
    """The top block of a gate: ``y`` = ``bit_fn``'s bit, behind :func:`gate_reg`."""

    @block
    def gate(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
             p):
        take, y = Signal(bool(0)), Signal(bool(0))      # (declared in this order in the HDL)
        reg = gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                       m_y_tready)
        fn = bit_fn(clk, rst, take, s_ab_tdata, y, p)
        return reg, fn

    return gate


def gate_core(model, params, bit_fn, description: str, arith: dict) -> CoreDecl:
    """The ``CoreDecl`` of gate ``sc.<model's module name>``: top :func:`gate_top` of
    ``bit_fn``, ports :func:`gate_ports`, vectors = ``model.run_beats`` on
    :func:`~neurohdl.models.sc._gate.random_beats`."""

    def vectors(p, rng, n: int) -> Vectors:
        ab = random_beats(rng, n)
        return Vectors(inputs={"s_ab": ab},
                       outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})

    return CoreDecl(name="sc." + model.__name__.rsplit(".", 1)[1], version=__version__,
                    params=params, top=gate_top(bit_fn), ports=lambda p: gate_ports(),
                    description=description, arith=arith, vectors=vectors)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.mux_add``: y = sel ? b : a behind the shared gate register (``_gate``).

The select source advances once per accepted beat (``take``), so stalls never change which
select bit a beat meets:

    select = "toggle":  a T flip-flop ``sel`` (0 after reset), toggled on every transfer
    select = "lfsr":    the ``sc.lfsr`` recurrence (width ``select_width``) advanced on take;
                        sel = its state's bit w-1 (the MSB)

Timing: latency 1 cycle, throughput 1 beat per cycle; ``s_ab_tready = !rst && (!m_y_tvalid ||
m_y_tready)`` (see ``rtl_py/sc/_gate.py``).
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import mux_add as model
from neurohdl.models.sc.mux_add import MuxAddParams
from neurohdl.rtl.sc._gate import gate_ports, gate_reg


def ports(p: MuxAddParams):
    return gate_ports()


@block
def toggle_select(clk, rst, sel, take):
    """sel: a T flip-flop, 0 after reset, toggled by every transfer."""
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            sel.next = not sel

    return seq


@block
def lfsr_select(clk, rst, sel, take, p: MuxAddParams):
    """sel: the MSB of a Galois LFSR (the ``sc.lfsr`` recurrence, written out here so that the
    unused m_rnd_tvalid and low state bits of an instance do not become dangling wires),
    advanced by every transfer."""
    w = p.select_width
    state = Signal(intbv(p.select_seed)[w:])
    taps = const(p.select_taps, w)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if state[0]:
                state.next = (state >> 1) ^ taps
            else:
                state.next = state >> 1

    @always_comb
    def comb():
        sel.next = state[w - 1]

    return seq, comb


@block
def mux_add(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid, m_y_tready,
            p: MuxAddParams):
    y, take, sel = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    reg = gate_reg(clk, rst, y, take, s_ab_tvalid, s_ab_tready, m_y_tdata, m_y_tvalid,
                   m_y_tready)
    if p.select == "toggle":
        src = toggle_select(clk, rst, sel, take)
    else:
        src = lfsr_select(clk, rst, sel, take, p)

    @always_comb
    def comb():
        if sel:
            y.next = s_ab_tdata[1]
        else:
            y.next = s_ab_tdata[0]

    return reg, src, comb


def vectors(p: MuxAddParams, rng, n: int) -> Vectors:
    ab = gm.random_beats(rng, n)
    return Vectors(inputs={"s_ab": ab}, outputs={"m_y": [int(y) for y in model.run_beats(p, ab)]})


CORE = CoreDecl(
    name="sc.mux_add", version=__version__, params=MuxAddParams, top=mux_add, ports=ports,
    description="SC scaled adder: y = sel ? b : a, select from a toggle or an LFSR MSB, "
                "P(y) = (P(a) + P(b))/2",
    arith={"mux": "exact: one-bit 2:1 multiplexer",
           "select": "wrap: T flip-flop toggle, or LFSR GF(2) shift/XOR (no carries)"},
    vectors=vectors,
)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.mux_add``: y = sel ? b : a behind the shared gate register (``_gate``).

The select source advances once per accepted beat (``take``), so stalls never change which
select bit a beat meets:

    select = "toggle":  a T flip-flop ``sel`` (0 after reset), toggled on every transfer
    select = "lfsr":    the ``sc.lfsr`` recurrence (width ``select_width``) advanced on take;
                        sel = its state's bit w-1 (the MSB)

Ports, handshake and timing: ``rtl_py/sc/_gate.py``.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import const
from neurohdl.models.sc import mux_add as model
from neurohdl.models.sc.mux_add import MuxAddParams
from neurohdl.rtl.sc._gate import gate_core


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
def bit_fn(clk, rst, take, s_ab_tdata, y, p: MuxAddParams):
    sel = Signal(bool(0))
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

    return src, comb


CORE = gate_core(model, MuxAddParams, bit_fn,
                 "SC scaled adder: y = sel ? b : a, select from a toggle or an LFSR MSB, "
                 "P(y) = (P(a) + P(b))/2",
                 {"mux": "exact: one-bit 2:1 multiplexer",
                  "select": "wrap: T flip-flop toggle, or LFSR GF(2) shift/XOR (no carries)"})

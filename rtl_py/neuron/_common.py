# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the single-neuron designs: the port list every neuron core has.

    clk, rst                                  (rst synchronous, active high: state to 0)
    s_in_tdata   in   in_width (signed)       the timestep's synaptic input
    s_in_tvalid/tready                        one timestep per transfer
    m_out_tdata  out  width + 1 (+ extras)    {v, spike}: bit 0 spike, [width:1] membrane
    m_out_tvalid/tready                       one beat per input beat (output register)
    status_sat   out  1                       sticky: a saturating node saturated since reset
"""
from dataclasses import replace

from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, concat, intbv

from neurohdl.core import OUT, Port, clk_rst, stream


def neuron_ports(p, out_width: int | None = None, out_doc: str | None = None,
                 sat_doc: str = "sticky until reset: the integration saturated at least once"):
    ins = stream("s_in", p.in_width, "synaptic input of one timestep, signed two's complement, "
                                     "membrane LSB")
    ins[0] = replace(ins[0], signed=True)
    outs = stream("m_out", out_width or p.width + 1,
                  out_doc or "{v, spike}: bit 0 spike, bits [width:1] the membrane after the "
                             "update (signed)")
    return clk_rst() + ins + outs + [Port("status_sat", OUT, 1, "status", sat_doc)]


def sext(sig, width: int):
    """``sig`` (signed, n bits) sign-extended to ``width`` bits as a ConcatSignal of its sign bit
    and itself (unsigned: read it as ``x.signed()``); ``sig`` itself when n >= width.  Verilator
    -Wall accepts an adder whose result is one bit wider than its operands, not more, so
    operands are extended to width - 1 of the sum explicitly."""
    n = len(sig)
    if n >= width:
        return sig
    return ConcatSignal(*([sig(n - 1)] * (width - n)), sig)


@block
def stepped_neuron(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                   m_out_tready, status_sat, step, state_width: int, init_word: int, p):
    """A single-neuron core around its combinational timestep block ``step(st, x, nst, fire,
    sat, p)`` (the block ``neuron.engine`` also instantiates): the packed state ``st`` (reset
    to ``init_word``) and the spike are the output register, ``m_out_tdata = {st, spike}``.
    ``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)``; an accepted beat loads the next
    state and the spike, ORs the step's saturation into the sticky ``status_sat`` and sets
    ``m_out_tvalid``.  Latency 1 cycle, one timestep per cycle, tdata held while stalled."""
    st = Signal(intbv(init_word)[state_width:])
    nst = Signal(intbv(0)[state_width:])
    fire = Signal(bool(0))
    sat1 = Signal(bool(0))
    spk = Signal(bool(0))
    vld = Signal(bool(0))
    sat = Signal(bool(0))
    take = Signal(bool(0))
    core = step(st, s_in_tdata, nst, fire, sat1, p)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            st.next = nst
            spk.next = fire
            sat.next = sat or sat1
            vld.next = 1
        elif m_out_tready:
            vld.next = 0

    @always_comb
    def comb():
        take.next = s_in_tvalid and not rst and (not vld or m_out_tready)
        s_in_tready.next = not rst and (not vld or m_out_tready)
        m_out_tvalid.next = vld
        m_out_tdata.next = concat(st, spk)
        status_sat.next = sat

    return core, seq, comb


__all__ = ["neuron_ports", "sext", "stepped_neuron"]

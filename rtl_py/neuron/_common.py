"""Shared pieces of the single-neuron designs: the port list every neuron core has.

    clk, rst                                  (rst synchronous, active high: state to 0)
    s_in_tdata   in   in_width (signed)       the timestep's synaptic input
    s_in_tvalid/tready                        one timestep per transfer
    m_out_tdata  out  width + 1 (+ extras)    {v, spike}: bit 0 spike, [width:1] membrane
    m_out_tvalid/tready                       one beat per input beat (output register)
    status_sat   out  1                       sticky: a saturating node saturated since reset
"""
from dataclasses import replace

from myhdl import ConcatSignal

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


__all__ = ["neuron_ports", "sext"]

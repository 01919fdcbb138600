# SPDX-License-Identifier: Apache-2.0
"""The handshake of a one-register pipeline stage, shared by every core whose output stream is
one register deep (SC bit-stream cores, neuron cores, ...).

A core with input stream ``s_*`` and output stream ``m_*`` keeps its data registers (and any
state) in its own ``always_seq``, loaded when ``take`` is high, and instantiates
:func:`out_stage` for the rest::

    s_tready = en && (!m_tvalid || m_tready)     the slot is empty or being emptied
    take     = s_tvalid && s_tready              an input beat is accepted (out)
    m_tvalid : a register, set by take, else cleared by m_tready

``enable`` chooses ``en``: ``None`` (always 1), ``"rst"`` (``!rst``: not ready during reset,
as the SC gates and the neuron cores promise) or a one-bit Signal (e.g. an internal random
source's ``tvalid``).  Timing: latency 1 cycle, one beat per cycle, no combinational path from
``s_*`` or ``m_tready`` to ``m_tvalid``; ``s_tready`` follows ``m_tready`` combinationally
(a skid-free stage: put ``stream.skid`` behind it to cut that path).

MyHDL converts a generator's own source, so a core cannot hand its datapath to a shared block
as a Python function: what is shared is this block, instantiated beside the core's generators.
In the converted HDL its register is ``<instance>_vld`` (e.g. ``out_stage0_vld``).
"""
from myhdl import Signal, always_comb, always_seq, block

from neurohdl.errors import ParamError


@block
def out_stage(clk, rst, take, s_tvalid, s_tready, m_tvalid, m_tready, enable=None):
    """Drives ``take``, ``s_tready`` and ``m_tvalid`` (see the module docstring)."""
    vld = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            vld.next = 1
        elif m_tready:
            vld.next = 0

    if enable is None:
        @always_comb
        def comb():
            s_tready.next = not vld or m_tready
            take.next = s_tvalid and (not vld or m_tready)
            m_tvalid.next = vld
    elif enable == "rst":
        @always_comb
        def comb():
            s_tready.next = not rst and (not vld or m_tready)
            take.next = s_tvalid and not rst and (not vld or m_tready)
            m_tvalid.next = vld
    elif isinstance(enable, str):
        raise ParamError(f"out_stage.enable = {enable!r}: allowed None, 'rst' or a Signal")
    else:
        @always_comb
        def comb():
            s_tready.next = enable and (not vld or m_tready)
            take.next = s_tvalid and enable and (not vld or m_tready)
            m_tvalid.next = vld

    return seq, comb

# SPDX-License-Identifier: Apache-2.0
"""The handshake of a one-register pipeline stage, shared by every core whose output stream is
one register deep (SC bit-stream cores, neuron cores, ...).

A core with input stream ``s_*`` and output stream ``m_*`` holds its output register ``q``
(and any state) and its valid bit ``q_valid``, loads them when ``take`` is high, and
instantiates :func:`handshake` for the wiring::

    s_tready = en && (!q_valid || m_tready)      the slot is empty or being emptied
    take     = s_tvalid && s_tready              an input beat is accepted
    m_tdata  = q,  m_tvalid = q_valid

``en`` is 1 (default), ``!reset`` (``reset=rst``: not ready during reset, as the SC gates and
the neuron cores promise) or a one-bit Signal ``enable`` (e.g. an internal random source's
``tvalid``).  :func:`out_stage` adds the usual ``q_valid`` register (set by ``take``, else
cleared by ``m_tready``) for a core whose own process only loads data.

Timing: latency 1 cycle, one beat per cycle, no combinational path from ``s_*`` or
``m_tready`` to ``m_tvalid``/``m_tdata``; ``s_tready`` follows ``m_tready`` combinationally (a
skid-free stage: put ``stream.skid`` behind it to cut that path).

MyHDL converts a generator's own source, so a core cannot hand its datapath to a shared block
as a Python function: what is shared is these blocks, instantiated beside the core's own
generators.  :func:`handshake` holds assignments only, so it converts to the same ``assign``
lines as the same statements written in the core (the signals keep the core's names);
:func:`out_stage`'s register is named after its instance (``out_stage0_q_valid``).

:func:`source` is the output of a random or counter source that is always valid out of reset
(``sc.lfsr``, ``sc.halton``, ``sc.sobol``): its state is its tdata, a transfer advances it.
"""
from myhdl import Signal, always_comb, always_seq, block

from neurohdl.errors import ParamError


@block
def handshake(take, q_valid, q, s_tvalid, s_tready, m_tdata, m_tvalid, m_tready, enable=None,
              reset=None):
    """Drives ``take``, ``s_tready``, ``m_tdata`` and ``m_tvalid`` (see the module docstring);
    at most one of ``enable`` and ``reset``."""
    if enable is not None and reset is not None:
        raise ParamError("handshake: allowed enable or reset, not both")
    if reset is not None:
        @always_comb
        def comb():
            s_tready.next = not reset and (not q_valid or m_tready)
            take.next = s_tvalid and not reset and (not q_valid or m_tready)
            m_tdata.next = q
            m_tvalid.next = q_valid
    elif enable is not None:
        @always_comb
        def comb():
            s_tready.next = enable and (not q_valid or m_tready)
            take.next = s_tvalid and enable and (not q_valid or m_tready)
            m_tdata.next = q
            m_tvalid.next = q_valid
    else:
        @always_comb
        def comb():
            s_tready.next = not q_valid or m_tready
            take.next = s_tvalid and (not q_valid or m_tready)
            m_tdata.next = q
            m_tvalid.next = q_valid

    return comb


@block
def out_stage(clk, rst, take, q, s_tvalid, s_tready, m_tdata, m_tvalid, m_tready, enable=None,
              reset=None):
    """The valid register ``q_valid`` (set by ``take``, else cleared by ``m_tready``) and
    :func:`handshake` around the core's output register ``q`` (which the core loads on
    ``take``)."""
    q_valid = Signal(bool(0))
    hs = handshake(take, q_valid, q, s_tvalid, s_tready, m_tdata, m_tvalid, m_tready,
                   enable=enable, reset=reset)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_valid.next = 1
        elif m_tready:
            q_valid.next = 0

    return hs, seq


@block
def source(rst, value, m_tdata, m_tvalid):
    """An always-ready source's output: ``m_tdata = value``, ``m_tvalid = !rst`` (the core
    advances ``value`` on ``m_tready``: a transfer)."""

    @always_comb
    def comb():
        m_tdata.next = value
        m_tvalid.next = not rst

    return comb

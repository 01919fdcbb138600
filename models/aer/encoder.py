# SPDX-License-Identifier: Apache-2.0
"""Spike lines to address events: the bit-true, cycle-true specification of ``aer.encoder``.

Input ``s_spk``: one beat = the spike vector of one cycle (``tdata`` bit i = line i spiked),
``tlast`` = this vector is the last of its timestep.  Output ``m_aer``: one event per spike,
``tdata`` = the event word with ``neuron`` = the line index (x, y, payload 0), and the timestep
marker (``models/aer/event.py``): tlast on the timestep's last event, or a marker beat
(tdata 0, tlast 1, tuser 1) when its last vector has no spike.

State: ``pend`` (the spikes of the vector being sent), ``pend_last`` (its timestep marker is
still owed), ``ptr`` (round-robin start), the output register and ``dropped``.
``busy = pend != 0 or pend_last``.  Every cycle::

    s_spk_tready = not busy                            overflow = 'stall'
                 = not busy or not s_spk_tlast         overflow = 'drop'
    m_aer_*      = the output register;   status_dropped = dropped (wraps)

At the edge, when the output register is free (empty, or its beat transfers): a pending spike
is granted -- 'priority': the lowest line; 'round_robin': the lowest line >= ptr, else the
lowest -- and loaded (tlast when it is the vector's last spike and pend_last; ptr = line + 1,
wrapping); else an owed marker loads a marker beat; else the register empties.  A vector that
transfers while idle becomes ``pend``/``pend_last``; in drop mode a vector without tlast that
transfers while busy is discarded and its spikes are added to ``dropped``.  A vector with tlast
is never dropped (it waits), so every timestep is closed.  One event per cycle; a vector of k
spikes takes k cycles, its first event leaves 2 cycles after it was taken.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import _arbiter as arbiter
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params

INPUTS = ("s_spk_tvalid", "s_spk_tdata", "s_spk_tlast", "m_aer_tready")


@dataclass(frozen=True)
class EncoderParams(Params):
    """N spike lines -> address events, one per cycle."""

    n: int = pfield(16, "spike lines (s_spk_tdata bits); line i -> neuron i", lo=2, hi=256,
                    rand=(2, 20))
    arbitration: str = pfield("priority", "grant order of a vector's spikes: 'priority' = lowest "
                              "line first, 'round_robin' = from the line after the last granted",
                              choices=("priority", "round_robin"))
    overflow: str = pfield("stall", "a vector arriving while busy: 'stall' = back-pressure "
                           "(s_spk_tready low), 'drop' = accept it, discard its spikes and count "
                           "them in status_dropped (a vector with tlast waits instead)",
                           choices=("stall", "drop"))
    counter_bits: int = pfield(16, "bits of status_dropped (wraps)", lo=4, hi=32, rand=(4, 10))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")

    def check(self):
        if self.n > 1 << self.event.neuron_bits:
            raise self.error("event.neuron_bits", self.event.neuron_bits,
                             f"{(self.n - 1).bit_length()}..24 (n = {self.n} lines)")

    def derive(self):
        self.set_derived("index_bits", max(1, (self.n - 1).bit_length()))


class State(NamedTuple):
    pend: int
    pend_last: int
    ptr: int
    out: tuple[int, int, int] | None     # (tdata, tlast, tuser) held, or None
    dropped: int


def reset(p: EncoderParams) -> State:
    return State(0, 0, 0, None, 0)


def outputs(p: EncoderParams, st: State, ins: dict) -> dict:
    busy = bool(st.pend or st.pend_last)
    if not busy or p.overflow == "stall":
        ready = int(not busy)
    else:
        ready = None if ins.get("s_spk_tlast") is None else int(not ins["s_spk_tlast"])
    d, last, user = st.out if st.out else (None, None, None)
    return {"s_spk_tready": ready, "m_aer_tvalid": int(st.out is not None), "m_aer_tdata": d,
            "m_aer_tlast": last, "m_aer_tuser": user,
            "status_dropped": st.dropped & ((1 << p.counter_bits) - 1)}


def step(p: EncoderParams, st: State, ins: dict) -> State:
    ready = outputs(p, st, ins)["s_spk_tready"]
    pend, pend_last, ptr, out, dropped = st
    busy = bool(pend or pend_last)
    if out is None or ins["m_aer_tready"]:
        if pend:
            i = arbiter.grant(pend, ptr, p.arbitration == "round_robin")
            pend &= ~(1 << i)
            out = (i, int(bool(pend_last and not pend)), 0)
            pend_last = int(bool(pend_last and pend))
            ptr = arbiter.after(i, p.n)
        elif pend_last:
            out, pend_last = (0, 1, 1), 0
        else:
            out = None
    if ins["s_spk_tvalid"] and ready:
        if not busy:
            pend, pend_last = ins["s_spk_tdata"] & ((1 << p.n) - 1), int(bool(ins["s_spk_tlast"]))
        else:
            dropped += bin(ins["s_spk_tdata"] & ((1 << p.n) - 1)).count("1")
    return State(pend, pend_last, ptr, out, dropped)


def events(p: EncoderParams, vectors) -> list[tuple[int, int, int]]:
    """Transaction level, nothing dropped: the m_aer beats of (spike bits, tlast) vectors."""
    st, out = reset(p), []
    for bits, last in vectors:
        st = st._replace(pend=int(bits) & ((1 << p.n) - 1), pend_last=int(bool(last)))
        while st.pend or st.pend_last:
            st = step(p, st._replace(out=None), {"s_spk_tvalid": 0, "m_aer_tready": 1})
            out.append(st.out)
    return out

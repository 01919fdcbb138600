# SPDX-License-Identifier: Apache-2.0
"""4-phase REQ/ACK wrapper for asynchronous AER buses: the specification of ``aer.handshake4``.

Two independent halves between the clocked event streams and bundled-data AER buses whose other
end runs on no clock of ours (an off-chip sensor, a neuromorphic chip, another board).  REQ and
ACK are active high; ``data`` carries the beat word ``{tuser, tlast, tdata}`` (event.beat_word,
``width + 2`` bits), so timestep markers cross too.  One event, four phases::

    sender: data valid, then REQ 1  ->  receiver: takes data, ACK 1
    sender: REQ 0                   ->  receiver: ACK 0          (the next event may start)

* receive half (``aer_in_*`` -> ``m_out``): ``aer_in_req`` passes a synchroniser of
  ``sync_stages`` flops (2; 3 for a longer MTBF at high clock rates) before anything looks at
  it.  Seen high with ACK low and the output register free: ``aer_in_data`` is captured into
  the output register (``m_out_tvalid``) and ACK rises; seen low with ACK high: ACK falls.  The
  data is sampled ``sync_stages`` or more cycles after REQ rose (the bundled-data rule: data is
  stable before REQ rises and while REQ is high), never directly.  A stalled ``m_out`` holds
  ACK low: back-pressure reaches the async sender as a late ACK.
* send half (``s_in`` -> ``aer_out_*``): a beat taken on ``s_in`` (``s_in_tready`` = idle) is
  put on ``aer_out_data``; REQ rises one cycle later (data set-up of a clock period); REQ falls
  when the synchronised ``aer_out_ack`` is high, and the half is idle again (tready) when the
  synchronised ACK is low.  ``aer_out_data`` is held until the next beat.

Transaction level the wrapper is the identity on each half: every beat once, in order
(:func:`run`); what is not cycle-true is when (the other end's delays are not ours).
:func:`check_phases` is the protocol rule a test applies to one side's observed edges.
"""
from __future__ import annotations

from dataclasses import dataclass

from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params


@dataclass(frozen=True)
class Handshake4Params(Params):
    """Both halves of a 4-phase REQ/ACK wrapper for one event format."""

    sync_stages: int = pfield(2, "flops synchronising the incoming REQ (receive half) and ACK "
                              "(send half): 2, or 3 for a longer MTBF", choices=(2, 3))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")

    def derive(self):
        self.set_derived("data_bits", self.event.width + 2)


def run(p: Handshake4Params, beats) -> list[tuple[int, int, int]]:
    """Each half at transaction level: the beats leave as they came (tdata masked to the event
    width)."""
    return [event.word_beat(p.event, event.beat_word(p.event, b)) for b in beats]


def check_phases(edges) -> list[str]:
    """The 4-phase rule on one side's edges, in time order: ``edges`` are ``(signal, level)``
    with signal 'req' or 'ack'.  The only legal order is req 1, ack 1, req 0, ack 0, repeated;
    returns what broke it (empty: legal)."""
    order = [("req", 1), ("ack", 1), ("req", 0), ("ack", 0)]
    errors, k = [], 0
    for i, e in enumerate(edges):
        if tuple(e) != order[k % 4]:
            errors.append(f"edge {i}: {e[0]} -> {e[1]} where {order[k % 4][0]} -> "
                          f"{order[k % 4][1]} was due")
            break
        k += 1
    return errors

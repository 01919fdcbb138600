# SPDX-License-Identifier: Apache-2.0
"""Event FIFO with counters: the bit-true, cycle-true specification of ``aer.fifo``.

A ``stream.fifo`` of ``depth`` beats, each beat stored as ``{tuser, tlast, tdata}``
(``event.beat_word``), between ``s_in`` and ``m_out``, plus three wrapping counters of
``counter_bits`` bits: ``status_in`` (beats transferred on ``s_in``), ``status_out`` (on
``m_out``) and ``status_dropped`` (transferred on ``s_in`` but not stored).  Every cycle::

    status_in == status_out + status_dropped + status_count      (mod 2**counter_bits)

The outputs of a cycle depend only on the state at its start, except ``s_in_tready`` with
``full = 'drop'``, which also depends on ``s_in_tlast`` (a combinational path, allowed by
AXI-Stream: tready may depend on tvalid and the payload; tvalid never depends on tready)::

    room           = status_count < depth
    s_in_tready    = room                          full = 'stall'
                   = room or not s_in_tlast        full = 'drop'
    m_out_tvalid   = status_count > 0, m_out_{tdata, tlast, tuser} = the oldest beat held

At the edge a beat on ``s_in`` (tvalid and tready) is stored when there is room, else (drop
mode, an event without tlast) dropped and counted; a pop on ``m_out`` removes the oldest beat.
Markers (beats with tlast: a timestep's last event or its marker beat) are never dropped: a
marker that meets a full FIFO waits (s_in_tready low) until a pop makes room; the events
behind it wait with it.  Stall mode drops nothing: s_in_tready is low while full.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.models.stream import fifo as stream_fifo
from neurohdl.models.stream.fifo import MAX_DEPTH, FifoParams
from neurohdl.params import Params, pfield, pfield_params

INPUTS = ("s_in_tvalid", "s_in_tdata", "s_in_tlast", "s_in_tuser", "m_out_tready")


@dataclass(frozen=True)
class AerFifoParams(Params):
    """An event FIFO of ``depth`` beats with in/out/dropped counters."""

    depth: int = pfield(16, "beats held (a power of two)", lo=2, hi=MAX_DEPTH)
    storage: str = pfield("bram", "memory, as stream.fifo: 'bram' = block RAM, 'lut' = "
                          "LUT/distributed RAM", choices=("bram", "lut"))
    full: str = pfield("stall", "what a full FIFO does to a beat without tlast: 'stall' = "
                       "back-pressure (s_in_tready low), 'drop' = accept it, discard it and count "
                       "it in status_dropped (a beat with tlast is never dropped: it waits)",
                       choices=("stall", "drop"))
    counter_bits: int = pfield(16, "bits of status_in, status_out, status_dropped (they wrap)",
                               lo=4, hi=32, rand=(4, 10))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")

    def check(self):
        if self.depth & (self.depth - 1):
            raise self.error("depth", self.depth, f"a power of two 2..{MAX_DEPTH}")

    def derive(self):
        self.set_derived("count_width", self.depth.bit_length())

    @property
    def fifo(self) -> FifoParams:
        """The Params of the stream.fifo that stores the beats ({tuser, tlast, tdata})."""
        return FifoParams(depth=self.depth, width=self.event.width + 2, storage=self.storage)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "depth":
            return rng.choice([2, 2, 4, 8, 16, 16])
        return super()._random_field(f, rng, partial)


class State(NamedTuple):
    q: tuple[int, ...]           # beat words held, oldest first (event.beat_word)
    n_in: int
    n_out: int
    n_dropped: int


def reset(p: AerFifoParams) -> State:
    return State((), 0, 0, 0)


def outputs(p: AerFifoParams, st: State, ins: dict) -> dict:
    """The outputs during a cycle that starts in ``st`` with inputs ``ins`` (port -> int, or
    None for an unknown value); None = not defined (the head while empty; s_in_tready in drop
    mode while full with s_in_tlast unknown)."""
    room = len(st.q) < p.depth
    if room or p.full == "stall":
        ready = int(room)
    else:
        ready = None if ins.get("s_in_tlast") is None else int(not ins["s_in_tlast"])
    head = event.word_beat(p.event, st.q[0]) if st.q else (None, None, None)
    mask = (1 << p.counter_bits) - 1
    return {"s_in_tready": ready, "m_out_tvalid": int(bool(st.q)),
            "m_out_tdata": head[0], "m_out_tlast": head[1], "m_out_tuser": head[2],
            "status_count": len(st.q), "status_in": st.n_in & mask,
            "status_out": st.n_out & mask, "status_dropped": st.n_dropped & mask}


def step(p: AerFifoParams, st: State, ins: dict) -> State:
    """The state after the clock edge of a cycle with inputs ``ins``."""
    ready = outputs(p, st, ins)["s_in_tready"]
    valid = int(bool(ins["s_in_tvalid"]))
    word = event.beat_word(p.event, (ins["s_in_tdata"], ins["s_in_tlast"], ins["s_in_tuser"])) \
        if valid else 0
    # the storage is a stream.fifo whose s_in_tvalid is ours: it stores when it has room
    q, fo = stream_fifo.step(p.fifo, st.q, valid, word, ins["m_out_tready"])
    taken = valid and ready
    return State(q, st.n_in + taken, st.n_out + (fo.m_out_tvalid and ins["m_out_tready"]),
                 st.n_dropped + (taken and not fo.s_in_tready))


def run(p: AerFifoParams, beats) -> list[tuple[int, int, int]]:
    """Transaction level where nothing is dropped (stall mode, or never full): the beats leave
    as they came (tdata masked to the event width)."""
    return [event.word_beat(p.event, event.beat_word(p.event, b)) for b in beats]


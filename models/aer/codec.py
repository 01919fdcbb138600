# SPDX-License-Identifier: Apache-2.0
"""Delta-timestamp AER codec: the bit-true, cycle-true specification of ``aer.codec`` (the
seed's ``AERSpikeCodec(timestamp_bits, neuron_bits)``), and the functions the host library
(sw/aer_codec.py) shares.

**Code word** (``width = timestamp_bits + neuron_bits`` bits; ``neuron_bits`` = the event
word's width, so the whole event word is coded)::

    word = dt << neuron_bits | a          U = 2**timestamp_bits - 1   (the escape code)

* ``dt < U``: an *event*: the event word ``a``, ``dt`` timesteps after the previous word's
  timestep (0: the same timestep).  The first word counts from timestep 0.
* ``dt = U``: an *escape*: no event; time advances by ``(a + 1) * U`` timesteps.  So a gap of
  ``g`` timesteps before an event is ``g // U`` escape units (carried by as few escape words
  as possible, at most ``2**neuron_bits`` units a word) and then the event with ``g % U``.

**The canonical stream** is what the streaming encoder emits: it counts the timesteps closed
since the last word (``gap``); whenever ``gap`` reaches ``U`` it becomes one pending escape
unit (``gap`` back to 0).  Pending units go out as one escape word just before the next event,
or at once when they reach ``2**neuron_bits`` (the longest escape).  Timesteps after the last
event are coded only by such full escapes (the host knows how many timesteps were recorded).

Hardware (``direction``): 'encode' takes an AER stream (event.py: tlast closes a timestep, a
marker beat closes an empty one) on ``s_in`` and gives code words on ``m_code``; 'decode'
takes code words on ``s_code`` and gives an AER stream on ``m_out`` in which every timestep is
closed by a marker beat (a decoder cannot know an event is its timestep's last before the next
word: event.py allows a marker beat after events).

Encoder cycle contract (``out``: the output register; ``units``: pending escape units)::

    free          = out empty or m_code_tready
    s_in_tready   = free and not (units > 0 and s_in_tuser == 0)
    m_code_tvalid = out held, m_code_tdata = out

at the edge, when free: an event waiting behind pending units (tvalid, tuser 0, units > 0)
loads the escape word ``{U, units - 1}`` (the event waits a cycle); else a transferred beat
loads its event word ``{gap, tdata}`` (an event) and closes a timestep (tlast), which may load
a full escape ``{U, 2**neuron_bits - 1}`` (a marker beat: then no event word competes); else
``out`` empties.  Decoder::

    free          = out empty or m_out_tready
    s_code_tready = left == 0 and (no held event or free)

at the edge, when free, ``out`` loads a marker beat while ``left > 0`` (``left -= 1``), else the
held event (tlast 0), else empties; a transferred word sets ``left`` (escape: ``(a + 1) * U``;
event: ``dt``) and the held event (event: ``a``).  Both: one word (one event) a cycle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params


@dataclass(frozen=True)
class CodecParams(Params):
    """A delta-timestamp codec of AER events with escape words for long gaps."""

    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py); "
                                       "the whole word is coded (neuron_bits = its width)")
    timestamp_bits: int = pfield(16, "bits of a code word's delta timestamp; "
                                 "2**timestamp_bits - 1 is the escape code", lo=2, hi=24,
                                 rand=(2, 5))
    direction: str = pfield("encode", "'encode': AER stream -> code words; 'decode': code "
                            "words -> AER stream", choices=("encode", "decode"))

    def derive(self):
        self.set_derived("neuron_bits", self.event.width)
        self.set_derived("width", self.timestamp_bits + self.event.width)
        self.set_derived("escape", (1 << self.timestamp_bits) - 1)


# ---------------------------------------------------------------- transaction level -------

def split(p: CodecParams, word: int) -> tuple[int, int]:
    """(dt, a) of a code word."""
    word = int(word)
    return word >> p.neuron_bits, word & ((1 << p.neuron_bits) - 1)


def escape_word(p: CodecParams, units: int) -> int:
    """The escape word that advances time by ``units`` escape units (1..2**neuron_bits)."""
    return (p.escape << p.neuron_bits) | (units - 1)


def close_timestep(p: CodecParams, gap: int, units: int) -> tuple[int, int, int | None]:
    """A timestep closes: (gap, units, the full escape word to emit now or None)."""
    gap += 1
    if gap < p.escape:
        return gap, units, None
    units += 1
    if units == 1 << p.neuron_bits:
        return 0, 0, escape_word(p, units)
    return 0, units, None


def encode(p: CodecParams, beats) -> list[int]:
    """The canonical code words of an AER stream (beats (tdata, tlast, tuser))."""
    out, gap, units = [], 0, 0
    for tdata, tlast, tuser in beats:
        if not tuser:
            if units:
                out.append(escape_word(p, units))
                units = 0
            out.append((gap << p.neuron_bits) | int(tdata))
            gap = 0
        if tlast:
            gap, units, full = close_timestep(p, gap, units)
            if full is not None:
                out.append(full)
    return out


def decode(p: CodecParams, words) -> list[tuple[int, int, int]]:
    """The AER stream of code words: events (tlast 0), every timestep closed by a marker
    beat (the timestep of the last event stays open)."""
    out = []
    for w in words:
        dt, a = split(p, w)
        if dt == p.escape:
            out += [event.MARKER] * ((a + 1) * p.escape)
        else:
            out += [event.MARKER] * dt + [(a, 0, 0)]
    return out


def timesteps_beats(words_per_step) -> list[tuple[int, int, int]]:
    """AER beats of timesteps (lists of event words), each closed by a marker beat (the form
    :func:`decode` gives)."""
    out = []
    for ws in words_per_step:
        out += [(int(w), 0, 0) for w in ws] + [event.MARKER]
    return out


# ---------------------------------------------------------------- cycle level -------------

def inputs(p: CodecParams) -> tuple[str, ...]:
    if p.direction == "encode":
        return ("s_in_tvalid", "s_in_tdata", "s_in_tlast", "s_in_tuser", "m_code_tready")
    return ("s_code_tvalid", "s_code_tdata", "m_out_tready")


class State(NamedTuple):
    out: object            # encode: a code word; decode: a beat (tdata, tlast, tuser); or None
    gap: int               # encode: timesteps closed since the last word; decode: left
    units: int             # encode: pending escape units; decode: unused
    held: int | None       # decode: the event waiting behind its markers


def reset(p: CodecParams) -> State:
    return State(None, 0, 0, None)


def outputs(p: CodecParams, st: State, ins: dict) -> dict:
    if p.direction == "encode":
        free = st.out is None or bool(ins.get("m_code_tready"))
        user = ins.get("s_in_tuser")
        if not free or not st.units:
            ready = int(free)
        else:
            ready = None if user is None else int(bool(user))
        return {"s_in_tready": ready, "m_code_tvalid": int(st.out is not None),
                "m_code_tdata": st.out}
    free = st.out is None or bool(ins.get("m_out_tready"))
    d, last, user = st.out if st.out is not None else (None, None, None)
    return {"s_code_tready": int(st.gap == 0 and (st.held is None or free)),
            "m_out_tvalid": int(st.out is not None), "m_out_tdata": d, "m_out_tlast": last,
            "m_out_tuser": user}


def step(p: CodecParams, st: State, ins: dict) -> State:
    o = outputs(p, st, ins)
    if p.direction == "encode":
        if not (st.out is None or ins["m_code_tready"]):
            return st
        valid, user = bool(ins["s_in_tvalid"]), bool(ins["s_in_tuser"])
        if st.units and valid and not user:
            return State(escape_word(p, st.units), st.gap, 0, None)
        if not (valid and o["s_in_tready"]):
            return State(None, st.gap, st.units, None)
        word, gap, units = None, st.gap, st.units
        if not user:
            word, gap = (gap << p.neuron_bits) | int(ins["s_in_tdata"]), 0
        if ins["s_in_tlast"]:
            gap, units, full = close_timestep(p, gap, units)
            if full is not None:
                word = full                   # a marker beat: no event word this cycle
        return State(word, gap, units, None)
    out, left, held = st.out, st.gap, st.held
    if st.out is None or ins["m_out_tready"]:
        if left:
            out, left = event.MARKER, left - 1
        elif held is not None:
            out, held = (held, 0, 0), None
        else:
            out = None
    if ins["s_code_tvalid"] and o["s_code_tready"]:
        dt, a = split(p, ins["s_code_tdata"])
        left, held = ((a + 1) * p.escape, None) if dt == p.escape else (dt, a)
    return State(out, left, 0, held)

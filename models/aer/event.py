# SPDX-License-Identifier: Apache-2.0
"""The AER event word and the timestep marker: one format for every ``aer`` core.

An event is one stream beat.  ``tdata`` is the event word, packed LSB first (``EventParams``)::

    tdata = payload << payload_lsb | y << y_lsb | x << x_lsb | neuron

    field    bits            meaning
    neuron   neuron_bits     neuron index inside its population (an engine's spike address)
    x        x_bits          tile column (0 bits: no such field)
    y        y_bits          tile row    (0 bits: no such field)
    payload  payload_bits    graded-spike value (0 bits: binary spikes); two's complement
                             when payload_signed

The *address* is ``tdata``'s low ``address_bits = neuron_bits + x_bits + y_bits`` bits: the
route key a multicast table matches (x, y: a destination tile for unicast routing).  With
``x_bits = y_bits = payload_bits = 0`` the word is the bare neuron index that ``neuron.engine``
emits on ``m_aer``.

The timestep travels in the stream (CONVENTIONS 2.6): ``tlast`` marks the last beat of a
timestep.  A source ends a timestep with events by ``tlast`` on its last event, and a timestep
without events by one *marker beat* (``tuser = 1``, ``tlast = 1``, ``tdata = 0``: no event; a
merger may also close a timestep that had events with one).  A beat with ``tuser = 1`` and
``tlast = 0`` is illegal.  Every beat with ``tlast = 1`` -- the last
event or the marker beat -- closes exactly one timestep: "the marker" of that timestep.  Beats
are (tdata, tlast, tuser) triples here (:func:`beats`, :func:`timesteps`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.params import Params, pfield

MARKER = (0, 1, 1)          # the beat of a timestep without events
FIELDS = ("neuron", "x", "y", "payload")   # LSB first


@dataclass(frozen=True)
class EventParams(Params):
    """The event word: neuron index, optional tile coordinates, optional graded payload."""

    neuron_bits: int = pfield(8, "bits of the neuron index (the word's lowest field)",
                              lo=1, hi=24, rand=(1, 10))
    x_bits: int = pfield(0, "bits of the tile column x (0: no x field)", lo=0, hi=8,
                         rand=(0, 4))
    y_bits: int = pfield(0, "bits of the tile row y (0: no y field)", lo=0, hi=8, rand=(0, 4))
    payload_bits: int = pfield(0, "bits of the graded-spike payload, the word's top field "
                               "(0: binary spikes)", lo=0, hi=16, rand=(0, 8))
    payload_signed: bool = pfield(False, "the payload is two's complement (else unsigned)")

    def derive(self):
        self.set_derived("x_lsb", self.neuron_bits)
        self.set_derived("y_lsb", self.neuron_bits + self.x_bits)
        self.set_derived("payload_lsb", self.neuron_bits + self.x_bits + self.y_bits)
        self.set_derived("address_bits", self.neuron_bits + self.x_bits + self.y_bits)
        self.set_derived("width", self.address_bits + self.payload_bits)

    def layout(self) -> list[tuple[str, int, int]]:
        """(field, lsb, bits) of each present field, LSB first."""
        lsb = {"neuron": 0, "x": self.x_lsb, "y": self.y_lsb, "payload": self.payload_lsb}
        return [(f, lsb[f], getattr(self, f"{f}_bits")) for f in FIELDS
                if getattr(self, f"{f}_bits")]

    def field_range(self, name: str) -> tuple[int, int]:
        """The values field ``name`` holds (payload signed when ``payload_signed``)."""
        bits = getattr(self, f"{name}_bits")
        if name == "payload" and self.payload_signed and bits:
            return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        return 0, (1 << bits) - 1


def pack(p: EventParams, neuron, x=0, y=0, payload=0) -> np.ndarray:
    """Event words (uint64) of the fields (scalars or arrays, broadcast).  A value outside its
    field raises ParamError naming it: ``event.neuron = 300: allowed 0..255``."""
    values = {f: np.asarray(v, dtype=np.int64) for f, v in zip(FIELDS, (neuron, x, y, payload))}
    for name, v in values.items():          # every value checked before anything is packed
        lo, hi = p.field_range(name)
        bad = (v < lo) | (v > hi)
        if np.any(bad):
            raise ParamError(f"event.{name} = {int(v[bad].flat[0])}: allowed {lo}..{hi} "
                             f"({name}_bits = {getattr(p, name + '_bits')})")
    out = np.zeros(np.broadcast(*values.values()).shape, dtype=np.uint64)
    for name, lsb, bits in p.layout():
        out |= (values[name].astype(np.uint64) & np.uint64((1 << bits) - 1)) << np.uint64(lsb)
    return out


def unpack(p: EventParams, words) -> dict[str, np.ndarray]:
    """The fields (int64 arrays; absent fields 0, payload sign-extended when signed) of event
    words; a word wider than ``width`` bits raises ParamError."""
    w = np.asarray(words, dtype=np.uint64)
    if np.any(w >> np.uint64(p.width)):
        raise ParamError(f"event word = {int(w[(w >> np.uint64(p.width)) != 0].flat[0]):#x}: "
                         f"allowed 0..{(1 << p.width) - 1:#x} (width = {p.width})")
    out = {f: np.zeros(w.shape, dtype=np.int64) for f in FIELDS}
    for name, lsb, bits in p.layout():
        v = ((w >> np.uint64(lsb)) & np.uint64((1 << bits) - 1)).astype(np.int64)
        if name == "payload" and p.payload_signed:
            v = np.where(v >= 1 << (bits - 1), v - (1 << bits), v)
        out[name] = v
    return out


def beats(timesteps) -> list[tuple[int, int, int]]:
    """Stream beats (tdata, tlast, tuser) of timesteps (each a list of event words): the
    events in order, tlast on the last; an empty timestep is one :data:`MARKER` beat."""
    out = []
    for events in timesteps:
        events = [int(e) for e in events]
        if not events:
            out.append(MARKER)
        out += [(e, int(i == len(events) - 1), 0) for i, e in enumerate(events)]
    return out


def timesteps(stream) -> tuple[list[list[int]], list[int]]:
    """The inverse of :func:`beats`: (closed timesteps as lists of event words, the events
    after the last marker: an open timestep).  An illegal beat (tuser without tlast) raises
    ParamError."""
    closed, cur = [], []
    for i, (tdata, tlast, tuser) in enumerate(stream):
        if tuser and not tlast:
            raise ParamError(f"beat {i} = (tdata {int(tdata):#x}, tlast 0, tuser 1): allowed "
                             "tuser = 1 only with tlast = 1 (the marker beat)")
        if not tuser:
            cur.append(int(tdata))
        if tlast:
            closed.append(cur)
            cur = []
    return closed, cur


def beat_word(p: EventParams, beat) -> int:
    """A beat as one ``width + 2``-bit word ``{tuser, tlast, tdata}`` (how aer FIFOs store it)."""
    tdata, tlast, tuser = beat
    return (int(tuser) << (p.width + 1)) | (int(tlast) << p.width) | \
        (int(tdata) & ((1 << p.width) - 1))


def word_beat(p: EventParams, word: int) -> tuple[int, int, int]:
    """The inverse of :func:`beat_word`."""
    word = int(word)
    return word & ((1 << p.width) - 1), (word >> p.width) & 1, (word >> (p.width + 1)) & 1


def random_timesteps(p: EventParams, rng, n_events: int, p_empty: float = 0.2,
                     mean_len: float = 4.0) -> list[list[int]]:
    """About ``n_events`` random event words cut into timesteps, some of them empty, words with
    every field at its minimum and maximum often."""
    out, left = [], n_events
    while left > 0:
        k = 0 if rng.random() < p_empty else min(left, 1 + int(rng.expovariate(1 / mean_len)))
        out.append([random_word(p, rng) for _ in range(k)])
        left -= max(k, 1)
    return out


def random_word(p: EventParams, rng) -> int:
    """One event word: each field random, at its minimum or at its maximum."""
    vals = []
    for name in FIELDS:
        lo, hi = p.field_range(name)
        r = rng.random()
        vals.append(lo if r < 0.2 else hi if r < 0.4 else rng.randint(lo, hi))
    return int(pack(p, *vals))

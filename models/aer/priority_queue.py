# SPDX-License-Identifier: Apache-2.0
"""Strict-priority event queue with a drop latch: the bit-true, cycle-true specification of
``aer.priority_queue`` (the seed's ``AERPriorityQueueReference``).

The queue holds at most ``depth`` beats ``{tuser, tlast, tdata}`` (``event.beat_word``) in
arrival order, ``q[0]`` the oldest.  The *priority* of a beat is the bit field
``tdata[priority_lsb +: priority_bits]``; its *key* is the priority (``priority_order =
'high'``: the largest value first) or its bitwise complement (``'low'``: the smallest first).

**Timesteps are barriers.**  The *head timestep* is ``q[0] .. q[k]``, ``k`` the first beat with
tlast (all of ``q`` when none has).  Beat ``i`` is *eligible* when it lies in the head timestep
and is an event (tuser 0) or ``i = 0`` (a marker beat leaves only when nothing precedes it).
Every cycle, with ``n = len(q)``::

    sel            = the eligible beat of the largest key, the oldest (lowest i) on ties --
                     unless m_out was stalled the cycle before (tvalid without tready): then
                     the beat offered then (``held``), so tdata stays stable while stalled
    m_out_tvalid   = n > 0        (q[0] is always eligible, so a beat is always on offer)
    m_out_tdata    = tdata of q[sel]; m_out_tuser = its tuser
    m_out_tlast    = its tlast and sel == 0   (the last beat left of its timestep)
    s_in_tready    = n < depth                             full = 'stall'
                   = n < depth or not s_in_tlast           full = 'drop'
    status_count   = n;  status_full = (n == depth)

``m_out`` is the *peek*: the head is shown without being consumed until ``m_out_tready``.
AXI-Stream wants tdata stable while stalled, so the choice is made when a beat is first offered
and kept until it transfers: a beat of larger key arriving meanwhile leaves next (at most one
beat of priority inversion, only under back-pressure).
At the edge, in this order:

1. *dequeue* (``m_out_tvalid and m_out_tready``): ``q[sel]`` is removed; if it carried tlast and
   ``sel > 0``, its tlast moves to ``q[sel - 1]`` (the youngest beat left of that timestep, which
   then closes it): a timestep leaves highest key first, closed by tlast on its last beat;
2. *enqueue* (``s_in_tvalid and s_in_tready``): the beat is appended when ``len(q) < depth``
   after step 1 -- so a full queue that dequeues in the same cycle takes an event without
   dropping it (a beat with tlast at a full queue waits one cycle: s_in_tready is low); else
   (drop mode, an event without tlast arriving at a full queue with no dequeue) it is *dropped*.

Counters: ``status_in``, ``status_out``, ``status_dropped`` (``counter_bits``, wrapping, cleared
by reset only) count enqueue transfers, dequeues and drops, so every cycle::

    status_in == status_out + status_dropped + status_count      (mod 2**counter_bits)

The *drop latch*: ``status_drop_count`` (``drop_bits``) counts drops and saturates at
``2**drop_bits - 1``; ``status_drop = status_drop_count != 0`` (sticky).  Both are cleared by a
one-cycle pulse on ``drop_clear``; a drop in the same cycle as the clear is counted after it
(the count becomes 1), so none is missed.  Stall mode never drops (all drop counters stay 0).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params

INPUTS = ("s_in_tvalid", "s_in_tdata", "s_in_tlast", "s_in_tuser", "m_out_tready",
          "drop_clear")


@dataclass(frozen=True)
class PriorityQueueParams(Params):
    """A strict-priority queue of ``depth`` event beats, oldest first on equal priority,
    timesteps kept in order, with a drop latch and in/out/dropped counters."""

    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")
    depth: int = pfield(8, "beats held (registers: any size)", lo=2, hi=16, rand=(2, 8))
    priority_bits: int = pfield(2, "bits of the priority field of the event word",
                                lo=1, hi=lambda p: min(8, p.event.width), rand=(1, 3))
    priority_lsb: int | None = pfield(None, "lowest bit of the priority field in tdata (none: "
                                      "the word's top priority_bits bits)", lo=0,
                                      hi=lambda p: p.event.width - p.priority_bits,
                                      optional=True)
    priority_order: str = pfield("high", "which beat leaves first: 'high' = the largest "
                                 "priority value, 'low' = the smallest",
                                 choices=("high", "low"))
    full: str = pfield("drop", "what a full queue does to an event without tlast: 'drop' = "
                       "accept it, discard it and count it (unless a dequeue frees a slot in "
                       "the same cycle), 'stall' = back-pressure (s_in_tready low); a beat with "
                       "tlast is never dropped: it waits", choices=("drop", "stall"))
    counter_bits: int = pfield(16, "bits of status_in, status_out, status_dropped (they wrap)",
                               lo=4, hi=32, rand=(4, 10))
    drop_bits: int = pfield(8, "bits of status_drop_count (saturates; cleared by drop_clear)",
                            lo=1, hi=16, rand=(1, 4))

    def derive(self):
        if self.priority_lsb is None:
            self.resolve("priority_lsb", self.event.width - self.priority_bits)
        self.set_derived("count_width", self.depth.bit_length())
        self.set_derived("index_width", max(1, (self.depth - 1).bit_length()))


class State(NamedTuple):
    q: tuple[int, ...]           # beat words held (event.beat_word), oldest first
    n_in: int
    n_out: int
    n_dropped: int
    n_latch: int                 # status_drop_count (saturated)
    held: int | None             # the index on m_out, stalled the cycle before (else None)


def reset(p: PriorityQueueParams) -> State:
    return State((), 0, 0, 0, 0, None)


def key(p: PriorityQueueParams, tdata: int) -> int:
    """The ordering key of an event word: larger leaves first."""
    prio = (int(tdata) >> p.priority_lsb) & ((1 << p.priority_bits) - 1)
    return prio if p.priority_order == "high" else prio ^ ((1 << p.priority_bits) - 1)


def eligible(p: PriorityQueueParams, q) -> list[int]:
    """Indices of the beats that may leave now: the head timestep's events (a marker beat
    only at index 0)."""
    out = []
    for i, w in enumerate(q):
        _, last, user = event.word_beat(p.event, w)
        if i == 0 or not user:
            out.append(i)
        if last:
            break
    return out


def select(p: PriorityQueueParams, q) -> int | None:
    """The index of the beat on m_out: the largest key among the eligible, the oldest on ties
    (None when empty)."""
    best = None
    for i in eligible(p, q):               # the field lies inside tdata: keys of beat words
        if best is None or key(p, q[i]) > key(p, q[best]):
            best = i
    return best


def offered(p: PriorityQueueParams, st: State) -> int | None:
    """The index of the beat on m_out: the one held since a stall, else :func:`select`'s."""
    return st.held if st.held is not None else select(p, st.q)


def outputs(p: PriorityQueueParams, st: State, ins: dict) -> dict:
    """The outputs during a cycle that starts in ``st`` with inputs ``ins`` (port -> int, or
    None while unknown); None = not defined (the head while empty; s_in_tready in drop mode
    while full with s_in_tlast unknown)."""
    n = len(st.q)
    room = n < p.depth
    if room or p.full == "stall":
        ready = int(room)
    else:
        ready = None if ins.get("s_in_tlast") is None else int(not ins["s_in_tlast"])
    sel = offered(p, st)
    d, last, user = event.word_beat(p.event, st.q[sel]) if st.q else (None, None, None)
    mask = (1 << p.counter_bits) - 1
    return {"s_in_tready": ready, "m_out_tvalid": int(n > 0), "m_out_tdata": d,
            "m_out_tlast": None if last is None else int(last and sel == 0),
            "m_out_tuser": user, "status_count": n, "status_full": int(n == p.depth),
            "status_in": st.n_in & mask, "status_out": st.n_out & mask,
            "status_dropped": st.n_dropped & mask, "status_drop": int(st.n_latch != 0),
            "status_drop_count": st.n_latch}


def step(p: PriorityQueueParams, st: State, ins: dict) -> State:
    """The state after the clock edge of a cycle with inputs ``ins``."""
    ready = outputs(p, st, ins)["s_in_tready"]
    q = list(st.q)
    deq = bool(q) and bool(ins["m_out_tready"])
    sel = offered(p, st)
    if deq:
        w = q.pop(sel)
        if event.word_beat(p.event, w)[1] and sel > 0:
            q[sel - 1] |= 1 << p.event.width              # tlast moves to the timestep's last
    take = bool(ins["s_in_tvalid"]) and bool(ready)
    dropped = take and len(q) >= p.depth
    if take and not dropped:
        q.append(event.beat_word(p.event, (ins["s_in_tdata"], ins["s_in_tlast"],
                                           ins["s_in_tuser"])))
    latch = 0 if ins.get("drop_clear") else st.n_latch
    latch = min(latch + dropped, (1 << p.drop_bits) - 1)
    return State(tuple(q), st.n_in + take, st.n_out + deq, st.n_dropped + dropped, latch,
                 sel if st.q and not deq else None)


def drain(p: PriorityQueueParams, beats) -> list[tuple[int, int, int]]:
    """Transaction level: the beats (tdata, tlast, tuser) in the order a queue holding all of
    them dequeues them (the seed's ``drain``): timestep by timestep, each timestep's events by
    key, largest first, in arrival order on ties, tlast on the last (a marker beat alone)."""
    closed, rest = event.timesteps(beats)
    out = []
    for ts, last in [(t, 1) for t in closed] + ([(rest, 0)] if rest else []):
        if not ts:
            out.append(event.MARKER)
            continue
        ordered = sorted(ts, key=lambda w: -key(p, w))       # stable: oldest first on ties
        out += [(w, int(last and i == len(ordered) - 1), 0) for i, w in enumerate(ordered)]
    return out


def run(p: PriorityQueueParams, beats, ready) -> list[tuple[int, int, int]]:
    """Cycle level with the source offering the next beat every cycle and ``ready`` (a list,
    one m_out_tready per cycle, cycled) on the output: the beats that leave."""
    st, out, pos, t = reset(p), [], 0, 0
    beats = [tuple(int(x) for x in b) for b in beats]
    while pos < len(beats) or st.q:
        b = beats[pos] if pos < len(beats) else (0, 0, 0)
        ins = {"s_in_tvalid": int(pos < len(beats)), "s_in_tdata": b[0], "s_in_tlast": b[1],
               "s_in_tuser": b[2], "m_out_tready": ready[t % len(ready)], "drop_clear": 0}
        o = outputs(p, st, ins)
        if o["m_out_tvalid"] and ins["m_out_tready"]:
            out.append((o["m_out_tdata"], o["m_out_tlast"], o["m_out_tuser"]))
        pos += bool(ins["s_in_tvalid"] and o["s_in_tready"])
        st, t = step(p, st, ins), t + 1
    return out

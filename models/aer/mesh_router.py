# SPDX-License-Identifier: Apache-2.0
"""5-port XY mesh router: the bit-true, cycle-true specification of ``aer.mesh_router``.

Ports ``s_<port>``/``m_<port>`` for port in north, east, south, west, local (models/aer/_mesh.py:
the coordinates and XY routing), all AER streams (models/aer/event.py).  The router sits at
tile (x, y) of a cols x rows mesh.  A port facing outside the mesh is *tied off*: its input is a
constant marker source (a marker beat always at its head; ``s_<port>_tready`` = 0) and its
output an always-ready sink that receives markers only (``m_<port>_tvalid`` = 0).

State: per input a FIFO of ``depth`` beats, ``sent`` (the head is an event with tlast whose
event has been forwarded: it now stands for its marker) and ``taken`` (the outputs that have
emitted the head marker); per output a register (a beat or empty) and a round-robin start; the
counters.  Every cycle, from the state and the ``m_*_tready`` inputs:

* ``s_<i>_tready`` = input i's FIFO holds fewer than ``depth`` beats (a registered condition:
  no combinational path from an output to an input); ``m_<o>_*`` = output o's register;
* output o is *free* when its register is empty or transfers (tied off: always);
* the head of input i is a *marker* when it has tuser, or tlast and ``sent``; else an *event*,
  routed by ``_mesh.route`` (XY; DROP when the destination is outside the mesh or the route is
  a U-turn or a Y -> X turn);
* an event head routed to a free output *requests* it; each free output grants one requester,
  round robin (models/aer/_arbiter.py; start = the input after the last granted): the event
  goes into the output register without tlast/tuser; an event routed to DROP is discarded
  (``status_dropped``);
* a free output o *emits a marker* (a marker beat into its register) when every input in
  ``FEEDERS[o]`` has a marker at its head not yet taken by o; each of them then has o taken;
  (no input can request o then: the two never coincide)
* an input's event leaves its FIFO when granted or dropped, unless it has tlast: then it stays
  as the marker (``sent``); an input's marker leaves once every output in ``FEED[i]`` has taken
  it (``taken`` cleared);
* a beat transferred on ``s_<i>`` enters the FIFO.

**Marker rule.** Output o emits its marker of timestep t once every input that can route to o
has its marker of t at the head; an input's marker of t leaves once every output it can route
to has emitted t.  So no event of t + 1 overtakes a marker of t, and the local output's marker t
means every event of timestep t from every tile to this tile has arrived (a barrier), provided
every source closes every timestep.  Markers follow the XY channel dependencies, which are
acyclic: no deadlock (docs/cores/aer/mesh_router.md has the argument, tests/test_aer_mesh_model.py
checks it over random meshes, traffic and back-pressure).

**Counters** (``counter_bits``, wrapping) count events (beats without tuser): ``status_in`` on
every ``s_*``, ``status_out`` on every ``m_*``, ``status_dropped`` discarded; in = out + dropped
+ the events held (FIFOs and output registers) at all times.

**Timing.** One beat a cycle per port; an event entering at cycle c is granted at c + 1 at the
earliest and on its output at c + 2: two cycles a hop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import _arbiter as arbiter
from neurohdl.models.aer._mesh import (DROP, FEED, FEEDERS, PORTS, MeshEventParams, check_size,
                                       edge, route)
from neurohdl.models.aer.event import MARKER
from neurohdl.params import Params, pfield, pfield_params

SIGNALS = ("tvalid", "tdata", "tlast", "tuser")


@dataclass(frozen=True)
class MeshRouterParams(Params):
    """A 5-port XY router at tile (x, y) of a cols x rows mesh."""

    event: MeshEventParams = pfield_params(MeshEventParams, "the event word: x/y = the "
                                           "destination tile (models/aer/event.py)")
    cols: int = pfield(3, "mesh columns (x = 0..cols-1; at most 2**event.x_bits)", lo=1, hi=256,
                       rand=(1, 4))
    rows: int = pfield(3, "mesh rows (y = 0..rows-1; at most 2**event.y_bits)", lo=1, hi=256,
                       rand=(1, 4))
    x: int = pfield(1, "this router's column", lo=0, hi=lambda p: p.cols - 1)
    y: int = pfield(1, "this router's row", lo=0, hi=lambda p: p.rows - 1)
    depth: int = pfield(2, "input buffer beats per port (a power of two; 2 sustains one beat "
                        "a cycle)", lo=2, hi=16)
    counter_bits: int = pfield(16, "bits of status_in, status_out, status_dropped (they wrap)",
                               lo=4, hi=32, rand=(4, 10))

    def check(self):
        check_size(self)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "depth":
            return rng.choice([2, 2, 4])
        return super()._random_field(f, rng, partial)

    def live(self, port: int) -> bool:
        """Port ``port`` has a neighbour (or is local): not tied off."""
        return not edge(self, port)


def inputs(p: MeshRouterParams) -> tuple[str, ...]:
    return tuple(f"s_{n}_{s}" for n in PORTS for s in SIGNALS) + \
        tuple(f"m_{n}_tready" for n in PORTS)


class State(NamedTuple):
    q: tuple[tuple, ...]           # per input: beats held, oldest first ((tdata, tlast, tuser))
    sent: tuple[bool, ...]         # per input: the head's event has left (it is a marker now)
    taken: tuple[int, ...]         # per input: the outputs (bit o) that emitted its head marker
    out: tuple                     # per output: the register (a beat or None)
    ptr: tuple[int, ...]           # per output: round-robin start
    n_in: int
    n_out: int
    n_dropped: int


def reset(p: MeshRouterParams) -> State:
    return State(((),) * 5, (False,) * 5, (0,) * 5, (None,) * 5, (0,) * 5, 0, 0, 0)


class Decision(NamedTuple):
    grant: tuple            # per output: the input granted, or None
    marker: tuple           # per output: emits a marker
    drop: tuple             # per input: its head event is discarded
    free: tuple             # per output: free this cycle


def head(p: MeshRouterParams, st: State, i: int):
    """Input i's head beat (a tied-off input: always a marker beat), None when empty."""
    if not p.live(i):
        return MARKER
    return st.q[i][0] if st.q[i] else None


def is_marker(st: State, i: int, beat) -> bool:
    return bool(beat[2] or (beat[1] and st.sent[i]))


def decide(p: MeshRouterParams, st: State, ready) -> Decision:
    """This cycle's grants, markers and drops, with ``ready[o]`` = m_<o>_tready."""
    free = tuple(not p.live(o) or st.out[o] is None or bool(ready[o]) for o in range(5))
    heads = [head(p, st, i) for i in range(5)]
    to = [None if h is None or is_marker(st, i, h) else route(p, i, h[0])
          for i, h in enumerate(heads)]
    grant = tuple(arbiter.grant(sum(1 << i for i in range(5) if to[i] == o), st.ptr[o], True)
                  if free[o] else None for o in range(5))
    marker = tuple(free[o] and all(heads[i] is not None and is_marker(st, i, heads[i])
                                   and not st.taken[i] >> o & 1 for i in FEEDERS[o])
                   for o in range(5))
    return Decision(grant, marker, tuple(t == DROP for t in to), free)


def held(p: MeshRouterParams, st: State) -> int:
    """The events held: in the FIFOs (not counting a head whose event has left) and in the
    output registers."""
    n = sum(1 for o in st.out if o is not None and not o[2])
    for i in range(5):
        n += sum(1 for k, b in enumerate(st.q[i]) if not b[2] and not (k == 0 and st.sent[i]))
    return n


def outputs(p: MeshRouterParams, st: State, ins: dict | None = None) -> dict:
    """The outputs during a cycle that starts in ``st`` (they depend on the state only);
    None where not defined (an empty output register's tdata, tlast, tuser)."""
    mask = (1 << p.counter_bits) - 1
    out = {"status_in": st.n_in & mask, "status_out": st.n_out & mask,
           "status_dropped": st.n_dropped & mask}
    for k, name in enumerate(PORTS):
        live = p.live(k)
        out[f"s_{name}_tready"] = int(live and len(st.q[k]) < p.depth)
        b = st.out[k] if live else (0, 0, 0)
        out[f"m_{name}_tvalid"] = int(live and b is not None)
        for j, s in enumerate(("tdata", "tlast", "tuser")):
            out[f"m_{name}_{s}"] = None if b is None else b[j]
    return out


def step(p: MeshRouterParams, st: State, ins: dict) -> State:
    """The state after the clock edge of a cycle with inputs ``ins``."""
    ready = [ins.get(f"m_{n}_tready") for n in PORTS]
    offered = [tuple(ins[f"s_{n}_{s}"] for s in SIGNALS[1:]) if ins.get(f"s_{n}_tvalid")
               else None for n in PORTS]
    return advance(p, st, ready, offered)


def advance(p: MeshRouterParams, st: State, ready, offered) -> State:
    """``step`` on lists: ``ready[o]`` = m_<o>_tready, ``offered[i]`` = the beat offered on
    s_<i> (a tuple whose first three items are tdata, tlast, tuser; more items travel with
    an event: a tag for the mesh model) or None."""
    d = decide(p, st, ready)
    out, ptr, taken = list(st.out), list(st.ptr), list(st.taken)
    q, sent = [list(b) for b in st.q], list(st.sent)
    n_out = st.n_out + sum(1 for o in range(5) if p.live(o) and st.out[o] is not None
                           and ready[o] and not st.out[o][2])
    emitted = sum(1 << o for o in range(5) if d.marker[o])
    for o in range(5):
        g = d.grant[o]
        if g is not None:
            h = q[g][0]
            out[o], ptr[o] = (h[0], 0, 0, *h[3:]), arbiter.after(g, 5)
        elif d.marker[o]:
            out[o] = MARKER
        elif d.free[o]:
            out[o] = None
        if not p.live(o):
            out[o] = None
    granted = {g for g in d.grant if g is not None}
    for i in range(5):
        h = head(p, st, i)
        if h is None:
            continue
        if i in granted or d.drop[i]:
            if h[1]:
                sent[i] = True
            elif p.live(i):
                q[i].pop(0)
        elif is_marker(st, i, h) and emitted:
            taken[i] |= emitted & sum(1 << o for o in FEED[i])
            if taken[i] == sum(1 << o for o in FEED[i]):
                taken[i], sent[i] = 0, False
                if p.live(i):
                    q[i].pop(0)
    n_in = st.n_in
    for i in range(5):
        if offered[i] is not None and p.live(i) and len(st.q[i]) < p.depth:
            q[i].append(tuple(int(v) for v in offered[i][:3]) + tuple(offered[i][3:]))
            n_in += not offered[i][2]
    return State(tuple(map(tuple, q)), tuple(sent), tuple(taken), tuple(out), tuple(ptr),
                 n_in, n_out, st.n_dropped + sum(d.drop))


def run(p: MeshRouterParams, streams: dict, cycles: int = 10_000) -> dict:
    """Transaction level, every output always ready and every live input offering its next
    beat (``streams``: port name -> list of beats): port name -> the beats out (markers
    included) once the router is idle, or after ``cycles``."""
    st, pos, got = reset(p), dict.fromkeys(PORTS, 0), {n: [] for n in PORTS}
    for _ in range(cycles):
        offered = [streams.get(n, [])[pos[n]] if pos[n] < len(streams.get(n, [])) else None
                   for n in PORTS]
        o = outputs(p, st)
        for k, n in enumerate(PORTS):
            if o[f"m_{n}_tvalid"]:
                got[n].append(st.out[k][:3])
            if offered[k] is not None and o[f"s_{n}_tready"]:
                pos[n] += 1
        nxt = advance(p, st, [1] * 5, offered)
        if nxt == st and all(b is None for b in offered):
            break
        st = nxt
    return got


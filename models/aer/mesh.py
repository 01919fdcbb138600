# SPDX-License-Identifier: Apache-2.0
"""An R x C mesh of ``aer.mesh_router``: the cycle-level specification of ``aer.mesh`` and the
scoreboard of the mesh's tests and benchmarks.

Tile i = y * cols + x holds the router at (x, y) (models/aer/mesh_router.py); its local port is
the mesh's ``s_tile{i}``/``m_tile{i}``.  Neighbours are joined output register to input FIFO
(east of (x, y) to west of (x + 1, y), south of (x, y) to north of (x, y + 1), and back); ports
facing outside the mesh are tied off inside each router.  Every router's outputs depend on its
state alone, so a cycle is: every router's outputs, then every router steps on its neighbours'.

Counters (``counter_bits``, wrapping) count events: ``status_in`` accepted on the ``s_tile*``
ports, ``status_out`` delivered on the ``m_tile*`` ports, ``status_dropped`` discarded by any
router (destination outside the mesh); in = out + dropped + the events held in the mesh.

:func:`simulate` runs traffic through the mesh with back-pressure on the local outputs and
records, per event, the cycle it was offered, accepted and delivered.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

from neurohdl.models.aer import event, mesh_router as router
from neurohdl.models.aer._mesh import OPPOSITE, STEP, L, MeshEventParams, check_size, dest
from neurohdl.models.aer.mesh_router import MeshRouterParams
from neurohdl.params import Params, pfield, pfield_params

SIGNALS = router.SIGNALS


@dataclass(frozen=True)
class MeshParams(Params):
    """A rows x cols mesh of XY routers with a local port per tile."""

    event: MeshEventParams = pfield_params(MeshEventParams, "the event word: x/y = the "
                                           "destination tile (models/aer/event.py)")
    cols: int = pfield(2, "mesh columns (at most 2**event.x_bits)", lo=1, hi=16, rand=(1, 3))
    rows: int = pfield(2, "mesh rows (at most 2**event.y_bits)", lo=1, hi=16, rand=(1, 3))
    depth: int = pfield(2, "input buffer beats per router port (a power of two)", lo=2, hi=16)
    counter_bits: int = pfield(16, "bits of status_in, status_out, status_dropped (they wrap)",
                               lo=4, hi=32, rand=(4, 10))

    def check(self):
        check_size(self)

    def router(self, x: int, y: int) -> MeshRouterParams:
        """The Params of the router at (x, y)."""
        return MeshRouterParams(event=self.event, cols=self.cols, rows=self.rows, x=x, y=y,
                                depth=self.depth, counter_bits=self.counter_bits)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "depth":
            return rng.choice([2, 2, 4])
        return super()._random_field(f, rng, partial)

    @property
    def tiles(self) -> int:
        return self.rows * self.cols


def tile(p: MeshParams, x: int, y: int) -> int:
    return y * p.cols + x


def coords(p: MeshParams, i: int) -> tuple[int, int]:
    return i % p.cols, i // p.cols


@lru_cache(maxsize=32)
def routers(p: MeshParams) -> tuple[MeshRouterParams, ...]:
    """The routers' Params, by tile index (cached: the cycle functions ask every cycle)."""
    return tuple(p.router(*coords(p, i)) for i in range(p.tiles))


def neighbour(p: MeshParams, i: int, port: int) -> tuple[int, int] | None:
    """(tile, its input port) that output ``port`` of tile i feeds; None at an edge."""
    if port == L:
        return None
    x, y = coords(p, i)
    dx, dy = STEP[port]
    if not (0 <= x + dx < p.cols and 0 <= y + dy < p.rows):
        return None
    return tile(p, x + dx, y + dy), OPPOSITE[port]


def inputs(p: MeshParams) -> tuple[str, ...]:
    return tuple(f"s_tile{i}_{s}" for i in range(p.tiles) for s in SIGNALS) + \
        tuple(f"m_tile{i}_tready" for i in range(p.tiles))


class State(NamedTuple):
    r: tuple                 # the routers' states, by tile
    n_in: int
    n_out: int
    n_dropped: int


def reset(p: MeshParams) -> State:
    return State(tuple(router.reset(rp) for rp in routers(p)), 0, 0, 0)


def outputs(p: MeshParams, st: State, ins: dict | None = None) -> dict:
    """The outputs during a cycle that starts in ``st`` (the state only)."""
    mask = (1 << p.counter_bits) - 1
    out = {"status_in": st.n_in & mask, "status_out": st.n_out & mask,
           "status_dropped": st.n_dropped & mask}
    for i, rp in enumerate(routers(p)):
        o = router.outputs(rp, st.r[i])
        out[f"s_tile{i}_tready"] = o["s_local_tready"]
        for s in ("tvalid", "tdata", "tlast", "tuser"):
            out[f"m_tile{i}_{s}"] = o[f"m_local_{s}"]
    return out


def advance(p: MeshParams, st: State, ready, offered) -> State:
    """The state after the edge: ``ready[i]`` = m_tile{i}_tready, ``offered[i]`` = the beat
    offered on s_tile{i} (a tuple, extra items travel with the event; or None)."""
    rps = routers(p)
    rin: list[list] = [[None] * 5 for _ in rps]       # beat offered to each router input
    rready: list[list] = [[1] * 5 for _ in rps]       # tready seen by each router output
    for i, rp in enumerate(rps):
        rin[i][L], rready[i][L] = offered[i], ready[i]
        for port in range(4):
            nb = neighbour(p, i, port)
            if nb is None:
                continue
            j, their = nb
            b = st.r[i].out[port]
            rin[j][their] = b
            rready[i][port] = len(st.r[j].q[their]) < rps[j].depth
    n_in = st.n_in + sum(1 for i, rp in enumerate(rps) if offered[i] is not None
                         and not offered[i][2] and len(st.r[i].q[L]) < rp.depth)
    n_out = st.n_out + sum(1 for i in range(len(rps)) if ready[i] and st.r[i].out[L] is not None
                           and not st.r[i].out[L][2])
    r = tuple(router.advance(rp, st.r[i], rready[i], rin[i]) for i, rp in enumerate(rps))
    dropped = sum(r[i].n_dropped - st.r[i].n_dropped for i in range(len(rps)))
    return State(r, n_in, n_out, st.n_dropped + dropped)


def step(p: MeshParams, st: State, ins: dict) -> State:
    ready = [ins.get(f"m_tile{i}_tready") for i in range(p.tiles)]
    offered = [tuple(ins[f"s_tile{i}_{s}"] for s in SIGNALS[1:]) if ins.get(f"s_tile{i}_tvalid")
               else None for i in range(p.tiles)]
    return advance(p, st, ready, offered)


def held(p: MeshParams, st: State) -> int:
    """The events held in the mesh."""
    return sum(router.held(rp, st.r[i]) for i, rp in enumerate(routers(p)))


# ------------------------------------------------------------------ traffic simulation -------

@dataclass
class Event:
    """One event of a :func:`simulate` run: where from and to, and when."""

    src: int                    # tile that sent it
    seq: int                    # its index among the beats that tile sent
    tdata: int
    dest: int                   # destination tile (its x, y fields)
    timestep: int               # the source's timestep it belongs to
    offered: int                # cycle it was offered on s_tile{src} (its traffic entry)
    accepted: int | None = None  # cycle it transferred on s_tile{src}
    arrived: int | None = None  # cycle it transferred on m_tile{dest}
    at: int | None = None       # the tile it arrived at


@dataclass
class Run:
    """A :func:`simulate` result: ``events`` (in offer order per source), ``received[i]`` =
    the beats delivered on m_tile{i} as (tdata, tlast, tuser, cycle, Event or None for a
    marker beat), ``closed[i]`` = the timesteps tile i closed (tlast beats sent), ``cycles``
    run, the final ``state``, and ``idle``: every offered beat was accepted and the mesh
    holds nothing."""

    events: list[Event]
    received: list[list[tuple]]
    closed: list[int]
    cycles: int
    state: State
    idle: bool


def random_timesteps(p: MeshParams, rng, n_steps: int, events=(0, 3), outside: float = 0.0):
    """Per tile, ``n_steps`` timesteps of random events (a list of event words each, between
    ``events[0]`` and ``events[1]`` of them) to random tiles; a fraction ``outside`` of them to
    any coordinate the x/y fields hold (outside the mesh where the fields are wider than it).
    ``rng``: a ``random.Random``."""
    ev, out = p.event, []
    for _ in range(p.tiles):
        steps = []
        for _ in range(n_steps):
            ts = []
            for _ in range(rng.randint(*events)):
                tx, ty = rng.randrange(p.cols), rng.randrange(p.rows)
                if rng.random() < outside:
                    tx, ty = rng.randrange(1 << ev.x_bits), rng.randrange(1 << ev.y_bits)
                ts.append(int(event.pack(ev, rng.randrange(1 << ev.neuron_bits), tx, ty)))
            steps.append(ts)
        out.append(steps)
    return out


def traffic(steps, rate: float = 1.0, rng=None) -> list[list[tuple]]:
    """:func:`simulate`'s traffic from ``steps[i]`` = tile i's timesteps (each a list of event
    words; models/aer/event.py ``beats``): each tile's beats offered at ``rate`` beats a cycle
    (1: all from cycle 0; below 1: a Bernoulli source drawn from ``rng``, one beat at most a
    cycle; the offered load)."""
    out = []
    for tile_steps in steps:
        beats, cycle = [], 0
        for b in event.beats(tile_steps):
            if rate < 1:
                cycle += 1
                while rng.random() >= rate:
                    cycle += 1
            beats.append((cycle if rate < 1 else 0, b))
        out.append(beats)
    return out


def simulate(p: MeshParams, traffic, ready: Callable[[int, int], bool] | None = None,
             cycles: int = 100_000, until_idle: bool = True,
             watch: Callable[[int, State], None] | None = None) -> Run:
    """Run ``traffic`` through the mesh.  ``traffic[i]``: tile i's beats in order, each
    ``(cycle, (tdata, tlast, tuser))``: offered on s_tile{i} from that cycle on (a source queue
    of unlimited size: a beat waits behind the ones before it).  ``ready(i, cycle)``: m_tile{i}
    tready (default always).  Stops after ``cycles``, or (``until_idle``) once every beat has
    been accepted and the mesh holds nothing (local outputs included).  ``watch(cycle,
    state)``: called with the state at the start of every cycle."""
    st = reset(p)
    events, tagged, received = [], [], [[] for _ in range(p.tiles)]
    for i in range(p.tiles):
        ts, beats = 0, []
        for k, (c, b) in enumerate(traffic[i] if i < len(traffic) else []):
            ev = None
            if not b[2]:
                x, y = dest(p.event, b[0])
                ev = Event(i, k, int(b[0]), tile(p, x, y) if x < p.cols and y < p.rows
                           else -1, ts, int(c))
                events.append(ev)
            beats.append((int(c), (int(b[0]), int(b[1]), int(b[2]), ev)))
            ts += bool(b[1])
        tagged.append(beats)
    pos = [0] * p.tiles
    rps = routers(p)
    cycle = 0
    for cycle in range(cycles):
        if watch is not None:
            watch(cycle, st)
        offered = [tagged[i][pos[i]][1] if pos[i] < len(tagged[i])
                   and tagged[i][pos[i]][0] <= cycle else None for i in range(p.tiles)]
        rdy = [1 if ready is None else int(bool(ready(i, cycle))) for i in range(p.tiles)]
        for i, rp in enumerate(rps):
            r = st.r[i]
            if rdy[i] and r.out[L] is not None:
                b = r.out[L]
                ev = b[3] if len(b) > 3 else None
                if ev is not None:
                    ev.arrived, ev.at = cycle, i
                received[i].append((b[0], b[1], b[2], cycle, ev))
            if offered[i] is not None and len(r.q[L]) < rp.depth:
                if offered[i][3] is not None:
                    offered[i][3].accepted = cycle
                pos[i] += 1
        st = advance(p, st, rdy, offered)
        if until_idle and all(pos[i] == len(tagged[i]) for i in range(p.tiles)) and \
                all(not any(r.q) and r.out == (None,) * 5 for r in st.r):
            cycle += 1
            break
    else:
        cycle = cycles
    idle = all(pos[i] == len(tagged[i]) for i in range(p.tiles)) and held(p, st) == 0
    closed = [sum(1 for _, b in beats[:pos[i]] if b[1]) for i, beats in enumerate(tagged)]
    return Run(events, received, closed, cycle, st, idle)


def scoreboard(p: MeshParams, run: Run) -> list[str]:
    """What is wrong with a :func:`simulate` run (empty: nothing), from the traffic and the
    beats delivered alone: every event with a destination in the mesh arrives exactly once,
    at that tile, inside the timestep it was sent in (destination timestep t = the events of
    every source's timestep t to it, closed by the destination's t-th tlast), per (source,
    destination) in order; every destination closes as many timesteps as the source that
    closed fewest (the barrier), and no more; events outside the mesh never arrive."""
    errors: list[str] = []
    n_closed = min(run.closed)
    seen: dict[int, int] = {}
    for d, beats in enumerate(run.received):
        steps, cur = [], []
        for tdata, tlast, tuser, cycle, ev in beats:
            if tuser and (not tlast or tdata):
                errors.append(f"tile {d}: marker beat ({tdata:#x}, tlast {tlast}) at {cycle}")
            if ev is not None:
                seen[id(ev)] = seen.get(id(ev), 0) + 1
                cur.append(ev)
            if tlast:
                steps.append(cur)
                cur = []
        if len(steps) > n_closed or (run.idle and len(steps) < n_closed):
            errors.append(f"tile {d}: {len(steps)} timesteps closed, the sources closed "
                          f"{n_closed}")
        for t, evs in enumerate(steps + [cur]):
            want = {id(e) for e in run.events if e.dest == d and (
                e.timestep == t if t < len(steps) else e.timestep >= t)}
            got = {id(e) for e in evs}
            missing = len(want - got) if run.idle or t < len(steps) else 0
            if got - want or missing:
                errors.append(f"tile {d} timestep {t}: {len(got - want)} events that do not "
                              f"belong, {missing} missing")
        for s in range(p.tiles):
            order = [e.seq for e in (e for st_ in steps + [cur] for e in st_) if e.src == s]
            if order != sorted(order):
                errors.append(f"tile {s} -> tile {d}: events out of order {order[:8]}")
    for ev in run.events:
        n = seen.get(id(ev), 0)
        if ev.dest < 0 and n:
            errors.append(f"event {ev.tdata:#x} from tile {ev.src}: outside the mesh, arrived")
        elif ev.dest >= 0 and ev.accepted is not None and run.idle and n != 1:
            errors.append(f"event {ev.tdata:#x} from tile {ev.src} to {ev.dest}: arrived "
                          f"{n} times")
    return errors

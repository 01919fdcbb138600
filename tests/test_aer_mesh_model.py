# SPDX-License-Identifier: Apache-2.0
"""The mesh's cycle model (models/aer/mesh.py, mesh_router.py) against the rules it promises,
checked from the traffic and the delivered beats (``mesh.scoreboard``), not from the model's
own state: over random meshes, traffic and back-pressure every event arrives once, at its
destination, inside its timestep, per (source, destination) in order, every destination
closes every timestep (no deadlock); the counters' invariant every cycle; two cycles a hop,
one beat a cycle a port.  Must-fails: a router whose outputs emit markers without waiting for
the other inputs, one that routes Y before X, one that loses an event."""
import random

import pytest

from neurohdl import ParamError
from neurohdl.models.aer import _mesh, event, mesh, mesh_router as router
from neurohdl.models.aer.mesh import MeshParams
from neurohdl.models.aer.mesh_router import MeshRouterParams


def word(p, x, y, neuron=0):
    return int(event.pack(p.event, neuron, x, y))


def counters_watch(p, errors):
    """A ``simulate`` watch: in = out + dropped + held, for the mesh and every router."""
    rps = mesh.routers(p)

    def watch(cycle, st):
        if st.n_in != st.n_out + st.n_dropped + mesh.held(p, st):
            errors.append(f"mesh counters at {cycle}: {st.n_in} != {st.n_out} + "
                          f"{st.n_dropped} + {mesh.held(p, st)}")
        for rp, r in zip(rps, st.r):
            if r.n_in != r.n_out + r.n_dropped + router.held(rp, r):
                errors.append(f"router ({rp.x}, {rp.y}) counters at {cycle}")
    return watch


def random_run(seed, n_steps=6, **fixed):
    rng = random.Random(seed)
    p = MeshParams.random(rng, **fixed)
    rate = rng.choice([1.0, 0.5, 0.2])
    busy = rng.choice([1.0, 0.7, 0.3])
    steps = mesh.random_timesteps(p, rng, n_steps, events=(0, 4), outside=0.1)
    traffic = mesh.traffic(steps, rate, rng)
    stall = random.Random(seed + 1)
    errors: list[str] = []
    run = mesh.simulate(p, traffic, lambda i, c: stall.random() < busy, cycles=20_000,
                        watch=counters_watch(p, errors))
    return p, run, errors


@pytest.mark.parametrize("k", range(12))
def test_barrier_order_and_delivery(seed, k):
    """Random meshes (1x1 .. 3x3, depth 2 or 4), traffic at several loads with events outside
    the mesh, random back-pressure on every local output: the run ends idle (no deadlock)
    and the scoreboard finds nothing; the counters hold every cycle; events outside the mesh
    are the dropped ones."""
    p, run, errors = random_run(seed * 100 + k)
    assert run.idle, f"not idle after {run.cycles} cycles (deadlock?); {p}"
    assert not errors, errors[:3]
    assert mesh.scoreboard(p, run) == [], (mesh.scoreboard(p, run)[:3], p)
    assert run.state.n_dropped == sum(1 for e in run.events if e.dest < 0)
    assert all(r == 6 for r in run.closed)


def test_random_runs_cover_corners(seed):
    """The random meshes of the test above include 1 x n, n x 1 and 3 x 3, and drops."""
    runs = [random_run(seed * 100 + k, n_steps=1) for k in range(12)]
    shapes = {(p.cols, p.rows) for p, _, _ in runs}
    assert any(c == 1 for c, _ in shapes) or any(r == 1 for _, r in shapes), shapes


def test_3x3_under_load(seed):
    """A 3 x 3 mesh, every tile busy (4 events a timestep, offered every cycle), local outputs
    stalled half the time: all arrives, in its timesteps."""
    rng = random.Random(seed)
    p = MeshParams(cols=3, rows=3)
    traffic = mesh.traffic(mesh.random_timesteps(p, rng, 8, events=(4, 4)))
    run = mesh.simulate(p, traffic, lambda i, c: rng.random() < 0.5)
    assert run.idle and mesh.scoreboard(p, run) == []
    assert sum(e.arrived is not None for e in run.events) == 9 * 8 * 4


def test_two_cycles_a_hop():
    """An empty 4 x 3 mesh: an event from (0, 0) to each tile arrives 2 (hops + 1) cycles
    after it was accepted (two cycles in each router on the way)."""
    p = MeshParams(cols=4, rows=3)
    for x in range(4):
        for y in range(3):
            traffic = [[(0, (word(p, x, y), 0, 0))]] + [[] for _ in range(11)]
            run = mesh.simulate(p, traffic, cycles=100)
            (ev,) = run.events
            assert ev.at == y * 4 + x and ev.arrived - ev.accepted == 2 * (x + y + 1)


def test_one_beat_a_cycle_a_port():
    """Each tile of a 2 x 2 mesh sends 40 events to the diagonal tile: after the first, one
    arrives every cycle on every local output (the routers' links and outputs sustain one
    beat a cycle; the two streams through each router share no output)."""
    p = MeshParams(cols=2, rows=2)
    traffic = [[(0, (word(p, 1 - i % 2, 1 - i // 2, k), 0, 0)) for k in range(40)]
               for i in range(4)]
    run = mesh.simulate(p, traffic, cycles=200)
    for i in range(4):
        cycles = [c for _, _, _, c, _ in run.received[i]]
        assert len(cycles) == 40 and cycles == list(range(cycles[0], cycles[0] + 40))


def test_router_by_hand():
    """The router at (1, 1) of a 3 x 3 mesh, every output ready: local sends events to
    east, west, south and itself, the last closing its timestep; west sends one event to
    (1, 1) with tlast; north, east and south each close their timestep with a marker.  Each
    event leaves on its port; every output then carries one marker beat: east's and west's
    need local's and the opposite x input's marker, the others need all of theirs."""
    p = MeshRouterParams()
    w = lambda x, y, n: word(p, x, y, n)           # noqa: E731
    got = router.run(p, {"local": [(w(2, 1, 5), 0, 0), (w(0, 1, 6), 0, 0), (w(1, 2, 7), 0, 0),
                                   (w(1, 1, 8), 1, 0)],
                         "west": [(w(1, 1, 9), 1, 0)],
                         "north": [event.MARKER], "east": [event.MARKER],
                         "south": [event.MARKER]})
    m = event.MARKER
    assert got == {"east": [(w(2, 1, 5), 0, 0), m], "west": [(w(0, 1, 6), 0, 0), m],
                   "south": [(w(1, 2, 7), 0, 0), m], "north": [m],
                   # local: west's event (granted first: input 3 before 4), then its own
                   "local": [(w(1, 1, 9), 0, 0), (w(1, 1, 8), 0, 0), m]}


def test_router_drops_illegal_routes():
    """Events that cannot take their XY route from their input (a U-turn, a Y -> X turn, a
    destination outside the mesh) are dropped and counted, never forwarded."""
    p = MeshRouterParams(cols=3, rows=3)
    w = lambda x, y: word(p, x, y)                 # noqa: E731
    bad = {"north": w(2, 1), "south": w(0, 1), "east": w(2, 1), "west": w(0, 1),
           "local": w(3, 1)}
    st = router.reset(p)
    for name, d in bad.items():
        st = router.step(p, st, {**{f"m_{n}_tready": 1 for n in router.PORTS},
                                 f"s_{name}_tvalid": 1, f"s_{name}_tdata": d,
                                 f"s_{name}_tlast": 0, f"s_{name}_tuser": 0})
    for _ in range(4):
        st = router.step(p, st, {f"m_{n}_tready": 1 for n in router.PORTS})
    assert (st.n_in, st.n_out, st.n_dropped) == (5, 0, 5)


def test_edge_ports_tied_off():
    """Router (0, 0) of a 2 x 2 mesh: north and west face outside: never ready, never valid."""
    p = MeshRouterParams(cols=2, rows=2, x=0, y=0)
    st = router.reset(p)
    o = router.outputs(p, st)
    assert (o["s_north_tready"], o["s_west_tready"], o["s_east_tready"]) == (0, 0, 1)
    got = router.run(p, {"local": [event.MARKER], "east": [event.MARKER],
                         "south": [event.MARKER]})
    assert got["north"] == [] and got["west"] == [] and got["local"] == [event.MARKER]


# ---------------------------------------------------------------- must-fail ---------------

def _broken(monkeypatch, what):
    if what == "marker":       # an output emits its marker when the local input has one
        monkeypatch.setattr(router, "FEEDERS", {o: (_mesh.L,) for o in range(5)})
    elif what == "yx":         # route y first
        def yx(here, to):
            (x, y), (dx, dy) = here, to
            if dy != y:
                return _mesh.S if dy > y else _mesh.N
            return _mesh.E if dx > x else _mesh.W if dx < x else _mesh.L
        monkeypatch.setattr(_mesh, "xy_route", yx)
    else:                      # the east output loses every third event
        real, count = router.advance, [0]

        def lossy(p, st, ready, offered):
            nxt = real(p, st, ready, offered)
            if nxt.out[_mesh.E] is not None and not nxt.out[_mesh.E][2] and \
                    nxt.out[_mesh.E] is not st.out[_mesh.E]:
                count[0] += 1
                if count[0] % 3 == 0:
                    out = list(nxt.out)
                    out[_mesh.E] = None
                    nxt = nxt._replace(out=tuple(out), n_out=nxt.n_out + 1)
            return nxt
        monkeypatch.setattr(router, "advance", lossy)


@pytest.mark.parametrize("what", ["marker", "yx", "loss"])
def test_scoreboard_must_fail(seed, monkeypatch, what):
    """A 3 x 3 mesh under random traffic: with a broken router model the scoreboard (or the
    idle check) fails."""
    _broken(monkeypatch, what)
    rng = random.Random(seed)
    p = MeshParams(cols=3, rows=3)
    traffic = mesh.traffic(mesh.random_timesteps(p, rng, 6, events=(2, 4)))
    run = mesh.simulate(p, traffic, lambda i, c: rng.random() < 0.6, cycles=800)
    assert not run.idle or mesh.scoreboard(p, run), what


# ---------------------------------------------------------------- Params --------------------

@pytest.mark.parametrize("cls, kw, words", [
    (MeshRouterParams, {"cols": 5}, ["MeshRouterParams.cols = 5", "1..4", "event.x_bits"]),
    (MeshRouterParams, {"rows": 3, "event": {"y_bits": 1}},
     ["MeshRouterParams.rows = 3", "1..2"]),
    (MeshRouterParams, {"x": 3}, ["MeshRouterParams.x = 3", "0..2"]),
    (MeshRouterParams, {"depth": 3}, ["MeshRouterParams.depth = 3", "power of two"]),
    (MeshRouterParams, {"event": {"x_bits": 0}}, ["MeshRouterParams.event.x_bits = 0", "1..8"]),
    (MeshParams, {"cols": 5}, ["MeshParams.cols = 5", "1..4"]),
    (MeshParams, {"depth": 1}, ["MeshParams.depth = 1", "2..16"]),
])
def test_bad_params_raise(cls, kw, words):
    with pytest.raises(ParamError) as e:
        cls(**kw)
    assert all(w in str(e.value) for w in words) and "\n" not in str(e.value), str(e.value)


def test_random_params_are_legal_and_varied():
    ps = [MeshRouterParams.random(random.Random(s)) for s in range(60)]
    assert {p.depth for p in ps} == {2, 4}
    assert any(p.x == 0 for p in ps) and any(p.x == p.cols - 1 > 0 for p in ps)

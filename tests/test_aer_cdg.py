# SPDX-License-Identifier: Apache-2.0
"""models/aer/cdg.py: the channel dependency graph of mesh routing functions and its cycle
check (deadlock freedom), with must-fails: tables whose CDG has a cycle are refused with the
cycle named."""
import re

import pytest

from neurohdl.errors import DRCError, ParamError
from neurohdl.models.aer import cdg

SIZES = [(1, 1), (1, 4), (3, 1), (2, 2), (3, 3), (4, 4), (2, 5), (5, 3)]
#: the turns XY routing may make, (input port, output port), written from the rule itself: an
#: event coming from the west (travelling east) or east may go on, turn to y or stop; one
#: travelling along y (coming from north or south) never turns back to x
XY_TURNS = {("local", o) for o in cdg.PORTS} | \
    {(i, o) for i in ("west", "east") for o in ("north", "south", "local")} | \
    {("west", "east"), ("east", "west"), ("north", "south"), ("south", "north"),
     ("north", "local"), ("south", "local")}


def _ring_2x2():
    """Every event goes clockwise round the 2x2 ring, (0,0) -> (1,0) -> (1,1) -> (0,1), until
    its destination tile (key = tile index): a routing function with a 4-channel cycle."""
    clockwise = {(0, 0): "east", (1, 0): "south", (1, 1): "west", (0, 1): "north"}
    return cdg.table(2, 2, {r: [(cdg.tile(2, r), 3, "local"), (0, 0, d)]
                            for r, d in clockwise.items()})


@pytest.mark.parametrize("rows, cols", SIZES)
def test_xy_is_acyclic_and_delivers_each_event_to_its_tile(rows, cols):
    g = cdg.check_acyclic(cdg.xy(rows, cols))
    n = rows * cols
    assert g.delivered == {(s, d): frozenset([d]) for s in range(n) for d in range(n)}
    assert not g.dropped
    assert g.turns <= XY_TURNS


def test_xy_turns_on_a_3x3_are_exactly_the_allowed_ones():
    """A 3x3 mesh uses every turn XY allows (no Y->X turn among them)."""
    assert cdg.xy(3, 3).graph().turns == XY_TURNS
    assert not any(i in ("north", "south") and o in ("east", "west") for i, o in XY_TURNS)


def test_xy_hops_follow_the_manhattan_distance():
    """On a 4x4 mesh an event from (0,3) to (3,0) takes 3 east then 3 north links."""
    g = cdg.xy(4, 4).graph()
    src, dst = cdg.tile(4, (0, 3)), cdg.tile(4, (3, 0))
    assert g.taken[(src, dst)] == [(0, 3, "east"), (1, 3, "east"), (2, 3, "east"),
                                   (3, 3, "north"), (3, 2, "north"), (3, 1, "north"),
                                   (3, 0, "local")]


@pytest.mark.parametrize("rows, cols", [(2, 2), (3, 3), (3, 4)])
def test_yx_and_tables_of_one_order_are_acyclic(rows, cols):
    cdg.check_acyclic(cdg.yx(rows, cols))
    cdg.check_acyclic(cdg.unicast_table(rows, cols, "yx"))
    # the table form of XY has the same graph as the routing function
    assert cdg.unicast_table(rows, cols, "xy").graph().edges.keys() == \
        cdg.xy(rows, cols).graph().edges.keys()


def test_must_fail_ring_table_is_refused_with_the_cycle_named():
    with pytest.raises(DRCError) as e:
        cdg.check_acyclic(_ring_2x2())
    msg = str(e.value)
    assert "\n" not in msg and "can deadlock" in msg
    cycle = re.search(r"cycle (.*?) \(flows", msg).group(1).split(" -> ")
    assert cycle[0] == cycle[-1] and len(cycle) == 5
    assert set(cycle) == {"(0,0).east", "(1,0).south", "(1,1).west", "(0,1).north"}


def test_must_fail_xy_yx_mix_is_refused():
    """Routers on a checkerboard alternate XY and YX: each alone is deadlock free, the mix has
    a cycle."""
    mix = cdg.unicast_table(3, 3, lambda r: "xy" if (r[0] + r[1]) % 2 else "yx")
    with pytest.raises(DRCError, match=r"channel dependency cycle \(\d,\d\)\.\w+ -> "):
        cdg.check_acyclic(mix)


def test_multicast_tree_is_acyclic_and_reaches_its_tiles():
    """Key 5 from tile 0 of a 3x3 mesh fans out to tiles 2, 6 and 8 along an XY tree: east
    along row 0 (a copy down column 0), then down column 2."""
    t = {(0, 0): [(5, 0xF, {"east", "south"})], (1, 0): [(5, 0xF, "east")],
         (2, 0): [(5, 0xF, {"local", "south"})], (2, 1): [(5, 0xF, "south")],
         (2, 2): [(5, 0xF, "local")], (0, 1): [(5, 0xF, "south")], (0, 2): [(5, 0xF, "local")]}
    g = cdg.check_acyclic(cdg.table(3, 3, t, keys={0: [5]}))
    assert g.delivered == {(0, 5): frozenset({2, 6, 8})}


def test_table_lookup_first_match_default_and_miss():
    rt = cdg.table(1, 2, {(0, 0): {"entries": [(0b10, 0b10, "east"), (0, 0, "local")]},
                          (1, 0): {"entries": [(0b11, 0b11, "local")], "default": "west"}},
                   keys={0: [0b10, 0b11, 0b01]})
    tables = rt.tables
    assert tables[(0, 0)].lookup(0b11) == ("hit", frozenset({"east"}))     # first match wins
    assert tables[(0, 0)].lookup(0b01) == ("hit", frozenset({"local"}))
    assert tables[(1, 0)].lookup(0b10) == ("default", frozenset({"west"}))
    # key 0b10: (0,0) east -> (1,0) default west -> back at (0,0) on another channel -> east
    # again: the same channel twice, a routing loop
    with pytest.raises(DRCError, match="routing loop"):
        rt.graph()
    no_default = cdg.table(1, 2, {(0, 0): [(0b10, 0b10, "east")], (1, 0): [(0b11, 3, "local")]},
                           keys={0: [0b10, 0b11]})
    g = no_default.graph()
    assert g.dropped == {(0, 0b10, (1, 0))}
    assert g.delivered[(0, 0b11)] == frozenset({1})
    assert no_default.tables[(1, 0)].lookup(0b10) == ("miss", None)


def test_bad_tables_are_refused_in_one_line():
    with pytest.raises(DRCError, match=r"leaves the 2x2 mesh at \(1,0\)\.east"):
        cdg.table(2, 2, {(0, 0): [(0, 0, "east")], (1, 0): [(0, 0, "east")]},
                  keys={0: [0]}).graph()
    with pytest.raises(ParamError, match=r"allowed a non-empty set of north, east"):
        cdg.table(2, 2, {(0, 0): [(0, 0, "up")]})
    with pytest.raises(ParamError, match=r"router = \(2, 0\): allowed \(x, y\) with x 0\.\.1"):
        cdg.table(2, 2, {(2, 0): []})
    with pytest.raises(ParamError, match=r"cdg.rows = 0: allowed 1\.\.64"):
        cdg.xy(0, 3)
    with pytest.raises(DRCError, match="meet at .* duplicated"):
        cdg.table(2, 2, {(0, 0): [(1, 1, {"east", "south"})], (1, 0): [(1, 1, "south")],
                         (0, 1): [(1, 1, "east")], (1, 1): [(1, 1, "local")]},
                  keys={0: [1]}).graph()


def test_find_cycle_on_small_graphs():
    assert cdg.find_cycle({1: {2: 0}, 2: {3: 0}, 1.5: {3: 0}}) is None
    assert cdg.find_cycle({1: {1: 0}}) == [1, 1]
    assert cdg.find_cycle({1: {2: 0}, 2: {3: 0}, 3: {2: 0}}) == [2, 3, 2]
    # a diamond is not a cycle (a node reached twice from one root)
    assert cdg.find_cycle({1: {2: 0, 3: 0}, 2: {4: 0}, 3: {4: 0}}) is None


@pytest.mark.parametrize("rows, cols", [(1, 3), (2, 2), (3, 3), (4, 4), (3, 5)])
def test_the_mesh_models_routing_is_deadlock_free(rows, cols):
    """The routing function of aer.mesh_router's model (models/aer/_mesh.py ``route``: XY,
    illegal turns dropped), traced flow by flow: acyclic, every event delivered at its tile,
    the same channels as cdg.xy."""
    from neurohdl.models.aer import _mesh, event
    from neurohdl.models.aer.mesh_router import MeshRouterParams

    bits = max(1, (max(rows, cols) - 1).bit_length())
    ev = {"neuron_bits": 1, "x_bits": bits, "y_bits": bits}
    rps = {(x, y): MeshRouterParams(event=ev, cols=cols, rows=rows, x=x, y=y)
           for y in range(rows) for x in range(cols)}

    def route(r, in_port, dest):
        p = rps[r]
        word = int(event.pack(p.event, 0, dest % cols, dest // cols))
        o = _mesh.route(p, cdg.PORTS.index(in_port), word)
        return () if o == _mesh.DROP else (cdg.PORTS[o],)

    n = rows * cols
    model = cdg.Routing(rows, cols, route, {t: tuple(range(n)) for t in range(n)}, "mesh model")
    g = cdg.check_acyclic(model)
    assert g.delivered == {(s, d): frozenset([d]) for s in range(n) for d in range(n)}
    assert g.taken == cdg.xy(rows, cols).graph().taken

# SPDX-License-Identifier: Apache-2.0
"""Deadlock freedom of a mesh routing function: its channel dependency graph (CDG) is acyclic.

A *channel* is a one-way link of the R x C mesh: the output port ``north``/``east``/``south``/
``west`` of router (x, y) (x = column, east = x + 1; y = row, south = y + 1), which feeds the
opposite input port of the neighbour, plus each tile's injection channel (into its router's
``local`` input) and ejection channel (out of its ``local`` output).  A routing function sends
an event that arrived at router r on input port ``i`` out of a set of ports.  The CDG has an
edge c1 -> c2 when some event can hold c1 (it sits in the input buffer c1 feeds) while it asks
for c2.  Dally & Seitz (1987): a routing function whose CDG has no cycle cannot deadlock (one
event holds one buffer at a time; a multicast event asks for all its outputs, so each of them
gets an edge).

The edges are found by tracing every flow: each event a source tile injects is followed hop by
hop through the routing function (a multicast event along every branch), and each consecutive
pair of channels it takes becomes an edge, with that flow kept as the edge's witness (the error
names it).  Two routing functions:

* :func:`xy` / :func:`yx` -- unicast dimension-order routing by destination coordinates
  (XY: first along x to the destination column, then along y; YX the other way round);
* :class:`Table` -- a multicast routing table per router (SpiNNaker style): ternary entries
  ``key/mask -> set of output ports``, the first entry with ``event key & mask == key & mask``
  wins, else the router's ``default`` ports (None: the event is dropped and counted).

:func:`check_acyclic` raises :class:`neurohdl.errors.DRCError` naming one cycle, e.g.
``routing deadlock: channel dependency cycle (0,0).east -> (1,0).south -> (1,1).west ->
(0,1).north -> (0,0).east (flows: key 0x2 from tile 1, ...)``; a table that sends an event off
the mesh, around a loop, or names an unknown port is refused the same way (DRCError /
ParamError).  The graph search is an iterative depth-first search (no networkx).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from neurohdl.errors import DRCError, ParamError

PORTS = ("north", "east", "south", "west", "local")
STEP = {"north": (0, -1), "east": (1, 0), "south": (0, 1), "west": (-1, 0)}
OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east"}

Coord = tuple[int, int]
#: (x, y, port): the output ``port`` of router (x, y); ``inject``: the tile's injection channel
Channel = tuple[int, int, str]
INJECT = "inject"
#: route(router (x, y), input port, key) -> output ports (``local``: delivered at this tile)
Route = Callable[[Coord, str, int], Iterable[str]]


def channel_name(c: Channel) -> str:
    x, y, port = c
    return f"({x},{y}).{'local_in' if port == INJECT else 'local_out' if port == 'local' else port}"


def tile(p_cols: int, c: Coord) -> int:
    """Tile index of router (x, y): ``y * cols + x``."""
    return c[1] * p_cols + c[0]


def _check_size(rows, cols):
    for name, v in (("rows", rows), ("cols", cols)):
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 64:
            raise ParamError(f"cdg.{name} = {v!r}: allowed 1..64")


# ---------------------------------------------------------------- routing functions -------
def _dimension_order(first: str):
    def route(r: Coord, in_port: str, dest: int, cols: int) -> tuple[str, ...]:
        dx, dy = dest % cols, dest // cols
        along_x = "east" if dx > r[0] else "west" if dx < r[0] else None
        along_y = "south" if dy > r[1] else "north" if dy < r[1] else None
        order = (along_x, along_y) if first == "x" else (along_y, along_x)
        return (next((d for d in order if d), "local"),)
    return route


def xy(rows: int, cols: int) -> "Routing":
    """XY dimension-order routing on an R x C mesh; the key is the destination tile index."""
    _check_size(rows, cols)
    f = _dimension_order("x")
    return Routing(rows, cols, lambda r, i, k: f(r, i, k, cols), _all_tiles(rows, cols), "xy")


def yx(rows: int, cols: int) -> "Routing":
    """YX dimension-order routing (y first): also deadlock free alone; mixed with XY it is not."""
    _check_size(rows, cols)
    f = _dimension_order("y")
    return Routing(rows, cols, lambda r, i, k: f(r, i, k, cols), _all_tiles(rows, cols), "yx")


def _all_tiles(rows, cols) -> dict[int, tuple[int, ...]]:
    n = rows * cols
    return {t: tuple(range(n)) for t in range(n)}


@dataclass(frozen=True)
class Entry:
    """One ternary table entry: events whose key has ``key`` in the bits of ``mask`` go out of
    every port of ``ports``."""
    key: int
    mask: int
    ports: frozenset

    def matches(self, k: int) -> bool:
        return (k & self.mask) == (self.key & self.mask)


@dataclass(frozen=True)
class RouterTable:
    """One router's table: entries in priority order (the first match wins) and the ports of
    an event no entry matches (None: dropped)."""
    entries: tuple[Entry, ...] = ()
    default: frozenset | None = None

    def lookup(self, k: int) -> tuple[str, frozenset | None]:
        """('hit', ports), or ('default', ports) / ('miss', None) when no entry matches."""
        for e in self.entries:
            if e.matches(k):
                return "hit", e.ports
        return ("default", self.default) if self.default is not None else ("miss", None)


def _ports(value, where: str) -> frozenset:
    ports = frozenset([value] if isinstance(value, str) else value)
    bad = sorted(ports - set(PORTS))
    if bad or not ports:
        raise ParamError(f"{where} = {sorted(ports)!r}: allowed a non-empty set of "
                         f"{', '.join(PORTS)}")
    return ports


def table(rows: int, cols: int, tables: Mapping, keys: Mapping[int, Iterable[int]] | None = None
          ) -> "Routing":
    """Multicast table routing.  ``tables``: router (x, y) -> list of ``(key, mask, ports)`` or
    a dict ``{"entries": [...], "default": ports or None}`` (ports: a port name or a set of
    them); a router absent from ``tables`` drops everything.  ``keys``: tile -> the keys it
    injects (default: every entry's key, from every tile)."""
    _check_size(rows, cols)
    built: dict[Coord, RouterTable] = {}
    for r, spec in tables.items():
        if not (isinstance(r, tuple) and len(r) == 2 and 0 <= r[0] < cols and 0 <= r[1] < rows):
            raise ParamError(f"cdg.table router = {r!r}: allowed (x, y) with x 0..{cols - 1}, "
                             f"y 0..{rows - 1}")
        if isinstance(spec, Mapping):
            entries, default = spec.get("entries", ()), spec.get("default")
        else:
            entries, default = spec, None
        es = tuple(Entry(int(k), int(m), _ports(ps, f"cdg.table[{r}][{i}].ports"))
                   for i, (k, m, ps) in enumerate(entries))
        dflt = None if default is None else _ports(default, f"cdg.table[{r}].default")
        built[r] = RouterTable(es, dflt)
    if keys is None:
        every = sorted({e.key & e.mask for t in built.values() for e in t.entries})
        keys = {t: every for t in range(rows * cols)}

    def route(r: Coord, in_port: str, k: int) -> frozenset:
        t = built.get(r)
        return (t.lookup(k)[1] if t is not None else None) or frozenset()
    return Routing(rows, cols, route, {t: tuple(v) for t, v in keys.items()}, "table", built)


def unicast_table(rows: int, cols: int, order: Callable[[Coord], str] | str = "xy") -> "Routing":
    """Dimension-order unicast written as tables (key = destination tile index, one exact
    entry per destination): ``order`` is 'xy', 'yx', or a function router -> 'xy'/'yx' (a
    router-by-router mix of the two is the classic deadlocking table)."""
    pick = (lambda r: order) if isinstance(order, str) else order
    funcs = {"xy": _dimension_order("x"), "yx": _dimension_order("y")}
    full = (1 << max(1, (rows * cols - 1).bit_length())) - 1
    tables = {}
    for y in range(rows):
        for x in range(cols):
            f = funcs[pick((x, y))]
            tables[(x, y)] = [(d, full, f((x, y), "local", d, cols)) for d in range(rows * cols)]
    return table(rows, cols, tables, _all_tiles(rows, cols))


# ---------------------------------------------------------------- the graph -----------------
@dataclass
class Routing:
    """A routing function on an R x C mesh and the keys each tile injects."""
    rows: int
    cols: int
    route: Route
    keys: dict[int, tuple[int, ...]]
    kind: str
    tables: dict[Coord, RouterTable] | None = None

    def graph(self) -> "Cdg":
        return build(self)


@dataclass
class Cdg:
    """The channel dependency graph: ``edges[c1]`` = {c2: witness flow (source tile, key)}."""
    edges: dict[Channel, dict[Channel, tuple[int, int]]]
    delivered: dict[tuple[int, int], frozenset]   # (source tile, key) -> tiles it reached
    dropped: set[tuple[int, int, Coord]]           # (source tile, key, router) of a table miss
    turns: set[tuple[str, str]]                    # (input port, output port) pairs used
    taken: dict[tuple[int, int], list[Channel]]    # (source tile, key) -> channels it takes

    def cycle(self) -> list[Channel] | None:
        return find_cycle(self.edges)


def build(routing: Routing) -> Cdg:
    """Trace every (source tile, key) flow through ``routing``; raise DRCError when one leaves
    the mesh or comes back to a channel it already took (a routing loop)."""
    rows, cols = routing.rows, routing.cols
    edges: dict[Channel, dict[Channel, tuple[int, int]]] = {}
    delivered, dropped, turns, taken = {}, set(), set(), {}
    for src, ks in sorted(routing.keys.items()):
        sx, sy = src % cols, src // cols
        for k in ks:
            flow, reached = (src, k), set()
            start: Channel = (sx, sy, INJECT)
            todo = [(start, (sx, sy), "local", frozenset([start]))]
            seen = {start}
            while todo:
                held, r, in_port, path = todo.pop()
                outs = sorted(routing.route(r, in_port, k))
                if not outs:
                    dropped.add((src, k, r))
                for out in outs:
                    if out not in PORTS:
                        raise ParamError(f"cdg.route{r} = {out!r}: allowed {', '.join(PORTS)}")
                    nxt: Channel = (r[0], r[1], out)
                    edges.setdefault(held, {}).setdefault(nxt, flow)
                    taken.setdefault(flow, []).append(nxt)
                    turns.add((in_port, out))
                    if nxt in path:
                        raise DRCError(f"routing ({routing.kind}): key {k:#x} from tile {src} "
                                       f"comes back to {channel_name(nxt)} (a routing loop)")
                    if nxt in seen:
                        raise DRCError(f"routing ({routing.kind}): two branches of key {k:#x} "
                                       f"from tile {src} meet at {channel_name(nxt)} (the "
                                       "event would be duplicated)")
                    seen.add(nxt)
                    if out == "local":
                        reached.add(tile(cols, r))
                        continue
                    nr = (r[0] + STEP[out][0], r[1] + STEP[out][1])
                    if not (0 <= nr[0] < cols and 0 <= nr[1] < rows):
                        raise DRCError(f"routing ({routing.kind}): key {k:#x} from tile {src} "
                                       f"leaves the {rows}x{cols} mesh at {channel_name(nxt)}")
                    todo.append((nxt, nr, OPPOSITE[out], path | {nxt}))
            delivered[flow] = frozenset(reached)
    return Cdg(edges, delivered, dropped, turns, taken)


def find_cycle(edges: Mapping[Channel, Mapping[Channel, object]]) -> list[Channel] | None:
    """One cycle of the graph (its nodes, the first repeated at the end), or None: an
    iterative depth-first search with white/grey/black colours."""
    colour: dict = {}
    for root in sorted(edges):
        if colour.get(root):
            continue
        colour[root], path, stack = 1, [root], [iter(sorted(edges.get(root, ())))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = 2
                stack.pop()
            elif colour.get(nxt) == 1:          # a grey node: back edge, the path closes a cycle
                return path[path.index(nxt):] + [nxt]
            elif not colour.get(nxt):
                colour[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges.get(nxt, ()))))
    return None


def check_acyclic(routing: Routing) -> Cdg:
    """The CDG of ``routing`` (:class:`Cdg`), after checking it has no cycle: a cycle raises
    DRCError naming its channels and the flows that make each dependency."""
    g = build(routing)
    cyc = g.cycle()
    if cyc is not None:
        path = " -> ".join(channel_name(c) for c in cyc)
        why = ", ".join(f"key {g.edges[a][b][1]:#x} from tile {g.edges[a][b][0]}"
                        for a, b in zip(cyc, cyc[1:]))
        raise DRCError(f"routing ({routing.kind}, {routing.rows}x{routing.cols}) can deadlock: "
                       f"channel dependency cycle {path} (flows: {why})")
    return g


__all__ = ["Cdg", "Entry", "RouterTable", "Routing", "build", "channel_name", "check_acyclic",
           "find_cycle", "table", "unicast_table", "xy", "yx"]

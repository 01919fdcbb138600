# SPDX-License-Identifier: Apache-2.0
"""What ``aer.mesh_router`` and ``aer.mesh`` share: the event word with tile coordinates, the
port order and XY dimension-order routing (models/aer/mesh_router.py is the router's spec).

Coordinates: ``x`` = column 0..cols-1 (east = x + 1), ``y`` = row 0..rows-1 (south = y + 1);
an event's ``x``/``y`` fields name its destination tile.  Ports, in this order::

    PORTS = north, east, south, west, local        (indices N, E, S, W, L)

XY routing corrects x first (east/west), then y (north/south), then delivers locally; a beat
never turns from a y direction back to x and never goes back where it came from.  ``FEED[i]``
is the set of outputs input ``i`` can route to under that rule, ``FEEDERS[o]`` its inverse:
they are also the timestep-marker dependencies (docs/cores/aer/mesh_router.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from neurohdl.models.aer.event import EventParams
from neurohdl.params import pfield

PORTS = ("north", "east", "south", "west", "local")
N, E, S, W, L = range(5)
DROP = 5                     # route of an event that no output may take (counted as dropped)
OPPOSITE = {N: S, S: N, E: W, W: E}
STEP = {N: (0, -1), E: (1, 0), S: (0, 1), W: (-1, 0)}     # (dx, dy) of a move out of a port

# the outputs each input can reach under XY routing (no U-turn, no Y -> X turn)
FEED = {N: (S, L), S: (N, L), E: (N, S, W, L), W: (N, E, S, L), L: (N, E, S, W, L)}
FEEDERS = {o: tuple(i for i in range(5) if o in FEED[i]) for o in range(5)}


@dataclass(frozen=True)
class MeshEventParams(EventParams):
    """The event word of a mesh: ``x`` and ``y`` (the destination tile) are at least 1 bit."""

    neuron_bits: int = pfield(12, "bits of the neuron index (the word's lowest field)",
                              lo=1, hi=24, rand=(1, 8))
    x_bits: int = pfield(2, "bits of the destination column x", lo=1, hi=8, rand=(1, 3))
    y_bits: int = pfield(2, "bits of the destination row y", lo=1, hi=8, rand=(1, 3))
    payload_bits: int = pfield(0, "bits of the graded-spike payload, the word's top field "
                               "(0: binary spikes)", lo=0, hi=16, rand=(0, 4))


def check_size(p) -> None:
    """The rules a router's or a mesh's Params share: cols <= 2**x_bits, rows <= 2**y_bits
    (every tile has an address), depth a power of two."""
    for name, axis in (("cols", "x"), ("rows", "y")):
        bits = getattr(p.event, f"{axis}_bits")
        if getattr(p, name) > 1 << bits:
            raise p.error(name, getattr(p, name), f"1..{1 << bits} (2**event.{axis}_bits, "
                          f"event.{axis}_bits = {bits})")
    if p.depth & (p.depth - 1):
        raise p.error("depth", p.depth, "a power of two 2..16")


def dest(p: EventParams, tdata: int) -> tuple[int, int]:
    """The destination tile (x, y) of an event word."""
    x = (int(tdata) >> p.x_lsb) & ((1 << p.x_bits) - 1)
    y = (int(tdata) >> p.y_lsb) & ((1 << p.y_bits) - 1)
    return x, y


def xy_route(here: tuple[int, int], to: tuple[int, int]) -> int:
    """The output port XY routing takes at tile ``here`` towards tile ``to``."""
    (x, y), (dx, dy) = here, to
    if dx != x:
        return E if dx > x else W
    if dy != y:
        return S if dy > y else N
    return L


def route(p, i: int, tdata: int) -> int:
    """The output an event arriving on input ``i`` of router ``p`` (x, y, cols, rows) takes:
    the XY route, or DROP when its destination is outside the mesh or the route is not one
    input ``i`` may take (a U-turn or a Y -> X turn: only a faulty neighbour sends those)."""
    to = dest(p.event, tdata)
    if to[0] >= p.cols or to[1] >= p.rows:
        return DROP
    o = xy_route((p.x, p.y), to)
    return o if o in FEED[i] else DROP


def edge(p, port: int) -> bool:
    """Port ``port`` of router ``p`` faces outside the mesh (no neighbour there)."""
    if port == L:
        return False
    dx, dy = STEP[port]
    return not (0 <= p.x + dx < p.cols and 0 <= p.y + dy < p.rows)

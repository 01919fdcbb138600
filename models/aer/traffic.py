# SPDX-License-Identifier: Apache-2.0
"""Constrained-random mesh traffic: who sends an event to whom, and when.

A traffic run on an R x C mesh (tile ``i = y * cols + x``; x = column, y = row) is a list of
:class:`Injection` ``(cycle, src, dests, seq)``: tile ``src`` *offers* its ``seq``-th event at
``cycle`` for the tiles ``dests`` (one tile for unicast; 1..``fanout_max`` distinct tiles for
multicast).  The offered cycle is when the event is created; a source whose local port is
stalled queues it (the benchmark measures latency from the offered cycle, so source queueing
counts, as in Dally & Towles' open-loop measurement).

Destinations (``pattern``), every source tile independently:

* ``uniform``   -- a tile drawn uniformly from the other ``R*C - 1`` tiles;
* ``transpose`` -- (x, y) sends to (y, x) (square meshes); the diagonal tiles send nothing;
* ``hotspot``   -- with probability ``hot_permille / 1000`` the ``hotspot`` tile (default: the
  centre tile (cols // 2, rows // 2)), else a tile drawn uniformly from those neither the source
  nor the hotspot; the hotspot tile itself sends uniform traffic;
* ``multicast`` -- a fan-out k drawn uniformly from 1..min(fanout_max, R*C - 1), then k distinct
  tiles other than the source (a sorted tuple).

Injection process (``process``), with offered load ``load_permille / 1000`` events per cycle
per injecting tile:

* ``bernoulli`` -- each cycle an event with probability load;
* ``burst``     -- on/off Markov source: an ON cycle injects one event and stays ON with
  probability ``1 - 1/burst_len`` (bursts of back-to-back events, mean length ``burst_len``);
  an OFF cycle turns ON with probability ``q = load / (burst_len (1 - load))``, so the long-run
  fraction of ON cycles is the load.  ``q <= 1`` bounds the load: at most
  ``burst_len / (burst_len + 1)`` (ParamError beyond).

:func:`generate` is a pure function of (Params, cycles, seed): the same seed replays the same
traffic (``random.Random`` seeded with a string, so ``PYTHONHASHSEED`` plays no part).
:func:`timesteps` cuts one source's injections into timesteps of ``period`` cycles (for streams
with timestep markers, models/aer/event.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.params import Params, pfield

PATTERNS = ("uniform", "transpose", "hotspot", "multicast")
PROCESSES = ("bernoulli", "burst")


class Injection(NamedTuple):
    cycle: int                 # the cycle the source offers the event
    src: int                   # source tile
    dests: tuple[int, ...]     # destination tiles (sorted; one for unicast)
    seq: int                   # the source's event number, from 0


@dataclass(frozen=True)
class TrafficParams(Params):
    """A synthetic traffic pattern on an R x C mesh at an offered load."""

    rows: int = pfield(3, "mesh rows (y)", lo=1, hi=16)
    cols: int = pfield(3, "mesh columns (x)", lo=1, hi=16)
    pattern: str = pfield("uniform", "destinations: 'uniform', 'transpose' (square meshes), "
                          "'hotspot', 'multicast' (fan-out 1..fanout_max)", choices=PATTERNS)
    process: str = pfield("bernoulli", "injection process: 'bernoulli' (an event each cycle "
                          "with probability load) or 'burst' (on/off bursts of mean burst_len)",
                          choices=PROCESSES)
    load_permille: int = pfield(300, "offered load: events an injecting tile offers per 1000 "
                                "cycles", lo=0, hi=1000)
    burst_len: int = pfield(8, "mean burst length in events (process 'burst')", lo=1, hi=1024)
    hot_permille: int = pfield(300, "share of a source's events for the hotspot tile, per 1000 "
                               "(pattern 'hotspot')", lo=0, hi=1000)
    hotspot: int | None = pfield(None, "the hotspot tile (None: the centre tile)", optional=True,
                                 lo=0, hi=lambda p: p.rows * p.cols - 1)
    fanout_max: int = pfield(5, "largest multicast fan-out (pattern 'multicast')", lo=1, hi=16)

    def check(self):
        n = self.rows * self.cols
        if n < 2:
            raise self.error("rows", self.rows, f"a mesh of >= 2 tiles (rows x cols = {n})")
        if self.pattern == "transpose" and self.rows != self.cols:
            raise self.error("pattern", "transpose", f"with rows = cols (here {self.rows} x "
                             f"{self.cols}); 'uniform', 'hotspot', 'multicast' on any mesh")
        if self.process == "burst":
            top = 1000 * self.burst_len // (self.burst_len + 1)
            if self.load_permille > top:
                raise self.error("load_permille", self.load_permille,
                                 f"0..{top} with process 'burst' and burst_len = "
                                 f"{self.burst_len} (bursts need idle gaps)")
        if self.pattern == "hotspot" and n < 3 and self.hot_permille < 1000:
            raise self.error("rows", self.rows, f"a mesh of >= 3 tiles for 'hotspot' (here {n})")

    def derive(self):
        if self.hotspot is None:
            self.resolve("hotspot", (self.rows // 2) * self.cols + self.cols // 2)
        self.set_derived("tiles", self.rows * self.cols)

    def senders(self) -> list[int]:
        """The tiles that inject (transpose: all but the diagonal)."""
        if self.pattern == "transpose":
            return [t for t in range(self.tiles) if t % self.cols != t // self.cols]
        return list(range(self.tiles))


def _other(rng: random.Random, n: int, skip: tuple[int, ...]) -> int:
    """A tile drawn uniformly from 0..n-1 without the (distinct, in range) tiles ``skip``."""
    t = rng.randrange(n - len(skip))
    for s in sorted(skip):
        t += t >= s
    return t


def destinations(p: TrafficParams, src: int, rng: random.Random) -> tuple[int, ...]:
    """The destination tiles of one event from ``src``."""
    n = p.tiles
    if p.pattern == "transpose":
        x, y = src % p.cols, src // p.cols
        return (x * p.cols + y,)
    if p.pattern == "multicast":
        k = rng.randint(1, min(p.fanout_max, n - 1))
        return tuple(sorted(t + (t >= src) for t in rng.sample(range(n - 1), k)))
    if p.pattern == "hotspot" and src != p.hotspot:
        if rng.random() * 1000 < p.hot_permille:
            return (p.hotspot,)
        return (_other(rng, n, (src, p.hotspot)),)
    return (_other(rng, n, (src,)),)


def _on_cycles(p: TrafficParams, rng: random.Random, cycles: int):
    """The cycles at which one source injects."""
    load = p.load_permille / 1000
    if p.process == "bernoulli":
        return [c for c in range(cycles) if rng.random() < load]
    if load == 0:
        return []
    stay = 1 - 1 / p.burst_len
    q = load / (p.burst_len * (1 - load)) if load < 1 else 1.0
    on = rng.random() < load                 # start in the stationary distribution
    out = []
    for c in range(cycles):
        if on:
            out.append(c)
            on = rng.random() < stay
        else:
            on = rng.random() < q
    return out


def generate(p: TrafficParams, cycles: int, seed: int) -> list[Injection]:
    """Every injection of ``cycles`` cycles, sorted by (cycle, src); replayable from ``seed``."""
    out = []
    for src in p.senders():
        rng = random.Random(f"traffic:{seed}:{src}")
        for seq, c in enumerate(_on_cycles(p, rng, cycles)):
            out.append(Injection(c, src, destinations(p, src, rng), seq))
    out.sort(key=lambda i: (i.cycle, i.src))
    return out


def by_source(p: TrafficParams, injections) -> dict[int, list[Injection]]:
    """Each tile's injections in order (every tile present, maybe with none)."""
    out: dict[int, list[Injection]] = {t: [] for t in range(p.tiles)}
    for inj in injections:
        out[inj.src].append(inj)
    return out


def timesteps(injections, period: int, cycles: int) -> list[list[Injection]]:
    """One source's injections cut into ``ceil(cycles / period)`` timesteps of ``period``
    cycles (injection at cycle c: timestep c // period; some timesteps may be empty)."""
    out: list[list[Injection]] = [[] for _ in range(-(-cycles // period))]
    for inj in injections:
        out[inj.cycle // period].append(inj)
    return out


__all__ = ["Injection", "PATTERNS", "PROCESSES", "TrafficParams", "by_source", "destinations",
           "generate", "timesteps"]

# SPDX-License-Identifier: Apache-2.0
"""Host driver of the multicast AER router (``aer.router``): load a routing table, read the
counters.

One implementation, :class:`AsyncRouter`, written as coroutines over a *word-burst transport*
(the interface of :mod:`neurohdl.sw.snn_soc`)::

    read(word_addr, n=1, fixed=False) -> list[int]        # async or not
    write(word_addr, words, fixed=False) -> None

and :class:`Router`, its blocking facade over a sync transport::

    rt = Router(transport)                       # word addresses from cores/aer/router.rdl
    rt.load([(0x10, 0xF0, [0, 2]),               # (key, mask, ports): first match wins
             (0x00, 0x00, [1])], default=[])     # default: drop
    rt.counters()   # {'EVENTS_IN': .., 'EVENTS_OUT': .., 'DROPPED': .., 'HITS': .., ...,
                    #  'PORT_OUT': [..P values..]}

``load`` reads the router's geometry (INFO: ports, index_bits, key_shift, address_bits), compiles
the ternary table with :func:`neurohdl.models.aer.router.compile_table` (ParamError naming the
entry that cannot be represented, before anything is written), checks that the route RAM is not
being cleared (STATUS.init), then writes TADDR = 0, every route RAM word through TDATA (one
fixed-address burst) and DEF_ROUTE.  Load a table while no event enters the router: a table is
only consistent once fully written (events routed meanwhile may see old and new words).
"""
from __future__ import annotations

from neurohdl.errors import HostError
from neurohdl.models.aer import router as model
from neurohdl.sw._util import AsyncView, drive
from neurohdl.sw.regmap_driver import Table

COUNTERS = model.COUNTERS


class RouterBusy(HostError):
    """The route RAM is still being cleared after reset (STATUS.init)."""


def default_table() -> Table:
    """The table of ``cores/aer/router.rdl`` (needs systemrdl-compiler; a board host can use a
    ``regmap.json`` / ``manifest.json`` instead)."""
    return Table(model.regmap().to_dict())


def table_writes(table: Table, geometry: model.Geometry, entries, default=()) \
        -> list[tuple[int, list[int], bool]]:
    """The bursts ``(word address, words, fixed)`` that load ``entries`` (ordered ternary
    table) and the ``default`` ports: TADDR = 0, the RAM image into TDATA, DEF_ROUTE."""
    image = model.compile_table(geometry, entries)
    dflt = model.default_word(geometry, default)
    a = {r: word_addr(table, r) for r in ("TADDR", "TDATA", "DEF_ROUTE")}
    return [(a["TADDR"], [0], True), (a["TDATA"], image, True), (a["DEF_ROUTE"], [dflt], True)]


def word_addr(table: Table, reg: str) -> int:
    """A register's word address in the block (its offset / 4; a transport adds any base)."""
    return table.reg(reg)["offset"] // 4


def geometry_of(table: Table, info: int) -> model.Geometry:
    """The geometry an INFO register value holds."""
    f = {n: table.get("INFO", n, info) for n in ("ports", "index_bits", "key_shift",
                                                  "address_bits")}
    return model.Geometry(**f)


class AsyncRouter:
    """The router over an async word-burst transport (see the module docstring)."""

    def __init__(self, transport, table: Table | None = None):
        self.transport = transport
        self.table = table if table is not None else default_table()

    def _addr(self, reg: str) -> int:
        return word_addr(self.table, reg)

    async def _read(self, reg: str) -> int:
        (v,) = await self.transport.read(self._addr(reg), 1)
        return int(v)

    async def geometry(self) -> model.Geometry:
        return geometry_of(self.table, await self._read("INFO"))

    async def load(self, entries, default=()) -> list[int]:
        """Compile and write a routing table; returns the route RAM image written."""
        g = await self.geometry()
        bursts = table_writes(self.table, g, entries, default)
        if self.table.get("STATUS", "init", await self._read("STATUS")):
            raise RouterBusy("aer.router: the route RAM is being cleared after reset "
                             "(STATUS.init = 1); load the table when it reads 0")
        for addr, words, fixed in bursts:
            await self.transport.write(addr, words, fixed)
        return bursts[1][1]

    async def set_default(self, default=()) -> None:
        """DEF_ROUTE: the ports of events without a valid route RAM word (empty: drop)."""
        g = await self.geometry()
        await self.transport.write(self._addr("DEF_ROUTE"), [model.default_word(g, default)],
                                   True)

    async def counters(self) -> dict:
        """Every counter: EVENTS_IN, EVENTS_OUT, DROPPED, HITS, MISSES, MARKERS, and
        PORT_OUT (one value per port)."""
        g = await self.geometry()
        base = self._addr("EVENTS_IN")
        words = await self.transport.read(base, self._addr("MARKERS") - base + 1)
        out = {c: int(words[self._addr(c) - base]) for c in COUNTERS}
        out["PORT_OUT"] = [int(v) for v in
                           await self.transport.read(self._addr("PORT_OUT[0]"), g.ports)]
        return out

    async def clear_counters(self) -> None:
        """CTRL.clr_cnt (with no event in the router, or the invariants are off by those)."""
        await self.transport.write(self._addr("CTRL"), [1], True)


class Router:
    """Blocking driver: the same :class:`AsyncRouter` coroutines over a sync transport."""

    def __init__(self, transport, table: Table | None = None):
        self.aio = AsyncRouter(AsyncView(transport), table)

    def geometry(self) -> model.Geometry:
        return drive(self.aio.geometry(), HostError, "Router.geometry")

    def load(self, entries, default=()) -> list[int]:
        return drive(self.aio.load(entries, default), HostError, "Router.load")

    def set_default(self, default=()) -> None:
        return drive(self.aio.set_default(default), HostError, "Router.set_default")

    def counters(self) -> dict:
        return drive(self.aio.counters(), HostError, "Router.counters")

    def clear_counters(self) -> None:
        return drive(self.aio.clear_counters(), HostError, "Router.clear_counters")


__all__ = ["AsyncRouter", "Router", "RouterBusy", "table_writes", "geometry_of",
           "default_table", "word_addr"]

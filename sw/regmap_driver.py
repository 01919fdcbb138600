# SPDX-License-Identifier: Apache-2.0
"""Host driver over a register table: the same code for a board, /dev/mem, and a simulation.

The table is the flattened register map neurohdl writes into ``regmap.json`` / ``manifest.json``
(:func:`neurohdl.regmap.RegMap.to_dict`); this module needs neither systemrdl-compiler nor MyHDL.

    drv = Driver.from_manifest("build/regmap/manifest.json", transport)   # sync transport
    drv.CTRL.run = 1                 # read-modify-write of one field
    drv.read("STATUS")               # whole register -> int
    drv.STATUS.busy                  # one field (reads the register)
    drv.write("SCRATCH", 0x1234)

    adrv = AsyncDriver(table, sim_transport)          # async transport (cocotb)
    await adrv.write_field("CTRL", "run", 1)
    await adrv.read_field("STATUS", "busy")

A transport has ``read32(addr) -> int`` and ``write32(addr, value) -> None`` (``async def`` for
:class:`AsyncDriver`) and raises :class:`BusError` on an error response.  Field writes
read-modify-write the register but write 0 into w1c, singlepulse and write-only fields other
than the target, so a field write never clears a pending flag or fires a pulse by accident.
Reads of a register with a ``swacc`` field (``read``, ``read_field``, the read of a field
write's read-modify-write) raise its strobe, e.g. pop a FIFO: read such registers once per item.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# one error family: neurohdl.errors (re-exported here, where users of the driver look)
from neurohdl.errors import BusError, HostError, ParamError, RegisterError
from neurohdl.sw._util import integer


def _answer(v, reg: str) -> int:
    """A transport's read32 result, checked: the wire is not trusted."""
    if isinstance(v, bool) or not hasattr(v, "__index__") or not 0 <= int(v) <= 0xFFFFFFFF:
        raise HostError(f"read {reg}: the transport answered {v!r}: allowed a 32-bit unsigned "
                        "integer")
    return int(v)


def _value(v, reg: str) -> int:
    """A register value to write: an integer (1.7 is refused, not rounded), taken mod 2^32."""
    return integer(v, f"{reg} value") & 0xFFFFFFFF


def reg_name(r: dict[str, Any]) -> str:
    """A register's name as users address it: ``rdl_name`` (``SC_VAL[0]``, what SystemRDL,
    PeakRDL's markdown and C header print) if the table has it, else ``name``."""
    return r.get("rdl_name") or r["name"]


class Table:
    """Registers and fields of one block, from the JSON register table.  Register names are
    the SystemRDL names: element 0 of array ``SC_VAL`` is ``"SC_VAL[0]"``."""

    def __init__(self, d: dict[str, Any], base: int = 0):
        self.name, self.base = d["name"], base
        self.regs = {reg_name(r): r for r in d["regs"]}
        self.fields = {reg_name(r): {f["name"]: f for f in r["fields"]} for r in d["regs"]}

    @classmethod
    def load(cls, path, block: str | None = None) -> "Table":
        """From ``regmap.json`` or a ``manifest.json`` with a ``blocks`` list."""
        d = json.loads(Path(path).read_text())
        if "regs" in d:
            return cls(d)
        blocks = d.get("blocks", [])
        for b in blocks:
            if block is None or b["name"] == block:
                return cls(b["regmap"], int(b.get("base", 0)))
        raise RegisterError(f"{path}: no block {block!r}; allowed "
                            + ", ".join(b["name"] for b in blocks))

    def reg(self, name: str) -> dict:
        if name not in self.regs:
            hint = re.sub(r"_(\d+)$", r"[\1]", str(name))
            hint = f" (array registers are named like {hint!r})" if hint in self.regs else ""
            raise RegisterError(f"{self.name}: no register {name!r}{hint}; allowed "
                                + ", ".join(self.regs))
        return self.regs[name]

    def field(self, reg: str, name: str) -> dict:
        self.reg(reg)
        if name not in self.fields[reg]:
            raise RegisterError(f"{self.name}.{reg}: no field {name!r}; allowed "
                                + ", ".join(self.fields[reg]))
        return self.fields[reg][name]

    def addr(self, reg: str) -> int:
        return self.base + self.reg(reg)["offset"]

    @staticmethod
    def mask(f: dict) -> int:
        return ((1 << f["width"]) - 1) << f["lsb"]

    def get(self, reg: str, name: str, value: int) -> int:
        f = self.field(reg, name)
        return (value >> f["lsb"]) & ((1 << f["width"]) - 1)

    def merge(self, reg: str, name: str, current: int, value: int) -> int:
        """Register value that sets field ``name`` and leaves the others as they are safe to
        write back (w1c/pulse/write-only fields 0)."""
        f = self.field(reg, name)
        if not 0 <= value < (1 << f["width"]):
            raise ParamError(f"{self.name}.{reg}.{name} = {value}: allowed 0..{(1 << f['width']) - 1}")
        keep = 0
        for g in self.regs[reg]["fields"]:
            if g["kind"] == "config" and g["sw"] == "rw" and g["name"] != name:
                keep |= self.mask(g)
        return (current & keep) | (value << f["lsb"])

    def needs_read(self, reg: str, name: str) -> bool:
        return any(g["kind"] == "config" and g["sw"] == "rw" and g["name"] != name
                   for g in self.regs[reg]["fields"])


class _RegView:
    def __init__(self, drv: "Driver", reg: str):
        object.__setattr__(self, "_drv", drv)
        object.__setattr__(self, "_reg", reg)

    def __getattr__(self, name):
        return self._drv.read_field(self._reg, name)

    def __setattr__(self, name, value):
        self._drv.write_field(self._reg, name, value)

    def read(self) -> int:
        return self._drv.read(self._reg)

    def write(self, value: int) -> None:
        self._drv.write(self._reg, value)

    def fields(self) -> dict[str, int]:
        v = self.read()
        return {f: self._drv.table.get(self._reg, f, v) for f in self._drv.table.fields[self._reg]}


class Driver:
    """Synchronous driver: ``transport.read32(addr)`` / ``transport.write32(addr, value)``."""

    def __init__(self, table: Table | dict, transport):
        object.__setattr__(self, "table", table if isinstance(table, Table) else Table(table))
        object.__setattr__(self, "transport", transport)

    @classmethod
    def from_manifest(cls, path, transport, block: str | None = None) -> "Driver":
        return cls(Table.load(path, block), transport)

    def read(self, reg: str) -> int:
        return _answer(self.transport.read32(self.table.addr(reg)), reg)

    def write(self, reg: str, value: int) -> None:
        self.transport.write32(self.table.addr(reg), _value(value, reg))

    def read_field(self, reg: str, name: str) -> int:
        self.table.field(reg, name)
        return self.table.get(reg, name, self.read(reg))

    def write_field(self, reg: str, name: str, value: int) -> None:
        cur = self.read(reg) if self.table.needs_read(reg, name) else 0
        self.write(reg, self.table.merge(reg, name, cur, value))

    def __getattr__(self, name):
        if name in self.table.regs:
            return _RegView(self, name)
        raise AttributeError(f"{self.table.name}: no register {name!r}")

    def __setattr__(self, name, value):
        if name in self.table.regs:
            self.write(name, value)
        else:
            raise AttributeError(f"{self.table.name}: no register {name!r}")


class AsyncDriver:
    """The same operations for an async transport (cocotb: ``await transport.read32(a)``)."""

    def __init__(self, table: Table | dict, transport):
        self.table = table if isinstance(table, Table) else Table(table)
        self.transport = transport

    async def read(self, reg: str) -> int:
        return _answer(await self.transport.read32(self.table.addr(reg)), reg)

    async def write(self, reg: str, value: int) -> None:
        await self.transport.write32(self.table.addr(reg), _value(value, reg))

    async def read_field(self, reg: str, name: str) -> int:
        self.table.field(reg, name)
        return self.table.get(reg, name, await self.read(reg))

    async def write_field(self, reg: str, name: str, value: int) -> None:
        cur = await self.read(reg) if self.table.needs_read(reg, name) else 0
        await self.write(reg, self.table.merge(reg, name, cur, value))


class MemoryTransport:
    """A plain dict of words (tests, dry runs); ``errors`` lists addresses that answer BusError."""

    def __init__(self, errors=()):
        self.mem: dict[int, int] = {}
        self.errors = set(errors)
        self.log: list[tuple[str, int, int]] = []

    def read32(self, addr: int) -> int:
        if addr in self.errors:
            raise BusError(f"read {addr:#x}: error response")
        v = self.mem.get(addr, 0)
        self.log.append(("r", addr, v))
        return v

    def write32(self, addr: int, value: int) -> None:
        if addr in self.errors:
            raise BusError(f"write {addr:#x}: error response")
        self.mem[addr] = value
        self.log.append(("w", addr, value))


__all__ = ["Driver", "AsyncDriver", "Table", "BusError", "RegisterError", "MemoryTransport"]

# SPDX-License-Identifier: Apache-2.0
"""Host driver of the SNN SoC (``net.snn_soc``): the SoC as users think of it.

One implementation, :class:`AsyncSnnSoc`, written as coroutines over a *word-burst transport*::

    read(word_addr, n=1, fixed=False) -> list[int]        # async or not, see below
    write(word_addr, words, fixed=False) -> None

(``fixed=True``: every word at the same address, e.g. a FIFO register).  That is the interface of
:class:`neurohdl.sw.uart_protocol.UartTransport` / ``AsyncUartTransport``, of
:class:`ModelTransport` (the numpy model, for tests and dry runs) and of
:class:`neurohdl.sw.devmem.DevMemTransport` (``/dev/mem`` on Zynq-class boards).

* :class:`AsyncSnnSoc` awaits an async transport (cocotb, asyncio); it never touches an event
  loop itself, so it runs under any scheduler.
* :class:`SnnSoc` is the blocking facade: it wraps a sync transport in trivial async methods and
  drives the *same* coroutines to completion with ``coro.send(None)``.

    from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
    soc = SnnSoc(ModelTransport(SocModel(SnnSocParams(n_neurons=4, n_axons=2))))
    soc.reset_network()
    soc.load_weights([[40, 0, 0, 0], [0, 50, 0, 0]])
    soc.inject([0, 1]);  soc.run(3)
    soc.read_spikes()     # [Spike(tstep=..., neuron=...), ...]
    soc.counters()        # {'TSTEP': 3, 'EVENTS_IN': ..., ...}

Every register address and field position comes from the register table (the flattened
``cores/net/snn_soc.rdl``, from :func:`neurohdl.regmap.load` or a ``regmap.json`` /
``manifest.json`` that ``neurohdl regmap`` wrote); none is written here.  The word address of a
register is its offset in the block / 4: the UART bridge addresses the CSR block directly, and
:class:`~neurohdl.sw.devmem.DevMemTransport` maps the block from its base (the manifest's
``base``, ``Table.base``).

Errors: :class:`neurohdl.ParamError` for a bad argument, raised before anything is sent
(:class:`FifoFullError`, a ParamError, when the spike-input FIFO has no room for the spikes);
:class:`SocTimeout` when ``STATUS.busy`` does not fall in time; :class:`SocBusy` when an
operation that needs an idle SoC finds it busy; :class:`SocMismatch` when the SoC answers what
the driver cannot accept (wrong ID, refused weight writes, a popped spike word without its valid
bit, an answer with the wrong number of words or words that are not 32-bit integers, a spike
of a neuron the SoC does not have).  All are :class:`neurohdl.errors.HostError` (hence
:class:`neurohdl.NeurohdlError`), as are the transports' errors, which propagate unchanged
(:class:`neurohdl.errors.BusError` for an error response on every transport).

Async transports: an async transport of your own, :class:`AsyncModelTransport` (the model),
:class:`AsyncTransport` (any blocking transport, e.g. a board's UartTransport, seen as async) or
:mod:`neurohdl.sw.rtl_transport` (the converted RTL in simulation): one host program written as
coroutines over :class:`AsyncSnnSoc` runs on all of them.
"""
from __future__ import annotations

import functools
import inspect
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from neurohdl.errors import BusError, HostError, ParamError, RegisterError
from neurohdl.sw._util import drive, integer, word_list
from neurohdl.sw.regmap_driver import Table

__all__ = ["AsyncSnnSoc", "SnnSoc", "SocInfo", "Spike", "ModelTransport", "AsyncModelTransport",
           "AsyncTransport", "SnnSocError", "SocTimeout", "SocBusy", "SocMismatch",
           "FifoFullError", "BusError", "ParamError", "default_table", "sc_reg"]

RESP_NAMES = {0: "OKAY", 1: "EXOKAY", 2: "SLVERR", 3: "DECERR"}

# Registers and fields the driver uses; a table without them is not an SNN SoC map.
USES = {
    "ID": ("ID", "MAJOR", "MINOR"),
    "CTRL": ("run", "step", "stop", "clr_cnt", "reset_net"),
    "STATUS": ("busy", "werr", "axon_err"),
    "TIMESTEPS": ("count",), "TSTEP": ("count",),
    "EVENTS_IN": ("count",), "EVENTS_OUT": ("count",), "EVENTS_DROPPED": ("count",),
    "IN_DROPPED": ("count",),
    "IRQ_STATUS": ("done", "drop"), "IRQ_ENABLE": ("done", "drop"),
    "INFO_SIZE": ("n_neurons", "n_axons"), "INFO_FIFO": ("in_depth", "out_depth"),
    "INFO_FMT": ("sc_channels", "sc_width", "w_width", "neuron"),
    "LEVELS": ("in_level", "out_level"),
    "SPIKE_IN": ("axon",), "SPIKE_OUT": ("neuron", "tstep", "valid"),
    "WADDR": ("addr",), "WDATA": ("value",), "WREAD": ("value",), "WPTR": ("addr",),
}
COUNTERS = ("TSTEP", "EVENTS_IN", "EVENTS_OUT", "EVENTS_DROPPED", "IN_DROPPED")


class SnnSocError(HostError):
    """The SoC did not do what the driver needs."""


class SocTimeout(SnnSocError, TimeoutError):
    """STATUS.busy did not fall within the timeout / poll limit."""


class SocBusy(SnnSocError):
    """An operation that needs an idle SoC (STATUS.busy = 0) found it busy."""


class SocMismatch(SnnSocError):
    """The SoC's answer contradicts the register map or the driver (wrong ID, sizes the map
    cannot address, weight writes refused, a popped spike word without its valid bit or of a
    neuron the SoC does not have, an answer with the wrong number of words or a word that is
    not a 32-bit unsigned integer)."""


class FifoFullError(SnnSocError, ParamError):
    """More spikes than the spike-input FIFO has room for (nothing was written)."""


class Spike(NamedTuple):
    tstep: int      # TSTEP when the spike happened, low bits as SPIKE_OUT.tstep carries them
    neuron: int


@dataclass(frozen=True)
class SocInfo:
    """Sizes and formats of one SoC build (INFO_* and ID)."""
    n_neurons: int
    n_axons: int
    in_depth: int
    out_depth: int
    sc_channels: int
    sc_width: int
    w_width: int
    neuron: int             # INFO_FMT.neuron code (see neuron_name)
    version: tuple[int, int]

    @property
    def weight_words(self) -> int:
        return self.n_axons * self.n_neurons

    @property
    def w_min(self) -> int:
        return -(1 << (self.w_width - 1))

    @property
    def w_max(self) -> int:
        return (1 << (self.w_width - 1)) - 1

    @property
    def neuron_name(self) -> str:
        from neurohdl.models.neuron.engine import NEURONS
        return NEURONS[self.neuron] if self.neuron < len(NEURONS) else f"code {self.neuron}"


def sc_reg(c: int) -> str:
    """The register of SC lane ``c``: ``SC_VAL[c]`` (the SystemRDL array element's name)."""
    return f"SC_VAL[{c}]"


def default_table() -> Table:
    """The table of ``cores/net/snn_soc.rdl`` (needs systemrdl-compiler; a board host can use
    a ``regmap.json`` / ``manifest.json`` instead)."""
    from neurohdl.models.net.snn_soc import RDL
    from neurohdl.regmap import load
    return Table(load(RDL).to_dict())


def _table(table) -> Table:
    if table is None:
        return default_table()
    if isinstance(table, Table):
        return table
    if isinstance(table, dict):
        return Table(table)
    return Table.load(table, "snn_soc")    # a path: regmap.json or manifest.json


def _int_list(values, what: str) -> list[int]:
    """Python ints from a sequence of integers (bools and non-integral numbers refused)."""
    values = list(values) if not isinstance(values, np.ndarray) else values
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        raise ParamError(f"{what}: shape {arr.shape}: allowed a flat sequence of integers")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise ParamError(f"{what}[{i}] = {v!r}: allowed an integer")
        out.append(int(v))
    return out


class AsyncSnnSoc:
    """The SNN SoC over an async word-burst transport (see the module docstring).

    ``table``: a :class:`~neurohdl.sw.regmap_driver.Table`, its dict, a path to ``regmap.json``
    / ``manifest.json``, or None (elaborate ``cores/net/snn_soc.rdl``).  Busy polling: at most
    ``timeout`` seconds of ``clock()`` (default ``time.monotonic``; a cocotb test may pass the
    simulation time) and ``max_polls`` STATUS reads (None: no limit); ``poll_wait`` (a zero-argument
    async callable, e.g. a cocotb Timer) is awaited between polls."""

    def __init__(self, transport, table=None, *, timeout: float | None = 5.0,
                 max_polls: int | None = None, poll_wait=None, clock=time.monotonic):
        self.transport = transport
        self.table = _table(table)
        for reg, fields in USES.items():
            for f in fields:
                try:
                    self.table.field(reg, f)
                except RegisterError as e:
                    raise SocMismatch(f"register table {self.table.name!r}: {e} (the driver "
                                      "needs the snn_soc map)") from None
        self.timeout, self.max_polls = timeout, max_polls
        self.poll_wait, self.clock = poll_wait, clock
        self._info: SocInfo | None = None
        n_sc = 0
        while sc_reg(n_sc) in self.table.regs:
            n_sc += 1
        self.sc_regs = n_sc

    # ------------------------------------------------------------ register access ------------
    def word_addr(self, reg: str) -> int:
        """The register's word address inside the block (offset / 4); where the block sits
        (a manifest's ``base``) is the transport's business, e.g. DevMemTransport(base, ...)."""
        a = self.table.reg(reg)["offset"]
        if a % 4:
            raise SocMismatch(f"register {reg} at byte {a:#x}: not word aligned")
        return a >> 2

    def width(self, reg: str, field: str) -> int:
        return self.table.field(reg, field)["width"]

    def pack(self, reg: str, **fields: int) -> int:
        """A register word with the given fields (others 0); each value range-checked."""
        v = 0
        for name, x in fields.items():
            f = self.table.field(reg, name)
            if not 0 <= int(x) < (1 << f["width"]):
                raise ParamError(f"{reg}.{name} = {x}: allowed 0..{(1 << f['width']) - 1}")
            v |= int(x) << f["lsb"]
        return v

    def unpack(self, reg: str, value: int) -> dict[str, int]:
        return {f: self.table.get(reg, f, value) for f in self.table.fields[reg]}

    async def read_words(self, addr: int, n: int, fixed: bool = False,
                         what: str = "read") -> list[int]:
        """``n`` words from the transport, checked: exactly ``n`` integers 0..2^32-1
        (SocMismatch otherwise; the wire is not trusted)."""
        words = await self.transport.read(addr, n, fixed)
        if not isinstance(words, (list, tuple, np.ndarray)) or len(words) != n:
            got = f"{len(words)} words" if isinstance(words, (list, tuple, np.ndarray)) \
                else f"a {type(words).__name__}"
            raise SocMismatch(f"{what}: the transport answered {got} for a read of {n} words "
                              f"at word {addr:#x}")
        try:
            return word_list(words, f"{what}: answer word")
        except ParamError as e:
            raise SocMismatch(f"{e} (from the transport)") from None

    async def read_reg(self, reg: str) -> int:
        return (await self.read_words(self.word_addr(reg), 1, what=f"read {reg}"))[0]

    async def write_reg(self, reg: str, value: int) -> None:
        await self.transport.write(self.word_addr(reg), word_list([value], f"{reg} value"))

    async def read_regs(self, regs) -> dict[str, int]:
        """Several registers; runs of adjacent addresses go in one incrementing burst (only the
        named registers are read, so no FIFO is popped by accident)."""
        regs = list(regs)
        out: dict[str, int] = {}
        i = 0
        while i < len(regs):
            j = i + 1
            while j < len(regs) and self.word_addr(regs[j]) == self.word_addr(regs[j - 1]) + 1:
                j += 1
            words = await self.read_words(self.word_addr(regs[i]), j - i,
                                          what=f"read {', '.join(regs[i:j])}")
            out.update(zip(regs[i:j], words))
            i = j
        return out

    async def _pulse(self, field: str) -> None:
        await self.write_reg("CTRL", self.pack("CTRL", **{field: 1}))

    async def _field(self, reg: str, field: str) -> int:
        return self.table.get(reg, field, await self.read_reg(reg))

    # ------------------------------------------------------------ identity -------------------
    async def info(self, refresh: bool = False) -> SocInfo:
        """Sizes from ID and INFO_* (read once, then cached), checked against the map."""
        if self._info is not None and not refresh:
            return self._info
        r = await self.read_regs(["ID", "INFO_SIZE", "INFO_FIFO", "INFO_FMT"])
        t = self.table
        want_id = t.field("ID", "ID")["reset"]
        want_major = t.field("ID", "MAJOR")["reset"]
        got_id, major = t.get("ID", "ID", r["ID"]), t.get("ID", "MAJOR", r["ID"])
        if got_id != want_id or major != want_major:
            raise SocMismatch(f"ID = {r['ID']:#010x}: expected ID {want_id:#06x}, MAJOR "
                              f"{want_major} (map {t.name!r} {want_id:#06x} v{want_major}); "
                              "wrong device, base address or bitstream")
        g = {**self.unpack("INFO_SIZE", r["INFO_SIZE"]), **self.unpack("INFO_FIFO", r["INFO_FIFO"]),
             **self.unpack("INFO_FMT", r["INFO_FMT"])}
        info = SocInfo(n_neurons=g["n_neurons"], n_axons=g["n_axons"], in_depth=g["in_depth"],
                       out_depth=g["out_depth"], sc_channels=g["sc_channels"],
                       sc_width=g["sc_width"], w_width=g["w_width"], neuron=g["neuron"],
                       version=(major, t.get("ID", "MINOR", r["ID"])))
        problems = []
        if info.n_neurons < 1 or info.n_axons < 1:
            problems.append("n_neurons and n_axons >= 1")
        if info.weight_words > 1 << self.width("WADDR", "addr"):
            problems.append(f"n_axons * n_neurons <= 2^{self.width('WADDR', 'addr')} (WADDR)")
        if info.n_neurons > 1 << self.width("SPIKE_OUT", "neuron"):
            problems.append("n_neurons fits SPIKE_OUT.neuron")
        if info.n_axons > 1 << self.width("SPIKE_IN", "axon"):
            problems.append("n_axons fits SPIKE_IN.axon")
        if info.in_depth < 1 or info.out_depth < 1:
            problems.append("FIFO depths >= 1")
        if not 1 <= info.w_width <= self.width("WDATA", "value"):
            problems.append(f"w_width 1..{self.width('WDATA', 'value')} (WDATA)")
        if info.sc_channels > min(self.sc_regs, info.n_axons):
            problems.append(f"sc_channels <= {self.sc_regs} SC_VAL registers and <= n_axons")
        if info.sc_channels and not 1 <= info.sc_width <= self.width(sc_reg(0), "value"):
            problems.append("sc_width fits SC_VAL[c].value")
        if problems:
            raise SocMismatch(f"INFO_* = {info}: the map {t.name!r} needs " + "; ".join(problems))
        self._info = info
        return info

    # ------------------------------------------------------------ control --------------------
    async def wait_idle(self, timeout: float | None = None, max_polls: int | None = None) -> int:
        """Poll STATUS.busy until 0; returns the number of polls.  SocTimeout otherwise."""
        timeout = self.timeout if timeout is None else timeout
        max_polls = self.max_polls if max_polls is None else max_polls
        t0, polls = self.clock(), 0
        while True:
            polls += 1
            if not await self._field("STATUS", "busy"):
                return polls
            if ((timeout is not None and self.clock() - t0 > timeout)
                    or (max_polls is not None and polls >= max_polls)):
                raise SocTimeout(f"STATUS.busy still 1 after {polls} polls / "
                                 f"{self.clock() - t0:.3g} s (timeout = {timeout} s, max_polls "
                                 f"= {max_polls}); write CTRL.stop (stop()) or reset_network()")
            if self.poll_wait is not None:
                await self.poll_wait()

    async def _idle(self, what: str) -> None:
        if await self._field("STATUS", "busy"):
            raise SocBusy(f"{what}: the SoC is busy (STATUS.busy = 1); wait_idle() or stop() "
                          "first")

    async def reset_network(self, timeout: float | None = None) -> None:
        """CTRL.reset_net: neuron state re-initialised, both spike FIFOs emptied, TSTEP = 0, SC
        generators restarted, sticky STATUS flags cleared (weights and counters kept); waits
        until STATUS.busy falls."""
        await self.info()
        await self._pulse("reset_net")
        await self.wait_idle(timeout)

    async def run(self, timesteps: int, timeout: float | None = None) -> None:
        """TIMESTEPS.count = timesteps, CTRL.run, wait until idle."""
        w = self.width("TIMESTEPS", "count")
        if (isinstance(timesteps, (bool, np.bool_)) or not isinstance(timesteps, (int, np.integer))
                or not 0 <= timesteps < 1 << w):
            raise ParamError(f"timesteps = {timesteps!r}: allowed 0..{(1 << w) - 1} "
                             "(TIMESTEPS.count)")
        await self._idle(f"run({timesteps})")
        await self.write_reg("TIMESTEPS", self.pack("TIMESTEPS", count=int(timesteps)))
        await self._pulse("run")
        await self.wait_idle(timeout)

    async def step(self, timeout: float | None = None) -> None:
        """One timestep (CTRL.step), wait until idle."""
        await self._idle("step()")
        await self._pulse("step")
        await self.wait_idle(timeout)

    async def stop(self, timeout: float | None = None) -> None:
        """CTRL.stop: end a run after the timestep in progress; wait until idle."""
        await self._pulse("stop")
        await self.wait_idle(timeout)

    # ------------------------------------------------------------ weights --------------------
    async def load_weights(self, weights) -> None:
        """All weights, shape (n_axons, n_neurons) (row a = axon a): every value is checked
        against the signed w_width format before anything is sent; then WADDR = 0 and one
        fixed-address WDATA burst; then WPTR and STATUS.werr must show every write accepted."""
        info = await self.info()
        w = np.asarray(weights)
        shape = (info.n_axons, info.n_neurons)
        if w.shape != shape:
            raise ParamError(f"weights shape {w.shape}: allowed {shape} (n_axons, n_neurons)")
        if w.dtype.kind not in "iu" and not (w.dtype.kind == "O" and all(
                isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in w.flat)):
            raise ParamError(f"weights dtype {w.dtype}: allowed integers (nothing is rounded)")
        flat = [int(x) for x in w.flat]
        for k, x in enumerate(flat):
            if not info.w_min <= x <= info.w_max:
                a, n = divmod(k, info.n_neurons)
                raise ParamError(f"weights[{a}, {n}] = {x}: allowed {info.w_min}..{info.w_max} "
                                 f"(signed w_width = {info.w_width} bits)")
        await self._idle("load_weights")
        werr_before = await self._field("STATUS", "werr")
        vmask = (1 << self.width("WDATA", "value")) - 1
        await self.write_reg("WADDR", self.pack("WADDR", addr=0))
        await self.transport.write(self.word_addr("WDATA"),
                                   [self.pack("WDATA", value=x & vmask) for x in flat], fixed=True)
        r = await self.read_regs(["STATUS"])
        ptr = self.table.get("WPTR", "addr", await self.read_reg("WPTR"))
        want = len(flat) % (1 << self.width("WPTR", "addr"))
        werr = self.table.get("STATUS", "werr", r["STATUS"])
        if ptr != want or (werr and not werr_before):
            raise SocMismatch(f"weight load: WPTR = {ptr} (expected {want}), STATUS.werr = "
                              f"{werr}: the SoC refused {len(flat) - ptr} weight writes")

    async def read_weights(self) -> np.ndarray:
        """All weights (WADDR = 0, one fixed-address WREAD burst), shape (n_axons, n_neurons),
        int64."""
        info = await self.info()
        await self._idle("read_weights")
        await self.write_reg("WADDR", self.pack("WADDR", addr=0))
        words = await self.read_words(self.word_addr("WREAD"), info.weight_words, fixed=True,
                                      what="read WREAD")
        vw = self.width("WREAD", "value")
        vals = [self.table.get("WREAD", "value", x) for x in words]
        vals = [v - (1 << vw) if v >> (vw - 1) else v for v in vals]
        return np.array(vals, dtype=np.int64).reshape(info.n_axons, info.n_neurons)

    # ------------------------------------------------------------ inputs ---------------------
    async def set_sc_values(self, values, start: int = 0) -> None:
        """SC_VAL[c] = values[c - start] for c = start.. (axon c fires in a timestep with
        probability value / 2^sc_width).  Range-checked before anything is written."""
        info = await self.info()
        vals = _int_list(values, "sc values")
        if not 0 <= start or start + len(vals) > info.sc_channels:
            raise ParamError(f"SC channels {start}..{start + len(vals) - 1}: allowed "
                             f"0..{info.sc_channels - 1} (sc_channels = {info.sc_channels})")
        top = (1 << info.sc_width) - 1
        for i, v in enumerate(vals):
            if not 0 <= v <= top:
                raise ParamError(f"SC value of channel {start + i} = {v}: allowed 0..{top} "
                                 f"(sc_width = {info.sc_width} bits)")
        regs = [sc_reg(start + i) for i in range(len(vals))]
        words = [self.pack(r, value=v) for r, v in zip(regs, vals)]
        i = 0
        while i < len(regs):                        # adjacent registers: one burst
            j = i + 1
            while j < len(regs) and self.word_addr(regs[j]) == self.word_addr(regs[j - 1]) + 1:
                j += 1
            await self.transport.write(self.word_addr(regs[i]), words[i:j])
            i = j

    async def sc_values(self) -> list[int]:
        info = await self.info()
        r = await self.read_regs([sc_reg(c) for c in range(info.sc_channels)])
        mask = (1 << info.sc_width) - 1
        return [self.table.get(k, "value", v) & mask for k, v in r.items()]

    async def inject(self, axons) -> None:
        """Push axon numbers into the spike-input FIFO (consumed by the next timestep): every
        axon must be < n_axons and the FIFO must have room for all of them (LEVELS.in_level vs
        INFO_FIFO.in_depth), else nothing is written.  One fixed-address SPIKE_IN burst."""
        info = await self.info()
        ax = _int_list(axons, "axons")
        for i, a in enumerate(ax):
            if not 0 <= a < info.n_axons:
                raise ParamError(f"axons[{i}] = {a}: allowed 0..{info.n_axons - 1} (n_axons)")
        if not ax:
            return
        level = await self._field("LEVELS", "in_level")
        room = info.in_depth - level
        if len(ax) > room:
            raise FifoFullError(f"inject {len(ax)} spikes: the spike-input FIFO holds {level} of "
                                f"{info.in_depth}, room for {room}; nothing written (run or "
                                "step to consume them, or inject fewer)")
        await self.transport.write(self.word_addr("SPIKE_IN"),
                                   [self.pack("SPIKE_IN", axon=a) for a in ax], fixed=True)

    # ------------------------------------------------------------ outputs --------------------
    async def read_spikes(self, max_spikes: int | None = None) -> list[Spike]:
        """Pop the spike-output FIFO (LEVELS.out_level words, at most ``max_spikes``) with one
        fixed-address SPIKE_OUT burst; each word must carry its valid bit and name a neuron of
        the SoC (SocMismatch otherwise; the words up to it are popped, so the spikes are lost)."""
        info = await self.info()
        if max_spikes is not None:
            max_spikes = integer(max_spikes, "max_spikes", lo=0)
        level = await self._field("LEVELS", "out_level")
        if level > info.out_depth:
            raise SocMismatch(f"LEVELS.out_level = {level}: more than the output FIFO's depth "
                              f"{info.out_depth}")
        n = level if max_spikes is None else min(level, max_spikes)
        if n <= 0:
            return []
        words = await self.read_words(self.word_addr("SPIKE_OUT"), n, fixed=True,
                                      what="read SPIKE_OUT")
        out = []
        for i, x in enumerate(words):
            f = self.unpack("SPIKE_OUT", x)
            if not f["valid"]:
                raise SocMismatch(f"SPIKE_OUT word {i} of {n} = {x:#010x}: valid bit 0 "
                                  f"although LEVELS.out_level was {level}")
            if f["neuron"] >= info.n_neurons:
                raise SocMismatch(f"SPIKE_OUT word {i} of {n} = {x:#010x}: neuron "
                                  f"{f['neuron']}, but the SoC has {info.n_neurons} neurons")
            out.append(Spike(f["tstep"], f["neuron"]))
        return out

    async def counters(self) -> dict[str, int]:
        """TSTEP, EVENTS_IN, EVENTS_OUT, EVENTS_DROPPED, IN_DROPPED (each wraps at 2^32)."""
        r = await self.read_regs(COUNTERS)
        return {k: self.table.get(k, "count", v) for k, v in r.items()}

    async def clear_counters(self) -> None:
        """CTRL.clr_cnt: EVENTS_IN/OUT/DROPPED and IN_DROPPED = 0 (TSTEP is kept)."""
        await self._pulse("clr_cnt")

    async def telemetry(self) -> dict[str, int]:
        """Every STATUS field (busy, init, FIFO full/empty, sticky acc_sat, sat, werr,
        axon_err) and the FIFO levels (in_level, out_level)."""
        r = await self.read_regs(["STATUS", "LEVELS"])
        return {**self.unpack("STATUS", r["STATUS"]), **self.unpack("LEVELS", r["LEVELS"])}

    # ------------------------------------------------------------ interrupts -----------------
    async def irq_status(self) -> dict[str, int]:
        return self.unpack("IRQ_STATUS", await self.read_reg("IRQ_STATUS"))

    async def irq_clear(self, done: bool = True, drop: bool = True) -> None:
        """Write 1 to clear the chosen IRQ_STATUS flags."""
        await self.write_reg("IRQ_STATUS", self.pack("IRQ_STATUS", done=int(bool(done)),
                                                     drop=int(bool(drop))))

    async def irq_enable(self, done: bool | None = None, drop: bool | None = None
                         ) -> dict[str, int]:
        """Set the given IRQ_ENABLE bits (None: keep); returns the enables now in force."""
        cur = self.unpack("IRQ_ENABLE", await self.read_reg("IRQ_ENABLE"))
        for k, v in (("done", done), ("drop", drop)):
            if v is not None:
                cur[k] = int(bool(v))
        await self.write_reg("IRQ_ENABLE", self.pack("IRQ_ENABLE", **cur))
        return cur


# ---------------------------------------------------------------- sync facade -----------------
class AsyncTransport:
    """The async word-burst interface over a blocking transport (its calls never suspend):
    ``AsyncSnnSoc(AsyncTransport(UartTransport(...)))`` runs a host program written as
    coroutines on a board, ``asyncio.run(program(soc))``."""

    def __init__(self, transport):
        self.transport = transport

    async def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        r = self.transport.read(addr, n, fixed)
        return (await r) if inspect.isawaitable(r) else r   # async by mistake: drive refuses

    async def write(self, addr: int, words, fixed: bool = False) -> None:
        r = self.transport.write(addr, words, fixed)
        if inspect.isawaitable(r):
            await r


def _drive(coro):
    """Run a coroutine that never suspends to completion (no event loop involved)."""
    return drive(coro, SnnSocError, "SnnSoc")


_SYNC = ("info", "wait_idle", "reset_network", "run", "step", "stop", "load_weights",
         "read_weights", "set_sc_values", "sc_values", "inject", "read_spikes", "counters",
         "clear_counters", "telemetry", "irq_status", "irq_clear", "irq_enable", "read_reg",
         "write_reg", "read_regs")


class SnnSoc:
    """Blocking driver: the same :class:`AsyncSnnSoc` coroutines over a sync word-burst
    transport (:class:`~neurohdl.sw.uart_protocol.UartTransport`, :class:`ModelTransport`,
    :class:`~neurohdl.sw.devmem.DevMemTransport`).  ``poll_interval`` seconds are slept between
    busy polls; the other keywords are AsyncSnnSoc's."""

    def __init__(self, transport, table=None, *, poll_interval: float = 0.0, **kw: Any):
        wait = None
        if poll_interval:
            async def wait():
                time.sleep(poll_interval)
        self.transport = transport
        self.aio = AsyncSnnSoc(AsyncTransport(transport), table, poll_wait=wait, **kw)

    @property
    def table(self) -> Table:
        return self.aio.table

    def word_addr(self, reg: str) -> int:
        return self.aio.word_addr(reg)


def _sync_method(name: str):
    meth = getattr(AsyncSnnSoc, name)

    @functools.wraps(meth)
    def call(self, *args, **kwargs):
        return _drive(meth(self.aio, *args, **kwargs))
    return call


for _name in _SYNC:
    setattr(SnnSoc, _name, _sync_method(_name))
del _name


# ---------------------------------------------------------------- simulation transport --------
class ModelTransport:
    """Word-burst transport over a register-level model with ``read32(byte_addr) -> (resp,
    data)`` and ``write32(byte_addr, value) -> resp`` (:class:`neurohdl.models.net.snn_soc.
    SocModel`).  A non-OKAY response stops the burst there (earlier words done, as the UART
    bridge does) and raises :class:`~neurohdl.sw.regmap_driver.BusError` with ``.index``.
    ``log`` records every completed access as (``"r"``/``"w"``, word address, value)."""

    def __init__(self, model):
        self.model = model
        self.log: list[tuple[str, int, int]] = []

    @staticmethod
    def _addrs(addr: int, n: int, fixed: bool):
        n = integer(n, "burst length", lo=1)
        addr = integer(addr, "word address")
        if addr < 0 or addr + n - 1 > (1 << 30) - 1:
            raise ParamError(f"word address = {addr!r} (+{n} words): allowed 0..{(1 << 30) - 1:#x}")
        return [addr if fixed else addr + i for i in range(n)]

    def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        out = []
        for i, a in enumerate(self._addrs(addr, n, fixed)):
            resp, data = self.model.read32(a * 4)
            if resp != 0:
                e = BusError(f"read word {a:#x} (byte {a * 4:#x}): {RESP_NAMES.get(resp, resp)} "
                             f"response; {i} of {n} words done")
                e.index = i
                raise e
            self.log.append(("r", a, int(data)))
            out.append(int(data))
        return out

    def write(self, addr: int, words, fixed: bool = False) -> None:
        words = word_list(words)
        for i, a in enumerate(self._addrs(addr, len(words), fixed)):
            resp = self.model.write32(a * 4, words[i])
            if resp != 0:
                e = BusError(f"write word {a:#x} (byte {a * 4:#x}) = {words[i]:#x}: "
                             f"{RESP_NAMES.get(resp, resp)} response; {i} of {len(words)} "
                             "words done")
                e.index = i
                raise e
            self.log.append(("w", a, words[i]))

    def writes(self) -> list[tuple[str, int, int]]:
        return [x for x in self.log if x[0] == "w"]


class AsyncModelTransport(AsyncTransport):
    """:class:`ModelTransport` with the async interface: ``AsyncSnnSoc(AsyncModelTransport(
    SocModel(p)))`` runs a host program written for the board or the RTL simulation against
    the numpy model (under asyncio, cocotb or :func:`neurohdl.sw.rtl_transport.run_on_model`).
    ``model`` and ``log`` are the ModelTransport's."""

    def __init__(self, model):
        super().__init__(ModelTransport(model))
        self.model, self.log = model, self.transport.log

    def writes(self) -> list[tuple[str, int, int]]:
        return self.transport.writes()

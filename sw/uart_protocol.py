# SPDX-License-Identifier: Apache-2.0
"""Host side of ``bus.uart_bridge``: drive a Wishbone bus over a serial port.

The frame format is defined once, in ``neurohdl.models.bus.uart_bridge`` (encode_request,
decode_response, crc8, Status); this module adds the transport and the typed errors:

    from neurohdl.models.bus.uart_bridge import UartBridgeParams
    from neurohdl.sw.uart_protocol import UartTransport, SerialPipe
    bus = UartTransport(UartBridgeParams(clk_hz=12_000_000, baud=115_200),
                        SerialPipe("/dev/ttyUSB1"))
    bus.write(0x10, [1, 2, 3]);  bus.read(0x10, 3)  # -> [1, 2, 3]

Byte pipes: anything with ``write(bytes)`` and ``read(n) -> bytes`` (which may return fewer
bytes, ``b""`` or None when its timeout expires) and, best, ``reset_input_buffer()``, e.g.
:class:`SerialPipe` (pyserial, imported only when used) or a test's in-memory pipe.
:class:`AsyncUartTransport` is the same over an async pipe (``async write``, ``async
read(n)``), which is how the cocotb tests drive the simulated bridge; :class:`UartTransport`
runs its coroutines over a blocking pipe, so both share one implementation.

Errors (all :class:`neurohdl.errors.HostError`, hence :class:`neurohdl.NeurohdlError`; every
link error is a :class:`LinkError`): :class:`ChecksumError` (response CRC wrong),
:class:`NackError` (the bridge answered a NACK: ``.status``, ``.info``; :class:`BusError` for
a Wishbone ERR with ``.index``, the failing word), :class:`LinkTimeout` (the response did not
arrive), :class:`ProtocolError` (a response that does not parse or answers another request),
and :class:`neurohdl.ParamError` before sending anything for an address, length or word that
is not an integer in range (``1.7`` is refused, not rounded).
"""
from __future__ import annotations

from neurohdl import errors
from neurohdl.errors import HostError, NeurohdlError, ParamError
from neurohdl.models.bus.uart_bridge import (MAX_LEN, SYNC_RESP, FrameError, Response, Status,
                                             UartBridgeParams, check_request, decode_response,
                                             encode_request, response_length)
from neurohdl.sw._util import AsyncView, drive, integer, word_list

__all__ = ["UartTransport", "AsyncUartTransport", "SerialPipe", "LinkError", "ChecksumError",
           "NackError", "BusError", "LinkTimeout", "ProtocolError", "Status", "ParamError"]

DRAIN_LIMIT = 1 << 16      # bytes a resynchronisation discards at most before giving up


class LinkError(HostError):
    """A transfer over the UART bridge failed."""


class ChecksumError(LinkError):
    """The response's CRC-8 does not match its bytes (line noise)."""


class ProtocolError(LinkError):
    """The response does not parse (bad sync byte, unknown status, wrong length, a length echo
    that is not the request's, a pipe that returns something other than bytes)."""


class LinkTimeout(LinkError, TimeoutError):
    """The full response did not arrive in time."""


class NackError(LinkError):
    """The bridge refused or aborted the request: ``status`` (a Status), ``info``."""

    def __init__(self, status: Status, info: int, what: str):
        self.status, self.info = status, info
        super().__init__(f"{what}: bridge answered NACK {status.name} ({int(status):#04x}), "
                         f"info {info}")


class BusError(NackError, errors.BusError):
    """A Wishbone ERR: words before ``index`` were done, word ``index`` and later were not.
    Also a :class:`neurohdl.errors.BusError`, as on every other transport."""

    @property
    def index(self) -> int:
        return self.info


def _nack(st: Status, info: int, what: str) -> NackError:
    return (BusError if st == Status.BUS_ERR else NackError)(st, info, what)


class AsyncUartTransport:
    """Word-burst transport over an async byte pipe (``async write(bytes)``, ``async read(n)
    -> bytes`` returning fewer bytes, ``b""`` or None when its own timeout expires; optionally
    ``reset_input_buffer()``, sync or async, as pyserial has).

    The wire is not trusted: a response is read in a loop until complete or until the pipe
    returns nothing; its sync byte, CRC, status, length and the ACK's length echo are checked.
    After any link error the transport resynchronises before the next request: it discards
    what is waiting (``reset_input_buffer()``, called before every request when the pipe has
    it, else reading until the pipe returns nothing, at most DRAIN_LIMIT bytes), so the rest of
    a broken or late answer is never taken for the next one.  A pipe without
    ``reset_input_buffer`` cannot tell a duplicated answer after a good one: give it one."""

    def __init__(self, p: UartBridgeParams, pipe):
        if not isinstance(p, UartBridgeParams):
            raise ParamError(f"params of type {type(p).__name__}: allowed UartBridgeParams")
        self.p, self.pipe = p, pipe
        self._dirty = False

    # ------------------------------------------------------------------ requests -----------
    def _chunks(self, addr, n, fixed):
        """Split a transfer into bursts of at most max_burst words (range-checked first)."""
        addr = integer(addr, "address")
        n = integer(n, "burst length", lo=1)
        if fixed:
            check_request(self.p, addr, 1, True)
        elif addr < 0 or addr + n - 1 >= 1 << self.p.addr_width:
            raise ParamError(f"address = {addr:#x} (+{n} words): allowed 0.."
                             f"{(1 << self.p.addr_width) - 1:#x} for every word "
                             f"(addr_width = {self.p.addr_width})")
        step = min(self.p.max_burst, MAX_LEN)
        for off in range(0, n, step):
            k = min(step, n - off)
            yield addr if fixed else addr + off, off, k

    async def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        out: list[int] = []
        for a, _, k in list(self._chunks(addr, n, fixed)):
            r = await self._xfer(encode_request(self.p, False, a, n=k, fixed=bool(fixed)),
                                 False, k, f"read {k} words at {a:#x}")
            out += r.words
        return out

    async def write(self, addr: int, words, fixed: bool = False) -> None:
        words = word_list(words, bits=self.p.data_width)
        for a, off, k in list(self._chunks(addr, len(words), fixed)):
            await self._xfer(encode_request(self.p, True, a, words[off:off + k],
                                            fixed=bool(fixed)), True, k,
                             f"write {k} words at {a:#x}")

    # ------------------------------------------------------------------ the wire -----------
    async def _xfer(self, frame: bytes, write: bool, n: int, what: str) -> Response:
        await self._resync(what)
        await self.pipe.write(frame)
        try:
            data = await self._recv(4, what)
            if len(data) == 4 and data[0] == SYNC_RESP and data[1] == Status.ACK and not write:
                data += await self._recv(response_length(self.p, write, n) - 4, what)
            return self._check(data, write, n, what)
        except LinkError:
            self._dirty = True
            raise

    async def _recv(self, n: int, what: str) -> bytes:
        """Up to ``n`` bytes: read until complete or until the pipe returns nothing."""
        got = b""
        while len(got) < n:
            chunk = await self.pipe.read(n - len(got))
            if chunk is None:
                break
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise ProtocolError(f"{what}: the byte pipe's read returned a "
                                    f"{type(chunk).__name__}: allowed bytes")
            chunk = bytes(chunk)
            if len(chunk) > n - len(got):
                raise ProtocolError(f"{what}: the byte pipe's read({n - len(got)}) returned "
                                    f"{len(chunk)} bytes")
            if not chunk:
                break
            got += chunk
        return got

    async def _resync(self, what: str) -> None:
        if hasattr(self.pipe, "reset_input_buffer"):
            await _maybe_await(self.pipe.reset_input_buffer())
        elif self._dirty:
            dropped = 0
            while await self._recv(256, what):
                dropped += 256
                if dropped >= DRAIN_LIMIT:
                    raise ProtocolError(f"{what}: resynchronising after an error: the line "
                                        f"did not go quiet within {DRAIN_LIMIT} bytes")
        self._dirty = False

    def _check(self, data: bytes, write: bool, n: int, what: str) -> Response:
        if len(data) >= 1 and data[0] != SYNC_RESP:
            raise ProtocolError(f"{what}: response sync = {data[0]:#04x}: allowed "
                                f"{SYNC_RESP:#04x} ({data.hex()})")
        n_words = 0 if write else n
        if len(data) < 4 or (data[1] == Status.ACK and len(data) < 4 + n_words * self.p.word_bytes):
            raise LinkTimeout(f"{what}: {len(data)} response bytes received before the timeout "
                              f"({data.hex() or 'none'})")
        try:
            r = decode_response(self.p, data, n_words)
        except FrameError as e:
            cls = ChecksumError if e.reason == "crc" else ProtocolError
            raise cls(f"{what}: {e}") from None
        if r.status != Status.ACK:
            raise _nack(r.status, r.info, what)
        if r.info != (n - 1) & 0xFF:
            raise ProtocolError(f"{what}: ACK echoes LEN = {r.info}: expected {n - 1} (an "
                                "answer to another request)")
        return r


async def _maybe_await(x):
    if hasattr(x, "__await__"):
        await x


class UartTransport:
    """The same over a blocking byte pipe (``write(bytes)``, ``read(n) -> bytes``), e.g.
    :class:`SerialPipe`: AsyncUartTransport's coroutines, run without an event loop."""

    def __init__(self, p: UartBridgeParams, pipe):
        self.aio = AsyncUartTransport(p, AsyncView(pipe))
        self.p, self.pipe = p, pipe

    def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        return drive(self.aio.read(addr, n, fixed), LinkError, "UartTransport.read")

    def write(self, addr: int, words, fixed: bool = False) -> None:
        drive(self.aio.write(addr, words, fixed), LinkError, "UartTransport.write")


class SerialPipe:
    """pyserial port as a byte pipe (pyserial is imported here, not at module import)."""

    def __init__(self, port: str, baud: int | None = None, timeout: float = 1.0,
                 p: UartBridgeParams | None = None):
        try:
            import serial  # pyserial
        except ImportError as e:
            raise NeurohdlError("SerialPipe needs pyserial (the host extra): pip install 'neurohdl[host]'") from e
        try:
            self.ser = serial.Serial(port, baudrate=baud or (p.baud if p else 115200),
                                     bytesize=8, parity="N", stopbits=1, timeout=timeout)
        except (OSError, ValueError) as e:       # serial.SerialException is an OSError
            raise LinkError(f"serial port {port!r}: {e}") from None

    def write(self, data: bytes) -> None:
        self.ser.write(data)
        self.ser.flush()

    def read(self, n: int) -> bytes:
        return self.ser.read(n)

    def reset_input_buffer(self) -> None:
        """Discard received bytes not read yet (called before every request)."""
        self.ser.reset_input_buffer()

    def close(self) -> None:
        self.ser.close()

"""Host side of ``bus.uart_bridge``: drive a Wishbone bus over a serial port.

The frame format is defined once, in ``neurohdl.models.bus.uart_bridge`` (encode_request,
decode_response, crc8, Status); this module adds the transport and the typed errors:

    from neurohdl.models.bus.uart_bridge import UartBridgeParams
    from neurohdl.sw.uart_protocol import UartTransport, SerialPipe
    bus = UartTransport(UartBridgeParams(clk_hz=12_000_000, baud=115_200),
                        SerialPipe("/dev/ttyUSB1"))
    bus.write(0x10, [1, 2, 3]);  bus.read(0x10, 3)  # -> [1, 2, 3]

Byte pipes: anything with ``write(bytes)`` and ``read(n) -> bytes`` (which may return fewer
bytes on timeout), e.g. :class:`SerialPipe` (pyserial, imported only when used) or a test's
in-memory pipe.  :class:`AsyncUartTransport` is the same over an async pipe (``async write``,
``async read(n)``), which is how the cocotb test drives the simulated bridge.

Errors (all :class:`neurohdl.NeurohdlError`): :class:`ChecksumError` (response CRC wrong),
:class:`NackError` (the bridge answered a NACK: ``.status``, ``.info``; :class:`BusError` for
a Wishbone ERR with ``.index``, the failing word), :class:`LinkTimeout` (the response did not
arrive), :class:`ProtocolError` (a response that does not parse), and
:class:`neurohdl.ParamError` before sending anything for an out-of-range address, length or
word.
"""
from __future__ import annotations

from neurohdl.errors import NeurohdlError, ParamError
from neurohdl.models.bus.uart_bridge import (MAX_LEN, SYNC_RESP, FrameError, Response, Status,
                                             UartBridgeParams, check_request, decode_response,
                                             encode_request, response_length)

__all__ = ["UartTransport", "AsyncUartTransport", "SerialPipe", "LinkError", "ChecksumError",
           "NackError", "BusError", "LinkTimeout", "ProtocolError", "Status", "ParamError"]


class LinkError(NeurohdlError):
    """A transfer over the UART bridge failed."""


class ChecksumError(LinkError):
    """The response's CRC-8 does not match its bytes (line noise)."""


class ProtocolError(LinkError):
    """The response does not parse (bad sync byte, unknown status, wrong length)."""


class LinkTimeout(LinkError, TimeoutError):
    """The full response did not arrive in time."""


class NackError(LinkError):
    """The bridge refused or aborted the request: ``status`` (a Status), ``info``."""

    def __init__(self, status: Status, info: int, what: str):
        self.status, self.info = status, info
        super().__init__(f"{what}: bridge answered NACK {status.name} ({int(status):#04x}), "
                         f"info {info}")


class BusError(NackError):
    """A Wishbone ERR: words before ``index`` were done, word ``index`` and later were not."""

    @property
    def index(self) -> int:
        return self.info


def _nack(st: Status, info: int, what: str) -> NackError:
    return (BusError if st == Status.BUS_ERR else NackError)(st, info, what)


class _Core:
    """Frame building and response checking shared by the sync and async transports."""

    def __init__(self, p: UartBridgeParams):
        if not isinstance(p, UartBridgeParams):
            raise ParamError(f"params of type {type(p).__name__}: allowed UartBridgeParams")
        self.p = p

    def _chunks(self, addr: int, n: int, fixed: bool):
        """Split a transfer into bursts of at most max_burst words (range-checked first)."""
        if n < 1:
            raise ParamError(f"burst length = {n}: allowed >= 1")
        if fixed:
            check_request(self.p, addr, 1, True)
        elif (addr < 0 or addr + n - 1 >= 1 << self.p.addr_width):
            raise ParamError(f"address = {addr:#x} (+{n} words): allowed 0.."
                             f"{(1 << self.p.addr_width) - 1:#x} for every word "
                             f"(addr_width = {self.p.addr_width})")
        step = min(self.p.max_burst, MAX_LEN)
        for off in range(0, n, step):
            yield off, min(step, n - off)

    def _check(self, data: bytes, n_words: int, what: str) -> Response:
        if len(data) >= 1 and data[0] != SYNC_RESP:
            raise ProtocolError(f"{what}: response sync = {data[0]:#04x}: allowed "
                                f"{SYNC_RESP:#04x} ({data.hex()})")
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
        return r


class UartTransport(_Core):
    """Blocking transport over a byte pipe (``write(bytes)``, ``read(n) -> bytes``)."""

    def __init__(self, p: UartBridgeParams, pipe):
        super().__init__(p)
        self.pipe = pipe

    def _xfer(self, frame: bytes, write: bool, n: int, what: str) -> Response:
        self.pipe.write(frame)
        head = bytes(self.pipe.read(4))
        if len(head) == 4 and head[0] == SYNC_RESP and head[1] == Status.ACK and not write:
            head += bytes(self.pipe.read(response_length(self.p, write, n) - 4))
        return self._check(head, 0 if write else n, what)

    def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        out: list[int] = []
        for off, k in self._chunks(addr, n, fixed):
            a = addr if fixed else addr + off
            r = self._xfer(encode_request(self.p, False, a, n=k, fixed=fixed), False, k,
                           f"read {k} words at {a:#x}")
            out += r.words
        return out

    def write(self, addr: int, words, fixed: bool = False) -> None:
        words = [int(w) for w in words]
        for off, k in self._chunks(addr, len(words), fixed):
            a = addr if fixed else addr + off
            self._xfer(encode_request(self.p, True, a, words[off:off + k], fixed=fixed), True,
                       k, f"write {k} words at {a:#x}")


class AsyncUartTransport(_Core):
    """The same over an async pipe (``async write(bytes)``, ``async read(n) -> bytes``, the
    latter raising or returning short on its own timeout)."""

    def __init__(self, p: UartBridgeParams, pipe):
        super().__init__(p)
        self.pipe = pipe

    async def _xfer(self, frame: bytes, write: bool, n: int, what: str) -> Response:
        await self.pipe.write(frame)
        head = bytes(await self.pipe.read(4))
        if len(head) == 4 and head[0] == SYNC_RESP and head[1] == Status.ACK and not write:
            head += bytes(await self.pipe.read(response_length(self.p, write, n) - 4))
        return self._check(head, 0 if write else n, what)

    async def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        out: list[int] = []
        for off, k in self._chunks(addr, n, fixed):
            a = addr if fixed else addr + off
            r = await self._xfer(encode_request(self.p, False, a, n=k, fixed=fixed), False, k,
                                 f"read {k} words at {a:#x}")
            out += r.words
        return out

    async def write(self, addr: int, words, fixed: bool = False) -> None:
        words = [int(w) for w in words]
        for off, k in self._chunks(addr, len(words), fixed):
            a = addr if fixed else addr + off
            await self._xfer(encode_request(self.p, True, a, words[off:off + k], fixed=fixed),
                             True, k, f"write {k} words at {a:#x}")


class SerialPipe:
    """pyserial port as a byte pipe (pyserial is imported here, not at module import)."""

    def __init__(self, port: str, baud: int | None = None, timeout: float = 1.0,
                 p: UartBridgeParams | None = None):
        try:
            import serial  # pyserial
        except ImportError as e:
            raise NeurohdlError("SerialPipe needs pyserial: pip install pyserial") from e
        self.ser = serial.Serial(port, baudrate=baud or (p.baud if p else 115200),
                                 bytesize=8, parity="N", stopbits=1, timeout=timeout)

    def write(self, data: bytes) -> None:
        self.ser.write(data)
        self.ser.flush()

    def read(self, n: int) -> bytes:
        return self.ser.read(n)

    def close(self) -> None:
        self.ser.close()

# SPDX-License-Identifier: Apache-2.0
"""UART <-> Wishbone B4 (pipelined) master bridge: the bit-true specification of ``bus.uart_bridge``.

This module is also the ONE definition of the byte-level frame format: the host side
(``neurohdl.sw.uart_protocol``) imports the constants, :func:`crc8`, :func:`encode_request` and
:func:`decode_response` from here.  The protocol, byte by byte (docs/cores/bus/uart_bridge.md):

Request (host -> bridge), A = ceil(addr_width / 8) address bytes, W = data_width / 8 bytes/word::

    0xA5                 SYNC_REQ
    CMD                  bit 0: 1 = write, 0 = read; bit 1: 1 = fixed address (no increment);
                         bits 7..2 reserved, must be 0 (else NACK BAD_CMD)
    LEN                  number of words - 1 (1..256 words)
    ADDR[A]              word address, little-endian
    DATA[(LEN+1)*W]      write only: the words, each little-endian
    CRC                  CRC-8 (poly 0x07, init 0x00, no reflection, no final XOR) over every
                         byte from CMD to the last DATA byte

Response (bridge -> host)::

    0x5A                 SYNC_RESP
    STATUS               0x00 ACK, else a NACK code (``Status``)
    INFO                 ACK: LEN echoed; NACK BUS_ERR: index of the word that got ERR
                         (= words completed before it); other NACKs: 0
    DATA[(LEN+1)*W]      ACK of a read only
    CRC                  CRC-8 over STATUS .. last DATA byte

Processing order of a complete frame: CRC (BAD_CRC) -> reserved CMD bits (BAD_CMD) ->
LEN + 1 > max_burst (BAD_LEN) -> address range (BAD_ADDR: ADDR + (LEN if incrementing else 0)
must be < 2^addr_width) -> the bus burst.  Any NACK before the burst means no bus access at
all.  A write burst starts only after the whole frame and its CRC are in (the words are
buffered), so a frame with a bad CRC never half-writes.  A Wishbone ERR stops the burst (CYC
drops, outstanding requests are abandoned): words before the failing index were done, the
failing word and later ones were not (NACK BUS_ERR, INFO = failing index; read data is not
returned).

Link errors: a gap of ``timeout_bits`` bit times or more with the receiver idle inside a frame
drops the partial frame and answers NACK TIMEOUT.  A framing error (stop bit 0) anywhere while
the bridge is not busy drops any partial frame, then every byte is ignored until the line has
been idle for ``timeout_bits`` bit times, and the bridge answers NACK FRAMING (so the rest of a
broken frame cannot be mistaken for a new one).  Bytes other than SYNC_REQ between frames are
ignored.  Bytes arriving while the bridge executes a burst or sends a response are dropped
(``status_overrun``).  Sticky status flags (until reset): crc_err, framing_err, timeout,
bus_err, overrun.

The model is event driven: ``step(p, state, event, bus)`` consumes one receiver event --
``("byte", v)``, ``("ferr", v)`` (a byte with a bad stop bit) or ``("idle", bits)`` (the line idle
for that many bit times; gaps not given as events are shorter than the timeout) -- and returns
the new state, the response bytes and the Wishbone operations.
"""
from __future__ import annotations

import enum
import random as _random
from dataclasses import dataclass, field, replace

from neurohdl.errors import NeurohdlError, ParamError
from neurohdl.params import Params, pfield

SYNC_REQ = 0xA5
SYNC_RESP = 0x5A
CMD_WRITE = 0x01
CMD_FIXED = 0x02
CMD_RESERVED = 0xFC
CRC_POLY = 0x07
MAX_LEN = 256              # LEN is one byte: 1..256 words
MIN_DIVISOR = 4            # clocks per bit: 2-flop synchroniser + mid-bit sampling
MAX_BAUD_ERROR = 0.02      # relative baud error allowed by the integer divisor


class Status(enum.IntEnum):
    ACK = 0x00
    BAD_CRC = 0x01
    BAD_CMD = 0x02
    BAD_LEN = 0x03
    BAD_ADDR = 0x04
    BUS_ERR = 0x05
    TIMEOUT = 0x06
    FRAMING = 0x07


def _crc_table() -> tuple[int, ...]:
    t = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = ((c << 1) ^ CRC_POLY) & 0xFF if c & 0x80 else (c << 1) & 0xFF
        t.append(c)
    return tuple(t)


_CRC = _crc_table()


def crc8(data, crc: int = 0) -> int:
    """CRC-8 (poly x^8+x^2+x+1 = 0x07, init 0, MSB first, no final XOR; CRC-8/SMBUS:
    crc8(b"123456789") == 0xF4).  crc8(msg + bytes([crc8(msg)])) == 0."""
    for b in data:
        crc = _CRC[crc ^ (b & 0xFF)]
    return crc


@dataclass(frozen=True)
class UartBridgeParams(Params):
    """UART 8N1 at clk_hz / divisor baud; Wishbone B4 pipelined master, word addressed."""

    clk_hz: int = pfield(12_000_000, "clock frequency in Hz", lo=1_000, hi=1_000_000_000)
    baud: int = pfield(115_200, "UART bit rate (8N1); divisor = round(clk_hz / baud) must be "
                       f">= {MIN_DIVISOR} and give <= {MAX_BAUD_ERROR:.0%} rate error",
                       lo=1, hi=250_000_000)
    addr_width: int = pfield(16, "Wishbone word-address width (wb_adr)", lo=2, hi=32,
                             rand=(6, 32))
    data_width: int = pfield(32, "Wishbone data width (wb_dat_w, wb_dat_r)", choices=(8, 16, 32))
    max_burst: int = pfield(16, "words per burst the bridge accepts (its word buffer depth); "
                            "longer frames get NACK BAD_LEN", lo=1, hi=MAX_LEN, rand=(1, 12))
    timeout_bits: int = pfield(64, "inter-byte timeout in bit times: a partial frame is dropped "
                               "(NACK TIMEOUT) after this long with the receiver idle",
                               lo=12, hi=4096, rand=(12, 40))

    def check(self):
        div = max(1, round(self.clk_hz / self.baud))
        if div < MIN_DIVISOR:
            raise self.error("baud", self.baud, f"<= {self.clk_hz // MIN_DIVISOR} at clk_hz = "
                             f"{self.clk_hz} (divisor >= {MIN_DIVISOR} clocks per bit)")
        err = abs(self.clk_hz / div - self.baud) / self.baud
        if err > MAX_BAUD_ERROR:
            raise self.error("baud", self.baud, f"a rate within {MAX_BAUD_ERROR:.0%} of clk_hz / "
                             f"n for an integer n (clk_hz = {self.clk_hz} / {div} = "
                             f"{self.clk_hz / div:.1f}: error {err:.1%})")

    def derive(self):
        div = round(self.clk_hz / self.baud)
        self.set_derived("divisor", div)
        self.set_derived("baud_error", abs(self.clk_hz / div - self.baud) / self.baud)
        self.set_derived("addr_bytes", (self.addr_width + 7) // 8)
        self.set_derived("word_bytes", self.data_width // 8)
        self.set_derived("sel_width", max(1, self.data_width // 8))
        self.set_derived("timeout_cycles", self.timeout_bits * div)

    @classmethod
    def random(cls, rng: _random.Random, **fixed) -> "UartBridgeParams":
        """Small divisors (4..16 clocks per bit) keep simulations short; the clock is one of a
        few board frequencies and the baud rate its exact divisor."""
        if "clk_hz" not in fixed and "baud" not in fixed:
            clk = rng.choice([12_000_000, 25_000_000, 50_000_000, 100_000_000])
            div = rng.choice([MIN_DIVISOR, 16, rng.randint(MIN_DIVISOR, 16)])
            fixed = dict(fixed, clk_hz=clk, baud=clk // div)
        return super().random(rng, **fixed)


# ------------------------------------------------------------------ frames (host and model) --

def check_request(p: UartBridgeParams, addr: int, n: int, fixed: bool = False) -> None:
    """Host-side range check of a burst (the bridge would NACK it): ParamError."""
    if not 1 <= n <= min(p.max_burst, MAX_LEN):
        raise ParamError(f"burst length = {n}: allowed 1..{p.max_burst} (max_burst)")
    last = addr + (0 if fixed else n - 1)
    if addr < 0 or last >= 1 << p.addr_width:
        raise ParamError(f"address = {addr:#x} (+{n} words): allowed 0..{(1 << p.addr_width) - 1:#x}"
                         f" for every word (addr_width = {p.addr_width})")


def encode_request(p: UartBridgeParams, write: bool, addr: int, words=(), n: int | None = None,
                   fixed: bool = False, *, cmd: int | None = None, raw_len: int | None = None,
                   raw_addr: int | None = None, crc_xor: int = 0) -> bytes:
    """A request frame.  Reads give ``n``; writes give ``words`` (n = len(words)).

    The keyword-only overrides build malformed frames for tests (reserved CMD bits, a length or
    address the bridge must refuse, a corrupted CRC); they skip the range checks."""
    words = [int(w) for w in words]
    if write:
        n = len(words)
        for i, w in enumerate(words):
            if not 0 <= w < 1 << p.data_width:
                raise ParamError(f"word {i} = {w:#x}: allowed 0..{(1 << p.data_width) - 1:#x} "
                                 f"(data_width = {p.data_width})")
    elif n is None:
        raise ParamError("read burst: give n (number of words)")
    raw = cmd is not None or raw_len is not None or raw_addr is not None
    if not raw:
        check_request(p, addr, n, fixed)
    c = cmd if cmd is not None else (CMD_WRITE if write else 0) | (CMD_FIXED if fixed else 0)
    ln = raw_len if raw_len is not None else n - 1
    a = raw_addr if raw_addr is not None else addr
    body = bytes([c & 0xFF, ln & 0xFF]) + int(a).to_bytes(p.addr_bytes, "little")
    if c & CMD_WRITE:
        for w in words:
            body += int(w).to_bytes(p.word_bytes, "little")
    return bytes([SYNC_REQ]) + body + bytes([crc8(body) ^ (crc_xor & 0xFF)])


def response_length(p: UartBridgeParams, write: bool, n: int, status: int = Status.ACK) -> int:
    """Bytes in a response: 4, plus the data of an ACKed read."""
    return 4 + (n * p.word_bytes if status == Status.ACK and not write else 0)


def encode_response(p: UartBridgeParams, status: int, info: int = 0, words=()) -> bytes:
    body = bytes([int(status), info & 0xFF])
    for w in words:
        body += int(w).to_bytes(p.word_bytes, "little")
    return bytes([SYNC_RESP]) + body + bytes([crc8(body)])


@dataclass(frozen=True)
class Response:
    status: Status
    info: int
    words: tuple[int, ...] = ()


class FrameError(NeurohdlError, ValueError):
    """A response that does not parse (bad sync, bad CRC, bad status code or length).
    ``reason`` is one of 'sync', 'crc', 'status', 'length'.  (The host transport raises its
    own LinkError subclasses instead; a NeurohdlError too, for callers of decode_response.)"""

    def __init__(self, msg: str, reason: str):
        super().__init__(msg)
        self.reason = reason


def decode_response(p: UartBridgeParams, data: bytes, n_words: int = 0) -> Response:
    """Parse one complete response (``n_words`` = words expected if it is an ACKed read)."""
    data = bytes(data)
    if len(data) < 4:
        raise FrameError(f"response of {len(data)} bytes: allowed >= 4", "length")
    if data[0] != SYNC_RESP:
        raise FrameError(f"response sync = {data[0]:#04x}: allowed {SYNC_RESP:#04x}", "sync")
    if crc8(data[1:]) != 0:
        raise FrameError(f"response CRC {data[-1]:#04x} != {crc8(data[1:-1]):#04x} over "
                         f"{data[1:-1].hex()}", "crc")
    try:
        st = Status(data[1])
    except ValueError:
        raise FrameError(f"response status = {data[1]:#04x}: allowed "
                         + ", ".join(f"{s.value:#04x}" for s in Status), "status") from None
    payload = data[3:-1]
    want = n_words * p.word_bytes if st == Status.ACK else 0
    if len(payload) != want:
        raise FrameError(f"response payload of {len(payload)} bytes: allowed {want}", "length")
    wb = p.word_bytes
    words = tuple(int.from_bytes(payload[i:i + wb], "little") for i in range(0, len(payload), wb))
    return Response(st, data[2], words)


# ----------------------------------------------------------------------- the bridge model --

class Bus:
    """The Wishbone slave environment the model (and the test's slave) runs against: a word
    memory (default 0) and a set of addresses that answer ERR (no state change)."""

    def __init__(self, mem=None, err_addrs=()):
        self.mem = dict(mem or {})
        self.err = set(err_addrs)

    def access(self, we: bool, addr: int, data: int) -> tuple[bool, int]:
        """-> (ok, read data).  An ERR access changes nothing and reads 0."""
        if addr in self.err:
            return False, 0
        if we:
            self.mem[addr] = data
            return True, 0
        return True, self.mem.get(addr, 0)


@dataclass(frozen=True)
class Op:
    """One completed Wishbone transfer: we, word address, data (write data or read data)
    and whether it ended with ERR."""
    we: bool
    addr: int
    data: int
    err: bool = False


STICKY = ("crc_err", "framing_err", "timeout", "bus_err", "overrun")


@dataclass(frozen=True)
class State:
    mode: str = "idle"          # idle | frame | discard
    buf: bytes = b""            # frame bytes after SYNC_REQ
    flags: frozenset = field(default_factory=frozenset)


def _frame_len(p: UartBridgeParams, buf: bytes) -> int | None:
    """Total bytes after SYNC of the frame started in ``buf`` (None until CMD and LEN are in)."""
    if len(buf) < 2:
        return None
    n = buf[1] + 1
    return 2 + p.addr_bytes + (n * p.word_bytes if buf[0] & CMD_WRITE else 0) + 1


def execute(p: UartBridgeParams, body: bytes, bus: Bus):
    """A complete frame (bytes after SYNC, CRC included) -> (response bytes, ops, flags)."""
    ops: list[Op] = []
    if crc8(body) != 0:
        return encode_response(p, Status.BAD_CRC), ops, {"crc_err"}
    cmd, lenm1 = body[0], body[1]
    n = lenm1 + 1
    addr = int.from_bytes(body[2:2 + p.addr_bytes], "little")
    write, fixed = bool(cmd & CMD_WRITE), bool(cmd & CMD_FIXED)
    if cmd & CMD_RESERVED:
        return encode_response(p, Status.BAD_CMD), ops, set()
    if n > p.max_burst:
        return encode_response(p, Status.BAD_LEN), ops, set()
    if addr + (0 if fixed else lenm1) >= 1 << p.addr_width:
        return encode_response(p, Status.BAD_ADDR), ops, set()
    data = body[2 + p.addr_bytes:-1]
    wb = p.word_bytes
    words = [int.from_bytes(data[i * wb:(i + 1) * wb], "little") for i in range(n)] \
        if write else []
    got = []
    for i in range(n):
        a = addr if fixed else addr + i
        ok, rd = bus.access(write, a, words[i] if write else 0)
        ops.append(Op(write, a, words[i] if write else rd, not ok))
        if not ok:
            return encode_response(p, Status.BUS_ERR, i), ops, {"bus_err"}
        if not write:
            got.append(rd)
    return encode_response(p, Status.ACK, lenm1, got), ops, set()


def init(p: UartBridgeParams) -> State:
    return State()


def step(p: UartBridgeParams, s: State, ev: tuple, bus: Bus):
    """One receiver event -> (state, response bytes, ops).  ``bus`` is updated by writes."""
    kind, v = ev
    flags = set(s.flags)
    if kind == "idle":
        if v >= p.timeout_bits:
            if s.mode == "frame":
                flags.add("timeout")
                return State("idle", b"", frozenset(flags)), encode_response(p, Status.TIMEOUT), []
            if s.mode == "discard":
                return State("idle", b"", frozenset(flags)), encode_response(p, Status.FRAMING), []
        return s, b"", []
    if kind == "ferr":
        flags.add("framing_err")
        return State("discard", b"", frozenset(flags)), b"", []
    if kind == "overrun":       # a byte received while busy (tests do not send these)
        flags.add("overrun")
        return replace(s, flags=frozenset(flags)), b"", []
    if kind != "byte":
        raise ParamError(f"event kind = {kind!r}: allowed 'byte', 'ferr', 'idle'")
    if s.mode == "discard":
        return s, b"", []
    if s.mode == "idle":
        if v == SYNC_REQ:
            return State("frame", b"", s.flags), b"", []
        return s, b"", []
    buf = s.buf + bytes([v])
    total = _frame_len(p, buf)
    if total is None or len(buf) < total:
        return State("frame", buf, s.flags), b"", []
    resp, ops, fl = execute(p, buf, bus)
    return State("idle", b"", frozenset(flags | fl)), resp, ops


def run(p: UartBridgeParams, events, bus: Bus, s: State | None = None):
    """-> (state, response bytes, ops) over a sequence of events."""
    s = s or init(p)
    out, ops = b"", []
    for ev in events:
        s, r, o = step(p, s, ev, bus)
        out += r
        ops += o
    return s, out, ops

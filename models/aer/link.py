# SPDX-License-Identifier: Apache-2.0
"""Chip-to-chip AER link over a UART: the bit-true specification of ``aer.link``.

An endpoint sends the beats of its ``s_in`` event stream as frames on ``link_tx`` and delivers
the good frames arriving on ``link_rx`` as beats on ``m_out``.  The UART is bus.uart_bridge's
(8N1, LSB first, idle high, ``divisor`` clocks a bit, receiver behind a 2-flop synchroniser).

Frame (one beat a frame), bytes in line order::

    SYNC                0xA5
    BEAT[B]             the beat word {tuser, tlast, tdata} (event.beat_word: width + 2 bits),
                        little-endian, B = ceil((width + 2) / 8) bytes, unused top bits 0
    CRC[C]              C = crc_bits / 8 bytes, most significant byte first, over BEAT[B]

CRC-8 is bus.uart_bridge's (poly x^8+x^2+x+1 = 0x07, init 0, MSB first, no final XOR: the
CRC-8/SMBUS check value crc8(b"123456789") = 0xF4); CRC-16 is CRC-16/XMODEM (poly
x^16+x^12+x^5+1 = 0x1021, init 0, MSB first, no final XOR; Python's binascii.crc_hqx(data, 0),
check value 0x31C3).  With init 0, no reflection and no final XOR the CRC over BEAT and CRC is
0 for a good frame: the receiver checks exactly that.

Sender (cycle-true, :func:`outputs`/:func:`step`): ``s_in_tready`` is high while no frame is
waiting to be handed to the transmitter.  A beat taken at the edge that ends cycle t is framed;
its SYNC byte starts (start bit on the line) in cycle t + 2, each byte takes ``10 * divisor + 1``
cycles (10 bits and one idle cycle at the stop level), and ``s_in_tready`` is high again from
the cycle the frame's last byte starts (its start bit): the next beat's frame follows it without
a gap.
``status_sent`` counts the beats taken on ``s_in`` (frames sent or being sent).

Receiver (transaction level, :func:`receive`): it hunts for SYNC; the next B + C bytes are the
frame.  Good CRC (and the beat bytes' unused top bits 0): the beat is stored in a FIFO of
``rx_depth`` beats in front of ``m_out`` (``status_received`` + 1), or, when the FIFO is full,
discarded (``status_overflow`` + 1: a UART has no back-pressure, so an ``m_out`` sink that stops
for longer than ``rx_depth`` frames loses frames, counted).  Bad CRC, or a framing error (a stop
bit of 0) inside the frame: the frame is dropped (``status_crc_err`` + 1) and the receiver hunts
again; so is a partial frame after ``gap_cycles = 3 * divisor`` cycles with the UART receiver
idle (the sender sends a frame's bytes back to back: a gap means a lost character or a sender
reset).  There is no resend (see the docs page: one-way traffic, and a dropped event is
counted where the receiver can see it).  Counters
wrap at ``counter_bits``; at all times, on the receiver::

    status_received == status_out + status_overflow + status_count      (mod 2**counter_bits)

and across the wire, while bit errors spare SYNC bytes and start/stop bits (a lost SYNC loses
its frame uncounted; a lost start bit can misalign the receiver until the next SYNC)::

    sender.status_sent == receiver.status_received + receiver.status_crc_err + frames in flight
"""
from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.models.bus.uart_bridge import MIN_DIVISOR, crc8
from neurohdl.params import Params, pfield, pfield_params

SYNC = 0xA5
CRC16_POLY = 0x1021
INPUTS = ("s_in_tvalid", "s_in_tdata", "s_in_tlast", "s_in_tuser")


@dataclass(frozen=True)
class LinkParams(Params):
    """One endpoint of a framed, CRC-checked UART event link."""

    divisor: int = pfield(16, "clocks per UART bit (baud = clock / divisor)", lo=MIN_DIVISOR,
                          hi=65535, rand=(MIN_DIVISOR, 6))
    crc_bits: int = pfield(16, "CRC width: 8 (poly 0x07) or 16 (CRC-16/XMODEM, poly 0x1021)",
                           choices=(8, 16))
    rx_depth: int = pfield(4, "beats the receive FIFO holds in front of m_out (a power of two)",
                           lo=2, hi=64)
    counter_bits: int = pfield(16, "bits of the status counters (they wrap)", lo=4, hi=32,
                               rand=(4, 10))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")

    def check(self):
        if self.rx_depth & (self.rx_depth - 1):
            raise self.error("rx_depth", self.rx_depth, "a power of two 2..64")

    def derive(self):
        self.set_derived("beat_bytes", (self.event.width + 2 + 7) // 8)
        self.set_derived("crc_bytes", self.crc_bits // 8)
        self.set_derived("frame_bytes", 1 + self.beat_bytes + self.crc_bytes)
        self.set_derived("byte_cycles", 10 * self.divisor + 1)
        self.set_derived("frame_cycles", self.frame_bytes * self.byte_cycles)
        self.set_derived("gap_cycles", 3 * self.divisor)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "rx_depth":
            return rng.choice([2, 2, 4])
        return super()._random_field(f, rng, partial)


def events_per_second(p: LinkParams, clk_hz: float) -> float:
    """Sustained beats a second the sender puts on the line at clock ``clk_hz``."""
    return clk_hz / p.frame_cycles


# ------------------------------------------------------------------------------ CRC -------

def _crc16_table() -> tuple[int, ...]:
    t = []
    for b in range(256):
        c = b << 8
        for _ in range(8):
            c = ((c << 1) ^ CRC16_POLY) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
        t.append(c)
    return tuple(t)


_CRC16 = _crc16_table()


def crc16(data, crc: int = 0) -> int:
    """CRC-16/XMODEM (poly 0x1021, init 0, MSB first, no final XOR): crc16(b"123456789") ==
    0x31C3 == binascii.crc_hqx(b"123456789", 0)."""
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16[((crc >> 8) ^ b) & 0xFF]
    return crc


def crc(p: LinkParams, data) -> int:
    return crc8(data) if p.crc_bits == 8 else crc16(data)


# --------------------------------------------------------------------------- frames -------

def encode(p: LinkParams, beat) -> bytes:
    """The frame of one beat (tdata, tlast, tuser)."""
    body = event.beat_word(p.event, beat).to_bytes(p.beat_bytes, "little")
    return bytes([SYNC]) + body + crc(p, body).to_bytes(p.crc_bytes, "big")


def encode_all(p: LinkParams, beats) -> bytes:
    return b"".join(encode(p, b) for b in beats)


def line_levels(p: LinkParams, byte: int) -> list[int]:
    """The line level in each of the ``10 * divisor`` cycles of one character (start bit, 8 data
    bits LSB first, stop bit)."""
    bits = [0] + [(byte >> i) & 1 for i in range(8)] + [1]
    return [b for b in bits for _ in range(p.divisor)]


class Counts(NamedTuple):
    received: int = 0       # good frames
    crc_err: int = 0        # frames dropped: bad CRC or a framing error inside the frame
    overflow: int = 0       # good frames discarded: the receive FIFO was full


def receive(p: LinkParams, chars, room=None) -> tuple[list[tuple[int, int, int]], Counts]:
    """The receiver at transaction level: ``chars`` are what the UART receiver delivers, in
    order, each ``("byte", v)``, ``("ferr", v)`` (a character whose stop bit was 0) or
    ``("gap", 0)`` (the line idle for ``gap_cycles`` or more: ends a partial frame).  Returns
    the beats of the good frames, in order, and the counters.  ``room(k)`` (default: always
    True) says whether the receive FIFO has room for the k-th good frame (k from 0); a frame
    without room counts as overflow and is not returned."""
    beats, n = [], Counts()
    frame: bytearray | None = None          # None: hunting for SYNC
    for kind, v in chars:
        if frame is None:
            if kind == "byte" and v == SYNC:
                frame = bytearray()
            continue
        if kind in ("ferr", "gap"):
            n, frame = n._replace(crc_err=n.crc_err + 1), None
            continue
        frame.append(v)
        if len(frame) < p.beat_bytes + p.crc_bytes:
            continue
        body, check = bytes(frame[:p.beat_bytes]), frame[p.beat_bytes:]
        frame = None
        word = int.from_bytes(body, "little")
        if crc(p, body) != int.from_bytes(check, "big") or word >> (p.event.width + 2):
            n = n._replace(crc_err=n.crc_err + 1)     # bad CRC, or unused top bits not 0
        elif room is not None and not room(n.received):
            n = n._replace(received=n.received + 1, overflow=n.overflow + 1)
        else:
            n = n._replace(received=n.received + 1)
            beats.append(event.word_beat(p.event, word))
    return beats, n


# ---------------------------------------------------------------- the sender, cycle-true ----

class State(NamedTuple):
    pending: tuple[int, ...]    # bytes of the frame not yet handed to the transmitter
    levels: tuple[int, ...]     # line levels left of the character being sent
    sent: int                   # beats taken on s_in


def reset(p: LinkParams) -> State:
    return State((), (), 0)


def outputs(p: LinkParams, st: State, ins: dict) -> dict:
    """The sender's outputs in a cycle starting in ``st`` (the receiver's are not cycle-true
    here: they depend on where the UART receiver samples an asynchronous line)."""
    return {"s_in_tready": int(not st.pending),
            "link_tx": st.levels[0] if st.levels else 1,
            "status_sent": st.sent & ((1 << p.counter_bits) - 1)}


def step(p: LinkParams, st: State, ins: dict) -> State:
    pending, levels, sent = st
    if pending and not levels:              # the transmitter is free: hand it the next byte
        levels, pending = tuple(line_levels(p, pending[0])), pending[1:]
    elif levels:
        levels = levels[1:]
    if ins["s_in_tvalid"] and not st.pending:
        beat = (ins["s_in_tdata"], ins["s_in_tlast"], ins["s_in_tuser"])
        pending, sent = tuple(encode(p, beat)), sent + 1
    return State(pending, levels, sent)


def crc_reference(p: LinkParams, data: bytes) -> int:
    """An independent reference for :func:`crc`: Python's binascii.crc_hqx (CRC-16/XMODEM with
    init 0) or a bitwise CRC-8 straight from the polynomial."""
    if p.crc_bits == 16:
        return binascii.crc_hqx(data, 0)
    reg = 0
    for bit in (b >> (7 - i) & 1 for b in data for i in range(8)):
        top = (reg >> 7) ^ bit
        reg = ((reg << 1) & 0xFF) ^ (0x07 if top else 0)
    return reg

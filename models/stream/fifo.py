# SPDX-License-Identifier: Apache-2.0
"""First-word-fall-through stream FIFO: the bit-true, cycle-true specification of ``stream.fifo``.

A queue of at most ``depth`` words of ``width`` bits between the streams ``s_in`` and ``m_out``.
The outputs of a cycle depend only on the queue held at the start of that cycle (no input reaches
an output in the same cycle: every output is a register or a function of registers):

    s_in_tready          = len(q) <  depth
    m_out_tvalid         = len(q) >  0
    m_out_tdata          = q[0]                 (the oldest word; undefined while empty)
    status_count         = len(q)               (0..depth)
    status_almost_full   = len(q) >= almost_full     (only when ``almost_full`` is set)

At the clock edge, a pop (``m_out_tvalid && m_out_tready``) removes q[0] and a push
(``s_in_tvalid && s_in_tready``) appends ``s_in_tdata``; both may happen in one cycle.  A word
pushed in cycle t is at the output in cycle t + 1 at the earliest (latency 1), one word per
cycle each way (full throughput, also when full: a pop and a push in the same cycle).  Reset
empties the queue.  Transaction level: the words leave in the order they came, none lost, none
repeated (``run``); ``verif/stream/formal_fifo.sv`` proves the RTL keeps that.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.params import Params, pfield

MAX_DEPTH = 4096
MAX_WIDTH = 1024


def _pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


@dataclass(frozen=True)
class FifoParams(Params):
    """A first-word-fall-through FIFO of ``depth`` words of ``width`` bits."""

    depth: int = pfield(16, "words held (a power of two)", lo=2, hi=MAX_DEPTH, rand=(2, 32))
    width: int = pfield(8, "bits of a word (s_in_tdata, m_out_tdata)", lo=1, hi=MAX_WIDTH,
                        rand=(1, 40))
    storage: str = pfield("bram", "memory: 'bram' = block RAM (registered read + a bypass "
                          "register), 'lut' = LUT/distributed RAM (asynchronous read)",
                          choices=("bram", "lut"))
    almost_full: int | None = pfield(None, "status_almost_full is high while at least this "
                                     "many words are held (none = no such port)",
                                     lo=1, hi=lambda p: p.depth, optional=True)

    def check(self):
        if not _pow2(self.depth):
            raise self.error("depth", self.depth, f"a power of two 2..{MAX_DEPTH}")

    def derive(self):
        self.set_derived("addr_width", self.depth.bit_length() - 1)
        self.set_derived("count_width", self.depth.bit_length())

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "depth":              # powers of two only; both ends often
            return rng.choice([2, 2, 4, 8, 16, 32, 32])
        return super()._random_field(f, rng, partial)


class Outputs(NamedTuple):
    """The outputs of one cycle."""
    s_in_tready: int
    m_out_tvalid: int
    m_out_tdata: int | None          # None while empty (the RTL shows an old word there)
    status_count: int
    status_almost_full: int | None   # None without the port


def outputs(p: FifoParams, state: tuple[int, ...]) -> Outputs:
    """What the FIFO shows in a cycle that starts with ``state`` (the words held, oldest first;
    None = after reset: empty)."""
    q = tuple(state) if state is not None else ()
    n = len(q)
    return Outputs(int(n < p.depth), int(n > 0), q[0] if n else None, n,
                   None if p.almost_full is None else int(n >= p.almost_full))


def step(p: FifoParams, state, s_valid: int, s_data: int, m_ready: int
         ) -> tuple[tuple[int, ...], Outputs]:
    """One clock cycle: (the state after the edge, the outputs during the cycle).
    ``state`` is the words held, oldest first (None = after reset: empty)."""
    q = tuple(state) if state is not None else ()
    out = outputs(p, q)
    if out.m_out_tvalid and m_ready:
        q = q[1:]
    if out.s_in_tready and s_valid:
        q = q + (int(s_data) & ((1 << p.width) - 1),)
    return q, out


def run(p: FifoParams, words) -> list[int]:
    """Transaction level: the words leave as they came (masked to ``width`` bits)."""
    mask = (1 << p.width) - 1
    return [int(w) & mask for w in words]

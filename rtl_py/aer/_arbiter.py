# SPDX-License-Identifier: Apache-2.0
"""Grant logic shared by the ``aer`` cores (models/aer/_arbiter.py is the spec), without loops.

``arbiter``: ``g`` = the lowest set bit of ``src`` (``src & (~src + 1)``, one-hot), where
``src = req`` ('priority') or ``req & mask`` when that is not empty, else ``req``
('round_robin'; ``mask`` = the lines above the last grant, a register updated when ``take``).
``line_of``: the line number of a one-hot vector, each index bit an OR of the one-hot bits
that have it (``widened``: zero-extended to a port's width).
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl.core import const


@block
def index_bit(g, m, bit):
    """bit = (g & m) != 0: one bit of a one-hot vector's index (m: the lines with that bit)."""
    zero = const(0, len(g))

    @always_comb
    def comb():
        bit.next = (g & m) != zero
    return comb


def line_bits(n: int) -> list:
    """The bit signals of a line number among n lines (for :func:`line_of`)."""
    return [Signal(bool(0)) for _ in range(max(1, (n - 1).bit_length()))]


@block
def line_of(g, bits):
    """``bits`` (:func:`line_bits`, LSB first): the line number of the one-hot ``g``."""
    n = len(g)
    return [index_bit(g, const(sum(1 << i for i in range(n) if i >> b & 1), n), bits[b])
            for b in range(len(bits))]


def widened(bits, width: int):
    """``bits`` (LSB first) as one signal zero-extended to ``width`` bits."""
    if len(bits) == 1 and width == 1:
        return bits[0]
    return ConcatSignal(*([intbv(0)[width - len(bits):]] if width > len(bits) else []),
                        *reversed(bits))


@block
def arbiter(clk, rst, req, take, g, round_robin: bool):
    """g: the one-hot grant among ``req`` (none when req is 0); ``take``: the grant is used
    this cycle (the round-robin position moves past it; None for priority)."""
    n = len(req)
    src = Signal(intbv(0)[n:])
    one_n, zero_n = const(1, n), const(0, n)

    @always_comb
    def comb():
        g.next = src & (~src + one_n)

    if not round_robin:
        @always_comb
        def comb_src():
            src.next = req
        return comb, comb_src

    mask = Signal(modbv(0)[n:])         # lines above the last grant (0 after reset or line n-1)

    @always_comb
    def comb_src():
        if (req & mask) != zero_n:
            src.next = req & mask
        else:
            src.next = req

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            mask.next = ~((g << 1) - one_n)
    return comb, comb_src, seq

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.mul``: two ``sc.sng`` blocks fed in lockstep, an AND join and an
``sc.decoder`` of window N, all connected by internal AXI-Streams.

    s_op --(hold N beats)--+--> sng A (a = op[w-1:0])  -- bit_a --+
                           |                                      AND --> decoder(N) --> m_prod
                           +--> sng B (b = op[2w-1:w]) -- bit_b --+

The op is not copied: it stays on ``s_op`` (AXI-Stream holds tdata while tvalid && !tready) and
is offered to both SNGs N times; the beat counter ``k`` acknowledges it (``s_op_tready``) on its
N-th beat.  Fork: a beat goes to the SNGs only when both are ready, so they stay in lockstep and
each LFSR advances once per cycle of the op.  Join: the AND bit is valid when both SNG bits are,
and both are consumed together by the decoder.

Timing: throughput one op per N cycles (back-to-back ops overlap in the pipeline: the first beat
of the next op follows the last of this one); latency N + 1 cycles from the op's first beat to
``m_prod_tvalid``.  Back-pressure on ``m_prod`` stalls the decoder's last beat, then the SNG
registers, then ``s_op``.  ``m_prod_tvalid`` is the decoder's output register.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.fixed import bits_for
from neurohdl.models.sc import mul as model
from neurohdl.models.sc.mul import MulParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.sc.decoder import decoder
from neurohdl.rtl.sc.sng import sng


def ports(p: MulParams):
    return (clk_rst() + stream("s_op", 2 * p.width, "operands: a = bits [w-1:0], "
                                                    "b = bits [2w-1:w], unsigned")
            + stream("m_prod", p.count_width, "ones among N cycles of (ra < a) & (rb < b); "
                                              "product ~ count / N"))


@block
def mul(clk, rst, s_op_tdata, s_op_tvalid, s_op_tready, m_prod_tdata, m_prod_tvalid,
        m_prod_tready, p: MulParams):
    w = p.width
    kw = bits_for(p.length - 1)
    k = Signal(intbv(0)[kw:])               # beat of the current op, 0..N-1
    last = const(p.length - 1, kw)
    x_a, x_b = Signal(intbv(0)[w:]), Signal(intbv(0)[w:])
    xa_valid, xa_ready = Signal(bool(0)), Signal(bool(0))
    xb_valid, xb_ready = Signal(bool(0)), Signal(bool(0))
    beat = Signal(bool(0))                  # both SNGs take the op's next beat
    bit_a, bit_a_valid, bit_a_ready = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    bit_b, bit_b_valid, bit_b_ready = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    and_bit, and_valid, and_ready = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))

    sng_a = sng(clk, rst, x_a, xa_valid, xa_ready, bit_a, bit_a_valid, bit_a_ready, p=p.sng_a())
    sng_b = sng(clk, rst, x_b, xb_valid, xb_ready, bit_b, bit_b_valid, bit_b_ready, p=p.sng_b())
    dec = decoder(clk, rst, and_bit, and_valid, and_ready, m_prod_tdata, m_prod_tvalid,
                  m_prod_tready, p=p.decoder())

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if beat:
            if k == last:
                k.next = 0
            else:
                k.next = k + 1

    @always_comb
    def split():
        x_a.next = s_op_tdata[w:0]
        x_b.next = s_op_tdata[2 * w:w]

    @always_comb
    def fork():
        xa_valid.next = s_op_tvalid and xb_ready
        xb_valid.next = s_op_tvalid and xa_ready
        beat.next = s_op_tvalid and xa_ready and xb_ready
        s_op_tready.next = xa_ready and xb_ready and k == last

    @always_comb
    def join():
        and_bit.next = bit_a and bit_b
        and_valid.next = bit_a_valid and bit_b_valid
        bit_a_ready.next = and_ready and bit_b_valid
        bit_b_ready.next = and_ready and bit_a_valid

    return sng_a, sng_b, dec, seq, split, fork, join


def vectors(p: MulParams, rng, n: int) -> Vectors:
    """About n cycles of work: max(2, n // N) ops, operand corners included."""
    top = (1 << p.width) - 1
    corner = [0, 1, 2, top, top - 1, 1 << (p.width - 1)]
    ops = [(rng.choice(corner) if rng.random() < 0.25 else rng.randint(0, top),
            rng.choice(corner) if rng.random() < 0.25 else rng.randint(0, top))
           for _ in range(max(2, n // p.length))]
    return Vectors(inputs={"s_op": [int(x) for x in model.pack(p, *zip(*ops))]},
                   outputs={"m_prod": [int(c) for c in model.run(p, ops)]})


CORE = declare("sc.mul", MulParams, mul, ports, """
    Unipolar stochastic multiplier: two LFSR SNGs, AND, ones counted over N cycles
    compare: exact: two unsigned r < x comparators (sc.sng)
    source: wrap: two LFSRs, GF(2) shift/XOR, no carries
    and: exact: one-bit AND
    count: exact: count_width = bits_for(N) holds 0..N, cannot overflow (sc.decoder)
    beat: exact: beat index 0..N-1 in bits_for(N-1) bits, cleared at the op end
    """, vectors=vectors)

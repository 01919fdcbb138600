# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.apc``: an exact, pipelined binary adder tree counting the ones among the
n bits of each ``s_bits`` beat, emitted on ``m_count``.

Tree: level 0 are the n input bits; level k adds neighbouring pairs of level k-1 (an odd last
node passes through), so there are ``depth = ceil(log2 n)`` levels and each node is exactly
``bits_for(leaves under it)`` bits wide (operands zero-extended to the sum's width, no carries
lost, no spare bits).  A register follows every ``pipeline``-th level and the last one
(``pipeline = 0``: the last one only; n = 1: the input bit itself), so
``latency = len(registered levels)`` = ceil(depth / pipeline) (min 1).

Back-pressure: a valid pipeline that stalls as a whole.  ``vld`` holds one valid bit per stage;
every stage register (data and valid) loads on

    advance = !m_count_tvalid || m_count_tready,      s_bits_tready = advance

so a stalled output freezes every stage (data holds while stalled; bubbles are not squeezed
out).  ``m_count_tvalid`` is the last valid bit, a register.  Throughput one beat per cycle.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, concat, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.fixed import bits_for
from neurohdl.models.sc import apc as model
from neurohdl.models.sc.apc import ApcParams, registered_levels
from neurohdl.rtl.common.declare import declare


def ports(p: ApcParams):
    return (clk_rst() + stream("s_bits", p.n, "one bit of each of the n input bitstreams "
                                              "(bit i = stream i)")
            + stream("m_count", p.count_width, "ones among the n bits of a beat (0..n)"))


def _sig(width: int):
    return Signal(bool(0)) if width == 1 else Signal(intbv(0)[width:])


def _ext(sig, width: int):
    """``sig`` zero-extended to ``width`` bits (a shadow signal; sig itself if already wide)."""
    have = len(sig)
    return sig if have == width else ConcatSignal(const(0, width - have), sig)


@block
def add_node(clk, rst, adv, a, b, y, registered):
    """y = a + b (all three the same width), a register loading on ``adv`` or a wire."""
    if registered:
        @always_seq(clk.posedge, reset=rst)
        def seq():
            if adv:
                y.next = a + b
        return seq

    @always_comb
    def comb():
        y.next = a + b
    return comb


@block
def stage_reg(clk, rst, adv, a, y):
    """y = a through a stage register (a node passing through a registered level)."""
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if adv:
            y.next = a
    return seq


@block
def apc(clk, rst, s_bits_tdata, s_bits_tvalid, s_bits_tready, m_count_tdata, m_count_tvalid,
        m_count_tready, p: ApcParams):
    regs = set(registered_levels(p.n, p.pipeline))
    stages = len(regs)
    adv = Signal(bool(0))

    # The adder tree, built here: MyHDL wants instances made in the block's own body.  No plain
    # local names a node signal (MyHDL would name the Verilog net after it); nodes hold
    # (signal, leaves under it).
    tree = []
    nodes = [(s_bits_tdata, 1)] if p.n == 1 else [(s_bits_tdata(i), 1) for i in range(p.n)]
    if 0 in regs:                                # n = 1: the output register holds the bit
        nodes.append((_sig(1), 1))
        tree.append(stage_reg(clk, rst, adv, nodes[0][0], nodes[1][0]))
        nodes = nodes[1:]
    for level in range(1, p.depth + 1):
        nxt = []
        for j in range(0, len(nodes), 2):
            c = nodes[j][1]
            if j + 1 == len(nodes):              # odd node out: passes through this level
                if level in regs:
                    nxt.append((_sig(bits_for(c)), c))
                    tree.append(stage_reg(clk, rst, adv, nodes[j][0], nxt[-1][0]))
                else:
                    nxt.append(nodes[j])
                continue
            c += nodes[j + 1][1]
            nxt.append((_sig(bits_for(c)), c))
            tree.append(add_node(clk, rst, adv, _ext(nodes[j][0], bits_for(c)),
                                 _ext(nodes[j + 1][0], bits_for(c)), nxt[-1][0],
                                 level in regs))
        nodes = nxt
    total = nodes[0][0]
    assert nodes[0][1] == p.n and len(total) == p.count_width

    if stages == 1:
        vld = Signal(bool(0))

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if adv:
                vld.next = s_bits_tvalid

        @always_comb
        def comb():
            adv.next = not vld or m_count_tready
            s_bits_tready.next = not vld or m_count_tready
            m_count_tvalid.next = vld
            m_count_tdata.next = total
    else:
        vld = Signal(intbv(0)[stages:])         # bit k: stage k+1 holds a valid beat
        top = stages - 1

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if adv:
                vld.next = concat(vld[top:0], s_bits_tvalid)

        @always_comb
        def comb():
            adv.next = not vld[top] or m_count_tready
            s_bits_tready.next = not vld[top] or m_count_tready
            m_count_tvalid.next = vld[top]
            m_count_tdata.next = total

    return tree, seq, comb


def vectors(p: ApcParams, rng, n: int) -> Vectors:
    """n beats: all-zero, all-one and one-hot beats, then random densities."""
    full = (1 << p.n) - 1
    words = [0, full, 1, 1 << (p.n - 1)]
    while len(words) < n:
        d = rng.choice([0.0, 1.0, 0.5, rng.random()])
        words.append(sum(1 << i for i in range(p.n) if rng.random() < d))
    return Vectors(inputs={"s_bits": words},
                   outputs={"m_count": [int(c) for c in model.run_tdata(p, words)]})


CORE = declare("sc.apc", ApcParams, apc, ports, """
    Parallel counter: ones among n bitstream bits per beat, pipelined exact adder tree
    tree: exact: each node is bits_for(leaves under it) wide, operands zero-extended to the sum's
        width; the root holds 0..n
    valid: exact: one valid bit per pipeline stage, shifted on advance
    """, vectors=vectors)

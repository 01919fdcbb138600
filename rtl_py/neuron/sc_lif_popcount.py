# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.sc_lif_popcount``: popcount membrane with a shift leak.

Datapath (combinational, from the membrane register ``v`` and the input word):

    pc   = popcount(s_in_tdata)                            bits_for(K) bits
    pre  = (v >> shift) + pc                               sw bits (below)
    vsat = min(pre, 2^width - 1),  sat = pre > 2^width - 1  (sw = width when it cannot overflow)
    spk  = vsat > threshold
    v'   = spk ? v_reset : vsat

with sw = max(width, bits_for(((2^width - 1) >> shift) + K)).

Timing: the membrane register is the output register.  ``s_in_tready = !rst && (!m_out_tvalid
|| m_out_tready)``; on an accepted beat ``v``, ``spike``, ``status_sat`` (sticky) and
``m_out_tvalid`` load; otherwise ``m_out_tready`` clears ``m_out_tvalid``.  Latency 1 cycle,
throughput one tick per cycle, tdata held while stalled, no combinational path to
``m_out_tvalid``/``m_out_tdata``.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, const
from neurohdl.fixed import bits_for
from neurohdl.models.neuron import sc_lif_popcount as model
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.sc.apc import add_node
from neurohdl.models.neuron.sc_lif_popcount import ScLifPopcountParams
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.neuron._common import core_ports, zext


def ports(p: ScLifPopcountParams):
    return core_ports(p.k, "K-bit bitstream word of this tick (unsigned; its popcount is the "
                           "input)",
                      p.width + 1, "{v, spike}: bit 0 = spike, bits [width:1] = membrane after "
                                   "the tick (unsigned)",
                      "sticky until reset: a tick clipped the membrane at 2^width - 1")


def _sum_width(p: ScLifPopcountParams) -> int:
    return max(p.width, bits_for((((1 << p.width) - 1) >> p.shift) + p.k))


@block
def popcount(word, pc, k: int, pcw: int):
    """pc = number of ones in word (k bits): a balanced tree of exact adders (ceil(log2 k)
    levels, each node just wide enough for the leaves under it), combinational."""
    if k == 1:
        @always_comb
        def comb():
            pc.next = word
        return comb
    # Nodes hold (signal, leaves under it); no plain local names a node signal (MyHDL would
    # name the Verilog net after it).
    tree = []
    nodes = [(word(j), 1) for j in range(k)]
    while len(nodes) > 1:
        nxt = []
        for j in range(0, len(nodes), 2):
            if j + 1 == len(nodes):              # odd node out: passes through this level
                nxt.append(nodes[j])
                continue
            c = nodes[j][1] + nodes[j + 1][1]
            w = bits_for(c)
            last = len(nodes) == 2                 # the root adder drives pc itself
            nxt.append((pc if last else Signal(intbv(0)[w:]), c))
            tree.append(add_node(None, None, None, zext(nodes[j][0], w),
                                 zext(nodes[j + 1][0], w), nxt[-1][0],
                                 False))
        nodes = nxt
    assert nodes[0][0] is pc and nodes[0][1] == k and len(pc) == pcw
    return tree


@block
def sc_lif_popcount(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                    m_out_tready, status_sat, p: ScLifPopcountParams):
    W, S = p.width, p.shift
    sw = _sum_width(p)
    pcw = bits_for(p.k)
    v = Signal(intbv(0)[W:])                 # membrane = output register
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    take = Signal(bool(0))
    pc = Signal(intbv(0)[pcw:])
    pre = Signal(intbv(0)[sw:])
    vnew = Signal(intbv(0)[W:])
    spk_new = Signal(bool(0))
    sat_new = Signal(bool(0))
    v_x = zext(v, sw)
    pc_x = zext(pc, sw)
    top = const((1 << W) - 1, sw)
    thr = const(p.threshold, W)
    rst_v = const(p.v_reset, W)
    cnt = popcount(s_in_tdata, pc, p.k, pcw)

    @always_comb
    def comb_pre():
        pre.next = (v_x >> S) + pc_x

    never = p.threshold >= (1 << W) - 1       # no W-bit value exceeds it: never fires
    fire_top = const(int(not never), 1)       # does the clipped value 2^W - 1 fire?
    if sw > W and not never:
        @always_comb
        def comb_sat():
            if pre > top:
                sat_new.next = 1
                spk_new.next = fire_top
                vnew.next = top[W:]
            else:
                sat_new.next = 0
                spk_new.next = (pre[W:] > thr)
                vnew.next = pre[W:]
    elif sw > W:
        @always_comb
        def comb_sat():
            spk_new.next = 0
            if pre > top:
                sat_new.next = 1
                vnew.next = top[W:]
            else:
                sat_new.next = 0
                vnew.next = pre[W:]
    elif not never:
        @always_comb
        def comb_sat():
            sat_new.next = 0
            spk_new.next = pre > thr
            vnew.next = pre
    else:
        @always_comb
        def comb_sat():
            sat_new.next = 0
            spk_new.next = 0
            vnew.next = pre

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if spk_new:
                v.next = rst_v
            else:
                v.next = vnew
            spk.next = spk_new
            if sat_new:
                sat.next = 1

    @always_comb
    def comb():
        status_sat.next = sat

    stage = out_stage(clk, rst, take, ConcatSignal(v, spk), s_in_tvalid, s_in_tready,
                      m_out_tdata, m_out_tvalid, m_out_tready, reset=rst)
    return cnt, comb_pre, comb_sat, seq, comb, stage


def stimulus(p: ScLifPopcountParams, rng, n: int) -> list[int]:
    """Words of random densities (a density held for a run of ticks), with all-ones runs
    (saturation / fastest firing) and all-zero runs (leak to rest)."""
    full = (1 << p.k) - 1
    out: list[int] = []
    while len(out) < n:
        r = rng.random()
        run = rng.randint(1, 24)
        if r < 0.15:
            out += [full] * run
        elif r < 0.25:
            out += [0] * run
        else:
            d = rng.random()
            out += [sum(1 << j for j in range(p.k) if rng.random() < d) for _ in range(run)]
    return out[:n]


def vectors(p: ScLifPopcountParams, rng, n: int) -> Vectors:
    words = stimulus(p, rng, n)
    return Vectors(inputs={"s_in": words}, outputs={"m_out": model.run(p, words)[0]})


CORE = declare("neuron.sc_lif_popcount", ScLifPopcountParams, sc_lif_popcount, ports, """
    Pure-SC LIF neuron, membrane = running popcount of a K-bit bitstream word, shift leak, fires
    when the membrane exceeds the threshold
    popcount: exact: bits_for(K) bits hold 0..K
    membrane: saturate: (v >> shift) + popcount clipped at 2^width - 1, flagged in status_sat
        (cannot happen at the derived default width)
    compare: exact: unsigned v_pre > threshold
    """, vectors=vectors)

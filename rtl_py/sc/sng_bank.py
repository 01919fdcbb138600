# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.sng_bank``: K comparator SNGs on independent sources.

Lanes share one handshake: ``s_x`` carries all K values, ``m_bits`` all K bits (lane k = bit k).
Sources: one ``sc.sobol`` bank of K dimensions (one index counter) or K ``sc.lfsr`` blocks with
distinct polynomials; every source advances on each accepted beat.  One output register behind
the shared stage (``neurohdl.rtl.common.stage.out_stage``): ``s_x_tready = !m_bits_tvalid ||
m_bits_tready`` (out of reset); latency 1, one beat per cycle.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.models.sc import sng_bank as model
from neurohdl.models.sc.sng_bank import SngBankParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.sc.lfsr import lfsr
from neurohdl.rtl.sc.sobol import sobol


def ports(p: SngBankParams):
    return (clk_rst()
            + stream("s_x", p.lanes * p.width, "lane k value in bits [k*W+W-1:k*W]")
            + stream("m_bits", p.lanes, "lane k bit = (r_k < x_k)"))


@block
def lane_cmp(rnd, x, bit):
    """bit = rnd < x (one lane)."""

    @always_comb
    def comb():
        bit.next = rnd < x

    return comb


@block
def sng_bank(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_bits_tdata, m_bits_tvalid,
             m_bits_tready, p: SngBankParams):
    w, k = p.width, p.lanes
    take = Signal(bool(0))
    src_valid = Signal(bool(0))
    xe = Signal(intbv(0)[k * w:])
    flip = const(sum(1 << (j * w + w - 1) for j in range(k)) if p.bipolar else 0, k * w)
    q = Signal(intbv(0)[k:])
    insts = []
    if p.source == "sobol":
        rnd = Signal(intbv(0)[k * w:])
        insts.append(sobol(clk, rst, rnd, src_valid, take, p=p.sobol()))
        rnd_lanes = [rnd((j + 1) * w, j * w) for j in range(k)]
    else:
        rnd_lanes = [Signal(intbv(0)[w:]) for _ in range(k)]
        valids = [Signal(bool(0)) for _ in range(k)]
        for j in range(k):
            insts.append(lfsr(clk, rst, rnd_lanes[j], valids[j], take, p=p.lfsr(j)))

        @always_comb
        def comb_valid():
            src_valid.next = valids[0]

        insts.append(comb_valid)
    x_lanes = [xe((j + 1) * w, j * w) for j in range(k)]
    lt = [Signal(bool(0)) for _ in range(k)]
    for j in range(k):
        insts.append(lane_cmp(rnd_lanes[j], x_lanes[j], lt[j]))
    ltcat = lt[0] if k == 1 else ConcatSignal(*reversed(lt))

    @always_comb
    def comb_x():
        xe.next = s_x_tdata ^ flip

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q.next = ltcat

    stage = out_stage(clk, rst, take, q, s_x_tvalid, s_x_tready, m_bits_tdata, m_bits_tvalid,
                      m_bits_tready, enable=src_valid)
    return insts, comb_x, seq, stage


def stimulus(p: SngBankParams, rng, n: int):
    top = (1 << p.width) - 1
    return [[rng.choice([0, 1, top, rng.randint(0, top)]) if rng.random() < 0.2
             else rng.randint(0, top) for _ in range(p.lanes)] for _ in range(n)]


def vectors(p: SngBankParams, rng, n: int) -> Vectors:
    xs = stimulus(p, rng, n)
    return Vectors(inputs={"s_x": model.pack(p, xs)},
                   outputs={"m_bits": model.tdata_bits(model.run(p, xs))})


CORE = declare("sc.sng_bank", SngBankParams, sng_bank, ports, """
    Bank of K comparator SNGs on independent sources (Sobol dimensions sharing one counter, or one
    LFSR polynomial per lane)
    compare: exact: unsigned r_k < x_k per lane
    bipolar: exact: offset binary by MSB inversion
    source: wrap: Sobol index modulo 2^W / LFSR GF(2) shift-XOR
    """, vectors=vectors)

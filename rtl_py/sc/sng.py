# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.sng``: comparator SNG, AXI-Stream ``s_x`` in, one-bit ``m_bit`` out.

Structure: the random source (``SOURCES[p.source]``; the ``sc.lfsr`` block for "lfsr") is an
internal AXI-Stream ``rnd``; each accepted x is one transfer on it (the source advances) and
loads one output register with ``rnd < x``.

Timing: one output register behind the shared stage (``neurohdl.rtl.common.stage``).
``s_x_tready = rnd_tvalid && (!m_bit_tvalid || m_bit_tready)``
(rnd_tvalid is ``!rst`` for the LFSR), so a new x is taken whenever the register is empty or
being emptied: latency 1 cycle, throughput 1 bit per cycle, no combinational path from any input
to ``m_bit_tvalid``; under back-pressure the bit is held and ``s_x_tready`` falls.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.models.sc import sng as model
from neurohdl.models.sc.sng import SngParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.sc.halton import halton
from neurohdl.rtl.sc.lfsr import lfsr
from neurohdl.rtl.sc.sobol import sobol


def ports(p: SngParams):
    return (clk_rst() + stream("s_x", p.width, "unipolar value x; one output bit per x")
            + stream("m_bit", 1, "1 if the next random number r < x (unsigned), else 0"))


@block
def lfsr_source(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p: SngParams):
    return lfsr(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p=p.lfsr())


@block
def sobol_source(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p: SngParams):
    return sobol(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p=p.sobol())


@block
def halton_source(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p: SngParams):
    return halton(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p=p.halton())


# A source block: (clk, rst, m_rnd stream, p) -> instance; tdata = the current random number,
# advanced by each transfer.  Mirrors models.sc.sng.SOURCES.
SOURCES = {"lfsr": lfsr_source, "sobol": sobol_source, "halton": halton_source}


@block
def sng(clk, rst, s_x_tdata, s_x_tvalid, s_x_tready, m_bit_tdata, m_bit_tvalid, m_bit_tready,
        p: SngParams):
    rnd = Signal(intbv(0)[p.width:])
    rnd_tvalid = Signal(bool(0))
    take = Signal(bool(0))          # an x is accepted = a source transfer
    q_bit = Signal(bool(0))
    x = Signal(intbv(0)[p.width:])  # the comparand: tdata, MSB inverted in bipolar mode
    flip = const((1 << (p.width - 1)) if p.bipolar else 0, p.width)
    src = SOURCES[p.source](clk, rst, rnd, rnd_tvalid, take, p)

    @always_comb
    def comparand():
        x.next = s_x_tdata ^ flip

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_bit.next = rnd < x

    stage = out_stage(clk, rst, take, q_bit, s_x_tvalid, s_x_tready, m_bit_tdata, m_bit_tvalid,
                      m_bit_tready, enable=rnd_tvalid)
    return src, comparand, seq, stage


def vectors(p: SngParams, rng, n: int) -> Vectors:
    top = (1 << p.width) - 1
    xs = [rng.choice([0, 1, top, top - 1, rng.randint(0, top)]) if rng.random() < 0.2
          else rng.randint(0, top) for _ in range(n)]
    return Vectors(inputs={"s_x": xs}, outputs={"m_bit": [int(b) for b in model.run(p, xs)]})


CORE = declare("sc.sng", SngParams, sng, ports, """
    Comparator stochastic number generator: bit = (r < x), r from LFSR, Sobol or Halton; unipolar
    or bipolar
    compare: exact: unsigned r < x, both width bits
    bipolar: exact: offset binary by MSB inversion
    source: wrap: LFSR GF(2) shift/XOR or Sobol XOR / counter modulo 2^w
    """, vectors=vectors)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.sobol``: a bank of Sobol dimensions behind an AXI-Stream source ``m_rnd``.

Structure (one bank, ``dims`` outputs of W bits):

- one W-bit index counter ``idx`` (reset value ``skip``), +1 mod 2^W per transfer;
- one lowest-zero detector shared by every output: ``low = idx & (2^(W-1) - 1)`` (bit W-1
  masked, which is the clamp c(i) <= W-1 of the model) and ``sel = (low + 1) & ~low``, one-hot at
  bit c(i);
- the direction-number ROM: W constants v_k of dims*W bits (output j's v_k of its own Sobol
  dimension in bits [j*W + W-1 : j*W], i.e. the per-dimension ROMs side by side), selected by
  ``sel`` through an AND-OR chain (``sel`` is one-hot, so the OR is the selected word);
- the XOR register ``x`` (reset value x_skip, every output side by side): ``x ^= v[c(i)]``.

W = 1 needs no detector (c(i) = 0 always: x toggles v_1 = 1 on every transfer).

Timing: ``m_rnd_tvalid`` is high whenever the core is out of reset; ``m_rnd_tdata`` is the XOR
register; each transfer (tvalid && tready) advances index and register.  ``m_rnd_tready`` is the
enable: hold it low and the state holds.  Latency 0 (tdata is the register itself).

Embedding: ``sobol(clk, rst, rnd_tdata, rnd_tvalid, rnd_tready, p=SobolParams(...))`` is a
random-source block like ``sc.lfsr``'s: ``rnd_tready`` is the advance input, ``rnd_tdata`` the
value.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl.core import const
from neurohdl.models.sc import sobol as model
from neurohdl.models.sc.sobol import SobolParams
from neurohdl.rtl.common.stage import source
from neurohdl.rtl.sc._source import source_core


@block
def or_term(acc_in, acc_out, sel, k, v):
    """acc_out = acc_in | (v if sel[k] else 0): one ROM word of the AND-OR selector."""

    @always_comb
    def comb():         # one expression: converts to `assign` (no hash-ordered sensitivity list)
        acc_out.next = (acc_in | v) if sel[k] else acc_in

    return comb


@block
def first_term(acc_out, sel, v):
    """acc_out = v if sel[0] else 0 (the head of the AND-OR chain)."""
    zero = const(0, len(acc_out))

    @always_comb
    def comb():
        acc_out.next = v if sel[0] else zero

    return comb


@block
def xor_reg(clk, rst, take, v, x):
    """One output's XOR register: x ^= v on each transfer (reset value = x's initial value)."""

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            x.next = x ^ v

    return seq


@block
def sobol(clk, rst, m_rnd_tdata, m_rnd_tvalid, m_rnd_tready, p: SobolParams):
    w, dw = p.width, p.dims * p.width
    i0, x0 = model.reset_state(p)
    # ROM word k: v_{k+1} of every output, side by side
    words = [model.pack(p, [v[k] for v in p.directions()]) for k in range(w)]
    # one register per output (W <= 32 bits, so its reset value x_skip converts as a plain
    # 32-bit literal); tdata is their concatenation
    xs = [Signal(intbv(x0[j])[w:]) for j in range(p.dims)]
    xcat = xs[0] if p.dims == 1 else ConcatSignal(*reversed(xs))
    insts = []

    if w == 1:                          # c(i) = 0 always: toggle v_1 on every transfer
        mask = const(words[0], dw)
    else:
        idx = Signal(modbv(i0)[w:])
        low = Signal(intbv(0)[w:])
        sel = Signal(intbv(1)[w:])
        one = const(1, w)
        low_mask = const((1 << (w - 1)) - 1, w)
        accs = [Signal(intbv(0)[dw:]) for _ in range(w)]
        insts.append(first_term(accs[0], sel, const(words[0], dw)))
        for k in range(1, w):
            insts.append(or_term(accs[k - 1], accs[k], sel, k, const(words[k], dw)))
        mask = accs[-1]

        @always_comb
        def comb_low():
            low.next = idx & low_mask

        @always_comb
        def comb_sel():
            sel.next = (low + one) & ~low

        @always_seq(clk.posedge, reset=rst)
        def seq():
            if m_rnd_tready:
                idx.next = idx + one

        insts += [comb_low, comb_sel, seq]

    for j in range(p.dims):
        v = mask if p.dims == 1 else mask((j + 1) * w, j * w)
        insts.append(xor_reg(clk, rst, m_rnd_tready, v, xs[j]))

    out = source(rst, xcat, m_rnd_tdata, m_rnd_tvalid)

    return insts, out


CORE = source_core(model, SobolParams, sobol, lambda p: p.dims * p.width,
                   "Sobol points, output j (dimension first_dim + j) in bits [j*W + W-1 : "
                   "j*W]; advances on each transfer",
                   "Sobol quasi-random source (Joe-Kuo dimensions 1..32, Gray-code order, "
                   "1..32 bits), AXI-Stream out",
                   {"index": "wrap: W-bit counter, period 2^W (x returns to 0 with it)",
                    "lowest_zero": "exact: (low + 1) & ~low, low < 2^(W-1) so no carry out",
                    "state": "wrap: GF(2) XOR with a direction number, no carries"},
                   tdata=model.tdata)

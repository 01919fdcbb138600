# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the neuron designs: the port list every neuron core has, the RTL half of a
neuron type's record (:class:`NeuronRtl`) and the engine's two-stage update blocks.

    clk, rst                                  (rst synchronous, active high: state to 0)
    s_in_tdata   in   in_width (signed)       the timestep's synaptic input
    s_in_tvalid/tready                        one timestep per transfer
    m_out_tdata  out  width + 1 (+ extras)    {v, spike}: bit 0 spike, [width:1] membrane
    m_out_tvalid/tready                       one beat per input beat (output register)
    status_sat   out  1                       sticky: a saturating node saturated since reset
"""
from dataclasses import dataclass, replace
from typing import Any, Callable

from myhdl import (ConcatSignal, Signal, always, always_comb, always_seq, block, concat, intbv,
                   modbv)

from neurohdl.core import OUT, Port, clk_rst, const, stream
from neurohdl.models.neuron._common import NeuronType, smax, to_bits


def neuron_ports(p, out_width: int | None = None, out_doc: str | None = None,
                 sat_doc: str = "sticky until reset: the integration saturated at least once"):
    ins = stream("s_in", p.in_width, "synaptic input of one timestep, signed two's complement, "
                                     "membrane LSB")
    ins[0] = replace(ins[0], signed=True)
    outs = stream("m_out", out_width or p.width + 1,
                  out_doc or "{v, spike}: bit 0 spike, bits [width:1] the membrane after the "
                             "update (signed)")
    return clk_rst() + ins + outs + [Port("status_sat", OUT, 1, "status", sat_doc)]


def sext(sig, width: int):
    """``sig`` (signed, n bits) sign-extended to ``width`` bits as a ConcatSignal of its sign bit
    and itself (unsigned: read it as ``x.signed()``); ``sig`` itself when n >= width.  Verilator
    -Wall accepts an adder whose result is one bit wider than its operands, not more, so
    operands are extended to width - 1 of the sum explicitly."""
    n = len(sig)
    if n >= width:
        return sig
    return ConcatSignal(*([sig(n - 1)] * (width - n)), sig)


@block
def stepped_neuron(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                   m_out_tready, status_sat, step, state_width: int, init_word: int, p):
    """A single-neuron core around its combinational timestep block ``step(st, x, nst, fire,
    sat, p)`` (the block ``neuron.engine`` also instantiates): the packed state ``st`` (reset
    to ``init_word``) and the spike are the output register, ``m_out_tdata = {st, spike}``.
    ``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)``; an accepted beat loads the next
    state and the spike, ORs the step's saturation into the sticky ``status_sat`` and sets
    ``m_out_tvalid``.  Latency 1 cycle, one timestep per cycle, tdata held while stalled."""
    st = Signal(intbv(init_word)[state_width:])
    nst = Signal(intbv(0)[state_width:])
    fire = Signal(bool(0))
    sat1 = Signal(bool(0))
    spk = Signal(bool(0))
    vld = Signal(bool(0))
    sat = Signal(bool(0))
    take = Signal(bool(0))
    core = step(st, s_in_tdata, nst, fire, sat1, p)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            st.next = nst
            spk.next = fire
            sat.next = sat or sat1
            vld.next = 1
        elif m_out_tready:
            vld.next = 0

    @always_comb
    def comb():
        take.next = s_in_tvalid and not rst and (not vld or m_out_tready)
        s_in_tready.next = not rst and (not vld or m_out_tready)
        m_out_tvalid.next = vld
        m_out_tdata.next = concat(st, spk)
        status_sat.next = sat

    return core, seq, comb


# -- the RTL half of a neuron type's record ------------------------------------------------------

UPDATE_STAGES = 2          # register stages of an update block (the engine's S3 and S4)


@dataclass(frozen=True)
class NeuronRtl:
    """A neuron type as ``neuron.engine`` instantiates it.

    model            the type's :class:`NeuronType` (Params class, state layout, model)
    update           its per-timestep block ``update(clk, en, st, x, nst, fire, sat, q)``:
                     state word ``st`` (state_width bits, :attr:`NeuronType.layout`) and input
                     ``x`` (the accumulator word, engine in_width bits, 2 in_width with two
                     accumulators) sampled on a clock with ``en`` high; ``nst`` (next state
                     word), ``fire`` and ``sat`` (this step saturated) are valid
                     ``UPDATE_STAGES`` enabled clocks later and hold while ``en`` is low.
                     No reset (the engine ignores the outputs until a valid entry arrives).
    state_width(q)   bits of the state word (= the layout's total, tests/test_neuron_types)
    """

    model: NeuronType
    update: Callable[..., Any]
    state_width: Callable[[Any], int]

    @property
    def name(self) -> str:
        return self.model.name


def registered(step, t: NeuronType):
    """The update block of type ``t`` from its combinational timestep ``step(st, x, nst, fire,
    sat, q)`` (the block its single-neuron core runs in one cycle): st and x registered, the
    accumulator sign-extended to the step's input (``t.input_width``, a plain wire), the step,
    its results registered."""
    @block
    def update(clk, en, st, x, nst, fire, sat_o, q):
        st3 = Signal(intbv(0)[len(st):])
        x3 = Signal(intbv(0)[len(x):])
        nst_c = Signal(intbv(0)[len(nst):])
        fire_c, sat_c = Signal(bool(0)), Signal(bool(0))
        gens = []
        xw = t.input_width(q, len(x) // t.accumulators)
        if xw == len(x):
            xin = x3
        else:                              # a plain wire: the step slices its input
            xin = Signal(intbv(0)[xw:])
            x_ext = sext(x3, xw)

            @always_comb
            def comb_x():
                xin.next = x_ext
            gens.append(comb_x)
        gens.append(step(st3, xin, nst_c, fire_c, sat_c, q))

        @always(clk.posedge)
        def seq():
            if en:
                st3.next = st
                x3.next = x
                nst.next = nst_c
                fire.next = fire_c
                sat_o.next = sat_c
        gens.append(seq)
        return gens
    return update


@block
def integrate_update(clk, en, st, x, nst, fire, sat_o, width: int, leak_shift: int | None,
                     threshold: int | None, reset: str = "zero", v_reset: int = 0):
    """The update block of 'if', 'lif' and 'li' (state word = v, vw = width bits; iw = len(x),
    M = max(vw, iw)), at most one carry chain per stage:

        S3  v_l = v - (v >>> k) (leak_shift k) | v (None);  i - threshold
        S4  u = v_l + i;  d = v_l + i - threshold            (two parallel carry chains)
        out pos/neg = u outside vw bits;  fire = d >= 0 (= clip(u) >= threshold);
            nst = reset value / clip(u);  sat = pos | neg

    threshold None: never fires (li).  Bit for bit the single cores' step (``neuron.if_``,
    ``neuron.lif`` with the shift leak and no refractory period, ``neuron.li``)."""
    vw, iw = width, len(x)
    M = max(vw, iw)
    spiking = threshold is not None
    thr_c = const(threshold if spiking else 0, M + 1)
    v_max = const(smax(vw), vw)
    v_min = const(to_bits(-(1 << (vw - 1)), vw), vw)
    v_zero = const(0, vw)
    top_w = M + 2 - vw                     # u[M:vw-1]: all equal iff u fits vw bits
    top_zero = const(0, top_w)
    top_ones = const((1 << top_w) - 1, top_w)

    vl_n = Signal(modbv(0)[vw:])
    vl = Signal(intbv(0)[vw:])
    i3 = Signal(intbv(0)[iw:])
    u_n = Signal(modbv(0)[M + 1:])
    u = Signal(intbv(0)[M + 1:])
    pos, neg = Signal(bool(0)), Signal(bool(0))
    vl_x = sext(vl, M + 1)
    i3_x = sext(i3, M + 1)
    gens = []

    # S3 leak (v >>> k as a concatenation of sign copies and the kept bits)
    if leak_shift is None:
        @always_comb
        def comb_leak():
            vl_n.next = st
    else:
        k = leak_shift
        ks = min(k, vw)
        kept = [] if k >= vw else [st(k)] if k == vw - 1 else [st(vw, k)]
        parts = [st(vw - 1)] * ks + kept
        vsh = ConcatSignal(*parts) if len(parts) > 1 else parts[0]

        @always_comb
        def comb_leak():
            vl_n.next = st - vsh
    gens.append(comb_leak)

    @always_comb
    def comb_u():
        u_n.next = vl_x + i3_x
    gens.append(comb_u)

    if spiking:
        i2_x = sext(x, M + 1)
        im_n = Signal(modbv(0)[M + 1:])
        im = Signal(intbv(0)[M + 1:])
        d_n = Signal(modbv(0)[M + 2:])
        d_neg = Signal(bool(0))
        vl_x2 = sext(vl, M + 2)
        im_x = sext(im, M + 2)

        @always_comb
        def comb_im():
            im_n.next = i2_x - thr_c

        @always_comb
        def comb_d():
            d_n.next = vl_x2 + im_x

        @always(clk.posedge)
        def seq_spk():
            if en:
                im.next = im_n
                d_neg.next = d_n[M + 1]

        @always_comb
        def comb_spike():
            fire.next = not d_neg
        gens += [comb_im, comb_d, seq_spk, comb_spike]
        if reset == "subtract":
            d_lo = Signal(intbv(0)[vw:])
            d_mid_unused = Signal(intbv(0)[M + 1 - vw:])
            v_after_sub_sat = const(smax(vw) - threshold, vw)

            @always(clk.posedge)
            def seq_dlo():
                if en:
                    d_lo.next = d_n[vw:]

            @always_comb
            def comb_dmid():
                d_mid_unused.next = d_n[M + 1:vw]

            @always_comb
            def comb_next():
                if d_neg:
                    if neg:
                        nst.next = v_min
                    else:
                        nst.next = u[vw:]
                elif pos:
                    nst.next = v_after_sub_sat
                else:
                    nst.next = d_lo
            gens += [seq_dlo, comb_dmid, comb_next]
        else:
            d_unused = Signal(intbv(0)[M + 1:])
            v_spk = v_zero if reset == "zero" else const(to_bits(v_reset, vw), vw)

            @always_comb
            def comb_dunused():
                d_unused.next = d_n[M + 1:]

            @always_comb
            def comb_next():
                if not d_neg:
                    nst.next = v_spk
                elif neg:
                    nst.next = v_min
                else:
                    nst.next = u[vw:]
            gens += [comb_dunused, comb_next]
    else:
        nofire = const(0, 1)

        @always_comb
        def comb_spike():
            fire.next = nofire

        @always_comb
        def comb_next():
            if pos:
                nst.next = v_max
            elif neg:
                nst.next = v_min
            else:
                nst.next = u[vw:]
        gens += [comb_spike, comb_next]

    @always_comb
    def comb_range():
        pos.next = not u[M] and u[M + 1:vw - 1] != top_zero
        neg.next = u[M] and u[M + 1:vw - 1] != top_ones

    @always_comb
    def comb_sat():
        sat_o.next = pos or neg
    gens += [comb_range, comb_sat]

    @always(clk.posedge)
    def seq_u():
        if en:
            vl.next = vl_n
            i3.next = x
            u.next = u_n
    gens.append(seq_u)
    return gens


__all__ = ["neuron_ports", "sext", "stepped_neuron", "NeuronRtl", "UPDATE_STAGES", "registered",
           "integrate_update"]

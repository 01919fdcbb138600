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

from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, intbv

from neurohdl.core import OUT, Port, clk_rst, const, stream
from neurohdl.models.neuron._common import NeuronType, reset_word, smax
from neurohdl.rtl.common.stage import out_stage


def core_ports(in_width: int, in_doc: str, out_width: int, out_doc: str, sat_doc: str,
               signed_in: bool = False):
    """clk, rst, the streams s_in and m_out and the sticky ``status_sat`` of a single core."""
    ins = stream("s_in", in_width, in_doc)
    if signed_in:
        ins[0] = replace(ins[0], signed=True)
    return (clk_rst() + ins + stream("m_out", out_width, out_doc)
            + [Port("status_sat", OUT, 1, "status", sat_doc)])


MEMBRANE_SAT = "sticky until reset: the membrane saturated in some step"


def neuron_ports(p, out_width: int | None = None, out_doc: str | None = None,
                 sat_doc: str = "sticky until reset: the integration saturated at least once"):
    """The ports of the module doc (``p``: width, in_width)."""
    return core_ports(p.in_width, "synaptic input of one timestep, signed two's complement, "
                                  "membrane LSB",
                      out_width or p.width + 1,
                      out_doc or "{v, spike}: bit 0 spike, bits [width:1] the membrane after the "
                                 "update (signed)", sat_doc, signed_in=True)


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
                   m_out_tready, status_sat, p):
    """The single-neuron core of ``p``'s neuron type (:func:`stepped_type`) around its
    combinational timestep block ``step(st, x, nst, fire, sat, p)`` (the block
    ``neuron.engine`` also instantiates): the packed state ``st`` (reset to the type's reset
    word) and the spike are the output register, ``m_out_tdata = {st, spike}``.
    ``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)`` (:func:`out_stage`); an accepted
    beat loads the next state and the spike and ORs the step's saturation into the sticky
    ``status_sat``.  Latency 1 cycle, one timestep per cycle, tdata held while stalled."""
    t = STEPPED[type(p)]
    st = Signal(intbv(reset_word(t.model, p))[t.state_width(p):])
    nst = Signal(intbv(0)[len(st):])
    fire = Signal(bool(0))
    sat1 = Signal(bool(0))
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    take = Signal(bool(0))
    core = t.step(st, s_in_tdata, nst, fire, sat1, p)
    stage = out_stage(clk, rst, take, ConcatSignal(st, spk), s_in_tvalid, s_in_tready,
                      m_out_tdata, m_out_tvalid, m_out_tready, reset=rst)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            st.next = nst
            spk.next = fire
            sat.next = sat or sat1

    @always_comb
    def comb():
        status_sat.next = sat

    return core, stage, seq, comb


@block
def stepped_core(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                 m_out_tready, status_sat, p):
    # the top of a stepped type's single core (CoreDecl top): stepped_neuron as its one
    # instance, so the converted names are stepped_neuron0_* (a docstring would enter the HDL)
    return stepped_neuron(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata,
                          m_out_tvalid, m_out_tready, status_sat, p)


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
    step             the combinational timestep of a :func:`stepped_type` (else None)
    """

    model: NeuronType
    update: Callable[..., Any]
    state_width: Callable[[Any], int]
    step: Callable[..., Any] | None = None     # the combinational timestep (stepped_type)

    @property
    def name(self) -> str:
        return self.model.name


@block
def en_reg(clk, en, d, q):
    """q <= d on a clock with ``en`` high (no reset): one register of a pipeline stage."""
    @always(clk.posedge)
    def seq():
        if en:
            q.next = d
    return seq


@block
def en_regs(clk, en, pairs):
    """An :func:`en_reg` per (d, q) of ``pairs``."""
    regs = []
    for d, q in pairs:
        regs.append(en_reg(clk, en, d, q))
    return regs


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
        # created last, listed first: the signals take their names from its view of the locals
        return [en_regs(clk, en, ((st, st3), (x, x3), (nst_c, nst), (fire_c, fire),
                                  (sat_c, sat_o)))] + gens
    return update


# Params class -> the record of a neuron type whose single core is :func:`stepped_neuron`
STEPPED: dict[type, NeuronRtl] = {}


def stepped_type(t: NeuronType, step, state_width) -> NeuronRtl:
    """The record of type ``t`` defined by its combinational timestep ``step(st, x, nst, fire,
    sat, q)``: the engine runs it between registers (:func:`registered`), the single core
    (:func:`stepped_neuron`) in one cycle; registered in :data:`STEPPED`."""
    rtl = NeuronRtl(t, registered(step, t), state_width, step)
    STEPPED[t.params] = rtl
    return rtl


# -- small datapath helpers ----------------------------------------------------------------------

def zext(sig, width: int):
    """A bool or narrow unsigned signal zero-extended to ``width`` bits (shadow signal; the
    signal itself when it is already ``width`` bits)."""
    if len(sig) >= width:
        return sig
    return ConcatSignal(const(0, width - len(sig)), sig)


def ssig(width: int, val: int = 0):
    """A signed Signal of ``width`` bits."""
    return Signal(intbv(val, min=-(1 << (width - 1)), max=1 << (width - 1)))


def sconst(value: int, width: int):
    """A signed constant: ``const()`` of its two's-complement bits (use ``.signed()``)."""
    return const(value & ((1 << width) - 1), width)


@block
def clip_to(u, y, flag, width: int, symmetric: bool = False):
    """y = u clipped to ``width`` signed bits (len(u) > width), to -(2^(width-1) - 1) at the
    bottom when ``symmetric``; flag = clipped."""
    sw = len(u)
    low = smax(width) if symmetric else 1 << (width - 1)     # |the lower bound|
    hi = const(smax(width), sw - 1)
    lim = const(low, sw - 1)
    hi_y = const(smax(width), width)
    lo_y = sconst(-low, width)

    @always_comb
    def comb():
        if u > hi:
            y.next = hi_y.signed()
            flag.next = 1
        elif u < -lim:
            y.next = lo_y.signed()
            flag.next = 1
        else:
            y.next = u[width:].signed()
            flag.next = 0

    return comb


@block
def trunc_decay(x, k, y, frac: int, pw: int):
    """y = sgn(x k) * (|x k| >> frac) for signed x and an unsigned constant k: the product is
    ``pw`` bits (exact); the floor shift is the slice frac+len(y)-1..frac, plus one when the
    product is negative with non-zero discarded bits.  A signed y must hold the result; an
    unsigned (modbv) y receives it modulo 2^len(y)."""
    w = len(y)
    prod = ssig(pw)
    corr = Signal(bool(0))
    corr_x = zext(corr, w)
    top = pw - 1
    assert frac + w <= pw

    @always_comb
    def mult():
        prod.next = x * k

    @always_comb
    def rnd():
        corr.next = prod[top] and (prod[frac:] != 0)

    if y.min is not None and y.min < 0:
        @always_comb
        def comb():
            y.next = prod[frac + w:frac].signed() + corr_x.signed()
    else:
        @always_comb
        def comb():
            y.next = prod[frac + w:frac] + corr_x

    return mult, rnd, comb


@block
def fire_reset(fire, v_i, v_new, theta=None):
    """v_new = v_i when not ``fire``; on ``fire`` 0 (``theta`` None) or v_i - theta (reset by
    subtraction; ``theta`` an unsigned shadow of len(v_i) bits, read as signed)."""
    if theta is None:
        @always_comb
        def after():
            if fire:
                v_new.next = 0
            else:
                v_new.next = v_i
    else:
        @always_comb
        def after():
            if fire:
                v_new.next = v_i - theta.signed()
            else:
                v_new.next = v_i
    return after


@block
def refractory_membrane(clk, rst, take, pre, vsat, fire, v, spk, sat, v_reset: int,
                        refractory: int, ref_width: int):
    """The membrane register ``v`` (signed, W = len(v) bits) of a neuron with a refractory
    counter, loaded on ``take``: ``vsat`` = ``pre`` clipped to W bits (the clip ORed into the
    sticky ``sat``); the caller computes ``fire`` from ``vsat``.  During the R = ``refractory``
    steps after a spike v is held at ``v_reset`` without spiking; otherwise v' = vsat, or
    ``v_reset`` and a spike when ``fire``."""
    W = len(v)
    rcnt = Signal(intbv(0)[ref_width:])
    sat_new = Signal(bool(0))
    c_reset = sconst(v_reset, W)
    c_ref = const(refractory, ref_width)
    c_one = const(1, ref_width)
    c_zero = const(0, ref_width)
    clip = clip_to(pre, vsat, sat_new, W)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if rcnt != c_zero:
                rcnt.next = rcnt - c_one
                v.next = c_reset.signed()
                spk.next = 0
            else:
                if sat_new:
                    sat.next = 1
                if fire:
                    v.next = c_reset.signed()
                    spk.next = 1
                    rcnt.next = c_ref
                else:
                    v.next = vsat
                    spk.next = 0

    return clip, seq


__all__ = ["core_ports", "MEMBRANE_SAT", "neuron_ports", "sext", "zext", "ssig", "sconst",
           "clip_to", "trunc_decay", "fire_reset", "refractory_membrane", "stepped_neuron",
           "stepped_core", "NeuronRtl", "UPDATE_STAGES", "en_reg", "en_regs", "registered",
           "STEPPED", "stepped_type"]

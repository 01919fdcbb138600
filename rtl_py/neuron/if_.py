# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.if_``: one integrate-and-fire neuron, one timestep per beat.

(``if`` is a Python, Verilog and VHDL keyword, hence the trailing underscore in the core, file
and module names.)

Datapath (combinational from the state register ``v`` and ``s_in_tdata``; vw = width,
sw = max(vw, in_width) + 1, all signed):

    u     sw bits   v + s_in_tdata                       (exact)
    pos, neg        u[sw-1:vw-1] not all equal (u outside the vw-bit range), by u's sign
    ge              u[vw-1:tz] >= threshold >> tz        (tz = trailing zero bits of the
                                                          threshold; u[vw-1:tz] > 0 for a
                                                          power of two)
    spike           pos || (!neg && ge)                  (= clip(u) >= threshold)
    v'              neg ? vmin : spike ? (0 | clip(u) - threshold) : u[vw-1:0]

As in ``neuron.lif`` the membrane register is split into ``v_lo`` (bits vw-2..0, cleared
synchronously on a negative saturation and, with reset = "zero", on a spike) and ``v_hi``.

State: ``v`` = {v_hi, v_lo} (the membrane, also the output register's v field), ``spk``, the
sticky ``sat`` and the output valid bit; an accepted beat writes v', spk <- spike,
sat <- sat | pos | neg.

Timing: latency 1 cycle (the output register), throughput one timestep per cycle.
``s_in_tready = !m_out_tvalid || m_out_tready``: a stalled output holds tdata and the state.
``m_out_tvalid`` and ``status_sat`` come from registers only.
"""
from myhdl import (ConcatSignal, Signal, always, always_comb, always_seq, block, concat,
                   intbv)

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.models.neuron import if_ as model
from neurohdl.models.neuron._common import smax, stimulus, to_bits
from neurohdl.models.neuron.if_ import IfParams
from neurohdl.rtl.neuron._common import NeuronRtl, integrate_update, neuron_ports, sext


def ports(p: IfParams):
    return neuron_ports(p)


def _signed(width: int):
    return Signal(intbv(0, min=-(1 << (width - 1)), max=1 << (width - 1)))


@block
def if_(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid, m_out_tready,
        status_sat, p: IfParams):
    vw, sw = p.width, p.sum_width
    lw = vw - 1
    tn = sw - vw + 1
    tz = (p.threshold & -p.threshold).bit_length() - 1
    subtract = p.reset == "subtract"
    thr_cmp = const(p.threshold >> tz, vw - tz - 1)
    thr_sub = const(p.threshold, vw - 1)
    top_zero = const(0, tn)
    top_ones = const((1 << tn) - 1, tn)
    hz = const(0, vw - tz)
    vmax_c = const(smax(vw), vw)
    lo_zero = const(0, lw)

    v_hi = Signal(bool(0))
    v_lo = Signal(intbv(0)[lw:])
    v_bits = ConcatSignal(v_hi, v_lo)
    v = _signed(vw)
    u = _signed(sw)
    pos = Signal(bool(0))
    neg = Signal(bool(0))
    ge = Signal(bool(0))
    u_hi = _signed(vw - tz)
    fire = Signal(bool(0))
    clr = Signal(bool(0))
    v_i = _signed(vw)
    v_r = _signed(vw)
    hi_n = Signal(bool(0))
    lo_n = Signal(intbv(0)[lw:])
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    @always_comb
    def comb_v():
        v.next = v_bits.signed()

    v_x = sext(v, sw - 1)
    i_x = sext(s_in_tdata, sw - 1)
    if len(v_x) == vw and len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v + s_in_tdata
    elif len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v_x.signed() + s_in_tdata
    else:
        @always_comb
        def comb_sum():
            u.next = v + i_x.signed()

    @always_comb
    def comb_sat():
        pos.next = not u[sw - 1] and u[sw:vw - 1] != top_zero
        neg.next = u[sw - 1] and u[sw:vw - 1] != top_ones

    if p.threshold >> tz == 1:
        @always_comb
        def comb_ge():
            ge.next = not u[vw - 1] and u[vw:tz] != hz
    else:
        @always_comb
        def comb_ge():
            ge.next = u_hi >= thr_cmp

    @always_comb
    def comb_uhi():
        u_hi.next = u[vw:tz].signed()

    @always_comb
    def comb_clip():
        if pos:
            v_i.next = vmax_c
        else:
            v_i.next = u[vw:].signed()

    @always_comb
    def comb_reset():
        v_r.next = v_i - thr_sub

    if subtract:
        @always_comb
        def comb_fire():
            fire.next = pos or (not neg and ge)
            clr.next = neg
            if neg:
                hi_n.next = 1
                lo_n.next = v_r[lw:]
            elif pos or ge:
                hi_n.next = v_r[lw]
                lo_n.next = v_r[lw:]
            else:
                hi_n.next = u[lw]
                lo_n.next = u[lw:]
    else:
        # a spike clears v like a negative saturation clears the low bits: clr covers both
        @always_comb
        def comb_fire():
            fire.next = pos or (not neg and ge)
            clr.next = pos or neg or ge
            lo_n.next = u[lw:]
            if pos or neg or ge:
                hi_n.next = neg
            else:
                hi_n.next = u[lw]

    @always(clk.posedge)
    def seq_lo():
        if rst or (take and clr):
            v_lo.next = lo_zero
        elif take:
            v_lo.next = lo_n

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_valid.next = 1
            v_hi.next = hi_n
            spk.next = fire
            if pos or neg:
                sat.next = 1
        elif m_out_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_in_tready.next = not q_valid or m_out_tready
        take.next = s_in_tvalid and (not q_valid or m_out_tready)
        m_out_tvalid.next = q_valid
        m_out_tdata.next = concat(v_hi, v_lo, spk)
        status_sat.next = sat

    gens = [comb_v, comb_sum, comb_sat, comb_ge, comb_fire, seq_lo, seq, comb]
    if p.threshold >> tz != 1:
        gens.append(comb_uhi)
    if subtract:
        gens += [comb_clip, comb_reset]
    return gens


@block
def if_update(clk, en, st, x, nst, fire, sat_o, p: IfParams):
    """``neuron.engine``'s per-timestep block: state word v, two
    register stages (:class:`NeuronRtl`); the results of this core, pipelined for the sweep."""
    return integrate_update(clk, en, st, x, nst, fire, sat_o, p.width, None, p.threshold,
                            p.reset)


NEURON_RTL = NeuronRtl(model.NEURON, if_update, state_width=lambda p: p.width)


def vectors(p: IfParams, rng, n: int) -> Vectors:
    """n timesteps of the test stimulus (saturation corners, silence, noise, regular drive)."""
    xs = stimulus(p, rng, n)
    tdata, _ = model.run_tdata(p, xs)
    return Vectors(inputs={"s_in": [int(to_bits(x, p.in_width)) for x in xs]},
                   outputs={"m_out": [int(t) for t in tdata]})


CORE = CoreDecl(
    name="neuron.if_", version=__version__, params=IfParams, top=if_, ports=ports,
    module="if_neuron",   # 'if_' is no VHDL identifier (trailing '_', and 'if' is reserved)
    description="Integrate-and-fire neuron (v += I saturating, spike at v >= threshold, reset "
                "to zero or by subtraction)",
    arith={"integrate": "saturate: v + i exact in max(vw, in_width) + 1 bits, clipped to vw "
                        "bits; status_sat sticky",
           "compare": "exact: u[vw-1:tz] >= threshold >> tz, threshold = (threshold >> tz) 2^tz",
           "reset": "exact: v_i - threshold >= 0 when v_i >= threshold > 0"},
    vectors=vectors,
)

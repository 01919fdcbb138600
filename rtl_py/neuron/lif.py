# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.lif``: one leaky integrate-and-fire neuron, one timestep per beat.

Datapath (combinational from the state register ``v`` and ``s_in_tdata``; widths vw = width,
sw = max(vw, in_width) + 1, all signed):

    v_l   vw bits   shift:    v - (v >>> k)
                    subtract: v > L ? v - L : v < -L ? v + L : 0
                    multiply: (v * beta)[vw+Fb-1:Fb]     (the product is vw + Fb bits)
    u     sw bits   v_l + s_in_tdata                     (exact)
    pos, neg        u[sw-1:vw-1] not all equal (u outside the vw-bit range), by u's sign
    ge              u[vw-1:tz] >= threshold >> tz        (tz = trailing zero bits of the
                                                          threshold: an exact, shorter compare;
                                                          u[vw-1:tz] > 0 for a power of two)
    spike           pos || (!neg && ge)                  (= clip(u) >= threshold)
    v'              neg ? vmin : spike ? reset value : pos ? vmax : u[vw-1:0]

The membrane register is split into ``v_lo`` (bits vw-2..0) and ``v_hi`` (the sign bit): every
value that clears the low bits (negative saturation, and a spike with reset = "zero") is a
synchronous clear of ``v_lo`` (the FPGA flip-flops' reset input, no multiplexer in front of the
adder's output), so a default Q8.8 neuron is two carry chains, the shift leak's inverters and a
few control LUTs.

State: ``v`` = {v_hi, v_lo} (the membrane, also the output register's v field), ``spk``, the
refractory counter ``r`` (bits_for(R) bits, only when R > 0), the sticky ``sat`` and the output
valid bit.  An accepted beat with r = 0 ("load") writes v', spk <- spike, sat <- sat | pos | neg,
r <- spike ? R : 0; with r > 0 it writes spk <- 0, r <- r - 1 and holds v and sat.

Timing: latency 1 cycle (the output register), throughput one timestep per cycle.
``s_in_tready = !m_out_tvalid || m_out_tready``: a stalled output holds tdata and the state.
``m_out_tvalid`` and ``status_sat`` come from registers only.
"""
from myhdl import (ConcatSignal, Signal, always, always_comb, always_seq, block, concat,
                   intbv)

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.models.neuron import lif as model
from neurohdl.models.neuron._common import smax, stimulus, to_bits
from neurohdl.models.neuron.lif import LifParams
from neurohdl.rtl.neuron._common import NeuronRtl, integrate_update, neuron_ports, sext


def ports(p: LifParams):
    return neuron_ports(p)


def _signed(width: int):
    return Signal(intbv(0, min=-(1 << (width - 1)), max=1 << (width - 1)))


def trailing_zeros(x: int) -> int:
    return (x & -x).bit_length() - 1


@block
def lif(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid, m_out_tready,
        status_sat, p: LifParams):
    vw, sw, bf, k = p.width, p.sum_width, p.beta_frac, p.leak_shift
    lw = vw - 1                                  # low part of the membrane register
    tn = sw - vw + 1                             # u[sw-1:vw-1]: all equal iff u fits vw bits
    tz = trailing_zeros(p.threshold)             # threshold = thr_hi * 2^tz
    mode = p.leak
    reset_mode = p.reset
    has_ref = p.refractory > 0
    # compare constants are one bit narrower: MyHDL writes $signed({1'b0, c})
    amt_cmp = const(p.leak_amount, vw - 1)
    thr_cmp = const(p.threshold >> tz, vw - tz - 1)
    thr_sub = const(p.threshold, vw - 1)
    beta_c = const(p.beta, bf)
    top_zero = const(0, tn)
    top_ones = const((1 << tn) - 1, tn)
    # assigned constants are bit patterns
    vmax_c = const(smax(vw), vw)
    zero_c = const(0, vw)
    lo_zero = const(0, lw)
    vreset_c = const(to_bits(p.v_reset, vw), vw)
    rw = max(1, p.ref_width)
    rmax_c = const(p.refractory, rw)
    rzero_c = const(0, rw)
    rone_c = const(1, rw)

    v_hi = Signal(bool(0))
    v_lo = Signal(intbv(0)[lw:])
    v_bits = ConcatSignal(v_hi, v_lo)
    v = _signed(vw)
    v_l = _signed(vw)
    prod = _signed(vw + bf)
    prod_frac_unused = Signal(intbv(0)[bf:])   # the bits floor() drops (Verilator: *unused*)
    u = _signed(sw)
    pos = Signal(bool(0))
    neg = Signal(bool(0))
    ge = Signal(bool(0))
    u_hi = _signed(vw - tz)                    # u[vw-1:tz], compared with threshold >> tz
    fire = Signal(bool(0))
    clr = Signal(bool(0))
    v_i = _signed(vw)                          # clip(u) when not negative-saturated
    v_r = _signed(vw)                          # the value after a spike
    hi_n = Signal(bool(0))
    lo_n = Signal(intbv(0)[lw:])
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    r = Signal(intbv(0)[rw:])
    q_valid = Signal(bool(0))
    take = Signal(bool(0))
    load = Signal(bool(0))

    @always_comb
    def comb_v():
        v.next = v_bits.signed()

    if mode == "shift":
        @always_comb
        def comb_leak():
            v_l.next = v - (v >> k)
    elif mode == "subtract":
        @always_comb
        def comb_leak():
            if v > amt_cmp:
                v_l.next = v - amt_cmp
            elif v < -amt_cmp:
                v_l.next = v + amt_cmp
            else:
                v_l.next = zero_c
    else:
        @always_comb
        def comb_leak():
            v_l.next = prod[vw + bf:bf].signed()
            prod_frac_unused.next = prod[bf:]

    @always_comb
    def comb_mult():
        prod.next = v * beta_c

    v_lx = sext(v_l, sw - 1)
    i_x = sext(s_in_tdata, sw - 1)
    if len(v_lx) == vw and len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v_l + s_in_tdata
    elif len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v_lx.signed() + s_in_tdata
    else:
        @always_comb
        def comb_sum():
            u.next = v_l + i_x.signed()

    @always_comb
    def comb_sat():
        pos.next = not u[sw - 1] and u[sw:vw - 1] != top_zero
        neg.next = u[sw - 1] and u[sw:vw - 1] != top_ones

    if p.threshold >> tz == 1:                   # a power of two: u_hi > 0, no carry chain
        hz = const(0, vw - tz)

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

    if reset_mode == "subtract":
        @always_comb
        def comb_reset():
            v_r.next = v_i - thr_sub
    elif reset_mode == "to_v_reset":
        @always_comb
        def comb_reset():
            v_r.next = vreset_c
    else:
        @always_comb
        def comb_reset():
            v_r.next = zero_c

    if reset_mode == "zero":
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
    else:
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

    @always(clk.posedge)
    def seq_lo():
        if rst or (load and clr):
            v_lo.next = lo_zero
        elif load:
            v_lo.next = lo_n

    if has_ref:
        @always_seq(clk.posedge, reset=rst)
        def seq():
            if take:
                q_valid.next = 1
                if load:
                    v_hi.next = hi_n
                    spk.next = fire
                    if pos or neg:
                        sat.next = 1
                    if fire:
                        r.next = rmax_c
                else:
                    spk.next = 0
                    r.next = r - rone_c
            elif m_out_tready:
                q_valid.next = 0

        @always_comb
        def comb_load():
            load.next = s_in_tvalid and (not q_valid or m_out_tready) and r == rzero_c
    else:
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
        def comb_load():
            load.next = s_in_tvalid and (not q_valid or m_out_tready)

    @always_comb
    def comb():
        s_in_tready.next = not q_valid or m_out_tready
        take.next = s_in_tvalid and (not q_valid or m_out_tready)
        m_out_tvalid.next = q_valid
        m_out_tdata.next = concat(v_hi, v_lo, spk)
        status_sat.next = sat

    gens = [comb_v, comb_leak, comb_sum, comb_sat, comb_ge, comb_fire, seq_lo, seq, comb_load,
            comb]
    if p.threshold >> tz != 1:
        gens.append(comb_uhi)
    if reset_mode != "zero":
        gens.append(comb_reset)
    if reset_mode == "subtract":
        gens.append(comb_clip)
    if mode == "multiply":
        gens.append(comb_mult)
    return gens


@block
def lif_update(clk, en, st, x, nst, fire, sat_o, p: LifParams):
    """``neuron.engine``'s per-timestep block (shift leak, no refractory period): state word v, two
    register stages (:class:`NeuronRtl`); the results of this core, pipelined for the sweep."""
    return integrate_update(clk, en, st, x, nst, fire, sat_o, p.width, p.leak_shift,
                            p.threshold, p.reset, p.v_reset)


NEURON_RTL = NeuronRtl(model.NEURON, lif_update, state_width=lambda p: p.width)


def vectors(p: LifParams, rng, n: int) -> Vectors:
    """n timesteps of the test stimulus (saturation corners, silence, noise, regular drive)."""
    xs = stimulus(p, rng, n)
    tdata, _ = model.run_tdata(p, xs)
    return Vectors(inputs={"s_in": [int(to_bits(x, p.in_width)) for x in xs]},
                   outputs={"m_out": [int(t) for t in tdata]})


CORE = CoreDecl(
    name="neuron.lif", version=__version__, params=LifParams, top=lif, ports=ports,
    description="Leaky integrate-and-fire neuron (shift, subtractive or multiplicative leak; "
                "zero, subtract or v_reset reset; refractory counter), saturating",
    arith={"leak": "exact: shift v - (v >>> k), subtract toward 0 without crossing, or "
                   "multiply (v * beta) >>> Fb (floor); |v_l| <= |v| so none can overflow",
           "product": "exact: v * beta in vw + Fb signed bits (beta < 2^Fb)",
           "integrate": "saturate: v_l + i exact in max(vw, in_width) + 1 bits, clipped to vw "
                        "bits; status_sat sticky",
           "compare": "exact: u[vw-1:tz] >= threshold >> tz, threshold = (threshold >> tz) 2^tz",
           "reset": "exact: v_i - threshold >= 0 when v_i >= threshold > 0",
           "refractory": "exact: counter R down to 0, bits_for(R) bits"},
    vectors=vectors,
)

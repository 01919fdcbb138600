# SPDX-License-Identifier: Apache-2.0
"""The integrating neurons ``neuron.if_``, ``neuron.li`` and ``neuron.lif``: one single-cycle
core (:func:`integrate_neuron`) and one two-stage engine block (:func:`integrate_update`), both
configured by an :class:`Integrator` that each core derives from its Params
(:data:`INTEGRATORS`, keyed by the Params class).

Single-cycle datapath (combinational from the state register ``v`` and ``s_in_tdata``;
vw = width, sw = max(vw, in_width) + 1, all signed):

    v_l   vw bits   none:     v
                    shift:    v - (v >>> k)
                    subtract: v > L ? v - L : v < -L ? v + L : 0
                    multiply: (v * beta)[vw+Fb-1:Fb]     (the product is vw + Fb bits)
    u     sw bits   v_l + s_in_tdata (+ bias)            (exact; sw = max(vw, in_width) + 2
                                                          with a bias)
    pos, neg        u[sw-1:vw-1] not all equal (u outside the vw-bit range), by u's sign
    ge              u[vw-1:tz] >= threshold >> tz        (tz = trailing zero bits of the
                                                          threshold: an exact, shorter compare;
                                                          u[vw-1:tz] > 0 for a power of two)
    spike           pos || (!neg && ge)                  (= clip(u) >= threshold; none: 0)
    v'              neg ? vmin : spike ? reset value : pos ? vmax : u[vw-1:0]

The membrane register is split into ``v_lo`` (bits vw-2..0) and ``v_hi`` (the sign bit): every
value that clears the low bits (negative saturation, and a spike with reset = "zero") is a
synchronous clear of ``v_lo`` (the FPGA flip-flops' reset input, no multiplexer in front of the
adder's output), so a default Q8.8 neuron is two carry chains and a few control LUTs.

State: ``v`` = {v_hi, v_lo} (the membrane, also the output register's v field), ``spk``, the
refractory counter ``r`` (bits_for(R) bits, only when R > 0), the sticky ``sat`` and the output
valid bit.  An accepted beat with r = 0 ("load") writes v', spk <- spike, sat <- sat | pos | neg,
r <- spike ? R : 0; with r > 0 it writes spk <- 0, r <- r - 1 and holds v and sat.

Timing: latency 1 cycle (the output register), throughput one timestep per cycle.
``s_in_tready = !m_out_tvalid || m_out_tready``: a stalled output holds tdata and the state.
``m_out_tvalid`` and ``status_sat`` come from registers only.
"""
from dataclasses import dataclass
from typing import Any, Callable

from myhdl import (ConcatSignal, Signal, always, always_comb, always_seq, block, concat, intbv,
                   modbv)

from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.models.neuron._common import smax, stimulus, to_bits
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import NeuronRtl, en_reg, en_regs, sext


@dataclass(frozen=True)
class Integrator:
    """What an integrating neuron computes: leak None | "shift" | "subtract" | "multiply" (with
    leak_shift k, leak_amount L, beta / 2^beta_frac), threshold None (never fires), reset
    "zero" | "subtract" | "to_v_reset" (v_reset), refractory period R (0: none), a constant
    input bias added every step (0: none)."""

    leak: str | None = None
    leak_shift: int = 0
    leak_amount: int = 0
    beta: int = 0
    beta_frac: int = 1
    threshold: int | None = None
    reset: str = "zero"
    v_reset: int = 0
    refractory: int = 0
    bias: int = 0


# Params class -> its Integrator; each integrating core registers its own entry
INTEGRATORS: dict[type, Callable[[Any], Integrator]] = {}


def integrator(p) -> Integrator:
    return INTEGRATORS[type(p)](p)


def _signed(width: int):
    return Signal(intbv(0, min=-(1 << (width - 1)), max=1 << (width - 1)))


@block
def integrate_neuron(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                     m_out_tready, status_sat, p):
    # the single-cycle core of p's Integrator (module doc; a docstring would enter the HDL)
    f = integrator(p)
    vw, sw = p.width, p.sum_width
    lw = vw - 1                                  # low part of the membrane register
    tn = sw - vw + 1                             # u[sw-1:vw-1]: all equal iff u fits vw bits
    spiking = f.threshold is not None
    thr = f.threshold if spiking else 1
    tz = (thr & -thr).bit_length() - 1           # threshold = (threshold >> tz) * 2^tz
    has_ref = f.refractory > 0
    # compare constants are one bit narrower: MyHDL writes $signed({1'b0, c})
    thr_cmp = const(thr >> tz, vw - tz - 1)
    thr_sub = const(thr, vw - 1)
    top_zero = const(0, tn)
    top_ones = const((1 << tn) - 1, tn)
    hz = const(0, vw - tz)
    # assigned constants are bit patterns
    vmax_c = const(smax(vw), vw)
    lo_zero = const(0, lw)
    lo_ones = const((1 << lw) - 1, lw)
    rw = max(1, f.refractory.bit_length())
    rmax_c = const(f.refractory, rw)
    rzero_c = const(0, rw)
    rone_c = const(1, rw)

    v_hi = Signal(bool(0))
    v_lo = Signal(intbv(0)[lw:])
    v_bits = ConcatSignal(v_hi, v_lo)
    v = _signed(vw)
    u = _signed(sw)
    pos = Signal(bool(0))
    neg = Signal(bool(0))
    ge = Signal(bool(0))
    u_hi = _signed(vw - tz)                      # u[vw-1:tz], compared with threshold >> tz
    fire = Signal(bool(0)) if spiking else const(0, 1)
    clr = Signal(bool(0))                        # v_lo cleared when loaded
    v_i = _signed(vw)                            # clip(u) when not negative-saturated
    v_r = _signed(vw)                            # the value after a spike
    hi_n = Signal(bool(0))
    lo_n = Signal(intbv(0)[lw:])
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    r = Signal(intbv(0)[rw:])
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    @always_comb
    def comb_v():
        v.next = v_bits.signed()

    # bound after comb_v (MyHDL names a signal by the first name it finds for it)
    load = Signal(bool(0)) if has_ref else take  # without R every accepted beat loads
    gens = [comb_v]
    if f.leak is None:
        v_l = v
    else:
        v_l = _signed(vw)
        gens.append(leak(v, v_l, f, vw))

    v_x = sext(v_l, sw - 1)
    i_x = sext(s_in_tdata, sw - 1)
    if f.bias:                                   # both operands and the bias extended
        bias_c = const(to_bits(f.bias, sw - 1), sw - 1)

        @always_comb
        def comb_sum():
            u.next = v_x.signed() + i_x.signed() + bias_c.signed()
    elif len(v_x) == vw and len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v_l + s_in_tdata
    elif len(i_x) == p.in_width:
        @always_comb
        def comb_sum():
            u.next = v_x.signed() + s_in_tdata
    else:
        @always_comb
        def comb_sum():
            u.next = v_l + i_x.signed()

    @always_comb
    def comb_sat():
        pos.next = not u[sw - 1] and u[sw:vw - 1] != top_zero
        neg.next = u[sw - 1] and u[sw:vw - 1] != top_ones
    gens += [comb_sum, comb_sat]

    if thr >> tz == 1:                           # a power of two: u_hi > 0, no carry chain
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

    if f.reset == "to_v_reset":
        vreset_c = const(to_bits(f.v_reset, vw), vw)

        @always_comb
        def comb_reset():
            v_r.next = vreset_c
    else:
        @always_comb
        def comb_reset():
            v_r.next = v_i - thr_sub

    if not spiking:
        @always_comb
        def comb_next():
            clr.next = neg
            if pos:
                hi_n.next = 0
                lo_n.next = lo_ones
            elif neg:
                hi_n.next = 1
                lo_n.next = u[lw:]
            else:
                hi_n.next = u[lw]
                lo_n.next = u[lw:]
        gens.append(comb_next)
    elif f.reset == "zero":
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
        gens += [comb_ge, comb_fire]
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
        gens += [comb_ge, comb_fire]

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
            load.next = take and r == rzero_c
        gens += [seq_lo, seq, comb_load]
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
        gens += [seq_lo, seq]

    @always_comb
    def comb():
        s_in_tready.next = not q_valid or m_out_tready
        take.next = s_in_tvalid and (not q_valid or m_out_tready)
        m_out_tvalid.next = q_valid
        m_out_tdata.next = concat(v_hi, v_lo, spk)
        status_sat.next = sat
    gens.append(comb)

    if spiking and thr >> tz != 1:
        gens.append(comb_uhi)
    if spiking and f.reset == "subtract":
        gens += [comb_clip, comb_reset]
    elif spiking and f.reset == "to_v_reset":
        gens.append(comb_reset)
    return gens


@block
def leak(v, v_l, f: Integrator, vw: int):
    """v -> v_l, the leak of the single-cycle core (none of the leaks can overflow)."""
    if f.leak == "shift":
        k = f.leak_shift

        @always_comb
        def comb_leak():
            v_l.next = v - (v >> k)
        return comb_leak
    if f.leak == "subtract":
        amt_cmp = const(f.leak_amount, vw - 1)
        zero_c = const(0, vw)

        @always_comb
        def comb_leak():
            if v > amt_cmp:
                v_l.next = v - amt_cmp
            elif v < -amt_cmp:
                v_l.next = v + amt_cmp
            else:
                v_l.next = zero_c
        return comb_leak
    bf = f.beta_frac
    beta_c = const(f.beta, bf)
    prod = _signed(vw + bf)
    prod_frac_unused = Signal(intbv(0)[bf:])     # the bits floor() drops (Verilator: *unused*)

    @always_comb
    def comb_mult():
        prod.next = v * beta_c

    @always_comb
    def comb_leak():
        v_l.next = prod[vw + bf:bf].signed()
        prod_frac_unused.next = prod[bf:]
    return comb_leak, comb_mult


@block
def integrate_update(clk, en, st, x, nst, fire, sat_o, q):
    """``neuron.engine``'s update block of ``q``'s :class:`Integrator` (state word = v, vw =
    width bits; with a refractory period {r, v}, the counter in :func:`refractory_hold`;
    iw = len(x), M = max(vw, iw)), at most one carry chain (or the leak's multiplier) per
    stage:

        S3  v_l = the leak of v (:func:`leak`: shift v - (v >>> k), subtract toward 0, multiply
            (v * beta) >>> Fb) | v (no leak);  i - threshold;  with a bias b: i + b and
            i + (b - threshold) instead (iw = max(vw, len(x)) + 1 bits, exact)
        S4  u = v_l + i;  d = v_l + i - threshold            (two parallel carry chains)
        out pos/neg = u outside vw bits;  fire = d >= 0 (= clip(u) >= threshold);
            nst = reset value / clip(u);  sat = pos | neg

    threshold None: never fires (li).  Bit for bit :func:`integrate_neuron`."""
    f = integrator(q)
    threshold, reset, v_reset = f.threshold, f.reset, f.v_reset
    if f.refractory:                       # the update below sees the membrane field only
        st_v, nst_v = Signal(intbv(0)[q.width:]), Signal(intbv(0)[q.width:])
        fire_v, sat_v = Signal(bool(0)), Signal(bool(0))
        hold = [refractory_hold(clk, en, st, nst, fire, sat_o, st_v, nst_v, fire_v, sat_v, q)]
        st, nst, fire, sat_o = st_v, nst_v, fire_v, sat_v
    else:
        hold = []
    vw, iw = q.width, len(x)
    if f.bias:                             # the input the step sees: x + bias, exact
        iw = max(vw, iw) + 1
    M = max(vw, iw)
    spiking = threshold is not None
    if not f.bias:                         # (with a bias the compare folds it into b - threshold)
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

    # S3 leak (shift: v >>> k as a concatenation of sign copies and the kept bits; subtract and
    # multiply: the single core's leak block on the signed view of the state word)
    if f.leak is None:
        @always_comb
        def comb_leak():
            vl_n.next = st
    elif f.leak != "shift":
        st_s, vl_s = _signed(vw), _signed(vw)

        @always_comb
        def comb_st():
            st_s.next = st.signed()

        @always_comb
        def comb_leak():
            vl_n.next = vl_s[vw:]
        gens += [comb_st, leak(st_s, vl_s, f, vw)]
    else:
        k = f.leak_shift
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

    if f.bias:
        xb = Signal(modbv(0)[iw:])         # registered into i3 instead of x
        xb_x = sext(x, iw)
        bias_c = const(to_bits(f.bias, iw), iw)

        @always_comb
        def comb_bias():
            xb.next = xb_x + bias_c
        gens.append(comb_bias)
    else:
        xb = x

    if spiking:
        i2_x = sext(x, M + 1)
        im_n = Signal(modbv(0)[M + 1:])
        im = Signal(intbv(0)[M + 1:])
        d_n = Signal(modbv(0)[M + 2:])
        d_neg = Signal(bool(0))
        vl_x2 = sext(vl, M + 2)
        im_x = sext(im, M + 2)

        if f.bias:                         # i + (bias - threshold): one adder, as without
            bt_c = const(to_bits(f.bias - threshold, M + 1), M + 1)

            @always_comb
            def comb_im():
                im_n.next = i2_x + bt_c
        else:
            @always_comb
            def comb_im():
                im_n.next = i2_x - thr_c

        @always_comb
        def comb_d():
            d_n.next = vl_x2 + im_x

        @always_comb
        def comb_spike():
            fire.next = not d_neg
        gens += [comb_im, comb_d, comb_spike, en_regs(clk, en, ((im_n, im), (d_n(M + 1), d_neg)))]
        if reset == "subtract":
            d_lo = Signal(intbv(0)[vw:])
            d_mid_unused = Signal(intbv(0)[M + 1 - vw:])
            v_after_sub_sat = const(smax(vw) - threshold, vw)

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
            gens += [en_reg(clk, en, d_n(vw, 0), d_lo), comb_dmid, comb_next]
        else:
            d_unused = Signal(intbv(0)[M + 1:])
            hit, v_hit = fire, v_zero if reset == "zero" else const(to_bits(v_reset, vw), vw)

            @always_comb
            def comb_dunused():
                d_unused.next = d_n[M + 1:]
            gens.append(comb_dunused)
    else:
        nofire = const(0, 1)
        hit, v_hit = pos, v_max                # never fires: a positive overflow clips

        @always_comb
        def comb_spike():
            fire.next = nofire
        gens.append(comb_spike)
    if not spiking or reset != "subtract":
        @always_comb
        def comb_next():
            if hit:
                nst.next = v_hit
            elif neg:
                nst.next = v_min
            else:
                nst.next = u[vw:]
        gens.append(comb_next)

    @always_comb
    def comb_range():
        pos.next = not u[M] and u[M + 1:vw - 1] != top_zero
        neg.next = u[M] and u[M + 1:vw - 1] != top_ones

    @always_comb
    def comb_sat():
        sat_o.next = pos or neg
    gens += [comb_range, comb_sat]

    # created last and listed first: MyHDL names this block's signals from the first instance's
    # view of the locals, which then holds every signal
    return [en_regs(clk, en, ((vl_n, vl), (xb, i3), (u_n, u)))] + gens + hold


@block
def refractory_hold(clk, en, st, nst, fire, sat_o, st_v, nst_v, fire_v, sat_v, q):
    """The refractory counter of :func:`integrate_update` (R > 0), as ``neuron.lif``'s single
    core: the state word ``st`` = {r, v} (v: width bits, r: bits_for(R) bits) gives the update
    its membrane field ``st_v``; a neuron with r > 0 keeps v, neither fires nor saturates and
    counts r down (the update's results ``nst_v``, ``fire_v``, ``sat_v`` discarded); otherwise
    it takes them, r' = R after a spike, else 0.  v and r ride beside the update's two stages
    (S3, S4 registers)."""
    vw = q.width
    rw = len(st) - vw
    st_r = Signal(intbv(0)[rw:])
    v3, v4 = Signal(intbv(0)[vw:]), Signal(intbv(0)[vw:])
    r3, r4 = Signal(intbv(0)[rw:]), Signal(intbv(0)[rw:])
    r_dec = Signal(modbv(0)[rw:])
    act = Signal(bool(0))
    r_max = const(q.refractory, rw)
    r_zero = const(0, rw)
    r_one = const(1, rw)

    @always_comb
    def comb_split():
        st_v.next = st[vw:]
        st_r.next = st[len(st):vw]

    @always_comb
    def comb_act():
        act.next = r4 == r_zero
        r_dec.next = r4 - r_one

    @always_comb
    def comb_out():
        fire.next = fire_v and act
        sat_o.next = sat_v and act
        if not act:
            nst.next = concat(r_dec, v4)
        elif fire_v:
            nst.next = concat(r_max, nst_v)
        else:
            nst.next = concat(r_zero, nst_v)

    # created last and listed first (the signals' names, as in integrate_update)
    return [en_regs(clk, en, ((st_v, v3), (v3, v4), (st_r, r3), (r3, r4))), comb_split,
            comb_act, comb_out]


def integrating_core(model, of_params: Callable[[Any], Integrator], ports, name: str, text: str,
                     module: str = "") -> CoreDecl:
    """The CoreDecl of an integrating neuron (top :func:`integrate_neuron`, test vectors from
    ``model.run_tdata``, description and arith from ``text`` as :func:`declare`'s); registers
    ``of_params`` (Params -> :class:`Integrator`) for its Params class."""
    params = model.NEURON.params
    INTEGRATORS[params] = of_params

    def vectors(p, rng, n: int) -> Vectors:
        """n timesteps of the test stimulus (saturation corners, silence, noise, drive)."""
        xs = stimulus(p, rng, n)
        tdata, _ = model.run_tdata(p, xs)
        return Vectors(inputs={"s_in": [int(to_bits(x, p.in_width)) for x in xs]},
                       outputs={"m_out": [int(t) for t in tdata]})
    return declare(name, params, integrate_neuron, ports, text, vectors=vectors, module=module)


def integrating_rtl(model) -> NeuronRtl:
    """The engine's record of an integrating neuron: :func:`integrate_update`, state word v (and
    the refractory counter r above it, where the type's layout has one)."""
    return NeuronRtl(model.NEURON, integrate_update,
                     state_width=lambda p: sum(w for _, w in model.NEURON.layout(p)))


__all__ = ["Integrator", "INTEGRATORS", "integrator", "integrate_neuron", "integrate_update",
           "refractory_hold", "integrating_core", "integrating_rtl"]

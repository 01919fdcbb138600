# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.alif``: one adaptive-threshold LIF neuron, one timestep per accepted
``s_in`` beat.

Datapath (one combinational stage in front of the state/output registers):

    adapt = tz(a * beta_a, Fb)          adapt_width bits (a >= 0: a floor shift)
    theta = threshold + adapt           theta_width bits, exact
    v_l   = tz(v * beta, Fb)            vw bits: product vw + Fb bits, magnitude shift
    u     = v_l + i                     sw = max(vw, in_width) + 1 bits, exact
    v_i   = clip(u) to vw bits          sat_v
    fire  = v_i >= theta                compared in max(vw, theta_width + 1) signed bits
    v'    = fire ? (v_i - theta mod 2^vw | 0) : v_i      (v_i - theta fits when fire)
    s     = tz(a * rho, Fb) + (fire ? a_inc : 0)         aw + 1 bits
    a'    = s > 2^aw - 1 ? 2^aw - 1 : s                   sat_a

``tz`` is the magnitude shift of ``neuron.cuba_lif``'s ``trunc_decay`` block (floor shift of the
product plus one when it is negative with non-zero discarded bits).

Handshake: v, a and the spike are the output register.  ``s_in_tready = !rst &&
(!m_out_tvalid || m_out_tready)``; an accepted beat loads v, a, spike, ORs sat_v | sat_a into
the sticky ``status_sat`` and sets ``m_out_tvalid``.  Latency 1 cycle, throughput one timestep
per cycle, tdata held while stalled.
"""
from myhdl import ConcatSignal, Signal, always_comb, block, concat, intbv

from neurohdl.core import Vectors, const
from neurohdl.models.neuron import alif as model
from neurohdl.models.neuron._common import stimulus
from neurohdl.models.neuron.alif import AlifParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import (clip_to, fire_reset, neuron_ports, sext,
                                         ssig, stepped_core, stepped_type, trunc_decay, zext)


def ports(p: AlifParams):
    return neuron_ports(
        p, p.out_width,
        "{a, v, spike}: bit 0 spike, bits [width:1] v after the step (signed), bits "
        "[width+a_width:width+1] adaptation a after the step (unsigned)",
        "sticky until reset: v clipped or a saturated at least once")


def state_width(p: AlifParams) -> int:
    """Bits of the packed state {a, v} (m_out_tdata without the spike bit)."""
    return p.width + p.a_width


@block
def alif_step(st, x, nst, fire, sat_o, p: AlifParams):
    """The combinational timestep (module doc): packed state ``st`` = {a, v} and the signed
    input ``x`` (in_width bits) -> packed next state ``nst``, ``fire`` and ``sat_o`` (v clipped
    or a saturated in this step).  Shared by ``neuron.alif`` and ``neuron.engine``."""
    vw, aw, fb, sw = p.width, p.a_width, p.beta_frac, p.sum_width
    tw, adw = p.theta_width, p.adapt_width
    cw = max(vw, tw + 1)
    kw = max(2, fb)

    beta_c = const(p.beta, kw)
    rho_c = const(p.rho, kw)
    beta_a_c = const(p.beta_a, max(2, p.beta_a.bit_length())) if p.beta_a else None
    thr_c = const(p.threshold, tw)
    inc_c = const(p.a_inc, aw + 1)
    amax_c = const(p.a_max, aw)

    v = ssig(vw)
    a = Signal(intbv(0)[aw:])

    @always_comb
    def unpack():
        v.next = st[vw:].signed()
        a.next = st[vw + aw:vw]

    v_l = ssig(vw)
    adapt = Signal(intbv(0)[adw:])
    a_dec = Signal(intbv(0)[aw:])
    leak = trunc_decay(v, beta_c, v_l, fb, vw + fb)
    adec = trunc_decay(a, rho_c, a_dec, fb, fb + aw + 1)
    # beta_a * a < 2^(Fb + adapt_width), so both operands fit the product (beta_a >= 1)
    adap = trunc_decay(a, beta_a_c, adapt, fb, fb + adw + 1) if p.beta_a else []

    theta = Signal(intbv(0)[tw:])
    adapt_x = zext(adapt, tw) if adw < tw else adapt
    v_l_x = sext(v_l, sw)
    i_x = sext(x, sw)
    u = ssig(sw)
    v_i = ssig(vw)
    clip_v = Signal(bool(0))
    v_i_x = sext(v_i, cw)
    theta_x = zext(theta, cw)
    v_new = ssig(vw)
    a_dec_x = zext(a_dec, aw + 1)
    a_sum = Signal(intbv(0)[aw + 1:])
    a_new = Signal(intbv(0)[aw:])
    sat_a = Signal(bool(0))
    top = aw

    if p.beta_a:
        @always_comb
        def thresh():
            theta.next = thr_c + adapt_x
    else:                                         # beta_a = 0: a constant threshold
        @always_comb
        def thresh():
            theta.next = thr_c

    @always_comb
    def integ():
        u.next = v_l_x.signed() + i_x.signed()

    clip = clip_to(u, v_i, clip_v, vw)

    @always_comb
    def compare():
        fire.next = v_i_x.signed() >= theta_x.signed()

    theta_lo = None                                 # reset to zero
    if p.reset == "subtract":
        theta_lo = theta(vw, 0) if tw >= vw else zext(theta, vw)
    after = fire_reset(fire, v_i, v_new, theta_lo)

    inc_on = ConcatSignal(*([fire] * (aw + 1)))    # all ones when the neuron fires

    @always_comb
    def adapt_sum():
        a_sum.next = a_dec_x + (inc_c & inc_on)    # + a_inc when it fires

    @always_comb
    def adapt_sat():
        if a_sum[top]:
            a_new.next = amax_c
            sat_a.next = 1
        else:
            a_new.next = a_sum[aw:]
            sat_a.next = 0

    @always_comb
    def pack():
        nst.next = concat(a_new, v_new[vw:])
        sat_o.next = clip_v or sat_a

    return (unpack, leak, adap, adec, thresh, integ, clip, compare, after, adapt_sum,
            adapt_sat, pack)


# neuron.engine runs the combinational timestep between two registers
NEURON_RTL = stepped_type(model.NEURON, alif_step, state_width)


def vectors(p: AlifParams, rng, n: int) -> Vectors:
    i = stimulus(p, rng, n)
    words, _sticky = model.run_tdata(p, i)
    return Vectors(inputs={"s_in": model.to_tdata(p, i)},
                   outputs={"m_out": [int(w) for w in words]})


CORE = declare("neuron.alif", AlifParams, stepped_core, ports, """
    Adaptive-threshold LIF neuron (LSNN/ALIF), theta = threshold + beta_a a, multiplicative leak,
    reset by subtraction or to zero
    leak: exact: v * beta in vw + Fb bits (beta < 2^Fb), magnitude shift by Fb (round toward 0);
        |v_l| <= |v|
    integrate: saturate: v_l + i in max(vw, in_width) + 1 bits clipped to vw bits, status_sat
    threshold: exact: threshold + (beta_a a) >> Fb in theta_width bits
    compare: exact: signed v_i >= theta in max(vw, theta_width + 1) bits
    reset: exact: v_i - theta in [0, v_i) when fire (theta >= 1)
    adaptation: saturate: (a rho) >> Fb + a_inc clipped to 2^aw - 1, status_sat
    """, vectors=vectors)

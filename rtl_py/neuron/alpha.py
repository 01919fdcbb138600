# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.alpha``: one alpha neuron (excitatory and inhibitory decaying currents
into a leaky membrane), one timestep per accepted ``s_in`` beat.

Datapath (one combinational stage in front of the state/output registers):

    e_l  = tz(i_exc * alpha_exc, Fb)     iw bits (product iw + Fb bits, magnitude shift)
    i_exc' = clip(e_l + I_exc, iw)       iw + 1 bit sum                       sat_e
    h_l  = tz(i_inh * alpha_inh, Fb);  i_inh' = clip(h_l + I_inh, iw)        sat_h
    v_l  = tz(v * beta, Fb)              vw bits
    v_i  = clip(v_l + i_exc' - i_inh', vw)   max(vw, iw) + 2 bit sum          sat_v
    fire = v_i >= threshold;  v' = fire ? (v_i - threshold | 0) : v_i

``tz`` is ``neuron.cuba_lif``'s ``trunc_decay`` block.  ``s_in_tdata = {I_inh, I_exc}`` (two
in_width-bit two's-complement fields); ``m_out_tdata = {i_inh, i_exc, v, spike}``.

Handshake: the currents, v and the spike are the output register.  ``s_in_tready = !rst &&
(!m_out_tvalid || m_out_tready)``; an accepted beat loads the state, ORs the three clip flags
into the sticky ``status_sat`` and sets ``m_out_tvalid``.  Latency 1 cycle, throughput one
timestep per cycle, tdata held while stalled.
"""
import random

from myhdl import ConcatSignal, Signal, always_comb, block, concat

from neurohdl.core import Vectors, const
from neurohdl.models.neuron import alpha as model
from neurohdl.models.neuron._common import smax
from neurohdl.models.neuron._common import stimulus as one_stimulus
from neurohdl.models.neuron.alpha import AlphaParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import (clip_to, core_ports, fire_reset, sext, ssig, stepped_core,
                                         stepped_type, trunc_decay)


def ports(p: AlphaParams):
    return core_ports(p.tdata_in_width, "{I_inh, I_exc}: [in_width-1:0] excitatory, [2 in_width-1:"
                                        "in_width] inhibitory input, each signed two's "
                                        "complement, membrane LSB",
                      p.out_width, "{i_inh, i_exc, v, spike}: [0] spike, [width:1] v, [width+"
                                   "i_width:width+1] i_exc, [width+2 i_width:width+i_width+1] "
                                   "i_inh, all after the step, signed",
                      "sticky until reset: a current or the membrane clipped at least once")


def state_width(p: AlphaParams) -> int:
    """Bits of the packed state {i_inh, i_exc, v} (m_out_tdata without the spike bit)."""
    return p.width + 2 * p.i_width


@block
def alpha_step(st, x, nst, fire, sat_o, p: AlphaParams):
    """The combinational timestep (module doc): packed state ``st`` = {i_inh, i_exc, v} and the
    input ``x`` = {I_inh, I_exc} -> packed next state ``nst``, ``fire`` and ``sat_o`` (a current
    or v clipped in this step).  Shared by ``neuron.alpha`` and ``neuron.engine``."""
    vw, iw, nw, fb = p.width, p.i_width, p.in_width, p.beta_frac
    isw, vsw = p.i_sum_width, p.v_sum_width
    kw = max(2, fb)

    ae_c = const(p.alpha_exc, kw)
    ai_c = const(p.alpha_inh, kw)
    beta_c = const(p.beta, kw)
    thr_c = const(p.threshold, vw - 1)            # 1 .. 2^(vw-1) - 1
    thr_v = const(p.threshold, vw)

    v = ssig(vw)
    ie = ssig(iw)
    ii = ssig(iw)

    @always_comb
    def unpack():
        v.next = st[vw:].signed()
        ie.next = st[vw + iw:vw].signed()
        ii.next = st[vw + 2 * iw:vw + iw].signed()

    e_l, h_l, v_l = ssig(iw), ssig(iw), ssig(vw)
    dec_e = trunc_decay(ie, ae_c, e_l, fb, iw + fb)
    dec_h = trunc_decay(ii, ai_c, h_l, fb, iw + fb)
    dec_v = trunc_decay(v, beta_c, v_l, fb, vw + fb)

    # I_exc = x[nw-1:0], I_inh = x[2nw-1:nw], each sign-extended to isw (> nw) bits
    in_e_x = ConcatSignal(*([x(nw - 1)] * (isw - nw) + [x(nw, 0)]))
    in_h_x = ConcatSignal(*([x(2 * nw - 1)] * (isw - nw) + [x(2 * nw, nw)]))
    e_l_x, h_l_x = sext(e_l, isw), sext(h_l, isw)
    e_sum, h_sum = ssig(isw), ssig(isw)
    ie_new, ii_new = ssig(iw), ssig(iw)
    sat_e, sat_h, sat_v = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    clip_e = clip_to(e_sum, ie_new, sat_e, iw)
    clip_h = clip_to(h_sum, ii_new, sat_h, iw)

    v_l_x, ie_new_x, ii_new_x = sext(v_l, vsw), sext(ie_new, vsw), sext(ii_new, vsw)
    u = ssig(vsw)
    v_i = ssig(vw)
    clip_v = clip_to(u, v_i, sat_v, vw)
    v_new = ssig(vw)

    @always_comb
    def syn():
        e_sum.next = e_l_x.signed() + in_e_x.signed()
        h_sum.next = h_l_x.signed() + in_h_x.signed()

    @always_comb
    def memb():
        u.next = v_l_x.signed() + ie_new_x.signed() - ii_new_x.signed()

    @always_comb
    def compare():
        fire.next = v_i >= thr_c

    after = fire_reset(fire, v_i, v_new, thr_v if p.reset == "subtract" else None)

    @always_comb
    def pack():
        nst.next = concat(ii_new[iw:], ie_new[iw:], v_new[vw:])
        sat_o.next = sat_e or sat_h or sat_v

    return (unpack, dec_e, dec_h, dec_v, clip_e, clip_h, clip_v, syn, memb, compare, after,
            pack)


def stimulus(p: AlphaParams, rng, n: int) -> list[tuple[int, int]]:
    """n (I_exc, I_inh) pairs: each channel an independent ``neuron._common.stimulus`` sequence
    (extremes held, silence, uniform, drive near the threshold, small noise, alternating)."""
    exc = one_stimulus(p, random.Random(rng.random()), n)
    inh = one_stimulus(p, random.Random(rng.random()), n)
    if rng.random() < 0.5:                       # often: mostly positive inhibition
        inh = [abs(x) if x != -(1 << (p.in_width - 1)) else smax(p.in_width) for x in inh]
    return list(zip(exc, inh))


# neuron.engine runs the combinational timestep between two registers
NEURON_RTL = stepped_type(model.NEURON, alpha_step, state_width)


def vectors(p: AlphaParams, rng, n: int) -> Vectors:
    i = stimulus(p, rng, n)
    words, _sticky = model.run_tdata(p, i)
    return Vectors(inputs={"s_in": model.to_tdata(p, i)}, outputs={"m_out": words})


CORE = declare("neuron.alpha", AlphaParams, stepped_core, ports, """
    Alpha neuron (mlxsnn alpha), excitatory and inhibitory decaying synaptic currents into a leaky
    membrane, v = beta v + i_exc - i_inh
    synapse_decay: exact: i * alpha in iw + Fb bits, magnitude shift by Fb (round toward 0)
    synapse: saturate: decayed current + input clipped to iw bits, status_sat
    leak: exact: v * beta in vw + Fb bits, magnitude shift by Fb
    membrane: saturate: v_l + i_exc - i_inh in max(vw, iw) + 2 bits clipped to vw bits, status_sat
    compare: exact: signed v_i >= threshold
    reset: exact: v_i - threshold in [0, v_i) when firing (threshold >= 1)
    """, vectors=vectors)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.cuba_lif``: one Loihi/Lava bit-accurate CUBA-LIF neuron advancing one
timestep per accepted ``s_in`` beat.

Datapath (one combinational stage in front of the state/output registers; all constants come
from the Params):

    pu    = u * ku                      37-bit signed product (ku = 4095 - du, a constant)
    u_dec = (pu >>> 12) + (pu < 0 && pu[11:0] != 0)       magnitude shift = round toward zero
    sum24 = (u_dec + (a_in << 6)) mod 2^24                24-bit modular add
    u'    = {sum24[23] && sum24[22:0] != 0, sum24}        25 bits: Lava's window -2^23 < u <= 2^23
    pv    = v * kv                      36-bit signed product (kv = 4096 - dv)
    v_dec = (pv >>> 12) + (pv < 0 && pv[11:0] != 0)
    v_sum = v_dec + u' + bias           26 bits signed, exact
    v_clp = clip(v_sum, -(2^23 - 1), 2^23 - 1)            sat when clipped
    spike = v_clp > vth << 6;  v' = spike ? 0 : v_clp

The wrap needs only u_dec + (a_in << 6) modulo 2^24: Lava's two corrections (-2^24 above 2^23,
+2^24 at or below -2^23) pick the representative of that residue in (-2^23, 2^23], which is
the 24-bit sign extension except for the residue 2^23 itself (kept positive by the top bit).

Handshake: the output register is the state (u, v, spike) itself.  A beat is accepted when
``s_in_tvalid && s_in_tready`` with ``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)``;
it loads u, v, spike, ORs this step's clip into the sticky ``status_sat`` and sets
``m_out_tvalid``.  Latency 1 cycle, throughput one timestep per cycle; while m_out is stalled
nothing changes.

The helpers ``sext``, ``zext``, ``ssig`` and the ``trunc_decay`` block (magnitude-shift decay by
a constant) are also used by ``neuron.alif`` and ``neuron.alpha``.
"""
from myhdl import ConcatSignal, Signal, always_comb, block, concat, modbv

from neurohdl.core import Vectors, const
from neurohdl.models.neuron import cuba_lif as model
from neurohdl.models.neuron._common import segments
from neurohdl.models.neuron.cuba_lif import (ACT_SHIFT, DECAY_SHIFT, IN_WIDTH, U_WIDTH, V_WIDTH,
                                             CubaLifParams)
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import (clip_to, core_ports, sconst, sext, ssig, stepped_core,
                                         stepped_type, trunc_decay)

PU_WIDTH = U_WIDTH + DECAY_SHIFT     # |u| <= 2^23, ku <= 4095: |pu| < 2^35
PV_WIDTH = V_WIDTH + DECAY_SHIFT     # |v| <= 2^23 - 1, kv <= 4096: |pv| < 2^35
SUM_WIDTH = V_WIDTH + 2              # |v_dec| + |u'| + |bias| < 2^24 + 2^20


def ports(p: CubaLifParams):
    return core_ports(IN_WIDTH, "synaptic input a_in of the timestep, int16 (Lava a_in)",
                      model.OUT_WIDTH, "[0] spike, [24:1] v after the step (signed), [49:25] u "
                                       "after the step (signed 25-bit)",
                      "sticky: v was clipped to +-(2^23-1)", signed_in=True)


STATE_WIDTH = U_WIDTH + V_WIDTH       # packed state {u, v}: m_out_tdata without the spike


def state_width(p: CubaLifParams) -> int:
    return STATE_WIDTH


@block
def cuba_lif_step(st, x, nst, fire, sat_o, p: CubaLifParams):
    """The combinational timestep (module doc): packed state ``st`` = {u, v} and the int16
    input ``x`` (a_in) -> packed next state ``nst``, ``fire`` and ``sat_o`` (v clipped in this
    step).  Shared by ``neuron.cuba_lif`` and ``neuron.engine``."""
    ku = const(p.ku, DECAY_SHIFT)                 # 0..4095
    kv = const(p.kv, DECAY_SHIFT + 1)             # 1..4096
    bias = sconst(p.bias, SUM_WIDTH)
    vth = const(p.vth_eff, V_WIDTH - 1)           # vth << 6 <= 2^23 - 64
    zlow = const(0, ACT_SHIFT)
    half = 24 - 1                                 # bit 23 of the 24-bit residue

    u = ssig(U_WIDTH)
    v = ssig(V_WIDTH)

    @always_comb
    def unpack():
        v.next = st[V_WIDTH:].signed()
        u.next = st[STATE_WIDTH:V_WIDTH].signed()

    u_dec = Signal(modbv(0)[24:])                 # u_dec modulo 2^24 (all the wrap needs)
    v_dec = ssig(V_WIDTH)
    dec_u = trunc_decay(u, ku, u_dec, DECAY_SHIFT, PU_WIDTH)
    dec_v = trunc_decay(v, kv, v_dec, DECAY_SHIFT, PV_WIDTH)

    # a_in << 6, sign-extended to 24 bits; u_dec modulo 2^24
    act24 = ConcatSignal(*([x(IN_WIDTH - 1)] * (24 - IN_WIDTH - ACT_SHIFT) + [x, zlow]))
    sum24 = Signal(modbv(0)[24:])
    u_top = Signal(bool(0))
    u_new = ConcatSignal(u_top, sum24)            # 25-bit two's complement of u'
    u_new_x = ConcatSignal(u_top, u_top, sum24)   # ... sign-extended to SUM_WIDTH

    v_dec_x = sext(v_dec, SUM_WIDTH)
    v_sum = ssig(SUM_WIDTH)
    v_clp = ssig(V_WIDTH)
    v_new = ssig(V_WIDTH)
    clip = Signal(bool(0))

    @always_comb
    def wrap():
        sum24.next = u_dec + act24
        u_top.next = sum24[half] and (sum24[half:] != 0)

    @always_comb
    def vsum():
        v_sum.next = v_dec_x.signed() + u_new_x.signed() + bias.signed()

    vclip = clip_to(v_sum, v_clp, clip, V_WIDTH, symmetric=True)

    @always_comb
    def thresh():
        fire.next = v_clp > vth
        if v_clp > vth:
            v_new.next = 0
        else:
            v_new.next = v_clp

    @always_comb
    def pack():
        nst.next = concat(u_new, v_new[V_WIDTH:])
        sat_o.next = clip

    return unpack, dec_u, dec_v, wrap, vsum, vclip, thresh, pack


def drive_level(p: CubaLifParams) -> int:
    """A constant a_in whose steady-state voltage (u_ss = 64 a 4096 / (du + 1),
    v_ss = (u_ss + bias) 4096 / dv) is about the threshold vth << 6 (clamped to 1..32767)."""
    gain = 64 * 4096 / (p.du + 1) * (4096 / p.dv if p.dv else 4096.0)
    return int(min(model.A_MAX, max(1, round((p.vth_eff - p.bias) / gain) + 1)))


def stimulus(p: CubaLifParams, rng, n: int) -> list[int]:
    """n timesteps of a_in: runs of +32767 and -32768 first (the current wraps, the voltage
    clips), then random segments: the extremes held, silence, uniform over int16, constant drive
    around the threshold's steady-state level, small noise, alternating extremes."""
    lo, hi = model.A_MIN, model.A_MAX
    drive = drive_level(p)
    return segments(rng, n, lo, hi, 30,
                    lambda r: max(lo, min(hi, drive * r.choice([1, 1, 2, 4]) // r.choice([1, 2]))),
                    2, max(1, drive // 4))


# neuron.engine runs the combinational timestep between two registers
NEURON_RTL = stepped_type(model.NEURON, cuba_lif_step, state_width)


def vectors(p: CubaLifParams, rng, n: int) -> Vectors:
    a = stimulus(p, rng, n)
    words, _sticky = model.run_tdata(p, a)
    return Vectors(inputs={"s_in": model.to_tdata(a)}, outputs={"m_out": [int(w) for w in words]})


CORE = declare("neuron.cuba_lif", CubaLifParams, stepped_core, ports, """
    Loihi/Lava bit-accurate current-based LIF neuron (24-bit u and v, 12-bit decays), one timestep
    per s_in beat
    u_decay: exact: u * (4095 - du) in 37 bits, then shift of the magnitude by 12 (round toward
        zero), as Lava
    u: wrap: Lava's wrap of u_dec + (a_in << 6) into -2^23 < u <= 2^23 (mod 2^24)
    v_decay: exact: v * (4096 - dv) in 36 bits, magnitude shift by 12
    v: saturate: v_dec + u + bias clipped to +-(2^23 - 1), status_sat
    threshold: exact: signed v > vth << 6 (<= 2^23 - 64)
    """, vectors=vectors)

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
from dataclasses import replace

from myhdl import ConcatSignal, Signal, always_comb, block, concat, intbv, modbv

from neurohdl import __version__
from neurohdl.core import OUT, CoreDecl, Port, Vectors, clk_rst, const, stream
from neurohdl.models.neuron import cuba_lif as model
from neurohdl.models.neuron.cuba_lif import (ACT_SHIFT, DECAY_SHIFT, IN_WIDTH, U_WIDTH, V_MAX,
                                             V_WIDTH, CubaLifParams)
from neurohdl.rtl.neuron._common import NeuronRtl, registered, stepped_neuron

PU_WIDTH = U_WIDTH + DECAY_SHIFT     # |u| <= 2^23, ku <= 4095: |pu| < 2^35
PV_WIDTH = V_WIDTH + DECAY_SHIFT     # |v| <= 2^23 - 1, kv <= 4096: |pv| < 2^35
SUM_WIDTH = V_WIDTH + 2              # |v_dec| + |u'| + |bias| < 2^24 + 2^20


def ports(p: CubaLifParams):
    ins = stream("s_in", IN_WIDTH, "synaptic input a_in of the timestep, int16 (Lava a_in)")
    ins[0] = replace(ins[0], signed=True)
    return (clk_rst() + ins
            + stream("m_out", model.OUT_WIDTH, "[0] spike, [24:1] v after the step (signed), "
                                               "[49:25] u after the step (signed 25-bit)")
            + [Port("status_sat", OUT, 1, "status", "sticky: v was clipped to +-(2^23-1)")])


def sext(sig, width: int):
    """``sig`` (a Signal of ``len(sig)`` bits) sign-extended to ``width`` bits, as an unsigned
    shadow signal (use ``.signed()`` on it in expressions)."""
    n = len(sig)
    if n == width:
        return sig
    top = sig(n - 1)
    return ConcatSignal(*([top] * (width - n) + [sig(n, 0)]))


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


STATE_WIDTH = U_WIDTH + V_WIDTH       # packed state {u, v}: m_out_tdata without the spike


def state_width(p: CubaLifParams) -> int:
    return STATE_WIDTH


def init_word(p: CubaLifParams) -> int:
    """The packed state after reset: u = v = 0 (Lava's default)."""
    return 0


@block
def cuba_lif_step(st, x, nst, fire, sat_o, p: CubaLifParams):
    """The combinational timestep (module doc): packed state ``st`` = {u, v} and the int16
    input ``x`` (a_in) -> packed next state ``nst``, ``fire`` and ``sat_o`` (v clipped in this
    step).  Shared by ``neuron.cuba_lif`` and ``neuron.engine``."""
    ku = const(p.ku, DECAY_SHIFT)                 # 0..4095
    kv = const(p.kv, DECAY_SHIFT + 1)             # 1..4096
    bias = sconst(p.bias, SUM_WIDTH)
    vmax = const(V_MAX, SUM_WIDTH - 1)            # compared against the 26-bit signed sum
    vmax_v = const(V_MAX, V_WIDTH)                # clip values, 24 bits
    vmin_v = sconst(-V_MAX, V_WIDTH)
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

    @always_comb
    def vclip():
        if v_sum > vmax:
            v_clp.next = vmax_v.signed()
            clip.next = 1
        elif v_sum < -vmax:
            v_clp.next = vmin_v.signed()
            clip.next = 1
        else:
            v_clp.next = v_sum[V_WIDTH:].signed()
            clip.next = 0

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


@block
def cuba_lif(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
             m_out_tready, status_sat, p: CubaLifParams):
    return stepped_neuron(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata,
                          m_out_tvalid, m_out_tready, status_sat, cuba_lif_step, STATE_WIDTH,
                          init_word(p), p)



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
    out = [hi] * min(n, 30) + [lo] * min(max(n - 30, 0), 30)
    while len(out) < n:
        kind = rng.choice(["max", "min", "zero", "uniform", "drive", "drive", "small", "alt"])
        m = rng.randint(1, 40)
        if kind == "max":
            seg = [hi] * m
        elif kind == "min":
            seg = [lo] * m
        elif kind == "zero":
            seg = [0] * m
        elif kind == "uniform":
            seg = [rng.randint(lo, hi) for _ in range(m)]
        elif kind == "drive":
            c = max(lo, min(hi, drive * rng.choice([1, 1, 2, 4]) // rng.choice([1, 2])))
            seg = [max(lo, min(hi, c + rng.randint(-2, 2))) for _ in range(m)]
        elif kind == "small":
            a = max(1, drive // 4)
            seg = [rng.randint(-a, a) for _ in range(m)]
        else:
            seg = [hi if j % 2 else lo for j in range(m)]
        out += seg
    return out[:n]


# neuron.engine runs the combinational timestep between two registers
NEURON_RTL = NeuronRtl(model.NEURON, registered(cuba_lif_step, model.NEURON), state_width)


def vectors(p: CubaLifParams, rng, n: int) -> Vectors:
    a = stimulus(p, rng, n)
    words, _sticky = model.run_tdata(p, a)
    return Vectors(inputs={"s_in": model.to_tdata(a)}, outputs={"m_out": [int(w) for w in words]})


CORE = CoreDecl(
    name="neuron.cuba_lif", version=__version__, params=CubaLifParams, top=cuba_lif, ports=ports,
    description="Loihi/Lava bit-accurate current-based LIF neuron (24-bit u and v, 12-bit "
                "decays), one timestep per s_in beat",
    arith={"u_decay": "exact: u * (4095 - du) in 37 bits, then shift of the magnitude by 12 "
                      "(round toward zero), as Lava",
           "u": "wrap: Lava's wrap of u_dec + (a_in << 6) into -2^23 < u <= 2^23 (mod 2^24)",
           "v_decay": "exact: v * (4096 - dv) in 36 bits, magnitude shift by 12",
           "v": "saturate: v_dec + u + bias clipped to +-(2^23 - 1), status_sat",
           "threshold": "exact: signed v > vth << 6 (<= 2^23 - 64)"},
    vectors=vectors,
)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.izhikevich``: the Izhikevich (2003) neuron in fixed point.

Datapath (combinational from the registers v, u and the input x = I; W = int_bits + frac_bits,
F = frac_bits, DT = dt_shift; all signed; widths computed from exact value bounds by
:func:`widths`, never smaller than the operands):

    vv  = v * v                    2W bits             (multiplier 1)
    t1p = K004 * vv[2W-1:F]        KW + 2W - F bits    (multiplier 2, constant operand)
    v5  = v * 5                    W + 4 bits          (constant: shift-add)
    dv  = t1p[..:F] + v5 + K140 - u + x                wd bits
    vn  = v + (dv >>> DT)          wv bits
    bvp = Kb * v                   KBW + W bits        (multiplier 3, constant operand)
    e   = bvp[..:F] - u            we bits
    dup = Ka * e                   KAW + we bits       (multiplier 4, constant operand)
    un  = u + (dup[..:F] >>> DT) (+ D when spiking)    wu bits
    spike = vn >= V_PEAK;  v' = spike ? C : sat_W(vn);  u' = sat_W(un)

The F fraction bits dropped by each truncation go to ``unused_frac`` (Verilator's unused-signal
idiom; synthesis removes it).  Multipliers are inferred (iCE40 SB_MAC16, ECP5 MULT18X18D,
Xilinx DSP48; the 2W x 2W-bit v*v of Q16.16 takes several).  One combinational step: Fmax is
set by two multipliers in series plus the adders.

Timing: ``v``/``u``/``spike`` are the output register (m_out_tdata = {u, v, spike}).
``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)``.  Latency 1 cycle, throughput one
timestep per cycle, tdata held while stalled, no combinational path to
``m_out_tvalid``/``m_out_tdata``.  ``status_sat`` is sticky until reset.
"""
import warnings

from myhdl import Signal, always_comb, block, concat, intbv

from neurohdl.core import Vectors
from neurohdl.models.neuron import izhikevich as model
from neurohdl.models.neuron.izhikevich import IzhikevichParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import core_ports, sconst, sext, ssig, stepped_core, stepped_type


# unused_frac is never read on purpose (Verilator's *unused* idiom); MyHDL's conversion warning
# about exactly that signal says nothing new.
warnings.filterwarnings("ignore", message=r".*Signal is driven but not read: \w*unused_frac$")


def ports(p: IzhikevichParams):
    W, q = p.width, f"Q{p.int_bits}.{p.frac_bits}"
    return core_ports(W, f"input current I of the timestep, {q} two's complement",
                      2 * W + 1, f"bit 0 = spike, bits [{W}:1] = v (mV), bits [{2 * W}:{W + 1}] "
                                 f"= u, after the step, {q}",
                      "sticky until reset: v' or u' was clipped in some step")


def swidth(lo: int, hi: int) -> int:
    """The narrowest two's-complement width holding lo..hi."""
    n = 1
    while lo < -(1 << (n - 1)) or hi >= (1 << (n - 1)):
        n += 1
    return n


def _cw(x: int) -> int:
    """Width of a signed constant (at least 2 bits)."""
    return max(2, swidth(x, x))


def _prod(a, b):
    c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(c), max(c)


def widths(p: IzhikevichParams) -> dict:
    """Exact value ranges of every node and the widths the RTL uses (see the module doc)."""
    W, F, DT = p.width, p.frac_bits, p.dt_shift
    q = (-(1 << (W - 1)), (1 << (W - 1)) - 1)
    w = {"kw": _cw(p.k004), "kaw": _cw(p.a), "kbw": _cw(p.b)}
    v2 = (0, q[0] * q[0] >> F)
    t1 = (0, p.k004 * v2[1] >> F)
    v5 = (5 * q[0], 5 * q[1])
    dv = (t1[0] + v5[0] + p.k140 - q[1] + q[0], t1[1] + v5[1] + p.k140 - q[0] + q[1])
    vn = (q[0] + (dv[0] >> DT), q[1] + (dv[1] >> DT))
    bvp = _prod((p.b, p.b), q)
    bv = (bvp[0] >> F, bvp[1] >> F)
    e = (bv[0] - q[1], bv[1] - q[0])
    dup = _prod((p.a, p.a), e)
    du = (dup[0] >> F, dup[1] >> F)
    un = (q[0] + (du[0] >> DT) + min(p.d, 0), q[1] + (du[1] >> DT) + max(p.d, 0))
    w["t1p"] = w["kw"] + 2 * W - F
    w["t1"] = w["t1p"] - F
    w["v5"] = W + 4
    w["dv"] = max(swidth(*dv), w["t1"], w["v5"], _cw(p.k140), W)
    w["vn"] = max(swidth(*vn), w["dv"], _cw(p.v_peak))
    w["bvp"] = w["kbw"] + W
    w["bv"] = w["bvp"] - F
    w["e"] = max(swidth(*e), w["bv"] + 1, W + 1)
    w["dup"] = w["kaw"] + w["e"]
    w["du"] = w["dup"] - F
    w["un"] = max(swidth(*un), w["du"], W, _cw(p.d))
    w["ranges"] = {"dv": dv, "vn": vn, "e": e, "un": un}
    return w


def state_width(p: IzhikevichParams) -> int:
    """Bits of the packed state {u, v} (m_out_tdata without the spike bit)."""
    return 2 * p.width


def init_word(p: IzhikevichParams) -> int:
    """The packed state after reset: v = v_init, u = u_init."""
    m = (1 << p.width) - 1
    return ((p.u_init & m) << p.width) | (p.v_init & m)


@block
def izhikevich_step(st, xin, nst, fire, sat_new, p: IzhikevichParams):
    """The combinational timestep (module doc): packed state ``st`` = {u, v} and the input
    ``xin`` (W bits) -> packed next state ``nst``, ``fire`` and ``sat_new`` (v' or u' clipped in
    this step).  Shared by ``neuron.izhikevich`` and ``neuron.engine``."""
    W, F, DT = p.width, p.frac_bits, p.dt_shift
    w = widths(p)
    WD, WV, WE, WU = w["dv"], w["vn"], w["e"], w["un"]
    v = ssig(W)
    u = ssig(W)
    x = ssig(W)
    vv = ssig(2 * W)
    t1p = ssig(w["t1p"])
    v5 = ssig(w["v5"])
    dv = ssig(WD)
    vn = ssig(WV)
    bvp = ssig(w["bvp"])
    e = ssig(WE)
    dup = ssig(w["dup"])
    un0 = ssig(WU)
    un1 = ssig(WU + 1)
    vnext = ssig(W)
    unext = ssig(W)
    unused_frac = Signal(intbv(0)[4 * F:])

    k004 = sconst(p.k004, w["kw"])
    ka = sconst(p.a, w["kaw"])
    kb = sconst(p.b, w["kbw"])
    c5 = sconst(5, 4)
    v2 = vv(2 * W, F)                       # v^2 >> F (bit 2W-1 is 0: v^2 >= 0)
    t1 = t1p(w["t1p"], F)                   # 0.04 v^2
    bv = bvp(w["bvp"], F)                   # b v
    du = dup(w["dup"], F)                   # a (b v - u)
    d_t1, d_v5, d_u, d_x = sext(t1, WD), sext(v5, WD), sext(u, WD), sext(x, WD)
    d_140 = sconst(p.k140, WD)
    n_v, n_dv = sext(v, WV), sext(dv, WV)
    e_bv, e_u = sext(bv, WE - 1), sext(u, WE - 1)
    u_u, u_du = sext(u, WU), sext(du, WU)
    u_un0 = sext(un0, WU + 1)
    u_d = sconst(p.d, WU + 1)
    c_peak = sconst(p.v_peak, WV)
    c_vmax, c_vmin = sconst((1 << (W - 1)) - 1, WV), sconst(-(1 << (W - 1)), WV)
    c_umax, c_umin = sconst((1 << (W - 1)) - 1, WU + 1), sconst(-(1 << (W - 1)), WU + 1)
    c_c = sconst(p.c, W)

    @always_comb
    def comb_in():
        x.next = xin.signed()
        v.next = st[W:].signed()
        u.next = st[2 * W:W].signed()

    @always_comb
    def comb_mul():
        vv.next = v * v
        t1p.next = k004.signed() * v2.signed()
        v5.next = v * c5.signed()
        bvp.next = kb.signed() * v
        dup.next = ka.signed() * e

    @always_comb
    def comb_v():
        dv.next = d_t1.signed() + d_v5.signed() + d_140.signed() - d_u.signed() + d_x.signed()
        vn.next = n_v.signed() + (n_dv.signed() >> DT)

    @always_comb
    def comb_u():
        e.next = e_bv.signed() - e_u.signed()
        un0.next = u_u.signed() + (u_du.signed() >> DT)
        un1.next = u_un0.signed() + u_d.signed()

    @always_comb
    def comb_unused():
        unused_frac.next = concat(vv[F:0], t1p[F:0], bvp[F:0], dup[F:0])

    @always_comb
    def comb_next():
        fire.next = vn >= c_peak.signed()
        sat_new.next = 0
        if vn >= c_peak.signed():
            vnext.next = c_c.signed()
            if un1 > c_umax.signed():
                unext.next = c_umax[W:].signed()
                sat_new.next = 1
            elif un1 < c_umin.signed():
                unext.next = c_umin[W:].signed()
                sat_new.next = 1
            else:
                unext.next = un1[W:].signed()
        else:
            if vn < c_vmin.signed():
                vnext.next = c_vmin[W:].signed()
                sat_new.next = 1
            elif vn > c_vmax.signed():
                vnext.next = c_vmax[W:].signed()
                sat_new.next = 1
            else:
                vnext.next = vn[W:].signed()
            if un0 > c_umax[WU:].signed():
                unext.next = c_umax[W:].signed()
                sat_new.next = 1
            elif un0 < c_umin[WU:].signed():
                unext.next = c_umin[W:].signed()
                sat_new.next = 1
            else:
                unext.next = un0[W:].signed()

    @always_comb
    def comb_pack():
        nst.next = concat(unext[W:0], vnext[W:0])

    return comb_in, comb_mul, comb_v, comb_u, comb_unused, comb_next, comb_pack


def stimulus(p: IzhikevichParams, rng, n: int) -> list[int]:
    """Raw inputs: runs of constant current (the model's -5 .. 25, fraction bits random, the
    presets' working range), I = 0 runs, single random values over the whole range, and
    saturation corners (the most negative / most positive input held for a run)."""
    F = p.frac_bits
    lo, hi = -(1 << (p.width - 1)), (1 << (p.width - 1)) - 1
    out: list[int] = []
    while len(out) < n:
        run = rng.randint(3, 40)
        r = rng.random()
        if r < 0.12:
            out += [rng.choice([lo, hi])] * rng.randint(2, 12)
        elif r < 0.2:
            out += [0] * run
        elif r < 0.27:
            out += [rng.randint(lo, hi) for _ in range(rng.randint(1, 4))]
        else:
            out += [rng.randint(-5 << F, 25 << F)] * run
    return out[:n]


# neuron.engine runs the combinational timestep between two registers
NEURON_RTL = stepped_type(model.NEURON, izhikevich_step, state_width)


def vectors(p: IzhikevichParams, rng, n: int) -> Vectors:
    xs = stimulus(p, rng, n)
    return Vectors(inputs={"s_in": [model.to_tdata(p, x) for x in xs]},
                   outputs={"m_out": model.run(p, xs)[0]})


CORE = declare("neuron.izhikevich", IzhikevichParams, stepped_core, ports, """
    Izhikevich 2003 neuron in fixed point (Q16.16 default), Euler step dt = 2^-dt_shift ms, presets
    RS/FS/CH/IB, saturating v and u
    v_square: exact: v*v in 2W bits, then floor >> F
    k004_mul: exact: round(0.04 2^F) * (v^2 >> F), then floor >> F
    b_mul: exact: Kb * v, then floor >> F
    a_mul: exact: Ka * (b v - u), then floor >> F
    dv_sum: exact: 0.04v^2 + 5v + 140 - u + I in a width from exact bounds
    euler: exact: v + (dv >> dt_shift), u + (du >> dt_shift) (+ d), floor
    v_state: saturate: v' clipped to W bits when not spiking, flagged in status_sat
    u_state: saturate: u' clipped to W bits, flagged in status_sat
    """, vectors=vectors)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.sc_lif``: the seed's Q8.8 LIF neuron behind AXI-Stream.

Datapath (combinational, from the registers ``v``/``ref`` and the s_in fields; W = width,
F = frac_bits, all signed):

    d     = v - v_rest                         W+1 bits
    p1    = leak_k * d                         2W+1 bits (exact)
    p2    = gain_k * I_t                       2W bits (exact)
    pre   = v_rest + (p1 >>> F) + (p2 >>> F) + noise_in      2W+2-F bits (exact)
    vsat  = clip(pre) to W bits,  sat = pre out of range
    spike = ref == 0 && vsat >= v_threshold

Two multipliers (inferred; iCE40 SB_MAC16 / ECP5 MULT18X18D at W <= 16).

Timing: ``v``, ``spike`` and the refractory counter load on an accepted beat; ``v``/``spike``
form the output register.  ``s_in_tready = !rst && (!m_out_tvalid || m_out_tready)``.  Latency
1 cycle, throughput one step per cycle, tdata held while stalled, no combinational path to
``m_out_tvalid``/``m_out_tdata``.  ``status_sat`` is a sticky register (cleared by reset).
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, concat, intbv

from neurohdl import __version__
from neurohdl.core import OUT, CoreDecl, Port, Vectors, clk_rst, const, stream
from neurohdl.models.neuron import sc_lif as model
from neurohdl.models.neuron.sc_lif import ScLifParams


def ports(p: ScLifParams):
    W = p.width
    return (clk_rst()
            + stream("s_in", 4 * W, f"one step's inputs, each {W}-bit two's complement Q: "
                                    f"leak_k [{W - 1}:0], gain_k [{2 * W - 1}:{W}], "
                                    f"I_t [{3 * W - 1}:{2 * W}], noise_in [{4 * W - 1}:{3 * W}]")
            + stream("m_out", W + 1, "{v, spike}: bit 0 = spike_out, bits [W:1] = v_out (the "
                                     "membrane after the step, two's complement)")
            + [Port("status_sat", OUT, 1, "status", "sticky until reset: the membrane "
                                                     "saturated in some step")])


def _s(width: int, val: int = 0):
    return Signal(intbv(val, min=-(1 << (width - 1)), max=1 << (width - 1)))


def sext(sig, hi: int, lo: int, width: int):
    """Bits [hi-1:lo] of ``sig`` sign-extended to ``width`` bits (an unsigned shadow signal;
    use ``.signed()`` in expressions).  Verilator -Wall wants equal operand widths in adds."""
    part = sig(hi, lo) if (hi, lo) != (len(sig), 0) else sig
    if hi - lo == width:
        return part
    return ConcatSignal(*([sig(hi - 1)] * (width - (hi - lo))), part)


@block
def sc_lif(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
           m_out_tready, status_sat, p: ScLifParams):
    W, F = p.width, p.frac_bits
    SW = p.sum_width
    RW = p.ref_width
    m = (1 << W) - 1
    v = _s(W, p.v_rest)                      # membrane (output register)
    spk = Signal(bool(0))
    vld = Signal(bool(0))
    sat = Signal(bool(0))
    rcnt = Signal(intbv(0)[RW:])
    take = Signal(bool(0))
    leak_k, gain_k, i_t, noise = _s(W), _s(W), _s(W), _s(W)
    d = _s(W + 1)
    p1 = _s(2 * W + 1)
    p2 = _s(2 * W)
    pre = _s(SW)
    vsat = _s(W)
    sat_new = Signal(bool(0))
    fire = Signal(bool(0))
    c_rest = const(p.v_rest & m, W)
    c_reset = const(p.v_reset & m, W)
    c_thr = const(p.v_threshold & m, W)
    c_max = const((1 << (W - 1)) - 1, SW)
    c_min = const((1 << SW) - (1 << (W - 1)), SW)     # -2^(W-1) in SW bits
    c_ref = const(p.refractory, RW)
    c_one = const(1, RW)
    c_zero = const(0, RW)

    @always_comb
    def comb_fields():
        leak_k.next = s_in_tdata[W:0].signed()
        gain_k.next = s_in_tdata[2 * W:W].signed()
        i_t.next = s_in_tdata[3 * W:2 * W].signed()
        noise.next = s_in_tdata[4 * W:3 * W].signed()

    @always_comb
    def comb_mul():
        d.next = v - c_rest.signed()
        p1.next = leak_k * d
        p2.next = gain_k * i_t

    # every add operand SW bits (Verilator -Wall); the products are shifted whole (>>> F) so no
    # product bit is left unused
    t_rest = const(p.v_rest & ((1 << SW) - 1), SW)
    t_leak = sext(p1, 2 * W + 1, 0, SW)
    t_drive = sext(p2, 2 * W, 0, SW)
    t_noise = sext(noise, W, 0, SW)

    @always_comb
    def comb_sum():
        pre.next = (t_rest.signed() + (t_leak.signed() >> F) + (t_drive.signed() >> F)
                    + t_noise.signed())

    @always_comb
    def comb_sat():
        if pre > c_max.signed():
            vsat.next = c_max[W:].signed()
            sat_new.next = 1
        elif pre < c_min.signed():
            vsat.next = c_min[W:].signed()
            sat_new.next = 1
        else:
            vsat.next = pre[W:].signed()
            sat_new.next = 0

    @always_comb
    def comb_fire():
        fire.next = vsat >= c_thr.signed()

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            vld.next = 1
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
        elif m_out_tready:
            vld.next = 0

    @always_comb
    def comb():
        s_in_tready.next = not rst and (not vld or m_out_tready)
        take.next = s_in_tvalid and not rst and (not vld or m_out_tready)
        m_out_tdata.next = concat(v[W:0], spk)
        m_out_tvalid.next = vld
        status_sat.next = sat

    return comb_fields, comb_mul, comb_sum, comb_sat, comb_fire, seq, comb


def _field(p: ScLifParams, rng, kind: str) -> int:
    """One random field value: mostly the useful range, corners often."""
    W, F = p.width, p.frac_bits
    lo, hi = -(1 << (W - 1)), (1 << (W - 1)) - 1
    one = min(1 << F, hi)
    r = rng.random()
    if r < 0.08:
        return rng.choice([lo, hi, 0, -1, 1])
    if r < 0.15:
        return rng.randint(lo, hi)
    if kind == "leak":                      # 0 .. 1.0: a leak factor
        return rng.randint(0, one)
    if kind == "gain":
        return rng.randint(0, one)
    if kind == "i":
        return rng.randint(-(one * 2), min(hi, one * 8))
    return rng.randint(-(one // 8) - 1, one // 8 + 1)    # noise: small


def stimulus(p: ScLifParams, rng, n: int) -> list[int]:
    """Packed s_in beats: leak/gain held for runs, random drive and noise, and saturation
    corners (max |I| with max gain, extreme leak) held for many steps."""
    W = p.width
    lo, hi = -(1 << (W - 1)), (1 << (W - 1)) - 1
    out: list[int] = []
    while len(out) < n:
        run = rng.randint(4, 30)
        r = rng.random()
        if r < 0.12:                                     # drive to +/- saturation
            sgn = rng.choice([hi, lo])
            out += [model.pack_in(p, rng.choice([hi, lo, 1 << min(p.frac_bits, W - 2)]), hi, sgn,
                                  rng.choice([0, hi, lo])) for _ in range(run)]
            continue
        lk, gk = _field(p, rng, "leak"), _field(p, rng, "gain")
        out += [model.pack_in(p, lk, gk, _field(p, rng, "i"), _field(p, rng, "noise"))
                for _ in range(run)]
    return out[:n]


def vectors(p: ScLifParams, rng, n: int) -> Vectors:
    beats = stimulus(p, rng, n)
    return Vectors(inputs={"s_in": beats}, outputs={"m_out": model.run(p, beats)[0]})


CORE = CoreDecl(
    name="neuron.sc_lif", version=__version__, params=ScLifParams, top=sc_lif, ports=ports,
    description="The seed's Q8.8 LIF neuron (per-step leak_k, gain_k, I_t, noise_in), "
                "saturating membrane, threshold compare, reset and refractory count",
    arith={"leak_mul": "exact: leak_k * (v - v_rest) in 2W+1 bits, then floor >> frac_bits",
           "gain_mul": "exact: gain_k * I_t in 2W bits, then floor >> frac_bits",
           "sum": "exact: v_rest + leak + drive + noise_in in 2W+2 bits",
           "membrane": "saturate: clipped to W bits, flagged in status_sat",
           "refractory": "exact: counter of bits_for(refractory) bits, loads refractory, "
                         "counts down to 0"},
    vectors=vectors,
)

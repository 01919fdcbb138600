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
from myhdl import ConcatSignal, Signal, always_comb, block

from neurohdl.core import Vectors, const
from neurohdl.models.neuron import sc_lif as model
from neurohdl.models.neuron.sc_lif import ScLifParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.neuron._common import core_ports, MEMBRANE_SAT, refractory_membrane, sext, ssig


def ports(p: ScLifParams):
    W = p.width
    return core_ports(4 * W, f"one step's inputs, each {W}-bit two's complement Q: "
                             f"leak_k [{W - 1}:0], gain_k [{2 * W - 1}:{W}], "
                             f"I_t [{3 * W - 1}:{2 * W}], noise_in [{4 * W - 1}:{3 * W}]",
                      W + 1, "{v, spike}: bit 0 = spike_out, bits [W:1] = v_out (the membrane "
                             "after the step, two's complement)", MEMBRANE_SAT)


@block
def sc_lif(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
           m_out_tready, status_sat, p: ScLifParams):
    W, F = p.width, p.frac_bits
    SW = p.sum_width
    m = (1 << W) - 1
    v = ssig(W, p.v_rest)                    # membrane (output register)
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    take = Signal(bool(0))
    leak_k, gain_k, i_t, noise = ssig(W), ssig(W), ssig(W), ssig(W)
    d = ssig(W + 1)
    p1 = ssig(2 * W + 1)
    p2 = ssig(2 * W)
    pre = ssig(SW)
    vsat = ssig(W)
    fire = Signal(bool(0))
    c_rest = const(p.v_rest & m, W)
    c_thr = const(p.v_threshold & m, W)
    stage = out_stage(clk, rst, take, ConcatSignal(v(W, 0), spk), s_in_tvalid, s_in_tready,
                      m_out_tdata, m_out_tvalid, m_out_tready, reset=rst)
    mem = refractory_membrane(clk, rst, take, pre, vsat, fire, v, spk, sat, p.v_reset,
                              p.refractory, p.ref_width)

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
    t_leak = sext(p1, SW)
    t_drive = sext(p2, SW)
    t_noise = sext(noise, SW)

    @always_comb
    def comb_sum():
        pre.next = (t_rest.signed() + (t_leak.signed() >> F) + (t_drive.signed() >> F)
                    + t_noise.signed())

    @always_comb
    def comb_fire():
        fire.next = vsat >= c_thr.signed()

    @always_comb
    def comb():
        status_sat.next = sat

    return stage, mem, comb_fields, comb_mul, comb_sum, comb_fire, comb


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


CORE = declare("neuron.sc_lif", ScLifParams, sc_lif, ports, """
    The seed's Q8.8 LIF neuron (per-step leak_k, gain_k, I_t, noise_in), saturating membrane,
    threshold compare, reset and refractory count
    leak_mul: exact: leak_k * (v - v_rest) in 2W+1 bits, then floor >> frac_bits
    gain_mul: exact: gain_k * I_t in 2W bits, then floor >> frac_bits
    sum: exact: v_rest + leak + drive + noise_in in 2W+2 bits
    membrane: saturate: clipped to W bits, flagged in status_sat
    refractory: exact: counter of bits_for(refractory) bits, loads refractory, counts down to 0
    """, vectors=vectors)

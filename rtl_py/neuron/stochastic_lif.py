# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.stochastic_lif``: shift-leak LIF with LFSR noise.

Structure: the ``sc.lfsr`` block (rtl_py/sc/lfsr.py, Params ``p.lfsr()``) is an internal
AXI-Stream ``rnd``; each accepted s_in beat is one transfer on it, so the LFSR advances exactly
once per timestep.  Datapath (combinational, W = width, A = W + 3, all signed):

    n     = {~rnd[b-1], rnd[b-2:0]}             = (rnd & (2^b-1)) - 2^(b-1), b bits, no adder
    d     = v - v_rest                          W+1 bits
    pre   = v - (d >>> leak_shift) + I (+ n)    A bits, exact (operands sign-extended to A)
    vsat  = clip(pre) to W bits,  sat = pre out of range
    fire  = vsat >= v_threshold (+ n)           W+1 bits on the threshold-noise path
    spike = ref == 0 && fire

No multipliers.  Timing: ``v``/``spike`` are the output register; ``m_out_tdata`` =
{rnd, v, spike} where rnd is the live LFSR register, which advances only with an accepted beat
and so always holds the state after the beat on display.  ``s_in_tready = rnd_tvalid &&
(!m_out_tvalid || m_out_tready)`` (rnd_tvalid = !rst).  Latency 1 cycle, throughput one timestep
per cycle, tdata held while stalled, no combinational path to ``m_out_tvalid``/``m_out_tdata``.
"""
from myhdl import ConcatSignal, Signal, always_comb, block, intbv

from neurohdl.core import Vectors, const
from neurohdl.models.neuron import stochastic_lif as model
from neurohdl.models.neuron.stochastic_lif import StochasticLifParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.common.stage import out_stage
from neurohdl.rtl.neuron._common import core_ports, MEMBRANE_SAT, refractory_membrane, sext, ssig
from neurohdl.rtl.sc.lfsr import lfsr as lfsr_block


def ports(p: StochasticLifParams):
    W, L = p.width, p.lfsr_width
    return core_ports(W, "synaptic input I of the timestep (two's complement)",
                      1 + W + L, f"bit 0 = spike, bits [{W}:1] = membrane after the step (two's "
                                 f"complement), bits [{W + L}:{W + 1}] = LFSR state after the step",
                      MEMBRANE_SAT)


@block
def stochastic_lif(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
                   m_out_tready, status_sat, p: StochasticLifParams):
    W, K, B = p.width, p.leak_shift, p.noise_bits
    A = W + 3
    m = (1 << W) - 1
    rnd = Signal(intbv(p.lfsr_seed)[p.lfsr_width:])
    rnd_tvalid = Signal(bool(0))
    take = Signal(bool(0))
    src = lfsr_block(clk, rst, rnd, rnd_tvalid, take, p=p.lfsr())

    v = ssig(W, p.v_rest)                   # membrane (output register)
    spk = Signal(bool(0))
    sat = Signal(bool(0))
    x = ssig(W)
    d = ssig(W + 1)
    pre = ssig(A)
    vsat = ssig(W)
    fire = Signal(bool(0))
    c_rest = const(p.v_rest & m, W)
    stage = out_stage(clk, rst, take, ConcatSignal(rnd, v(W, 0), spk), s_in_tvalid, s_in_tready,
                      m_out_tdata, m_out_tvalid, m_out_tready, enable=rnd_tvalid)
    mem = refractory_membrane(clk, rst, take, pre, vsat, fire, v, spk, sat, p.v_reset,
                              p.refractory, p.ref_width)
    t_v = sext(v, A)
    t_d = sext(d, A)
    t_x = sext(x, A)
    gens = [src, stage, mem]

    @always_comb
    def comb_in():
        x.next = s_in_tdata.signed()
        d.next = v - c_rest.signed()

    gens.append(comb_in)
    mem_noise = B > 0 and p.noise_on == "membrane"
    thr_noise = B > 0 and p.noise_on == "threshold"
    if B > 0:
        nsig = Signal(intbv(0)[B:])
        c_flip = const(1 << (B - 1), B)

        @always_comb
        def comb_noise():
            nsig.next = rnd[B:0] ^ c_flip

        gens.append(comb_noise)

    if mem_noise:
        t_n = sext(nsig, A)

        @always_comb
        def comb_pre():
            pre.next = t_v.signed() - (t_d.signed() >> K) + t_x.signed() + t_n.signed()
    else:
        @always_comb
        def comb_pre():
            pre.next = t_v.signed() - (t_d.signed() >> K) + t_x.signed()
    gens.append(comb_pre)

    if thr_noise:
        theta = ssig(W + 1)
        c_thr1 = const(p.v_threshold & ((1 << (W + 1)) - 1), W + 1)
        t_nt = sext(nsig, W + 1)
        t_vs = sext(vsat, W + 1)

        @always_comb
        def comb_theta():
            theta.next = c_thr1.signed() + t_nt.signed()

        @always_comb
        def comb_fire():
            fire.next = t_vs.signed() >= theta

        gens += [comb_theta, comb_fire]
    else:
        c_thr = const(p.v_threshold & m, W)

        @always_comb
        def comb_fire():
            fire.next = vsat >= c_thr.signed()

        gens.append(comb_fire)

    @always_comb
    def comb():
        status_sat.next = sat

    return gens, comb


def stimulus(p: StochasticLifParams, rng, n: int) -> list[int]:
    """Inputs (signed ints): runs of constant drive around the threshold's equilibrium
    (I ~ (v_threshold - v_rest) 2^-leak_shift, where noise decides the spikes), random drive,
    and saturation corners (max positive / negative input held for many steps)."""
    lo, hi = -(1 << (p.width - 1)), (1 << (p.width - 1)) - 1
    eq = (p.v_threshold - p.v_rest) >> p.leak_shift
    out: list[int] = []
    while len(out) < n:
        run = rng.randint(4, 30)
        r = rng.random()
        if r < 0.15:
            out += [rng.choice([hi, lo])] * run
        elif r < 0.55:
            c = eq + rng.randint(-8, 8)
            out += [min(max(c + rng.randint(-2, 2), lo), hi) for _ in range(run)]
        else:
            out += [rng.randint(lo, hi) if rng.random() < 0.1 else
                    min(max(rng.randint(-abs(eq) - 16, abs(eq) * 2 + 16), lo), hi)
                    for _ in range(run)]
    return out[:n]


def vectors(p: StochasticLifParams, rng, n: int) -> Vectors:
    xs = stimulus(p, rng, n)
    return Vectors(inputs={"s_in": [model.to_tdata(p, x) for x in xs]},
                   outputs={"m_out": model.run(p, xs)[0]})


CORE = declare("neuron.stochastic_lif", StochasticLifParams, stochastic_lif, ports, """
    Stochastic LIF neuron, shift leak, LFSR noise on the membrane or the threshold (LFSR advances
    once per timestep), saturating membrane, refractory
    noise: exact: (lfsr & (2^b-1)) - 2^(b-1) as the b-bit field with its top bit inverted
    leak: exact: (v - v_rest) in W+1 bits, arithmetic shift (floor)
    sum: exact: v - leak + I + n in W+3 bits
    membrane: saturate: clipped to W bits, flagged in status_sat
    threshold: exact: v_threshold + n in W+1 bits
    refractory: exact: counter of bits_for(refractory) bits
    lfsr: wrap: GF(2) shift/XOR, no carries
    """, vectors=vectors)

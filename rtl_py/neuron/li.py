# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.li``: one leaky integrator (no spike), one timestep per beat.

Datapath (combinational from the state register ``v`` and ``s_in_tdata``; vw = width,
sw = max(vw, in_width) + 1, all signed):

    v_l   vw bits   v - (v >>> k)                        (cannot overflow)
    u     sw bits   v_l + s_in_tdata                     (exact)
    pos, neg        u[sw-1:vw-1] not all equal (u outside the vw-bit range), by u's sign
    v'              neg ? vmin : pos ? vmax : u[vw-1:0]

As in ``neuron.lif`` the membrane register is split into ``v_lo`` (bits vw-2..0, cleared
synchronously on a negative saturation) and ``v_hi``.  ``m_out_tdata = {v, 1'b0}``: the
neuron layout with the spike bit constant 0.

State: ``v`` = {v_hi, v_lo} (the membrane, also the output register), the sticky ``sat`` and
the output valid bit; an accepted beat writes v' and sat <- sat | pos | neg.

Timing: latency 1 cycle (the output register), throughput one timestep per cycle.
``s_in_tready = !m_out_tvalid || m_out_tready``: a stalled output holds tdata and the state.
``m_out_tvalid`` and ``status_sat`` come from registers only.
"""
from myhdl import (ConcatSignal, Signal, always, always_comb, always_seq, block, concat,
                   intbv)

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, const
from neurohdl.models.neuron import li as model
from neurohdl.models.neuron._common import stimulus, to_bits
from neurohdl.models.neuron.li import LiParams
from neurohdl.rtl.neuron._common import NeuronRtl, integrate_update, neuron_ports, sext


def ports(p: LiParams):
    return neuron_ports(p, out_doc="{v, 0}: bit 0 always 0 (no spike), bits [width:1] the "
                                   "membrane after the update (signed)")


def _signed(width: int):
    return Signal(intbv(0, min=-(1 << (width - 1)), max=1 << (width - 1)))


@block
def li(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid, m_out_tready,
       status_sat, p: LiParams):
    vw, sw, k = p.width, p.sum_width, p.leak_shift
    lw = vw - 1
    tn = sw - vw + 1
    top_zero = const(0, tn)
    top_ones = const((1 << tn) - 1, tn)
    lo_zero = const(0, lw)
    lo_ones = const((1 << lw) - 1, lw)
    nospike = const(0, 1)

    v_hi = Signal(bool(0))
    v_lo = Signal(intbv(0)[lw:])
    v_bits = ConcatSignal(v_hi, v_lo)
    v = _signed(vw)
    v_l = _signed(vw)
    u = _signed(sw)
    pos = Signal(bool(0))
    neg = Signal(bool(0))
    hi_n = Signal(bool(0))
    lo_n = Signal(intbv(0)[lw:])
    sat = Signal(bool(0))
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    @always_comb
    def comb_v():
        v.next = v_bits.signed()

    @always_comb
    def comb_leak():
        v_l.next = v - (v >> k)

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

    @always_comb
    def comb_next():
        if pos:
            hi_n.next = 0
            lo_n.next = lo_ones
        elif neg:
            hi_n.next = 1
            lo_n.next = u[lw:]
        else:
            hi_n.next = u[lw]
            lo_n.next = u[lw:]

    @always(clk.posedge)
    def seq_lo():
        if rst or (take and neg):
            v_lo.next = lo_zero
        elif take:
            v_lo.next = lo_n

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            q_valid.next = 1
            v_hi.next = hi_n
            if pos or neg:
                sat.next = 1
        elif m_out_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_in_tready.next = not q_valid or m_out_tready
        take.next = s_in_tvalid and (not q_valid or m_out_tready)
        m_out_tvalid.next = q_valid
        m_out_tdata.next = concat(v_hi, v_lo, nospike)
        status_sat.next = sat

    return comb_v, comb_leak, comb_sum, comb_sat, comb_next, seq_lo, seq, comb


@block
def li_update(clk, en, st, x, nst, fire, sat_o, p: LiParams):
    """``neuron.engine``'s per-timestep block: state word v, two
    register stages (:class:`NeuronRtl`); the results of this core, pipelined for the sweep."""
    return integrate_update(clk, en, st, x, nst, fire, sat_o, p.width, p.leak_shift, None)


NEURON_RTL = NeuronRtl(model.NEURON, li_update, state_width=lambda p: p.width)


def vectors(p: LiParams, rng, n: int) -> Vectors:
    """n timesteps of the test stimulus (saturation corners, silence, noise, steady drive)."""
    xs = stimulus(p, rng, n)
    tdata, _ = model.run_tdata(p, xs)
    return Vectors(inputs={"s_in": [int(to_bits(x, p.in_width)) for x in xs]},
                   outputs={"m_out": [int(t) for t in tdata]})


CORE = CoreDecl(
    name="neuron.li", version=__version__, params=LiParams, top=li, ports=ports,
    description="Leaky integrator readout neuron (v = v - (v >> k) + I saturating, no spike, "
                "output {v, 0})",
    arith={"leak": "exact: v - (v >>> k), |v_l| <= |v|",
           "integrate": "saturate: v_l + i exact in max(vw, in_width) + 1 bits, clipped to vw "
                        "bits; status_sat sticky"},
    vectors=vectors,
)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.li``: one leaky integrator (no spike), one timestep per beat.

Datapath (combinational from the state register ``v`` and ``s_in_tdata``; vw = width,
sw = max(vw, in_width) + 1, all signed):

    v_l   vw bits   shift:    v - (v >>> k)              (neither can overflow)
                    multiply: (v * beta)[vw+Fb-1:Fb]     (the product is vw + Fb bits)
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
from neurohdl.models.neuron import li as model
from neurohdl.models.neuron.li import LiParams
from neurohdl.rtl.neuron._common import neuron_ports
from neurohdl.rtl.neuron._integrate import Integrator, integrating_core, integrating_rtl


def ports(p: LiParams):
    return neuron_ports(p, out_doc="{v, 0}: bit 0 always 0 (no spike), bits [width:1] the "
                                   "membrane after the update (signed)")


NEURON_RTL = integrating_rtl(model)


def integrator(p: LiParams) -> Integrator:
    return Integrator(leak=p.leak, leak_shift=p.leak_shift, beta=p.beta, beta_frac=p.beta_frac,
                      bias=p.bias)


CORE = integrating_core(model, integrator, ports, "neuron.li", """
    Leaky integrator readout neuron (v = leak(v) + I saturating, leak v - (v >> k) or
    (v * beta) >> Fb, no spike, output {v, 0})
    leak: exact: shift v - (v >>> k) or multiply (v * beta) >>> Fb (floor); |v_l| <= |v|
    product: exact: v * beta in vw + Fb signed bits (beta < 2^Fb)
    integrate: saturate: v_l + i exact in max(vw, in_width) + 1 bits, clipped to vw bits;
        status_sat sticky
    """)

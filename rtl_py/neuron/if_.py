# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.if_``: one integrate-and-fire neuron, one timestep per beat.

(``if`` is a Python, Verilog and VHDL keyword, hence the trailing underscore in the core, file
and module names.)

Datapath (combinational from the state register ``v`` and ``s_in_tdata``; vw = width,
sw = max(vw, in_width) + 1, all signed):

    u     sw bits   v + s_in_tdata                       (exact)
    pos, neg        u[sw-1:vw-1] not all equal (u outside the vw-bit range), by u's sign
    ge              u[vw-1:tz] >= threshold >> tz        (tz = trailing zero bits of the
                                                          threshold; u[vw-1:tz] > 0 for a
                                                          power of two)
    spike           pos || (!neg && ge)                  (= clip(u) >= threshold)
    v'              neg ? vmin : spike ? (0 | clip(u) - threshold) : u[vw-1:0]

As in ``neuron.lif`` the membrane register is split into ``v_lo`` (bits vw-2..0, cleared
synchronously on a negative saturation and, with reset = "zero", on a spike) and ``v_hi``.

State: ``v`` = {v_hi, v_lo} (the membrane, also the output register's v field), ``spk``, the
sticky ``sat`` and the output valid bit; an accepted beat writes v', spk <- spike,
sat <- sat | pos | neg.

Timing: latency 1 cycle (the output register), throughput one timestep per cycle.
``s_in_tready = !m_out_tvalid || m_out_tready``: a stalled output holds tdata and the state.
``m_out_tvalid`` and ``status_sat`` come from registers only.
"""
from neurohdl.models.neuron import if_ as model
from neurohdl.models.neuron.if_ import IfParams
from neurohdl.rtl.neuron._common import neuron_ports
from neurohdl.rtl.neuron._integrate import Integrator, integrating_core, integrating_rtl


ports = neuron_ports


def integrator(p: IfParams) -> Integrator:
    return Integrator(threshold=p.threshold, reset=p.reset)


NEURON_RTL = integrating_rtl(model)

# module: 'if_' is no VHDL identifier (trailing '_', and 'if' is reserved)
CORE = integrating_core(model, integrator, ports, "neuron.if_", """
    Integrate-and-fire neuron (v += I saturating, spike at v >= threshold, reset to zero or by
    subtraction)
    integrate: saturate: v + i exact in max(vw, in_width) + 1 bits, clipped to vw bits; status_sat
        sticky
    compare: exact: u[vw-1:tz] >= threshold >> tz, threshold = (threshold >> tz) 2^tz
    reset: exact: v_i - threshold >= 0 when v_i >= threshold > 0
    """, module="if_neuron")

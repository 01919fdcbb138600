# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.lif``: one leaky integrate-and-fire neuron, one timestep per beat.

The core is :mod:`neurohdl.rtl.neuron._integrate`'s single-cycle integrating neuron with every
option of its :class:`Integrator` (module doc there: datapath, the split membrane register,
state, timing): the shift, subtractive or multiplicative leak, the threshold compare, the
reset to zero, by subtraction or to v_reset, and the refractory counter (bits_for(R) bits, only
when R > 0; a beat during the R steps after a spike writes spk <- 0, r <- r - 1 and holds v and
sat).  ``neuron.engine`` runs every option (its RAM word holds r above v when R > 0).
"""
from neurohdl.models.neuron import lif as model
from neurohdl.models.neuron.lif import LifParams
from neurohdl.rtl.neuron._common import neuron_ports
from neurohdl.rtl.neuron._integrate import Integrator, integrating_core, integrating_rtl


ports = neuron_ports


def integrator(p: LifParams) -> Integrator:
    return Integrator(p.leak, p.leak_shift, p.leak_amount, p.beta, p.beta_frac, p.threshold,
                      p.reset, p.v_reset, p.refractory, p.bias)


NEURON_RTL = integrating_rtl(model)


CORE = integrating_core(model, integrator, ports, "neuron.lif", """
    Leaky integrate-and-fire neuron (shift, subtractive or multiplicative leak; zero, subtract or
    v_reset reset; refractory counter), saturating
    leak: exact: shift v - (v >>> k), subtract toward 0 without crossing, or multiply (v * beta)
        >>> Fb (floor); |v_l| <= |v| so none can overflow
    product: exact: v * beta in vw + Fb signed bits (beta < 2^Fb)
    integrate: saturate: v_l + i exact in max(vw, in_width) + 1 bits, clipped to vw bits;
        status_sat sticky
    compare: exact: u[vw-1:tz] >= threshold >> tz, threshold = (threshold >> tz) 2^tz
    reset: exact: v_i - threshold >= 0 when v_i >= threshold > 0
    refractory: exact: counter R down to 0, bits_for(R) bits
    """)

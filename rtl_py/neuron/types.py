# SPDX-License-Identifier: Apache-2.0
"""The RTL half of the neuron types ``neuron.engine`` can run: name -> :class:`NeuronRtl`
(``neurohdl.models.neuron.types`` is the model half; a type is registered in both).
"""
from neurohdl.models.neuron import types as model_types
from neurohdl.rtl.neuron import alif, alpha, cuba_lif, if_, izhikevich, li, lif
from neurohdl.rtl.neuron._common import NeuronRtl

TYPES: dict[str, NeuronRtl] = {t.name: t for t in (
    if_.NEURON_RTL, lif.NEURON_RTL, li.NEURON_RTL, cuba_lif.NEURON_RTL, alif.NEURON_RTL,
    alpha.NEURON_RTL, izhikevich.NEURON_RTL)}
assert TYPES.keys() == model_types.TYPES.keys(), "register a neuron type in both tables"

__all__ = ["TYPES", "NeuronRtl"]

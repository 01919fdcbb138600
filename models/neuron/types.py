# SPDX-License-Identifier: Apache-2.0
"""The neuron types a time-multiplexed engine can run: name -> :class:`NeuronType` record.

Each single-neuron model module defines its record as ``NEURON``; registering a type is one
line here (and one in ``neurohdl.rtl.neuron.types`` for its RTL half).
"""
from __future__ import annotations

from neurohdl.errors import ParamError

from . import alif, alpha, cuba_lif, if_, izhikevich, li, lif
from ._common import NeuronType

TYPES: dict[str, NeuronType] = {t.name: t for t in (
    if_.NEURON, lif.NEURON, li.NEURON, cuba_lif.NEURON, alif.NEURON, alpha.NEURON,
    izhikevich.NEURON)}
NAMES = tuple(TYPES)


def get(name: str, owner: str = "neuron") -> NeuronType:
    """The record of ``name``; ParamError naming ``owner`` and the registered types."""
    try:
        return TYPES[name]
    except (KeyError, TypeError):
        raise ParamError(f"{owner} = {name!r}: allowed one of "
                         + ", ".join(repr(n) for n in NAMES)) from None


__all__ = ["TYPES", "NAMES", "NeuronType", "get"]

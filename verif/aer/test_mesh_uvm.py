# SPDX-License-Identifier: Apache-2.0
"""pytest side of the pyuvm environment of aer.mesh (verif/aer/uvm_mesh.py).

One 3x3 mesh a run (2-bit x/y fields, so coordinates outside the mesh exist; an 8-bit neuron
field carrying the source tile and its event count; depth-2 or depth-4 buffers by the seed;
payload and counter bits drawn from the seed), Icarus.  The module runs ``MeshRandomTest`` (the model's cycle check and
traffic scoreboard, required coverage bins) and the three must-fails (``MeshMisrouteTest``:
a misrouting model; ``MeshDropTest``: a lost event; ``MeshStallTest``: the stall watchdog).
A longer run (twelve more random phases, another seed) runs in ``make regress``
(``NEUROHDL_ROTATE=off``) or when ``NEUROHDL_UVM_PHASES=<n>`` asks for n more phases.
"""
from __future__ import annotations

import os

import pytest

from neurohdl.verif.common.runner import check_core, params_for

CORE = "aer.mesh"
MODULE = "neurohdl.verif.aer.uvm_mesh"
MESH_3X3 = {"rows": 3, "cols": 3, "event.x_bits": 2, "event.y_bits": 2, "event.neuron_bits": 8}


def mesh_3x3(seed: int):
    """The run's 3x3 mesh: buffer depth 2 or 4 by the seed (every buffer full is a required
    bin, closed by the environment's fill phases at either depth)."""
    return params_for(CORE, seed, depth=2 << (seed & 1), **MESH_3X3)


def test_mesh_uvm(seed, tmp_path):
    check_core(CORE, seed, tmp_path, p=mesh_3x3(seed), test_module=MODULE)


def test_mesh_uvm_long(seed, tmp_path):
    """More traffic: twelve more random phases (one timestep each) on another seed."""
    phases = os.environ.get("NEUROHDL_UVM_PHASES", "")
    if not phases and os.environ.get("NEUROHDL_ROTATE", "").strip().lower() != "off":
        pytest.skip("long mesh UVM run: make regress (NEUROHDL_ROTATE=off) or "
                    "NEUROHDL_UVM_PHASES=<n>")
    env = {"NEUROHDL_UVM_PHASES": phases or "12"}
    check_core(CORE, seed + 1, tmp_path, p=mesh_3x3(seed + 1),
               test_module=MODULE, extra_env=env)

# SPDX-License-Identifier: Apache-2.0
"""pytest side of the pyuvm environment of net.snn_soc (verif/net/uvm_snn_soc.py).

Two configurations per run: one SoC driven through the UART pins with small sizes (bit-level
serial simulation is slow in Icarus, so its traffic is kept modest; the direct tests in
test_snn_soc.py cover breadth) and one through the Wishbone host port (random sizes, a longer
program).  Each runs ``SocRandomTest`` (scoreboard + required coverage bins) and the must-fail
``SocCorruptSpikeTest`` (the scoreboard's must-fail: one spike word corrupted, caught).
"""
from __future__ import annotations

import pytest

from neurohdl.verif.common.runner import check_core, params_for

CORE = "net.snn_soc"
MODULE = "neurohdl.verif.net.uvm_snn_soc"
#: the UART configuration: small FIFOs and a small array (the other fields stay random)
UART_SMALL = {"host": "uart", "n_axons": 3, "n_neurons": 4, "in_depth": 2, "out_depth": 4}


def _params(host: str, seed: int):
    return params_for(CORE, seed, **(UART_SMALL if host == "uart" else {"host": "wishbone"}))


@pytest.mark.parametrize("k, host", [(0, "uart"), (1, "wishbone")])
def test_snn_soc_uvm(k, host, seed, tmp_path):
    check_core(CORE, seed + k, tmp_path, p=_params(host, seed + k), test_module=MODULE)


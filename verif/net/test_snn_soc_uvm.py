# SPDX-License-Identifier: Apache-2.0
"""pytest side of the pyuvm environment of net.snn_soc (verif/net/uvm_snn_soc.py).

Two configurations: one SoC driven through the UART pins with small sizes (bit-level serial
simulation is slow in Icarus, so its traffic is kept modest; the direct tests in
test_snn_soc.py cover breadth) and one through the Wishbone host port (random sizes, a longer
program); make test runs one of them, alternating with NEUROHDL_SEED.  Each runs ``SocRandomTest`` (scoreboard + required coverage bins) and the must-fail
``SocCorruptSpikeTest`` (the scoreboard's must-fail: one spike word corrupted, caught).
"""
from __future__ import annotations

import os

from neurohdl.verif.common.runner import check_core, params_for, rotating

CORE = "net.snn_soc"
MODULE = "neurohdl.verif.net.uvm_snn_soc"
#: the UART configuration: small FIFOs and a small array (the other fields stay random)
UART_SMALL = {"host": "uart", "n_axons": 3, "n_neurons": 4, "in_depth": 2, "out_depth": 4}


def _params(host: str, seed: int):
    return params_for(CORE, seed, **(UART_SMALL if host == "uart" else {"host": "wishbone"}))


def test_snn_soc_uvm(seed, tmp_path):
    """One pyuvm run a make test: through the UART pins on even NEUROHDL_SEEDs (bit-level
    serial, ~30 s), the Wishbone port on odd ones (test_snn_soc.py drives a UART SoC in every
    run); both without NEUROHDL_SEED (a run by hand) and in make regress."""
    hosts = ("uart", "wishbone")
    if rotating():
        hosts = (hosts[int(os.environ["NEUROHDL_SEED"]) % 2],)
    for k, host in enumerate(hosts):
        check_core(CORE, seed + k, tmp_path / host, p=_params(host, seed + k),
                   test_module=MODULE)


# SPDX-License-Identifier: Apache-2.0
"""Root pytest configuration: one logged, replayable seed per test.

``NEUROHDL_SEED`` (set and printed by ``make test``; default 1) is the run's base seed.  Each test
derives its own seed from it and its node id, so ``NEUROHDL_SEED=<base> pytest <id>`` replays it,
and ``neurohdl sim <core> --seed <seed>`` replays a core's configuration directly.  Collection
never draws random numbers (xdist needs identical collection on every worker).
"""
import os
import zlib

import pytest


def base_seed() -> int:
    return int(os.environ.get("NEUROHDL_SEED", "1"))


def pytest_report_header(config):
    from neurohdl.verif.common.runner import ROTATED_CHECKS, rotation

    lines = [f"NEUROHDL_SEED={base_seed()}  (replay: NEUROHDL_SEED={base_seed()} pytest <test id>)"]
    for check in ROTATED_CHECKS:     # make test's rotation of the costly per-core checks
        if check == "mutate":        # drawn among the cores docs/verification.md has measured
            lines.append("  mutate: see tests/test_mutate.py::test_every_survivor_is_documented")
            continue
        chosen = rotation(check)
        lines.append(f"  {check}: " + ("every core" if chosen is None else ", ".join(chosen) or "none"))
    return lines


@pytest.fixture
def seed(request) -> int:
    s = zlib.crc32(f"{base_seed()}:{request.node.nodeid}".encode()) & 0x7FFFFFFF
    print(f"\n[seed] {request.node.nodeid}: seed={s} (NEUROHDL_SEED={base_seed()})")
    return s


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


#: Files whose tests are the longest (tens of seconds each: whole-SoC simulations, FPGA flows,
#: fresh-venv and determinism checks).  They are collected first so that pytest-xdist hands them
#: out at the start of a run, not as the last test of one worker while the other idles.
SLOW_FIRST = ("verif/net/test_snn_soc.py", "verif/net/test_snn_soc_uvm.py",
              "tests/test_examples.py", "tests/test_fpga.py", "tests/test_determinism.py",
              "tests/test_wheel.py", "verif/aer/test_mesh_uvm.py", "verif/sc/test_sng_bank.py",
              "verif/bus/test_uart_bridge.py", "tests/test_tutorial_host.py",
              "tests/test_myhdl_speed.py")


def pytest_collection_modifyitems(items):
    """The slow files and the Verilator runs first, every other test in its collection order
    (a stable sort: the same order on every xdist worker)."""
    items.sort(key=lambda item: not (item.nodeid.split("::")[0] in SLOW_FIRST
                                     or "verilator" in item.name))

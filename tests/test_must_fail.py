# SPDX-License-Identifier: Apache-2.0
"""Every core's scoreboard can fail, and a failing cocotb test fails pytest.

A core's cocotb module is run on its converted Verilog with ``NEUROHDL_FAULT=model``, which
corrupts one expected value inside ``verif.common.scoreboard.expected()``: the results file must
report failures, and ``check_core`` (what every core's pytest test calls) must raise.  In make
test for the cores of this run's rotation (``verif.common.runner.rotation("must_fail")``;
``NEUROHDL_MUST_FAIL=all`` or ``make regress``: every core).
"""
import pytest
from cocotb_tools.check_results import get_results

from neurohdl.registry import cores
from neurohdl.verif.common.runner import check_core, skip_unless_rotated


@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_injected_model_fault_is_caught(name, seed, tmp_path):
    skip_unless_rotated("must_fail", name)
    decl = next(e for e in cores() if e.name == name).decl
    p = decl.small() if decl.small else decl.params()
    # one simulation: check_core raises, and the results file it leaves counts the failures
    with pytest.raises(AssertionError, match="cocotb tests failed"):
        check_core(name, seed, tmp_path, p=p, extra_env={"NEUROHDL_FAULT": "model"})
    (xml,) = tmp_path.glob("results_*.xml")
    n, failed = get_results(xml)
    assert n > 0 and failed > 0, f"{name}: corrupted model not caught ({tmp_path})"

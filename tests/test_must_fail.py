"""Every core's scoreboard can fail, and a failing cocotb test fails pytest.

Each core's cocotb module is run on its converted Verilog with ``NEUROHDL_FAULT=model``, which
corrupts one expected value inside ``verif.common.scoreboard.expected()``: the results file must
report failures, and ``check_core`` (what every core's pytest test calls) must raise.
"""
import pytest

from neurohdl.registry import cores
from neurohdl.verif.common.runner import check_core


@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_injected_model_fault_is_caught(name, seed, tmp_path):
    decl = next(e for e in cores() if e.name == name).decl
    p = decl.small() if decl.small else decl.params()
    r = check_core(name, seed, tmp_path / "a", p=p, extra_env={"NEUROHDL_FAULT": "model"},
                   expect_ok=False)
    assert r.tests > 0 and r.failed > 0, f"{name}: corrupted model not caught ({r.results_xml})"
    with pytest.raises(AssertionError, match="cocotb tests failed"):
        check_core(name, seed, tmp_path / "b", p=p, extra_env={"NEUROHDL_FAULT": "model"})

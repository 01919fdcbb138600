# SPDX-License-Identifier: Apache-2.0
"""Every cocotb test of every core can fail, and a failing cocotb test fails pytest.

A core's cocotb module is run on its converted Verilog with ``NEUROHDL_FAULT=model``, which
corrupts one expected value inside ``verif.common.scoreboard.expected()``: ``check_core`` (what
every core's pytest test calls) must raise, and EVERY test case in the results file must have
failed -- a test that still passes checks no model value.  Exempt: tests declared
``expect_fail`` (they are must-fails themselves, against a mutated model), skips the module
declares (``EXPECTED_SKIPS``), and tests the module lists in ``MODEL_FREE_TESTS = {name: why}``
(a test that legitimately checks no model value, e.g. a protocol or reset property; a
parametrized test by its base name).  In make test for the cores of this run's rotation
(``verif.common.runner.rotation("must_fail")``; ``NEUROHDL_MUST_FAIL=all`` or ``make regress``:
every core).
"""
import importlib

import pytest

from neurohdl.models.sc.lfsr import LfsrParams
from neurohdl.registry import cores, get
from neurohdl.simrun import SKIP_DECLARATION, registered_tests
from neurohdl.verif.common.runner import check_core, skip_unless_rotated

MODEL_FREE = "MODEL_FREE_TESTS"
PROBE = "neurohdl.verif.common.must_fail_probe"


def uncaught(module: str, cases: dict[str, str]) -> list[str]:
    """Test cases of ``module`` that did not fail under the corrupted model and are not exempt."""
    mod = importlib.import_module(module)
    exempt = set(getattr(mod, MODEL_FREE, {})) | set(getattr(mod, SKIP_DECLARATION, {}))
    exempt |= {t.name for t in registered_tests(module) if t.expect_fail}
    return [n for n, st in cases.items()
            if st != "failed" and n not in exempt and n.split("/")[0] not in exempt]


def caught(name: str, p, seed: int, tmp_path, module: str | None = None) -> list[str]:
    """One simulation of ``name``'s cocotb module under the corrupted model: the run must fail
    (what check_core asserts for every core's pytest test); returns :func:`uncaught`."""
    r = check_core(name, seed, tmp_path, p=p, test_module=module,
                   extra_env={"NEUROHDL_FAULT": "model"}, expect_ok=False)
    assert not r.ok and r.failed > 0, f"{name}: corrupted model not caught: {r.summary()}"
    assert r.missing == 0, f"{name}: {r.summary()}"     # a lost test is not a caught one
    return uncaught(module or get(name).test_module, r.cases)


@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_injected_model_fault_is_caught(name, seed, tmp_path):
    skip_unless_rotated("must_fail", name)
    decl = get(name).decl
    p = decl.small() if decl.small else decl.params()
    missed = caught(name, p, seed, tmp_path)
    assert missed == [], (f"{name}: {len(missed)} cocotb tests pass with a corrupted model (no "
                          f"scoreboard?): {', '.join(missed)}; declare a legitimate one in "
                          f"{get(name).test_module}.{MODEL_FREE}")


def test_a_test_without_scoreboard_is_named(seed, tmp_path):
    """Must-fail of the rule: a module whose second test has its scoreboard removed fails the
    run as a whole (the first test) and the rule names exactly the second."""
    assert caught("sc.lfsr", LfsrParams(), seed, tmp_path, PROBE) == ["scoreboard_removed"]

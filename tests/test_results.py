# SPDX-License-Identifier: Apache-2.0
"""A cocotb run's verdict counts what the results file says and what it leaves out
(neurohdl.simrun): a skipped test fails unless its module declares it (``EXPECTED_SKIPS``), and a
results file with fewer tests than the module registers fails with a one-line message.  Probe
modules: verif/common/results_probe*.py on sc.lfsr (one Icarus build and run each)."""
import pytest

from neurohdl.models.sc.lfsr import LfsrParams
from neurohdl.simrun import SimResult, read_results, selected_tests
from neurohdl.verif.common.runner import check_core

PROBE = "neurohdl.verif.common.results_probe"


def test_declared_skip_passes(tmp_path, seed):
    r = check_core("sc.lfsr", seed, tmp_path, p=LfsrParams(), test_module=PROBE)
    assert r.cases == {"clock_runs": "passed", "declared_skip": "skipped"}, r.cases
    assert (r.tests, r.failed, r.skipped, r.expected) == (2, 0, 1, 2) and r.ok, r.summary()


def test_undeclared_skip_and_short_results_fail(tmp_path, seed):
    """check_core fails on one line; the result says why: the undeclared skip counts as a
    failure, and the test registered on the pytest side but absent from the file is missing."""
    with pytest.raises(AssertionError) as e:
        check_core("sc.lfsr", seed, tmp_path, p=LfsrParams(), test_module=PROBE + "_bad")
    (xml,) = tmp_path.glob("results_*.xml")
    msg = str(e.value).splitlines()[0]
    assert "undeclared, counted as failed: undeclared_skip" in msg, msg
    assert f"only 2 of 3 registered tests in {xml}" in msg, msg
    cases = read_results(xml)
    assert cases == {"clock_runs": "passed", "undeclared_skip": "skipped"}, cases
    assert "vanishing" in selected_tests(PROBE + "_bad")


def test_verdict_arithmetic(tmp_path):
    """Each rule alone: a short file fails without any failure, an undeclared skip without any
    missing test; ``--testcase`` selections set the expected count."""
    xml = tmp_path / "r.xml"
    xml.write_text('<testsuites><testsuite name="t" tests="4">'
                   '<testcase name="a"/><testcase name="b"><failure message="x"/></testcase>'
                   '<testcase name="c"><skipped/></testcase><testcase name="d"><error/></testcase>'
                   '</testsuite></testsuites>')
    assert read_results(xml) == {"a": "passed", "b": "failed", "c": "skipped", "d": "failed"}
    assert not SimResult(2, 0, xml, None, tmp_path, expected=3).ok
    assert SimResult(3, 0, xml, None, tmp_path, expected=3).ok
    assert not SimResult(3, 1, xml, None, tmp_path, expected=3, skipped=1,
                         undeclared_skips=("c",)).ok
    assert selected_tests(PROBE, ["clock_runs"]) == ["clock_runs"]
    assert selected_tests(PROBE, ["no_such"]) == []

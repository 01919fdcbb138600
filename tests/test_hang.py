# SPDX-License-Identifier: Apache-2.0
"""A hang becomes a named failure: a cocotb test stuck in a Python loop (verif/common/hang_probe.py)
is killed at simrun's wall-clock limit and reported as a SimTimeout naming the core, the seed and
the limit, within seconds of the limit, with no simulator process left behind.  (pytest-timeout,
``timeout`` in pyproject.toml, is the outer limit of every test.)"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neurohdl.errors import ToolError
from neurohdl.simrun import SIM_TIMEOUT, SimTimeout, run_cocotb, sim_timeout
from neurohdl.verif.common.tools import need_tool

HANG = "neurohdl.verif.common.hang_probe"
LIMIT = 3.0


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that contain ``text`` (the build folder of one run)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(d / "cwd")
        except OSError:
            continue
        if text in cmd or cwd.startswith(text):
            found.append(f"{d.name}: {cmd.strip()}")
    return found


@pytest.mark.parametrize("sim", ["icarus", "ghdl"])
def test_hanging_cocotb_test_is_a_named_timeout(sim, seed, tmp_path, monkeypatch):
    need_tool({"icarus": "iverilog", "ghdl": "ghdl"}[sim])
    monkeypatch.setenv("NEUROHDL_SIM_TIMEOUT", str(LIMIT))    # the env var sets the limit
    from neurohdl.models.sc.lfsr import LfsrParams
    t0 = time.monotonic()
    with pytest.raises(SimTimeout) as e:
        run_cocotb("sc.lfsr", LfsrParams(), seed, tmp_path, sim=sim, test_module=HANG)
    took = time.monotonic() - t0
    msg = str(e.value)
    assert isinstance(e.value, ToolError)
    assert "sc.lfsr" in msg and f"seed {seed}" in msg and f"{LIMIT:g} s" in msg, msg
    assert f"{sim} test" in msg and "NEUROHDL_SIM_TIMEOUT" in msg, msg
    assert took < LIMIT + 30, f"took {took:.1f} s"      # generation + build + the limit
    assert processes_mentioning(str(tmp_path)) == []     # the simulator was killed


def test_leftover_check_sees_a_live_process(tmp_path):
    """Must-fail of the leftover check above: a process running in the folder is found."""
    proc = subprocess.Popen(["sleep", "30"], cwd=tmp_path)
    try:
        assert processes_mentioning(str(tmp_path)) != []
    finally:
        proc.kill()
        proc.wait()


def test_a_test_within_the_limit_passes(seed, tmp_path):
    """The same call with a sound test module and the same low limit passes: the limit is per
    phase and kills only what overruns it."""
    need_tool("iverilog")
    from neurohdl.models.sc.lfsr import LfsrParams
    r = run_cocotb("sc.lfsr", LfsrParams(), seed, tmp_path, timeout=60,
                   testcase=["reset_restarts_sequence"])
    assert r.ok and r.tests == 1


def test_limit_setting(monkeypatch):
    monkeypatch.delenv("NEUROHDL_SIM_TIMEOUT", raising=False)
    assert sim_timeout() == SIM_TIMEOUT
    assert sim_timeout(5) == 5.0
    monkeypatch.setenv("NEUROHDL_SIM_TIMEOUT", "7.5")
    assert sim_timeout() == 7.5 and sim_timeout(2) == 2.0       # the argument wins
    for bad in ("soon", "0", "-3"):
        monkeypatch.setenv("NEUROHDL_SIM_TIMEOUT", bad)
        with pytest.raises(ToolError, match="NEUROHDL_SIM_TIMEOUT|timeout"):
            sim_timeout()


def test_pytest_timeout_is_the_outer_limit(pytestconfig):
    """pytest-timeout is active with pyproject's limit, above a simulation's two phases, so a
    hung simulation is reported by simrun (core, seed) before pytest-timeout fires."""
    assert pytestconfig.pluginmanager.hasplugin("timeout")
    assert float(pytestconfig.getini("timeout")) > SIM_TIMEOUT


def test_pytest_timeout_names_a_hung_test(tmp_path):
    """Must-fail: a test that sleeps past the limit fails, named, within seconds."""
    (tmp_path / "test_sleepy.py").write_text("import time\n\ndef test_sleeps():\n    time.sleep(60)\n")
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-o", "timeout=2", "test_sleepy.py"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Timeout (>2.0s" in out and "test_sleeps" in out, out[-2000:]
    assert time.monotonic() - t0 < 30

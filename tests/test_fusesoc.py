# SPDX-License-Identifier: Apache-2.0
"""FuseSoC: every core's sim (model replay bench) and lint targets; the bench's must-fail.
Downstream projects (a user's own FuseSoC cores using neurohdl's) are the examples/ folders,
run by tests/test_examples.py."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neurohdl import __version__
from neurohdl.registry import cores, get
from neurohdl.verif.common.runner import skip_unless_rotated
from neurohdl.verif.common.tools import need_tool

ROOT = Path(__file__).resolve().parent.parent


def fusesoc_env():
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(ROOT / "tools" / "bin"), os.path.dirname(sys.executable),
                                   env.get("PATH", "")])
    need_tool("fusesoc", path=env["PATH"])
    need_tool("iverilog")
    env.pop("NEUROHDL_FAULT", None)
    return env


def fusesoc(args, cwd, env, roots=(ROOT,)):
    cmd = [shutil.which("fusesoc", path=env["PATH"])]
    for r in roots:
        cmd += ["--cores-root", str(r)]
    return subprocess.run(cmd + args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.mark.parametrize("name", [e.name for e in cores()])
@pytest.mark.parametrize("target", ["sim", "lint"])
def test_core_target(name, target, tmp_path):
    """A core's ``sim`` (generator, model vectors, replay bench) and ``lint`` targets, for the
    cores of this run's rotation (``NEUROHDL_FUSESOC=all``: all; Verilator lint of every core's
    HDL runs every time in tests/test_lint.py)."""
    skip_unless_rotated("fusesoc", name)
    env = fusesoc_env()
    vlnv = cores and next(e for e in cores() if e.name == name).decl.vlnv()
    r = fusesoc(["run", "--build-root", str(tmp_path / "b"), f"--target={target}", vlnv],
                tmp_path, env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    if target == "sim":
        assert "PASS" in r.stdout and "all model transactions matched" in r.stdout


def test_sim_bench_must_fail(tmp_path):
    """The replay bench stops with a non-zero status when one expected beat is wrong."""
    env = fusesoc_env()
    env["NEUROHDL_FAULT"] = "model"
    r = fusesoc(["run", "--build-root", str(tmp_path / "b"), "--target=sim",
                 f"neurohdl:sc:lfsr:{__version__}"], tmp_path, env)
    assert r.returncode != 0
    assert "FAIL m_rnd beat" in r.stdout


@pytest.mark.parametrize("name", ["bus.uart_bridge", "net.snn_soc"])
def test_own_bench_gets_the_fault_from_neurohdl_bench(name, monkeypatch):
    """A core's own replay bench (CoreDecl.bench) reads no environment: neurohdl.bench passes
    NEUROHDL_FAULT=model as ``fault=``, which changes exactly one expected byte (no simulation)."""
    from neurohdl.bench import render_bench
    decl = get(name).decl
    p = decl.small() if decl.small else decl.params()
    monkeypatch.delenv("NEUROHDL_FAULT", raising=False)
    good = render_bench(decl, p, "dut", 4, 7).splitlines()
    monkeypatch.setenv("NEUROHDL_FAULT", "model")
    bad = render_bench(decl, p, "dut", 4, 7).splitlines()
    diff = [(g, b) for g, b in zip(good, bad) if g != b]
    assert len(good) == len(bad) and len(diff) == 1 and "exp[" in diff[0][0], diff

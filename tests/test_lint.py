# SPDX-License-Identifier: Apache-2.0
"""Verilator --lint-only -Wall on every generated module (default + random configurations).

Waivers live in a per-core ``cores/<family>/<core>.vlt`` file, one reasoned rule each; there is
no blanket -Wno-*.  A must-fail test shows the lint gate catches a width bug."""
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import neurohdl
from neurohdl.registry import cores

ROOT = Path(__file__).resolve().parent.parent


def _verilator():
    env = dict(os.environ)
    env["PATH"] = str(ROOT / "tools" / "bin") + os.pathsep + env.get("PATH", "")
    exe = shutil.which("verilator", path=env["PATH"])
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("verilator wrapper missing in CI")
        pytest.skip("verilator not available")
    return exe, env


def lint(files, top, vlt=None):
    exe, env = _verilator()
    cmd = [exe, "--lint-only", "-Wall", "--top-module", top] + ([str(vlt)] if vlt else []) + \
        [str(f) for f in files]
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_lint_clean(name, seed, tmp_path):
    e = neurohdl.registry.get(name)
    cls = e.decl.params
    # systems (net.*): their parts are linted with random configurations on their own; the
    # system with its default and one random configuration (a conversion costs ~10 s)
    configs = [cls()] + [cls.random(random.Random(seed + k))
                         for k in range(1 if e.decl.system else 3)]
    vlt = e.core_file.with_suffix(".vlt") if e.core_file else None
    for i, p in enumerate(configs):
        g = neurohdl.generate(e.decl, p, tmp_path / str(i))
        r = lint(g.files, g.top, vlt if vlt and vlt.exists() else None)
        assert r.returncode == 0, f"{name} {p}:\n{r.stderr[-3000:]}"


def test_lint_catches_width_bug(tmp_path):
    v = tmp_path / "bad.v"
    v.write_text("module bad(input wire [7:0] a, output wire [3:0] y);\n"
                 "assign y = a;\nendmodule\n")
    r = lint([v], "bad")
    assert r.returncode != 0 and "WIDTH" in r.stderr

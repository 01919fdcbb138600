# SPDX-License-Identifier: Apache-2.0
"""The downstream FuseSoC projects in examples/, run exactly as their READMEs tell a user.

Each example folder is copied to a fresh folder (it is "the user's project"), and the ``sh``
blocks of its README.md run there in bash, with ``/path/to/neurohdl`` standing for this
repository: activate neurohdl's venv, put its tool wrappers on PATH, add neurohdl and the project
folder itself as FuseSoC libraries, ``fusesoc run``. The test then checks that the lines the README
shows as output (its language-less code blocks) were printed, and that every ``build/...`` path it
names exists (``<hash>``, ``<target>`` as wildcards). The benches are the users' own, with values
derived by hand from the cores' documented contracts.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from neurohdl.verif.common.tools import missing, need_tool

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PLACEHOLDER = "/path/to/neurohdl"


def blocks(text: str, lang: str) -> list[str]:
    """The fenced code blocks of a Markdown text with info string ``lang`` ('' = none), in order."""
    return [m.group(2) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S)
            if m.group(1) == lang]


def build_paths(text: str) -> list[str]:
    """Every ``build/...`` path a README names, as a glob (``<...>`` placeholders -> ``*``)."""
    paths = {re.sub(r"<[^>]+>", "*", p.rstrip("./")) for p in re.findall(r"build/[\w./<>-]+", text)}
    return sorted(paths)


def missing_paths(folder: Path, text: str, keep) -> list[str]:
    """The README's build paths selected by ``keep`` that match nothing under ``folder``."""
    return [p for p in build_paths(text) if keep(p) and not list(folder.glob(p))]


def run_readme(example: str, tmp_path: Path, commands: list[str]) -> subprocess.CompletedProcess:
    """Copy the example to ``tmp_path/<example>`` and run ``commands`` there as the user would."""
    if not (ROOT / ".venv" / "bin" / "activate").exists():
        missing("neurohdl's .venv")
    need_tool("iverilog")
    proj = tmp_path / example
    shutil.copytree(EXAMPLES / example, proj)
    script = "set -e\n" + "\n".join(commands).replace(PLACEHOLDER, str(ROOT))
    env = {k: v for k, v in os.environ.items() if k not in ("NEUROHDL_FAULT", "FUSESOC_CONFIG")}
    return subprocess.run(["bash", "-c", script], cwd=proj, env=env, capture_output=True,
                          text=True, timeout=900)


def check_sim_example(example: str, tmp_path: Path) -> None:
    readme = (EXAMPLES / example / "README.md").read_text()
    r = run_readme(example, tmp_path, [blocks(readme, "sh")[0]])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    for line in "".join(blocks(readme, "")).splitlines():
        assert line in r.stdout, f"README's output line {line!r} not printed:\n{r.stdout[-3000:]}"
    assert missing_paths(tmp_path / example, readme, lambda p: "/ice40/" not in p) == []


def test_lfsr_depend(tmp_path):
    check_sim_example("lfsr_depend", tmp_path)


def test_lfsr_params(tmp_path):
    check_sim_example("lfsr_params", tmp_path)


def test_snn_soc_wishbone_sim(tmp_path):
    check_sim_example("snn_soc_wishbone", tmp_path)


@pytest.mark.fpga
def test_snn_soc_wishbone_ice40(tmp_path):
    """The README's set-up lines, then its ice40 block; the bitstream and report it names exist."""
    readme = (EXAMPLES / "snn_soc_wishbone" / "README.md").read_text()
    sh = blocks(readme, "sh")
    setup = [c for c in sh[0].splitlines() if not c.startswith("fusesoc run")]
    r = run_readme("snn_soc_wishbone", tmp_path, setup + [sh[1]])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "PASS at 12.00 MHz" in (tmp_path / "snn_soc_wishbone" / "build" /
                                   "acme_demo_snn_user_1.0.0" / "ice40" / "next.log").read_text()
    assert missing_paths(tmp_path / "snn_soc_wishbone", readme, lambda p: "/ice40/" in p) == []


def test_example_bench_must_fail(tmp_path):
    """A user's bench expecting one wrong LFSR beat stops the README's run with a non-zero status."""
    readme = (EXAMPLES / "lfsr_depend" / "README.md").read_text()
    doctor = "sed -i \"s/want\\[2\\] = 16'h7138/want[2] = 16'h7139/\" tb.v"
    r = run_readme("lfsr_depend", tmp_path, [doctor, blocks(readme, "sh")[0]])
    assert r.returncode != 0
    assert "MISMATCH beat 2: 7138" in r.stdout


def test_readme_path_check_must_fail(tmp_path):
    """A README naming a build file that the run did not produce is reported."""
    (tmp_path / "build" / "p" / "sim" / "generator_cache" / "core-1a2b").mkdir(parents=True)
    (tmp_path / "build" / "p" / "sim" / "generator_cache" / "core-1a2b" / "x.v").write_text("")
    text = ("`build/p/sim/generator_cache/core-<hash>/x.v` and "
            "`build/p/sim/generator_cache/core-<hash>/y.v`.")
    assert missing_paths(tmp_path, text, lambda p: True) == ["build/p/sim/generator_cache/core-*/y.v"]

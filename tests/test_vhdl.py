# SPDX-License-Identifier: Apache-2.0
"""VHDL is a product too: ``neurohdl gen --hdl vhdl`` output of every core is analysed and
elaborated by GHDL (default and one random configuration from the test's seed, every run), and
each core's cocotb suite runs on GHDL against the model (rotated: ``NEUROHDL_GHDL``, see
``verif.common.runner.ROTATED_CHECKS``).

The GHDL options live in one place, ``neurohdl.simrun.GHDL_FLAGS`` (VHDL-2008: MyHDL reads
``out`` ports).  Known faults of some cores' VHDL are listed in ``KNOWN_FAULTS`` with the text
GHDL prints for them: such a failure is an expected failure (xfail, with its cause), any other
failure fails, and a fixed core simply passes.
"""
import re
import subprocess
from pathlib import Path

import pytest

import neurohdl
from neurohdl.errors import ToolError
from neurohdl.registry import cores, get
from neurohdl.simrun import GHDL_FLAGS
from neurohdl.verif.common.runner import check_core, params_for, rotation
from neurohdl.verif.common.tools import need_tool

ROOT = Path(__file__).resolve().parent.parent
# MyHDL's notes on signals a design drives but never reads are design choices, not VHDL faults
pytestmark = pytest.mark.filterwarnings("ignore:Signal is driven but not read")

# ---------------------------------------------------------------- known faults ------------
#: core -> [(what GHDL prints, why)].
KNOWN_FAULTS: dict[str, list[tuple[str, str]]] = {
}


def fail_or_xfail(core: str, text: str, what: str) -> None:
    """A failed check of ``core``: xfail when ``text`` shows one of its known faults, else fail."""
    for pattern, cause in KNOWN_FAULTS.get(core, []):
        if re.search(pattern, text):
            pytest.xfail(f"{core}: known VHDL fault: {cause}")
    pytest.fail(f"{core}: {what}\n{text}", pytrace=False)


@pytest.fixture
def ghdl():
    return need_tool("ghdl")


# ------------------------------------------------------- analysis and elaboration ---------
def ghdl_check(files, top: str, workdir: Path) -> str | None:
    """Analyse ``files`` in order (MyHDL's package first) and elaborate ``top`` with GHDL;
    None when both pass, else GHDL's message."""
    workdir.mkdir(parents=True, exist_ok=True)
    steps = [["ghdl", "-a", *GHDL_FLAGS, f"--workdir={workdir}", str(f)] for f in files]
    steps.append(["ghdl", "-e", *GHDL_FLAGS, f"--workdir={workdir}", top.lower()])
    for cmd in steps:
        r = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            return f"$ {' '.join(cmd)}\n{(r.stdout + r.stderr).strip()}"
    return None


@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_vhdl_analyses_and_elaborates(name, seed, tmp_path, ghdl):
    """Every core's default configuration every run; a random one for the cores of this run's
    GHDL rotation (their cocotb suite on GHDL runs below)."""
    decl = get(name).decl
    configs = [("default", decl.params())]
    chosen = rotation("ghdl")
    if chosen is None or name in chosen:
        configs.append(("random", params_for(name, seed)))
    for label, p in configs:
        g = neurohdl.generate(decl, p, tmp_path / label / "hdl", hdl="vhdl")
        assert any(Path(f).name.startswith("pck_myhdl_") for f in g.files), g.files
        err = ghdl_check(g.files, g.top, tmp_path / label / "work")
        if err:
            fail_or_xfail(name, err, f"GHDL rejects the VHDL of the {label} configuration {p} "
                                     f"(seed {seed})")


def test_ghdl_check_must_fail(tmp_path, ghdl):
    """A doctored VHDL file (an undeclared signal) fails analysis with GHDL's message naming the
    file and line; an entity that does not exist fails elaboration."""
    g = neurohdl.generate("sc.lfsr", None, tmp_path / "hdl", hdl="vhdl")
    assert ghdl_check(g.files, g.top, tmp_path / "ok") is None
    vhd = Path(g.files[-1])
    text = vhd.read_text()
    assert "m_rnd_tvalid <=" in text
    vhd.write_text(text.replace("m_rnd_tvalid <=", "m_rnd_tvalid_typo <=", 1))
    err = ghdl_check(g.files, g.top, tmp_path / "bad")
    assert err and re.search(rf"{vhd.name}:\d+:\d+: no declaration for \"m_rnd_tvalid_typo\"", err), err
    vhd.write_text(text)
    err = ghdl_check(g.files, "no_such_entity", tmp_path / "noent")
    assert err and "no_such_entity" in err and "ghdl -e" in err, err


# ------------------------------------------------------------ simulation on GHDL ----------
@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_cocotb_suite_on_ghdl(name, seed, tmp_path, ghdl):
    """The core's own cocotb suite on its VHDL (a random configuration from the seed); only the
    cores of this run's rotation (``NEUROHDL_GHDL=all`` runs every core)."""
    def logs() -> str:
        return "\n".join(f.read_text()[-20000:] for f in sorted(tmp_path.glob("ghdl_*.log")))

    replay = f"seed {seed}; replay: neurohdl sim {name} --seed {seed} --sim ghdl"
    try:
        r = check_core(name, seed, tmp_path, sim="ghdl", expect_ok=False)
    except ToolError as e:          # GHDL could not analyse, elaborate or start the design
        fail_or_xfail(name, f"{e}\n{logs()}", f"GHDL run failed ({replay})")
        return
    if not r.ok:
        fail_or_xfail(name, logs(), f"{r.failed} of {r.tests} cocotb tests failed on GHDL "
                                    f"({replay}; log {tmp_path / 'ghdl_test.log'})")


# ------------------------------------------------------------- bench clocks start low -----
_CLOCK_START = re.compile(r"Clock\([^)]*\)\.start\(([^)]*)\)")


def clocks_starting_high(text: str) -> list[str]:
    """The ``Clock(...).start(...)`` calls in ``text`` that do not start the clock low."""
    return [m.group(0) for m in _CLOCK_START.finditer(text) if "start_high=False" not in m.group(1)]


def test_bench_clocks_start_low():
    """Every cocotb bench starts its clock low (verif/common/stream.py says why: under GHDL a
    clock that starts high leaves registers 'U' when the BFMs first sample them).  Demos, which
    no simulator matrix runs, are exempt."""
    benches = [f for f in sorted((ROOT / "verif").rglob("*.py"))
               if not f.name.startswith("demo_") and f.name != "host_program.py"]
    bad = {str(f.relative_to(ROOT)): hits for f in benches
           if (hits := clocks_starting_high(f.read_text()))}
    assert not bad, bad
    # must-fail: the check sees a clock that starts high
    assert clocks_starting_high('Clock(dut.clk, 10, unit="ns").start()\n') != []
    assert clocks_starting_high('Clock(dut.clk, 10, unit="ns").start(start_high=False)') == []

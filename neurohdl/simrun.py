"""Run a core's cocotb test module on its *converted* HDL through ``cocotb_tools.runner``.

The pytest side of every ``verif/<family>/test_<core>.py`` and ``neurohdl sim`` both call
:func:`run_cocotb`.  cocotb's ``runner.test()`` never raises on a failing test, so the results
file is always read back and returned; callers assert on it.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .convert import generate
from .errors import ToolError
from .registry import get

SIMULATORS = ("icarus", "verilator")


@dataclass
class SimResult:
    tests: int
    failed: int
    results_xml: Path
    waves: Path | None
    hdl_dir: Path

    @property
    def ok(self) -> bool:
        return self.tests > 0 and self.failed == 0


def _find_tool(name: str) -> str | None:
    return shutil.which(name)


def run_cocotb(core: str, p, seed: int, build_dir, *, test_module: str | None = None,
               sim: str | None = None, waves: bool = False, testcase=None,
               extra_env: dict | None = None, hdl_dir=None, verbose: bool = False) -> SimResult:
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    entry = get(core)
    sim = (sim or os.environ.get("SIM", "icarus")).lower()
    if sim not in SIMULATORS:
        raise ToolError(f"simulator {sim!r}: allowed one of {SIMULATORS}")
    exe = {"icarus": "iverilog", "verilator": "verilator"}[sim]
    if _find_tool(exe) is None:
        raise ToolError(f"{exe} not found on PATH (run `make setup`, which installs it and puts "
                        "tools/bin first on PATH)")
    build_dir = Path(build_dir).resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    hdl = generate(core, p, hdl_dir or build_dir / "hdl")
    runner = get_runner(sim)
    build_args = []
    if sim == "verilator":
        vlt = entry.core_file.with_suffix(".vlt") if entry.core_file else None
        # -O0: the C++ of a small core compiles in about half the time and runs fast enough
        build_args = ["-Wall", "-CFLAGS", "-O0"] + ([str(vlt)] if vlt and vlt.exists() else [])
    runner.build(sources=hdl.files, hdl_toplevel=hdl.top, build_dir=str(build_dir / sim),
                 always=True, waves=waves, timescale=("1ns", "10ps"), build_args=build_args,
                 log_file=str(build_dir / f"{sim}_build.log") if not verbose else None)
    xml = build_dir / f"results_{sim}.xml"
    env = {"NEUROHDL_PARAMS": p.to_json(), "NEUROHDL_CORE": entry.name,
           "NEUROHDL_TEST_SEED": str(seed)}
    env.update(extra_env or {})
    if xml.exists():
        xml.unlink()
    try:
        # Under pytest, cocotb's runner calls sys.exit() when a test fails; elsewhere it returns
        # quietly.  Either way the results file is the verdict, read back below.
        runner.test(hdl_toplevel=hdl.top, test_module=test_module or entry.test_module,
                    build_dir=str(build_dir / sim), test_dir=str(build_dir / sim), seed=seed,
                    results_xml=str(xml), extra_env=env, waves=waves, testcase=testcase,
                    log_file=str(build_dir / f"{sim}_test.log") if not verbose else None)
    except SystemExit:
        pass
    if not xml.exists():
        raise ToolError(f"cocotb wrote no results file {xml}; see {build_dir / f'{sim}_test.log'}")
    n, failed = get_results(xml)
    wave = None
    if waves:
        cands = sorted((build_dir / sim).glob("*.fst")) + sorted((build_dir / sim).glob("*.vcd"))
        wave = cands[0] if cands else None
    return SimResult(n, failed, xml, wave, hdl.out_dir)


def test_names(core: str) -> list[str]:
    """The names of a core's cocotb tests as cocotb registers them (a parametrized test as
    ``name/option=value...``), found without a simulator: ``neurohdl sim --testcase`` checks
    its names against these before building anything."""
    import importlib

    from cocotb.regression import Test, TestGenerator

    mod = importlib.import_module(get(core).test_module)
    names = []
    for obj in vars(mod).values():
        if isinstance(obj, Test):
            names.append(obj.name)
        elif isinstance(obj, TestGenerator):
            names += [t.name for t in obj.generate_tests()]
    return names


def params_from_env(cls):
    """Inside a cocotb test: the Params the pytest side generated the HDL with."""
    return cls.from_json(os.environ["NEUROHDL_PARAMS"])


__all__ = ["run_cocotb", "params_from_env", "SimResult", "SIMULATORS"]

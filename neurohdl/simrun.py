# SPDX-License-Identifier: Apache-2.0
"""Run a core's cocotb test module on its *converted* HDL through ``cocotb_tools.runner``.

The pytest side of every ``verif/<family>/test_<core>.py`` and ``neurohdl sim`` both call
:func:`run_cocotb`.  cocotb's ``runner.test()`` never raises on a failing test, so the results
file is always read back and returned; callers assert on it.

Simulators: Icarus and Verilator on the Verilog, GHDL on the VHDL (``hdl="vhdl"``).  Every
simulator command runs in its own process group under a wall-clock limit: the simulation under
``timeout=``, else ``NEUROHDL_SIM_TIMEOUT``, else :data:`SIM_TIMEOUT` seconds, the build under
at least :data:`SIM_TIMEOUT`.  A hung simulation -- an HDL deadlock the test's own timers miss,
or a Python loop inside a cocotb coroutine -- is killed with its whole group and reported as a
:class:`SimTimeout` (a ToolError) naming the core, the seed and the limit.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .convert import Generated, generate
from .errors import ToolError
from .registry import get

SIMULATORS = ("icarus", "verilator", "ghdl")
_EXECUTABLE = {"icarus": "iverilog", "verilator": "verilator", "ghdl": "ghdl"}

#: GHDL options for MyHDL's VHDL, in every ghdl call (analysis, elaboration, run): MyHDL writes
#: VHDL-2008 (e.g. reading an ``out`` port), and GHDL 2.0 defaults to VHDL-93.
GHDL_FLAGS = ("--std=08",)

#: Default wall-clock limit in seconds of a simulation (and of its build).  The slowest
#: legitimate one, net.snn_soc's cocotb suite on Icarus, took 4 min on a 2-core machine running
#: three other simulations.  pytest-timeout (``timeout`` in pyproject.toml) is the outer limit
#: of a whole test, and larger.
SIM_TIMEOUT = 480.0


class SimTimeout(ToolError):
    """A simulator command ran past its wall-clock limit and was killed (with its process group)."""


def sim_timeout(timeout: float | None = None) -> float:
    """The wall-clock limit in force: ``timeout``, else ``NEUROHDL_SIM_TIMEOUT``, else the default."""
    source, value = "timeout", timeout
    if timeout is None:
        value = os.environ.get("NEUROHDL_SIM_TIMEOUT", "").strip()
        if not value:
            return SIM_TIMEOUT
        source = "NEUROHDL_SIM_TIMEOUT"
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds > 0:      # also NaN
        raise ToolError(f"{source} = {value!r}: allowed a number of seconds > 0")
    return seconds


def _limited_executor(runner) -> dict:
    """Replace the cocotb runner's command loop (``Runner._execute_cmds`` in cocotb 2.1, whose
    ``subprocess.run`` has no timeout): each command in a new session, killed as a group when
    ``limit["s"]`` seconds have passed since the phase's first command started, or when the
    caller is interrupted (pytest-timeout, Ctrl-C) -- no simulator is left behind.  Returns the
    ``limit`` holder; set it before each phase."""
    limit = {"s": SIM_TIMEOUT}

    def execute(cmds, cwd, stdout=None):
        deadline = time.monotonic() + limit["s"]
        for cmd in cmds:
            proc = subprocess.Popen(cmd, cwd=cwd, env=runner.env, stdout=stdout,
                                    stderr=None if stdout is None else subprocess.STDOUT,
                                    start_new_session=True)
            try:
                rc = proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                raise SimTimeout(" ".join(str(c) for c in cmd)) from None
            finally:
                if proc.poll() is None:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait()
            if rc != 0:
                raise RuntimeError(f"Command failed with return code: {rc}")
    if not callable(getattr(runner, "_execute_cmds", None)):   # cocotb changed its internals
        raise ToolError(f"cocotb {type(runner).__name__} runner has no _execute_cmds: the "
                        "wall-clock limit of neurohdl.simrun needs updating for this cocotb")
    runner._execute_cmds = execute
    return limit


#: A test module's declaration of the cocotb tests it may skip: a module-level dict
#: ``EXPECTED_SKIPS = {"test name": "why it may skip"}``.  Any other skipped test is a failure.
SKIP_DECLARATION = "EXPECTED_SKIPS"


@dataclass
class SimResult:
    """A cocotb run read back from its results file.  ``tests``: test cases in the file;
    ``failed``: failed or errored ones plus skipped ones the module does not declare
    (:data:`SKIP_DECLARATION`); ``skipped``: all skipped ones; ``expected``: how many the test
    module registers (None: unknown); ``cases``: test name -> status (passed, failed, skipped)."""
    tests: int
    failed: int
    results_xml: Path
    waves: Path | None
    hdl_dir: Path
    skipped: int = 0
    expected: int | None = None
    cases: dict[str, str] = field(default_factory=dict)
    undeclared_skips: tuple[str, ...] = ()

    @property
    def missing(self) -> int:
        """Registered tests absent from the results file (the simulator stopped early, or a
        test module failed to load)."""
        return max(0, self.expected - self.tests) if self.expected is not None else 0

    @property
    def ok(self) -> bool:
        return self.tests > 0 and self.failed == 0 and self.missing == 0

    def summary(self) -> str:
        """One line: ``N cocotb tests: P passed, F failed (S skipped[, undeclared: ...])[; only
        N of E registered tests in <xml>]``."""
        line = f"{self.tests} cocotb tests: {self.tests - self.failed} passed, {self.failed} failed"
        if self.skipped:
            line += f" ({self.skipped} skipped"
            if self.undeclared_skips:
                line += (f"; undeclared, counted as failed: {', '.join(self.undeclared_skips)}"
                         f" -- declare them in the test module's {SKIP_DECLARATION}")
            line += ")"
        if self.missing:
            line += f"; only {self.tests} of {self.expected} registered tests in {self.results_xml}"
        return line


def read_results(xml: Path) -> dict[str, str]:
    """Test name -> ``passed``/``failed``/``skipped`` from a cocotb JUnit results file
    (``error`` counts as failed)."""
    from xml.etree import ElementTree

    cases = {}
    for case in ElementTree.parse(xml).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            status = "failed"
        elif case.find("skipped") is not None:
            status = "skipped"
        else:
            status = "passed"
        cases[case.get("name", "")] = status
    return cases


def registered_tests(module: str) -> list:
    """The cocotb ``Test`` objects ``module`` registers (a parametrized test once per variant,
    named as cocotb names them; ``.expect_fail`` etc. as declared).  Importing the module needs
    no simulator."""
    import importlib

    from cocotb.regression import Test, TestGenerator

    tests = []
    for obj in vars(importlib.import_module(module)).values():
        if isinstance(obj, Test):
            tests.append(obj)
        elif isinstance(obj, TestGenerator):
            tests += list(obj.generate_tests())
    return tests


def _module_tests(module: str) -> tuple[list[str], dict]:
    """The names of the cocotb tests ``module`` registers and its :data:`SKIP_DECLARATION`."""
    import importlib

    names = [t.name for t in registered_tests(module)]
    return names, dict(getattr(importlib.import_module(module), SKIP_DECLARATION, {}) or {})


def selected_tests(module: str, testcase=None) -> list[str]:
    """The registered tests of ``module`` that a run with ``testcase`` executes (cocotb's runner
    selects a test when one of the names, taken literally, ends its full name)."""
    import re

    names, _ = _module_tests(module)
    if not testcase:
        return names
    pats = [t.strip() for t in testcase.split(",")] if isinstance(testcase, str) else testcase
    return [n for n in names
            if any(re.search(rf"\.(.*{re.escape(t)})$", f"{module}.{n}") for t in pats)]


def _find_tool(name: str) -> str | None:
    return shutil.which(name)


#: what cocotb rewrites asserts in (pytest ``python_files`` patterns; a pattern with a '/'
#: matches the end of the file's path): the testbench modules only
REWRITE_ASSERTIONS = "verif/*.py"


def run_cocotb(core: str, p, seed: int, build_dir, *, test_module: str | None = None,
               sim: str | None = None, waves: bool = False, testcase=None,
               extra_env: dict | None = None, hdl_dir=None, verbose: bool = False,
               timeout: float | None = None, netlist=None) -> SimResult:
    """Convert ``core`` with Params ``p`` and run its cocotb module on ``sim`` (default
    ``$SIM`` or icarus; ghdl simulates the VHDL).  ``timeout``: wall-clock limit in seconds of
    each simulator command (see :func:`sim_timeout`); past it, :class:`SimTimeout`.
    ``netlist``: a Verilog file whose top module has the core's module name, simulated in place
    of converting the core (``neurohdl mutate`` runs the suite on each mutant this way)."""
    from cocotb_tools.runner import get_runner

    entry = get(core)
    sim = (sim or os.environ.get("SIM", "icarus")).lower()
    if sim not in SIMULATORS:
        raise ToolError(f"simulator {sim!r}: allowed one of {SIMULATORS}")
    exe = _EXECUTABLE[sim]
    if _find_tool(exe) is None:
        raise ToolError(f"{exe} not found on PATH (run `make setup`, which installs it and puts "
                        "tools/bin first on PATH)")
    limit = sim_timeout(timeout)
    build_dir = Path(build_dir).resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    vhdl = sim == "ghdl"
    if netlist is None:
        hdl = generate(core, p, hdl_dir or build_dir / "hdl", hdl="vhdl" if vhdl else "verilog")
    elif vhdl:
        raise ToolError(f"{core}: a Verilog netlist cannot be simulated on {sim}")
    else:
        netlist = Path(netlist).resolve()
        hdl = Generated(netlist.parent, [str(netlist)], entry.decl.module_name, {}, "verilog")
    # GHDL folds VHDL identifiers to lower case; cocotb's GHDL runner wants the folded name.
    top = hdl.top.lower() if vhdl else hdl.top
    runner = get_runner(sim)
    phase_limit = _limited_executor(runner)
    phase_limit["s"] = max(limit, SIM_TIMEOUT)      # a build is never what hangs
    build_args, test_args = [], []
    if sim == "verilator":
        vlt = entry.core_file.with_suffix(".vlt") if entry.core_file else None
        # -O0: the C++ of a small core compiles in about half the time and runs fast enough
        build_args = ["-Wall", "-CFLAGS", "-O0"] + ([str(vlt)] if vlt and vlt.exists() else [])
    if vhdl:
        build_args, test_args = list(GHDL_FLAGS), list(GHDL_FLAGS)
    try:
        runner.build(sources=hdl.files, hdl_toplevel=top, build_dir=str(build_dir / sim),
                     always=True, waves=waves, build_args=build_args,
                     # GHDL (mcode) takes only 1fs/1ps/...: it keeps its own resolution
                     timescale=None if vhdl else ("1ns", "10ps"),
                     log_file=str(build_dir / f"{sim}_build.log") if not verbose else None)
    except SimTimeout:
        raise _timeout_error(core, seed, sim, "build", phase_limit["s"], build_dir) from None
    except RuntimeError as e:      # the runner's "Command failed with return code: N"
        raise ToolError(f"{core}: {sim} build failed ({e}); see "
                        f"{build_dir / f'{sim}_build.log'}") from None
    xml = build_dir / f"results_{sim}.xml"
    env = {"NEUROHDL_PARAMS": p.to_json(), "NEUROHDL_CORE": entry.name,
           "NEUROHDL_TEST_SEED": str(seed),
           # cocotb's default ('*.py') has pytest rewrite the asserts of EVERY module imported
           # after its hook (numpy, myhdl, all of neurohdl), again in each simulator process
           # when no bytecode is cached: about 1.5 s of CPU a run.  The testbenches (verif/)
           # keep the rewritten, detailed assertion messages.
           "COCOTB_REWRITE_ASSERTION_FILES": os.environ.get("COCOTB_REWRITE_ASSERTION_FILES",
                                                            REWRITE_ASSERTIONS)}
    env.update(extra_env or {})
    if xml.exists():
        xml.unlink()
    phase_limit["s"] = limit
    try:
        # Under pytest, cocotb's runner calls sys.exit() when a test fails; elsewhere it returns
        # quietly.  Either way the results file is the verdict, read back below.
        runner.test(hdl_toplevel=top, test_module=test_module or entry.test_module,
                    build_dir=str(build_dir / sim), test_dir=str(build_dir / sim), seed=seed,
                    results_xml=str(xml), extra_env=env, waves=waves, testcase=testcase,
                    test_args=test_args,
                    log_file=str(build_dir / f"{sim}_test.log") if not verbose else None)
    except SimTimeout:
        raise _timeout_error(core, seed, sim, "test", limit, build_dir) from None
    except (SystemExit, RuntimeError):
        pass    # the simulator stopped early (HDL fatal error): the results file still counts
    if not xml.exists():
        raise ToolError(f"cocotb wrote no results file {xml}; see {build_dir / f'{sim}_test.log'}")
    module = test_module or entry.test_module
    cases = read_results(xml)
    expected, declared = len(selected_tests(module, testcase)), _module_tests(module)[1]
    undeclared = tuple(n for n, st in cases.items() if st == "skipped" and n not in declared)
    failed = sum(st == "failed" for st in cases.values()) + len(undeclared)
    wave = None
    if waves:
        cands = [f for ext in ("fst", "vcd", "ghw") for f in sorted((build_dir / sim).glob(f"*.{ext}"))]
        wave = cands[0] if cands else None
    return SimResult(len(cases), failed, xml, wave, hdl.out_dir,
                     skipped=sum(st == "skipped" for st in cases.values()), expected=expected,
                     cases=cases, undeclared_skips=undeclared)


def test_names(core: str) -> list[str]:
    """The names of a core's cocotb tests as cocotb registers them (a parametrized test as
    ``name/option=value...``), found without a simulator: ``neurohdl sim --testcase`` checks
    its names against these before building anything."""
    return _module_tests(get(core).test_module)[0]


def _timeout_error(core: str, seed: int, sim: str, phase: str, limit: float, build_dir) -> SimTimeout:
    return SimTimeout(f"{core}: {sim} {phase} ran past the wall-clock limit of {limit:g} s and "
                      f"was killed (seed {seed}; log {Path(build_dir) / f'{sim}_{phase}.log'}; "
                      f"replay: neurohdl sim {core} --seed {seed} --sim {sim}; "
                      "NEUROHDL_SIM_TIMEOUT=<seconds> sets the limit)")


def params_from_env(cls):
    """Inside a cocotb test: the Params the pytest side generated the HDL with."""
    return cls.from_json(os.environ["NEUROHDL_PARAMS"])


__all__ = ["run_cocotb", "params_from_env", "test_names", "selected_tests", "read_results",
           "registered_tests", "SKIP_DECLARATION", "SimResult", "SimTimeout",
           "SIMULATORS", "GHDL_FLAGS", "SIM_TIMEOUT", "sim_timeout"]

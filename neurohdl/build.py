# SPDX-License-Identifier: Apache-2.0
"""FPGA builds through FuseSoC/edalize and the numbers parsed from the tools' own reports.

``neurohdl build CORE --target T [--set ...]`` derives a one-off ``.core`` from the library core
(same targets and tool options, the generator parameters merged with ``--set``, the nextpnr seed
fixed), runs ``fusesoc run`` on it, shows progress per tool step, and parses:

- nextpnr ``next.log``: device utilisation and "Max frequency for clock" (Fmax);
- yosys ``yosys.log``: the final ``stat`` cell counts (LUT/FF/carry/BRAM/DSP).

Every build places the core inside the few-pin resource harness (neurohdl/harness.py); harness
overhead is 34 + T flip-flops (32-bit PRNG, reset register, output register, T-bit input shift
register where T is the core's input width) and an XOR tree over the outputs.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from . import __version__
from .errors import NeurohdlError, ToolError
from .registry import get
from .resources import source_checkout

TARGETS = {
    "ice40": "iCE40 UP5K-SG48",
    "ecp5": "ECP5 LFE5U-85F-6 CABGA381",
    "xilinx": "Artix-7 XC7A35T (Vivado project set-up)",
    "xilinx_synth": "Xilinx 7-series (yosys synth_xilinx)",
}


@dataclass
class BuildResult:
    core: str
    target: str
    device: str
    params: dict
    digest: str
    lut: int | None = None
    ff: int | None = None
    carry: int | None = None
    bram: int | None = None
    dsp: int | None = None
    fmax_mhz: float | None = None
    constraint_mhz: float | None = None
    cells: dict = field(default_factory=dict)
    artifacts: list = field(default_factory=list)
    seconds: float = 0.0
    work_root: str = ""
    tools: dict = field(default_factory=dict)

    def table(self) -> str:
        def f(v, fmt="{}"):
            return "-" if v is None else fmt.format(v)
        lut_name = "LC" if self.target == "ice40" else "LUT"
        rows = [f"{self.core} on {self.device} (Params {self.digest}, {self.seconds:.1f} s)",
                f"  {lut_name:>5} {'FF':>6} {'carry':>6} {'BRAM':>5} {'DSP':>4} {'Fmax MHz':>9}",
                f"  {f(self.lut):>5} {f(self.ff):>6} {f(self.carry):>6} {f(self.bram):>5} "
                f"{f(self.dsp):>4} {f(self.fmax_mhz, '{:.2f}'):>9}"]
        rows += [f"  artifact: {a}" for a in self.artifacts]
        return "\n".join(rows)


# ------------------------------------------------------------------------------ parsing ----
_STAT_LINE = re.compile(r"^\s+(\d+)\s{2,}(\$?[A-Za-z_][\w$]*)\s*$")


def parse_yosys_stat(text: str) -> dict[str, int]:
    """Cell counts of the final ``stat`` (the design-hierarchy total when present)."""
    i = text.rfind("Printing statistics")
    if i < 0:
        return {}
    block = text[i:]
    j = block.find("=== design hierarchy ===")
    if j >= 0:
        block = block[j:]
    end = re.search(r"\n\d+\.\d+\. Executing|\nEnd of script", block)
    block = block[: end.start()] if end else block
    cells: dict[str, int] = {}
    for line in block.splitlines():
        m = _STAT_LINE.match(line)
        if m and not m.group(2).startswith("$") and m.group(2) not in (
                "wires", "cells", "ports", "memories", "processes", "submodules"):
            cells[m.group(2)] = cells.get(m.group(2), 0) + int(m.group(1))
    return cells


_UTIL = re.compile(r"Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%")
_FMAX = re.compile(r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)")


def parse_nextpnr(text: str) -> dict:
    util = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in _UTIL.finditer(text)}
    fm = list(_FMAX.finditer(text))
    out = {"util": util}
    if fm:  # the last report is the post-route one
        out["fmax"] = float(fm[-1].group(2))
        out["constraint"] = float(fm[-1].group(4))
    return out


def summarise(target: str, cells: dict[str, int], pnr: dict) -> dict:
    def s(prefixes):
        return sum(v for k, v in cells.items() if any(k.startswith(p) for p in prefixes))
    util = pnr.get("util", {})
    if target == "ice40":
        return {"lut": util.get("ICESTORM_LC", (None,))[0], "ff": s(["SB_DFF"]),
                "carry": s(["SB_CARRY"]), "bram": util.get("ICESTORM_RAM", (None,))[0],
                "dsp": util.get("ICESTORM_DSP", (None,))[0]}
    if target == "ecp5":
        return {"lut": util.get("TRELLIS_COMB", (s(["LUT4"]),))[0],
                "ff": util.get("TRELLIS_FF", (s(["TRELLIS_FF"]),))[0], "carry": s(["CCU2C"]),
                "bram": util.get("DP16KD", (s(["DP16KD"]),))[0],
                "dsp": util.get("MULT18X18D", (s(["MULT18X18D"]),))[0]}
    return {"lut": s(["LUT", "SRL"]), "ff": s(["FD"]), "carry": s(["CARRY"]),
            "bram": s(["RAMB"]), "dsp": s(["DSP48"])}


# ------------------------------------------------------------------------------ building ---
def _derived_core(entry, target: str, sets: dict, seed: int, where: Path) -> tuple[str, dict, object]:
    src = entry.core_file
    if src is None:
        raise NeurohdlError(f"{entry.name}: no .core file (builds need a source checkout)")
    doc = yaml.safe_load(src.read_text())
    doc.pop("CAPI=2", None)
    if target not in doc.get("targets", {}):
        raise NeurohdlError(f"{entry.name}: target {target!r} not in {src.name}; allowed "
                            + ", ".join(sorted(doc["targets"])))
    gen = doc["generate"]["rtl"]["parameters"]
    merged = dict(gen.get("params") or {})
    merged.update(sets)
    p = entry.decl.params.from_dict(merged)       # validates before anything is written
    gen["params"] = p.to_dict()
    tgt = doc["targets"][target]
    opts = (tgt.get("flow_options") or {}).get("nextpnr_options")
    if opts and "--seed" in opts:
        opts[opts.index("--seed") + 1] = seed
    vlnv = f"neurohdl:build:{entry.decl.family}_{entry.decl.core}_{p.digest()}:{__version__}"
    doc["name"] = vlnv
    doc["targets"] = {"default": doc["targets"]["default"], target: tgt}
    where.mkdir(parents=True, exist_ok=True)
    text = "CAPI=2:\n" + yaml.safe_dump(doc, sort_keys=False)
    (where / f"{entry.decl.core}_{p.digest()}.core").write_text(text)
    # FuseSoC resolves the generator core relative to its own file, and the library's
    # cores (gen, harness) come from the repository root.
    return vlnv, gen, p


_STEPS = [("yosys", "synthesis (yosys)"), ("nextpnr-", "place and route (nextpnr)"),
          ("icepack", "bitstream (icepack)"), ("ecppack", "bitstream (ecppack)"),
          ("neurohdl_gen:", "generating HDL (neurohdl_gen)"), ("vivado", "Vivado project files")]


def run_fusesoc(args: list[str], log: Path, verbose: bool, cwd: Path, progress=None) -> None:
    """Run fusesoc with the repo's tool wrappers on PATH, its full output to ``log``.
    ``progress`` (default: print) gets one line per tool step; ``verbose`` echoes every line
    to stdout instead."""
    progress = progress or (lambda s: print(s, flush=True))
    env = dict(os.environ)
    tb = str(source_checkout("an FPGA build") / "tools" / "bin")
    if tb not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = tb + os.pathsep + os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    exe = shutil.which("fusesoc", path=env["PATH"])
    if exe is None:
        raise ToolError("fusesoc not found (run `make setup`)")
    t0 = time.time()
    shown = set()
    with open(log, "w") as fh, subprocess.Popen([exe, *args], cwd=cwd, env=env, text=True,
                                                 stdout=subprocess.PIPE,
                                                 stderr=subprocess.STDOUT) as proc:
        for line in proc.stdout:
            fh.write(line)
            if verbose:
                sys.stdout.write(line)
                continue
            for key, label in _STEPS:
                if label not in shown and (line.startswith(key) or f" {key}" in line[:40]):
                    shown.add(label)
                    progress(f"  [{time.time() - t0:6.1f} s] {label}")
        rc = proc.wait()
    if rc != 0:
        tail = "".join(open(log).readlines()[-15:])
        raise ToolError(f"fusesoc failed (exit {rc}); full log {log}; last lines:\n{tail}")


def check_target(target: str) -> None:
    """A build target of one core; a board name points to the board build of the SoC."""
    if target in TARGETS:
        return
    from .boards import BOARDS
    if target in BOARDS:
        raise NeurohdlError(
            f"--target {target}: a board, not a core target (`neurohdl build` places one core in "
            f"the resource harness); build the SNN SoC for it with `python -m neurohdl.boards "
            f"{target}` or `fusesoc run --target={target} neurohdl:board:{target}_snn`")
    import difflib
    near = difflib.get_close_matches(target, list(TARGETS) + list(BOARDS), n=1)
    raise NeurohdlError(f"--target {target!r}: " + (f"did you mean {near[0]}? " if near else "")
                        + f"allowed {', '.join(TARGETS)} (boards: {', '.join(BOARDS)})")


def build(core: str, target: str, sets: dict | None = None, out=None, seed: int = 1,
          verbose: bool = False) -> BuildResult:
    """Build ``core`` for ``target`` into ``out`` (default ./build/fpga/<core>-<target>-<digest>
    under the working directory)."""
    check_target(target)
    entry = get(core)
    root = source_checkout(f"`neurohdl build --target {target}`")
    t0 = time.time()
    tmp_root = Path(out).resolve() if out else None
    staging = (tmp_root or Path("build", "fpga").resolve()) / ".cores"
    staging_dir = staging / f"{entry.decl.core}-{target}-{os.getpid()}"
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    vlnv, gen, p = _derived_core(entry, target, dict(sets or {}), seed, staging_dir)
    work = tmp_root or Path("build", "fpga", f"{entry.decl.core}-{target}-{p.digest()}").resolve()
    if (work / "fusesoc").exists():   # make would otherwise keep stale outputs of older runs
        shutil.rmtree(work / "fusesoc")
    work.mkdir(parents=True, exist_ok=True)
    print(f"neurohdl: building {entry.decl.vlnv()} for {TARGETS[target]} (nextpnr seed {seed})",
          flush=True)
    print(f"  params: {p}", flush=True)
    args = ["--cores-root", str(root), "--cores-root", str(staging_dir), "run",
            "--build-root", str(work / "fusesoc"), f"--target={target}"]
    if target == "xilinx":
        args.append("--setup")
    args.append(vlnv)
    try:
        run_fusesoc(args, work / "fusesoc.log", verbose, cwd=work)
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
    troot = next((work / "fusesoc").glob(f"*/{target}"), None)
    if troot is None:
        raise ToolError(f"no build tree found under {work / 'fusesoc'}")
    res = BuildResult(entry.name, target, TARGETS[target], p.to_dict(), p.digest(),
                      work_root=str(troot))
    ylog = troot / "yosys.log"
    cells = parse_yosys_stat(ylog.read_text()) if ylog.exists() else {}
    nlog = troot / "next.log"
    pnr = parse_nextpnr(nlog.read_text()) if nlog.exists() else {}
    if target != "xilinx":
        for k, v in summarise(target, cells, pnr).items():
            setattr(res, k, v)
        res.fmax_mhz = pnr.get("fmax")
        res.constraint_mhz = pnr.get("constraint")
    res.cells = cells
    pats = {"ice40": ["*.bin"], "ecp5": ["*.bit"], "xilinx": ["*.tcl", "Makefile"],
            "xilinx_synth": ["*.edif"]}[target]
    res.artifacts = sorted(str(f) for pat in pats for f in troot.glob(pat))
    res.seconds = time.time() - t0
    from .convert import _tool_versions
    res.tools = _tool_versions()
    (work / "result.json").write_text(json.dumps(asdict(res), indent=2, sort_keys=True) + "\n")
    return res


def report(out: str, targets: list[str], cores: list[str] | None = None) -> Path:
    """Build every core (or ``cores``) on ``targets`` and write the resource/Fmax table.

    Rows live in a JSON sidecar beside ``out`` (``resources.json``): a run replaces the rows
    of the cores/targets it builds and keeps the others, and the markdown is rewritten after
    every build, so an interrupted report keeps what it finished.
    """
    from .registry import cores as all_cores

    names = cores or [e.name for e in all_cores()]
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    side = path.with_suffix(".json")
    keep = {}
    if side.exists():
        for d in json.loads(side.read_text()):
            keep[(d["core"], d["target"])] = d
    known = {e.name for e in all_cores()}
    keep = {k: v for k, v in keep.items() if k[0] in known}
    total = len(names) * len(targets)
    i = 0
    for name in names:
        for t in targets:
            i += 1
            print(f"neurohdl: report [{i}/{total}] {name} {t}", flush=True)
            r = build(name, t)
            print(r.table(), flush=True)
            d = asdict(r)
            for k in ("work_root", "artifacts", "cells"):
                d.pop(k, None)
            keep[(name, t)] = d
            rows = [keep[k] for k in sorted(keep)]
            side.write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")
            path.write_text(render_report([BuildResult(**r) for r in rows]))
    print(f"neurohdl: wrote {path} ({len(keep)} rows) and {side}")
    return path


def _versions_line(rows: list[BuildResult]) -> str:
    """Which neurohdl versions built the rows (a report run keeps the rows it did not rebuild)."""
    from collections import Counter
    n = Counter((r.tools or {}).get("neurohdl", "unknown") for r in rows)
    parts = [f"{v} ({k} row{'s' if k != 1 else ''})" for v, k in sorted(n.items())]
    return ("Rows built with neurohdl " + ", ".join(parts) + "; each row's tool versions are in "
            "`resources.json`.")


def render_report(rows: list[BuildResult]) -> str:
    lines = ["# Resources and Fmax", "",
             "Generated by `neurohdl report` (each core at its `.core` default Params, inside the "
             "few-pin resource harness, nextpnr placement seed 1; yosys 0.70 and nextpnr 0.11 "
             "from YoWASP). Harness overhead: 34 + T flip-flops and an XOR tree (see "
             "`neurohdl/harness.py`). Fmax is nextpnr's post-route estimate; iCE40 constrained "
             "at 40 MHz, ECP5 at 100 MHz (speed grade 6) unless a core's `.core` says otherwise. "
             "iCE40 counts are logic cells (LUT4+FF pairs); iCE40 synthesis uses `synth_ice40 "
             "-dsp` (multipliers in SB_MAC16) except for neuron.izhikevich, whose Q16.16 "
             "multipliers need more than the UP5K's 8 DSPs. A core's size without the harness: "
             "`python benchmarks/core_lc.py CORE`.", "",
             _versions_line(rows), "",
             "| core | target | Params digest | LUT/LC | FF | carry | BRAM | DSP | Fmax (MHz) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        def f(v, fmt="{}"):
            return "–" if v is None else fmt.format(v)
        lines.append(f"| {r.core} | {r.device} | {r.digest} | {f(r.lut)} | {f(r.ff)} | "
                     f"{f(r.carry)} | {f(r.bram)} | {f(r.dsp)} | {f(r.fmax_mhz, '{:.1f}')} |")
    return "\n".join(lines) + "\n"

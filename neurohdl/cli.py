# SPDX-License-Identifier: Apache-2.0
"""neurohdl command line: list, info, gen, sim, build, report, regmap, docs.

    neurohdl list [--json]
    neurohdl info sc.lfsr [--set width=12] [--json]
    neurohdl gen sc.lfsr --set width=12 --out out/lfsr [--hdl vhdl]
    neurohdl sim sc.mul --seed 1234 [--waves] [--sim verilator]
    neurohdl mutate sc.and_mul -n 20 [--jobs 2] [--fail-under 90]
    neurohdl build sc.mul --target ice40 [--set length=1024] [--json]
    neurohdl formal stream.fifo [--depth N]      (no core: the cores that have a proof)
    neurohdl docs [sc.lfsr ...] [--check]
    neurohdl eval NET.nir --dt 1e-4 --data X.npz [--input-bits 8] [--json] [--save OUT.npz]
    neurohdl compile NET.nir --dt 1e-3 [--board icebreaker] --out DIR

Exit status: 0 done; 1 a simulation ran and a test failed (or none ran), or ``docs --check``
found a core page whose generated tables differ from the code; 2 a mistake in the
command (one line on stderr, checked before anything is written) or a tool that failed; 130
interrupted.  ``build --target xilinx`` sets up a Vivado project and exits 0 (Vivado itself is
not run; the last line says where the project is and what to run there).  Without --out, sim
and build write under ./build/ of the working directory.  ``gen`` may grow by at most
NEUROHDL_GEN_MEMORY_GIB (default 4) GiB; past that it stops with one line.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .errors import NeurohdlError, ParamError, ToolError


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (status 2), like every other neurohdl error."""

    def error(self, message):
        self.exit(2, f"neurohdl: error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def _int(text: str) -> int:
    """argparse type of integer options: parsed like a --set integer (ASCII, 0x/0b/0o)."""
    from .params import parse_int
    v = parse_int(text)
    if v is None:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed an integer (ASCII digits, optional "
                                         "0x/0b/0o prefix)")
    return v


def _sets(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for s in pairs or []:
        if "=" not in s:
            raise ParamError(f"--set {s!r}: allowed NAME=VALUE")
        k, v = s.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _params(entry, sets: dict[str, str], seed: int | None):
    cls = entry.decl.params
    if seed is None:
        return cls.from_dict(sets)
    fixed = cls.from_dict(sets).pinned(sets) if sets else {}   # dotted names: nested Params
    return cls.random(random.Random(seed), **fixed)


def _print_json(obj) -> None:
    print(json.dumps(obj, indent=2, sort_keys=True, default=str))


def _out_dir(path: str | None, default: str) -> Path:
    """--out, or ``default`` under the working directory, checked before anything is written."""
    from .convert import check_out_dir
    return check_out_dir(path if path is not None else default, "--out")


# ------------------------------------------------------------------------ list / info ----
def cmd_list(args) -> int:
    from .registry import cores

    if args.json:
        _print_json([{"name": e.name, "vlnv": e.decl.vlnv(), "version": e.decl.version,
                      "description": e.decl.description} for e in cores()])
        return 0
    rows = [(e.decl.vlnv(), e.decl.description) for e in cores()]
    w = max(len(r[0]) for r in rows) if rows else 0
    for v, d in rows:
        print(f"{v:<{w}}  {d}")
    return 0


def core_info(entry, p) -> dict:
    """What ``neurohdl info`` shows, all read from the code and the core's .core file."""
    import yaml

    targets = {}
    if entry.core_file is not None:
        doc = yaml.safe_load(entry.core_file.read_text()) or {}
        targets = {name: (t or {}).get("description", "")
                   for name, t in (doc.get("targets") or {}).items()}
    return {"name": entry.name, "vlnv": entry.decl.vlnv(), "version": entry.decl.version,
            "description": entry.decl.description, "params_class": type(p).__name__,
            "params": p.info(), "derived": p.derived(), "digest": p.digest(),
            "ports": [q.as_dict() for q in entry.decl.port_list(p)],
            "targets": targets,
            "core_file": str(entry.core_file) if entry.core_file else None,
            "docs": str(entry.docs) if entry.docs else None,
            "modules": {"model": entry.model_module, "rtl": entry.rtl_module,
                        "test": entry.test_module}}


def _range_text(row) -> str:
    if row["kind"] == "params":                 # a nested Params: its class or its chooser
        return f"by {row['chosen_by']}" if row["chosen_by"] else row["allowed"]
    if row["choices"]:
        text = " | ".join(str(c) for c in row["choices"])
    elif row["kind"] == "bool":
        text = "true | false"
    elif row["lo"] is not None or row["hi"] is not None:
        text = f"{'' if row['lo'] is None else row['lo']}..{'' if row['hi'] is None else row['hi']}"
    else:
        text = "text" if row["kind"] == "str" else "any integer"
    return text + (" | none" if row["optional"] else "")


def cmd_info(args) -> int:
    from .registry import get

    entry = get(args.core)
    p = _params(entry, _sets(args.set), None)
    info = core_info(entry, p)
    if args.json:
        _print_json(info)
        return 0
    print(f"{info['vlnv']}  {info['description']}")
    print(f"\nParams ({info['params_class']}, digest {info['digest']}; ranges at these values):")
    for r in info["params"]:
        shown = "" if r["value"] == r["default"] else f"  (here {r['value']})"
        print(f"  {r['name']:<18} {r['kind']:<4} default {str(r['default']):<16} "
              f"{_range_text(r):<22} {r['doc']}{shown}")
    if info["derived"]:
        print("  derived: " + ", ".join(f"{k} = {v}" for k, v in sorted(info["derived"].items())))
    print("\nPorts:")
    for q in info["ports"]:
        print(f"  {q['name']:<22} {q['direction']:<3} {q['width']:>4} bit{'s' if q['width'] > 1 else ' '}"
              f"{' signed' if q['signed'] else ''}  {q['role']:<7} {q['doc']}")
    print(f"\nTargets ({info['core_file'] or 'no .core file'}):")
    for name, desc in info["targets"].items():
        print(f"  {name:<13} {desc}")
    print(f"\nDocs: {info['docs'] or 'no page in this installation (see the repository)'}")
    m = info["modules"]
    print(f"Model {m['model']}, RTL {m['rtl']}, cocotb tests {m['test']}")
    return 0


# ------------------------------------------------------------------------------- gen -----
def cmd_gen(args) -> int:
    from .convert import check_bench, generate, limit_memory, memory_text
    from .registry import get

    entry = get(args.core)
    p = _params(entry, _sets(args.set), None)
    bench = check_bench({"vectors": args.vectors}) if args.bench else None
    out = _out_dir(args.out, args.out)
    print(f"neurohdl: generating {entry.decl.vlnv()} ({args.hdl}) with {p}")
    try:
        with limit_memory() as gib:
            g = generate(entry.decl, p, out, hdl=args.hdl, name=args.name, bench=bench,
                         harness=args.harness)
    except MemoryError:
        asked = [f"--set {s}" for s in args.set or []] + \
            ([f"--vectors {args.vectors}"] if args.bench else [])
        raise ParamError(f"{entry.name} with {' '.join(asked) or 'its defaults'}: "
                         f"{memory_text(gib)}; allowed smaller sizes or fewer bench vectors"
                         ) from None
    for f in g.files:
        print(f"  wrote {f}")
    print(f"  wrote {g.manifest_path}  (top {g.top}, Params digest {p.digest()})")
    return 0


# ------------------------------------------------------------------------------- sim -----
def _testcases(core: str, asked: list[str] | None) -> list[str] | None:
    """--testcase names checked against the core's cocotb tests (as cocotb's runner selects
    them: the name ends a test's full name); a parametrized test's bare name selects all its
    variants."""
    if not asked:
        return None
    from .registry import get
    from .simrun import test_names

    module = get(core).test_module
    names = test_names(core)
    chosen = []
    for name in asked:
        hits = [t for t in names if re.search(rf"\.(.*{re.escape(name)})$", f"{module}.{t}")]
        variants = [t for t in names if t.startswith(name + "/")]
        if hits:
            chosen.append(name)
        elif variants:
            chosen += variants
        else:
            import difflib
            bases = sorted({t.split("/", 1)[0] for t in names})
            near = difflib.get_close_matches(name, bases, n=1)
            raise ParamError(f"--testcase {name!r}: no such test in {module}; "
                             + (f"did you mean {near[0]}? " if near else "")
                             + "allowed " + ", ".join(bases))
    return chosen


def replay_command(args, core: str, seed: int) -> str:
    """The command that reruns this simulation: same seed, configuration source and simulator."""
    words = ["neurohdl", "sim", core, "--seed", str(seed)]
    if args.defaults:
        words.append("--defaults")
    if args.sim != "icarus":
        words += ["--sim", args.sim]
    for s in args.set or []:
        words += ["--set", s]
    for t in args.testcase or []:
        words += ["--testcase", t]
    return " ".join(shlex.quote(w) for w in words)


def cmd_sim(args) -> int:
    from .registry import get
    from .simrun import run_cocotb

    entry = get(args.core)
    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    p = _params(entry, _sets(args.set), seed if not args.defaults else None)
    testcase = _testcases(entry.name, args.testcase)
    out = _out_dir(args.out, f"build/sim/{entry.decl.core}-{seed}")
    print(f"neurohdl: simulating {entry.decl.vlnv()} on {args.sim}, seed {seed}")
    print(f"  params: {p}")
    print(f"  replay: {replay_command(args, entry.name, seed)}")
    t0 = time.time()
    r = run_cocotb(entry.name, p, seed, out, sim=args.sim, waves=args.waves,
                   testcase=testcase, verbose=args.verbose)
    dt = time.time() - t0
    print(f"  {r.summary()}  ({dt:.1f} s; results {r.results_xml})")
    if args.waves:
        print(f"  waves: {r.waves}" if r.waves else "  waves: none written (see the test log)")
    if r.tests == 0:
        print("  no cocotb test ran (the test module failed to load?)")
    if not r.ok:
        print(f"  log: {out / (args.sim + '_test.log')}")
    return 0 if r.ok else 1


# ---------------------------------------------------------------------------- mutate -----
def cmd_mutate(args) -> int:
    from .mutate import check_args, mutate_core
    from .registry import get

    entry = get(args.core)
    check_args(args.n, args.jobs, args.only, args.depth)
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise ParamError(f"--fail-under {args.fail_under}: allowed 0..100 (per cent)")
    p = _params(entry, _sets(args.set), args.seed)
    seed = args.seed if args.seed is not None else 1
    out = _out_dir(args.out, f"build/mutate/{entry.decl.core}-{p.digest()}-{seed}")
    r = mutate_core(entry.name, p, out, n=args.n, seed=seed, mutation_seed=args.mutation_seed,
                    jobs=args.jobs, only=args.only, depth=args.depth)
    if args.fail_under is not None and r.kill_rate is not None \
            and 100 * r.kill_rate < args.fail_under:
        print(f"  kill rate below --fail-under {args.fail_under:g} %")
        return 1
    return 0


# ----------------------------------------------------------------------------- build -----
def cmd_build(args) -> int:
    from .build import TARGETS, build, check_target

    check_target(args.target)
    out = _out_dir(args.out, args.out) if args.out else None
    with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):   # progress
        res = build(args.core, args.target, _sets(args.set), out=out, seed=args.pnr_seed,
                    verbose=args.verbose)
    note = vivado_note(res.work_root) if args.target == "xilinx" else None
    if args.json:
        _print_json({**asdict(res), "device": TARGETS[args.target], "note": note})
    elif note:
        print(f"{res.core}: {note}")
    else:
        print(res.table())
    return 0


def vivado_note(project: str) -> str:
    """The xilinx target only sets up a Vivado project (Vivado is not part of the open flow)."""
    import shutil
    if shutil.which("vivado"):
        return f"project written to {project}; run `make` there to build it with Vivado"
    return (f"project written to {project}; Vivado not found on PATH: run `make` there on a "
            "machine with Vivado (or `neurohdl build --target xilinx_synth` for yosys "
            "utilisation numbers)")


def cmd_report(args) -> int:
    from .build import check_target, report
    from .registry import get

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    for t in targets:
        check_target(t)
    names = [get(c).name for c in args.cores] if args.cores else None
    out = Path(args.out)
    _out_dir(str(out.parent), str(out.parent))
    if out.is_dir():
        raise ParamError(f"--out {args.out!r}: a folder; allowed a markdown file path")
    report(str(out), targets=targets, cores=names)
    return 0


def cmd_regmap(args) -> int:
    from .params import check_text_file
    from .regmap import resolve_path
    from .regmap_export import export

    check_text_file(args.rdl, resolve_path,
                    lambda allowed: ParamError(f"rdl = {args.rdl!r}: allowed {allowed}"))
    out = _out_dir(args.out, args.out)
    print(f"regmap: {args.rdl} -> {out} (base {args.base:#x})")
    export(args.rdl, out, base=args.base, vlnv=args.vlnv)
    return 0


def cmd_docs(args) -> int:
    from .docgen import update
    from .registry import REPO_ROOT, cores, get

    docs = REPO_ROOT / "docs"
    if not (docs / "cores").is_dir():
        raise ParamError(f"docs: no docs/cores in {REPO_ROOT}; allowed a source checkout")
    entries = [get(c) for c in args.cores] if args.cores else cores()
    changes = update(entries, docs, write=not args.check)
    for c in changes:
        print(c if args.check else f"wrote {c.page} ({c.tables})")
    if args.check and changes:
        print(f"neurohdl docs: {len(changes)} page(s) not as the code gives them (listed above); "
              "`neurohdl docs [CORE ...]` rewrites their tables", file=sys.stderr)
        return 1
    print(f"neurohdl docs: {len(entries) - len(changes)} of {len(entries)} page(s) up to date"
          + ("" if args.check else f", {len(changes)} written"))
    return 0


# ---------------------------------------------------------------------------- formal -----
def cmd_formal(args) -> int:
    from .formal import PROOFS, check_depth, proof_of, run_proof
    from .registry import get

    if args.core is None:                       # the cores that have a proof
        for name, pr in sorted(PROOFS.items()):
            how = "k-induction depth" if pr.mode == "prove" else "bounded model check, steps"
            print(f"{name:<12} {how} {pr.depth}, {len(pr.configs)} "
                  f"configuration(s): {pr.what}")
        return 0
    entry = get(args.core)
    proof = proof_of(entry.name)
    if args.depth is not None:
        check_depth(args.depth)
    cls = entry.decl.params
    configs = [cls.from_dict({**proof.configs[0], **_sets(args.set)})] if args.set else \
        [cls.from_dict(c) for c in proof.configs]
    out = _out_dir(args.out, f"build/formal/{entry.decl.core}")
    print(f"neurohdl: proving {entry.decl.vlnv()} ({proof.harness}): {proof.what}")
    failed = 0
    for p in configs:
        r = run_proof(entry.name, p, depth=args.depth, out_dir=out / p.digest(),
                      log=lambda s: print("  " + s.removeprefix("formal: ")))
        print(f"  {r.status} ({r.seconds:.1f} s)" + (f": {r.detail}" if r.detail else ""))
        if not r.passed:
            failed += 1
            print(f"  log: {r.workdir / 'proof' / 'logfile.txt'}")
    return 1 if failed else 0


# ------------------------------------------------------------------------- eval, compile -----
def _net_module(name: str):
    """A network module of models/net, found at run time (the framework imports no model
    statically)."""
    import importlib
    return importlib.import_module(f"neurohdl.models.net.{name}")


def _policy_options(args):
    """(Policy, QuantOptions) from the options eval and compile share (:func:`_net_args`)."""
    policy = _net_module("nir_ref").Policy(args.dt, args.method, args.reset)
    options = _net_module("nir_quant").QuantOptions(
        weight_bits=args.weight_bits, state_bits=args.state_bits, input_bits=args.input_bits,
        input_max=args.input_max)
    return policy, options


def _net_args(p) -> None:
    """The NIR file, the discretisation policy and the quantisation options."""
    p.add_argument("net", help="the .nir file")
    p.add_argument("--dt", type=float, required=True,
                   help="timestep, seconds (NIR files carry none; never defaulted)")
    p.add_argument("--method", default="euler", help="discretisation: euler (the exporters') "
                                                     "or exact")
    p.add_argument("--reset", default="zero", help="zero (NIR's v_reset) or subtract")
    p.add_argument("--weight-bits", type=_int, default=8)
    p.add_argument("--state-bits", type=_int, default=16)
    p.add_argument("--input-bits", type=_int, default=0,
                   help="0: the inputs are spikes (0/1); k: graded values, k bits")
    p.add_argument("--input-max", type=float, default=1.0,
                   help="full scale of graded inputs (default 1.0)")
    p.add_argument("--fix", help="an exporter correction: norse-w-in (docs/nir.md)")
    p.add_argument("--no-type-check", action="store_true",
                   help="read a file whose NIR type annotations disagree with its nodes")


def cmd_compile(args) -> int:
    policy, options = _policy_options(args)
    out = _out_dir(args.out, f"build/compile/{Path(args.net).stem}")
    m = _net_module("nir_compile").compile_net(
        args.net, policy, options, out, board=args.board, name=args.name, fix=args.fix,
        type_check=not args.no_type_check, log=lambda s: print(f"neurohdl: compile: {s}"))
    for b, c in m["capacity"].items():
        print(f"  {b:<10} {c['device']}: {c['tiles']} of {c['available']} tiles"
              + ("" if c["fits"] else "  (does not fit)"))
    if args.board != "none":
        print(f"neurohdl: compile: the {args.board} system top (host link, pins) is not "
              f"generated yet: wire s_in, m_out and s_tbl of {m['name']} to your host "
              f"({out / 'README.md'})")
    return 0


def cmd_eval(args) -> int:
    import numpy as np

    from .nirgraph import fix, load

    quant, ev = _net_module("nir_quant"), _net_module("nir_eval")
    policy, options = _policy_options(args)
    if args.limit is not None and args.limit < 1:
        raise ParamError(f"--limit {args.limit}: allowed a sample count >= 1")
    with np.load(args.data) as d:
        if "inputs" not in d:
            raise ParamError(f"--data {args.data}: no 'inputs' array (allowed an .npz with "
                             f"inputs [T, N, n_in] and optionally labels [N]; it has "
                             f"{', '.join(d.files) or 'nothing'})")
        inputs, labels = d["inputs"], (d["labels"] if "labels" in d else None)
    for path in (args.save, args.report):
        if path and not Path(path).parent.resolve().is_dir():
            raise ParamError(f"{path}: its folder does not exist")
    net = load(args.net, type_check=not args.no_type_check)
    if args.fix:
        net = fix(net, args.fix, args.dt)
    say = (lambda s: None) if args.json else print
    say(f"neurohdl: eval {args.net}: dt = {args.dt:g} s, {args.method} discretisation, "
        f"{args.reset} reset; weights {args.weight_bits} bits, state {args.state_bits} bits, "
        f"inputs " + (f"graded {args.input_bits} bits" if args.input_bits else "spikes"))
    step = max(1, (args.limit or inputs.shape[1]) // 10)

    def progress(done, total):
        if done % step == 0 or done == total:
            print(f"eval: {done}/{total} samples", file=sys.stderr, flush=True)

    res = ev.evaluate(net, policy, options, inputs, labels, args.limit, progress)
    if args.report:
        Path(args.report).mkdir(exist_ok=True)
        quant.write_report(res["quant"], args.report)
    if args.save:
        np.savez_compressed(args.save, float=res["raster_float"],
                            bit_true=res["raster_bit_true"])
    figures = {k: v for k, v in res.items() if not k.startswith("raster") and k != "quant"}
    if args.json:
        _print_json(figures)
        return 0
    if "accuracy" in res:
        a = res["accuracy"]
        print(f"accuracy: float reference {100 * a['float']:.2f} %, bit-true "
              f"{100 * a['bit_true']:.2f} % ({100 * (a['bit_true'] - a['float']):+.2f} points)")
    print(f"prediction agreement: {100 * res['agreement']:.2f} % of {res['samples']} samples; "
          f"mean spike-count error {res['mean_count_error']:.3f} per output neuron and sample; "
          f"spikes {res['spikes']['float']} float, {res['spikes']['bit_true']} bit-true")
    sat = [k for k, v in res["flags"].items() if v]
    print("saturation: " + (", ".join(sat) if sat else "none") +
          f"; input codes clipped: {res['input_saturated']}")
    return 0


# ------------------------------------------------------------------------------ main -----
def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="neurohdl", description=__doc__.split("\n")[0])
    ap.add_argument("--version", action="version", version=f"neurohdl {__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True)

    ls = sub.add_parser("list", help="list registered cores with their VLNV")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(fn=cmd_list)

    i = sub.add_parser("info", help="a core's ports, Params (defaults, ranges), targets, docs")
    i.add_argument("core")
    i.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="show ports and ranges for this configuration")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    i.set_defaults(fn=cmd_info)

    g = sub.add_parser("gen", help="convert a core to Verilog/VHDL + manifest.json")
    g.add_argument("core")
    g.add_argument("--set", action="append", metavar="NAME=VALUE")
    g.add_argument("--out", required=True)
    g.add_argument("--hdl", choices=("verilog", "vhdl"), default="verilog")
    g.add_argument("--name", help="module name (default: the core name)")
    g.add_argument("--bench", action="store_true", help="also write the model replay bench")
    g.add_argument("--vectors", type=_int, default=500,
                   help="transactions in the replay bench (1..100000, default 500)")
    g.add_argument("--harness", action="store_true", help="also write the FPGA resource harness")
    g.set_defaults(fn=cmd_gen)

    s = sub.add_parser("sim", help="run a core's cocotb test on its converted Verilog")
    s.add_argument("core")
    s.add_argument("--set", action="append", metavar="NAME=VALUE")
    s.add_argument("--seed", type=_int, help="replay a logged seed (configuration + stimulus)")
    s.add_argument("--defaults", action="store_true",
                   help="use the Params defaults (plus --set) instead of a random configuration")
    s.add_argument("--waves", action="store_true",
                   help="write a waveform (Icarus: FST, Verilator: VCD, GHDL: GHW) and say where")
    s.add_argument("--sim", choices=("icarus", "verilator", "ghdl"), default="icarus")
    s.add_argument("--testcase", action="append",
                   help="run only this cocotb test (repeatable; a parametrized test's name "
                        "runs all its variants)")
    s.add_argument("--out", help="build folder (default ./build/sim/<core>-<seed>)")
    s.add_argument("-v", "--verbose", action="store_true", help="simulator output on the terminal")
    s.set_defaults(fn=cmd_sim)

    mu = sub.add_parser("mutate", help="mutation testing: yosys `mutate` mutants of the converted "
                                       "core through its cocotb suite; killed/survived/equivalent")
    mu.add_argument("core")
    mu.add_argument("-n", type=_int, default=20, help="mutations to list (1..1000, default 20)")
    mu.add_argument("--set", action="append", metavar="NAME=VALUE")
    mu.add_argument("--seed", type=_int, help="a random configuration and stimulus seed, as in "
                                              "`neurohdl sim` (default: the Params defaults)")
    mu.add_argument("--mutation-seed", type=_int, default=1,
                    help="seed of yosys `mutate -list` (default 1)")
    mu.add_argument("--only", type=_int, action="append", metavar="I",
                    help="run only mutant I of the list (1-based, repeatable)")
    mu.add_argument("--jobs", type=_int, default=1, help="mutants simulated at once (1..16)")
    mu.add_argument("--depth", type=_int, default=20,
                    help="equivalence check: induction length limit (1..200, default 20)")
    mu.add_argument("--fail-under", type=float, metavar="PCT",
                    help="exit 1 if the kill rate is below PCT per cent")
    mu.add_argument("--out", help="build folder (default ./build/mutate/<core>-<digest>-<seed>)")
    mu.set_defaults(fn=cmd_mutate)

    b = sub.add_parser("build", help="FPGA build through fusesoc/edalize; prints LUT/FF/BRAM/DSP/Fmax")
    b.add_argument("core")
    b.add_argument("--target", required=True,
                   help="ice40, ecp5, xilinx (Vivado project set-up only) or xilinx_synth")
    b.add_argument("--set", action="append", metavar="NAME=VALUE")
    b.add_argument("--out", help="build folder (default ./build/fpga/<core>-<target>-<digest>)")
    b.add_argument("--pnr-seed", type=_int, default=1, help="nextpnr placement seed (default 1)")
    b.add_argument("--json", action="store_true",
                   help="the result as JSON on stdout (progress on stderr)")
    b.add_argument("-v", "--verbose", action="store_true", help="tool output on the terminal")
    b.set_defaults(fn=cmd_build)

    r = sub.add_parser("report", help="build every core on the FPGA targets; write docs/resources.md")
    r.add_argument("--out", default="docs/resources.md")
    r.add_argument("--targets", default="ice40,ecp5,xilinx_synth")
    r.add_argument("--cores", nargs="*")
    r.set_defaults(fn=cmd_report)

    m = sub.add_parser("regmap", help="C header + runtime, markdown, IP-XACT, regmap.json and "
                                      "manifest.json from a SystemRDL map")
    m.add_argument("rdl")
    m.add_argument("--out", required=True)
    m.add_argument("--base", type=_int, default=0, help="block base address")
    m.add_argument("--vlnv", help="the block's VLNV for the manifest and IP-XACT")
    m.set_defaults(fn=cmd_regmap)

    d = sub.add_parser("docs", help="write the ports and Params tables of the core pages "
                                    "(docs/cores/) from the code")
    d.add_argument("cores", nargs="*", help="only these cores (default: every registered core)")
    d.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 listing the pages that differ from the code")
    d.set_defaults(fn=cmd_docs)
    fo = sub.add_parser("formal", help="prove a core's formal properties with SymbiYosys "
                                       "(k-induction); without a core: list the proofs")
    fo.add_argument("core", nargs="?")
    fo.add_argument("--depth", type=_int, help="k-induction depth (1..100, default: the proof's)")
    fo.add_argument("--set", action="append", metavar="NAME=VALUE",
                    help="prove this configuration instead of the proof's own ones")
    fo.add_argument("--out", help="work folder (default ./build/formal/<core>)")
    fo.set_defaults(fn=cmd_formal)

    co = sub.add_parser("compile", help="a NIR network -> the net.network core, its tables, "
                                        "quantisation report and manifest")
    _net_args(co)
    co.add_argument("--board", default="none", choices=("none", "icebreaker", "ulx3s", "arty"),
                    help="check the block RAM of this board's FPGA (default none)")
    co.add_argument("--name", help="module and core name (default: the file's name)")
    co.add_argument("--out", help="a new or empty folder (default ./build/compile/<net>)")
    co.set_defaults(fn=cmd_compile)

    ev = sub.add_parser("eval", help="a NIR network: float reference vs the bit-true "
                                     "fixed-point model on a data set (accuracy, agreement)")
    _net_args(ev)
    ev.add_argument("--data", required=True,
                    help=".npz with inputs [T, N, n_in] (float; spikes 0/1) and labels [N]")
    ev.add_argument("--limit", type=_int, help="the first N samples only")
    ev.add_argument("--save", help="write both output rasters (float, bit_true) to this .npz")
    ev.add_argument("--report", help="write quant_report.md/.json into this folder")
    ev.add_argument("--json", action="store_true", help="the figures as one JSON object")
    ev.set_defaults(fn=cmd_eval)
    return ap


def main(argv=None) -> int:
    from .params import one_line

    args = _parser().parse_args(argv)
    try:
        return args.fn(args)
    except ToolError as e:          # a tool's own report may follow the first line
        sys.stdout.flush()
        print(f"neurohdl: error: {e}", file=sys.stderr)
        return 2
    except NeurohdlError as e:
        sys.stdout.flush()
        print(f"neurohdl: error: {one_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:         # `neurohdl list | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as e:            # a path the user gave that cannot be read or written
        sys.stdout.flush()
        where = f"{e.filename}: " if e.filename else ""
        print(f"neurohdl: error: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neurohdl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

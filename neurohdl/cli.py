"""neurohdl command line: list, gen, sim, build, report, regmap.

    neurohdl list
    neurohdl gen sc.lfsr --set width=12 --out out/lfsr [--hdl vhdl]
    neurohdl sim sc.mul --seed 1234 [--waves] [--sim verilator]
    neurohdl build sc.mul --target ice40 [--set length=1024]

Errors print one line and exit with status 2; nothing half-written is left behind.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from . import __version__
from .errors import NeurohdlError


def _sets(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for s in pairs or []:
        if "=" not in s:
            raise NeurohdlError(f"--set {s!r}: allowed NAME=VALUE")
        k, v = s.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _params(entry, sets: dict[str, str], seed: int | None):
    cls = entry.decl.params
    if seed is None:
        return cls.from_dict(sets)
    fixed = cls.from_dict(sets).to_dict() if sets else {}
    fixed = {k: fixed[k] for k in sets}
    return cls.random(random.Random(seed), **fixed)


def cmd_list(args) -> int:
    from .registry import cores

    rows = [(e.decl.vlnv(), e.decl.description) for e in cores()]
    w = max(len(r[0]) for r in rows) if rows else 0
    for v, d in rows:
        print(f"{v:<{w}}  {d}")
    return 0


def cmd_gen(args) -> int:
    from .convert import generate
    from .registry import get

    entry = get(args.core)
    p = _params(entry, _sets(args.set), None)
    print(f"neurohdl: generating {entry.decl.vlnv()} ({args.hdl}) with {p}")
    g = generate(entry.decl, p, args.out, hdl=args.hdl, name=args.name,
                 bench={"vectors": args.vectors} if args.bench else None, harness=args.harness)
    for f in g.files:
        print(f"  wrote {f}")
    print(f"  wrote {g.manifest_path}  (top {g.top}, Params digest {p.digest()})")
    return 0


def cmd_sim(args) -> int:
    from .registry import get
    from .simrun import run_cocotb

    entry = get(args.core)
    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    p = _params(entry, _sets(args.set), seed if not args.defaults else None)
    out = Path(args.out or f"build/sim/{entry.decl.core}-{seed}").resolve()
    print(f"neurohdl: simulating {entry.decl.vlnv()} on {args.sim}, seed {seed}")
    print(f"  params: {p}")
    print(f"  replay: neurohdl sim {entry.name} --seed {seed}"
          + "".join(f" --set {s}" for s in args.set or []))
    t0 = time.time()
    r = run_cocotb(entry.name, p, seed, out, sim=args.sim, waves=args.waves,
                   testcase=args.testcase, verbose=args.verbose)
    dt = time.time() - t0
    print(f"  {r.tests - r.failed} passed, {r.failed} failed  ({dt:.1f} s; results {r.results_xml})")
    if args.waves:
        print(f"  waves: {r.waves}" if r.waves else "  waves: none written (see the test log)")
    if not r.ok:
        print(f"  log: {out / (args.sim + '_test.log')}")
    return 0 if r.ok else 1


def cmd_build(args) -> int:
    from .build import build

    res = build(args.core, args.target, _sets(args.set), out=args.out, seed=args.pnr_seed,
                verbose=args.verbose)
    print(res.table())
    return 0


def cmd_report(args) -> int:
    from .build import report

    report(args.out, targets=args.targets.split(","), cores=args.cores)
    return 0


def cmd_regmap(args) -> int:
    from .regmap_export import export

    print(f"regmap: {args.rdl} -> {args.out} (base {args.base:#x})")
    export(args.rdl, args.out, base=args.base, vlnv=args.vlnv)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="neurohdl", description=__doc__.split("\n")[0])
    ap.add_argument("--version", action="version", version=f"neurohdl {__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True)

    sub.add_parser("list", help="list registered cores with their VLNV").set_defaults(fn=cmd_list)

    g = sub.add_parser("gen", help="convert a core to Verilog/VHDL + manifest.json")
    g.add_argument("core")
    g.add_argument("--set", action="append", metavar="NAME=VALUE")
    g.add_argument("--out", required=True)
    g.add_argument("--hdl", choices=("verilog", "vhdl"), default="verilog")
    g.add_argument("--name", help="module name (default: the core name)")
    g.add_argument("--bench", action="store_true", help="also write the model replay bench")
    g.add_argument("--vectors", type=int, default=500)
    g.add_argument("--harness", action="store_true", help="also write the FPGA resource harness")
    g.set_defaults(fn=cmd_gen)

    s = sub.add_parser("sim", help="run a core's cocotb test on its converted Verilog")
    s.add_argument("core")
    s.add_argument("--set", action="append", metavar="NAME=VALUE")
    s.add_argument("--seed", type=int, help="replay a logged seed (configuration + stimulus)")
    s.add_argument("--defaults", action="store_true",
                   help="use the Params defaults (plus --set) instead of a random configuration")
    s.add_argument("--waves", action="store_true", help="write an FST waveform and say where")
    s.add_argument("--sim", choices=("icarus", "verilator"), default="icarus")
    s.add_argument("--testcase", action="append", help="run only this cocotb test (repeatable)")
    s.add_argument("--out", help="build folder (default build/sim/<core>-<seed>)")
    s.add_argument("-v", "--verbose", action="store_true", help="simulator output on the terminal")
    s.set_defaults(fn=cmd_sim)

    b = sub.add_parser("build", help="FPGA build through fusesoc/edalize; prints LUT/FF/BRAM/DSP/Fmax")
    b.add_argument("core")
    b.add_argument("--target", required=True, choices=("ice40", "ecp5", "xilinx", "xilinx_synth"))
    b.add_argument("--set", action="append", metavar="NAME=VALUE")
    b.add_argument("--out", help="build folder (default build/fpga/<core>-<target>-<digest>)")
    b.add_argument("--pnr-seed", type=int, default=1, help="nextpnr placement seed (default 1)")
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
    m.add_argument("--base", type=lambda x: int(x, 0), default=0, help="block base address")
    m.add_argument("--vlnv", help="the block's VLNV for the manifest and IP-XACT")
    m.set_defaults(fn=cmd_regmap)

    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except NeurohdlError as e:
        sys.stdout.flush()
        print(f"neurohdl: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neurohdl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

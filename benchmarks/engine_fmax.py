# SPDX-License-Identifier: Apache-2.0
"""neuron.engine Fmax / resource benchmark (nextpnr, fixed placement seed).

    python benchmarks/engine_fmax.py [--seed 1] [--only NAME ...] [--json out.json]

Builds through the project's own build path (``neurohdl.build.build``, i.e. ``neurohdl build
neuron.engine --target T --set ...``: FuseSoC/edalize, yosys + nextpnr from YoWASP, the few-pin
resource harness) and prints a markdown table of LUT/LC, FF, carry, BRAM and post-route Fmax
with the critical path's end points as nextpnr reports them.  Goals (issue): 256-neuron LIF
>= 60 MHz on iCE40 UP5K and >= 140 MHz on ECP5-85F speed 6; >= 4096 neurons fit a UP5K.

Configurations:
  lif256   the .core default: 256 LIF, Q8.8 membrane and accumulator (16/16 bits), 8-bit weights
  lif4096  4096 LIF, Q6.6 membrane and accumulator (12/12 bits), 8-bit weights: 24 of 30 EBR
           (at 16/16 bits the two RAMs need 32 EBR: 4096 x 16 bits = 16 EBR each)
  cuba256  256 Loihi CUBA-LIF (49-bit {u, v} word, int16 accumulator), cell defaults
  alif256  256 ALIF (Q8.8 v, 8-bit a), cell defaults
  alpha256 256 alpha neurons (Q8.8 v, 20-bit currents, two 16-bit accumulators), defaults
  izh256   256 Izhikevich neurons in Q8.8 (int_bits 8, frac_bits 8: the Q16.16 default needs
           13 multipliers, more than the UP5K's 8 DSPs), 16-bit accumulator
The four cell types run the single core's combinational step between two pipeline registers,
so their Fmax is that of one neuron step (multipliers included), not of the LIF datapath.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from neurohdl.build import build

CONFIGS = {
    "lif256": {},
    "lif4096": {"n": 4096, "in_width": 12, "w_width": 8,
                "cell": {"width": 12, "frac_bits": 6, "threshold": 64}},
    "cuba256": {"neuron": "cuba_lif"},
    "alif256": {"neuron": "alif"},
    "alpha256": {"neuron": "alpha"},
    "izh256": {"neuron": "izhikevich", "cell": {"int_bits": 8, "frac_bits": 8}},
}
CELLS = ("cuba256", "alif256", "alpha256", "izh256")
RUNS = [("lif256", "ice40"), ("lif256", "ecp5"), ("lif4096", "ice40"),
        ("lif256", "xilinx_synth")] + [(c, t) for c in CELLS for t in ("ice40", "ecp5")]
GOALS = {("lif256", "ice40"): 60.0, ("lif256", "ecp5"): 140.0}
#: iCE40 UP5K-SG48: 5,280 logic cells, 30 EBR (4 kbit), 8 DSP (SB_MAC16)
UP5K = {"lut": 5280, "bram": 30, "dsp": 8}
FIT_GOALS = {("lif4096", "ice40")}


def goal_text(r: dict) -> str:
    """The goal column: Fmax against its goal, or whether a configuration fits the UP5K."""
    key = (r["config"], r["target"])
    if key in FIT_GOALS:
        fits = all((r[k] or 0) <= cap for k, cap in UP5K.items())
        return (("fits" if fits else "**does not fit**") +
                f" ({r['bram']}/{UP5K['bram']} EBR, {r['lut']}/{UP5K['lut']} LC)")
    if key not in GOALS:
        return "-"
    met = r["fmax"] is not None and r["fmax"] >= GOALS[key]
    return f">= {GOALS[key]:.0f} " + ("met" if met else "**missed**")


def markdown(rows: list[dict]) -> str:
    """The docs table (docs/cores/neuron/engine.md) of the benchmark's rows."""
    out = ["| config | device | Params | LUT/LC | FF | carry | BRAM | DSP | Fmax MHz | goal | "
           "critical path (nextpnr) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        f = "-" if r["fmax"] is None else f"{r['fmax']:.1f}"
        out.append(f"| {r['config']} | {r['device']} | {r['digest']} | {r['lut']} | {r['ff']} | "
                   f"{r['carry']} | {r['bram']} | {r['dsp']} | {f} | {goal_text(r)} | "
                   f"{r['path']} |")
    return "\n".join(out)


def critical_path(work_root: str) -> str:
    """'source -> sink (logic ns, routing ns)' of nextpnr's clock critical path."""
    log = Path(work_root) / "next.log"
    if not log.exists():
        return "-"
    text = log.read_text()
    i = text.rfind("Critical path report for clock")
    if i < 0:
        return "-"
    block = text[i:text.find("ns routing", i) + 10]
    srcs = re.findall(r"Source (\S+)", block)
    tot = re.search(r"([\d.]+) ns logic, ([\d.]+) ns routing", block)
    if not srcs or not tot:
        return "-"
    short = [re.sub(r"^dut\.", "", s).split("_SB_")[0].split("_TRELLIS")[0].split("_LUT4")[0]
             for s in (srcs[0], srcs[-1])]
    return f"{short[0]} -> {short[1]} ({tot.group(1)} ns logic, {tot.group(2)} ns routing)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1, help="nextpnr placement seed (default 1)")
    ap.add_argument("--only", nargs="*", help="config:target pairs, e.g. lif256:ice40")
    ap.add_argument("--json", help="also write the rows as JSON")
    args = ap.parse_args(argv)
    runs = [r for r in RUNS if not args.only or f"{r[0]}:{r[1]}" in args.only]
    rows = []
    for name, target in runs:
        res = build("neuron.engine", target, CONFIGS[name], seed=args.seed)
        print(res.table(), flush=True)
        rows.append({"config": name, "target": target, "device": res.device,
                     "digest": res.digest, "lut": res.lut, "ff": res.ff, "carry": res.carry,
                     "bram": res.bram, "dsp": res.dsp, "fmax": res.fmax_mhz,
                     "path": critical_path(res.work_root) if target != "xilinx_synth" else "-",
                     "sets": CONFIGS[name]})
    print()
    print(markdown(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

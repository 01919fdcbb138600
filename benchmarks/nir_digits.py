# SPDX-License-Identifier: Apache-2.0
"""Accuracy of neurohdl's bit-true fixed-point network against the float reference (and so the
training framework, whose raster the reference reproduces exactly) on the digits test split,
for every committed test net (tests/data/nets/manifest.json), as ``neurohdl eval`` computes it.

    python benchmarks/nir_digits.py [--weight-bits 8] [--state-bits 16] [--limit N] [--json]

One row per net: float and bit-true accuracy, their difference (issue 14's goal: within 0.5
points at 8-bit weights), prediction agreement, mean spike-count error, saturation.  Graded
(current) inputs run at 8 bits.  Takes about 5 minutes on one core (the model is plain Python).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from neurohdl.models.net import nir_eval, nir_quant
from neurohdl.models.net.nir_ref import Policy
from neurohdl.nirgraph import fix, load

NETS = Path(__file__).resolve().parent.parent / "tests" / "data" / "nets"


def row(name: str, m: dict, weight_bits: int, state_bits: int, limit) -> dict:
    net = load(NETS / m["nir"])
    if m.get("fix"):
        net = fix(net, m["fix"], m["policy"]["dt"])
    graded = m["encoding"] != "rate"
    opts = nir_quant.QuantOptions(weight_bits=weight_bits, state_bits=state_bits,
                                  input_bits=8 if graded else 0)
    with np.load(NETS / m["inputs"]) as d:
        x, y = d["inputs"], d["labels"]
    t = time.time()
    r = nir_eval.evaluate(net, Policy(**m["policy"]), opts, x, y, limit)
    a = r["accuracy"]
    return {"net": name, "nodes": m["layer"], "input": m["encoding"], "samples": r["samples"],
            "float": a["float"], "bit_true": a["bit_true"], "points": 100 * (a["bit_true"] - a["float"]),
            "agreement": r["agreement"], "count_error": r["mean_count_error"],
            "saturation": [k for k, v in r["flags"].items() if v], "seconds": time.time() - t}


def markdown(rows, weight_bits, state_bits) -> str:
    lines = [f"Weights {weight_bits} bits, state {state_bits} bits, graded inputs 8 bits.", "",
             "| net | input | samples | float | bit-true | points | agreement | "
             "spike-count error | saturation |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['net']} | {r['input']} | {r['samples']} | {100 * r['float']:.2f} % | "
                     f"{100 * r['bit_true']:.2f} % | {r['points']:+.2f} | "
                     f"{100 * r['agreement']:.2f} % | {r['count_error']:.3f} | "
                     f"{', '.join(r['saturation']) or 'none'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weight-bits", type=int, default=8)
    ap.add_argument("--state-bits", type=int, default=16)
    ap.add_argument("--limit", type=int, help="the first N test samples only")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    manifest = json.loads((NETS / "manifest.json").read_text())["nets"]
    rows = []
    for name in sorted(manifest):
        print(f"nir_digits: {name} ...", file=sys.stderr, flush=True)
        rows.append(row(name, manifest[name], a.weight_bits, a.state_bits, a.limit))
        print(f"nir_digits: {name}: {100 * rows[-1]['bit_true']:.2f} % bit-true "
              f"({rows[-1]['seconds']:.0f} s)", file=sys.stderr, flush=True)
    print(json.dumps(rows, indent=1) if a.json else markdown(rows, a.weight_bits, a.state_bits))
    return 0


if __name__ == "__main__":
    sys.exit(main())

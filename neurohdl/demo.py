# SPDX-License-Identifier: Apache-2.0
"""``make demo``: the SNN SoC from register map to boards and back to the host.

1. builds the SoC for its boards through fusesoc/edalize (YoWASP yosys + nextpnr, seed 1):
   iCEBreaker (iCE40 UP5K bitstream), ULX3S (ECP5-85F bitstream), Arty A7 (Vivado project
   set-up + yosys synth_xilinx utilisation), printing resources and Fmax per board;
2. generates the host artefacts of the register map (C header + runtime, markdown, IP-XACT,
   regmap.json, manifest.json);
3. runs the demo program (neurohdl/demo_snn.py: a small network driven by SC-encoded inputs)
   with the Python driver, loading the generated manifest, against the converted SoC in
   simulation (through its UART pins) and against the numpy SoC model; prints the counters,
   whether both agree bit for bit, and saves a spike raster PNG.

``python -m neurohdl.demo --no-boards`` skips step 1; ``--boards icebreaker`` picks; ``--mul``
runs the earlier single-core demo (sc.mul from model to bitstream).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _rtl_counts(p, ops, work: Path) -> list[int]:
    from .simrun import run_cocotb

    out = work / "counts.json"
    r = run_cocotb("sc.mul", p, 1, work, test_module="neurohdl.verif.sc.demo_mul",
                   extra_env={"NEUROHDL_DEMO_OPS": json.dumps([[int(a), int(b)] for a, b in ops]),
                              "NEUROHDL_DEMO_OUT": str(out)})
    if not r.ok or not out.exists():
        raise SystemExit(f"demo: RTL simulation failed; see {work}")
    return json.loads(out.read_text())


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m neurohdl.demo", description=__doc__.split("\n")[0])
    ap.add_argument("--boards", default="icebreaker,ulx3s,arty",
                    help="comma-separated boards to build (icebreaker, ulx3s, arty)")
    ap.add_argument("--no-boards", action="store_true", help="skip the FPGA builds")
    ap.add_argument("--out", default=None, help="output folder (default build/demo)")
    ap.add_argument("--mul", action="store_true", help="the sc.mul demo instead")
    a = ap.parse_args(argv)
    if a.mul:
        return mul_demo()
    import importlib               # the demo program sits on top of the stack (neurohdl.sw)
    demo = importlib.import_module("neurohdl.sw.demo_snn")
    return demo.soc_demo([] if a.no_boards else [b for b in a.boards.split(",") if b], a.out)


def mul_demo() -> int:
    from .build import build
    from .registry import REPO_ROOT, get

    mul = get("sc.mul")
    MulParams = mul.decl.params
    t0 = time.time()
    print("neurohdl demo: unipolar SC multiplier (two LFSR SNGs on different polynomials, AND, "
          "counter)\n")
    print("== 1. FPGA builds (fusesoc + edalize, yosys 0.70 / nextpnr 0.11, placement seed 1) ==")
    rows = []
    for target in ("ice40", "ecp5"):
        r = build("sc.mul", target)
        rows.append(r)
        print()
    print(f"{'target':<28} {'LUT/LC':>7} {'FF':>6} {'BRAM':>5} {'DSP':>4} {'Fmax MHz':>9}  bitstream")
    for r in rows:
        art = Path(r.artifacts[0]).relative_to(REPO_ROOT) if r.artifacts else "-"
        print(f"{r.device:<28} {r.lut:>7} {r.ff:>6} {r.bram:>5} {r.dsp:>4} {r.fmax_mhz:>9.2f}  {art}")
    print("(iCE40 LUT/LC = logic cells; numbers include the few-pin resource harness)\n")

    print("== 2. RTL simulation vs bit-true model ==")
    import importlib
    model = importlib.import_module(mul.model_module)           # via the registry, by name
    sng = importlib.import_module(get("sc.sng").model_module)

    probs = [(0.5, 0.5), (0.75, 0.4), (0.3, 0.9), (0.125, 0.0625), (0.9, 0.95)]
    all_ok = True
    print(f"{'N':>5} {'a':>6} {'b':>6} {'a*b':>8} {'estimate':>9} {'error':>9} {'model':>6} "
          f"{'RTL':>6}  bit-exact")
    with tempfile.TemporaryDirectory(prefix="neurohdl-demo-") as tmp:
        for n in (64, 256, 1024):
            p = MulParams(length=n)
            ops = [(int(sng.encode(p.sng_a(), a)), int(sng.encode(p.sng_b(), b))) for a, b in probs]
            want = [int(c) for c in model.run(p, ops)]
            got = _rtl_counts(p, ops, Path(tmp) / f"n{n}")
            exact = model.exact(p, ops)
            for (pa, pb), e, w, g in zip(probs, exact, want, got):
                ok = (w == g)
                all_ok &= ok
                print(f"{n:>5} {pa:>6.3f} {pb:>6.3f} {e:>8.5f} {g / n:>9.5f} {g / n - e:>+9.5f} "
                      f"{w:>6} {g:>6}  {'yes' if ok else 'NO'}")
            bound = model.binomial_rmse(p, ops)
            print(f"      N={n}: RMSE {model.rmse(p, ops, got):.5f} (independent-random bound "
                  f"{bound:.5f}); a, b encoded as x = round(p (2^16 - 1)) + 1")
    print(f"\nRTL and model agree bit for bit on every op: {'yes' if all_ok else 'NO'}")
    print(f"demo finished in {time.time() - t0:.1f} s")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())

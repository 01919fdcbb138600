# SPDX-License-Identifier: Apache-2.0
"""SC accuracy benchmark: RMSE of unipolar AND-multiply against a*b, and mean |SCC|.

    python benchmarks/sc_accuracy.py [--rtl] [--out docs]

Method (as docs/references.md §3): 4096 random pairs (a, b) ~ U[0, 1) (numpy seed 2026); a
stream bit is ``u < x`` with u from the generator under test and x = floor(a 2^W) for a W-bit
source; the estimate is popcount(A AND B) / N; RMSE against the real product a*b.  Mean |SCC|
over the first 2000 pairs at N = 256 and 1024.  Everything comes from neurohdl's bit-true models
(LFSR, Sobol, Halton); ``--rtl`` adds a spot check at N = 256: the converted sc.mul Verilog
(library-default LFSR pair) must give exactly the model's counts for 32 of the pairs.

Writes ``<out>/sc_accuracy.md`` (table) and ``<out>/sc_accuracy.png`` (log-log plot with the
0.373/sqrt(N) random limit and a 1/N line).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from neurohdl.models.sc import halton, lfsr, sobol
from neurohdl.models.sc.bitstream import scc_counts
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams, reciprocal_taps
from neurohdl.models.sc.mul import MulParams

NS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
PAIRS, SCC_PAIRS, SEED = 4096, 2000, 2026


def _lfsr_seq(width, taps, seed, n):
    return lfsr.run(LfsrParams(width=width, taps=taps, seed=seed), n).astype(np.int64)


_XAPP052 = lfsr._XAPP052


def _fib_seq(k, taps, seed, n):
    """Fibonacci LFSR (shift left, XOR of the tap bits into bit 0), as docs/references.md §3."""
    mask, s, out = (1 << k) - 1, seed, np.empty(n, dtype=np.int64)
    for i in range(n):
        out[i] = s
        fb = 0
        for t in taps:
            fb ^= (s >> (t - 1)) & 1
        s = ((s << 1) | fb) & mask
    return out


def gen_fib_kbit(n, same_poly):
    """docs/references.md §3's method: k = log2 N bit Fibonacci LFSRs with XAPP052 taps, seeds 1 and
    2^(k-1)+1; B uses the reciprocal taps (k - t) or the same taps (the pitfall)."""
    k = max(3, n.bit_length() - 1)
    t = _XAPP052[k]
    rt = tuple(sorted({k} | {k - x for x in t if x != k}, reverse=True))
    return (_fib_seq(k, t, 1, n), _fib_seq(k, t if same_poly else rt, (1 << (k - 1)) + 1, n), k)


def gen_lfsr_kbit(n, same_poly):
    """k = log2 N bit LFSRs (the table's maximal mask), seeds 1 and 2^(k-1)+1; B uses the
    reciprocal polynomial, or the same one (the pitfall)."""
    k = max(3, n.bit_length() - 1)
    t = MAXIMAL_TAPS[k]
    ua = _lfsr_seq(k, t, 1, n)
    ub = _lfsr_seq(k, t if same_poly else reciprocal_taps(t, k), (1 << (k - 1)) + 1, n)
    return ua, ub, k


def gen_lfsr_default(n):
    """What sc.mul uses by default: 16-bit, 0xB400 and its reciprocal, seeds 0xACE1 / 0xBEEF."""
    p = MulParams(length=n)
    return (_lfsr_seq(16, p.a_taps, p.a_seed, n), _lfsr_seq(16, p.b_taps, p.b_seed, n), 16)


def gen_sobol(n):
    p = sobol.SobolParams(width=16, dims=2)
    x = sobol.run(p, n).astype(np.int64)
    return x[:, 0], x[:, 1], 16


def gen_halton(n):
    w = 16
    ua = halton.sequence(n, 2, w).astype(np.int64)
    d3 = 11  # 3^11 = 177147 >= 2^16: rescale base-3 digits to 16 bits exactly by integer floor
    ub = (halton.sequence(n, 3, d3).astype(np.int64) * (1 << w)) // (3 ** d3)
    return ua, ub, w


def counts(ua, ub, w, a, b):
    xa = np.floor(a * (1 << w)).astype(np.int64)
    xb = np.floor(b * (1 << w)).astype(np.int64)
    A = ua[None, :] < xa[:, None]
    B = ub[None, :] < xb[:, None]
    return A, B, np.count_nonzero(A & B, axis=1)


def measure(gen, a, b):
    rmse, scc = {}, {}
    for n in NS:
        ua, ub, w = gen(n)
        A, B, c = counts(ua, ub, w, a, b)
        rmse[n] = float(np.sqrt(np.mean((c / n - a * b) ** 2)))
        if n in (256, 1024):
            A, B = A[:SCC_PAIRS], B[:SCC_PAIRS]
            a11 = np.count_nonzero(A & B, axis=1)
            a10 = np.count_nonzero(A & ~B, axis=1)
            a01 = np.count_nonzero(~A & B, axis=1)
            scc[n] = float(np.mean(np.abs(scc_counts(a11, a10, a01, n - a11 - a10 - a01))))
    return rmse, scc


def bernoulli(a, b, draws=8):
    rng = np.random.default_rng(SEED + 1)
    rmse, scc = {n: 0.0 for n in NS}, {}
    for n in NS:
        acc, sc = [], []
        for _ in range(draws):
            A = rng.random((len(a), n)) < a[:, None]
            B = rng.random((len(b), n)) < b[:, None]
            c = np.count_nonzero(A & B, axis=1)
            acc.append(float(np.sqrt(np.mean((c / n - a * b) ** 2))))
            if n in (256, 1024):
                A, B = A[:SCC_PAIRS], B[:SCC_PAIRS]
                a11 = np.count_nonzero(A & B, axis=1)
                a10 = np.count_nonzero(A & ~B, axis=1)
                a01 = np.count_nonzero(~A & B, axis=1)
                sc.append(float(np.mean(np.abs(scc_counts(a11, a10, a01, n - a11 - a10 - a01)))))
        rmse[n] = float(np.mean(acc))
        if sc:
            scc[n] = float(np.mean(sc))
    return rmse, scc


ROWS = [
    ("Bernoulli (ideal random, mean of 8)", None),
    ("LFSR k-bit Fibonacci, 2 polys", lambda n: gen_fib_kbit(n, False)),
    ("LFSR k-bit Fibonacci, same poly, 2 seeds (pitfall)", lambda n: gen_fib_kbit(n, True)),
    ("LFSR k-bit Galois (sc.lfsr), 2 polys", lambda n: gen_lfsr_kbit(n, False)),
    ("LFSR k-bit Galois (sc.lfsr), same poly, 2 seeds", lambda n: gen_lfsr_kbit(n, True)),
    ("LFSR 16-bit, sc.mul default pair", gen_lfsr_default),
    ("Sobol d1+d2", gen_sobol),
    ("Halton 2,3", gen_halton),
]


def slope(r):
    x, y = np.log(NS), np.log([max(r[n], 1e-12) for n in NS])
    return float(np.polyfit(x, y, 1)[0])


def rtl_spot_check(a, b, k=32):
    """sc.mul's converted Verilog at N = 256 vs this benchmark's own counts (default pair)."""
    import importlib
    import tempfile

    from neurohdl.models.sc import sng
    from neurohdl.simrun import run_cocotb
    n = 256
    p = MulParams(length=n)
    xa = np.floor(a[:k] * (1 << 16)).astype(np.int64)
    xb = np.floor(b[:k] * (1 << 16)).astype(np.int64)
    # The benchmark restarts both LFSRs for every pair; the RTL runs ops back to back, so
    # compare against the model's back-to-back counts and, separately, the first op.
    ua, ub, _ = gen_lfsr_default(n * k)
    bench = np.count_nonzero((ua.reshape(k, n) < xa[:, None]) & (ub.reshape(k, n) < xb[:, None]),
                             axis=1)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "counts.json"
        r = run_cocotb("sc.mul", p, 1, Path(tmp), test_module="neurohdl.verif.sc.demo_mul",
                       extra_env={"NEUROHDL_DEMO_OPS": json.dumps([[int(x), int(y)] for x, y in zip(xa, xb)]),
                                  "NEUROHDL_DEMO_OUT": str(out)})
        got = json.loads(out.read_text()) if r.ok and out.exists() else None
    ok = got is not None and [int(c) for c in bench] == got
    return ok, k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="docs")
    ap.add_argument("--rtl", action="store_true", help="RTL spot check of sc.mul at N = 256")
    args = ap.parse_args(argv)
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    a, b = rng.random(PAIRS), rng.random(PAIRS)
    results = []
    for name, gen in ROWS:
        r, s = bernoulli(a, b) if gen is None else measure(gen, a, b)
        results.append((name, r, s))
        print(f"{name:<52} " + " ".join(f"{r[n]:.4f}" for n in NS) + f"  slope {slope(r):+.2f}",
              flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# SC accuracy: unipolar AND multiply", "",
             "Generated by `python benchmarks/sc_accuracy.py --rtl --out docs` from neurohdl's "
             "bit-true models (method in the script's docstring and docs/references.md §3). "
             f"RMSE of popcount(A AND B)/N against a*b over {PAIRS} random pairs; mean |SCC| over "
             f"{SCC_PAIRS} pairs.", "",
             "| generator | " + " | ".join(f"N={n}" for n in NS) +
             " | slope | mean \\|SCC\\| @256 / @1024 |",
             "|---|" + "---|" * len(NS) + "---|---|",
             "| theory, random 0.373/sqrt(N) | " + " | ".join(f"{0.373 / np.sqrt(n):.4f}" for n in NS)
             + " | -0.50 | |"]
    for name, r, s in results:
        lines.append(f"| {name} | " + " | ".join(f"{r[n]:.4f}" for n in NS) +
                     f" | {slope(r):+.2f} | {s.get(256, float('nan')):.2f} / "
                     f"{s.get(1024, float('nan')):.2f} |")
    if args.rtl:
        ok, k = rtl_spot_check(a, b)
        lines += ["", f"RTL spot check (N = 256, {k} pairs, sc.mul converted Verilog on Icarus, "
                  f"library-default LFSR pair run back to back): "
                  f"{'bit-exact with the model' if ok else 'MISMATCH'}."]
        print(f"RTL spot check: {'bit-exact' if ok else 'MISMATCH'}")
        if not ok:
            return 1
    (out / "sc_accuracy.md").write_text("\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.loglog(NS, [0.373 / np.sqrt(n) for n in NS], "k--", lw=1, label="random limit 0.373/√N")
    ax.loglog(NS, [0.85 / n for n in NS], "k:", lw=1, label="low-discrepancy 0.85/N")
    for name, r, _ in results:
        ax.loglog(NS, [r[n] for n in NS], "o-", ms=3, label=name)
    ax.set_xlabel("stream length N")
    ax.set_ylabel("RMSE of a·b estimate")
    ax.set_title("Unipolar AND multiply: RMSE vs stream length (neurohdl models)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "sc_accuracy.png", dpi=120)
    print(f"wrote {out / 'sc_accuracy.md'} and {out / 'sc_accuracy.png'} ({time.time() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

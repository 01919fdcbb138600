# SPDX-License-Identifier: Apache-2.0
"""The SNN SoC demo program: a small network driven by SC-encoded inputs.

Written once, as coroutines over :class:`neurohdl.sw.snn_soc.AsyncSnnSoc`, and run twice by
``make demo`` through the public :mod:`neurohdl.sw.rtl_transport`: against the converted SoC in
simulation (cocotb, through the UART pins with bit-level framing) and against the numpy SoC
model.  The network: ``n_axons`` inputs, the first ``sc_channels`` of them SC-encoded
analogue values (rates 1/8 .. 7/8), the others injected spikes on a fixed schedule; ``n_neurons``
LIF neurons in ``GROUPS`` groups, each group listening to one SC input strongly and to the
injected axons weakly, so the raster shows the input rates.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

#: the SoC the demo builds in simulation (host = 'uart': the board path, divisor 8 in sim)
DEMO_PARAMS = dict(n_neurons=16, n_axons=6, in_depth=16, out_depth=256, sc_channels=4,
                   sc_width=8, sc_source="lfsr",
                   engine={"cell": {"threshold": 96, "leak_shift": 3}}, host="uart",
                   clk_hz=12_000_000, baud=1_500_000)
TIMESTEPS = 48
CHUNK = 8                      # timesteps per run command (then the spikes are read out)


def weights(n_axons: int, n_neurons: int, sc_channels: int, w_max: int) -> np.ndarray:
    """Neuron n listens to SC input n % sc_channels (strong) and to the injected axons (weak)."""
    W = np.zeros((n_axons, n_neurons), dtype=np.int64)
    for n in range(n_neurons):
        W[n % sc_channels, n] = w_max * (2 + n // sc_channels) // 5
        for a in range(sc_channels, n_axons):
            W[a, n] = w_max // 4 if (n + a) % 3 == 0 else -(w_max // 8)
    return W


def sc_values(sc_channels: int, sc_width: int) -> list[int]:
    return [((2 * c + 1) << sc_width) // (2 * sc_channels) for c in range(sc_channels)]


async def program(soc, log=print) -> dict:
    """Runs the demo on ``soc`` (an AsyncSnnSoc); returns spikes, counters and telemetry."""
    info = await soc.info()
    log(f"  SoC: {info.n_neurons} {info.neuron_name} neurons, {info.n_axons} axons "
        f"({info.sc_channels} SC-encoded, {info.sc_width}-bit), weights {info.w_width}-bit, "
        f"FIFOs {info.in_depth}/{info.out_depth}")
    await soc.reset_network()
    W = weights(info.n_axons, info.n_neurons, info.sc_channels, info.w_max)
    await soc.load_weights(W)
    vals = sc_values(info.sc_channels, info.sc_width)
    await soc.set_sc_values(vals)
    log(f"  loaded {W.size} weights; SC values {vals} (rates "
        f"{', '.join(f'{v / (1 << info.sc_width):.3f}' for v in vals)})")
    spikes: list[tuple[int, int]] = []
    for t0 in range(0, TIMESTEPS, CHUNK):
        inj = [a for a in range(info.sc_channels, info.n_axons) if (t0 // CHUNK + a) % 2 == 0]
        await soc.inject(inj)
        await soc.run(CHUNK)
        got = await soc.read_spikes()
        spikes += [(int(s.tstep), int(s.neuron)) for s in got]
        log(f"  timesteps {t0:>3}..{t0 + CHUNK - 1:<3} injected {inj}: {len(got)} spikes")
    return {"spikes": spikes, "counters": await soc.counters(),
            "telemetry": await soc.telemetry(), "weights": W.tolist(), "sc_values": vals}


async def quiet_program(soc) -> dict:
    """:func:`program` without its progress lines (what ``make demo`` runs on both targets)."""
    return await program(soc, log=lambda *x: None)


def raster_png(spikes, n_neurons: int, timesteps: int, path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=120)
    if spikes:
        t, n = zip(*spikes)
        ax.scatter(t, n, marker="|", s=60, color="k")
    ax.set_xlim(-0.5, timesteps - 0.5)
    ax.set_ylim(-0.5, n_neurons - 0.5)
    ax.set_xlabel("timestep")
    ax.set_ylabel("neuron")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def soc_demo(boards, out=None) -> int:
    from neurohdl.boards import build_board, summary_line
    from neurohdl.registry import REPO_ROOT, get
    from neurohdl.regmap_export import export
    from neurohdl.errors import ToolError
    from neurohdl.sw.rtl_transport import RtlRunError, run_on_model, run_on_rtl

    t0 = time.time()
    out = Path(out) if out else REPO_ROOT / "build" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    print("neurohdl demo: the SNN SoC (UART bridge, CSR block, spike FIFOs, weight memory, SC "
          "encoders, LIF engine) on boards and in simulation\n")
    if boards:
        print("== 1. board builds (fusesoc + edalize, yosys / nextpnr, placement seed 1) ==")
        rows = []
        for b in boards:
            rows.append(build_board(b, out / "boards" / b))
            print()
        for r in rows:
            print(summary_line(r))
        print()
    else:
        print("== 1. board builds: skipped (--no-boards) ==\n")

    soc = get("net.snn_soc")
    P = soc.decl.params
    p = P(**DEMO_PARAMS)
    print("== 2. host artefacts from cores/net/snn_soc.rdl ==")
    files = export(soc.decl.regmap(p), out / "regmap", vlnv=soc.decl.vlnv(),
                   params=p.to_dict(), log=lambda *x: None)
    for k in ("c_header", "markdown", "ipxact", "manifest"):
        print(f"  {k:<9} {files[k].relative_to(REPO_ROOT) if files[k].is_relative_to(REPO_ROOT) else files[k]}")
    print()

    print(f"== 3. demo program: {TIMESTEPS} timesteps, Python driver (AsyncSnnSoc) ==")
    print(f"  {p}")
    print("  a) converted SoC in simulation (Icarus + cocotb), through the UART pins "
          f"({p.baud} Bd at {p.clk_hz / 1e6:.0f} MHz):")
    try:
        rtl = run_on_rtl(quiet_program, p, out=out / "sim", table=files["manifest"], timeout=0.5)
    except (RtlRunError, ToolError) as e:
        print(f"demo: RTL simulation failed: {e}")
        return 1
    print(f"     {len(rtl['spikes'])} spikes read back")
    print("  b) numpy SoC model, same program, same driver:")
    mdl = run_on_model(quiet_program, p, table=files["manifest"])
    same = rtl == mdl
    ok &= same
    print(f"     {len(mdl['spikes'])} spikes")
    print()
    c = rtl["counters"]
    print(f"  counters: TSTEP {c['TSTEP']}, EVENTS_IN {c['EVENTS_IN']}, EVENTS_OUT "
          f"{c['EVENTS_OUT']}, EVENTS_DROPPED {c['EVENTS_DROPPED']}, IN_DROPPED "
          f"{c['IN_DROPPED']}  (in = out + dropped: "
          f"{'yes' if c['EVENTS_IN'] == c['EVENTS_OUT'] + c['EVENTS_DROPPED'] else 'NO'})")
    per = np.bincount([n for _, n in rtl["spikes"]], minlength=p.n_neurons) if rtl["spikes"] \
        else np.zeros(p.n_neurons, dtype=int)
    print(f"  spikes per neuron: {per.tolist()}")
    print(f"  RTL and model agree bit for bit (spikes, counters, telemetry): "
          f"{'yes' if same else 'NO'}")
    png = out / "raster.png"
    raster_png(rtl["spikes"], p.n_neurons, TIMESTEPS, png,
               f"net.snn_soc in simulation: {p.n_neurons} LIF neurons, SC inputs "
               f"{rtl['sc_values']} / 2^{p.sc_width}")
    print(f"  spike raster: {png}")
    print(f"\ndemo finished in {time.time() - t0:.1f} s")
    return 0 if ok else 1

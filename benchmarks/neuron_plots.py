# SPDX-License-Identifier: Apache-2.0
"""Plots of the bit-true neuron models: Izhikevich presets against the float equations, and a
spike raster of a stochastic-LIF population.

    python benchmarks/neuron_plots.py [--out docs]

Left: v(t) of the four ``neuron.izhikevich`` presets (Q16.16, dt = 0.5 ms, I = 10) from the
bit-true model, with the float64 Euler integration of Izhikevich (2003) at the same dt drawn
dashed underneath (written here from the published equations, not from the model).  Right: 64
``neuron.stochastic_lif`` neurons (LFSR noise on the membrane, each its own LFSR seed) driven by
the same constant sub-threshold current: the noise alone makes them fire, at different times.

Writes ``<out>/neuron_traces.png``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from neurohdl.models.neuron import izhikevich, stochastic_lif
from neurohdl.models.neuron.izhikevich import PRESETS, IzhikevichParams
from neurohdl.models.neuron.stochastic_lif import StochasticLifParams


def float_izhikevich(a, b, c, d, I, dt, T, v0=-65.0):
    v, u = v0, b * v0
    vs = np.zeros(T)
    for t in range(T):
        dv = 0.04 * v * v + 5 * v + 140 - u + I
        du = a * (b * v - u)
        v, u = v + dt * dv, u + dt * du
        if v >= 30:
            v, u = c, u + d
        vs[t] = v
    return vs


def stochastic_raster(n: int, T: int):
    rows = []
    for k in range(n):
        p = StochasticLifParams(lfsr_seed=0xACE1 ^ (k * 0x9E37 & 0xFFFF) or 1, noise_bits=8)
        # without noise v settles where v >> k == drive: 240..255 < theta = 256 (silent)
        drive = [(int(p.v_threshold) >> p.leak_shift) - 1] * T
        spikes = stochastic_lif.run_population(p, np.asarray(drive).reshape(-1, 1))[0][:, 0]
        rows.append(np.flatnonzero(spikes))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="docs")
    a = ap.parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    T, dt = 600, 0.5
    fig = plt.figure(figsize=(12, 7))
    gs = fig.add_gridspec(4, 2, width_ratios=[3, 2])
    for k, name in enumerate(PRESETS):
        p = IzhikevichParams(preset=name)
        I = np.full((T, 1), izhikevich.current(p, 10.0))
        _, v, _ = izhikevich.run_population(p, I)
        ax = fig.add_subplot(gs[k, 0])
        t = np.arange(T) * dt
        ax.plot(t, float_izhikevich(*PRESETS[name], 10.0, dt, T), "--", color="0.6", lw=1,
                label="float64 Euler")
        ax.plot(t, v[:, 0] / 2 ** p.frac_bits, lw=1, label="bit-true Q16.16")
        ax.set_ylabel(f"{name}\nv (mV)", fontsize=8)
        if k == 0:
            ax.legend(fontsize=7, loc="lower right")
            ax.set_title("neuron.izhikevich, I = 10, dt = 0.5 ms")
        if k == 3:
            ax.set_xlabel("t (ms)")
    ax = fig.add_subplot(gs[:, 1])
    rows = stochastic_raster(64, 400)
    ax.eventplot(rows, linelengths=0.8, colors="k")
    ax.set_title("neuron.stochastic_lif: 64 neurons, noise on v")
    ax.set_xlabel("timestep")
    ax.set_ylabel("neuron")
    fig.tight_layout()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "neuron_traces.png", dpi=110)
    print(f"wrote {out / 'neuron_traces.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

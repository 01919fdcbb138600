# SPDX-License-Identifier: Apache-2.0
"""Train neurohdl's own NIR test nets on scikit-learn's digits and export them (issue 14).

Not part of ``make test``: it needs torch (CPU), snnTorch, Norse and scikit-learn, pinned in
``tools/requirements-nets.txt`` (the lines that worked here, Python 3.11, 2026-12-08)::

    torch==2.13.0          # the CPU wheel on disk; never let pip pick a CUDA build
    snntorch==1.0.0
    norse==1.1.0           # pulls torchvision 0.28.0, which does not import beside this torch
                           # ("operator torchvision::nms does not exist"); Norse's NIR export
                           # and its LIFBox do not need it
    nirtorch==2.6
    nir==1.0.8             # as requirements.lock
    h5py==3.16.0           # as requirements.lock
    numpy==2.4.6           # as requirements.lock
    scipy==1.17.1
    scikit-learn==1.9.1
    torchvision==0.28.0    # what pip takes for norse; see above

    python3 -m venv /tmp/netsvenv
    /tmp/netsvenv/bin/pip install torch==2.13.0
    /tmp/netsvenv/bin/pip install -r tools/requirements-nets.txt
    /tmp/netsvenv/bin/python tools/make_nets.py            # writes tests/data/nets/

What it writes (tests/data/nets/, see README.md there):

* ``<net>.nir``: the exporter's own NIR file (snnTorch ``export_to_nir``, Norse ``to_nir``) of
  five 64-32-10 nets: snnTorch Leaky (LIF), Synaptic (CubaLIF), RLeaky (recurrent LIF), Norse
  LIFBoxCell (LIF) and LIFCell (CubaLIF);
* ``digits_current.npz`` / ``digits_rate.npz``: the exact inputs, ``inputs`` [T, N, 64] float32
  and ``labels`` [N], for the whole test split (N = 360);
* ``<net>.spikes.npz``: ``spikes`` [T, N, 10] uint8, the exporting framework's own output raster
  for those inputs (its float32 forward pass, state reset per sample);
* ``snntorch_leaky_resets.npz``: the Leaky net's raster under snnTorch's four reset rules
  (first 100 test samples; docs/nir.md);
* ``manifest.json``: per net its files, the policy neurohdl must run it under (dt, method,
  reset), the encoding and the float accuracy; ``versions.json``: the framework versions.

Data: ``sklearn.datasets.load_digits`` (1,797 8x8 images, pixels 0..16), split 80/20 with
``train_test_split(test_size=0.2, random_state=0, stratify=labels)``: 1,437 train, 360 test.
Encodings: *current*: pixel / 16 as a constant input current for all T steps (non-spiking
input); *rate*: a spike in a step with probability pixel / 16 (Bernoulli, numpy seed 1 for the
test inputs).  A net's prediction is the argmax of its output spike counts, ties to the lowest
index.

Every neuron is exported so that NIR's semantics (fire on v > v_threshold after the step's
update, reset to v_reset = 0 in the same step) is what the framework ran: snnTorch with
``reset_mechanism="zero", reset_delay=False``; Norse's LIFBox resets to v_reset in the step by
design.  snnTorch writes tau = dt/(1-beta) with dt = 1e-4 (so dt = 1e-4, Euler); Norse writes
tau = dt_export/tau_mem_inv, exported here with dt_export = 1 so tau = 1/tau_mem_inv is the real
time constant and neurohdl runs it with Norse's own simulation dt = 1e-3 (Euler).  Norse's
LIFCell adds each input to its current in full, so its CubaLIF needs w_in = tau_syn/dt, which
to_nir does not write (it leaves w_in = 1): the manifest records that fix.  Rerunning the script
reproduces the files bit for bit here (checked for snntorch_leaky and snntorch_rleaky).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import nir
import numpy as np
import torch

T = 16                 # timesteps per sample
HIDDEN = 32            # 64-32-10 nets
SEED = 0
EPOCHS = 40
BATCH = 64
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nets"


def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    return train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)


def encode(x: np.ndarray, how: str, rng: np.random.Generator | None = None) -> np.ndarray:
    """[N, 64] intensities in [0, 1] -> [T, N, 64] float32 inputs."""
    if how == "current":
        return np.broadcast_to(x, (T, *x.shape)).astype(np.float32)
    return (rng.random((T, *x.shape)) < x).astype(np.float32)


# ---- the nets: build() -> module; step(module, x_t) -> output spikes; reset(module) ----------

def snntorch_net(kind: str, reset_mechanism: str = "zero", reset_delay: bool = False):
    import snntorch as snn
    beta, alpha = torch.full((HIDDEN,), 0.9), torch.full((HIDDEN,), 0.8)
    obeta, oalpha = torch.full((10,), 0.9), torch.full((10,), 0.8)
    common = dict(reset_mechanism=reset_mechanism, reset_delay=reset_delay, init_hidden=True)

    def neuron(n, b, a):
        th = torch.ones(n)
        if kind == "synaptic":
            return snn.Synaptic(alpha=a, beta=b, threshold=th, **common)
        return snn.Leaky(beta=b, threshold=th, **common)

    hidden = (snn.RLeaky(beta=beta, threshold=torch.ones(HIDDEN), linear_features=HIDDEN,
                         all_to_all=True, **common)
              if kind == "rleaky" else neuron(HIDDEN, beta, alpha))
    return torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), hidden, torch.nn.Linear(HIDDEN, 10),
                               neuron(10, obeta, oalpha))


def snntorch_reset(module):
    from snntorch import utils
    utils.reset(module)


def snntorch_export(module):
    from snntorch.export_nir import export_to_nir
    return export_to_nir(module, torch.zeros(1, 64), ignore_dims=[0])


class NorseNet(torch.nn.Module):
    """64 -> 32 -> 10 Norse cells, Norse's dt = 1e-3, tau_mem = 10 ms (decay 0.9): LIFBoxCell
    (no synaptic current, exported as NIR LIF) or LIFCell (tau_syn = 5 ms, exported as CubaLIF)."""

    def __init__(self, cell: str = "lifbox"):
        super().__init__()
        import norse.torch as norse

        def layer(n):
            common = dict(tau_mem_inv=torch.full((n,), 100.0), v_leak=torch.zeros(n),
                          v_th=torch.ones(n), v_reset=torch.zeros(n))
            if cell == "lifbox":
                return norse.LIFBoxCell(norse.LIFBoxParameters(**common), dt=1e-3)
            return norse.LIFCell(norse.LIFParameters(tau_syn_inv=torch.full((n,), 200.0),
                                                     **common), dt=1e-3)
        self.seq = norse.SequentialState(torch.nn.Linear(64, HIDDEN), layer(HIDDEN),
                                         torch.nn.Linear(HIDDEN, 10), layer(10))
        self.state = None

    def forward(self, x):
        z, self.state = self.seq(x, self.state)
        return z


def norse_reset(module):
    module.state = None


def norse_export(module):
    import norse.torch as norse
    # a sample without a batch dimension: to_nir passes no ignore_dims to nirtorch, and a
    # (1, 64) sample would write an Input of shape [1, 64] that NIR's type check rejects
    return norse.to_nir(module.seq, torch.zeros(64), dt=1.0)


NETS = {
    "snntorch_leaky": dict(build=lambda: snntorch_net("leaky"), reset=snntorch_reset,
                           export=snntorch_export, encoding="current", framework="snntorch",
                           policy=dict(dt=1e-4, method="euler", reset="zero"),
                           layer="snn.Leaky (NIR LIF)"),
    "snntorch_synaptic": dict(build=lambda: snntorch_net("synaptic"), reset=snntorch_reset,
                              export=snntorch_export, encoding="current", framework="snntorch",
                              policy=dict(dt=1e-4, method="euler", reset="zero"),
                              layer="snn.Synaptic (NIR CubaLIF)"),
    "snntorch_rleaky": dict(build=lambda: snntorch_net("rleaky"), reset=snntorch_reset,
                            export=snntorch_export, encoding="current", framework="snntorch",
                            policy=dict(dt=1e-4, method="euler", reset="zero"),
                            layer="snn.RLeaky all-to-all (NIR LIF + recurrent Affine "
                                  "subgraph), output snn.Leaky"),
    "norse_lifbox": dict(build=NorseNet, reset=norse_reset, export=norse_export,
                         encoding="rate", framework="norse",
                         policy=dict(dt=1e-3, method="euler", reset="zero"),
                         layer="norse LIFBoxCell (NIR LIF), to_nir(dt=1.0)"),
    "norse_lif": dict(build=lambda: NorseNet("lif"), reset=norse_reset, export=norse_export,
                      encoding="rate", framework="norse",
                      policy=dict(dt=1e-3, method="euler", reset="zero"),
                      layer="norse LIFCell (NIR CubaLIF), to_nir(dt=1.0)",
                      # Norse adds each input to i in full (i <- i + x, then v, then i decays);
                      # NIR's Euler step adds dt/tau_syn w_in x, so w_in = tau_syn/dt is meant,
                      # but to_nir leaves nir.CubaLIF's default w_in = 1
                      fix="norse-w-in"),
}


def run(net, module, x: torch.Tensor) -> torch.Tensor:
    """x [T, B, 64] -> output spikes [T, B, 10], state reset first."""
    net["reset"](module)
    return torch.stack([module(x[t]) for t in range(x.shape[0])])


def train(name, net, xtr, ytr, log):
    torch.manual_seed(SEED)
    module = net["build"]()
    opt = torch.optim.Adam(module.parameters(), lr=5e-3)
    rng = np.random.default_rng(SEED)
    y = torch.as_tensor(ytr)
    for epoch in range(EPOCHS):
        perm = rng.permutation(len(xtr))
        x = torch.as_tensor(encode(xtr, net["encoding"], rng))   # fresh rate code per epoch
        total = 0.0
        for i in range(0, len(perm), BATCH):
            idx = torch.as_tensor(perm[i:i + BATCH])
            counts = run(net, module, x[:, idx]).sum(0)
            loss = torch.nn.functional.cross_entropy(counts, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        if epoch % 10 == 9:
            log(f"{name}: epoch {epoch + 1} loss {total / len(xtr):.3f}")
    return module


RESET_SAMPLES = 100    # test samples of the reset-rule rasters


def reset_variants(out: Path, inputs: np.ndarray):
    """snntorch_leaky's trained weights under snnTorch's four reset rules (reset_mechanism zero
    or subtract, reset_delay False or True), run on the first RESET_SAMPLES test inputs:
    ``snntorch_leaky_resets.npz`` holds each raster as ``<mechanism>_delay<0|1>``, the evidence
    behind docs/nir.md's table of which rule NIR's policies reproduce."""
    graph = nir.read(out / "snntorch_leaky.nir")
    rasters = {}
    for mech in ("zero", "subtract"):
        for delay in (False, True):
            module = snntorch_net("leaky", mech, delay)
            with torch.no_grad():
                for i in (0, 2):
                    module[i].weight.copy_(torch.as_tensor(graph.nodes[str(i)].weight))
                    module[i].bias.copy_(torch.as_tensor(graph.nodes[str(i)].bias))
                spikes = run(NETS["snntorch_leaky"], module,
                             torch.as_tensor(inputs[:, :RESET_SAMPLES]))
            rasters[f"{mech}_delay{int(delay)}"] = spikes.numpy().astype(np.uint8)
    np.savez_compressed(out / "snntorch_leaky_resets.npz", **rasters)


def versions() -> dict:
    import nirtorch
    import norse
    import sklearn
    import snntorch
    from importlib.metadata import version
    return {"python": platform.python_version(), "torch": torch.__version__,
            "snntorch": snntorch.__version__, "norse": version("norse"),
            "nir": version("nir"), "nirtorch": version("nirtorch"),
            "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "h5py": version("h5py")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--nets", nargs="*", default=list(NETS), choices=list(NETS))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    xtr, xte, ytr, yte = digits()
    test_inputs = {"current": encode(xte, "current"),
                   "rate": encode(xte, "rate", np.random.default_rng(1))}
    for how, inputs in test_inputs.items():
        # Fortran order puts T fastest in the file: a constant current then compresses ~20x
        np.savez_compressed(args.out / f"digits_{how}.npz", inputs=np.asfortranarray(inputs),
                            labels=yte.astype(np.int64))
    mpath = args.out / "manifest.json"
    manifest = json.loads(mpath.read_text()) if mpath.exists() else {"nets": {}}
    for name in args.nets:
        net = NETS[name]
        module = train(name, net, xtr, ytr, lambda s: print(s, file=sys.stderr))
        module.eval()
        with torch.no_grad():
            spikes = run(net, module, torch.as_tensor(test_inputs[net["encoding"]]))
            graph = net["export"](module)
        spikes = spikes.numpy().astype(np.uint8)
        acc = float(np.mean(spikes.sum(0).argmax(1) == yte))
        nir.write(args.out / f"{name}.nir", graph)
        np.savez_compressed(args.out / f"{name}.spikes.npz", spikes=spikes)
        manifest["nets"][name] = {
            "nir": f"{name}.nir", "inputs": f"digits_{net['encoding']}.npz",
            "spikes": f"{name}.spikes.npz", "framework": net["framework"],
            "layer": net["layer"], "encoding": net["encoding"], "timesteps": T,
            "policy": net["policy"], "float_accuracy": round(acc, 4),
            "test_samples": int(len(yte)), "spikes_total": int(spikes.sum())}
        if "fix" in net:
            manifest["nets"][name]["fix"] = net["fix"]
        print(f"{name}: float accuracy {acc:.4f} on {len(yte)} test samples, "
              f"{int(spikes.sum())} output spikes", file=sys.stderr)
    manifest["split"] = ("sklearn.datasets.load_digits, pixels/16, train_test_split(test_size="
                         "0.2, random_state=0, stratify=labels); test split in digits_*.npz")
    manifest["encodings"] = {"current": "pixel/16 as a constant input current for all T steps",
                             "rate": "Bernoulli spike per step with p = pixel/16, "
                                     "numpy default_rng(1)"}
    mpath.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    if (args.out / "snntorch_leaky.nir").exists():
        reset_variants(args.out, test_inputs["current"])
    (args.out / "versions.json").write_text(json.dumps(versions(), indent=2) + "\n")


if __name__ == "__main__":
    main()

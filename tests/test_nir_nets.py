# SPDX-License-Identifier: Apache-2.0
"""neurohdl's own digits nets (tests/data/nets/, made by tools/make_nets.py with snnTorch and
Norse): each NIR file, loaded by neurohdl.nirgraph and run by the float64 reference
(models/net/nir_ref.py) under the policy its manifest names, gives the exporting framework's own
output raster exactly: every spike of every timestep.

The recorded rasters come from the frameworks (their float32 forward pass), not from neurohdl.
A run checks 16 test samples per net (8 fixed, 8 drawn by NEUROHDL_SEED); NEUROHDL_ROTATE=off
(make regress) checks the whole test split (360 samples, about 5 s).
"""
import json
import os
from pathlib import Path

import numpy as np
import pytest

from neurohdl import nirgraph
from neurohdl.models.net.nir_ref import Policy, simulate

NETS = Path(__file__).resolve().parent / "data" / "nets"
MANIFEST = json.loads((NETS / "manifest.json").read_text())
SNNTORCH_DT = 1e-4          # the dt snnTorch's export_to_nir assumes (tau = dt / (1 - beta))


def everything() -> bool:
    """NEUROHDL_ROTATE=off (make regress): check every sample."""
    return os.environ.get("NEUROHDL_ROTATE", "").strip().lower() in ("off", "0", "no", "false")


def samples(n_total: int) -> list[int]:
    if everything():
        return list(range(n_total))
    rng = np.random.default_rng(int(os.environ.get("NEUROHDL_SEED", "0")))
    return [*range(8), *sorted(rng.choice(np.arange(8, n_total), 8, replace=False).tolist())]


def load(name, fix: bool = True):
    """The manifest entry, the net, inputs, labels and the framework's raster.  A manifest
    ``fix`` ("norse-w-in": Norse's CubaLIF, docs/nir.md) sets each CubaLIF's w_in to
    tau_syn / policy.dt, which the exporter meant but did not write."""
    entry = MANIFEST["nets"][name]
    data = np.load(NETS / entry["inputs"])
    spikes = np.load(NETS / entry["spikes"])["spikes"]
    net = nirgraph.load(NETS / entry["nir"])
    if fix and entry.get("fix"):
        net = nirgraph.fix(net, entry["fix"], entry["policy"]["dt"])
    return entry, net, data["inputs"], data["labels"], spikes


def mismatches(net, policy, inputs, want, which) -> int:
    (out,) = net.outputs
    return sum(int(np.sum(simulate(net, inputs[:, n].astype(np.float64), policy)[out]
                          != want[:, n])) for n in which)


@pytest.mark.parametrize("name", sorted(MANIFEST["nets"]))
def test_reference_gives_the_exporters_raster(name):
    entry, net, inputs, labels, want = load(name)
    T, N = want.shape[:2]
    assert inputs.shape == (T, N, 64) and labels.shape == (N,) and want.shape[2] == 10
    which = samples(N)
    assert want[:, which].sum() > 0                           # the check has spikes to match
    assert mismatches(net, Policy(**entry["policy"]), inputs, want, which) == 0
    # the committed raster is the one whose accuracy the manifest states
    acc = np.mean(want.sum(0).argmax(1) == labels)
    assert round(float(acc), 4) == entry["float_accuracy"]


@pytest.mark.parametrize("name, wrong", [
    ("snntorch_leaky", dict(dt=SNNTORCH_DT, method="exact")),   # exp(-dt/tau) != beta
    ("snntorch_synaptic", dict(dt=1e-3)),                        # not snnTorch's dt
    ("snntorch_rleaky", dict(dt=SNNTORCH_DT, reset="subtract")),  # snnTorch was set to zero
    ("norse_lifbox", dict(dt=1.0)),                              # Norse's dt is 1e-3
    ("norse_lif", dict(dt=1e-3, method="exact")),
    ("norse_lif", None),                                         # w_in as Norse wrote it
])
def test_a_wrong_policy_is_caught(name, wrong):
    """Must-fail: the same comparison under a policy that is not the exporter's (or, for
    Norse's CubaLIF, without the w_in fix) finds mismatched spikes (on the first 4 samples)."""
    entry, net, inputs, _, want = load(name, fix=wrong is not None)
    policy = Policy(**{**entry["policy"], **(wrong or {})})
    assert mismatches(net, policy, inputs, want, range(4)) > 0


def test_the_exporters_conventions_are_as_documented():
    """docs/nir.md: snnTorch writes tau = 1e-4/(1-beta) and r = tau/1e-4 (so one Euler step of
    dt = 1e-4 is v <- beta v + x); Norse's to_nir(dt=1) writes tau = 1/tau_mem_inv and r = 1;
    both write v_reset = 0 and v_leak = 0; snnTorch's Synaptic is a CubaLIF with
    w_in = tau_syn/1e-4, Norse's LIFCell one with w_in = 1 (the manifest's fix); the RLeaky's
    recurrent weights are an Affine on a recurrent edge."""
    for name, entry in MANIFEST["nets"].items():
        net = nirgraph.load(NETS / entry["nir"])
        for node in (net.nodes[n] for n in net.order):
            if node.kind not in ("LIF", "CubaLIF"):
                continue
            p = node.params
            tau = p["tau"] if node.kind == "LIF" else p["tau_mem"]
            assert np.all(p["v_reset"] == 0) and np.all(p["v_leak"] == 0)
            if entry["framework"] == "snntorch":
                assert np.allclose(1 - SNNTORCH_DT / tau, 0.9, atol=1e-6)
                assert np.allclose(p["r"] * SNNTORCH_DT / tau, 1.0, atol=1e-6)
                if node.kind == "CubaLIF":
                    assert np.allclose(1 - SNNTORCH_DT / p["tau_syn"], 0.8, atol=1e-6)
                    assert np.allclose(p["w_in"], p["tau_syn"] / SNNTORCH_DT, rtol=1e-6)
            else:                   # to_nir(dt=1): tau = 1/tau_mem_inv, r = 1, w_in = 1
                assert np.allclose(tau, 0.01) and np.all(p["r"] == 1)
                if node.kind == "CubaLIF":
                    assert np.allclose(p["tau_syn"], 0.005) and np.all(p["w_in"] == 1)
    rleaky = nirgraph.load(NETS / MANIFEST["nets"]["snntorch_rleaky"]["nir"])
    assert rleaky.recurrent == {("1.w_rec", "1.lif")}
    assert rleaky.nodes["1.w_rec"].kind == "Affine"


#: docs/nir.md's table: spike-steps of snnTorch's raster (100 samples) the policy of the same
#: reset kind misses, per snnTorch reset rule
RESET_RULES = {"zero_delay0": 0, "zero_delay1": 0, "subtract_delay0": 39, "subtract_delay1": 340}


@pytest.mark.parametrize("rule", sorted(RESET_RULES))
def test_snntorch_reset_rules(rule):
    """snnTorch's zero reset is NIR's rule with or without reset_delay; its subtract reset is
    not NIR's subtract policy either way (tests/data/nets/snntorch_leaky_resets.npz: the Leaky
    net's weights under each rule).  A run checks the first 8 samples (sample 0 has
    mismatches under both subtract rules); NEUROHDL_ROTATE=off all 100, to the documented
    count."""
    entry, net, inputs, _, _ = load("snntorch_leaky")
    want = np.load(NETS / "snntorch_leaky_resets.npz")[rule]
    which = range(want.shape[1] if everything() else 8)
    policy = Policy(**{**entry["policy"], "reset": rule.split("_")[0]})
    got = mismatches(net, policy, inputs, want, which)
    if everything():
        assert got == RESET_RULES[rule]
    else:
        assert (got == 0) == (RESET_RULES[rule] == 0), got

# SPDX-License-Identifier: Apache-2.0
"""A compiled NIR network in RTL against its bit-true model (issue 14: "converted RTL equals the
bit-true network model on every spike of every timestep, for every compiled test net").

The pytest side writes a random spike-input NIR net (two LIF layers, a recurrent projection; a
feed-forward one on odd seeds), compiles it with ``neurohdl compile`` (models/net/nir_compile.py)
and simulates the compiled folder's own Verilog (``rtl/network.v``) on Icarus: ``tables.hex``
through ``s_tbl``, random input timesteps on ``s_in`` under idle, ``m_out`` under
back-pressure.  Expected: the output raster of ``nir_quant.run`` (the quantised net's model,
computed from the NIR file, not from the core) as AER beats, every beat of every timestep.
Must-fail: the same run against the model fed the input one timestep late.
"""
import json
import os
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge

from neurohdl.models.aer import event
from neurohdl.verif.aer.bench import flat, load_words, send_beats, take
from neurohdl.verif.common.scoreboard import compare
from neurohdl.verif.common.tb import Bench

CASE = "case.json"


async def run_case(dut, key: str):
    folder = Path(os.environ["NEUROHDL_COMPILED"])
    case = json.loads((folder / CASE).read_text())
    tb = await Bench.start(dut, "random", "random")
    await load_words(tb, [int(w, 16) for w in (folder / "tables.hex").read_text().split()])
    send_beats(tb, event.beats(case["inputs"]), "s_in")
    want = [tuple(b) for b in case[key]]
    got = []
    for _ in range(case["cycles"]):
        await RisingEdge(dut.clk)
        got += take(tb.sinks["m_out"])
        if sum(last for _, last, _ in got) >= len(case["inputs"]):
            break
    compare(flat(got), flat(want), "m_out (tdata << 2 | tlast << 1 | tuser)",
            f"{case['what']}; {tb.p}")
    tb.check_protocol()


@cocotb.test()
async def compiled_net_matches_model(dut):
    await run_case(dut, "expected")


@cocotb.test(expect_fail=True)
async def late_model_must_fail(dut):
    await run_case(dut, "late")


# ---------------------------------------------------------------- pytest side -------------

def out_beats(raster) -> list[list[int]]:
    """A [T, n] output raster as the engine's AER beats (a marker beat for a silent step)."""
    from neurohdl.models.neuron import engine
    return [list(b) for row in raster for b in engine.aer_beats(np.flatnonzero(row))]


def informative(q, x) -> bool:
    """The output fires on inputs x and the must-fail's late input changes it (else the run
    checks little and the must-fail cannot fail)."""
    from neurohdl.models.net import nir_quant

    (out,) = q.outputs
    got = nir_quant.run(q, x)["out"][out]
    late = nir_quant.run(q, np.vstack([np.zeros((1, x.shape[1])), x[:-1]]))["out"][out]
    return bool(got.sum()) and not np.array_equal(got, late)


def rtl_equals_model(src, policy, options, seed, tmp_path, inputs, type_check=True, fix=None):
    """Compile ``src``, simulate the compiled Verilog on ``inputs`` [T, n_in] (spikes; the bias
    axon first in every step when the compile has one) against ``nir_quant.run``'s raster of
    the same file; the compile's manifest."""
    from neurohdl.models.net import network, nir_compile, nir_quant
    from neurohdl.models.net.network import NetworkParams
    from neurohdl.nirgraph import load
    from neurohdl.verif.common.runner import check_core

    from neurohdl.nirgraph import fix as apply_fix

    m = nir_compile.compile_net(src, policy, options, tmp_path / "c", name="network",
                                type_check=type_check, fix=fix)
    net = load(src, type_check=type_check)
    q = nir_quant.quantise(apply_fix(net, fix, policy.dt) if fix else net, policy, options)
    (out,) = q.outputs
    raster = nir_quant.run(q, inputs)["out"][out]
    late = nir_quant.run(q, np.vstack([np.zeros((1, inputs.shape[1])), inputs[:-1]]))["out"][out]
    assert raster.sum() and not np.array_equal(raster, late), "a run without output checks little"
    bias = [] if m["bias_axon"] is None else [m["bias_axon"]]     # sent first every step
    p = NetworkParams.from_dict(m["params"])
    # a generous bound on a timestep under 3-in-4 back-pressure (every engine's sweep, every
    # edge's largest fan-out of every source neuron): reached only by a stalled design
    step = 4 * (sum(e.n + 16 for e in p.engines) +
                sum(network.source_n(p, s) * p.max_fanout + 2 for s, _ in p.edge_list))
    case = {"what": f"{src.name}: {m['params']['edges']}, {policy}", "cycles": step * len(inputs),
            "inputs": [bias + np.flatnonzero(r).tolist() for r in inputs],
            "expected": out_beats(raster), "late": out_beats(late)}
    (tmp_path / "c" / CASE).write_text(json.dumps(case))
    check_core("net.network", seed, tmp_path / "sim", p=p,
               test_module="neurohdl.verif.net.test_compiled_net",
               extra_env={"NEUROHDL_COMPILED": str(tmp_path / "c")},
               netlist=tmp_path / "c" / "rtl" / "network.v")
    return m


def test_compiled_net(seed, tmp_path):
    """A random two-layer LIF net (recurrent on even seeds, exact decay on every third)."""
    import nir

    from neurohdl.models.net import nir_quant
    from neurohdl.models.net.nir_ref import Policy
    from neurohdl.nirgraph import load

    rng = np.random.default_rng(seed)
    n_in, h, o = 6, 10, 4
    lif = (lambda n, tau: nir.LIF(tau=np.full(n, tau), r=np.ones(n), v_leak=np.zeros(n),
                                  v_threshold=np.ones(n), v_reset=np.zeros(n)))
    nodes = {"in": nir.Input(np.array([n_in])), "a": nir.Linear(rng.normal(0.4, 0.5, (h, n_in))),
             "l1": lif(h, 2e-3), "b": nir.Linear(rng.normal(0.6, 0.5, (o, h))),
             "l2": lif(o, 4e-3), "out": nir.Output(np.array([o]))}
    edges = [("in", "a"), ("a", "l1"), ("l1", "b"), ("b", "l2"), ("l2", "out")]
    if seed % 2 == 0:
        nodes["r"] = nir.Linear(rng.normal(0, 0.4, (h, h)))
        edges += [("l1", "r"), ("r", "l1")]
    src = tmp_path / "net.nir"
    nir.write(src, nir.NIRGraph(nodes=nodes, edges=edges))
    policy = Policy(1e-3, "exact" if seed % 3 == 0 else "euler")
    q = nir_quant.quantise(load(src), policy)
    for k in range(50):
        x = (rng.random((10, n_in)) < 0.2 + 0.6 * (k % 4) / 3).astype(float)
        if informative(q, x):
            break
    rtl_equals_model(src, policy, nir_quant.QuantOptions(), seed, tmp_path, x)

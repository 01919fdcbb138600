# SPDX-License-Identifier: Apache-2.0
"""Lowering and quantising a NIR graph for neurohdl's hardware: populations of integer neuron
records joined by integer projections (the front end of issue 14's network compiler), and the
bit-true run of the result.

**Lowering** (:func:`lower`).  Every LIF, IF, LI and CubaLIF node of a
:class:`neurohdl.nirgraph.Net` becomes a *population*, every Input node an *input*.  What flows
into a population is traced back through the linear nodes (Affine, Linear, Scale, Flatten,
Conv1d/2d, SumPool2d/AvgPool2d, each with one input) to a spiking source (an Input or a
population): a *projection* src -> dst with a dense matrix ``M`` (n_dst x n_src) and a bias
vector ``b``, exact in float64 (column j of M is the chain applied to the j-th unit vector less
b, the chain applied to 0, with :mod:`models.net.nir_ref`'s own node functions).  A projection
is recurrent when an edge on its path is (it carries the source's spikes of the previous
timestep).  Fan-in (several projections into one population) and fan-out stay as they are.
Anything else (Delay, Threshold, I, CubaLI nodes, a node with two inputs on a path) fails
closed: one :class:`~neurohdl.errors.NirError` names every problem.

**Quantisation** (:func:`quantise`), per destination population, from the
:class:`~models.net.nir_ref.Policy` (dt, discretisation, reset rule) and :class:`QuantOptions`::

    gain      g = dt r / tau (LIF, LI), dt r (IF)          Euler, per neuron
              g = (1 - exp(-dt/tau)) r                     exact
              CubaLIF: g_mem (1 - beta_syn) w_in           (x -> its current -> v)
    decay     beta = policy.decay(tau): 1 - dt/tau or exp(-dt/tau), within 0..1 or refused
    scale     s = max |g M| over the spike projections / (2^(wb-1) - 1): the real value of
              one accumulator LSB (= one membrane LSB; cuba_lif: 64 membrane LSBs, Loihi's
              input shift).  Fed by graded inputs only: the finest s at which the threshold
              and one step's largest input sum fit.
    weights   W = round(g M / s)        |W| <= 2^(wb-1) - 1: nothing saturates
              graded input x (code of input_bits, LSB s_in): W = round(g M s_in 2^sh / s), the
              event adding (W x + 2^(sh-1)) >> sh, sh the largest with |W| <= 2^(wb-1) - 1
    bias      B = round((g b + (1 - beta) v_leak) / s) per neuron: the record's ``bias`` when
              one value and the record has one (lif, li), else bias events every step
    threshold T = floor(v_threshold / s) + 1 (lif, if_: fire on v >= T; NIR on v > th);
              cuba_lif: round(v_threshold / s) (fires on v > T << 6)
    leak      lif, li: 'shift' k when beta = 1 - 2^-k (k = 1..15, to 1e-9), else 'multiply'
              with beta_raw = round(beta 2^Fb), Fb = options.beta_frac; cuba_lif: Loihi's
              12-bit decays du, dv of beta_syn, beta
    reset     policy 'zero': 'zero' (v_reset = 0) or 'to_v_reset' round(v_reset / s) (LIF);
              policy 'subtract': 'subtract' (the record subtracts T, which is up to one LSB
              more than v_threshold / s: reported); cuba_lif: zero only

The membrane is ``options.state_bits`` wide (the engine's ``in_width`` too: its accumulator
saturates there; cuba_lif: Lava's 16-bit input, 24-bit state); a threshold that does not fit
fails closed with the bits it needs.  Per-neuron values of tau, v_threshold or v_reset must be
equal across a population (no per-neuron parameter memory yet); the gain and the bias may
differ per neuron (they are folded into the weight rows and the bias events).  :func:`report`
gives every tensor's range, scale and error and every realised threshold and decay
(``quant_report.md`` / ``.json``).  :func:`run` is the bit-true network (its docstring),
:func:`to_network` the same net as ``net.network``'s Params and tables.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import NamedTuple

import numpy as np

from neurohdl.errors import NirError, ParamError
from neurohdl.models.neuron import types
from neurohdl.nirgraph import Net
from neurohdl.params import Params

from . import nir_ref
from .nir_ref import LINEAR, Policy

#: NIR neuron node -> the neurohdl neuron record it is quantised to
RECORDS = {"LIF": "lif", "IF": "if", "LI": "li", "CubaLIF": "cuba_lif"}
UNIFORM = ("tau", "tau_mem", "tau_syn", "v_threshold", "v_reset")   # one value a population
CUBA_VTH_MAX = (1 << 17) - 1      # neuron.cuba_lif's threshold field (v > vth << 6)
CUBA_IN_WIDTH = 16                # and its input (Lava's int16 a_in)


@dataclass(frozen=True)
class QuantOptions:
    """Bits of the fixed-point network (see the module docstring)."""

    weight_bits: int = 8
    state_bits: int = 16
    beta_frac: int = 12
    input_bits: int = 0           # 0: inputs are spikes (0/1); k: graded, k-bit unsigned
    input_max: float = 1.0        # the graded input's full scale (2^k - 1 LSBs)

    def __post_init__(self):
        for name, lo, hi in (("weight_bits", 2, 16), ("state_bits", 4, 32),
                             ("beta_frac", 1, 16), ("input_bits", 0, 16)):
            v = getattr(self, name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ParamError(f"options.{name} = {v!r}: allowed an integer {lo}..{hi}")
        if self.weight_bits > self.state_bits:
            raise ParamError(f"options.weight_bits = {self.weight_bits}: allowed at most "
                             f"options.state_bits = {self.state_bits}")
        if not (math.isfinite(self.input_max) and self.input_max > 0):
            raise ParamError(f"options.input_max = {self.input_max!r}: allowed a value > 0")

    @property
    def input_lsb(self) -> float:
        return self.input_max / ((1 << self.input_bits) - 1) if self.input_bits else 1.0


@dataclass
class Projection:
    """src -> dst: ``matrix`` (n_dst x n_src, float64) and ``bias`` before quantisation,
    ``weight`` (int) after; ``path``: the linear nodes it passes."""

    src: str
    dst: str
    recurrent: bool
    path: tuple
    matrix: np.ndarray
    bias: np.ndarray
    weight: np.ndarray | None = None
    shift: int = 0                # graded input: an event adds (W x + 2^(sh-1)) >> sh

    @property
    def name(self) -> str:
        return f"{self.src}->{self.dst}" + (" (t-1)" if self.recurrent else "")


@dataclass
class Population:
    """A neuron node as an integer record: ``neuron`` (its name in models/neuron/types.py),
    ``cell`` (the record's Params), ``bias`` (int per neuron), ``scale`` (membrane units per
    LSB), ``realised`` ({quantity: (wanted, realised)})."""

    name: str
    kind: str
    n: int
    neuron: str = ""
    cell: Params | None = None
    bias: np.ndarray | None = None
    scale: float = 0.0
    realised: dict = field(default_factory=dict)

    bias_in_cell: bool = False    # the record's own ``bias`` field holds it (one value)

    @property
    def uniform_bias(self) -> bool:
        return bool(np.all(self.bias == self.bias[0]))

    @property
    def bias_events(self) -> bool:
        """The bias arrives as events every step (per-neuron values, or a record without a
        ``bias`` field, or cuba_lif, whose own bias adds to v, not to the current)."""
        return not self.bias_in_cell and bool(np.any(self.bias))


@dataclass
class QuantNet:
    net: Net
    inputs: dict                  # Input node -> width
    populations: list             # in update order (the graph's order)
    projections: list
    outputs: dict                 # Output node -> the population it reads
    policy: Policy | None = None
    options: QuantOptions | None = None


# ------------------------------------------------------------------ lowering ----------------
def _trace(net: Net, start: str, problems: list) -> list[tuple[str, tuple, bool]]:
    """Every (spiking source, linear path from it, recurrent) that reaches ``start``'s input."""
    out = []
    for src, rec in net.sources(start):
        path, node, ok = [], net.nodes[src], True
        while node.kind in LINEAR:
            ins = net.sources(node.name)
            if len(ins) != 1:
                problems.append(f"{node.name} ({node.kind}): {len(ins)} inputs on the way to "
                                f"{start}; allowed one")
                ok = False
                break
            path.append(node.name)
            rec = rec or ins[0][1]
            node = net.nodes[ins[0][0]]
        if not ok:
            continue
        if node.kind != "Input" and node.kind not in RECORDS:
            problems.append(f"{node.name} ({node.kind}) feeds {start}: allowed an Input or a "
                            f"{'/'.join(RECORDS)} node through {', '.join(LINEAR)}")
            continue
        out.append((node.name, tuple(reversed(path)), rec))
    return out


#: basis vectors pushed through a linear chain at once (a block's intermediate arrays stay
#: small: a 16-channel 16x16 convolution's windows are about 75 MB at 256)
CHAIN_BLOCK = 256


def _chain(net: Net, src: str, path: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(M, b) of the linear path from ``src``: y = M x + b, x the source's flattened output;
    column j of M is the path applied to the j-th unit vector less b = the path applied to 0
    (the unit vectors go through in blocks, as a batch)."""
    shape = tuple(net.nodes[src].shape_out or (1,))
    n = int(np.prod(shape))

    def run(x):                        # x (B, *shape) -> (B, m)
        for name in path:
            x = nir_ref.linear(net.nodes[name], x, batch=1)
        return np.asarray(x, dtype=np.float64).reshape(len(x), -1)

    def units(j):                      # the unit vectors j .. j + CHAIN_BLOCK - 1
        block = np.zeros((min(CHAIN_BLOCK, n - j), n))
        block[np.arange(len(block)), j + np.arange(len(block))] = 1.0
        return block.reshape((-1,) + shape)

    b = run(np.zeros((1,) + shape))[0]
    cols = [run(units(j)) - b for j in range(0, n, CHAIN_BLOCK)]
    return np.concatenate(cols).T, b


def lower(net: Net) -> QuantNet:
    """Populations, inputs and projections of ``net`` (module docstring); NirError lists every
    node it cannot lower."""
    problems = []
    pops, projs = [], []
    for name in net.order:
        node = net.nodes[name]
        if node.kind in ("Delay", "Threshold") or (node.neurons and node.kind not in RECORDS):
            problems.append(f"{name} ({node.kind}): not lowered to hardware yet")
        if node.kind not in RECORDS:
            continue
        pops.append(Population(name, node.kind, int(np.prod(node.shape_out or (1,)))))
        for src, path, rec in _trace(net, name, problems):
            m, b = _chain(net, src, path)
            projs.append(Projection(src, name, rec, path, m, b))
    outputs = {}
    for o in net.outputs:
        srcs = [s for s, _ in net.sources(o)]
        while len(srcs) == 1 and net.nodes[srcs[0]].kind == "Flatten":
            srcs = [s for s, _ in net.sources(srcs[0])]
        if len(srcs) != 1 or not net.nodes[srcs[0]].neurons:
            problems.append(f"{o} (Output): reads {srcs or 'nothing'}; allowed one population")
        else:
            outputs[o] = srcs[0]     # (a neuron node not lowered is named above)
    if problems:
        raise NirError(f"{net.source or 'NIR graph'}: cannot lower {len(problems)} thing(s): "
                       + "; ".join(problems))
    inputs = {n: int(np.prod(net.nodes[n].shape_out or (1,))) for n in net.inputs}
    return QuantNet(net, inputs, pops, projs, outputs)


# ------------------------------------------------------------------ quantisation ------------
def _uniform(node, key: str, problems: list) -> float | None:
    v = np.asarray(node.params[key], dtype=np.float64).reshape(-1)
    if v.size and not np.all(v == v[0]):
        problems.append(f"{node.name}.{key}: per-neuron values differ ({v.min():g} .. "
                        f"{v.max():g}); allowed one value a population (no per-neuron "
                        "parameter memory yet)")
        return None
    return float(v[0]) if v.size else 0.0


def _per_neuron(node, key: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(node.params[key], dtype=np.float64).reshape(-1), (n,))


def _graded_scale(s_g: float, th, vmax: int, bits: int, least: float) -> float:
    """The accumulator LSB of a population fed by graded inputs only: the product's LSB s_g
    times the least power of two 2^sh (sh < bits) that is at least ``least`` (one step's
    largest input sum fits the accumulator) and puts the threshold within ``vmax``."""
    for sh in range(bits):
        s = s_g * 2 ** sh
        if s >= least and (th is None or math.floor(th / s) + 1 <= vmax):
            return s
    return s_g * 2 ** (bits - 1)


def _gain(policy: Policy, node, n: int) -> tuple[float, np.ndarray]:
    """(beta, g per neuron) of a neuron node (module docstring; tau is uniform by then)."""
    r = _per_neuron(node, "r", n)
    if node.kind == "IF":
        return 1.0, policy.dt * r
    tau = "tau_mem" if node.kind == "CubaLIF" else "tau"
    beta = float(policy.decay(np.float64(np.asarray(node.params[tau]).reshape(-1)[0])))
    gain = (1.0 - beta) * r
    if node.kind == "CubaLIF":      # x -> the current (w_in, tau_syn) -> v: the current's share
        syn = float(policy.decay(np.float64(np.asarray(node.params["tau_syn"]).reshape(-1)[0])))
        gain = gain * (1.0 - syn) * _per_neuron(node, "w_in", n)
    return beta, gain


def _scaled(q: QuantNet, p: Projection) -> np.ndarray:
    """g M s_in of a projection: what its integer weights approximate, in membrane units."""
    _, gain = _gain(q.policy, q.net.nodes[p.dst], p.matrix.shape[0])
    return gain[:, None] * p.matrix * (q.options.input_lsb if p.src in q.inputs else 1.0)


def _leak(beta: float, o: QuantOptions) -> dict:
    """The record's leak fields for a decay factor beta (module docstring)."""
    k = -math.log2(1.0 - beta) if beta < 1 else math.inf
    if abs(k - round(k)) < 1e-9 and 1 <= round(k) <= 15:
        return {"leak": "shift", "leak_shift": int(round(k))}
    return {"leak": "multiply", "beta_frac": o.beta_frac,
            "beta": min(int(round(beta * (1 << o.beta_frac))), (1 << o.beta_frac) - 1)}


def _realised_beta(cell: dict) -> float:
    if cell["leak"] == "shift":
        return 1.0 - 2.0 ** -cell["leak_shift"]
    return cell["beta"] / (1 << cell["beta_frac"])


def _stable(name: str, tau: str, beta: float, policy: Policy, problems: list) -> bool:
    """A decay factor the records can hold: 0 <= beta <= 1 (forward Euler's 1 - dt/tau is
    negative for dt > tau)."""
    if 0.0 <= beta <= 1.0:
        return True
    problems.append(f"{name}.{tau}: decay {beta:.4g} a step ({policy.method}, dt = "
                    f"{policy.dt:g} s): allowed 0 .. 1; forward Euler needs dt <= tau "
                    "(--method exact or a smaller --dt)")
    return False


def _threshold(pop, th: float, s: float, limit: int, o, problems, strict: bool) -> int | None:
    """The threshold code at accumulator LSB s: floor(th / s) + 1 for a record firing on
    v >= T (``strict`` False), round(th / s) for one firing on v > code (cuba_lif)."""
    t = round(th / s) if strict else math.floor(th / s) + 1
    if t > limit:
        problems.append(f"{pop.name}.v_threshold = {th:g}: {t} LSBs at scale {s:.4g}; allowed "
                        f"up to {limit} (state_bits {o.state_bits}; needs "
                        f"{t.bit_length() + 1})")
        return None
    pop.realised["threshold"] = (th, max(t, 1) * s)
    return max(t, 1)


def _cell(pop, uni, policy, o, beta, leak_in, b, limit, problems) -> dict | None:
    """lif / if_ / li fields: accumulator LSB = membrane LSB = pop.scale."""
    s = pop.scale
    pop.bias = np.rint((b + leak_in) / s).astype(np.int64)
    # frac_bits 0: the membrane's real scale is pop.scale, not a binary point
    cell = {"width": o.state_bits, "in_width": o.state_bits, "frac_bits": 0}
    if pop.kind != "LI":
        t = _threshold(pop, uni["v_threshold"], s, limit, o, problems, strict=False)
        if t is None:
            return None
        cell["threshold"] = t
        if policy.reset == "subtract":
            cell["reset"] = "subtract"
        elif uni.get("v_reset", 0.0) == 0.0:
            cell["reset"] = "zero"
        elif pop.kind == "LIF":
            cell["reset"], cell["v_reset"] = "to_v_reset", int(round(uni["v_reset"] / s))
            pop.realised["v_reset"] = (uni["v_reset"], cell["v_reset"] * s)
        else:
            problems.append(f"{pop.name}.v_reset = {uni['v_reset']:g}: allowed 0 for an IF "
                            "node (neuron.if_ resets to 0)")
            return None
    if pop.kind != "IF":
        cell.update(_leak(beta, o))
        pop.realised["beta"] = (beta, _realised_beta(cell))
    record = types.TYPES[RECORDS[pop.kind]].params
    if pop.uniform_bias and "bias" in {f.name for f in fields(record)}:
        cell["bias"], pop.bias_in_cell = int(pop.bias[0]), True
    return cell


def _cuba_cell(pop, uni, policy, o, beta, leak_in, b, limit, problems) -> dict | None:
    """cuba_lif (Loihi) fields.  Its input a_in enters the current u as a_in << 6 membrane
    LSBs, so the accumulator LSB pop.scale is 64 membrane LSBs and u holds g_mem i in membrane
    LSBs; the Affine bias enters the current too: bias events every step (the record's own
    bias adds to v); it resets v to 0 only; v_leak must be 0."""
    bad = [m for m, ok in ((f"{pop.name}.v_leak: allowed 0 for a CubaLIF node", not np.any(
        leak_in)), (f"{pop.name}: policy.reset = {policy.reset!r}, v_reset = "
                    f"{uni.get('v_reset', 0.0):g}: neuron.cuba_lif resets v to 0 (allowed "
                    "reset 'zero' with v_reset 0)", policy.reset == "zero"
                    and uni.get("v_reset", 0.0) == 0.0)) if not ok]
    if bad:
        problems.extend(bad)
        return None
    pop.bias = np.rint(b / pop.scale).astype(np.int64)
    t = _threshold(pop, uni["v_threshold"], pop.scale, limit, o, problems, strict=True)
    if t is None:
        return None
    beta_syn = float(policy.decay(np.float64(uni["tau_syn"])))
    if not _stable(pop.name, "tau_syn", beta_syn, policy, problems):
        return None
    ku = min(4095, max(0, round(beta_syn * 4096)))
    kv = min(4096, max(1, round(beta * 4096)))
    pop.realised["beta_syn"] = (beta_syn, ku / 4096)
    pop.realised["beta"] = (beta, kv / 4096)
    return {"du": 4095 - ku, "dv": 4096 - kv, "vth": t}


def quantise(net: Net, policy: Policy, options: QuantOptions | None = None) -> QuantNet:
    """Lower ``net`` and quantise every population and projection (module docstring)."""
    o = options or QuantOptions()
    q = lower(net)
    q.policy, q.options = policy, o
    wmax = (1 << (o.weight_bits - 1)) - 1
    vmax = (1 << (o.state_bits - 1)) - 1
    problems = []
    for pop in q.populations:
        node = net.nodes[pop.name]
        uni = {k: _uniform(node, k, problems) for k in UNIFORM if k in node.params}
        if None in uni.values():
            continue
        beta, gain = _gain(policy, node, pop.n)
        if not _stable(pop.name, "tau_mem" if pop.kind == "CubaLIF" else "tau", beta, policy,
                       problems):
            continue
        cuba = pop.kind == "CubaLIF"
        limit = CUBA_VTH_MAX if cuba else vmax          # the largest threshold code
        into = [p for p in q.projections if p.dst == pop.name]
        scaled = [(p, _scaled(q, p)) for p in into]
        graded = [(p, m) for p, m in scaled if p.src in q.inputs and o.input_bits]
        spiking = [(p, m) for p, m in scaled if not (p.src in q.inputs and o.input_bits)]
        peak = max((float(np.abs(m).max()) for _, m in spiking if m.size), default=0.0)
        peak_g = max((float(np.abs(m).max()) for _, m in graded if m.size), default=0.0)
        if peak == peak_g == 0.0:
            problems.append(f"{pop.name}: every weight into it is 0; nothing to scale by")
            continue
        acc_max = (1 << ((CUBA_IN_WIDTH if cuba else o.state_bits) - 1)) - 1
        row_sum = max((float(np.abs(m).sum(axis=1).max()) for _, m in graded if m.size),
                      default=0.0) * ((1 << o.input_bits) - 1)
        s = pop.scale = peak / wmax if peak else _graded_scale(
            peak_g / wmax, uni.get("v_threshold"), limit, o.weight_bits + o.input_bits,
            row_sum / acc_max)
        for p, m in spiking:
            p.weight = np.rint(m / s).astype(np.int64)
        for p, m in graded:
            p.shift = max(0, math.floor(math.log2(s * wmax / peak_g) + 1e-12))
            p.weight = np.rint(m * 2.0 ** p.shift / s).astype(np.int64)
        v_leak = _per_neuron(node, "v_leak", pop.n) if "v_leak" in node.params else 0.0
        b = sum((gain * p.bias for p in into), np.zeros(pop.n))
        cell_of = _cuba_cell if cuba else _cell
        cell = cell_of(pop, uni, policy, o, beta, (1.0 - beta) * v_leak, b, limit, problems)
        if cell is None:
            continue
        pop.neuron = RECORDS[pop.kind]
        try:
            pop.cell = types.TYPES[pop.neuron].params(**cell)
        except ParamError as e:
            problems.append(f"{pop.name}: {e}")
    if problems:
        raise NirError(f"{net.source or 'NIR graph'}: cannot quantise {len(problems)} "
                       "thing(s): " + "; ".join(problems))
    return q


# ------------------------------------------------------------------ report ------------------
def report(q: QuantNet) -> dict:
    """Every tensor's float range, scale and quantisation error, every population's realised
    threshold, decay and bias (what ``quant_report.json`` holds)."""
    pops = {p.name: p for p in q.populations}
    tensors = []
    for p in q.projections:
        s = pops[p.dst].scale / 2 ** p.shift        # real value of one weight LSB
        err = np.abs(p.weight * s - _scaled(q, p)) if p.weight.size else np.zeros(1)
        tensors.append({"name": p.name, "shape": list(p.weight.shape),
                        "bits": q.options.weight_bits, "scale": s, "shift": p.shift,
                        "range": [float(p.matrix.min()), float(p.matrix.max())],
                        "int_range": [int(p.weight.min()), int(p.weight.max())],
                        "max_err": float(err.max()), "mean_err": float(err.mean()),
                        "nonzero": int(np.count_nonzero(p.weight))})
    populations = []
    for p in q.populations:
        populations.append({"name": p.name, "nir": p.kind, "neuron": p.neuron, "n": p.n,
                            "scale": p.scale, "cell": p.cell.to_dict() if p.cell else None,
                            "bias": {"min": int(p.bias.min()), "max": int(p.bias.max()),
                                     "uniform": p.uniform_bias, "events": p.bias_events},
                            "realised": {k: {"wanted": w, "realised": r,
                                             "error": abs(r - w)}
                                         for k, (w, r) in p.realised.items()}})
    pol = q.policy
    return {"policy": asdict(pol), "options": asdict(q.options), "inputs": q.inputs,
            "outputs": q.outputs, "tensors": tensors, "populations": populations}




def report_md(rep: dict) -> str:
    """``quant_report.md``: the same figures as :func:`report`, as tables."""
    pol, o = rep["policy"], rep["options"]
    lines = ["# Quantisation report", "",
             f"Policy: dt = {pol['dt']:g} s, {pol['method']} discretisation, reset "
             f"{pol['reset']}.  Weights {o['weight_bits']} bits, state {o['state_bits']} bits, "
             f"multiplicative leak Q0.{o['beta_frac']}, inputs "
             + (f"graded {o['input_bits']} bits (full scale {o['input_max']:g})"
                if o["input_bits"] else "spikes") + ".", "",
             "| tensor | shape | scale | float range | int range | max err | mean err |",
             "|---|---|---|---|---|---|---|"]
    for t in rep["tensors"]:
        lines.append(f"| {t['name']} | {'x'.join(map(str, t['shape']))} | {t['scale']:.4g} | "
                     f"{t['range'][0]:.4g} .. {t['range'][1]:.4g} | {t['int_range'][0]} .. "
                     f"{t['int_range'][1]} | {t['max_err']:.3g} | {t['mean_err']:.3g} |")
    lines += ["", "| population | NIR | record | n | quantity | wanted | realised | error |",
              "|---|---|---|---|---|---|---|---|"]
    for p in rep["populations"]:
        for k, v in p["realised"].items():
            lines.append(f"| {p['name']} | {p['nir']} | {p['neuron']} | {p['n']} | {k} | "
                         f"{v['wanted']:.6g} | {v['realised']:.6g} | {v['error']:.3g} |")
    return "\n".join(lines) + "\n"


def write_report(q: QuantNet, out_dir) -> None:
    """``quant_report.json`` and ``quant_report.md`` into ``out_dir``."""
    from pathlib import Path

    rep = report(q)
    out = Path(out_dir)
    (out / "quant_report.json").write_text(json.dumps(rep, indent=1) + "\n")
    (out / "quant_report.md").write_text(report_md(rep))


# ------------------------------------------------------------------ onto net.network --------
class Mapped(NamedTuple):
    """A quantised net as ``net.network``: its Params and tables, each population's neuron
    offset (1 where a bias neuron sits at index 0) and the bias axon (the input axon the host
    sends first in every timestep; None when no bias needs it)."""

    params: object
    tables: tuple
    offsets: tuple
    bias_axon: int | None


def _drive(pop: Population) -> int:
    """The input that makes a population's bias neuron fire in every step: from rest or from
    any state its reset leaves (lif/if: T less the record's bias, plus a negative v_reset;
    cuba_lif: more than vth, since its current only grows)."""
    c = pop.cell.to_dict()
    if pop.kind == "CubaLIF":
        return c["vth"] + 1
    low = c["v_reset"] if c.get("reset") == "to_v_reset" else 0
    return max(1, c["threshold"] - c.get("bias", 0) - min(0, low))


def to_network(q: QuantNet) -> Mapped:
    """The quantised net as ``net.network`` (models/net/network.py): population k = the k-th in
    graph order, one engine each (``engines``), one table per projection (source neuron a -> its
    nonzero weights, targets ascending).

    Bias events (:attr:`Population.bias_events`) become spikes of a *bias source* that fires in
    every step, placed so that its events come first into the population, as :func:`run` puts
    them: for the population the input feeds, the *bias axon* (input axon ``n_in``, sent first
    in every timestep); for any other, a *bias neuron* at index 0 of its first source, which
    must be a forward one (its other neurons move up by one), driven in the same way by its own
    first source and firing in every step (its drive: :func:`_drive`).  Fails closed (NirError
    listing every reason) where the core cannot hold the net: more than ``MAX_POPS``
    populations, not exactly one projection from the one input, an output other than the last
    population, graded inputs, a bias with no forward first source, a drive past the
    accumulator, a projection whose delay disagrees with the core's index rule (src < dst same
    timestep, src >= dst one timestep late)."""
    from . import network as nw

    o, problems = q.options, []
    pops = q.populations
    index = {p.name: k for k, p in enumerate(pops)}
    eps = engines(q)
    if not 1 <= len(index) <= nw.MAX_POPS:
        problems.append(f"{len(index)} populations: net.network holds 1..{nw.MAX_POPS}")
    if len(q.inputs) != 1 or o.input_bits:
        problems.append(f"inputs {q.inputs} ({'graded' if o.input_bits else 'spikes'}): "
                        "net.network takes one spike input")
    from_in = [p for p in q.projections if p.src in q.inputs]
    if len(from_in) != 1:
        problems.append(f"{len(from_in)} projections from the input: net.network takes one")
    last = pops[-1].name if pops else None
    if set(q.outputs.values()) - {last}:
        problems.append(f"outputs read {sorted(set(q.outputs.values()))}: net.network outputs "
                        f"its last population ({last})")
    if problems:
        raise NirError(f"{q.net.source or 'NIR graph'}: does not fit net.network: "
                       + "; ".join(problems))
    fed = index[from_in[0].dst]

    def first_source(k):
        srcs = [nw.INPUT if p.src in q.inputs else index[p.src] for p in q.projections
                if p.dst == pops[k].name]
        return min(srcs)

    # which populations carry a bias neuron, and what each bias source sends (target, weight)
    holder: dict[int, int] = {}          # population -> the population holding its bias source
    need = [k for k, p in enumerate(pops) if p.bias_events]
    while need:
        k = need.pop()
        if k == fed or k in holder:
            continue
        j = first_source(k)
        if j == nw.INPUT or j >= k or j == len(pops) - 1:
            problems.append(f"{pops[k].name}: bias events need a forward first source (one "
                            "that fires a bias neuron every step); it has none")
            continue
        holder[k] = j
        need.append(j)
    offsets = tuple(int(j in holder.values()) for j in range(len(pops)))
    axon = next(iter(q.inputs.values()))          # the bias axon: one past the input axons
    uses_axon = pops[fed].bias_events or offsets[fed]
    sends: dict[int, list] = {}          # destination population -> its bias source's row
    for k, pop in enumerate(pops):
        row = []
        if offsets[k]:                   # first the drive of k's own bias neuron
            d = _drive(pop)
            if d > (1 << (eps[k].in_width - 1)) - 1:
                problems.append(f"{pop.name}: its bias neuron needs {d} LSBs in a step; "
                                f"the accumulator holds {(1 << (eps[k].in_width - 1)) - 1}")
            row += [(0, w) for _, w in _bias_events(np.array([d]), eps[k].w_width)]
        if pop.bias_events:
            row += [(j + offsets[k], w) for j, w in _bias_events(pop.bias, eps[k].w_width)]
        if row:
            sends[k] = row
    edges, fanouts = [], []
    for p in q.projections:
        src = nw.INPUT if p.src in q.inputs else index[p.src]
        dst = index[p.dst]
        if src != nw.INPUT and p.recurrent != (src >= dst):
            problems.append(f"{p.name}: {'recurrent' if p.recurrent else 'forward'} but "
                            f"net.network delivers {src}>{dst} "
                            f"{'one timestep late' if src >= dst else 'in the same timestep'}")
        off_s = 0 if src == nw.INPUT else offsets[src]
        f = {a + off_s: [(int(j) + offsets[dst], int(p.weight[j, a]))
                         for j in np.flatnonzero(p.weight[:, a])]
             for a in range(p.weight.shape[1])}
        if src == nw.INPUT and uses_axon:
            f[axon] = sends.get(dst, [])
        elif src != nw.INPUT and off_s:
            f[0] = sends.get(dst, []) if holder.get(dst) == src else []
        edges.append((src, dst))
        fanouts.append(f)
    if problems:
        raise NirError(f"{q.net.source or 'NIR graph'}: does not fit net.network: "
                       + "; ".join(problems))
    order = sorted(range(len(edges)), key=lambda e: (edges[e][1], edges[e][0]))
    edges = [edges[e] for e in order]
    fanouts = [fanouts[e] for e in order]
    n_in = axon + bool(uses_axon)
    per_edge = [sum(len(v) for v in f.values()) for f in fanouts]
    kw = {"pops": len(pops), "n_in": n_in, "in_bits": max(1, (n_in - 1).bit_length()),
          "edges": " ".join(f"{'in' if s == nw.INPUT else s}>{d}" for s, d in edges),
          "synapses": 1 << max(1, (max(per_edge) - 1).bit_length()),
          "max_fanout": max(1, max(len(v) for f in fanouts for v in f.values()))}
    for k, (pop, ep) in enumerate(zip(pops, eps)):
        n = pop.n + offsets[k]
        kw[f"n{k}"], kw[f"pop{k}"] = n, ep.replace(n=n) if offsets[k] else ep
    try:
        p = nw.NetworkParams(**kw)
        return Mapped(p, nw.build_tables(p, fanouts), offsets, axon if uses_axon else None)
    except ParamError as e:     # a size past what the core's Params allow: say it of the net
        raise NirError(f"{q.net.source or 'NIR graph'}: does not fit net.network: {e} "
                       f"(largest table: {max(per_edge)} synapses)") from None


# ------------------------------------------------------------------ the fixed-point run -----
def engines(q: QuantNet) -> list:
    """Each population's ``neuron.engine`` Params: in_width = state_bits; w_width = weight_bits
    (+ input_bits where a graded input feeds it: the event carries value x weight)."""
    from neurohdl.models.neuron.engine import EngineParams

    o = q.options
    width = {p.name: o.weight_bits for p in q.populations}
    wmax, xmax = (1 << (o.weight_bits - 1)) - 1, (1 << o.input_bits) - 1
    for p in q.projections:
        if p.src in q.inputs and o.input_bits:     # the extreme events, rounding included
            half = (1 << p.shift) >> 1
            hi, lo = (wmax * xmax + half) >> p.shift, (-wmax * xmax + half) >> p.shift
            width[p.dst] = max(width[p.dst], max(hi.bit_length(), (-lo - 1).bit_length()) + 1)
    out = []
    for p in q.populations:
        iw = CUBA_IN_WIDTH if p.kind == "CubaLIF" else o.state_bits
        out.append(EngineParams(neuron=p.neuron, n=p.n, in_width=iw,
                                w_width=min(iw, width[p.name]), cell=p.cell))
    return out


def input_codes(q: QuantNet, x: np.ndarray) -> tuple[np.ndarray, int]:
    """(integer input codes, how many saturated): spikes must be 0/1; graded values become
    round(x / lsb) clipped to 0 .. 2^k - 1 (the clipped ones counted, never silent)."""
    x = np.asarray(x, dtype=np.float64)
    if not q.options.input_bits:
        if np.any((x != 0) & (x != 1)):
            raise ParamError("inputs: allowed spikes 0/1 with options.input_bits = 0; graded "
                             "inputs need options.input_bits (neurohdl eval --input-bits)")
        return x.astype(np.int64), 0
    top = (1 << q.options.input_bits) - 1
    c = np.rint(x / q.options.input_lsb)
    return np.clip(c, 0, top).astype(np.int64), int(np.count_nonzero((c < 0) | (c > top)))


def _bias_events(bias: np.ndarray, w_width: int) -> list[tuple[int, int]]:
    """(j, part) events summing to each nonzero B_j, each part within the w_width-bit weight
    range (a bias larger than one weight takes several events)."""
    top = (1 << (w_width - 1)) - 1
    out = []
    for j, b in enumerate(int(v) for v in bias):
        while b:
            part = max(-top, min(top, b))
            out.append((j, part))
            b -= part
    return out


def _active(q: QuantNet, p: Projection, index: dict, k: int, codes, spikes, t: int):
    """What a projection into population k carries at step t: the input codes, or the source's
    spikes of this step (forward) or of the previous step (recurrent; none at t = 0)."""
    if p.src in q.inputs:
        return codes[t].reshape(-1)
    if index[p.src] < k and not p.recurrent:
        return spikes[p.src][t]
    return spikes[p.src][t - 1] if t else np.zeros(p.weight.shape[1], dtype=np.uint8)


def _sum_if_unsaturated(ep, bias, parts) -> np.ndarray | None:
    """The accumulator of one timestep without walking the events, when that is exact: every
    prefix of a neuron's event sequence lies between the sum of its negative events and the
    sum of its positive ones, so when both sums are inside the accumulator's range no event
    saturates and the order does not matter.  None otherwise (the caller walks the events)."""
    pos = np.zeros(ep.n, dtype=np.int64)
    neg = np.zeros(ep.n, dtype=np.int64)
    for p, act in parts:
        cols = np.flatnonzero(act)
        if not cols.size:
            continue
        w = p.weight[:, cols] * act[cols].astype(np.int64)[None, :]
        if p.shift:
            w = (w + ((1 << p.shift) >> 1)) >> p.shift
        pos += np.where(w > 0, w, 0).sum(axis=1)
        neg += np.where(w < 0, w, 0).sum(axis=1)
    if bias is not None:
        pos += np.maximum(bias, 0)
        neg += np.minimum(bias, 0)
    lo, hi = -(1 << (ep.in_width - 1)), (1 << (ep.in_width - 1)) - 1
    return pos + neg if pos.max(initial=0) <= hi and neg.min(initial=0) >= lo else None


def run(q: QuantNet, x) -> dict:
    """The quantised network over inputs ``x`` [T, n_in] from reset, bit-true: per timestep,
    population k (graph order) accumulates, in this order, its per-neuron bias (when not one
    value: one event (j, B_j) per neuron j, ascending; a single value is the record's ``bias``),
    then each projection into it in net.network's canonical order (the input first, then the
    source populations ascending), each active source neuron a ascending, its nonzero weights
    W[j, a] (x code) by target ascending; then one engine step (models/neuron/engine.py, which
    saturates the accumulator to state_bits).  Forward projections carry the source's spikes of
    this timestep, recurrent ones the previous timestep's.  This is net.network's order
    (models/net/network.py :func:`run`) with two additions the RTL does not have yet: bias events
    and graded input values.  Returns {'spikes': {population: [T, n] uint8}, 'out': {Output
    node: [T, n]}, 'flags': sticky acc_sat/sat/drop, 'input_saturated': count}."""
    from neurohdl.models.neuron import engine

    codes, clipped = input_codes(q, x)
    eps = engines(q)
    index = {p.name: k for k, p in enumerate(q.populations)}
    (inp,) = q.inputs
    into = {k: sorted((p for p in q.projections if p.dst == pop.name),
                      key=lambda p: -1 if p.src in q.inputs else index[p.src])
            for k, pop in enumerate(q.populations)}
    bias_events = {k: _bias_events(pop.bias, eps[k].w_width) if pop.bias_events else []
                   for k, pop in enumerate(q.populations)}
    states = [engine.init(e) for e in eps]
    T = len(codes)
    spikes = {p.name: np.zeros((T, p.n), dtype=np.uint8) for p in q.populations}
    flags = dict.fromkeys(("acc_sat", "sat", "drop"), False)
    for t in range(T):
        for k, pop in enumerate(q.populations):
            parts = [(p, _active(q, p, index, k, codes, spikes, t)) for p in into[k]]
            acc = _sum_if_unsaturated(eps[k], pop.bias if bias_events[k] else None, parts)
            if acc is None:         # some prefix may saturate: the events one by one, in order
                events = list(bias_events[k])
                for p, act in parts:
                    half = (1 << p.shift) >> 1
                    for a in np.flatnonzero(act):
                        v = int(act[a])
                        events += [(int(j), (int(p.weight[j, a]) * v + half) >> p.shift)
                                   for j in np.flatnonzero(p.weight[:, a])]
                acc, acc_sat, _ = engine.accumulate(eps[k], events)
                flags["acc_sat"] = flags["acc_sat"] or bool(acc_sat)
            states[k], addrs, sat = engine.update(eps[k], states[k], acc)
            spikes[pop.name][t, addrs] = 1
            flags["sat"] = flags["sat"] or sat
    return {"spikes": spikes, "out": {o: spikes[src] for o, src in q.outputs.items()},
            "flags": flags, "input_saturated": clipped}

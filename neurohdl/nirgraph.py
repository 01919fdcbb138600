# SPDX-License-Identifier: Apache-2.0
"""Reading a NIR graph (the Neuromorphic Intermediate Representation, package ``nir``) into the
form neurohdl's network tools work on: :class:`Net`.

``load(path)`` fails closed: one :class:`~neurohdl.errors.NirError` lists every node type and
every parameter value neurohdl does not support, before anything else happens.  Nested
subgraphs are flattened (node names joined with ``.``), every parameter becomes a float64 array
(or an int tuple for shapes, strides and paddings), and the graph's edges are split into
*forward* edges (a topological order exists over them) and *recurrent* edges: the edges that
close a cycle, found by a depth-first walk from the inputs in the file's edge order.  A recurrent
edge carries its source's output of the previous timestep (a one-timestep delay, as the training
frameworks' recurrent layers do), a forward edge the output of the same timestep.

A node's input is the sum of what its incoming edges carry (fan-in sums); a node's output goes
to every outgoing edge (fan-out).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from neurohdl.errors import NirError

#: node type -> the parameters neurohdl reads (float arrays), per the NIR specification
NEURONS = {
    "I": ("r",),
    "IF": ("r", "v_threshold", "v_reset"),
    "LI": ("tau", "r", "v_leak"),
    "LIF": ("tau", "r", "v_leak", "v_threshold", "v_reset"),
    "CubaLI": ("tau_syn", "tau_mem", "r", "v_leak", "w_in"),
    "CubaLIF": ("tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"),
}
SYNAPSES = {
    "Affine": ("weight", "bias"),
    "Linear": ("weight",),
    "Scale": ("scale",),
    "Conv1d": ("weight", "bias"),
    "Conv2d": ("weight", "bias"),
}
OTHERS = {
    "Input": (),
    "Output": (),
    "Flatten": (),
    "Threshold": ("threshold",),
    "Delay": ("delay",),
    "SumPool2d": (),
    "AvgPool2d": (),
}
SUPPORTED = {**NEURONS, **SYNAPSES, **OTHERS}
#: integer-valued attributes (kept as int tuples), per node type
SHAPES = {
    "Conv1d": ("stride", "padding", "dilation", "groups", "input_shape"),
    "Conv2d": ("stride", "padding", "dilation", "groups", "input_shape"),
    "SumPool2d": ("kernel_size", "stride", "padding"),
    "AvgPool2d": ("kernel_size", "stride", "padding"),
    "Flatten": ("start_dim", "end_dim"),
}
#: attributes every NIR node has that are not parameters
_META = ("input_type", "output_type", "metadata")


@dataclass(frozen=True)
class Node:
    """One node: its NIR type name, float64 parameters, int attributes, and the shapes of its
    input and output (from the file's type information)."""

    name: str
    kind: str
    params: dict = field(default_factory=dict)
    ints: dict = field(default_factory=dict)
    shape_in: tuple = ()
    shape_out: tuple = ()

    @property
    def spiking(self) -> bool:
        return self.kind in ("IF", "LIF", "CubaLIF", "Threshold")

    @property
    def neurons(self) -> bool:
        return self.kind in NEURONS


@dataclass(frozen=True)
class Net:
    """A flattened NIR graph.  ``order``: every node, each after the sources of its forward
    input edges; ``recurrent``: the edges that carry the previous timestep's output."""

    nodes: dict
    edges: tuple
    order: tuple
    recurrent: frozenset
    source: str = ""

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if self.nodes[n].kind == "Input")

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if self.nodes[n].kind == "Output")

    def sources(self, name: str) -> list[tuple[str, bool]]:
        """(source node, recurrent) of each edge into ``name``, in the file's order."""
        return [(s, (s, d) in self.recurrent) for s, d in self.edges if d == name]

    def describe(self) -> str:
        lines = [f"NIR graph {self.source or '(in memory)'}: {len(self.nodes)} nodes, "
                 f"{len(self.edges)} edges ({len(self.recurrent)} recurrent)"]
        for n in self.order:
            node = self.nodes[n]
            into = ", ".join(s + (" (t-1)" if r else "") for s, r in self.sources(n))
            lines.append(f"  {n:<16} {node.kind:<9} {tuple(node.shape_in)} -> "
                         f"{tuple(node.shape_out)}" + (f"  <- {into}" if into else ""))
        return "\n".join(lines)


def _shape(types: dict, key: str) -> tuple:
    v = types.get(key) if types else None
    return tuple(int(x) for x in np.atleast_1d(v)) if v is not None else ()


def _flatten(graph, prefix: str = ""):
    """(name, nir node) pairs and edges of ``graph`` with subgraphs inlined: an edge to a
    subgraph goes to its Input node(s), an edge from it leaves from its Output node(s); the
    subgraph's Input/Output nodes stay as pass-through nodes named ``sub.input`` etc."""
    import nir
    nodes, edges = [], []
    for name, node in graph.nodes.items():
        full = prefix + name
        if isinstance(node, nir.NIRGraph):
            sub_nodes, sub_edges = _flatten(node, full + ".")
            nodes += sub_nodes
            edges += sub_edges
        else:
            nodes.append((full, node))

    def ends(name: str, kind: str) -> list[str]:
        node = graph.nodes.get(name)
        if isinstance(node, nir.NIRGraph):
            return [f"{prefix}{name}.{n}" for n, v in node.nodes.items()
                    if type(v).__name__ == kind]
        return [prefix + name]
    for s, d in graph.edges:
        for a in ends(s, "Output"):
            for b in ends(d, "Input"):
                edges.append((a, b))
    return nodes, edges


def _convert(name: str, node, problems: list[str]) -> Node | None:
    kind = type(node).__name__
    if kind not in SUPPORTED:
        problems.append(f"node {name!r}: type {kind} is not supported")
        return None
    wanted, ints = SUPPORTED[kind], SHAPES.get(kind, ())
    params, int_attrs = {}, {}
    for attr, value in vars(node).items():
        if attr in _META:
            continue
        if attr in ints:
            int_attrs[attr] = tuple(int(x) for x in np.atleast_1d(value))
        elif attr in wanted:
            a = np.asarray(value, dtype=np.float64)
            if not np.all(np.isfinite(a)):
                problems.append(f"node {name!r} ({kind}): parameter {attr} holds NaN or inf")
            params[attr] = a
        else:
            problems.append(f"node {name!r} ({kind}): parameter {attr} is not supported")
    for attr in wanted:
        if attr not in params and not (attr == "bias" and kind.startswith("Conv")):
            problems.append(f"node {name!r} ({kind}): parameter {attr} is missing")
    if kind.startswith("Conv") and int_attrs.get("groups", (1,)) != (1,):
        problems.append(f"node {name!r} ({kind}): groups = {int_attrs['groups'][0]}: "
                        "allowed 1")
    for attr in ("tau", "tau_syn", "tau_mem"):
        if attr in params and np.any(params[attr] <= 0):
            problems.append(f"node {name!r} ({kind}): {attr} <= 0: allowed > 0 seconds")
    return Node(name, kind, params, int_attrs, _shape(node.input_type, "input"),
                _shape(node.output_type, "output"))


def _order(names: list[str], edges: list[tuple[str, str]], starts: list[str]):
    """(topological order, recurrent edges): a depth-first walk from ``starts`` (then from any
    node not reached) in edge order; an edge to a node on the walk's stack closes a cycle."""
    out: dict[str, list[str]] = {n: [] for n in names}
    for s, d in edges:
        out[s].append(d)
    state, post, back = {}, [], set()
    for root in starts + names:
        if root in state:
            continue
        stack = [(root, iter(out[root]))]
        state[root] = "open"
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = "done"
                post.append(node)
                stack.pop()
            elif state.get(nxt) == "open":
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = "open"
                stack.append((nxt, iter(out[nxt])))
    return tuple(reversed(post)), frozenset(back)


def load(source, *, type_check: bool = True) -> Net:
    """A :class:`Net` from a ``.nir`` file (or a ``nir.NIRGraph``).  ``type_check=False`` reads
    a file whose type annotations ``nir`` rejects (e.g. Rockpool's exports), knowingly."""
    import nir
    where = str(source) if not isinstance(source, nir.NIRGraph) else ""
    if where:
        path = Path(source)
        if not path.is_file():
            raise NirError(f"{path}: no such NIR file")
        try:
            graph = nir.read(path, type_check=type_check)
        except Exception as e:          # nir raises ValueError/KeyError/OSError on bad files
            hint = ("; the file's type annotations disagree with its nodes: read it knowingly "
                    "with type_check=False (`--no-type-check`)" if "type" in str(e).lower()
                    else "")
            raise NirError(f"{path}: not a readable NIR graph: {type(e).__name__}: "
                           f"{str(e).splitlines()[0] if str(e) else ''}{hint}") from None
    else:
        graph = source
    raw_nodes, raw_edges = _flatten(graph)
    problems: list[str] = []
    nodes = {}
    for name, node in raw_nodes:
        n = _convert(name, node, problems)
        if n is not None:
            nodes[name] = n
    names = [n for n, _ in raw_nodes]
    for s, d in raw_edges:
        for end in (s, d):
            if end not in names:
                problems.append(f"edge {s} -> {d}: no node named {end!r}")
    if not any(type(v).__name__ == "Input" for _, v in raw_nodes):
        problems.append("the graph has no Input node")
    if not any(type(v).__name__ == "Output" for _, v in raw_nodes):
        problems.append("the graph has no Output node")
    if problems:
        raise NirError(f"{where or 'NIR graph'}: {len(problems)} unsupported item"
                       f"{'s' if len(problems) > 1 else ''}: " + "; ".join(problems))
    starts = [n for n, v in raw_nodes if type(v).__name__ == "Input"]
    order, recurrent = _order(names, list(raw_edges), starts)
    return Net(nodes, tuple(raw_edges), order, recurrent, where)


#: exporter corrections by name (docs/nir.md, "The exporters' conventions"): what a file's
#: numbers should have been, computed from the timestep the net was trained at
FIXES = {"norse-w-in": "every CubaLIF's w_in = tau_syn / dt (Norse's LIFCell export writes no "
                       "w_in, which NIR reads as 1)"}


def fix(net: Net, name: str, dt: float) -> Net:
    """``net`` with the exporter correction ``name`` (one of ``FIXES``) applied; the given net
    is not changed."""
    if name not in FIXES:
        raise NirError(f"fix {name!r}: allowed one of {', '.join(sorted(FIXES))}")
    nodes = {k: replace(n, params={**n.params, "w_in": n.params["tau_syn"] / dt})
             if n.kind == "CubaLIF" else n for k, n in net.nodes.items()}
    return replace(net, nodes=nodes)

# SPDX-License-Identifier: Apache-2.0
"""Multi-population spiking network: the bit-true specification of ``net.network``.

P populations (P = ``pops``, 1..4), population k one ``neuron.engine`` (``pop<k>``: its
EngineParams, nested; its n is ``n<k>``), joined by *edges*.  An edge ``src>dst`` carries the
spikes of population ``src`` (or of the input, ``in>dst``) to population ``dst`` through a
fan-out table in ``aer.decoder``'s format (``models/aer/decoder.py``: :func:`build_table`,
``{key: [(target, weight), ...]}``): spike of source neuron a -> the synaptic events
``(target, weight)`` of table entry a, in table order.

The input: ``s_in`` carries AER beats (``models/aer/event.py``) whose ``in_bits``-bit word is an
input axon; every ``tlast`` closes one timestep (the marker rule).  An axon >= ``n_in`` is
dropped and counted.  Exactly one edge leaves the input.

Edges, in their *canonical order* (sorted by destination, then source, the input first): edge
e's table is the e-th (the s_tbl select, :func:`load_words`).  Timestep t, for k = 0..P-1 in
turn (the population index is the update order: the compiler numbers populations
topologically)::

    events_k = for each edge src>k in canonical order (the input, then src = 0, 1, ...):
                   for each spike a of the source, in order (input: arrival order; a
                   population: ascending neuron):
                       table_e[a]'s (target, weight) entries, in table order
    state_k, spikes[t][k] = engine.step(pop<k>, state_k, events_k)

where the spikes of a population source ``src`` are ``spikes[t][src]`` when ``src < k``
(a *forward* edge: same timestep, layer by layer as snnTorch/Norse/NIR evaluate) and
``spikes[t-1][src]`` when ``src >= k`` (a *recurrent* edge, self-loops included: it closes a
cycle, its spikes arrive one timestep later; none at t = 0).  The engine accumulates
``events_k`` in exactly that order (saturating, so the order is part of the spec).

Output: the spikes of the last population (P-1), ascending, as ``neuron.engine`` emits them
(``engine.aer_beats``: a marker beat for a timestep without a spike).  Counters: ``status_in``
(input events), ``status_dropped`` (input events with axon >= n_in), ``status_done`` (input
events fanned out): status_in = status_done + status_dropped (+ 0..2 in flight);
``status_out`` (output spikes), ``status_steps`` (timesteps completed).  Sticky flags
``acc_sat``, ``sat``, ``drop``: the OR of every engine's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.errors import ParamError
from neurohdl.models.aer import decoder
from neurohdl.models.aer.decoder import DecoderParams, Table
from neurohdl.models.aer.event import EventParams
from neurohdl.models.neuron import engine
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.params import Params, pfield, pfield_params

MAX_POPS = 4
MAX_N = decoder.MAX_N                    # a population is a decoder's key range
INPUT = -1                               # the source index of the input in an edge
FIRING_ENGINES = (                       # random populations: neurons that fire in a few events
    {"neuron": "lif", "in_width": 16, "w_width": 8, "cell": {"threshold": 64}},
    {"neuron": "lif", "in_width": 12, "w_width": 8, "cell": {"threshold": 40, "leak_shift": 2}},
    {"neuron": "if", "in_width": 16, "w_width": 8, "cell": {"threshold": 48}},
    {"neuron": "lif", "in_width": 16, "w_width": 6, "cell": {"reset": "subtract",
                                                            "threshold": 50}},
    {"neuron": "lif", "in_width": 10, "w_width": 8, "cell": {"width": 10, "threshold": 30}},
    {"neuron": "if", "in_width": 8, "w_width": 8, "cell": {"width": 8, "threshold": 100,
                                                          "reset": "subtract"}})


def _pop_field(k: int):
    """pop<k>: an EngineParams when pops > k, else none."""
    return pfield_params({q: (EngineParams if q > k else None) for q in range(1, MAX_POPS + 1)},
                         f"population {k}'s engine (neuron.engine's Params; its n is n{k}); "
                         f"present when pops > {k}", choose_by="pops", bind={"n": f"n{k}"})


def _n_field(k: int):
    return pfield(8 if k == 0 else 4, f"neurons of population {k} (when pops > {k})", lo=1,
                  hi=MAX_N, rand=(1, 10))


def parse_edges(text: str, pops: int) -> tuple[tuple[int, int], ...]:
    """The edges ``'in>0 0>1 1>1'`` as (src, dst) pairs (src -1: the input) in canonical order;
    a malformed or repeated edge, a population >= pops, or not exactly one input edge raises
    ParamError saying what is allowed (the caller names the field and value)."""
    out = set()
    for tok in text.replace(",", " ").split():
        src, sep, dst = tok.partition(">")
        try:
            s, d = (INPUT if src == "in" else int(src)), int(dst)
        except ValueError:
            s = d = None
        if not sep or s is None or not (-1 <= s < pops and 0 <= d < pops) or src.startswith("-"):
            raise ParamError(f"'in>k' or 'j>k' with j, k in 0..{pops - 1} (edge {tok!r})")
        if (s, d) in out:
            raise ParamError(f"each edge once (edge {tok!r} repeated)")
        out.add((s, d))
    if sum(s == INPUT for s, _ in out) != 1:
        raise ParamError("exactly one input edge 'in>k'")
    return tuple(sorted(out, key=lambda e: (e[1], e[0])))


@dataclass(frozen=True)
class NetworkParams(Params):
    """P populations (neuron.engine each) joined by fan-out tables (aer.decoder each); forward
    edges within a timestep, recurrent edges (src >= dst) one timestep later."""

    pops: int = pfield(2, "populations P (updated in index order 0..P-1; P-1 is the output)",
                       lo=1, hi=MAX_POPS)
    edges: str = pfield("in>0 0>1", "the edges 'src>dst' separated by spaces: src 'in' (exactly "
                        "one input edge) or a population j, dst a population k; j < k forward "
                        "(same timestep), j >= k recurrent (next timestep)")
    in_bits: int = pfield(3, "bits of the input event word (an input axon)", lo=1, hi=12,
                          rand=(1, 4))
    n_in: int = pfield(8, "input axons (keys 0..n_in-1 of the input table; a larger axon is "
                       "dropped and counted)", lo=1, hi=lambda p: 1 << p.in_bits)
    n0: int = _n_field(0)
    n1: int = _n_field(1)
    n2: int = _n_field(2)
    n3: int = _n_field(3)
    pop0: EngineParams = pfield_params(EngineParams, "population 0's engine (neuron.engine's "
                                       "Params; its n is n0)", bind={"n": "n0"})
    pop1: EngineParams | None = _pop_field(1)
    pop2: EngineParams | None = _pop_field(2)
    pop3: EngineParams | None = _pop_field(3)
    synapses: int = pfield(64, "synapse-RAM words of each edge's table (a power of two)", lo=2,
                           hi=decoder.MAX_SYNAPSES)
    max_fanout: int = pfield(16, "largest fan-out of one source neuron (every edge)", lo=1,
                             hi=lambda p: p.synapses)
    out_depth: int = pfield(4, "beats of the m_out FIFO (a power of two)", lo=2, hi=4096)
    counter_bits: int = pfield(16, "bits of the status counters (they wrap)", lo=4, hi=32,
                               rand=(6, 12))

    def check(self):
        try:
            parse_edges(self.edges, self.pops)
        except ParamError as e:
            raise self.error("edges", self.edges, str(e)) from None
        for f in ("synapses", "out_depth"):
            v = getattr(self, f)
            if v & (v - 1):
                raise self.error(f, v, "a power of two")

    def derive(self):
        self.set_derived("edge_list", parse_edges(self.edges, self.pops))

    @property
    def engines(self) -> tuple[EngineParams, ...]:
        """The populations' EngineParams, population 0 first."""
        return tuple(getattr(self, f"pop{k}") for k in range(self.pops))

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "edges":
            return random_edges(partial.pops, rng)
        if f.name == "synapses":
            return rng.choice([8, 16, 32])
        if f.name == "out_depth":
            return rng.choice([2, 4, 8])
        return super()._random_field(f, rng, partial)

    @classmethod
    def _random_nested(cls, f, rng, partial, fixed):
        """An engine whose neurons fire within a few events (one of FIRING_ENGINES, the other
        fields the type's defaults): a network whose spikes reach its output.  (Every neuron
        type and cell is the engine's own test; here the joining is under test.)"""
        k = int(f.name[3:])
        if k >= partial.pops:
            return None
        if fixed:
            return super()._random_nested(f, rng, partial, fixed)
        return EngineParams(n=getattr(partial, f"n{k}"), **rng.choice(FIRING_ENGINES))


def random_edges(pops: int, rng) -> str:
    """A random topology: the input into population 0 (sometimes another), a forward chain,
    and some skip, recurrent and self-loop edges."""
    edges = {(INPUT, 0 if rng.random() < 0.8 else rng.randrange(pops))}
    edges |= {(k, k + 1) for k in range(pops - 1)}
    for j in range(pops):
        for k in range(pops):
            if (j, k) not in edges and rng.random() < (0.3 if j >= k else 0.2):
                edges.add((j, k))
    return " ".join(f"{'in' if s == INPUT else s}>{d}" for s, d in
                    sorted(edges, key=lambda e: (e[1], e[0])))


# ---------------------------------------------------------------- the tables -------------

def source_n(p: NetworkParams, src: int) -> int:
    return p.n_in if src == INPUT else p.engines[src].n


def edge_params(p: NetworkParams, e: int) -> DecoderParams:
    """The aer.decoder of edge e: keyed by the source's neuron (input: the input word),
    targets and weights the destination engine's."""
    src, dst = p.edge_list[e]
    bits = p.in_bits if src == INPUT else p.engines[src].aw
    eng = p.engines[dst]
    return DecoderParams(mode="fanout", key="neuron", event=EventParams(neuron_bits=bits),
                         n=source_n(p, src), synapses=p.synapses, max_fanout=p.max_fanout,
                         target_bits=eng.aw, w_width=eng.w_width, w_signed=True,
                         counter_bits=p.counter_bits)


def build_tables(p: NetworkParams, fanouts) -> tuple[Table, ...]:
    """Each edge's fan-out ({key: [(target, weight), ...]}, canonical order) laid out by
    ``aer.decoder.build_table`` (its errors name the edge)."""
    if len(fanouts) != len(p.edge_list):
        raise ParamError(f"network tables = {len(fanouts)}: allowed {len(p.edge_list)} (one per "
                         f"edge of {p.edges!r})")
    out = []
    for e, f in enumerate(fanouts):
        try:
            out.append(decoder.build_table(edge_params(p, e), f))
        except ParamError as err:
            raise ParamError(f"edge {e} ({edge_name(p, e)}): {err}") from None
    return tuple(out)


def edge_name(p: NetworkParams, e: int) -> str:
    s, d = p.edge_list[e]
    return f"{'in' if s == INPUT else s}>{d}"


def random_fanouts(p: NetworkParams, rng) -> list[dict[int, list[tuple[int, int]]]]:
    """A random table per edge (aer.decoder's random_fanout: keys without synapses, keys at
    max_fanout, extreme weights), targets inside the population, 3 weights in 4 >= 0 (so
    that neurons fire)."""
    out = []
    for e in range(len(p.edge_list)):
        dp = edge_params(p, e)
        n_dst = p.engines[p.edge_list[e][1]].n
        out.append({k: [(t % n_dst, -1 - w if w < 0 and rng.random() < 0.67 else w)
                        for t, w in v]
                    for k, v in decoder.random_fanout(dp, rng).items()})
    return out


def sel_bits(p: NetworkParams) -> int:
    return max(1, (len(p.edge_list) - 1).bit_length())


def tbl_data_width(p: NetworkParams) -> int:
    """The widest decoder table word: s_tbl's low bits."""
    return max(edge_params(p, e).tbl_width for e in range(len(p.edge_list)))


def load_words(p: NetworkParams, tables) -> list[int]:
    """The s_tbl words that load every edge's table: ``{edge, decoder word}`` (the decoder's
    ``load_words`` in the low bits), edge 0's words first."""
    w = tbl_data_width(p)
    return [(e << w) | word for e, t in enumerate(tables)
            for word in decoder.load_words(edge_params(p, e), t)]


def fan(p: NetworkParams, e: int, table: Table, key: int) -> list[tuple[int, int]]:
    """The (target, weight) entries of ``key`` as the decoder's RAMs hold them, in order."""
    dp = edge_params(p, e)
    start, count = table.ptr[key]
    return [table.syn[(start + i) % dp.synapses] for i in range(count)]


# ---------------------------------------------------------------- the network -------------

class Result(NamedTuple):
    out: list[list[int]]            # per timestep: the output population's spikes, ascending
    spikes: list[list[list[int]]]   # [t][k]: population k's spikes in timestep t
    events: list[list[list[tuple[int, int]]]]   # [t][k]: engine k's (target, weight) events
    flags: dict[str, bool]          # acc_sat, sat, drop (sticky, every engine)
    counters: dict[str, int]        # status_* after the run (unwrapped)


def run(p: NetworkParams, tables, in_steps) -> Result:
    """The network over the input timesteps (lists of input words) from reset."""
    states = [engine.init(e) for e in p.engines]
    spikes: list[list[list[int]]] = []
    events_log = []
    flags = dict.fromkeys(("acc_sat", "sat", "drop"), False)
    n_in = n_drop = 0
    for t, words in enumerate(in_steps):
        axons = [int(w) & ((1 << p.in_bits) - 1) for w in words]
        n_in += len(axons)
        n_drop += sum(a >= p.n_in for a in axons)
        now: list[list[int]] = []
        events_log.append([])
        for k, ep in enumerate(p.engines):
            events = []
            for e, (src, dst) in enumerate(p.edge_list):
                if dst != k:
                    continue
                if src == INPUT:
                    keys = [a for a in axons if a < p.n_in]
                elif src < k:
                    keys = now[src]
                else:
                    keys = spikes[t - 1][src] if t else []
                events += [syn for a in keys for syn in fan(p, e, tables[e], a)]
            events_log[-1].append(events)
            states[k], addrs, fl = engine.step(ep, states[k], events)
            now.append([int(a) for a in addrs])
            flags = {f: flags[f] or fl[f] for f in flags}
        spikes.append(now)
    out = [s[-1] for s in spikes]
    counters = {"status_in": n_in, "status_dropped": n_drop, "status_done": n_in - n_drop,
                "status_out": sum(len(s) for s in out), "status_steps": len(in_steps)}
    return Result(out, spikes, events_log, flags, counters)


def out_beats(result: Result) -> list[tuple[int, int, int]]:
    """The m_out beats of a run: each timestep's output spikes, a marker beat when none."""
    return [b for s in result.out for b in engine.aer_beats(s)]


__all__ = ["NetworkParams", "MAX_POPS", "INPUT", "parse_edges", "random_edges", "edge_params",
           "build_tables", "random_fanouts", "load_words", "fan", "run", "out_beats", "Result",
           "sel_bits", "tbl_data_width", "edge_name"]

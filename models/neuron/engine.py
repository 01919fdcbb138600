# SPDX-License-Identifier: Apache-2.0
"""Time-multiplexed neuron engine: the bit-true specification of ``neuron.engine``.

N neurons of one type (``neuron`` = 'if', 'lif', 'li', 'cuba_lif', 'alif', 'alpha' or
'izhikevich') share one datapath; their state lives in block RAM.  A timestep has two phases:

1. accumulate: synaptic events (address a, weight w) arrive in order; each adds w into the
   neuron's input accumulator, saturating to the ``in_width``-bit signed range after every
   event (``acc_sat``):

       acc[a] = clip(acc[a] + w, -2^(iw-1), 2^(iw-1) - 1)        a < N
       (dropped, ``drop`` flag)                                   N <= a < 2^aw

   'alpha' has two accumulators per neuron, split by the sign of the weight (excitatory and
   inhibitory synapses): w >= 0 adds w to acc_exc, w < 0 adds -w to acc_inh, each clipped to
   2^(iw-1) - 1 (both only grow from 0).  Saturating accumulation is order dependent: the
   events are applied in stream order.
2. update: every neuron n = 0..N-1 takes one timestep of its single-neuron model with input
   i = acc[n] (sign-extended to that model's input width); acc is cleared.  The spiking
   addresses leave in ascending order; the last carries tlast.  A timestep with no spike is
   closed by one marker beat (tdata 0, tlast 1, tuser 1).

The neuron step is *literally* the single-neuron population model: :func:`step` calls that
model's ``run_population`` (or ``run_population_states``) with T = 1 on :func:`neuron_params`,
the single-neuron Params every neuron follows:

    'if', 'lif', 'li'      built from the engine's own fields width, frac_bits, threshold,
                           leak_shift, reset, v_reset ('lif': shift leak, no refractory period)
    'cuba_lif', 'alif',    the neuron core's Params from ``cell`` ("name=value,..." of
    'alpha', 'izhikevich'  ``neuron.<type>``'s fields, its defaults otherwise); in_width is the
                           engine's (alif, alpha: passed to the cell; cuba_lif: <= 16, the int16
                           a_in; izhikevich: <= the Q format width).  The engine fields of the
                           first group must stay at their defaults for these types.

The state of a neuron is one RAM word, the single core's m_out_tdata without the spike bit
(:func:`ram_words`): v ('if', 'lif', 'li'), {u, v} ('cuba_lif'), {a, v} ('alif'),
{i_inh, i_exc, v} ('alpha'), {u, v} ('izhikevich'); after reset every word holds the core's
reset state (izhikevich: v_init, u_init).  Flags per timestep: ``acc_sat`` (an accumulator
saturated), ``sat`` (the neuron model's per-step saturation flag), ``drop`` (an event
addressed a neuron >= N); the RTL's ``status_*`` ports are their running OR since reset
(:func:`run`).  Unknown types raise ParamError naming the supported set.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.params import Params, pfield

from . import alif, alpha, cuba_lif, if_, izhikevich, li, lif, types
from ._common import (NeuronType, frac_field, in_width_field, pack_state, random_threshold,
                      smax, smin, threshold_field, width_field)

NEURONS = ("if", "lif", "li", "cuba_lif", "alif", "alpha", "izhikevich")
CELL_TYPES = ("cuba_lif", "alif", "alpha", "izhikevich")
CELL_PARAMS = {"cuba_lif": cuba_lif.CubaLifParams, "alif": alif.AlifParams,
               "alpha": alpha.AlphaParams, "izhikevich": izhikevich.IzhikevichParams}
LIF_FIELDS = ("width", "frac_bits", "threshold", "leak_shift", "reset", "v_reset")
RESETS = ("zero", "subtract", "to_v_reset")
MAX_N = 65536
MAX_W_WIDTH = 32


def parse_items(text: str, owner: str, sep: str = ",", sep_name: str = "commas"
                ) -> dict[str, str]:
    """'du=409, dv=205' -> {'du': '409', 'dv': '205'}: the 'name=value' list of a text Params
    field (``owner``, e.g. 'EngineParams.cell'); values are coerced by the Params they feed."""
    out: dict[str, str] = {}
    for item in (t.strip() for t in str(text or "").split(sep)):
        if not item:
            continue
        if "=" not in item:
            raise ParamError(f"{owner} = {text!r}: allowed 'name=value' items "
                             f"separated by {sep_name} (item {item!r} has no '=')")
        k, v = (x.strip() for x in item.split("=", 1))
        if k in out:
            raise ParamError(f"{owner} = {text!r}: allowed each name once ({k!r} twice)")
        out[k] = v
    return out


def parse_cell(text: str) -> dict[str, str]:
    """EngineParams.cell: 'du=409, dv=205' -> {'du': '409', 'dv': '205'}."""
    return parse_items(text, "EngineParams.cell")


def cell_text(q: Params) -> str:
    """The ``cell`` string of a cell Params: its fields that differ from the defaults (optional
    fields, e.g. izhikevich's a/b/c/d resolved from the preset, are left to the cell)."""
    items = []
    for f in fields(q):
        v = getattr(q, f.name)
        if f.name == "in_width" or f.default is None or v == f.default:
            continue                     # optional fields: re-resolved by the cell (presets)
        items.append(f"{f.name}={v}")
    return ",".join(items)


@dataclass(frozen=True)
class EngineParams(Params):
    """N neurons of one type, time-multiplexed over one pipelined datapath, state in block RAM;
    synaptic events accumulate into a saturating per-neuron input; spikes leave as AER."""

    neuron: str = pfield("lif", "neuron type of all N neurons: 'if', 'lif' (shift leak), 'li' "
                         "(no spike), 'cuba_lif', 'alif', 'alpha' (two accumulators split by "
                         "the weight's sign) or 'izhikevich'")
    n: int = pfield(256, "number of neurons N (addresses 0..N-1)", lo=1, hi=MAX_N, rand=(1, 24))
    width: int = width_field()
    in_width: int = in_width_field()
    w_width: int = pfield(8, "synaptic weight width, bits (signed, membrane LSB); at most "
                          "in_width", lo=2, hi=lambda p: p.in_width)
    frac_bits: int = frac_field()
    threshold: int = threshold_field()
    leak_shift: int = pfield(4, "k of the shift leak v -= v >> k ('lif', 'li')", lo=1, hi=15)
    reset: str = pfield("zero", "on a spike: 'zero', 'subtract' (v -= threshold) or "
                        "'to_v_reset' ('lif' only)", choices=RESETS)
    v_reset: int = pfield(0, "reset value for reset = 'to_v_reset', raw LSBs, below threshold",
                          lo=lambda p: smin(p.width), hi=lambda p: p.threshold - 1)
    cell: str = pfield("", "'cuba_lif', 'alif', 'alpha', 'izhikevich': that core's Params as "
                       "'name=value,...' (e.g. 'du=409,dv=205,vth=80'); empty = its defaults; "
                       "in_width is the engine's")

    @property
    def cellp(self):
        """The single-neuron Params of 'cuba_lif', 'alif', 'alpha', 'izhikevich' (from
        ``cell``); None for the other types."""
        return self.__dict__.get("_cellp")

    def check(self):
        if self.cell is None:                # an empty value from YAML / --set cell=
            self.resolve("cell", "")
        if self.neuron not in NEURONS:
            raise self.error("neuron", self.neuron, "one of " + ", ".join(repr(c) for c in
                                                                         NEURONS))
        if self.neuron == "if" and self.reset not in if_.RESETS:
            raise self.error("reset", self.reset, "one of 'zero', 'subtract' for neuron = 'if'")
        if self.neuron not in CELL_TYPES:
            if self.cell:
                raise self.error("cell", self.cell, "'' for neuron = "
                                 f"{self.neuron!r} (its fields are the engine's own)")
            return
        for f in fields(self):
            if f.name in LIF_FIELDS and getattr(self, f.name) != f.default:
                raise self.error(f.name, getattr(self, f.name),
                                 f"its default {f.default!r} for neuron = {self.neuron!r} "
                                 f"({f.name} configures 'if', 'lif', 'li'; set the "
                                 f"{self.neuron} neuron's fields in cell)")
        kw = parse_cell(self.cell)
        cls = CELL_PARAMS[self.neuron]
        if "in_width" in kw:
            raise self.error("cell", self.cell, "no in_width item (the engine's in_width "
                             "is the neuron's input width)")
        if any(f.name == "in_width" for f in fields(cls)):
            kw["in_width"] = self.in_width
        try:
            q = cls.from_dict(kw)
        except ParamError as e:
            raise ParamError(f"EngineParams.cell = {self.cell!r}: {e}") from None
        if self.neuron == "cuba_lif" and self.in_width > cuba_lif.IN_WIDTH:
            raise self.error("in_width", self.in_width, f"2..{cuba_lif.IN_WIDTH} for neuron "
                             "= 'cuba_lif' (its input a_in is int16)")
        if self.neuron == "izhikevich" and self.in_width > q.width:
            raise self.error("in_width", self.in_width, f"2..{q.width} for neuron = "
                             f"'izhikevich' (its input is Q{q.int_bits}.{q.frac_bits})")
        object.__setattr__(self, "_cellp", q)

    def derive(self):
        self.set_derived("aw", max(1, (self.n - 1).bit_length()))
        self.set_derived("syn_width", self.w_width + self.aw)
        self.set_derived("sum_width", max(self.width, self.in_width) + 1)
        t, q = neuron_type(self), neuron_params(self)
        self.set_derived("acc_width", t.accumulators * self.in_width)
        self.set_derived("state_width", sum(w for _, w in t.layout(q)))
        self.set_derived("cell_in_width", t.input_width(q, self.in_width))

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "neuron":
            return rng.choice(NEURONS)
        cellish = partial.neuron in CELL_TYPES
        if cellish and f.name in LIF_FIELDS:
            return f.default
        if f.name == "in_width" and partial.neuron == "cuba_lif":
            return rng.choice([2, 16, rng.randint(2, 16)])
        if f.name == "in_width" and partial.neuron == "izhikevich":
            # raw Q.F currents: drive that makes the presets fire needs >= ~F + 4 bits
            return rng.choice([24, 32, rng.randint(12, 32)])
        if f.name == "cell":
            if not cellish:
                return ""
            c = CELL_PARAMS[partial.neuron]
            fixed = {"in_width": partial.in_width} if any(
                x.name == "in_width" for x in fields(c)) else {}
            if partial.neuron == "izhikevich":
                ib = rng.choice([16, 16, rng.randint(8, 24)])
                lo = max(8, partial.in_width - ib)
                if lo > 32 - ib:
                    ib = 32 - lo
                fixed["int_bits"] = ib
                fixed["frac_bits"] = rng.choice([lo, 32 - ib, rng.randint(lo, 32 - ib)])
            q = c.random(rng, **fixed)
            if rng.random() < 0.75:          # mostly a threshold the weights reach: spikes
                reach = 3 * smax(partial.w_width)
                try:
                    if partial.neuron == "cuba_lif":
                        q = q.replace(vth=rng.randint(0, max(0, reach // 8)))
                    elif partial.neuron in ("alif", "alpha"):
                        q = q.replace(threshold=rng.randint(1, max(1, min(smax(q.width),
                                                                          reach))))
                except ParamError:
                    pass
            return cell_text(q)
        if f.name == "n":
            return 1 if r < 0.1 else 2 if r < 0.15 else 3 if r < 0.2 else 24 if r < 0.3 \
                else rng.randint(4, 23)
        if f.name == "w_width" and partial.neuron == "izhikevich":
            return max(2, partial.in_width - rng.randint(0, 8))
        if f.name == "w_width":
            return partial.in_width if r < 0.3 else 2 if r < 0.4 else \
                rng.randint(2, partial.in_width)
        if f.name == "threshold":
            return random_threshold(rng, partial)
        if f.name == "reset":
            return rng.choice(if_.RESETS if partial.neuron == "if" else RESETS)
        if f.name == "v_reset":
            lo = smin(partial.width)
            return (lo if r < 0.2 else partial.threshold - 1 if r < 0.4 else 0 if r < 0.5
                    else rng.randint(lo, partial.threshold - 1))
        return super()._random_field(f, rng, partial)


def neuron_type(p: EngineParams) -> NeuronType:
    """The record of the engine's neuron type."""
    return types.TYPES[p.neuron]


def neuron_params(p: EngineParams):
    """The single-neuron Params every neuron of the engine follows."""
    if p.neuron == "lif":
        return lif.LifParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                             threshold=p.threshold, leak="shift", leak_shift=p.leak_shift,
                             reset=p.reset, v_reset=p.v_reset, refractory=0)
    if p.neuron == "if":
        return if_.IfParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                            threshold=p.threshold, reset=p.reset)
    if p.neuron == "li":
        return li.LiParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                           leak_shift=p.leak_shift)
    return p.cellp


def state_layout(p: EngineParams) -> list[tuple[str, int]]:
    """The RAM word of one neuron, low bits first: (state variable, width)."""
    return list(neuron_type(p).layout(neuron_params(p)))


def init(p: EngineParams) -> dict[str, np.ndarray]:
    """State after reset: {state variable: int64 (N,) array} (the record's reset values)."""
    return {k: np.full(p.n, v, dtype=np.int64)
            for k, v in neuron_type(p).reset(neuron_params(p)).items()}


def ram_words(p: EngineParams, state) -> list[int]:
    """The RAM word of every neuron (unsigned Python ints, :func:`state_layout`)."""
    layout = state_layout(p)
    return [pack_state(layout, {k: a[n] for k, a in state.items()}) for n in range(p.n)]


def check_events(p: EngineParams, events) -> None:
    lo, hi = smin(p.w_width), smax(p.w_width)
    for a, w in events:
        if not 0 <= int(a) < (1 << p.aw):
            raise ValueError(f"event address {a}: allowed 0..{(1 << p.aw) - 1} ({p.aw} bits)")
        if not lo <= int(w) <= hi:
            raise ValueError(f"event weight {w} outside the {p.w_width}-bit signed range "
                             f"{lo}..{hi}")


def accumulate(p: EngineParams, events):
    """Phase 1: (acc, acc_sat, drop) from the timestep's events, in order.  acc is int64 (N,),
    with two accumulators (N, 2): column 0 the sum of the weights >= 0, column 1 the magnitude
    of the negative ones."""
    check_events(p, events)
    two = neuron_type(p).accumulators == 2
    acc = np.zeros((p.n, 2) if two else p.n, dtype=np.int64)
    lo, hi = smin(p.in_width), smax(p.in_width)
    acc_sat = drop = False
    for a, w in events:
        a, w = int(a), int(w)
        if a >= p.n:
            drop = True
            continue
        if two:
            col = 0 if w >= 0 else 1
            x = int(acc[a, col]) + abs(w)
        else:
            x = int(acc[a]) + w
        if x > hi or x < lo:
            acc_sat = True
            x = min(hi, max(lo, x))
        if two:
            acc[a, col] = x
        else:
            acc[a] = x
    return acc, acc_sat, drop


def step(p: EngineParams, state, events):
    """One timestep: (state', spike addresses ascending, flags {acc_sat, sat, drop}); the state
    is {state variable: (N,) array} (:func:`init`)."""
    acc, acc_sat, drop = accumulate(p, events)
    spikes, new, sats = neuron_type(p).step_population(neuron_params(p), acc, state)
    addrs = np.nonzero(spikes)[0].astype(np.int64)
    return ({k: np.array(v, dtype=np.int64) for k, v in new.items()}, addrs,
            {"acc_sat": bool(acc_sat), "sat": bool(np.any(sats)), "drop": bool(drop)})


def aer_beats(addrs) -> list[tuple[int, int, int]]:
    """m_aer beats (tdata, tlast, tuser) of one timestep: the spiking addresses ascending, tlast
    on the last; an empty timestep is one marker beat (0, 1, 1)."""
    addrs = [int(a) for a in addrs]
    if not addrs:
        return [(0, 1, 1)]
    return [(a, int(i == len(addrs) - 1), 0) for i, a in enumerate(addrs)]


def run_states(p: EngineParams, timesteps, state0=None):
    """Timesteps (a list of event lists) from reset (or ``state0``).  Returns (beats per
    timestep, state after each timestep (list), sticky status {acc_sat, sat, drop} after each
    timestep)."""
    st_ = init(p) if state0 is None else state0
    beats, states, status = [], [], []
    st = {"acc_sat": False, "sat": False, "drop": False}
    for events in timesteps:
        st_, addrs, fl = step(p, st_, events)
        st = {k: st[k] or fl[k] for k in st}
        beats.append(aer_beats(addrs))
        states.append(st_)
        status.append(dict(st))
    return beats, states, status


def run(p: EngineParams, timesteps, v0=None):
    """Timesteps (a list of event lists) from reset (or ``v0``, a state).  Returns (beats per
    timestep, membrane v after each timestep (T, N), sticky status after each timestep)."""
    beats, states, status = run_states(p, timesteps, v0)
    vs = [s["v"] for s in states]
    return beats, np.array(vs, dtype=np.int64).reshape(len(vs), p.n), status


def pack_event(p: EngineParams, a: int, w: int) -> int:
    """s_syn tdata = {weight, address}: weight two's complement in the top w_width bits."""
    return ((int(w) & ((1 << p.w_width) - 1)) << p.aw) | int(a)


def random_events(p: EngineParams, rng, n_events: int) -> list[tuple[int, int]]:
    """Stimulus of one timestep: uniform addresses, runs of the same address back to back (the
    read-modify-write hazards), saturation-extreme weights, drive near threshold, out-of-range
    addresses (N not a power of two)."""
    lo, hi = smin(p.w_width), smax(p.w_width)
    thr = getattr(neuron_params(p), "threshold", hi)
    out: list[tuple[int, int]] = []
    while len(out) < n_events:
        kind = rng.choice(["uni", "same", "same", "ext", "drive", "pair", "oob"])
        a = rng.randrange(p.n)
        if kind == "uni":
            out.append((a, rng.randint(lo, hi)))
        elif kind == "same":
            w = rng.choice([hi, lo, rng.randint(lo, hi)])
            out += [(a, w if rng.random() < 0.7 else rng.randint(lo, hi))
                    for _ in range(rng.randint(2, 6))]
        elif kind == "ext":
            out += [(a, rng.choice([hi, lo]))] * rng.randint(1, 4)
        elif kind == "drive":
            out.append((a, max(lo, min(hi, thr // rng.randint(1, 4)))))
        elif kind == "pair":
            b = rng.randrange(p.n)
            out += [(a, rng.randint(lo, hi)), (b, rng.randint(lo, hi)), (a, rng.randint(lo, hi))]
        elif (1 << p.aw) > p.n:
            out.append((rng.randrange(p.n, 1 << p.aw), rng.randint(lo, hi)))
    return out[:n_events]


__all__ = ["EngineParams", "NEURONS", "CELL_TYPES", "RESETS", "MAX_N", "neuron_params",
           "neuron_type", "state_layout", "init", "ram_words", "accumulate", "step",
           "aer_beats", "run", "run_states", "pack_event", "random_events", "check_events",
           "parse_cell", "cell_text", "ParamError"]

# SPDX-License-Identifier: Apache-2.0
"""Time-multiplexed neuron engine: the bit-true specification of ``neuron.engine``.

N neurons of one type (``neuron`` = 'if', 'lif', 'li', 'cuba_lif', 'alif', 'alpha' or
'izhikevich') share one datapath; their state lives in block RAM.  A timestep has two phases:

1. accumulate: synaptic events (address a, weight w) arrive in order; each adds w into the
   neuron's input accumulator, saturating to the ``in_width``-bit signed range after every
   event (``acc_sat``):

       acc[a] = clip(acc[a] + w, -2^(iw-1), 2^(iw-1) - 1)        a < N
       (dropped, ``drop`` flag)                                   N <= a < 2^aw

   A type with two accumulators ('alpha') has them split by the sign of the weight
   (excitatory and inhibitory synapses): w >= 0 adds w to acc_exc, w < 0 adds -w to acc_inh,
   each clipped to 2^(iw-1) - 1 (both only grow from 0).  Saturating accumulation is order dependent: the
   events are applied in stream order.
2. update: every neuron n = 0..N-1 takes one timestep of its single-neuron model with input
   i = acc[n] (sign-extended to that model's input width); acc is cleared.  The spiking
   addresses leave in ascending order; the last carries tlast.  A timestep with no spike is
   closed by one marker beat (tdata 0, tlast 1, tuser 1).

The engine knows a neuron type only through its record (:class:`NeuronType`, looked up by
``neuron`` in ``models/neuron/types.py``; each single-neuron model module defines its own as
``NEURON``).  ``cell`` is that type's own Params (the class ``neuron`` chooses; nested, left
out = its defaults; its ``in_width``, where it has one, is the engine's).  The neuron step is
*literally* the single-neuron population model: :func:`step` calls the record's
``step_population`` (the model's ``run_population`` with T = 1) on ``cell``.  The engine's
constraints on a type are the record's (cuba_lif: in_width <= 16, the int16 a_in;
izhikevich: in_width <= the Q format width).

The state of a neuron is {variable: value}, one RAM word packed by the record's layout
(:func:`ram_words`), the single core's m_out_tdata without the spike bit: v ('if', 'li', 'lif'), {r,
v} ('lif' with a refractory period: r of bits_for(R) bits), {u, v} ('cuba_lif'), {a, v} ('alif'),
{i_inh, i_exc, v} ('alpha'), {u, v} ('izhikevich'); after reset every word holds the record's reset
values (izhikevich: v_init, u_init).  Flags per timestep: ``acc_sat`` (an accumulator saturated),
``sat`` (the neuron model's per-step saturation flag), ``drop`` (an event addressed a neuron >= N);
the RTL's ``status_*`` ports are their running OR since reset (:func:`run`).  Unknown types raise
ParamError naming the registered set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.params import Params, pfield, pfield_params

from . import types
from ._common import NeuronType, in_width_field, pack_state, smax, smin

NEURONS = types.NAMES
MAX_N = 65536
MAX_W_WIDTH = 32


def _cells() -> dict[str, type]:
    """EngineParams.cell's class for each neuron type (its record's Params)."""
    return {name: t.params for name, t in types.TYPES.items()}


@dataclass(frozen=True)
class EngineParams(Params):
    """N neurons of one type, time-multiplexed over one pipelined datapath, state in block RAM;
    synaptic events accumulate into a saturating per-neuron input; spikes leave as AER."""

    neuron: str = pfield("lif", "neuron type of all N neurons (a registered record, "
                         "models/neuron/types.py); it chooses the class of cell", choices=NEURONS)
    n: int = pfield(256, "number of neurons N (addresses 0..N-1)", lo=1, hi=MAX_N, rand=(1, 24))
    in_width: int = in_width_field()
    w_width: int = pfield(8, "synaptic weight width, bits (signed, membrane LSB); at most "
                          "in_width", lo=2, hi=lambda p: p.in_width)
    cell: Params = pfield_params(_cells, "the neuron type's own Params (neuron.<type>'s fields; "
                                 "its in_width, where it has one, is the engine's)",
                                 choose_by="neuron", bind={"in_width": "in_width"})

    def check(self):
        bad = neuron_type(self).constraint(self.cell, self.in_width)
        if bad is not None:
            raise self.error(*bad)

    def derive(self):
        t, q = neuron_type(self), self.cell
        self.set_derived("aw", max(1, (self.n - 1).bit_length()))
        self.set_derived("syn_width", self.w_width + self.aw)
        self.set_derived("acc_width", t.accumulators * self.in_width)
        self.set_derived("state_width", sum(w for _, w in t.layout(q)))
        self.set_derived("cell_in_width", t.input_width(q, self.in_width))

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        t = types.TYPES.get(getattr(partial, "neuron", None))
        if f.name == "neuron":
            return rng.choice(NEURONS)
        if f.name == "n":
            return 1 if r < 0.1 else 2 if r < 0.15 else 3 if r < 0.2 else 24 if r < 0.3 \
                else rng.randint(4, 23)
        if f.name == "in_width" and t is not None and t.random_in_width is not None:
            return t.random_in_width(rng)
        if f.name == "w_width" and t is not None and t.random_w_width is not None:
            return t.random_w_width(rng, partial)
        if f.name == "w_width":
            return partial.in_width if r < 0.3 else 2 if r < 0.4 else \
                rng.randint(2, partial.in_width)
        return super()._random_field(f, rng, partial)

    @classmethod
    def _random_nested(cls, f, rng, partial, fixed):
        """cell: the type's own random engine cell (its constraints met, mostly a threshold the
        weights reach), ``fixed`` fields pinned."""
        t = types.TYPES.get(getattr(partial, "neuron", None))
        if t is None:
            return None                      # the construction names the bad type
        return t.random_cell(rng, partial, dict(fixed))


def neuron_type(p: EngineParams) -> NeuronType:
    """The record of the engine's neuron type."""
    return types.TYPES[p.neuron]


def state_layout(p: EngineParams) -> list[tuple[str, int]]:
    """The RAM word of one neuron, low bits first: (state variable, width)."""
    return list(neuron_type(p).layout(p.cell))


def init(p: EngineParams) -> dict[str, np.ndarray]:
    """State after reset: {state variable: int64 (N,) array} (the record's reset values)."""
    return {k: np.full(p.n, v, dtype=np.int64)
            for k, v in neuron_type(p).reset(p.cell).items()}


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
    state, addrs, sat = update(p, state, acc)
    return state, addrs, {"acc_sat": bool(acc_sat), "sat": sat, "drop": bool(drop)}


def update(p: EngineParams, state, acc):
    """Phase 2 alone, from the accumulated inputs ``acc``: (state', spike addresses ascending,
    the neuron model's saturation flag)."""
    spikes, new, sats = neuron_type(p).step_population(p.cell, acc, state)
    addrs = np.nonzero(spikes)[0].astype(np.int64)
    return {k: np.array(v, dtype=np.int64) for k, v in new.items()}, addrs, bool(np.any(sats))


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
    thr = getattr(p.cell, "threshold", hi)
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


__all__ = ["EngineParams", "NEURONS", "MAX_N", "neuron_type", "state_layout", "init",
           "ram_words", "accumulate", "step", "aer_beats", "run", "run_states", "pack_event",
           "random_events", "check_events",
           "ParamError"]

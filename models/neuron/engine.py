"""Time-multiplexed neuron engine: the bit-true specification of ``neuron.engine``.

N neurons of one type (``neuron`` = 'if', 'lif' or 'li') share one datapath; their state lives
in block RAM.  A timestep has two phases:

1. accumulate: synaptic events (address a, weight w) arrive in order; each adds w into the
   neuron's input accumulator, saturating to the ``in_width``-bit signed range after every
   event (``acc_sat``):

       acc[a] = clip(acc[a] + w, -2^(iw-1), 2^(iw-1) - 1)        a < N
       (dropped, ``drop`` flag)                                   N <= a < 2^aw

   Saturating accumulation is order dependent: the events are applied in stream order.
2. update: every neuron n = 0..N-1 takes one timestep of its single-neuron model
   (``neuron.if_`` / ``neuron.lif`` / ``neuron.li``) with input i = acc[n]; acc is cleared.
   The spiking addresses leave in ascending order; the last carries tlast.  A timestep with no
   spike is closed by one marker beat (tdata 0, tlast 1, tuser 1).

The neuron step is *literally* the single-neuron population model: :func:`step` calls
``lif.run_population`` / ``if_.run_population`` / ``li.run_population`` with T = 1 on the
engine's :func:`neuron_params`, the equivalent single-neuron Params (lif: shift leak, no
refractory period).  Flags per timestep: ``acc_sat`` (an accumulator saturated), ``sat`` (a
membrane integration saturated), ``drop`` (an event addressed a neuron >= N); the RTL's
``status_*`` ports are their running OR since reset (:func:`run`).

Types of the issue's list that the engine does not implement yet ('cuba_lif', 'alpha', 'alif',
'izhikevich') raise ParamError naming the supported set; so does any unknown string.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.params import Params, pfield

from . import if_, li, lif
from ._common import (frac_field, in_width_field, random_threshold, smax, smin,
                      threshold_field, width_field)

NEURONS = ("if", "lif", "li")
NOT_YET = ("cuba_lif", "alpha", "alif", "izhikevich")
RESETS = ("zero", "subtract", "to_v_reset")
MAX_N = 65536
MAX_W_WIDTH = 32


@dataclass(frozen=True)
class EngineParams(Params):
    """N neurons of one type, time-multiplexed over one pipelined datapath, state in block RAM;
    synaptic events accumulate into a saturating per-neuron input; spikes leave as AER."""

    neuron: str = pfield("lif", "neuron type of all N neurons: 'if', 'lif' (shift leak) or 'li' "
                         "(no spike); 'cuba_lif', 'alpha', 'alif', 'izhikevich' are not "
                         "supported by the engine yet")
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

    def check(self):
        if self.neuron not in NEURONS:
            allowed = "one of " + ", ".join(repr(c) for c in NEURONS)
            if self.neuron in NOT_YET:
                allowed += f" ({self.neuron!r} is not supported by the engine yet)"
            raise self.error("neuron", self.neuron, allowed)
        if self.neuron == "if" and self.reset not in if_.RESETS:
            raise self.error("reset", self.reset, "one of 'zero', 'subtract' for neuron = 'if'")

    def derive(self):
        self.set_derived("aw", max(1, (self.n - 1).bit_length()))
        self.set_derived("syn_width", self.w_width + self.aw)
        self.set_derived("sum_width", max(self.width, self.in_width) + 1)

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "neuron":
            return rng.choice(NEURONS)
        if f.name == "n":
            return 1 if r < 0.1 else 2 if r < 0.15 else 3 if r < 0.2 else 24 if r < 0.3 \
                else rng.randint(4, 23)
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


def neuron_params(p: EngineParams):
    """The single-neuron Params every neuron of the engine follows."""
    if p.neuron == "lif":
        return lif.LifParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                             threshold=p.threshold, leak="shift", leak_shift=p.leak_shift,
                             reset=p.reset, v_reset=p.v_reset, refractory=0)
    if p.neuron == "if":
        return if_.IfParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                            threshold=p.threshold, reset=p.reset)
    return li.LiParams(width=p.width, in_width=p.in_width, frac_bits=p.frac_bits,
                       leak_shift=p.leak_shift)


def init(p: EngineParams) -> np.ndarray:
    """Membranes after reset: zeros (int64, N)."""
    return np.zeros(p.n, dtype=np.int64)


def check_events(p: EngineParams, events) -> None:
    lo, hi = smin(p.w_width), smax(p.w_width)
    for a, w in events:
        if not 0 <= int(a) < (1 << p.aw):
            raise ValueError(f"event address {a}: allowed 0..{(1 << p.aw) - 1} ({p.aw} bits)")
        if not lo <= int(w) <= hi:
            raise ValueError(f"event weight {w} outside the {p.w_width}-bit signed range "
                             f"{lo}..{hi}")


def accumulate(p: EngineParams, events):
    """Phase 1: (acc int64 (N,), acc_sat, drop) from the timestep's events, in order."""
    check_events(p, events)
    acc = np.zeros(p.n, dtype=np.int64)
    lo, hi = smin(p.in_width), smax(p.in_width)
    acc_sat = drop = False
    for a, w in events:
        a = int(a)
        if a >= p.n:
            drop = True
            continue
        x = int(acc[a]) + int(w)
        if x > hi or x < lo:
            acc_sat = True
            x = min(hi, max(lo, x))
        acc[a] = x
    return acc, acc_sat, drop


def step(p: EngineParams, v: np.ndarray, events):
    """One timestep: (v' (N,), spike addresses ascending, flags {acc_sat, sat, drop})."""
    acc, acc_sat, drop = accumulate(p, events)
    q = neuron_params(p)
    I = acc.reshape(1, -1)
    if p.neuron == "lif":
        spikes, vs, sats = lif.run_population(q, I, state0=(v, np.zeros(p.n, dtype=np.int64)))
    elif p.neuron == "if":
        spikes, vs, sats = if_.run_population(q, I, v0=v)
    else:
        spikes, vs, sats = li.run_population(q, I, v0=v)
    addrs = np.nonzero(spikes[0])[0].astype(np.int64)
    return vs[0].copy(), addrs, {"acc_sat": bool(acc_sat), "sat": bool(sats[0].any()),
                                 "drop": bool(drop)}


def aer_beats(addrs) -> list[tuple[int, int, int]]:
    """m_aer beats (tdata, tlast, tuser) of one timestep: the spiking addresses ascending, tlast
    on the last; an empty timestep is one marker beat (0, 1, 1)."""
    addrs = [int(a) for a in addrs]
    if not addrs:
        return [(0, 1, 1)]
    return [(a, int(i == len(addrs) - 1), 0) for i, a in enumerate(addrs)]


def run(p: EngineParams, timesteps, v0=None):
    """Timesteps (a list of event lists) from reset (or ``v0``).  Returns (beats per timestep,
    v after each timestep (T, N), sticky status {acc_sat, sat, drop} after each timestep)."""
    v = init(p) if v0 is None else np.asarray(v0, dtype=np.int64).copy()
    beats, vs, status = [], [], []
    st = {"acc_sat": False, "sat": False, "drop": False}
    for events in timesteps:
        v, addrs, fl = step(p, v, events)
        st = {k: st[k] or fl[k] for k in st}
        beats.append(aer_beats(addrs))
        vs.append(v.copy())
        status.append(dict(st))
    return beats, np.array(vs, dtype=np.int64).reshape(len(vs), p.n), status


def pack_event(p: EngineParams, a: int, w: int) -> int:
    """s_syn tdata = {weight, address}: weight two's complement in the top w_width bits."""
    return ((int(w) & ((1 << p.w_width) - 1)) << p.aw) | int(a)


def random_events(p: EngineParams, rng, n_events: int) -> list[tuple[int, int]]:
    """Stimulus of one timestep: uniform addresses, runs of the same address back to back (the
    read-modify-write hazards), saturation-extreme weights, drive near threshold, out-of-range
    addresses (N not a power of two)."""
    lo, hi = smin(p.w_width), smax(p.w_width)
    thr = p.threshold
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


__all__ = ["EngineParams", "NEURONS", "NOT_YET", "RESETS", "MAX_N", "neuron_params", "init",
           "accumulate", "step", "aer_beats", "run", "pack_event", "random_events",
           "check_events", "ParamError"]

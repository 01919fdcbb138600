# SPDX-License-Identifier: Apache-2.0
"""N event streams into one: the bit-true, cycle-true specification of ``aer.merge``.

Inputs ``s_in0`` .. ``s_in{n-1}``, output ``m_out``, all AER streams (models/aer/event.py).
State: the output register (a beat or empty), ``done`` (the inputs that have delivered their
marker for the open timestep) and the round-robin start ``ptr``.

Every cycle: ``free`` = the output register is empty or its beat transfers; an input
*requests* when its tvalid is high and it is not ``done``; when free, one requesting input is
granted, round robin (the lowest requesting input at or above ``ptr``, else the lowest; then
``ptr`` = the granted input + 1, wrapping); ``s_in{i}_tready = free and i granted``.  The
granted beat (tdata, tlast, tuser):

* without tlast: goes out as it is;
* with tlast, while another input is not done: the input becomes done (it waits until the
  merged timestep closes); its event goes out without tlast, a marker beat (tuser) goes nowhere;
* with tlast from the last input not done: the merged timestep closes: the beat goes out as
  it is (the event with tlast, or the marker beat) and every input is no longer done.

**Marker rule.** The merged stream's timestep t is closed once every input has delivered its
marker of timestep t, by one beat: it holds exactly the events of every input's timestep t.
**Order.** Each input's events leave in their order (one FIFO per input, nothing reordered).
**Fairness.** A requesting input is granted before any other input is granted twice: within
n - 1 grants to other inputs (n cycles when m_out is never stalled).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.models.aer import _arbiter as arbiter
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params

SIGNALS = ("tvalid", "tdata", "tlast", "tuser")


@dataclass(frozen=True)
class MergeParams(Params):
    """An n-input round-robin merger of event streams that keeps timesteps."""

    n: int = pfield(4, "inputs s_in0 .. s_in{n-1}", lo=2, hi=16, rand=(2, 5))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")


def inputs(p: MergeParams) -> tuple[str, ...]:
    return tuple(f"s_in{i}_{s}" for i in range(p.n) for s in SIGNALS) + ("m_out_tready",)


class State(NamedTuple):
    out: tuple[int, int, int] | None
    done: int              # bit i: input i delivered its marker of the open timestep
    ptr: int


def reset(p: MergeParams) -> State:
    return State(None, 0, 0)


def granted(p: MergeParams, st: State, ins: dict) -> int | None:
    """The input granted this cycle (None: none, or the output register is not free)."""
    if st.out is not None and not ins.get("m_out_tready"):
        return None
    req = sum(1 << i for i in range(p.n) if ins.get(f"s_in{i}_tvalid") and not st.done >> i & 1)
    return arbiter.grant(req, st.ptr, True)


def outputs(p: MergeParams, st: State, ins: dict) -> dict:
    g = granted(p, st, ins)
    d, last, user = st.out if st.out else (None, None, None)
    return {**{f"s_in{i}_tready": int(g == i) for i in range(p.n)},
            "m_out_tvalid": int(st.out is not None), "m_out_tdata": d, "m_out_tlast": last,
            "m_out_tuser": user}


def step(p: MergeParams, st: State, ins: dict) -> State:
    g = granted(p, st, ins)
    if g is None:
        return st if st.out is not None and not ins.get("m_out_tready") else st._replace(out=None)
    beat = tuple(int(ins[f"s_in{g}_{s}"]) for s in SIGNALS[1:])
    done, everyone = st.done | 1 << g, (1 << p.n) - 1
    if not beat[1]:
        out = beat
    elif done == everyone:
        out, done = beat, 0
    else:
        out = None if beat[2] else (beat[0], 0, 0)
    return State(out, done if beat[1] else st.done, arbiter.after(g, p.n))


def run(p: MergeParams, streams) -> list[tuple[int, int, int]]:
    """Transaction level with m_out never stalled and every input always offering its next
    beat (each input: a list of (tdata, tlast, tuser) beats): the merged beats."""
    st, pos, out = reset(p), [0] * p.n, []
    while any(pos[i] < len(s) for i, s in enumerate(streams)) or st.out is not None:
        ins = {"m_out_tready": 1}
        for i, s in enumerate(streams):
            b = s[pos[i]] if pos[i] < len(s) else (0, 0, 0)
            ins.update({f"s_in{i}_tvalid": int(pos[i] < len(s)), f"s_in{i}_tdata": b[0],
                        f"s_in{i}_tlast": b[1], f"s_in{i}_tuser": b[2]})
        g = granted(p, st, ins)
        if st.out is not None:
            out.append(st.out)
        if g is None and st.out is None:
            break
        if g is not None:
            pos[g] += 1
        st = step(p, st, ins)
    return out

# SPDX-License-Identifier: Apache-2.0
"""Register slice (skid buffer): the bit-true, cycle-true specification of ``stream.skid``.

Cuts every combinational path between ``s_in`` and ``m_out`` (tdata, tvalid *and* tready are
registers) at full throughput.  State: the output register ``out`` and the skid register
``skid`` (each a word or empty; ``skid`` is only ever full while ``out`` is).  Outputs of a
cycle, from the state at its start:

    s_in_tready  = skid is empty
    m_out_tvalid = out is full,  m_out_tdata = out

At the clock edge, with pop = ``m_out_tvalid && m_out_tready`` and push =
``s_in_tvalid && s_in_tready``:

    out empty or pop:  out <- skid if skid is full (skid <- empty), else the pushed word,
                       else empty
    otherwise:         out holds; a pushed word goes to skid

So a word passes in 1 cycle, one word per cycle flows while the sink is ready, and when the
sink stalls the one word already accepted in that cycle waits in ``skid`` (s_in_tready falls a
cycle later: that is what "registered ready" costs).  Reset empties both registers.
Transaction level the words leave as they came (``run``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.params import Params, pfield

MAX_WIDTH = 1024


@dataclass(frozen=True)
class SkidParams(Params):
    """A register slice for a ``width``-bit stream."""

    width: int = pfield(8, "bits of a word (s_in_tdata, m_out_tdata)", lo=1, hi=MAX_WIDTH,
                        rand=(1, 40))


class State(NamedTuple):
    out: int | None = None
    skid: int | None = None


class Outputs(NamedTuple):
    s_in_tready: int
    m_out_tvalid: int
    m_out_tdata: int | None


def outputs(p: SkidParams, state: State | None) -> Outputs:
    """What the slice shows in a cycle that starts with ``state`` (None = after reset)."""
    st = state if state is not None else State()
    return Outputs(int(st.skid is None), int(st.out is not None), st.out)


def step(p: SkidParams, state, s_valid: int, s_data: int, m_ready: int
         ) -> tuple[State, Outputs]:
    """One clock cycle: (the state after the edge, the outputs during the cycle); ``state``
    None = after reset (both registers empty)."""
    st = state if state is not None else State()
    out = outputs(p, st)
    word = int(s_data) & ((1 << p.width) - 1) if out.s_in_tready and s_valid else None
    if st.out is None or (out.m_out_tvalid and m_ready):
        nxt = State(st.skid, None) if st.skid is not None else State(word, None)
    else:
        nxt = State(st.out, word if word is not None else st.skid)
    return nxt, out


def run(p: SkidParams, words) -> list[int]:
    """Transaction level: the words leave as they came (masked to ``width`` bits)."""
    mask = (1 << p.width) - 1
    return [int(w) & mask for w in words]

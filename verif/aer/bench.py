# SPDX-License-Identifier: Apache-2.0
"""Cycle-level check of the ``aer`` family on the shared testbench (``verif/common/tb.py``).

An ``aer`` model module is a cycle model: ``INPUTS`` or ``inputs(p)`` (the input port
names), ``reset(p)`` (the state after reset), ``outputs(p, state, ins)`` ({output port: value,
or None where the contract leaves it open}) and ``step(p, state, ins)`` (the state after the
edge); ``ins`` maps each input port to its value (None while undriven: X).

:class:`CycleCheck` follows the model from the bench's reset on: every cycle it compares each
defined output with the design's, then steps the model with the inputs as the BFMs drove them,
and records each output stream's transfers as the model sees them (``beats[stream]``: (tdata,
tlast, tuser)).  A test compares the design's received beats with those through
``scoreboard.expected()``, so a corrupted model fails it.  :class:`Late` is the must-fail model.

Beats on the ``s_*`` streams go out with tlast and tuser (:func:`send_beats`); :func:`take`
collects what a sink received; :func:`drain` waits until the core is idle.
"""
from __future__ import annotations

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import make_stream

_, Beat, _, _, _ = make_stream("AerBeat", ["tlast", "tuser"])


def value(handle) -> int | None:
    """A port's value, None while it holds X or Z."""
    v = handle.value
    return int(v) if v.is_resolvable else None


def send_beats(tb, beats, stream: str | None = None):
    """Queue (tdata, tlast, tuser) beats on an ``s_*`` stream (default: the only one)."""
    source = tb.sources[stream] if stream else tb.source
    for d, last, user in beats:
        source.send_nowait(Beat(tdata=int(d), tlast=int(last), tuser=int(user)))


async def load_words(tb, words, stream: str = "s_tbl", slack: int = 50):
    """Write table words on a stream that never stalls (``s_tbl``) and wait until the source
    has sent them all (4 cycles a word allow for any idle pattern), then one cycle more."""
    tb.send(words, stream)
    source = tb.sources[stream]
    for _ in range(4 * len(words) + slack):
        if source.idle():
            break
        await RisingEdge(tb.dut.clk)
    else:
        raise AssertionError(f"{stream}: {len(words)} table words not taken; {tb.p}")
    await RisingEdge(tb.dut.clk)


def take(sink) -> list[tuple[int, int, int]]:
    """The beats a sink has received so far, as (tdata, tlast, tuser)."""
    out = []
    while not sink.empty():
        b = sink.recv_nowait()
        out.append((int(b.tdata), int(b.tlast), int(b.tuser)))
    return out


def flat(beats) -> list[int]:
    """Beats as comparable integers ``tdata << 2 | tlast << 1 | tuser``."""
    return [(d << 2) | (last << 1) | user for d, last, user in beats]


class CycleCheck:
    """Follows a cycle model from the next reset on; mismatches go to ``errors``;
    ``invariants(dut)`` (optional) returns messages of model-free rules broken this cycle."""

    def __init__(self, dut, model, p, invariants=None):
        self.dut, self.model, self.p, self.invariants = dut, model, p, invariants
        self.errors: list[str] = []
        self.beats: dict[str, list] = {}
        self.cycles = 0
        self.known = False

    async def run(self):
        dut, model = self.dut, self.model
        names = model.inputs(self.p) if hasattr(model, "inputs") else model.INPUTS
        ins_h = {n: getattr(dut, n) for n in names}
        state, out_h = None, {}
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            ins = {n: value(h) for n, h in ins_h.items()}
            if self.known:
                self.cycles += 1
                want = model.outputs(self.p, state, ins)
                for name, w in want.items():
                    if w is None:
                        continue
                    if name not in out_h:
                        out_h[name] = getattr(dut, name)
                    g = value(out_h[name])
                    if g != w and len(self.errors) < 20:
                        self.errors.append(f"{name} = {g}, model {w} at {get_sim_time('ns'):g} ns")
                for m in (n[:-len("_tvalid")] for n in want if n.endswith("_tvalid")):
                    if want[f"{m}_tvalid"] and ins[f"{m}_tready"]:
                        self.beats.setdefault(m, []).append(
                            (want[f"{m}_tdata"], want[f"{m}_tlast"], want.get(f"{m}_tuser", 0)))
                if self.invariants is not None:
                    self.errors += self.invariants(dut)[:max(0, 20 - len(self.errors))]
            if value(dut.rst):
                state, self.known, self.beats = model.reset(self.p), True, {}
            elif self.known:
                state = model.step(self.p, state, ins)

    def check(self, tb, got: dict, what: str):
        """No cycle mismatch, and each output stream's received beats (``got``: stream ->
        beats) equal to the model's transfers, through ``expected()``."""
        assert not self.errors, f"{what}: {len(self.errors)} cycle mismatches, first " \
                                f"{self.errors[:3]}; {self.p}"
        for k, (m, beats) in enumerate(sorted(got.items())):
            compare(flat(beats), expected(flat(self.beats.get(m, [])), tb.seed + k),
                    f"{what} {m} (tdata << 2 | tlast << 1 | tuser)", str(self.p))


class Late:
    """A must-fail model: ``model`` seeing every input one cycle late (a latency bug)."""

    def __init__(self, model):
        self.model = model

    def inputs(self, p):
        return self.model.inputs(p) if hasattr(self.model, "inputs") else self.model.INPUTS

    def reset(self, p):
        return self.model.reset(p), None

    def outputs(self, p, st, ins):
        return self.model.outputs(p, st[0], st[1] or dict.fromkeys(ins, 0))

    def step(self, p, st, ins):
        return self.model.step(p, st[0], st[1] or dict.fromkeys(ins, 0)), ins


async def start_check(tb, model, p=None, invariants=None) -> CycleCheck:
    """A cycle check following ``model`` (with Params ``p``, default the run's) from a fresh
    reset of the bench."""
    check = CycleCheck(tb.dut, model, tb.p if p is None else p, invariants)
    cocotb.start_soon(check.run())
    await tb.reset()
    return check


async def drain(tb, busy, limit: int = 5000, quiet: int = 8, send_limit: int | None = None):
    """Wait until every source is drained and ``busy(dut)`` has been false for ``quiet``
    cycles (the core holds nothing); fails after ``limit`` cycles.  ``send_limit``: fail too
    when the sources have not drained within that many cycles (default: wait for them)."""
    if send_limit is None:
        for source in tb.sources.values():
            await source.wait()
    else:
        for _ in range(send_limit):
            if all(source.idle() for source in tb.sources.values()):
                break
            await RisingEdge(tb.dut.clk)
        else:
            raise AssertionError(f"inputs not taken within {send_limit} cycles; {tb.p}")
    calm = 0
    for _ in range(limit):
        await RisingEdge(tb.dut.clk)
        await ReadOnly()
        calm = 0 if busy(tb.dut) else calm + 1
        if calm >= quiet:
            await ClockCycles(tb.dut.clk, 1)
            return
    raise AssertionError(f"core still busy after {limit} cycles; {tb.p}")

# SPDX-License-Identifier: Apache-2.0
"""Cycle-level check of the ``stream`` family, on top of the shared testbench
(``verif/common/tb.py``), for cores with one ``s_in`` and one ``m_out`` and a model with
``outputs(p, state)`` and ``step(p, state, s_valid, s_data, m_ready)``.

Every cycle, the design's outputs (``s_in_tready``, ``m_out_tvalid``, ``m_out_tdata`` while
valid, ``status_*``) are compared with the model's ``outputs`` for the state it has reached,
and the model steps with that cycle's inputs as the BFMs drove them (``s_in_tvalid``,
``s_in_tdata``, ``m_out_tready``); a reset cycle restarts it.  The transaction-level tests
(model match, throughput, reset, must-fail) are the shared ``StandardTests``.
"""
from __future__ import annotations

from typing import Callable

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge


def words(p, rng, n):
    """n words: random ones, all ones and zeros."""
    top = (1 << p.width) - 1
    return [rng.choice([rng.getrandbits(p.width), top, 0, rng.getrandbits(p.width)])
            for _ in range(n)]


class CycleCheck:
    """Follows the model cycle by cycle from the next reset on; mismatches go to ``errors``."""

    def __init__(self, dut, model, p):
        self.dut, self.model, self.p = dut, model, p
        self.errors: list[str] = []

    async def run(self):
        dut, state, known = self.dut, None, False
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if known:
                for name, w in self.model.outputs(self.p, state)._asdict().items():
                    if w is None:                   # no such port, or tdata while not valid
                        continue
                    g = int(getattr(dut, name).value)
                    if g != w:
                        self.errors.append(f"{name} = {g:#x}, model {w:#x} at "
                                           f"{get_sim_time('ns'):g} ns")
            if int(dut.rst.value):
                state, known = None, True
            elif known:
                sv = int(dut.s_in_tvalid.value)
                sd = int(dut.s_in_tdata.value) if sv else 0     # X while the source idles
                state, _ = self.model.step(self.p, state, sv, sd, int(dut.m_out_tready.value))


async def cycles_match(dut, tests, model, idle, stall, model_p: Callable | None = None):
    """A model-match run of ``tests`` (the core's StandardTests) with the cycle check on;
    ``model_p(p)``: the Params the check uses (default the design's; a must-fail passes
    others)."""
    tb = await tests.bench(dut, idle, stall)
    check = CycleCheck(dut, model, tb.p if model_p is None else model_p(tb.p))
    cocotb.start_soon(check.run())
    await tb.reset()                         # the check follows the model from this reset on
    inputs = tests.stimulus(tb, f"cycles:{idle}/{stall}")
    got = await tests.exchange(tb, inputs, len(inputs))
    tests.compare(tb, got, inputs, f"pauses={idle}/{stall}")
    await tb.settle()
    tb.check_protocol()
    assert not check.errors, f"{len(check.errors)} cycle mismatches, first {check.errors[:3]}; " \
                             f"{tb.p}"


def stream_tests(model, mutant, must_fail_prefix, capacity: Callable, wrong_model,
                 wrong_params: Callable, cycles_doc: str, wrong_doc: str,
                 module: str | None = None) -> dict:
    """Every cocotb test of a ``stream`` core, by the name its module binds it to (the module
    does ``globals().update(stream_tests(...))``): the shared StandardTests on 100 random words
    (:func:`words`) -- model match, full throughput, reset mid-stream, must-fail against
    ``mutant(p, words)`` on words starting with ``must_fail_prefix`` -- a fill to full (the
    sink held: exactly ``capacity(p)`` words taken, then drained in order), and the cycle
    check (:func:`cycles_match`, doc ``cycles_doc``) with its must-fail against
    ``wrong_model`` at ``wrong_params(p)`` (doc ``wrong_doc``)."""
    import sys

    from neurohdl.verif.common.tb import StandardTests

    module = module or sys._getframe(1).f_globals["__name__"]
    tests = StandardTests(model=model.run, stimulus=words, n=100, mutant=mutant, module=module,
                          must_fail_stimulus=lambda p, rng, n: must_fail_prefix + words(p, rng, n))

    async def cycles_match_model(dut, idle, stall):
        await cycles_match(dut, tests, model, idle, stall)

    async def cycle_check_must_fail(dut):
        await cycles_match(dut, tests, wrong_model, None, "cycle", wrong_params)

    for func, doc in ((cycles_match_model, cycles_doc), (cycle_check_must_fail, wrong_doc)):
        func.__doc__, func.__module__ = doc, module
    cycles_match_model = cocotb.test()(cocotb.parametrize(
        (("idle", "stall"), [(None, "cycle"), ("random", "random")]))(cycles_match_model))
    cycle_check_must_fail = cocotb.test(expect_fail=True)(cycle_check_must_fail)
    return dict(stream_matches_model=tests.model_match(), full_throughput=tests.throughput(),
                reset_mid_stream=tests.reset_mid_stream(),
                fill_to_full=tests.stall_fill("fill_to_full", accepted=capacity,
                                              cycles=lambda p: capacity(p) + 10,
                                              n=lambda p: capacity(p) + 4),
                scoreboard_must_fail=tests.must_fail(), cycles_match_model=cycles_match_model,
                cycle_check_must_fail=cycle_check_must_fail)

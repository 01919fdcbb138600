# SPDX-License-Identifier: Apache-2.0
"""sc.lfsr: converted Verilog vs the model, over random configurations, with back-pressure."""
import os
import random

import cocotb
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from neurohdl import ParamError
from neurohdl.models.sc import lfsr as model
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams, is_maximal, reciprocal_taps
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

RndBus, _, _, RndSink, _ = make_stream("Rnd")
N_BEATS = 700


async def _setup(dut, pattern):
    p = params_from_env(LfsrParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    sink = RndSink(RndBus.from_prefix(dut, "m_rnd"), dut.clk, dut.rst)
    sink.set_pause_generator(pauses(pattern, run_seed(), "m_rnd"))
    errors: list[str] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_rnd", errors))
    await reset(dut)
    return p, sink, errors


@cocotb.test()
@cocotb.parametrize(pattern=list(PATTERNS))
async def stream_matches_model(dut, pattern):
    p, sink, errors = await _setup(dut, pattern)
    got = [int((await sink.recv()).tdata) for _ in range(N_BEATS)]
    compare(got, expected(model.run(p, N_BEATS), run_seed()), "m_rnd", f"{p} pauses={pattern}")
    assert not errors, errors[:3]


@cocotb.test()
async def reset_restarts_sequence(dut):
    """A reset in mid-stream returns the state to the seed; held-off tready freezes it."""
    p, sink, errors = await _setup(dut, "random")
    first = [int((await sink.recv()).tdata) for _ in range(50)]
    sink.pause = True
    await ClockCycles(dut.clk, 5)
    await reset(dut, 2)
    sink.clear_pause_generator()
    sink.pause = False
    sink.clear()
    again = [int((await sink.recv()).tdata) for _ in range(50)]
    want = expected(model.run(p, 50), run_seed())
    compare(first, want, "before reset", str(p))
    compare(again, want, "after reset", str(p))


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model with one tap flipped must fail."""
    p, sink, _ = await _setup(dut, None)
    wrong = LfsrParams(width=p.width, taps=p.taps ^ 1 << (p.width // 2 - 1), seed=p.seed,
                       allow_nonmaximal=True)
    got = [int((await sink.recv()).tdata) for _ in range(N_BEATS)]
    compare(got, [int(x) for x in model.run(wrong, N_BEATS)], "m_rnd", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_lfsr(i, seed, tmp_path):
    check_core("sc.lfsr", seed, tmp_path)


def test_lfsr_verilator(seed, tmp_path):
    check_core("sc.lfsr", seed, tmp_path, sim="verilator")


def test_default_sequence_matches_scope():
    """x^16+x^14+x^13+x^11+1 from 0xACE1, as derived independently in docs/references.md §5.1."""
    got = [int(x) for x in model.run(LfsrParams(), 9)]
    assert got == [0xACE1, 0xE270, 0x7138, 0x389C, 0x1C4E, 0x0E27, 0xB313, 0xED89, 0xC2C4]


@pytest.mark.parametrize("width", range(3, 17))
def test_period_exhaustive(width):
    """Every width <= 16: table taps and their reciprocals run the full 2^w - 1 states."""
    for taps in (MAXIMAL_TAPS[width], reciprocal_taps(MAXIMAL_TAPS[width], width)):
        p = LfsrParams(width=width, taps=taps, seed=1)
        states = model.run(p, (1 << width) - 1)
        assert len(set(states.tolist())) == (1 << width) - 1 and 0 not in states
        assert model.advance(p, p.seed, (1 << width) - 1) == p.seed
        assert model.period(p) == (1 << width) - 1


@pytest.mark.parametrize("width", range(3, 11))
def test_is_maximal_against_brute_force(width):
    """The primitivity test agrees with measured periods for every mask of small widths."""
    for taps in range(1 << (width - 1), 1 << width):
        p = LfsrParams(width=width, taps=taps, seed=1, allow_nonmaximal=True)
        assert is_maximal(taps, width) == (model.period(p, 1 << width) == (1 << width) - 1), hex(taps)


@pytest.mark.parametrize("kw, words", [
    ({"seed": 0}, ["LfsrParams.seed = 0", "1..65535"]),
    ({"width": 2}, ["LfsrParams.width = 2", "3..32"]),
    ({"width": 33}, ["LfsrParams.width = 33", "3..32"]),
    ({"taps": 0x8001}, ["LfsrParams.taps", "maximal-length"]),
    ({"taps": 0x1234}, ["LfsrParams.taps", "32768..65535"]),
    ({"width": 8, "seed": 256}, ["LfsrParams.seed = 256", "1..255"]),
    ({"allow_nonmaximal": 1}, ["allow_nonmaximal", "True or False"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        LfsrParams(**kw)
    for w in words:
        assert w in str(e.value)


def test_nonmaximal_allowed_explicitly():
    p = LfsrParams(width=4, taps=0b1111, allow_nonmaximal=True)
    assert p.derived()["period"] is None and model.period(p) < 15

# SPDX-License-Identifier: Apache-2.0
"""sc.xor_absdiff: converted Verilog vs the model with idle and back-pressure on both streams;
the model against a plain-Python truth table; the absolute difference at N = 4096 on
positively correlated LFSR streams."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl import ParamError
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import xor_absdiff as model
from neurohdl.models.sc.xor_absdiff import XorAbsdiffParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

AbBus, AbTransaction, AbSource, _, _ = make_stream("Ab")
YBus, _, _, YSink, _ = make_stream("Y")
N_BEATS = 200


def stimulus(salt: str, n: int = N_BEATS) -> list[int]:
    return gm.random_beats(random.Random(f"{run_seed()}:ab:{salt}"), n)


async def _setup(dut, idle, stall):
    p = params_from_env(XorAbsdiffParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = AbSource(AbBus.from_prefix(dut, "s_ab"), dut.clk, dut.rst)
    sink = YSink(YBus.from_prefix(dut, "m_y"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(idle, run_seed(), "s_ab"))
    sink.set_pause_generator(pauses(stall, run_seed(), "m_y"))
    errors: list[str] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_y", errors))
    await reset(dut)
    return p, source, sink, errors


async def _exchange(source, sink, beats):
    for ab in beats:
        source.send_nowait(AbTransaction(tdata=int(ab)))
    return [int((await sink.recv()).tdata) for _ in beats]


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_ab idle pattern x m_y back-pressure pattern."""
    p, source, sink, errors = await _setup(dut, idle, stall)
    beats = stimulus(f"{idle}/{stall}")
    got = await _exchange(source, sink, beats)
    compare(got, expected(model.run_beats(p, beats), run_seed()), "m_y",
            f"{p} pauses={idle}/{stall}")
    await ClockCycles(dut.clk, 5)
    assert sink.empty(), f"extra m_y beats; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def full_throughput(dut):
    """No pauses: one beat per cycle, latency 1 (n beats out in n cycles after the first)."""
    p, source, sink, errors = await _setup(dut, None, None)
    beats = stimulus("throughput", 64)
    for ab in beats:
        source.send_nowait(AbTransaction(tdata=int(ab)))
    stamps = []
    for _ in beats:
        await sink.recv()
        stamps.append(int(get_sim_time("ns")) // 10)
    assert np.diff(stamps).tolist() == [1] * (len(beats) - 1), f"beat spacing {stamps}"
    assert not errors, errors[:3]


@cocotb.test()
async def reset_mid_stream(dut):
    """A reset with beats in flight empties the output register: afterwards every beat maps
    to exactly one output again."""
    p, source, sink, errors = await _setup(dut, "random", "random")
    beats = stimulus("reset", 200)
    for ab in beats:
        source.send_nowait(AbTransaction(tdata=int(ab)))
    first = [int((await sink.recv()).tdata) for _ in range(40)]
    await reset(dut, 2)
    source.clear()
    sink.clear()
    again = await _exchange(source, sink, beats[:120])
    compare(first, expected(model.run_beats(p, beats[:40]), run_seed()), "before reset", str(p))
    compare(again, expected(model.run_beats(p, beats[:120]), run_seed()), "after reset", str(p))
    await ClockCycles(dut.clk, 5)
    assert sink.empty(), f"extra m_y beats after reset; {p}"
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model with OR for XOR must fail (beat 3 differs)."""
    p, source, sink, _ = await _setup(dut, None, None)
    beats = stimulus("must_fail")
    got = await _exchange(source, sink, beats)
    a, b = gm.split(beats)
    compare(got, [int(y) for y in a | b], "m_y", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_xor_absdiff(i, seed, tmp_path):
    check_core("sc.xor_absdiff", seed, tmp_path)


def test_xor_absdiff_verilator(seed, tmp_path):
    check_core("sc.xor_absdiff", seed, tmp_path, sim="verilator")


def test_model_matches_truth_table(seed):
    """run, run_beats and step against the truth table written out beat by beat."""
    p = XorAbsdiffParams()
    truth = {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 0}
    beats = gm.random_beats(random.Random(seed), 500)
    a, b = gm.split(beats)
    want = [truth[(int(x), int(y))] for x, y in zip(a, b)]
    assert model.run(p, a, b).tolist() == want
    assert model.run_beats(p, beats).tolist() == want
    assert [model.step(p, None, ab)[1] for ab in beats] == want
    assert gm.pack(a, b).tolist() == beats


# -- arithmetic -------------------------------------------------------------------------------
N = 4096
K_SIGMA = 4.0


def _pairs(seed, n=300, width=12):
    r = np.random.default_rng(seed)
    top = (1 << width) - 1
    xs = r.integers(0, top + 1, size=(n, 2))
    xs[:8] = [(0, top), (top, 0), (1, top), (top, top), (top, 2), (2, 2), (top // 2, top // 2),
              (top, top // 3)]
    return xs


def test_absdiff_on_positively_correlated_streams(seed):
    """SCC = +1 (a = r < xa, b = r < xb on one 12-bit LFSR): P(y) = |pa - pb|.  Tolerance 1/N,
    exact reasoning: the sparser stream's ones then lie inside the denser one's, so
    count(y) = |count(a) - count(b)| bit for bit (asserted), and N = 4096 = one LFSR period + 1
    beat makes each count exact to one beat."""
    p = XorAbsdiffParams()
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "positive")
        y = model.run(p, a, b)
        assert int(y.sum()) == abs(int(a.sum()) - int(b.sum())), (int(xa), int(xb))
        assert abs(float(y.mean()) - model.expected_probability(p, pa, pb)) <= 1 / N + 1e-12


def _grid():
    """Every 5th 12-bit input value and the top one: 820 x 820 pairs."""
    return np.unique(np.r_[np.arange(0, 4096, 5), 4095])


def _ideal(x):
    return np.maximum(x.astype(np.float64) - 1, 0) / 4095


def test_grid_of_all_pairs():
    """672,400 pairs at once (gm.grid_counts; XOR's count is na + nb - 2 n11): within 1/N of
    |pa - pb|."""
    g = _grid()
    n11, na, nb = gm.grid_counts(g, N, "positive")
    count = na[:, None] + nb[None, :] - 2 * n11
    q = np.abs(_ideal(g)[:, None] - _ideal(g)[None, :])
    assert np.all(np.abs(count / N - q) <= 1 / N + 1e-12)


def test_sixteen_bit_lfsr_window():
    """Same relation on a 16-bit LFSR, where N = 4096 is 1/16 of a period: the bitwise identity
    still holds; the error against |pa - pb| is now that of one comparator window of 4096
    states, within 4 sigma + 1/N of a random stream of q = |pa - pb|."""
    p = XorAbsdiffParams()
    for xa, xb in [(1000, 60000), (30000, 33000), (65535, 2), (40000, 20000)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive", width=16)
        y = model.run(p, a, b)
        assert int(y.sum()) == abs(int(a.sum()) - int(b.sum()))
        q = model.expected_probability(p, pa, pb)
        assert abs(float(y.mean()) - q) <= 4 * np.sqrt(q * (1 - q) / N) + 1 / N


def test_independent_streams_are_not_absdiff():
    """Documented failure mode: independent inputs give pa + pb - 2 pa pb (0.5 for
    pa = pb = 0.5, not 0)."""
    p = XorAbsdiffParams()
    a, b, pa, pb = gm.streams(2049, 2049, N, "independent")
    got = float(model.run(p, a, b).mean())
    assert abs(got - (pa + pb - 2 * pa * pb)) < 0.03 and got > 0.4


def test_expected_values():
    p = XorAbsdiffParams()
    assert model.expected_probability(p, 0.25, 0.75) == 0.5
    assert model.expected_probability(p, [0.75, 0.5], [0.25, 0.5]).tolist() == [0.5, 0.0]

# -- Params and inputs ------------------------------------------------------------------------

def test_params():
    p = XorAbsdiffParams()
    assert p.to_dict() == {} and XorAbsdiffParams.random(random.Random(1)) == p
    assert XorAbsdiffParams.from_dict({}) == p
    with pytest.raises(ParamError, match=r"XorAbsdiffParams.width: no such parameter"):
        XorAbsdiffParams.from_dict({"width": 8})


@pytest.mark.parametrize("a, b, words", [
    ([0, 2], [1, 1], "a_bits: allowed 0/1"),
    ([0, 1], [1, -1], "b_bits: allowed 0/1"),
    ([0.5], [1], "a_bits: allowed 0/1"),
    ([0, 1], [1], "allowed two 1-D arrays of equal length"),
])
def test_bad_inputs_raise(a, b, words):
    with pytest.raises(ValueError, match=words):
        model.run(XorAbsdiffParams(), a, b)
    with pytest.raises(ValueError, match="allowed 2-bit beats"):
        model.run_beats(XorAbsdiffParams(), [0, 4])

# SPDX-License-Identifier: Apache-2.0
"""sc.or_add: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the saturating addition at N = 4096 on maximally
negatively correlated LFSR streams, and the independent-stream result."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotb.utils import get_sim_time

from neurohdl import ParamError
from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import or_add as model
from neurohdl.models.sc.or_add import OrAddParams
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
    p = params_from_env(OrAddParams)
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
    """The same scoreboard against a model with AND for OR must fail (beats 1 and 2 differ)."""
    p, source, sink, _ = await _setup(dut, None, None)
    beats = stimulus("must_fail")
    got = await _exchange(source, sink, beats)
    a, b = gm.split(beats)
    compare(got, [int(y) for y in a & b], "m_y", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_or_add(i, seed, tmp_path):
    check_core("sc.or_add", seed, tmp_path)


def test_or_add_verilator(seed, tmp_path):
    check_core("sc.or_add", seed, tmp_path, sim="verilator")


def test_model_matches_truth_table(seed):
    """run, run_beats and step against the truth table written out beat by beat."""
    p = OrAddParams()
    truth = {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 1}
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


def test_saturating_add_on_negatively_correlated_streams(seed):
    """SCC = -1 (a = r < xa, b = 2^w - r < xb on one 12-bit LFSR): P(y) = min(1, pa + pb).
    Tolerance 1/N, exact reasoning: the ones of a and b then overlap only when they must, so
    count(y) = min(N, count(a) + count(b)) bit for bit (asserted), and N = 4096 = one LFSR
    period + 1 beat makes each count exact to one beat."""
    p = OrAddParams()
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "negative")
        y = model.run(p, a, b)
        assert int(y.sum()) == min(N, int(a.sum()) + int(b.sum())), (int(xa), int(xb))
        q = model.expected_probability(p, pa, pb, "negative")
        assert abs(float(y.mean()) - q) <= 1 / N + 1e-12, (int(xa), int(xb))


# Independent streams: 12-bit SNGs on the table polynomial and its reciprocal, N = 4096.
# Tolerance |e| <= 4 (sigma + 1/N), sigma = sqrt(q (1 - q) / N) of a random stream of the ideal
# q = pa + pb - pa pb, 1/N the count quantum.  Measured over all 2^24 (xa, xb) of this
# configuration (offline): worst ratio |e| / (sigma + 1/N) = 1.94, largest |e| 0.0081; RMSE
# 0.0019 against the random-stream 0.0058 (OR's count is na + nb - n11: AND's error with the
# sign flipped).


def test_independent_streams(seed):
    p = OrAddParams()
    errs, sig = [], []
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "independent")
        q = model.expected_probability(p, pa, pb)
        e = float(model.run(p, a, b).mean()) - q
        s = np.sqrt(q * (1 - q) / N)
        assert abs(e) <= K_SIGMA * (s + 1 / N), (int(xa), int(xb), e, s)
        errs.append(e)
        sig.append(s)
    rmse, bound = float(np.sqrt(np.mean(np.square(errs)))), float(np.sqrt(np.mean(np.square(sig))))
    assert rmse <= bound, f"RMSE {rmse:.4f} above the random-stream RMSE {bound:.4f}"


def _grid():
    """Every 5th 12-bit input value and the top one: 820 x 820 pairs."""
    return np.unique(np.r_[np.arange(0, 4096, 5), 4095])


def _ideal(x):
    return np.maximum(x.astype(np.float64) - 1, 0) / 4095


def test_grid_of_all_pairs():
    """Both relations on 672,400 pairs at once (counts from gm.grid_counts; OR's count is
    na + nb - n11): SCC = -1 within 1/N of min(1, pa + pb), independent within 4 (sigma + 1/N)
    of pa + pb - pa pb."""
    g = _grid()
    pa, pb = _ideal(g)[:, None], _ideal(g)[None, :]
    n11, na, nb = gm.grid_counts(g, N, "negative")
    count = na[:, None] + nb[None, :] - n11
    assert np.all(np.abs(count / N - np.minimum(1, pa + pb)) <= 1 / N + 1e-12)
    n11, na, nb = gm.grid_counts(g, N, "independent")
    count = na[:, None] + nb[None, :] - n11
    q = pa + pb - pa * pb
    assert np.all(np.abs(count / N - q) <= K_SIGMA * (np.sqrt(q * (1 - q) / N) + 1 / N))
    a, b, _, _ = gm.streams(int(g[100]), int(g[500]), N, "independent")
    assert count[100, 500] == model.run(OrAddParams(), a, b).sum()


def test_positive_correlation_gives_max():
    p = OrAddParams()
    for xa, xb in [(1000, 3000), (3000, 1000), (2048, 2048)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive")
        assert abs(model.run(p, a, b).mean() - model.expected_probability(p, pa, pb, "positive")) \
            <= 1 / N


def test_expected_values():
    p = OrAddParams()
    assert model.expected_probability(p, 0.5, 0.5) == 0.75
    assert model.expected_probability(p, 0.5, 0.75, "negative") == 1.0
    assert model.expected_probability(p, [0.25], [0.5], "negative").tolist() == [0.75]
    assert model.expected_probability(p, 0.25, 0.5, "positive") == 0.5
    with pytest.raises(ValueError, match="correlation = 'x': allowed one of"):
        model.expected_probability(p, 0.1, 0.1, "x")

# -- Params and inputs ------------------------------------------------------------------------

def test_params():
    p = OrAddParams()
    assert p.to_dict() == {} and OrAddParams.random(random.Random(1)) == p
    assert OrAddParams.from_dict({}) == p
    with pytest.raises(ParamError, match=r"OrAddParams.width: no such parameter"):
        OrAddParams.from_dict({"width": 8})


@pytest.mark.parametrize("a, b, words", [
    ([0, 2], [1, 1], "a_bits: allowed 0/1"),
    ([0, 1], [1, -1], "b_bits: allowed 0/1"),
    ([0.5], [1], "a_bits: allowed 0/1"),
    ([0, 1], [1], "allowed two 1-D arrays of equal length"),
])
def test_bad_inputs_raise(a, b, words):
    with pytest.raises(ValueError, match=words):
        model.run(OrAddParams(), a, b)
    with pytest.raises(ValueError, match="allowed 2-bit beats"):
        model.run_beats(OrAddParams(), [0, 4])

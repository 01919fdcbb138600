# SPDX-License-Identifier: Apache-2.0
"""sc.delay: converted Verilog vs the model over random depths (1 included), with idle and
back-pressure on both streams; the model against a plain-Python shift register, and the
decorrelation it buys for Bernoulli and LFSR-comparator streams."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

from neurohdl import ParamError
from neurohdl.models.sc import delay as model
from neurohdl.models.sc import sng
from neurohdl.models.sc.delay import DelayParams
from neurohdl.models.sc.sng import SngParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

XBus, XTransaction, XSource, _, _ = make_stream("X")
YBus, _, _, YSink, _ = make_stream("Y")
N_BEATS = 200


def stimulus(p: DelayParams, n: int, salt: str = "") -> list[int]:
    """Segments of density 0, 1, 1/2 or random."""
    r = random.Random(f"{run_seed()}:x:{salt}")
    bits: list[int] = []
    while len(bits) < n:
        d = r.choice([0.0, 1.0, 0.5, r.random()])
        bits += [int(r.random() < d) for _ in range(r.randint(1, 24))]
    return bits[:n]


async def _setup(dut, src_pattern, sink_pattern):
    p = params_from_env(DelayParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = XSource(XBus.from_prefix(dut, "s_x"), dut.clk, dut.rst)
    sink = YSink(YBus.from_prefix(dut, "m_y"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(src_pattern, run_seed(), "s_x"))
    sink.set_pause_generator(pauses(sink_pattern, run_seed(), "m_y"))
    errors: list[str] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_y", errors))
    await reset(dut)
    return p, source, sink, errors


async def _exchange(source, sink, bits):
    for b in bits:
        source.send_nowait(XTransaction(tdata=int(b)))
    return [int((await sink.recv()).tdata) for _ in bits]


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_x idle pattern x m_y back-pressure pattern."""
    p, source, sink, errors = await _setup(dut, idle, stall)
    pauses_ = (idle, stall)
    bits = stimulus(p, N_BEATS, str(pauses_))
    got = await _exchange(source, sink, bits)
    compare(got, expected(model.run(p, bits), run_seed()), "m_y", f"{p} pauses={pauses_}")
    await ClockCycles(dut.clk, 5)
    assert sink.empty(), f"extra m_y beats; {p}"
    assert not errors, errors[:3]


@cocotb.test()
async def reset_clears_register(dut):
    """A reset with beats in flight clears the shift register (the next d outputs are 0)."""
    p, source, sink, errors = await _setup(dut, "random", "random")
    bits = [1] * 40 + stimulus(p, 160, "reset")
    for b in bits:
        source.send_nowait(XTransaction(tdata=b))
    first = [int((await sink.recv()).tdata) for _ in range(60)]
    await reset(dut, 2)                      # mid-stream: the source still has beats queued
    source.clear()
    sink.clear()
    again = await _exchange(source, sink, bits[:120])
    compare(first, expected(model.run(p, bits[:60]), run_seed()), "before reset", str(p))
    compare(again, expected(model.run(p, bits[:120]), run_seed()), "after reset", str(p))
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model whose register resets to ones must fail (the first
    output beat is 1 there, 0 in the design)."""
    p, source, sink, _ = await _setup(dut, None, None)
    bits = stimulus(p, N_BEATS, "must_fail")
    got = await _exchange(source, sink, bits)
    compare(got, [int(b) for b in model.run(p, bits, state=[1] * p.d)], "m_y", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_delay(i, seed, tmp_path):
    check_core("sc.delay", seed, tmp_path)


def test_delay_verilator(seed, tmp_path):
    check_core("sc.delay", seed, tmp_path, sim="verilator")


@pytest.mark.parametrize("d", [1, 2, 3, 17, 255, 256])
def test_model_matches_python_shift_register(d, seed):
    r = random.Random(seed)
    bits = [r.randint(0, 1) for _ in range(3 * d + 50)]
    p = DelayParams(d=d)
    reg, ref = [0] * d, []                   # reg[0] = newest
    for b in bits:
        ref.append(reg[-1])
        reg = [b] + reg[:-1]
    assert model.run(p, bits).tolist() == ref
    assert ref == [0] * d + bits[:-d]
    state, out = None, []
    for b in bits:
        state, y = model.step(p, state, b)
        out.append(y)
    assert out == ref
    half = len(bits) // 2                    # run() resumes from step()'s state
    state = None
    for b in bits[:half]:
        state, _ = model.step(p, state, b)
    assert model.run(p, bits[half:], state=state).tolist() == ref[half:]


def scc(a, b) -> float:
    """Stochastic cross-correlation (Alaghi & Hayes 2013), written out from the definition."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    n = len(a)
    pa, pb, pab = a.mean(), b.mean(), (a & b).mean()
    num = pab - pa * pb
    if num > 0:
        den = min(pa, pb) - pa * pb
    else:
        den = pa * pb - max(pa + pb - 1, 0)
    return float(num / den) if den > 1.0 / n else 0.0


def test_bernoulli_copy_is_decorrelated():
    """x AND delay(x) estimates p^2 for an ideal Bernoulli stream (any d), SCC ~ 0; without the
    delay SCC = 1."""
    rng = np.random.default_rng(11)
    for d in (1, 2, 7):
        p = DelayParams(d=d)
        for q in (0.2, 0.5, 0.8):
            x = (rng.random(50000) < q).astype(np.uint8)
            y = model.run(p, x)
            assert abs(scc(x[d:], y[d:])) < 0.03
            assert abs((x & y)[d:].mean() - q * q) < 0.01
            assert scc(x, x) == 1.0


@pytest.mark.parametrize("width", [8, 16])
def test_lfsr_comparator_copy_needs_longer_delay(width):
    """After an sc.sng LFSR comparator, d = 1 leaves x AND delay(x) off p^2 by up to ~0.065 and
    d = 8 by ~0.01 (the figures in the model docstring), over x in [0.05, 0.95]."""
    sp = SngParams(width=width)
    n = (1 << width) - 1 if width <= 12 else 1 << 14
    r, _ = sng.numbers(sp, n)

    def worst(d):
        errs = []
        for q in np.linspace(0.05, 0.95, 19):
            x = (r < np.uint64(int(q * (1 << width)))).astype(np.uint8)
            y = model.run(DelayParams(d=d), x)
            errs.append(abs((x & y)[d:].mean() - x.mean() ** 2))
        return max(errs)

    e1, e2, e8 = worst(1), worst(2), worst(8)
    assert 0.055 < e1 < 0.075 and 0.035 < e2 < 0.055 and e8 < 0.012, (e1, e2, e8)


def test_random_configs_cover_corners():
    ds = {DelayParams.random(random.Random(s)).d for s in range(200)}
    assert {1, 40} <= ds and max(ds) <= 40


@pytest.mark.parametrize("kw, words", [
    ({"d": 0}, ["DelayParams.d = 0", "1..256"]),
    ({"d": 257}, ["DelayParams.d = 257 (0x101)", "1..256"]),
    ({"d": None}, ["DelayParams.d = None", "an integer"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        DelayParams(**kw)
    for w in words:
        assert w in str(e.value)

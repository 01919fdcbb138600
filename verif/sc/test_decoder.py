# SPDX-License-Identifier: Apache-2.0
"""sc.decoder: converted Verilog vs the model, over random window lengths (1 included), with
idle and back-pressure on both streams."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import decoder as model
from neurohdl.models.sc.decoder import MAX_LENGTH, DecoderParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

BitBus, BitTransaction, BitSource, _, _ = make_stream("Bit")
CountBus, _, _, CountSink, _ = make_stream("Count")
N_BEATS = 600          # input beats per run (at least 3 windows)


def stimulus(p: DecoderParams, salt: str = "") -> tuple[list[int], int]:
    """(bits, complete windows): whole windows of density 0, 1, 1/2 or random, then a trailing
    partial window that must produce nothing."""
    r = random.Random(f"{run_seed()}:bits:{salt}")
    windows = max(3, N_BEATS // p.length)
    bits = []
    for j in range(windows):
        d = [0.0, 1.0, 0.5][j] if j < 3 else r.choice([0.0, 1.0, r.random(), r.random()])
        bits += [int(r.random() < d) for _ in range(p.length)]
    bits += [r.randint(0, 1) for _ in range(r.randrange(p.length))]  # partial: no output
    return bits, windows


async def _setup(dut, src_pattern, sink_pattern):
    p = params_from_env(DecoderParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = BitSource(BitBus.from_prefix(dut, "s_bit"), dut.clk, dut.rst)
    sink = CountSink(CountBus.from_prefix(dut, "m_count"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(src_pattern, run_seed(), "s_bit"))
    sink.set_pause_generator(pauses(sink_pattern, run_seed(), "m_count"))
    errors: list[str] = []
    cocotb.start_soon(check_stream_protocol(dut, "m_count", errors))
    await reset(dut)
    return p, source, sink, errors


async def _exchange(source, sink, bits, n_out):
    for b in bits:
        source.send_nowait(BitTransaction(tdata=b))
    return [int((await sink.recv()).tdata) for _ in range(n_out)]


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_bit idle pattern x m_count back-pressure pattern."""
    p, source, sink, errors = await _setup(dut, idle, stall)
    pauses_ = (idle, stall)
    bits, windows = stimulus(p, str(pauses_))
    got = await _exchange(source, sink, bits, windows)
    compare(got, expected(model.run(p, bits), run_seed()), "m_count", f"{p} pauses={pauses_}")
    await source.wait()                       # the partial window is all in...
    await ClockCycles(dut.clk, 10)
    assert sink.empty(), f"a partial window produced a count; {p}"   # ...and gave nothing
    assert not errors, errors[:3]


@cocotb.test()
async def pending_count_does_not_block_filling(dut):
    """With m_count stalled, the next window fills up to (not including) its last beat."""
    p, source, sink, errors = await _setup(dut, None, None)
    sink.pause = True
    bits = [1] * (2 * p.length)
    for b in bits:
        source.send_nowait(BitTransaction(tdata=b))
    await ClockCycles(dut.clk, 2 * p.length + 10)
    assert source.count() + (1 if int(dut.s_bit_tvalid.value) else 0) == 1, \
        f"{source.count()} beats left; only the window-completing beat may wait; {p}"
    sink.pause = False
    got = [int((await sink.recv()).tdata) for _ in range(2)]
    compare(got, expected([p.length, p.length], run_seed()), "m_count", str(p))
    assert not errors, errors[:3]


@cocotb.test()
async def reset_clears_window(dut):
    """A reset mid-window discards the partial count; the next window starts from beat 0."""
    p, source, sink, errors = await _setup(dut, "random", "random")
    bits, windows = stimulus(p, "reset")
    for b in bits:
        source.send_nowait(BitTransaction(tdata=b))
    first = [int((await sink.recv()).tdata) for _ in range(2)]
    await ClockCycles(dut.clk, 1 + p.length // 3)   # somewhere inside a window
    await reset(dut, 2)
    source.clear()
    sink.clear()
    again = await _exchange(source, sink, bits, windows)
    compare(first, expected(model.run(p, bits)[:2], run_seed()), "before reset", str(p))
    compare(again, expected(model.run(p, bits), run_seed()), "after reset", str(p))
    assert not errors, errors[:3]


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a model with the window one beat longer must fail."""
    p, source, sink, _ = await _setup(dut, None, None)
    wrong = DecoderParams(length=p.length + 1 if p.length < MAX_LENGTH else p.length - 1)
    bits, windows = stimulus(p, "must_fail")
    got = await _exchange(source, sink, bits, windows)
    compare(got, [int(c) for c in model.run(wrong, bits)], "m_count", "mutated model")


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_decoder(i, seed, tmp_path):
    check_core("sc.decoder", seed, tmp_path)


def test_decoder_verilator(seed, tmp_path):
    check_core("sc.decoder", seed, tmp_path, sim="verilator")


@pytest.mark.parametrize("length", [1, 2, 3, 7, 64, 255, 256, 257, 1000])
def test_counts_match_python_sum(length, seed):
    """Model vs plain Python: sum() over consecutive slices; partial tail dropped; step() agrees."""
    r = random.Random(seed)
    bits = [int(r.random() < r.choice([0.0, 0.3, 1.0])) for _ in range(5 * length + length // 2)]
    p = DecoderParams(length=length)
    ref = [sum(bits[i:i + length]) for i in range(0, len(bits) - length + 1, length)]
    assert model.run(p, bits).tolist() == ref
    state, out = (0, 0), []
    for b in bits:
        state, c = model.step(p, state, b)
        if c is not None:
            out.append(c)
    assert out == ref


@pytest.mark.parametrize("length", [1, 2, 3, 4, 255, 256, 257, 1 << 24])
def test_count_width_holds_length(length):
    """count_width = bits_for(length): an all-ones window (count = length) fits, no bit spare
    at powers of two."""
    p = DecoderParams(length=length)
    assert p.count_width == bits_for(length) == length.bit_length()
    assert length < (1 << p.count_width)
    assert p.index_width == max(1, (length - 1).bit_length())
    if length <= 1000:
        assert model.run(p, np.ones(3 * length, dtype=np.uint8)).tolist() == [length] * 3


def test_random_configs_cover_corners():
    lengths = {DecoderParams.random(random.Random(s)).length for s in range(200)}
    assert 1 in lengths and 300 in lengths and max(lengths) <= 300


@pytest.mark.parametrize("kw, words", [
    ({"length": 0}, ["DecoderParams.length = 0", "1..16777216"]),
    ({"length": (1 << 24) + 1}, ["DecoderParams.length = 16777217", "1..16777216"]),
    ({"length": 2.5}, ["DecoderParams.length = 2.5", "an integer"]),
    ({"length": True}, ["DecoderParams.length = True", "an integer"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        DecoderParams(**kw)
    for w in words:
        assert w in str(e.value)

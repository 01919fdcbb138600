# SPDX-License-Identifier: Apache-2.0
"""stream.skid: converted Verilog vs the model over random widths, every pair of idle x
back-pressure patterns, checked word by word and cycle by cycle (registered ready, valid,
data); full throughput without pauses; a mid-stream reset; a must-fail (the cycle check against
a 4-deep FIFO, which keeps accepting where the slice's registered ready falls)."""
import random

import cocotb
import pytest
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl import ParamError
from neurohdl.models.stream import fifo, skid as model
from neurohdl.models.stream.skid import SkidParams, State
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import PATTERNS, reset, run_seed
from neurohdl.verif.stream.bench import Bench, InTransaction

N_WORDS = 160


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_in idle pattern x m_out back-pressure pattern."""
    b = await Bench(dut, params_from_env(SkidParams), model, idle, stall).start()
    await b.check(b.words(N_WORDS))


@cocotb.test()
async def full_throughput(dut):
    """Without pauses a word leaves every cycle: N words in N cycles from the first to the last
    m_out transfer."""
    b = await Bench(dut, params_from_env(SkidParams), model, None, None).start()
    words = b.words(N_WORDS)
    for w in words:
        b.source.send_nowait(InTransaction(tdata=w))
    transfers = cycles = 0
    while transfers < len(words):
        await RisingEdge(dut.clk)
        await ReadOnly()
        transfers += int(dut.m_out_tvalid.value) and int(dut.m_out_tready.value)
        cycles += transfers > 0
    assert cycles == len(words), f"{len(words)} words took {cycles} cycles; {b.p}"
    got = [int((await b.sink.recv()).tdata) for _ in words]
    compare(got, expected(model.run(b.p, words), run_seed()), "m_out", str(b.p))
    await b.check([])                        # no extra word, no cycle-level error


@cocotb.test()
async def reset_empties(dut):
    """A reset with words held empties both registers; it then works from empty again."""
    b = await Bench(dut, params_from_env(SkidParams), model, None, "cycle").start()
    for w in b.words(8, "before"):
        b.source.send_nowait(InTransaction(tdata=w))
    await b.sink.recv()
    await reset(dut, 2)
    b.source.clear()
    b.sink.clear()
    await b.check(b.words(N_WORDS, "after"), "m_out after reset")


class _Fifo4:
    """The 4-deep FIFO model under the skid bench's names (must-fail)."""
    outputs = staticmethod(lambda p, s: model.Outputs(*fifo.outputs(p, s)[:3]))
    step = staticmethod(fifo.step)
    run = staticmethod(model.run)


@cocotb.test(expect_fail=True)
async def cycle_model_must_fail(dut):
    p = params_from_env(SkidParams)
    b = await Bench(dut, p, _Fifo4, None, "cycle",
                    model_p=fifo.FifoParams(depth=4, width=p.width)).start()
    await b.check(b.words(N_WORDS))


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_skid(i, seed, tmp_path):
    check_core("stream.skid", seed, tmp_path)


def test_skid_verilator(seed, tmp_path):
    check_core("stream.skid", seed, tmp_path, sim="verilator")


def test_model_is_a_two_word_queue(seed):
    """step() against a list of at most 2 words with ready = (fewer than 2 held): order, no loss,
    full throughput while the sink is ready, the skid word only while the output is full."""
    r = random.Random(seed)
    p = SkidParams(width=6)
    state, ref, sent, got = None, [], [], []
    for _ in range(2000):
        sv, sd, mr = r.random() < 0.7, r.getrandbits(6), r.random() < 0.6
        state, out = model.step(p, state, sv, sd, mr)
        assert out == (int(len(ref) < 2), int(bool(ref)), ref[0] if ref else None)
        assert state.skid is None or state.out is not None
        if ref and mr:
            got.append(ref.pop(0))
        if out.s_in_tready and sv:
            ref.append(sd)
            sent.append(sd)
    assert got == sent[:len(got)] and len(got) > 800
    state = State()
    for i in range(10):                       # sink always ready: one word per cycle, latency 1
        state, out = model.step(p, state, 1, i, 1)
        assert out.s_in_tready == 1 and (i == 0 or out.m_out_tdata == i - 1)


def test_random_configs_cover_corners():
    assert {1, 40} <= {SkidParams.random(random.Random(s)).width for s in range(100)}


@pytest.mark.parametrize("kw, words", [
    ({"width": 0}, ["SkidParams.width = 0", "1..1024"]),
    ({"width": 1025}, ["SkidParams.width = 1025 (0x401)", "1..1024"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        SkidParams(**kw)
    for w in words:
        assert w in str(e.value)

# SPDX-License-Identifier: Apache-2.0
"""stream.fifo: converted Verilog vs the model over random configurations (both storages,
depths 2..32, with and without almost-full), every pair of idle x back-pressure patterns,
checked word by word and cycle by cycle (ready, valid, head, count, almost-full); a mid-stream
reset; a must-fail (a model twice as deep).  The properties proven formally are in
verif/stream/formal_fifo.sv (tests/test_formal.py)."""
import random

import cocotb
import pytest

from neurohdl import ParamError
from neurohdl.models.stream import fifo as model
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.common.stream import PATTERNS, reset
from neurohdl.verif.stream.bench import Bench, InTransaction

N_WORDS = 160


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def stream_matches_model(dut, idle, stall):
    """Every pair of s_in idle pattern x m_out back-pressure pattern."""
    b = await Bench(dut, params_from_env(FifoParams), model, idle, stall).start()
    await b.check(b.words(N_WORDS))


@cocotb.test()
async def reset_empties(dut):
    """A reset with words held empties the FIFO; it then works from empty again."""
    b = await Bench(dut, params_from_env(FifoParams), model, None, "cycle").start()
    for w in b.words(3 * b.p.depth, "before"):
        b.source.send_nowait(InTransaction(tdata=w))
    await b.sink.recv()
    await reset(dut, 2)                      # mid-stream: words held and queued
    b.source.clear()
    b.sink.clear()
    await b.check(b.words(N_WORDS, "after"), "m_out after reset")


@cocotb.test(expect_fail=True)
async def cycle_model_must_fail(dut):
    """The cycle-level check against a model twice as deep must fail (s_in_tready stays high
    there when the design is full)."""
    p = params_from_env(FifoParams)
    wrong = FifoParams(depth=2 * p.depth, width=p.width, storage=p.storage)
    b = await Bench(dut, p, model, None, "cycle", model_p=wrong).start()
    await b.check(b.words(N_WORDS))


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_fifo(i, seed, tmp_path):
    check_core("stream.fifo", seed, tmp_path)


def test_fifo_verilator(seed, tmp_path):
    check_core("stream.fifo", seed, tmp_path, sim="verilator")


def test_model_against_a_list_queue(seed):
    """step() against a plain Python list over random traffic: order, occupancy, flags."""
    r = random.Random(seed)
    p = FifoParams(depth=8, width=5, almost_full=6)
    state, ref, sent, got = None, [], [], []
    for _ in range(2000):
        sv, sd, mr = r.random() < 0.6, r.getrandbits(5), r.random() < 0.5
        state, out = model.step(p, state, sv, sd, mr)
        assert out == (int(len(ref) < 8), int(bool(ref)), ref[0] if ref else None, len(ref),
                       int(len(ref) >= 6))
        if ref and mr:
            got.append(ref.pop(0))
        if out.s_in_tready and sv:
            ref.append(sd)
            sent.append(sd)
    assert got == sent[:len(got)] and len(got) > 500
    assert model.run(p, [0x3F, 1]) == [0x1F, 1]


def test_random_configs_cover_corners():
    ps = [FifoParams.random(random.Random(s)) for s in range(200)]
    assert {2, 32} <= {p.depth for p in ps} and {1, 40} <= {p.width for p in ps}
    assert {"bram", "lut"} == {p.storage for p in ps}
    assert None in {p.almost_full for p in ps} and any(p.almost_full == p.depth for p in ps)


@pytest.mark.parametrize("kw, words", [
    ({"depth": 12}, ["FifoParams.depth = 12", "a power of two"]),
    ({"depth": 1}, ["FifoParams.depth = 1", "2..4096"]),
    ({"width": 0}, ["FifoParams.width = 0", "1..1024"]),
    ({"storage": "ff"}, ["FifoParams.storage = 'ff'", "'bram', 'lut'"]),
    ({"depth": 4, "almost_full": 5}, ["FifoParams.almost_full = 5", "1..4"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        FifoParams(**kw)
    for w in words:
        assert w in str(e.value)

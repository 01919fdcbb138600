# SPDX-License-Identifier: Apache-2.0
"""sc.decoder: converted Verilog vs the model, over random window lengths (1 included), with
idle and back-pressure on both streams."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles

from neurohdl.fixed import bits_for
from neurohdl.models.sc import decoder as model
from neurohdl.models.sc.decoder import MAX_LENGTH, DecoderParams
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import (GAP, StandardTests, bad_params_test, core_tests,
                                      planted_bug_test)


def stimulus(p: DecoderParams, rng, n: int) -> list[int]:
    """Whole windows (at least 3) of density 0, 1, 1/2 or random, then a trailing partial
    window that must produce nothing."""
    bits = []
    for j in range(max(3, n // p.length)):
        d = [0.0, 1.0, 0.5][j] if j < 3 else rng.choice([0.0, 1.0, rng.random(), rng.random()])
        bits += [int(rng.random() < d) for _ in range(p.length)]
    return bits + [rng.randint(0, 1) for _ in range(rng.randrange(p.length))]


def mutant(p: DecoderParams, bits):
    """The window one beat longer."""
    return model.run(DecoderParams(length=p.length + 1 if p.length < MAX_LENGTH
                                   else p.length - 1), bits)


# 600 input beats a run (at least 3 windows); a reset somewhere inside the third window
# discards the partial count (the next window starts from beat 0); up to 4 idle cycles a beat
TESTS = StandardTests(model=model.run, stimulus=stimulus, mutant=mutant, n=600, reset_n=600,
                      reset_before=2, into=lambda p: 1 + p.length // 3, reset_after=None,
                      gap=lambda p: 5 * p.length + GAP, ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_clears_window = TESTS.reset_mid_stream("reset_clears_window")
scoreboard_must_fail = TESTS.must_fail()


# with m_count stalled, the next window fills up to (not including) its last beat
pending_count_does_not_block_filling = TESTS.stall_fill(
    "pending_count_does_not_block_filling", accepted=lambda p: 2 * p.length - 1,
    cycles=lambda p: 2 * p.length + 10, stimulus=lambda p, rng: [1] * (2 * p.length),
    doc="With m_count stalled, the next window fills up to (not including) its last beat.")


@cocotb.test()
async def count_held_while_source_idles(dut):
    """A window's count waits at the output, the sink held and the source idle, and arrives
    intact (tdata stable while stalled): a count with every bit below the top set (the largest
    2^k - 1 <= length) and the full count."""
    tb = await TESTS.bench(dut)
    p, rng = tb.p, tb.rng("held")
    counts = dict.fromkeys([(1 << ((p.length + 1).bit_length() - 1)) - 1, p.length])
    sent, got = [], []
    for c in counts:
        window = [1] * c + [0] * (p.length - c)
        rng.shuffle(window)
        sent += window
        tb.hold()
        tb.send(window)
        await ClockCycles(dut.clk, p.length + 20)
        tb.release()
        got += await tb.recv(1)
    compare(got, expected(model.run(p, sent).tolist(), tb.seed), "m_count", str(p))
    tb.check_protocol()


# ---------------------------------------------------------------- pytest side -------------

test_decoder, test_decoder_verilator = core_tests("sc.decoder")


# the survivor of docs/verification.md the held-count test now kills (mutant #5): bit 5 of the
# count cleared in every cycle without an accepted beat (Params defaults: length 256)
test_planted_bug_is_caught = planted_bug_test("sc.decoder", {"count_bit5_cleared_on_hold": (
    [(r"else if \(m_count_tready\) begin(\s+q_valid <= 0;\s+end)",
      r"else begin q_count[5] <= 1'b0; if (m_count_tready) begin\1 end")],
    "count_held_while_source_idles")})


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


test_bad_params_raise = bad_params_test(DecoderParams, [
    ({"length": 0}, ["DecoderParams.length = 0", "1..16777216"]),
    ({"length": (1 << 24) + 1}, ["DecoderParams.length = 16777217", "1..16777216"]),
    ({"length": 2.5}, ["DecoderParams.length = 2.5", "an integer"]),
    ({"length": True}, ["DecoderParams.length = True", "an integer"]),
])

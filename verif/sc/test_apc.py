# SPDX-License-Identifier: Apache-2.0
"""sc.apc: converted Verilog vs the model over random configurations (n = 1, 2, a non-power of
two and the largest random n included), with idle and back-pressure on both streams, the
documented latency, the stall-as-a-whole pipeline and a mid-stream reset."""
import math
import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import apc as model
from neurohdl.models.sc.apc import MAX_N, ApcParams, registered_levels
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests

RAND_N = ApcParams.__dataclass_fields__["n"].metadata["rand"]


def stimulus(p: ApcParams, rng, n: int) -> list[int]:
    """tdata words: all zeros, all ones, every one-hot and one-cold word, then random
    densities 0, 1, 1/2 or uniform."""
    full = (1 << p.n) - 1
    words = [0, full] + [1 << i for i in range(p.n)] + [full ^ (1 << i) for i in range(p.n)]
    while len(words) < n:
        d = rng.choice([0.0, 1.0, 0.5, rng.random(), rng.random()])
        words.append(sum(1 << i for i in range(p.n) if rng.random() < d))
    return words[:max(n, 2)]


# must-fail: a model that ignores the top input bit
TESTS = StandardTests(
    model=model.run_tdata, stimulus=stimulus, n=160, settle=lambda p: p.latency + 5,
    ready_rule=True,
    mutant=lambda p, words: [bin(w & ((1 << (p.n - 1)) - 1)).count("1") for w in words])
stream_matches_model = TESTS.model_match()
# latency = max(1, ceil(depth / pipeline)), 1 for pipeline 0
latency_and_throughput = TESTS.throughput("latency_and_throughput", lambda p: p.latency, n=40)
scoreboard_must_fail = TESTS.must_fail()


# m_count stalled: exactly `latency` beats enter (one per stage), s_bits_tready drops, m_count
# holds its first count; released, everything comes out in order
stall_freezes_whole_pipeline = TESTS.stall_fill(
    "stall_freezes_whole_pipeline", accepted=lambda p: p.latency,
    cycles=lambda p: 3 * p.latency + 10, n=lambda p: p.latency + 6,
    doc="m_count stalled: one beat a stage enters, then the pipeline stops as a whole.")


@cocotb.test()
async def reset_flushes_pipeline(dut):
    """A reset with a full, stalled pipeline discards its beats; afterwards the core counts
    fresh beats from an empty pipeline."""
    tb = await TESTS.bench(dut, "random", "random")
    p = tb.p
    tb.hold()
    tb.send(TESTS.stimulus(tb, "before", 2 * p.latency + 3))
    await ClockCycles(dut.clk, 3 * p.latency + 10)
    await tb.reset(2)
    await ClockCycles(dut.clk, p.latency + 5)
    assert tb.sink.empty(), f"a beat from before the reset came out; {p}"
    words = TESTS.stimulus(tb, "after", 60)
    got = await tb.exchange(words)
    compare(got, expected(model.run_tdata(p, words), tb.seed), "after reset", str(p))
    tb.check_protocol()


# ---------------------------------------------------------------- pytest side -------------

def _non_power_of_two(seed: int) -> int:
    r = random.Random(seed)
    return r.choice([n for n in range(3, RAND_N[1] + 1) if n & (n - 1)])


# configurations 0..3 pin n to the corners the brief asks for; 4 and 5 are fully random
PINS = [{"n": 1}, {"n": 2}, lambda s: {"n": _non_power_of_two(s)}, {"n": RAND_N[1]}, {}, {}]


test_apc, test_apc_verilator = core_tests("sc.apc", 6, pins=dict(enumerate(PINS)))


def test_counts_match_python_sum(seed):
    """Model vs plain Python: sum of the bits of each beat; step, run and run_tdata agree."""
    r = random.Random(seed)
    for n in (1, 2, 3, 7, 16, 63, 64, 65, 255, 256):
        p = ApcParams(n=n)
        bits = np.array([[int(r.random() < d) for _ in range(n)]
                         for d in [0.0, 1.0] + [r.random() for _ in range(30)]], dtype=np.uint8)
        ref = [sum(int(b) for b in row) for row in bits]
        words = model.to_tdata(bits)
        assert words[1] == (1 << n) - 1
        assert model.run(p, bits).tolist() == ref
        assert model.run_tdata(p, words).tolist() == ref
        assert [model.step(p, None, w)[1] for w in words] == ref
        assert np.array_equal(model.from_tdata(p, words), bits)
        assert max(ref) < (1 << p.count_width) and p.count_width == bits_for(n)


def test_accumulate_is_windowed_sum(seed):
    r = random.Random(seed)
    p = ApcParams(n=9)
    counts = [r.randint(0, 9) for _ in range(103)]
    for length in (1, 4, 10, 103, 104):
        ref = [sum(counts[i:i + length]) for i in range(0, len(counts) - length + 1, length)]
        assert model.accumulate(p, counts, length).tolist() == ref
    assert model.mac_width(p, 256) == bits_for(9 * 256) == 12
    with pytest.raises(ParamError, match=r"length = 0: allowed an integer >= 1"):
        model.accumulate(p, counts, 0)


@pytest.mark.parametrize("n, pipeline, depth, latency", [
    (1, 0, 0, 1), (1, 1, 0, 1), (1, 8, 0, 1), (2, 1, 1, 1), (2, 0, 1, 1), (3, 1, 2, 2),
    (4, 1, 2, 2), (5, 1, 3, 3), (16, 1, 4, 4), (16, 2, 4, 2), (16, 3, 4, 2), (16, 0, 4, 1),
    (17, 1, 5, 5), (40, 2, 6, 3), (255, 3, 8, 3), (256, 1, 8, 8), (256, 8, 8, 1),
    (256, 5, 8, 2),
])
def test_latency_formula(n, pipeline, depth, latency):
    p = ApcParams(n=n, pipeline=pipeline)
    assert p.depth == depth == math.ceil(math.log2(n)) and p.latency == latency
    assert latency == (1 if depth == 0 or pipeline == 0 else math.ceil(depth / pipeline))
    levels = registered_levels(n, pipeline)
    assert levels[-1] == depth and len(levels) == latency


def test_random_configs_cover_corners():
    ps = [ApcParams.random(random.Random(s)) for s in range(300)]
    ns = {p.n for p in ps}
    assert {1, RAND_N[1]} <= ns and max(ns) <= RAND_N[1]
    assert {p.pipeline for p in ps} == {0, 1, 2, 3}
    for s in range(20):
        n = _non_power_of_two(s)
        assert n & (n - 1) and 3 <= n <= RAND_N[1]


test_bad_params_raise = bad_params_test(ApcParams, [
    ({"n": 0}, ["ApcParams.n = 0", "1..256"]),
    ({"n": MAX_N + 1}, ["ApcParams.n = 257", "1..256"]),
    ({"n": 2.0}, ["ApcParams.n = 2.0", "an integer"]),
    ({"pipeline": -1}, ["ApcParams.pipeline = -1", "0..8"]),
    ({"pipeline": 9}, ["ApcParams.pipeline = 9", "0..8"]),
    ({"pipeline": True}, ["ApcParams.pipeline = True", "an integer"]),
])


def test_bad_model_input_raises():
    with pytest.raises(ParamError, match=r"bits.shape = \(3, 4\): allowed \(beats, 5\)"):
        model.run(ApcParams(n=5), np.zeros((3, 4)))

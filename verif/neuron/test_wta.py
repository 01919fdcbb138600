# SPDX-License-Identifier: Apache-2.0
"""neuron.wta: converted Verilog vs the model over random configurations (global and local,
1-D and 2-D maps, tiny and wide membranes, small and whole-map windows) and stimuli with ties,
no spikes, all spiking and extreme membranes, idle and back-pressure on both streams, latency,
mid-stream reset; the model against an independent brute-force WTA written from the spec."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl.models.neuron import wta as model
from neurohdl.models.neuron.wta import WtaParams
from neurohdl.verif.common.tb import StandardTests
from neurohdl.verif.neuron._shared import bad_params_test, core_tests


def _want(p, xs):
    return model.run_tdata(p, [model.pack_in(p, s, v) for s, v in xs])


def corners(p, rng):
    """Timesteps at the corners: nobody spikes, everybody spikes with equal membranes (min, max,
    0), only the extremes, one spiker at min among non-spikers at max, the max at the last
    lane, a 2-D checkerboard of ties, near ties (membranes a few LSBs apart)."""
    n, lo, hi = p.n, model.smin(p.width), model.smax(p.width)
    xs = [([0] * n, [hi] * n), ([0] * n, [lo] * n)]
    xs += [([1] * n, [c] * n) for c in (lo, hi, 0)]
    xs += [([1] * n, [rng.choice([lo, hi]) for _ in range(n)]) for _ in range(4)]
    one = [0] * n
    one[n - 1] = 1
    xs.append((one, [hi] * (n - 1) + [lo]))
    xs.append(([1] * n, [lo] * (n - 1) + [hi]))
    xs.append(([1] * n, [hi] + [lo] * (n - 1)))
    xs.append(([1] * n, [hi if (i // p.cols + i % p.cols) % 2 else lo for i in range(n)]))
    xs.append(([i % 2 for i in range(n)], [hi if i % 3 else lo for i in range(n)]))
    # near ties: every spiking, membranes within 2^k of one another (k = 0 .. width-1, twice
    # each), so every comparator decides on a difference in each bit position
    for k in [k for k in range(p.width) for _ in range(2)]:
        base = rng.randint(lo, hi)
        xs.append(([1] * n, [min(hi, max(lo, base + rng.randint(-(1 << k), 1 << k)))
                             for _ in range(n)]))
    return xs


def _ties_high(p, xs):
    """Mutated model: ties go to the highest index (the spec says lowest).  Reversing the lane
    order is a point reflection of the map, which keeps every square window, so the model on
    reversed lanes, reversed back, is WTA with the index order flipped."""
    return [model.pack_out(model.step(p, s[::-1], v[::-1])[::-1]) for s, v in xs]


# s_in -> m_out, one timestep (spikes, membranes) a beat; a reset empties the pipeline (only the
# valid bits are reset; s_in_tready follows m_out_tready combinationally, so no reset promise
# on it).  Must-fail: ties to the highest index, the first timestep every neuron spiking at the
# same membrane.
TESTS = StandardTests(
    model=_want, stimulus=model.stimulus,
    encode=lambda p, xs: [model.pack_in(p, s, v) for s, v in xs],
    mutant=_ties_high, n=40, reset_n=60, reset_before=20, reset_after=40,
    must_fail_stimulus=lambda p, rng, n: [([1] * p.n, [0] * p.n)] + model.stimulus(p, rng, 20))
stream_matches_model = TESTS.model_match()
latency_and_throughput = TESTS.throughput("latency_and_throughput", n=30,
                                          latency=lambda p: p.latency)
reset_mid_stream = TESTS.reset_mid_stream()
scoreboard_must_fail = TESTS.must_fail()


@cocotb.test()
async def one_cycle_reset_empties_the_pipeline(dut):
    """A reset one clock long, with every pipeline stage full (sink held), clears every stage's
    valid bit: m_out_tvalid low after it, nothing stale comes out, a fresh stream matches the
    model.  (The standard reset test's two cycles let the stages drain into each other.)"""
    tb = await TESTS.bench(dut)
    xs = model.stimulus(tb.p, tb.rng("one-cycle-reset"), 30)
    tb.hold()
    tb.send(TESTS.encode(tb.p, xs))
    await ClockCycles(dut.clk, tb.p.latency + 8)
    await tb.reset(1)
    await ReadOnly()
    assert int(dut.m_out_tvalid.value) == 0, f"m_out_tvalid high after reset; {tb.p}"
    await RisingEdge(dut.clk)
    tb.release()
    got = await TESTS.exchange(tb, xs[:20], 20)
    TESTS.compare(tb, got, xs[:20], "after a one-cycle reset")
    await tb.settle()
    tb.check_protocol()


@cocotb.test()
async def corner_timesteps(dut):
    """No spikes, all spiking with all-equal membranes (tie to lane 0), extremes min/max, near
    ties."""
    tb = await TESTS.bench(dut, "random", "random")
    xs = corners(tb.p, tb.rng("corners"))
    got = await TESTS.exchange(tb, xs, len(xs))
    TESTS.compare(tb, got, xs, "corners")
    assert got[0] == 0 and got[1] == 0, f"nobody spikes but output {got[:2]}; {tb.p}"
    await tb.settle()
    tb.check_protocol()


# ---------------------------------------------------------------- pytest side -------------

# 0: global at the widest bus (N = 64, 24-bit membranes); 1: local 8x8, r = 1;
# 2: local, a 1-D line with a window covering the whole map (= global), 2-bit membranes;
# 3: local 4x4 r = 2 (spikeseg's default radius); 4: global, odd N, a register every 2 levels;
# 5: global N = 3, one stage (a lane passing unregistered straight to the root); 6: fully random
PINS = [{"mode": "global", "n": 64, "width": 24},
        {"mode": "local", "n": 64, "rows": 8, "radius": 1},
        {"mode": "local", "n": 12, "rows": 1, "radius": 11, "width": 2},
        {"mode": "local", "n": 16, "rows": 4, "radius": 2},
        {"mode": "global", "n": 23, "pipeline": 2},
        {"mode": "global", "n": 3, "pipeline": 0},
        {}]

test_wta, test_wta_verilator = core_tests("neuron.wta", PINS,
                                          verilator={"mode": "local", "n": 9, "rows": 3})


# -- the model against an independent brute force written from the spec -------------------

def brute_wta(mode, rows, cols, r, s, v):
    """Plain-Python WTA from the docs page, without the model: global = the first index of the
    highest membrane among spikers; local = per spiker, scan the clipped square window for a
    spiker with a higher membrane, or an equal one at a lower row-major index."""
    n = rows * cols
    out = [0] * n
    if mode == "global":
        best = None
        for i in range(n):
            if s[i] and (best is None or v[i] > v[best]):
                best = i
        if best is not None:
            out[best] = 1
        return out
    for y in range(rows):
        for x in range(cols):
            i = y * cols + x
            if not s[i]:
                continue
            win = True
            for yy in range(max(0, y - r), min(rows, y + r + 1)):
                for xx in range(max(0, x - r), min(cols, x + r + 1)):
                    j = yy * cols + xx
                    if j != i and s[j] and (v[j] > v[i] or (v[j] == v[i] and j < i)):
                        win = False
            out[i] = int(win)
    return out


def test_model_vs_brute_force(seed):
    r = random.Random(seed)
    checked = 0
    for _ in range(120):
        p = WtaParams.random(r)
        xs = model.stimulus(p, r, 30) + corners(p, r)
        got = model.run(p, [s for s, _ in xs], [v for _, v in xs])
        for t, (s, v) in enumerate(xs):
            want = brute_wta(p.mode, p.rows, p.cols, p.radius, s, v)
            assert got[t].tolist() == want, (p, s, v)
            checked += 1
        # tdata round trip and the scalar step agree with run()
        beats = [model.pack_in(p, s, v) for s, v in xs]
        assert [model.unpack_in(p, b) for b in beats] == [(list(s), list(v)) for s, v in xs]
        assert model.run_tdata(p, beats) == [model.pack_out(o) for o in got]
        assert model.step(p, *xs[-1]) == got[-1].tolist()
    assert checked > 3000


def test_global_is_full_window_local(seed):
    """A local window covering the whole map gives the global result (a total order)."""
    r = random.Random(seed)
    for _ in range(40):
        p = WtaParams.random(r, mode="global")
        q = WtaParams(mode="local", n=p.n, width=p.width, rows=1, radius=p.n - 1)
        xs = model.stimulus(p, r, 20)
        S, V = [s for s, _ in xs], [v for _, v in xs]
        assert (model.run(p, S, V) == model.run(q, S, V)).all()
        assert (model.run(p, S, V).sum(axis=1) == np.asarray(S).any(axis=1)).all()


def test_by_hand():
    g = WtaParams(mode="global", n=4, width=4)
    assert model.step(g, [1, 1, 0, 1], [3, 5, 7, 5]) == [0, 1, 0, 0]      # 7 does not spike
    assert model.step(g, [1, 1, 1, 1], [-8, -8, -8, -8]) == [1, 0, 0, 0]  # tie: lowest index
    assert model.step(g, [0, 0, 0, 0], [7, 7, 7, 7]) == [0, 0, 0, 0]
    assert model.step(g, [0, 1, 0, 1], [7, -8, 7, 7]) == [0, 0, 0, 1]
    # 3x3 map, r = 1: the centre sees everyone, corners see 4
    loc = WtaParams(mode="local", n=9, width=4, rows=3, radius=1)
    assert model.step(loc, [1] * 9, [0, 0, 0, 0, 1, 0, 0, 0, 0]) == [0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert model.step(loc, [1, 0, 1, 0, 0, 0, 1, 0, 1], [1] * 9) == [1, 0, 1, 0, 0, 0, 1, 0, 1]
    # a loser still inhibits: 0 beats 1 (tie, lower index), 1 beats 2 (higher membrane)
    line = WtaParams(mode="local", n=3, width=4, rows=1, radius=1)
    assert model.step(line, [1, 1, 1], [5, 5, 4]) == [1, 0, 0]
    assert model.step(line, [1, 0, 1], [5, 7, 4]) == [1, 0, 1]
    assert model.pack_in(g, [1, 0, 0, 1], [-1, 0, 0, 7]) == (0b01111 << 15) | 0b11111
    assert g.in_width == 20 and g.out_width == 4 and g.cols == 1 and loc.pairs == 20
    # latency: ceil(depth / pipeline) in global mode (pipeline 0: 1), 3 in local mode
    assert g.depth == 2 and g.latency == 2 and loc.latency == 3
    lat = {(n, k): WtaParams(n=n, rows=1, radius=1, pipeline=k).latency
           for n in (2, 16, 17, 64) for k in range(4)}
    assert lat == {(2, 0): 1, (2, 1): 1, (2, 2): 1, (2, 3): 1, (16, 0): 1, (16, 1): 4,
                   (16, 2): 2, (16, 3): 2, (17, 0): 1, (17, 1): 5, (17, 2): 3, (17, 3): 2,
                   (64, 0): 1, (64, 1): 6, (64, 2): 3, (64, 3): 2}
    assert model.registered_levels(64, 4) == [4, 6] and model.registered_levels(64, 0) == [6]
    assert WtaParams(mode="local", pipeline=0).latency == 3


def test_mutated_model_differs_on_ties():
    """The must-fail model really disagrees on the tie the cocotb test sends first."""
    for p in (WtaParams(), WtaParams(mode="local", n=16, rows=4, radius=1)):
        xs = [([1] * p.n, [0] * p.n)]
        assert _ties_high(p, xs) != _want(p, xs)


# -- Params ----------------------------------------------------------------------------------------

test_bad_params_raise = bad_params_test(WtaParams, [
    ({"mode": "kwta"}, "'global', 'local'"),
    ({"n": 1}, "2..64"),
    ({"n": 65}, "2..64"),
    ({"width": 1}, "2..24"),
    ({"width": 25}, "2..24"),
    ({"n": 16, "rows": 0}, ["WtaParams.rows = 0", "1..16"]),
    ({"n": 16, "rows": 17}, ["WtaParams.rows = 17", "1..16"]),
    ({"n": 16, "rows": 5, "radius": 1}, ["WtaParams.rows = 5", "a divisor of n = 16",
                                         "1, 2, 4, 8, 16"]),
    ({"mode": "local", "n": 16, "rows": 4, "radius": 0}, ["WtaParams.radius = 0", "1..3"]),
    ({"mode": "local", "n": 16, "rows": 4, "radius": 4}, ["WtaParams.radius = 4", "1..3"]),
    ({"mode": "local", "n": 16, "rows": 2, "radius": 8}, ["WtaParams.radius = 8", "1..7"]),
    ({"n": "16"}, "an integer"),
    ({"pipeline": -1}, "0..6"),
    ({"pipeline": 7}, "0..6"),
])


def test_bad_inputs_raise():
    p = WtaParams(n=2, width=3, rows=1, radius=1)
    with pytest.raises(ValueError, match="outside the 3-bit signed range -4..3"):
        model.run(p, [[1, 1]], [[0, 4]])
    with pytest.raises(ValueError, match="allowed 0 or 1"):
        model.run(p, [[2, 1]], [[0, 0]])


def test_random_configs_cover_corners():
    ps = [WtaParams.random(random.Random(s)) for s in range(300)]
    assert {2, 64} <= {p.n for p in ps} and {2, 24} <= {p.width for p in ps}
    assert {"global", "local"} == {p.mode for p in ps}
    loc = [p for p in ps if p.mode == "local"]
    assert any(p.rows == 1 for p in loc) and any(1 < p.rows < p.n for p in loc)
    assert any(p.radius == max(p.rows, p.cols) - 1 for p in loc)
    glob = [p for p in ps if p.mode == "global"]
    assert {0, 1, 2, 3} <= {p.pipeline for p in glob}
    assert len({p.latency for p in glob}) >= 4

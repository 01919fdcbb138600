# SPDX-License-Identifier: Apache-2.0
"""models/aer/traffic.py: the statistics of each traffic pattern and injection process, seed
replay, and the Params errors.  Bounds are several standard deviations wide (binomial /
geometric variances worked out here from the definitions), so a correct generator passes for
any seed and a wrong rate or distribution fails."""
import math
from collections import Counter

import pytest

from neurohdl.errors import ParamError
from neurohdl.models.aer import traffic as tr

CYCLES = 4000


def _within(count: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """``count`` successes of ``n`` Bernoulli(p) trials is within ``sigmas`` deviations."""
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


@pytest.mark.parametrize("load", [0, 100, 550, 1000])
def test_bernoulli_offered_load(load):
    p = tr.TrafficParams(rows=4, cols=4, load_permille=load)
    inj = tr.generate(p, CYCLES, seed=3)
    per_src = Counter(i.src for i in inj)
    for t in range(16):
        assert _within(per_src[t], CYCLES, load / 1000), (t, per_src[t])
    assert all(0 <= i.cycle < CYCLES for i in inj)
    assert len({(i.src, i.cycle) for i in inj}) == len(inj)      # at most one a cycle a source
    for t, evs in tr.by_source(p, inj).items():
        assert [i.seq for i in evs] == list(range(len(evs)))


def test_uniform_destinations():
    p = tr.TrafficParams(rows=3, cols=3, load_permille=800)
    inj = tr.generate(p, CYCLES, seed=11)
    pairs = Counter((i.src, i.dests) for i in inj)
    per_src = Counter(i.src for i in inj)
    for s in range(9):
        assert pairs[(s, (s,))] == 0
        for d in set(range(9)) - {s}:
            assert _within(pairs[(s, (d,))], per_src[s], 1 / 8), (s, d)


def test_transpose_is_exact_and_the_diagonal_is_silent():
    p = tr.TrafficParams(rows=4, cols=4, pattern="transpose", load_permille=500)
    inj = tr.generate(p, 500, seed=1)
    assert {i.src for i in inj} == {t for t in range(16) if t % 4 != t // 4}
    assert all(i.dests == ((i.src % 4) * 4 + i.src // 4,) for i in inj)


def test_hotspot_share():
    p = tr.TrafficParams(rows=3, cols=3, pattern="hotspot", load_permille=900,
                         hot_permille=400)
    assert p.hotspot == 4                                       # the centre of a 3x3
    inj = tr.generate(p, CYCLES, seed=5)
    for s in range(9):
        mine = [i.dests[0] for i in inj if i.src == s]
        assert s not in mine
        if s != 4:
            assert _within(mine.count(4), len(mine), 0.4), (s, mine.count(4))
            for d in set(range(9)) - {s, 4}:                    # the rest shared evenly
                assert _within(mine.count(d), len(mine), 0.6 / 7), (s, d)
    corner = tr.TrafficParams(rows=3, cols=3, pattern="hotspot", hotspot=8, hot_permille=1000)
    assert {i.dests for i in tr.generate(corner, 300, seed=2) if i.src != 8} == {(8,)}


def test_multicast_fanout_1_to_5():
    p = tr.TrafficParams(rows=3, cols=3, pattern="multicast", load_permille=700)
    inj = tr.generate(p, CYCLES, seed=9)
    fan = Counter(len(i.dests) for i in inj)
    assert set(fan) == {1, 2, 3, 4, 5}
    for k in range(1, 6):
        assert _within(fan[k], len(inj), 1 / 5), fan
    assert all(len(set(i.dests)) == len(i.dests) and i.src not in i.dests and
               list(i.dests) == sorted(i.dests) for i in inj)
    small = tr.TrafficParams(rows=1, cols=3, pattern="multicast", fanout_max=5)
    assert {len(i.dests) for i in tr.generate(small, 400, seed=9)} == {1, 2}


def _runs(cycles):
    """Lengths of the runs of consecutive cycles."""
    runs, prev = [], None
    for c in cycles:
        if prev is not None and c == prev + 1:
            runs[-1] += 1
        else:
            runs.append(1)
        prev = c
    return runs


@pytest.mark.parametrize("load, burst", [(300, 8), (600, 4), (888, 8)])
def test_bursts_keep_the_load_and_the_burst_length(load, burst):
    p = tr.TrafficParams(rows=2, cols=2, process="burst", load_permille=load, burst_len=burst)
    cycles = 20000
    inj = tr.generate(p, cycles, seed=21)
    for s in range(4):
        mine = [i.cycle for i in inj if i.src == s]
        # ON cycles form a Markov chain: the variance of their count is about
        # n p (1 - p) (1 + r) / (1 - r), r = 1 - 1/L - q its lag-1 correlation
        q = (load / 1000) / (burst * (1 - load / 1000))
        r = 1 - 1 / burst - q
        sd = math.sqrt(cycles * load / 1000 * (1 - load / 1000) * (1 + r) / (1 - r))
        assert abs(len(mine) - cycles * load / 1000) <= 5 * sd, (s, len(mine))
        runs = _runs(mine)
        # a burst can merge with the next when the OFF gap is 0 cycles: none here (an OFF
        # cycle always follows a burst), so runs are bursts, geometric with mean L
        mean = sum(runs) / len(runs)
        assert abs(mean - burst) <= 5 * math.sqrt(burst * (burst - 1) / len(runs)) + 0.05, mean


def test_bernoulli_runs_are_short_where_bursts_are_long():
    """The must-fail of the burst check: at the same load, Bernoulli runs average
    1 / (1 - load), far from burst_len."""
    p = tr.TrafficParams(rows=2, cols=2, load_permille=300)
    runs = _runs([i.cycle for i in tr.generate(p, 20000, seed=1) if i.src == 0])
    assert abs(sum(runs) / len(runs) - 1 / 0.7) < 0.1


def test_seeds_replay_and_differ():
    p = tr.TrafficParams(rows=3, cols=3, pattern="multicast", process="burst",
                         load_permille=400)
    a, b, c = (tr.generate(p, 500, s) for s in (7, 7, 8))
    assert a == b and a != c


def test_timesteps_cut_by_period():
    p = tr.TrafficParams(rows=2, cols=2, load_permille=500)
    inj = tr.by_source(p, tr.generate(p, 95, seed=4))[0]
    steps = tr.timesteps(inj, 10, 95)
    assert len(steps) == 10 and [i for s in steps for i in s] == inj
    assert all(k * 10 <= i.cycle < (k + 1) * 10 for k, s in enumerate(steps) for i in s)


@pytest.mark.parametrize("kw, words", [
    ({"pattern": "transpose", "rows": 2, "cols": 3}, ["pattern = 'transpose'", "rows = cols"]),
    ({"process": "burst", "burst_len": 1, "load_permille": 600},
     ["load_permille = 600", "0..500", "burst_len = 1"]),
    ({"rows": 1, "cols": 1}, ["rows = 1", ">= 2 tiles"]),
    ({"hotspot": 9}, ["hotspot = 9", "0..8"]),
    ({"load_permille": 1001}, ["load_permille = 1001", "0..1000"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        tr.TrafficParams(**kw)
    assert all(w in str(e.value) for w in words), str(e.value)

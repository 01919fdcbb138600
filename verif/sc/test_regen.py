# SPDX-License-Identifier: Apache-2.0
"""sc.regen: converted Verilog vs the model over random window lengths (1 included) and LFSR
widths, with idle and back-pressure on both streams; the model against a plain-Python
decode/re-encode, the threshold rule exhaustively, exact counts over full LFSR periods, value
preservation and decorrelation."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import regen as model
from neurohdl.models.sc import sng
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, reciprocal_taps
from neurohdl.models.sc.regen import RegenParams
from neurohdl.models.sc.sng import SngParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates


def stimulus(p: RegenParams, rng, n: int) -> list[int]:
    """Whole windows of density 0, 1, 1/2, then random (at least 4 windows), then a partial
    window."""
    bits: list[int] = []
    for j in range(max(4, n // p.length)):
        d = [0.0, 1.0, 0.5][j] if j < 3 else rng.choice([0.0, 1.0, rng.random(), rng.random()])
        bits += [int(rng.random() < d) for _ in range(p.length)]
    return bits + [rng.randint(0, 1) for _ in range(rng.randrange(p.length))]


def mutant(p: RegenParams, bits):
    """The held count reset to L (the first window all ones): the design's is all zeros."""
    return ([1] * p.length + [int(b) for b in model.run(p, bits)][p.length:])[:len(bits)]


# a reset mid-window (inside the third) clears the window and the held count and reseeds the
# LFSR; afterwards the whole stimulus again
TESTS = StandardTests(model=model.run, stimulus=stimulus, mutant=mutant,
                      reset_before=lambda p: 2 * p.length + 1 + p.length // 3,
                      reset_after=None, quiet_in_reset=True, ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_restarts = TESTS.reset_mid_stream("reset_restarts")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_regen, test_regen_verilator = core_tests("sc.regen")


def python_regen(p: RegenParams, bits) -> list[int]:
    """Independent re-derivation: count the previous window, x = ceil(c 2^W / L) by integer
    arithmetic, bit = (r < x) with r the Galois LFSR recurrence from the seed."""
    out, s, held = [], p.lfsr_seed, 0
    for j in range(0, len(bits), p.length):
        win = bits[j:j + p.length]
        x = -(-held * (1 << p.width) // p.length)
        for _ in win:
            out.append(1 if s < x else 0)
            s = (s >> 1) ^ (p.lfsr_taps if s & 1 else 0)
        held = sum(win)
    return out


@pytest.mark.parametrize("length, width", [(1, 3), (2, 3), (7, 3), (5, 8), (64, 16), (100, 12),
                                           (255, 32), (4096, 10)])
def test_model_matches_python_regen(length, width, seed):
    r = random.Random(seed)
    p = RegenParams(length=length, width=width, lfsr_seed=r.randint(1, (1 << width) - 1))
    bits = []
    for _ in range(max(6, 3000 // length)):
        d = r.choice([0.0, 1.0, r.random()])
        bits += [int(r.random() < d) for _ in range(length)]
    bits += [1] * r.randrange(length)
    ref = python_regen(p, bits)
    assert model.run(p, bits).tolist() == ref
    assert ref[:length] == [0] * length                      # the first window outputs 0s
    state, out = None, []
    for b in bits[:2000]:
        state, y = model.step(p, state, b)
        out.append(y)
    assert out == ref[:2000]


@pytest.mark.parametrize("width", [3, 4, 5, 6])
def test_threshold_rule_exhaustive(width):
    """r L < c 2^W  <=>  r < ceil(c 2^W / L), for every state r, count c and L <= 70; exactly
    c 2^W / L when L is a power of two <= 2^W; all ones at c = L, all zeros at c = 0."""
    for L in range(1, 71):
        p = RegenParams(length=L, width=width)
        for c in range(L + 1):
            x = model.threshold(p, c)
            for r in range(1, 1 << width):
                assert (r * L < c << width) == (r < x), (L, c, r)
            if L & (L - 1) == 0 and L <= 1 << width:
                assert x * L == c << width
        assert model.threshold(p, L) == 1 << width and model.threshold(p, 0) == 0
        assert model.probability(p, L) == 1.0 and model.probability(p, 0) == 0.0


@pytest.mark.parametrize("width", [3, 4, 5, 8])
def test_full_period_windows_are_exact(width):
    """L = 2^W - 1: each output window covers one whole LFSR period, so it holds exactly
    max(x - 1, 0) ones for the previous window's count c (x = ceil(c 2^W / L))."""
    L = (1 << width) - 1
    p = RegenParams(length=L, width=width)
    r = random.Random(width)
    counts = [0, L, 1, L - 1] + [r.randint(0, L) for _ in range(20)]
    bits = []
    for c in counts:
        w = [1] * c + [0] * (L - c)
        r.shuffle(w)
        bits += w
    y = model.run(p, bits).reshape(-1, L).sum(axis=1)
    assert y[0] == 0
    for c, ones in zip(counts, y[1:]):
        assert ones == max(model.threshold(p, c) - 1, 0) == round(model.probability(p, c) * L)


def test_regenerated_copy_keeps_value_and_decorrelates():
    """A default sc.sng stream x of value a and its regenerated copy y (defaults: L = 256,
    W = 16): mean(y) ~ mean(x), |SCC(x, y)| < 0.08 and x AND y ~ a^2, where x AND x = a."""
    p = RegenParams()
    n = p.length * 64
    r, _ = sng.numbers(SngParams(), n)
    for a in np.linspace(0.1, 0.9, 9):
        x = (r < np.uint64(int(a * 65536))).astype(np.uint8)
        y = model.run(p, x)
        xs, ys = x[p.length:], y[p.length:]
        assert abs(ys.mean() - x[:-p.length].mean()) < 0.006
        assert abs(gates.scc(xs, ys)) < 0.08 and gates.scc(xs, xs) == 1.0
        assert abs((xs & ys).mean() - x.mean() ** 2) < 0.008


def test_defaults_differ_from_sng():
    p = RegenParams()
    assert p.lfsr_taps == reciprocal_taps(MAXIMAL_TAPS[16], 16) != SngParams().lfsr_taps
    assert p.lfsr_seed == 0xBEEF and p.count_width == 9 and p.cmp_width == 25
    assert RegenParams(width=3).lfsr_seed == 0xBEEF & 7


def test_random_configs_cover_corners():
    ps = [RegenParams.random(random.Random(s)) for s in range(200)]
    assert {1, 64} <= {p.length for p in ps} and max(p.length for p in ps) <= 64
    assert {3, 32} <= {p.width for p in ps}


test_bad_params_raise = bad_params_test(RegenParams, [
    ({"length": 0}, ["RegenParams.length = 0", "1..4096"]),
    ({"length": 4097}, ["RegenParams.length = 4097 (0x1001)", "1..4096"]),
    ({"width": 2}, ["RegenParams.width = 2", "3..32"]),
    *gates.lfsr_field_cases(RegenParams)])

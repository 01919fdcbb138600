# SPDX-License-Identifier: Apache-2.0
"""sc.shuffle: converted Verilog vs the model over random depths and LFSR widths (corners
included), with idle and back-pressure on both streams; the model against a plain-Python
buffer, conservation of ones, slot coverage and decorrelation."""
import random

import numpy as np
import pytest

from neurohdl.models.sc import shuffle as model
from neurohdl.models.sc import sng
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, reciprocal_taps
from neurohdl.models.sc.shuffle import ShuffleParams
from neurohdl.models.sc.sng import SngParams
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests
from neurohdl.verif.sc import _gates as gates


def stimulus(p: ShuffleParams, rng, n: int) -> list[int]:
    """Segments of density 0, 1, 1/2 or random."""
    return gates.segments(rng, n, 2 * p.depth)


# a reset with the buffer full of ones (40 ones first) clears it and reseeds the LFSR;
# must-fail: a model whose buffer resets to ones (its first output is 1, the design's 0)
TESTS = StandardTests(
    model=model.run, stimulus=stimulus, reset_before=60, ready_rule=True,
    reset_stimulus=lambda p, rng, n: [1] * 40 + stimulus(p, rng, n - 40),
    mutant=lambda p, bits: model.run(p, bits, state=(p.lfsr_seed, (1 << p.depth) - 1)))
stream_matches_model = TESTS.model_match()
reset_clears_buffer = TESTS.reset_mid_stream("reset_clears_buffer")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_shuffle, test_shuffle_verilator = core_tests("sc.shuffle")


def python_shuffle(p: ShuffleParams, bits):
    """Independent re-derivation: a list buffer, slot = LFSR state mod D, output then replace,
    LFSR by its recurrence.  Returns (outputs, final buffer)."""
    pool, s, out = [0] * p.depth, p.lfsr_seed, []
    for b in bits:
        r = s % p.depth
        out.append(pool[r])
        pool[r] = b
        s = (s >> 1) ^ (p.lfsr_taps if s & 1 else 0)
    return out, pool


CONFIGS = [(2, 3), (2, 32), (4, 3), (8, 4), (16, 16), (32, 6), (64, 7), (64, 32)]


@pytest.mark.parametrize("depth, width", CONFIGS)
def test_model_matches_python_buffer(depth, width, seed):
    r = random.Random(seed)
    p = ShuffleParams(depth=depth, lfsr_width=width, lfsr_seed=r.randint(1, (1 << width) - 1))
    bits = [int(r.random() < r.choice([0.1, 0.5, 0.9])) for _ in range(5000)]
    ref, pool = python_shuffle(p, bits)
    y, (s, buf) = model.run(p, bits, return_state=True)
    assert y.tolist() == ref and buf == sum(b << i for i, b in enumerate(pool))
    state, out = None, []
    for b in bits[:1500]:
        state, o = model.step(p, state, b)
        out.append(o)
    assert out == ref[:1500]
    assert model.run(p, bits[1500:], state=state).tolist() == ref[1500:]


@pytest.mark.parametrize("depth, width", CONFIGS)
def test_ones_conserved(depth, width, seed):
    """count(y) + ones left in the buffer = count(x) + ones at reset (0), after every prefix."""
    r = random.Random(seed)
    p = ShuffleParams(depth=depth, lfsr_width=width)
    for _ in range(5):
        q = r.random()
        bits = [int(r.random() < q) for _ in range(r.randint(0, 3000))]
        y, (_, buf) = model.run(p, bits, return_state=True)
        assert int(y.sum()) + bin(buf).count("1") == sum(bits)
        assert abs(int(y.sum()) - sum(bits)) <= depth
    bits = [int(r.random() < 0.5) for _ in range(400)]   # after every prefix, via step()
    state, ones_out = None, 0
    for k, b in enumerate(bits):
        state, o = model.step(p, state, b)
        ones_out += o
        assert ones_out + bin(state[1]).count("1") == sum(bits[:k + 1])


@pytest.mark.parametrize("depth, width", [(2, 3), (8, 4), (16, 8), (64, 7)])
def test_every_slot_chosen(depth, width):
    """Over one LFSR period each slot is chosen 2^(w-k) times, slot 0 once less."""
    p = ShuffleParams(depth=depth, lfsr_width=width)
    per = (1 << width) - 1
    counts = np.bincount(model.slots(p, per), minlength=depth)
    k = depth.bit_length() - 1
    assert counts[0] == (1 << (width - k)) - 1 and (counts[1:] == 1 << (width - k)).all()


def test_shuffled_copy_decorrelates():
    """A default sc.sng stream x of value a and its shuffled copy (defaults: D = 16): |SCC| <
    0.08 and x AND y ~ a^2 within 0.008, where x AND x = a."""
    p = ShuffleParams()
    n = 1 << 14
    r, _ = sng.numbers(SngParams(), n)
    for a in np.linspace(0.1, 0.9, 9):
        x = (r < np.uint64(int(a * 65536))).astype(np.uint8)
        y = model.run(p, x)
        xs, ys = x[4 * p.depth:], y[4 * p.depth:]
        assert abs(gates.scc(xs, ys)) < 0.08 and gates.scc(xs, xs) == 1.0
        assert abs((xs & ys).mean() - x.mean() ** 2) < 0.008


def test_defaults():
    p = ShuffleParams()
    assert p.depth == 16 and p.index_width == 4 and p.lfsr_width == 16
    assert p.lfsr_taps == reciprocal_taps(MAXIMAL_TAPS[16], 16) and p.lfsr_seed == 0xBEEF


def test_random_configs_cover_corners():
    ps = [ShuffleParams.random(random.Random(s)) for s in range(300)]
    assert {p.depth for p in ps} == {2, 4, 8, 16, 32, 64}
    assert all(p.lfsr_width > p.index_width for p in ps)
    assert any(p.lfsr_width == max(3, p.index_width + 1) for p in ps)


test_bad_params_raise = bad_params_test(ShuffleParams, [
    ({"depth": 1}, ["ShuffleParams.depth = 1", "2..64"]),
    ({"depth": 128}, ["ShuffleParams.depth = 128", "2..64"]),
    ({"depth": 12}, ["ShuffleParams.depth = 12", "a power of two 2..64"]),
    ({"depth": 64, "lfsr_width": 6}, ["ShuffleParams.lfsr_width = 6", "7..32"]),
    ({"depth": 2, "lfsr_width": 2}, ["ShuffleParams.lfsr_width = 2", "3..32"]),
    *gates.lfsr_field_cases(ShuffleParams, None)])

# SPDX-License-Identifier: Apache-2.0
"""neuron.li: converted Verilog vs the model over random configurations (tiny and wide widths,
every k, the shift and the multiplicative leak) and stimuli with saturation corners, idle and
back-pressure on both streams, status_sat, latency, mid-stream reset; the model against the
real-valued leaky integrator v = beta v + I, beta = 1 - 2^-k or m / 2^Fb (Norse / snnTorch
leaky integrator without threshold)."""
import random

import numpy as np
import pytest

from neurohdl.models.neuron import li as model
from neurohdl.models.neuron._common import smax
from neurohdl.models.neuron.li import LiParams
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, extremes_then_drive,
                                           negated_input_mutant, neuron_tests,
                                           scalar_equals_population, scalar_run)


def corners(p: LiParams, rng) -> list[int]:
    """The extreme inputs held for many steps (v clips both ways where the leak allows it),
    silence (decay), alternating extremes, then a steady drive."""
    return extremes_then_drive(p, max(1, smax(p.in_width) // 3))


# a reset returns v to 0 and clears status_sat; must-fail: a model
# fed -i (the first input is 1: v = 1 in the RTL, v = -1 there)
TESTS = neuron_tests(model, mutant=negated_input_mutant(model))
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)
latency_and_throughput = TESTS.throughput("latency_and_throughput", n=40)


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..2 pin the Q8.8 default format (the extreme inputs saturate), the narrowest
# membrane and the slowest leak (with a bias of 1: v climbs to saturation); 3, 4 are fully
# random; 5 the multiplicative leak
PINS = [{"width": 16, "in_width": 16, "frac_bits": 8, "bias": 0}, {"width": 3},
        {"leak_shift": 15, "bias": 1}, {}, {}, {"leak": "multiply"}]

test_li, test_li_verilator = core_tests("neuron.li", PINS)


# -- model: scalar step vs population, hand-checked semantics ------------------------------------

def _scalar_run(p, xs):
    return scalar_run(model, p, xs)


def test_step_and_population_agree(seed):
    """step() on Python ints and run_population() on numpy agree bit for bit, per neuron; the
    spike bit is always 0."""
    scalar_equals_population(model, LiParams, random.Random(seed), silent=True)


def test_by_hand():
    p = LiParams(width=8, in_width=8, frac_bits=4, leak_shift=2)
    # 100; 100 - 25 + 0 = 75; 75 - 18 = 57; 57 - 14 + 127 = 170 -> 127 (sat);
    # 127 - 31 - 128 = -32; -32 + 8 = -24; -24 + 6 = -18; ...; -1 - (-1) = 0
    assert _scalar_run(p, [100, 0, 0, 127, -128, 0, 0]) == [
        (0, 100, False), (0, 75, False), (0, 57, False), (0, 127, True), (0, -32, False),
        (0, -24, False), (0, -18, False)]
    assert model.step(p, -1, 0)[0] == 0 and model.step(p, 3, 0)[0] == 3
    assert model.step(p, -128, -128) == (-128, (0, -128, True))
    assert p.out_width == 9 and p.sum_width == 9


def test_by_hand_multiply():
    p = LiParams(width=8, in_width=8, frac_bits=4, leak="multiply", beta_frac=2, beta=3)
    # beta = 3/4, floor: 100; 300 >> 2 = 75; 225 >> 2 = 56; 168 >> 2 + 127 = 169 -> 127 (sat);
    # 381 >> 2 - 128 = -33; -99 >> 2 = -25; -75 >> 2 = -19; a negative v sticks at -1
    assert _scalar_run(p, [100, 0, 0, 127, -128, 0, 0]) == [
        (0, 100, False), (0, 75, False), (0, 56, False), (0, 127, True), (0, -33, False),
        (0, -25, False), (0, -19, False)]
    assert model.step(p, -1, 0)[0] == -1 and model.step(p, 3, 0)[0] == 2
    assert model.step(p, -128, -128) == (-128, (0, -128, True))
    assert model.step(p.replace(beta=0), 100, 5)[0] == 5
    assert LiParams.from_real(leak="multiply", beta=0.9375).beta == 240


def test_bias_by_hand():
    """v += bias every step, inside the one exact sum (clipped once with the input)."""
    p = LiParams(width=8, in_width=8, frac_bits=4, leak_shift=2, bias=5)
    # 0 + 100 + 5 = 105; 105 - 26 + 5 = 84; 84 - 21 + 127 + 5 = 195 -> 127 (sat)
    assert _scalar_run(p, [100, 0, 127]) == [(0, 105, False), (0, 84, False), (0, 127, True)]
    # 127 - 31 - 128 + 127 = 95: v_l + bias alone would clip
    assert model.step(p.replace(bias=127), 127, -128) == (95, (0, 95, False))
    assert model.step(p.replace(bias=-128), -128, -128) == (-128, (0, -128, True))
    assert LiParams.from_real(bias=0.25).bias == 64


# -- model vs the real-valued equation -------------------------------------------------------------

def float_li(beta, I):
    """v = beta v + I (leaky integrator, no threshold); float."""
    v, vs = 0.0, []
    for i in I:
        v = beta * v + float(i)
        vs.append(v)
    return np.array(vs)


@pytest.mark.parametrize("k", [1, 2, 4, 6, 8, 15])
def test_within_bound_of_float(k, seed):
    """No clipping, any input sequence, horizon 2000 steps: v_fix - v_float = E_t with
    E_t = beta E_{t-1} + e_t, e_t = frac(v / 2^k) in [0, 1), so 0 <= v_fix - v_float < 2^k LSB
    at every step (Q8.8-scaled values: < 2^k / 256)."""
    rng = random.Random(seed)
    p = LiParams(width=32, in_width=12, leak_shift=k)
    xs = [rng.randint(-2000, 2000) for _ in range(2000)]
    _, v, sat = model.run_population(p, xs)
    err = v[:, 0] - float_li(1 - 2.0 ** -k, xs)
    assert not sat.any()
    assert err.min() >= -1e-6 and err.max() < 2 ** k, (err.min(), err.max())


@pytest.mark.parametrize("beta_frac", [1, 4, 8, 16])
def test_multiply_within_bound_of_float(beta_frac, seed):
    """Multiplicative leak, no clipping, 2000 steps: v_fix - v_float = E_t with
    E_t = beta E_{t-1} - e_t, e_t = frac(v beta) in [0, 1), so -1 / (1 - beta) < v_fix - v_float
    <= 0 at every step."""
    rng = random.Random(seed)
    m = rng.randint(0, (1 << beta_frac) - 1)
    p = LiParams(width=32, in_width=12, leak="multiply", beta_frac=beta_frac, beta=m)
    xs = [rng.randint(-2000, 2000) for _ in range(2000)]
    _, v, sat = model.run_population(p, xs)
    beta = m / 2 ** beta_frac
    err = v[:, 0] - float_li(beta, xs)
    assert not sat.any()
    assert err.max() <= 1e-6 and err.min() > -1 / (1 - beta) - 1e-6, (m, err.min(), err.max())


def test_steady_state_constant_drive():
    """Constant drive I: the float integrator settles at I 2^k; the fixed one at a value in
    [I 2^k, I 2^k + 2^k) (the bound above), reached within the documented horizon."""
    for k, drive in ((2, 50), (4, 26), (6, 3), (4, -26), (3, -100)):
        p = LiParams(width=24, in_width=12, leak_shift=k)
        v = model.run_population(p, [drive] * 2000)[1][-1, 0]
        assert drive * 2 ** k <= v < drive * 2 ** k + 2 ** k, (k, drive, v)


# -- Params ----------------------------------------------------------------------------------------

test_bad_params_raise = bad_params_test(LiParams, [
    ({"width": 2}, "3..32"),
    ({"width": 33}, "3..32"),
    ({"in_width": 1}, "2..32"),
    ({"frac_bits": 16}, "0..15"),
    ({"width": 4, "frac_bits": 4}, ["LiParams.frac_bits = 4", "0..3"]),
    ({"leak_shift": 0}, "1..15"),
    ({"leak_shift": 16}, "1..15"),
    ({"leak_shift": "4"}, "an integer"),
    ({"leak": "subtract"}, "'shift', 'multiply'"),
    ({"beta_frac": 17}, "1..16"),
    ({"beta_frac": 4, "beta": 16}, ["LiParams.beta = 16", "0..15"]),
    ({"bias": -32769}, "-32768..32767"),
    ({"width": 4, "frac_bits": 0, "bias": 8}, ["LiParams.bias = 8", "-8..7"]),
])


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="outside the 3-bit signed range -4..3"):
        model.run_population(LiParams(in_width=3), [[1, 4]])


def test_random_configs_cover_corners():
    ps = [LiParams.random(random.Random(s)) for s in range(300)]
    assert {3, 16} <= {p.width for p in ps} and {2, 16} <= {p.in_width for p in ps}
    assert {1, 15} <= {p.leak_shift for p in ps}
    assert {p.leak for p in ps} == {"shift", "multiply"}
    assert any(p.beta == 0 for p in ps) and any(p.beta == (1 << p.beta_frac) - 1 for p in ps)
    assert any(p.bias == 0 for p in ps) and any(p.bias < 0 for p in ps)
    assert any(p.bias > 0 for p in ps)

# SPDX-License-Identifier: Apache-2.0
"""neuron.lif: converted Verilog vs the model over random configurations (every leak and reset
mode, refractory 0..255, tiny and wide widths) and stimuli with saturation corners, idle and
back-pressure on both streams, status_sat, latency, mid-stream reset; the model against an
independent float reference of the discrete LIF v = beta v + I (snnTorch / Norse / mlxsnn
'leaky', spikeseg's subtractive and multiplicative leaks)."""
import math
import random
from fractions import Fraction

import numpy as np
import pytest

from neurohdl import QFormatError
from neurohdl.models.neuron import lif as model
from neurohdl.models.neuron._common import pack_out, smax, smin, sticky, unpack_out
from neurohdl.models.neuron.lif import LifParams
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, extremes_then_drive,
                                           negated_input_mutant, neuron_tests,
                                           scalar_equals_population, scalar_run)


def corners(p: LifParams, rng) -> list[int]:
    """The extreme inputs held for many steps (v clips both ways where the leak allows it),
    silence, alternating extremes, then a long regular drive (spikes, refractory periods)."""
    return extremes_then_drive(p, min(smax(p.in_width), max(1, p.threshold // 5)))


# a reset returns v and the refractory counter to 0 and clears status_sat; must-fail: a model
# fed -i (the first input is 1: v = 1 (or a spike) in the RTL, v = -1 without a spike there)
TESTS = neuron_tests(model, mutant=negated_input_mutant(model))
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)
latency_and_throughput = TESTS.throughput("latency_and_throughput", n=40)


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..4 pin each leak mode (0 the Q8.8 default format, where the extreme inputs
# saturate), the narrowest membrane and the longest refractory period; 5 is fully random
PINS = [{"leak": "shift", "width": 16, "in_width": 16, "frac_bits": 8, "bias": 0},
        {"leak": "subtract"}, {"leak": "multiply"}, {"width": 3},
        {"refractory": 255, "reset": "to_v_reset", "bias": 5}, {}]

test_lif, test_lif_verilator = core_tests("neuron.lif", PINS, verilator={"leak": "multiply"})


# -- model: scalar step vs population, hand-checked semantics ------------------------------------

def _scalar_run(p, xs):
    return scalar_run(model, p, xs)


def test_step_and_population_agree(seed):
    """step() on Python ints and run_population() on numpy agree bit for bit, per neuron, on
    random configurations (every mode) and inputs with saturation corners."""
    scalar_equals_population(model, LifParams, random.Random(seed))


def test_refractory_definition():
    """After a spike at step t, steps t+1..t+R discard their input, hold v at the reset value
    and cannot spike; step t+R+1 leaks and integrates again."""
    p = LifParams(width=16, threshold=10, leak="subtract", leak_amount=0, reset="to_v_reset",
                  v_reset=-3, refractory=2)
    xs = [12, 100, 100, 5, 9, 1, 0]
    # v:  12 >= 10 fires -> -3; held -3; held -3; -3+5 = 2; 11 fires -> -3; held; held
    assert _scalar_run(p, xs) == [(1, -3, False), (0, -3, False), (0, -3, False),
                                  (0, 2, False), (1, -3, False), (0, -3, False),
                                  (0, -3, False)]
    q = p.replace(refractory=0)
    assert [o[:2] for o in _scalar_run(q, xs)] == [(1, -3), (1, -3), (1, -3), (0, 2), (1, -3),
                                                   (0, -2), (0, -2)]


def test_threshold_is_inclusive_and_resets():
    for reset, after in (("zero", 0), ("subtract", 3), ("to_v_reset", -7)):
        p = LifParams(width=8, in_width=8, frac_bits=4, threshold=20, leak="subtract",
                      leak_amount=0, reset=reset, v_reset=-7)
        assert model.step(p, (0, 0), 19) == ((19, 0), (0, 19, False))
        assert model.step(p, (0, 0), 20)[1][:2] == (1, 0 if reset == "zero" else
                                                    (0 if reset == "subtract" else -7))
        assert model.step(p, (3, 0), 20)[1][:2] == (1, after)


def test_leak_modes_by_hand():
    sh = LifParams(width=16, leak="shift", leak_shift=2)
    assert [model.leak(sh, v) for v in (100, 3, 4, -1, -4, -5, -32768)] == \
        [75, 3, 3, 0, -3, -3, -24576]
    sub = LifParams(width=16, leak="subtract", leak_amount=5)
    assert [model.leak(sub, v) for v in (12, 5, 3, 0, -3, -5, -12)] == [7, 0, 0, 0, 0, 0, -7]
    mul = LifParams(width=16, leak="multiply", beta_frac=4, beta=12)      # beta = 0.75
    assert [model.leak(mul, v) for v in (100, 1, 2, -1, -2, -100, -32768)] == \
        [75, 0, 1, -1, -2, -75, -24576]


def test_bias_by_hand():
    """v += bias every step inside the one exact sum (clipped once with the input, never on its
    own), discarded with the input in a refractory step."""
    p = LifParams(width=8, in_width=8, frac_bits=0, threshold=100, leak="subtract",
                  leak_amount=0, bias=-3)
    # 0 + 10 - 3 = 7; 7 - 3 = 4; 4 + 127 - 3 = 128 -> 127 (sat) fires; 0 + 127 - 3 = 124 fires;
    # 0 - 128 - 3 -> -128 (sat) twice
    assert _scalar_run(p, [10, 0, 127, 127, -128, -128]) == [
        (0, 7, False), (0, 4, False), (1, 0, True), (1, 0, False), (0, -128, True),
        (0, -128, True)]
    # 100 - 128 + 127 = 99: no saturation (v + bias alone would clip at 127)
    assert model.step(p.replace(bias=127, threshold=127), (100, 0), -128) == \
        ((99, 0), (0, 99, False))
    r = p.replace(threshold=10, refractory=2, bias=4)
    assert _scalar_run(r, [10, 0, 0, 0]) == [(1, 0, False), (0, 0, False), (0, 0, False),
                                             (0, 4, False)]
    assert p.sum_width == 10 and p.replace(bias=0).sum_width == 9
    assert LifParams.from_real(bias=-0.5).bias == -128


def test_saturation_flags():
    p = LifParams(width=8, in_width=8, frac_bits=0, threshold=127, leak="subtract",
                  leak_amount=0)
    assert _scalar_run(p, [127, 127]) == [(1, 0, False), (1, 0, False)]
    q = p.replace(reset="subtract", threshold=100)
    assert _scalar_run(q, [120, 127]) == [(1, 20, False), (1, 27, True)]
    assert _scalar_run(p, [-128, -128, 5]) == [(0, -128, False), (0, -128, True),
                                                (0, -123, False)]
    spikes, v, sat = model.run_population(q, [[120], [127], [0]])
    assert sat[:, 0].tolist() == [False, True, False]
    assert sticky(sat)[:, 0].tolist() == [False, True, True]


def test_tdata_layout():
    p = LifParams(width=8, frac_bits=4, threshold=100)
    assert pack_out(8, 1, -2) == (0xFE << 1) | 1
    assert unpack_out(8, (0xFE << 1) | 1) == (1, -2)
    assert p.out_width == 9 and p.sum_width == 17 and p.ref_width == 0
    assert LifParams(refractory=255).ref_width == 8 and LifParams(refractory=1).ref_width == 1


# -- model vs a float reference of the published equation ---------------------------------------

def float_lif(beta, threshold, I, reset="zero", v_reset=0, refractory=0, leak_amount=None,
              num=float):
    """Discrete LIF v = beta v + I (snnTorch Leaky / Norse / mlxsnn 'leaky'), or spikeseg's
    subtractive leak v -= leak toward 0 when leak_amount is given, spike v >= threshold,
    immediate reset, refractory hold; in real (float or Fraction) arithmetic, no clipping."""
    v, r, vs, spikes = num(0), 0, [], []
    for i in I:
        if r:
            r -= 1
            vs.append(v)
            spikes.append(0)
            continue
        if leak_amount is None:
            v = beta * v + num(i)
        else:
            v = (max(v - leak_amount, 0) if v > 0 else min(v + leak_amount, 0)) + num(i)
        s = int(v >= threshold)
        if s:
            v = {"zero": num(0), "subtract": v - threshold, "to_v_reset": num(v_reset)}[reset]
            r = refractory
        vs.append(v)
        spikes.append(s)
    return np.array(vs, dtype=float), np.array(spikes)


def _subthreshold_inputs(rng, T, amp):
    return [rng.randint(-amp, amp) for _ in range(T)]


@pytest.mark.parametrize("k", [1, 2, 4, 6, 8])
def test_shift_leak_within_bound_of_float(k, seed):
    """Sub-threshold (threshold unreachable, no clipping), any input sequence, horizon 2000
    steps: v_fix = v_float + E with E_t = beta E_{t-1} + e_t, e_t = frac(v / 2^k) in [0, 1), so
    0 <= v_fix - v_float < 1 / (1 - beta) = 2^k LSB at every step."""
    rng = random.Random(seed)
    p = LifParams(width=20, in_width=16, threshold=smax(20), leak="shift", leak_shift=k)
    amp = min(smax(16), smax(20) >> (k + 2))
    xs = _subthreshold_inputs(rng, 2000, amp)
    spikes, v, sat = model.run_population(p, xs)
    vf, _ = float_lif(1 - 2.0 ** -k, math.inf, xs)
    err = v[:, 0] - vf
    assert not spikes.any() and not sat.any()
    assert err.min() >= -1e-9 and err.max() < 2 ** k, (err.min(), err.max())


@pytest.mark.parametrize("beta, frac", [(240, 8), (128, 8), (250, 8), (61000, 16), (3, 2)])
def test_multiply_leak_within_bound_of_float(beta, frac, seed):
    """Same with the multiplicative leak, beta = raw / 2^Fb exactly: floor() gives
    e_t in (-1, 0], so -1 / (1 - beta) < v_fix - v_float <= 0 at every step."""
    rng = random.Random(seed)
    p = LifParams(width=24, in_width=16, threshold=smax(24), leak="multiply", beta_frac=frac,
                  beta=beta)
    b = beta / 2 ** frac
    xs = _subthreshold_inputs(rng, 2000, int(min(smax(16), smax(24) * (1 - b) / 4)))
    spikes, v, sat = model.run_population(p, xs)
    vf, _ = float_lif(b, math.inf, xs)
    err = v[:, 0] - vf
    assert not spikes.any() and not sat.any()
    assert err.max() <= 1e-6 and err.min() > -1 / (1 - b), (err.min(), err.max())


def test_subtract_leak_equals_float(seed):
    """The subtractive leak is exact: integer raw values, no rounding, error 0 (2000 steps)."""
    rng = random.Random(seed)
    for amount in (0, 1, 7, 300):
        p = LifParams(width=20, in_width=12, threshold=smax(20), leak="subtract",
                      leak_amount=amount)
        xs = _subthreshold_inputs(rng, 2000, 600)
        _, v, sat = model.run_population(p, xs)
        vf, _ = float_lif(None, math.inf, xs, leak_amount=amount)
        assert not sat.any() and np.array_equal(v[:, 0], vf)


def _count(p, drive, T):
    return int(model.run_population(p, [drive] * T)[0].sum())


def _fcount(beta, p, drive, T):
    _, s = float_lif(beta, Fraction(p.threshold), [drive] * T, reset=p.reset,
                     v_reset=p.v_reset, refractory=p.refractory, num=Fraction)
    return int(s.sum())


@pytest.mark.parametrize("reset", ["zero", "to_v_reset", "subtract"])
@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_shift_leak_spike_count_bracket(k, reset):
    """Supra-threshold constant drive I, Q8.8, threshold 1.0, 400 steps, refractory 0 and 3:

        n_float(I) <= n_fix(I) <= n_float(I + 1 LSB)

    Reset zero / to v_reset (a proof): beta v + I <= v - (v >> k) + I < beta v + I + 1 and both
    maps are monotone, so from each restart the fixed membrane stays between the float
    membranes driven by I and I + 1, and each inter-spike interval lies between theirs.
    Reset by subtraction restarts nothing and has no such proof; the same bracket is the stated
    tolerance, and it held with no slack for every k 1..8 and every supra-threshold drive
    (1000 steps) when it was written.  The float reference runs in exact rationals."""
    beta = 1 - Fraction(1, 2 ** k)
    for refr in (0, 3):
        p = LifParams(threshold=256, leak="shift", leak_shift=k, reset=reset, v_reset=-40,
                      refractory=refr)
        lo_drive = 256 // 2 ** k + 1
        for drive in sorted({lo_drive, lo_drive + 3, 2 * lo_drive, 5 * lo_drive, 40, 100, 255}):
            if drive * 2 ** k <= 256:
                continue
            n = _count(p, drive, 400)
            assert _fcount(beta, p, drive, 400) <= n <= _fcount(beta, p, drive + 1, 400), \
                (k, drive, refr)


@pytest.mark.parametrize("beta", [128, 200, 240, 250])
def test_multiply_leak_spike_count_bracket(beta):
    """Multiplicative leak: beta v + I - 1 < floor(beta v) + I <= beta v + I, so
    n_float(I - 1) <= n_fix(I) <= n_float(I) (reset zero, Q8.8, threshold 1.0, 400 steps)."""
    b = Fraction(beta, 256)
    p = LifParams(threshold=256, leak="multiply", beta=beta, reset="zero")
    for drive in (int(256 * (1 - b)) + 2, 30, 64, 200):
        n = _count(p, drive, 400)
        assert _fcount(b, p, drive - 1, 400) <= n <= _fcount(b, p, drive, 400), (beta, drive)


# -- Params ----------------------------------------------------------------------------------------

def test_from_real_is_exact():
    p = LifParams.from_real(threshold=1.0, v_reset=-0.5, leak_amount=0.00390625, beta=0.9375,
                            leak="multiply")
    assert (p.threshold, p.v_reset, p.leak_amount, p.beta) == (256, -128, 1, 240)
    assert LifParams.from_real(width=12, frac_bits=4, threshold=2.5).threshold == 40
    with pytest.raises(QFormatError, match=r"LifParams.threshold = 1.3: allowed a value "
                                           r"exactly representable in Q8.8"):
        LifParams.from_real(threshold=1.3)
    with pytest.raises(QFormatError, match=r"LifParams.beta = 0.9: .*UQ0.8"):
        LifParams.from_real(beta=0.9)
    with pytest.raises(QFormatError, match=r"LifParams.beta = 1.0"):
        LifParams.from_real(beta=1.0)


test_bad_params_raise = bad_params_test(LifParams, [
    ({"width": 2}, "3..32"),
    ({"width": 33}, "3..32"),
    ({"in_width": 1}, "2..32"),
    ({"frac_bits": 16}, "0..15"),
    ({"threshold": 0}, "1..32767"),
    ({"width": 8, "frac_bits": 4, "threshold": 256}, ["LifParams.threshold = 256", "1..127"]),
    ({"leak": "exp"}, "'shift', 'subtract', 'multiply'"),
    ({"leak_shift": 0}, "1..15"),
    ({"leak_shift": 16}, "1..15"),
    ({"leak_amount": -1}, "0..32767"),
    ({"beta": 256}, "0..255"),
    ({"beta_frac": 4, "beta": 16}, ["LifParams.beta = 16", "0..15"]),
    ({"beta_frac": 17}, "1..16"),
    ({"reset": "hold"}, "'zero', 'subtract', 'to_v_reset'"),
    ({"v_reset": 256}, "-32768..255"),
    ({"width": 8, "frac_bits": 4, "threshold": 100, "v_reset": -129},
     ["LifParams.v_reset = -129", "-128..99"]),
    ({"refractory": 256}, "0..255"),
    ({"refractory": -1}, "0..255"),
    ({"threshold": 1.5}, "an integer"),
    ({"bias": 32768}, "-32768..32767"),
    ({"width": 8, "frac_bits": 4, "threshold": 100, "bias": -129},
     ["LifParams.bias = -129", "-128..127"]),
])


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="outside the 4-bit signed range -8..7"):
        model.run_population(LifParams(width=8, frac_bits=4, threshold=100, in_width=4),
                             [1, 8])


def test_random_configs_cover_corners():
    ps = [LifParams.random(random.Random(s)) for s in range(400)]
    assert {p.leak for p in ps} == set(model.LEAKS) and {p.reset for p in ps} == set(model.RESETS)
    assert {0, 1, 255} <= {p.refractory for p in ps}
    assert {3, 16} <= {p.width for p in ps} and max(p.width for p in ps) <= 16
    assert any(p.threshold == 1 for p in ps) and any(p.threshold == smax(p.width) for p in ps)
    assert any(p.beta == 0 for p in ps) and any(p.beta == (1 << p.beta_frac) - 1 for p in ps)
    assert any(p.v_reset == smin(p.width) for p in ps)
    assert any(p.bias == 0 for p in ps) and any(p.bias == smin(p.width) for p in ps)
    assert any(p.bias == smax(p.width) for p in ps) and any(0 < p.bias < 8 for p in ps)

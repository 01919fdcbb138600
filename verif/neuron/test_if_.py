# SPDX-License-Identifier: Apache-2.0
"""neuron.if_: converted Verilog vs the model over random configurations (both resets, tiny and
wide widths) and stimuli with saturation corners, idle and back-pressure on both streams,
status_sat, latency, mid-stream reset; the model against the real-valued IF equation
V(t) = V(t-1) + I(t) (spikeseg IFNeuron, mlxsnn/snnTorch 'if')."""
import importlib
import random

import numpy as np
import pytest

from neurohdl import QFormatError
from neurohdl.models.neuron._common import pack_out, smax, sticky, unpack_out
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, extremes_then_drive,
                                           negated_input_mutant, neuron_tests,
                                           scalar_equals_population, scalar_run)

model = importlib.import_module("neurohdl.models.neuron.if_")   # `if` is a keyword
IfParams = model.IfParams


def corners(p: IfParams, rng) -> list[int]:
    """The extreme inputs held for many steps (v clips both ways), silence, alternating
    extremes, then a long regular drive (regular spikes)."""
    return extremes_then_drive(p, min(smax(p.in_width), max(1, p.threshold // 5)))


# a reset returns v to 0 and clears status_sat; must-fail: a model
# fed -i (the first input is 1: v = 1 (or a spike) in the RTL, v = -1 without a spike there)
TESTS = neuron_tests(model, mutant=negated_input_mutant(model))
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)
latency_and_throughput = TESTS.throughput("latency_and_throughput", n=40)


# ---------------------------------------------------------------- pytest side -------------

# configurations 0..3 pin the Q8.8 default format (the extreme inputs saturate), each reset
# and the narrowest membrane; 4 and 5 are fully random
PINS = [{"width": 16, "in_width": 16, "frac_bits": 8}, {"reset": "zero"}, {"reset": "subtract"},
        {"width": 3}, {}, {}]

test_if_, test_if_verilator = core_tests("neuron.if_", PINS)


# -- model: scalar step vs population, hand-checked semantics ------------------------------------

def _scalar_run(p, xs):
    return scalar_run(model, p, xs)


def test_step_and_population_agree(seed):
    """step() on Python ints and run_population() on numpy agree bit for bit, per neuron."""
    scalar_equals_population(model, IfParams, random.Random(seed))


def test_by_hand():
    z = IfParams(width=8, in_width=8, frac_bits=4, threshold=20)
    assert _scalar_run(z, [19, 0, 1, 25, -5]) == [(0, 19, False), (0, 19, False),
                                                 (1, 0, False), (1, 0, False),
                                                 (0, -5, False)]
    s = z.replace(reset="subtract")
    assert _scalar_run(s, [19, 0, 1, 25, -5]) == [(0, 19, False), (0, 19, False),
                                                 (1, 0, False), (1, 5, False),
                                                 (0, 0, False)]
    # saturation: 100 + 100 clips to 127 (>= threshold: fires, subtract leaves 107);
    # -128 - 128 clips to -128 and never fires
    t = z.replace(threshold=120, reset="subtract")
    assert _scalar_run(t, [100, 100, -128, -128, -128]) == [
        (0, 100, False), (1, 7, True), (0, -121, False), (0, -128, True), (0, -128, True)]
    spikes, v, sat = model.run_population(t, [[100], [100], [-128], [-128]])
    assert sticky(sat)[:, 0].tolist() == [False, True, True, True]


def test_tdata_layout():
    p = IfParams(width=8, frac_bits=4, threshold=100)
    assert pack_out(8, 1, -2) == (0xFE << 1) | 1 and unpack_out(8, (0xFE << 1) | 1) == (1, -2)
    assert p.out_width == 9 and p.sum_width == 17


# -- model vs the real-valued equation -------------------------------------------------------------

def float_if(threshold, I, reset="zero"):
    """V(t) = V(t-1) + I(t) (spikeseg IFNeuron), spike V >= threshold, immediate reset; float."""
    v, vs, spikes = 0.0, [], []
    for i in I:
        v += float(i)
        s = int(v >= threshold)
        if s:
            v = 0.0 if reset == "zero" else v - threshold
        vs.append(v)
        spikes.append(s)
    return np.array(vs), np.array(spikes)


@pytest.mark.parametrize("reset", ["zero", "subtract"])
def test_equals_float_reference_without_saturation(reset, seed):
    """Integer IF is exact: without saturation the fixed-point membrane and spike train equal
    the real-valued equation's (error bound 0) over 2000 steps, random and constant drive."""
    rng = random.Random(seed)
    p = IfParams(width=20, in_width=12, threshold=rng.randint(50, 5000), reset=reset)
    for xs in ([rng.randint(-300, 600) for _ in range(2000)], [rng.randint(1, 900)] * 2000,
               [rng.randint(-2000, 2000) for _ in range(2000)]):
        spikes, v, sat = model.run_population(p, xs)
        vf, sf = float_if(p.threshold, xs, reset)
        if not sat.any():
            assert np.array_equal(v[:, 0], vf) and np.array_equal(spikes[:, 0], sf)


def test_spike_count_constant_drive():
    """Constant supra-threshold drive I, reset zero: one spike every ceil(theta / I) steps;
    the fixed-point count equals the float reference exactly (tolerance 0)."""
    p = IfParams.from_real(threshold=1.0)
    for drive in (1, 3, 26, 100, 255, 256, 1000):
        n = int(model.run_population(p, [drive] * 1000)[0].sum())
        assert n == int(float_if(256, [drive] * 1000)[1].sum()) == 1000 // -(-256 // drive)


# -- Params ----------------------------------------------------------------------------------------

def test_from_real_is_exact():
    assert IfParams.from_real(threshold=1.0).threshold == 256
    assert IfParams.from_real(width=10, frac_bits=2, threshold=0.75).threshold == 3
    with pytest.raises(QFormatError, match=r"IfParams.threshold = 0.1: allowed a value "
                                           r"exactly representable in Q8.8"):
        IfParams.from_real(threshold=0.1)


test_bad_params_raise = bad_params_test(IfParams, [
    ({"width": 2}, "3..32"),
    ({"width": 33}, "3..32"),
    ({"in_width": 1}, "2..32"),
    ({"in_width": 33}, "2..32"),
    ({"frac_bits": 16}, "0..15"),
    ({"threshold": 0}, "1..32767"),
    ({"threshold": -5}, "1..32767"),
    ({"width": 8, "frac_bits": 4, "threshold": 128}, ["IfParams.threshold = 128", "1..127"]),
    ({"reset": "to_v_reset"}, "'zero', 'subtract'"),
    ({"threshold": 1.0}, "an integer"),
])


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="outside the 4-bit signed range -8..7"):
        model.run_population(IfParams(in_width=4), [1, -9])


def test_random_configs_cover_corners():
    ps = [IfParams.random(random.Random(s)) for s in range(300)]
    assert {p.reset for p in ps} == set(model.RESETS)
    assert {3, 16} <= {p.width for p in ps} and {2, 16} <= {p.in_width for p in ps}
    assert any(p.threshold == 1 for p in ps) and any(p.threshold == smax(p.width) for p in ps)

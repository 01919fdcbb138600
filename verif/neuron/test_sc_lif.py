# SPDX-License-Identifier: Apache-2.0
"""neuron.sc_lif: converted Verilog vs the model over random configurations and stimuli (with
saturation corners), idle and back-pressure on both streams, status_sat compared beat by beat;
the model vs an independent transcription, its population form, and the real-valued LIF."""
from fractions import Fraction

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.neuron import sc_lif as model
from neurohdl.models.neuron.sc_lif import ScLifParams
from neurohdl.rtl.neuron.sc_lif import stimulus
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, neuron_tests,
                                           reference_test)


def corners(p: ScLifParams, rng) -> list[int]:
    """Max positive and max negative drive (gain, I_t, noise at their extremes) for many steps,
    with the leak at +max, -max and 0: the membrane saturates both ways."""
    lo, hi = -(1 << (p.width - 1)), (1 << (p.width - 1)) - 1
    beats = ([model.pack_in(p, hi, hi, hi, hi)] * 30 + [model.pack_in(p, hi, hi, lo, lo)] * 30
             + [model.pack_in(p, lo, lo, hi, lo)] * 20 + [model.pack_in(p, 0, lo, lo, hi)] * 20
             + [model.pack_in(p, lo, hi, hi, 0)] * 20)
    assert model.run(p, beats)[1][-1] == 1
    return beats


def mutant(p: ScLifParams, beats) -> ScLifParams:
    """A mutated model that differs from p on these beats: v_reset with its LSB flipped (differs
    at any spike), else the lowest threshold (every active step fires)."""
    want = model.run(p, beats)[0]
    for q in (p.replace(v_reset=p.v_reset ^ 1), p.replace(v_threshold=-(1 << (p.width - 1)))):
        if model.run(q, beats)[0] != want:
            return q
    raise AssertionError("no distinguishing mutation")


# a reset returns v to v_rest and clears the refractory count and status_sat
TESTS = neuron_tests(
    model, quiet_in_reset=True, run="run", stimulus=stimulus,
    encode=lambda p, beats: beats, n=150, reset_n=150, reset_before=60, reset_after=100,
    must_fail_stimulus=lambda p, rng, n: stimulus(p, rng, 80),
    mutant=lambda p, beats: model.run(mutant(p, beats), beats)[0])
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)


# ---------------------------------------------------------------- pytest side -------------

test_sc_lif, test_sc_lif_verilator = core_tests("neuron.sc_lif")


def reference(p: ScLifParams, fields):
    """Independent transcription: exact rationals, floor() for the shifts, min/max clipping."""
    one = 2 ** p.frac_bits
    lo, hi = -2 ** (p.width - 1), 2 ** (p.width - 1) - 1
    v, ref, sat, out = p.v_rest, 0, 0, []
    for lk, gk, i, nz in fields:
        if ref:
            ref, v, spk = ref - 1, p.v_reset, 0
        else:
            pre = (p.v_rest + (Fraction(lk * (v - p.v_rest), one).__floor__())
                   + (Fraction(gk * i, one).__floor__()) + nz)
            vs = min(max(pre, lo), hi)
            sat |= vs != pre
            spk = int(vs >= p.v_threshold)
            v, ref = (p.v_reset, p.refractory) if spk else (vs, 0)
        out.append((((v % 2 ** p.width) << 1) | spk, sat))
    return out


test_model_matches_reference_and_step = reference_test(
    model, ScLifParams, stimulus, 400, 25,
    reference=lambda p, beats: reference(p, [model.unpack_in(p, b) for b in beats]),
    word=lambda p, st, spk, v: int(model.pack_out(p, spk, v)), step_input=model.unpack_in,
    check=lambda p, beats: [model.pack_in(p, *model.unpack_in(p, b)) for b in beats] == beats)


def test_population_equals_scalar_steps():
    p = ScLifParams(width=12, frac_bits=6, v_rest=-10, v_reset=-40, v_threshold=200, refractory=3)
    rng = np.random.default_rng(3)
    T, N = 300, 12
    I = rng.integers(-400, 800, size=(T, N))
    I[:40, :3] = 2047                            # saturating on some neurons
    lk = rng.integers(0, 65, size=(1, N))        # per-neuron leak, constant in time
    gk = rng.integers(0, 80, size=(T, N))
    nz = rng.integers(-3, 4, size=(T, N))
    spikes, v, sat = model.run_population(p, I, lk, gk, nz)
    assert sat.any() and spikes.any()
    for n in range(N):
        st = model.initial_state(p)
        for t in range(T):
            st, got = model.step(p, st, (lk[0, n], gk[t, n], I[t, n], nz[t, n]))
            assert got == (spikes[t, n], v[t, n], sat[t, n])


def float_lif(p: ScLifParams, k: float, g: float, I, noise, threshold: float):
    """The real-valued recurrence v <- v_rest + k (v - v_rest) + g I + noise (raw LSB units),
    spike at v >= threshold, reset to v_reset, refractory steps held at v_reset."""
    v, ref, n, vs = float(p.v_rest), 0, 0, []
    for i, nz in zip(I, noise):
        if ref:
            ref, v = ref - 1, float(p.v_reset)
        else:
            v = p.v_rest + k * (v - p.v_rest) + g * i + nz
            if v >= threshold:
                n, v, ref = n + 1, float(p.v_reset), p.refractory
        vs.append(v)
    return n, np.array(vs)


@pytest.mark.parametrize("leak_k", [0, 128, 240, 250, 255])
def test_subthreshold_within_quantisation_bound(leak_k):
    """Below threshold the integer membrane lags the real LIF by 0 <= e < 2/(1 - k) LSB at
    every step (k = leak_k / 2^frac_bits; each of the two floors loses < 1 LSB): documented."""
    p = ScLifParams(v_threshold=(1 << 15) - 1)
    rng = np.random.default_rng(leak_k)
    T = 2000
    I = rng.integers(-3000, 6000, T)
    nz = rng.integers(-20, 21, T)
    gk = 16
    _, v, sat = model.run_population(p, I[:, None], leak_k, gk, nz[:, None])
    assert not sat.any()
    k = leak_k / 256
    _, vf = float_lif(p, k, gk / 256, I, nz, float("inf"))
    e = vf - v[:, 0]
    assert e.min() >= 0 and e.max() < 2 / (1 - k), (e.min(), e.max())


@pytest.mark.parametrize("leak_k", [200, 240, 250, 255])
@pytest.mark.parametrize("I_t", [300, 500, 1000, 2000, 5000])
def test_supra_threshold_spike_counts(leak_k, I_t):
    """Constant drive (gain_k = 16 = 0.0625, the seed's example; noise 0) for 1000 steps.  As the
    integer membrane lags the real one by less than B = 2/(1 - k) LSB, each integer interspike
    interval lies between the real LIF's at threshold v_th and at v_th + B, so the count n obeys
    n_real(v_th + B) - 1 <= n <= n_real(v_th) + 1 (documented tolerance)."""
    p = ScLifParams()                            # Q8.8, v_th = 1.0, refractory 2
    T, k, g = 1000, leak_k / 256, 16 / 256
    spikes, _, _ = model.run_population(p, np.full((T, 1), I_t), leak_k, 16)
    n = int(spikes.sum())
    I, z = [I_t] * T, [0] * T
    hi_n, _ = float_lif(p, k, g, I, z, p.v_threshold)
    lo_n, _ = float_lif(p, k, g, I, z, p.v_threshold + 2 / (1 - k))
    assert lo_n - 1 <= n <= hi_n + 1, (n, lo_n, hi_n)


def test_seed_example_settles_below_threshold():
    """The seed's example (leak_k 240 = 0.9375, gain_k 16 = 0.0625, I_t 100): drive 6 LSB a step,
    the membrane settles at 96 - (lag) < 1.0, no spike."""
    p = ScLifParams()
    spikes, v, _ = model.run_population(p, np.full((300, 1), 100), 240, 16)
    assert spikes.sum() == 0 and 64 <= v[-1, 0] <= 96


def test_from_real():
    p = ScLifParams.from_real(16, 8, v_rest=-0.5, v_reset=-1.0, v_threshold=1.25)
    assert (p.v_rest, p.v_reset, p.v_threshold) == (-128, -256, 320)
    with pytest.raises(ParamError, match=r"ScLifParams.v_threshold = 1.3: allowed values exact "
                                         r"in Q8.8 .*nearest 333/256"):
        ScLifParams.from_real(v_threshold=1.3)
    with pytest.raises(ParamError, match=r"ScLifParams.v_rest = 200.0: allowed values exact in "
                                         r"Q8.8 .*out of range"):
        ScLifParams.from_real(v_rest=200.0)


test_bad_params_raise = bad_params_test(ScLifParams, [
    ({"width": 3}, "4..24"),
    ({"width": 25}, "4..24"),
    ({"frac_bits": 16}, "0..15"),
    ({"v_threshold": 1 << 15}, "-32768..32767"),
    ({"width": 8, "frac_bits": 4, "v_threshold": 256}, ["ScLifParams.v_threshold = 256",
                                                        "-128..127"]),
    ({"v_rest": -40000}, "-32768..32767"),
    ({"v_reset": 1 << 15}, "-32768..32767"),
    ({"refractory": 1024}, "0..1023"),
    ({"refractory": -1}, "0..1023"),
    ({"frac_bits": 2.5}, "an integer"),
])

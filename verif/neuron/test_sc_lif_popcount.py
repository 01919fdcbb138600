# SPDX-License-Identifier: Apache-2.0
"""neuron.sc_lif_popcount: converted Verilog vs the model over random configurations, with idle
and back-pressure on both streams, status_sat compared beat by beat; model vs an independent
re-derivation and vs the continuous (float) leaky integrator."""

import numpy as np
import pytest

from neurohdl.fixed import bits_for
from neurohdl.models.neuron import sc_lif_popcount as model
from neurohdl.models.neuron.sc_lif_popcount import ScLifPopcountParams
from neurohdl.rtl.neuron.sc_lif_popcount import stimulus
from neurohdl.verif.common.scoreboard import expected
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, neuron_tests,
                                           reference_test)


def corners(p: ScLifPopcountParams, rng) -> list[int]:
    """All-ones words for many ticks (the largest membrane, saturating at narrow widths), then
    all-zero and one-hot words."""
    full = (1 << p.k) - 1
    return [full] * 60 + [0] * 20 + [1 << (p.k - 1)] * 20 + [full] * 40


def mutant(p: ScLifPopcountParams, words):
    """A model that ignores the top input bit (the first word after reset sets only that bit,
    so the first beat already differs)."""
    top = 1 << (p.k - 1)
    return model.run(p, [(w & (top - 1)) if p.k > 1 else w ^ 1 for w in words])[0]


def final_status(tb, words, got):
    """status_sat after the run is the model's last value."""
    want = expected([model.run(tb.p, words)[1][-1]], tb.seed)[0]
    assert int(tb.dut.status_sat.value) == want, tb.p


# a reset returns the membrane to 0 and clears status_sat
TESTS = neuron_tests(
    model, quiet_in_reset=True, run="run", stimulus=stimulus,
    encode=lambda p, words: words, n=150, reset_n=150, reset_before=60, reset_after=100,
    must_fail_stimulus=lambda p, rng, n: [1 << (p.k - 1)] + stimulus(p, rng, 60),
    mutant=mutant, check=final_status)
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)


# ---------------------------------------------------------------- pytest side -------------

test_sc_lif_popcount, test_sc_lif_popcount_verilator = core_tests("neuron.sc_lif_popcount")


def reference(k, shift, threshold, v_reset, width, words):
    """Independent plain-Python transcription of the contract (string popcount)."""
    v, out, sat = 0, [], False
    for w in words:
        pre = v // 2 ** shift + format(w, f"0{k}b")[-k:].count("1")
        if pre >= 2 ** width:
            pre, sat = 2 ** width - 1, True
        fire = pre > threshold
        v = v_reset if fire else pre
        out.append((2 * v + fire, int(sat)))
    return out


test_model_matches_reference_and_step = reference_test(
    model, ScLifPopcountParams, stimulus, 400, 30,
    reference=lambda p, words: reference(p.k, p.shift, p.threshold, p.v_reset, p.width, words),
    word=lambda p, st, spk, v: 2 * v + spk)


def test_population_equals_scalar_steps():
    p = ScLifPopcountParams(k=20, shift=0, threshold=25, v_reset=3, width=5)
    rng = np.random.default_rng(7)
    I = rng.integers(0, 1 << 20, size=(300, 16), dtype=np.uint64)
    I[:60, :4] = (1 << 20) - 1                   # saturating runs on some neurons
    spikes, v, sat = model.run_population(p, I)
    assert sat.any() and spikes.any()
    for n in range(16):
        st = model.initial_state(p)
        for t in range(300):
            st, (s_, v_, sat_) = model.step(p, st, int(I[t, n]))
            assert (s_, v_, sat_) == (spikes[t, n], v[t, n], sat[t, n])


@pytest.mark.parametrize("k, shift, thr, rst", [(1, 0, 0, 0), (64, 0, 1000, 999), (64, 1, 200, 5),
                                                (7, 3, 3, 40), (33, 16, 10, 0), (16, 1, 0, 0)])
def test_derived_width_never_saturates(k, shift, thr, rst):
    """The derived width holds every reachable value: all-ones, alternating and random words."""
    p = ScLifPopcountParams(k=k, shift=shift, threshold=thr, v_reset=rst)
    assert not p.can_saturate and p.width == model.min_width(k, shift, thr, rst)
    rng = np.random.default_rng(k)
    full = (1 << k) - 1
    I = np.concatenate([np.full((400, 1), full, dtype=np.uint64),
                        rng.integers(0, full, size=(400, 1), dtype=np.uint64, endpoint=True)])
    _, v, sat = model.run_population(p, I)
    assert not sat.any() and v.max() <= model.state_bound(k, shift, thr, rst)
    assert p.width >= bits_for(max(thr, rst))


def float_reference(c: float, shift: int, threshold: float, v_reset: float, T: int):
    """The continuous leaky integrator the neuron discretises: v <- v / 2^shift + c (reals),
    fire when v > threshold, v <- v_reset."""
    v, spikes, vs = 0.0, 0, []
    for _ in range(T):
        v = v / 2 ** shift + c
        if v > threshold:
            spikes, v = spikes + 1, v_reset
        vs.append(v)
    return spikes, np.array(vs)


@pytest.mark.parametrize("shift", [1, 2, 3, 5])
def test_subthreshold_within_quantisation_bound(shift):
    """Never firing, the integer membrane stays within 2^s/(2^s - 1) <= 2 LSB below the real
    leaky integrator (each floor drops < 1 LSB, shrunk by the leak every tick): documented."""
    k = 40
    p = ScLifPopcountParams(k=k, shift=shift, threshold=(1 << 20) - 1)
    rng = np.random.default_rng(shift)
    for c in (1, 7, 23, 40):
        words = [sum(1 << j for j in rng.choice(k, c, replace=False)) for _ in range(1000)]
        _, v, _ = model.run_population(p, np.array(words, dtype=np.uint64)[:, None])
        _, vf = float_reference(c, shift, float("inf"), 0.0, 1000)
        err = vf - v[:, 0]
        assert err.min() >= 0 and err.max() < 2 ** shift / (2 ** shift - 1)


@pytest.mark.parametrize("shift, thr", [(1, 20), (1, 50), (2, 12), (3, 9), (0, 100)])
def test_supra_threshold_spike_counts(shift, thr):
    """Constant popcount c for T = 1000 ticks.  The integer membrane lags the real integrator by
    less than B = 2^s/(2^s - 1) (0 without leak), so each integer interspike interval lies
    between the real one at threshold thr and at thr + B: the count n obeys
    n_real(thr + B) - 1 <= n <= n_real(thr) + 1 (documented tolerance; exact for shift 0)."""
    k, T = 32, 1000
    p = ScLifPopcountParams(k=k, shift=shift, threshold=thr)
    bound = 2 ** shift / (2 ** shift - 1) if shift else 0.0
    fired = 0
    for c in range(1, k + 1):
        spikes, _, _ = model.run_population(p, np.full((T, 1), (1 << c) - 1, dtype=np.uint64))
        hi_n, _ = float_reference(c, shift, thr, 0.0, T)
        lo_n, _ = float_reference(c, shift, thr + bound, 0.0, T)
        n = int(spikes.sum())
        assert lo_n - 1 <= n <= hi_n + 1, (c, n, lo_n, hi_n)
        if shift == 0:
            assert n == hi_n
        fired += n > 0
    assert fired >= 4


test_bad_params_raise = bad_params_test(ScLifPopcountParams, [
    ({"k": 0}, "1..64"),
    ({"k": 65}, "1..64"),
    ({"shift": 17}, "0..16"),
    ({"threshold": -1}, "0..1048575"),
    ({"v_reset": 1 << 20}, "0..1048575"),
    ({"width": 5}, ["ScLifPopcountParams.width = 5", "6..24", "threshold 32"]),
    ({"width": 25}, "1..24"),
    ({"k": "8"}, "an integer"),
])

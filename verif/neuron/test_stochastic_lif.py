# SPDX-License-Identifier: Apache-2.0
"""neuron.stochastic_lif: converted Verilog vs the model over random configurations and stimuli
(with saturation corners), idle and back-pressure on both streams, status_sat compared beat by
beat; the model vs an independent transcription, its population form, the LFSR, the noise
distribution and the real-valued (Euler-Maruyama) LIF."""

import numpy as np
import pytest

from neurohdl.models.neuron import stochastic_lif as model
from neurohdl.models.neuron.stochastic_lif import StochasticLifParams
from neurohdl.models.sc import lfsr
from neurohdl.rtl.neuron.stochastic_lif import stimulus
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, neuron_tests,
                                           reference_test)


def corners(p: StochasticLifParams, rng) -> list[int]:
    """Max positive then max negative input for many steps: the membrane saturates both ways
    (the threshold-noise compare runs at its extremes too)."""
    lo, hi = -(1 << (p.width - 1)), (1 << (p.width - 1)) - 1
    return [hi] * 40 + [lo] * 40 + [0] * 10 + [hi, lo] * 10 + [lo] * 20


def mutant(p: StochasticLifParams, xs):
    """The LFSR on the reciprocal polynomial (its state is part of every output beat)."""
    return model.run(p.replace(lfsr_taps=lfsr.reciprocal_taps(p.lfsr_taps, p.lfsr_width)), xs)[0]


# a reset returns v to v_rest and the LFSR to its seed and clears the refractory count and
# status_sat
TESTS = neuron_tests(
    model, quiet_in_reset=True, run="run", stimulus=stimulus,
    encode=lambda p, xs: [model.to_tdata(p, x) for x in xs], n=150, reset_n=150,
    reset_before=60, reset_after=100, must_fail_stimulus=lambda p, rng, n: stimulus(p, rng, 80),
    mutant=mutant)
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)


# ---------------------------------------------------------------- pytest side -------------

test_stochastic_lif, test_stochastic_lif_verilator = core_tests("neuron.stochastic_lif")


def reference(p: StochasticLifParams, xs):
    """Independent transcription: its own LFSR recurrence, floor division, min/max clipping."""
    lo, hi = -2 ** (p.width - 1), 2 ** (p.width - 1) - 1
    v, ref, s, sat, out = p.v_rest, 0, p.lfsr_seed, 0, []
    b = p.noise_bits
    for x in xs:
        n = (s % 2 ** b) - 2 ** (b - 1) if b else 0
        s = s // 2 ^ (p.lfsr_taps if s % 2 else 0)
        if ref:
            ref, v, spk = ref - 1, p.v_reset, 0
        else:
            pre = v - (v - p.v_rest) // 2 ** p.leak_shift + x
            theta = p.v_threshold
            if p.noise_on == "membrane":
                pre += n
            else:
                theta += n
            vs = min(max(pre, lo), hi)
            sat |= vs != pre
            spk = int(vs >= theta)
            v, ref = (p.v_reset, p.refractory) if spk else (vs, 0)
        out.append(((s << (p.width + 1)) | ((v % 2 ** p.width) << 1) | spk, sat))
    return out


test_model_matches_reference_and_step = reference_test(
    model, StochasticLifParams, stimulus, 400, 25, reference=reference,
    word=lambda p, st, spk, v: model.pack_out(p, [spk], [v], [st[2]])[0],
    check=lambda p, xs: [model.from_tdata(p, model.to_tdata(p, x)) for x in xs] == xs)


def test_population_equals_scalar_steps():
    """Per-neuron LFSR seeds; the threshold-noise variant too."""
    rng = np.random.default_rng(5)
    T, N = 300, 10
    for on in ("membrane", "threshold"):
        p = StochasticLifParams(width=10, frac_bits=5, v_rest=-8, v_reset=-20, v_threshold=40,
                                leak_shift=3, refractory=2, noise_on=on, noise_bits=5)
        I = rng.integers(-10, 20, size=(T, N))
        I[:30, :2] = -512                          # saturating on some neurons
        seeds = rng.integers(1, 1 << 16, N)
        spikes, v, sat = model.run_population(p, I, seeds)
        assert sat.any() and spikes.any()
        for n in range(N):
            st = model.initial_state(p, int(seeds[n]))
            for t in range(T):
                st, got = model.step(p, st, int(I[t, n]))
                assert got == (spikes[t, n], v[t, n], sat[t, n])


def test_lfsr_is_sc_lfsr():
    p = StochasticLifParams(lfsr_width=12, lfsr_seed=0x5A5)
    got = model.lfsr_states(p, 5000, [0x5A5, 1])
    assert (got[:, 0] == lfsr.run(p.lfsr(), 5001).astype(np.int64)).all()
    assert (got[:, 1] == lfsr.run(p.lfsr().replace(seed=1), 5001).astype(np.int64)).all()
    q = StochasticLifParams()
    assert q.lfsr_taps == 0xB400 and q.lfsr_seed == 0xACE1 and q.lfsr() == lfsr.LfsrParams()


@pytest.mark.parametrize("w, b", [(8, 1), (8, 3), (10, 4), (12, 7), (12, 11), (16, 6)])
def test_noise_distribution_exact(w, b):
    """Over one full LFSR period each value -2^(b-1)..2^(b-1)-1 appears 2^(w-b) times, except
    -2^(b-1) (low bits 0), which appears 2^(w-b) - 1 times; mean (2^(b-1) - 2^(w-1))/(2^w - 1)."""
    p = StochasticLifParams(lfsr_width=w, noise_bits=b, width=16)
    per = (1 << w) - 1
    n = model.noise(p, model.lfsr_states(p, per, [p.lfsr_seed])[:per, 0])
    vals, counts = np.unique(n, return_counts=True)
    assert vals.tolist() == list(range(-(1 << (b - 1)), 1 << (b - 1)))
    assert counts[0] == (1 << (w - b)) - 1 and (counts[1:] == 1 << (w - b)).all()
    assert n.sum() == (1 << (b - 1)) - (1 << (w - 1))
    if b >= 2 and p.lfsr_taps & ((2 << b) - 1) == 0:   # taps clear of the low b+1 bits:
        rho = np.corrcoef(n[:-1], n[1:])[0, 1]         # n_{t+1} ~ n_t / 2 + new bit, corr ~ 1/2
        assert 0.4 < rho < 0.6


def float_lif(p: StochasticLifParams, I, noise, threshold_shift: float = 0.0):
    """Real-valued Euler-Maruyama step of dv/dt = -(v - v_rest)/tau + R I + xi with
    dt/tau = 2^-leak_shift (raw LSB units), the same reset/refractory rules."""
    a = 2.0 ** -p.leak_shift
    v, ref, n, vs = float(p.v_rest), 0, 0, []
    for x, z in zip([float(x) for x in I], [float(z) for z in noise]):
        if ref:
            ref, v = ref - 1, float(p.v_reset)
        else:
            v = v - a * (v - p.v_rest) + x + (z if p.noise_on == "membrane" else 0)
            theta = p.v_threshold + (z if p.noise_on == "threshold" else 0) - threshold_shift
            if v >= theta:
                n, v, ref = n + 1, float(p.v_reset), p.refractory
        vs.append(v)
    return n, np.array(vs)


def _noise_seq(p, T):
    return model.noise(p, model.lfsr_states(p, T, [p.lfsr_seed])[:T, 0])


@pytest.mark.parametrize("k", [0, 1, 3, 4, 6])
def test_subthreshold_within_quantisation_bound(k):
    """Same inputs and noise samples, never firing: the integer membrane leads the real one by
    0 <= e < 2^k LSB at every step (exactly 0 for k = 0): documented."""
    p = StochasticLifParams(leak_shift=k, noise_bits=8, v_threshold=(1 << 15) - 1)
    T = 3000
    rng = np.random.default_rng(k)
    I = rng.integers(-40, 60, T)
    _, v, sat = model.run_population(p, I[:, None])
    assert not sat.any()
    _, vf = float_lif(p, I, _noise_seq(p, T))
    e = v[:, 0] - vf
    assert e.min() >= 0 and e.max() < 2 ** k, (e.min(), e.max())
    if k == 0:
        assert e.max() == 0


@pytest.mark.parametrize("on", ["membrane", "threshold"])
@pytest.mark.parametrize("b", [4, 6, 8])
def test_spike_counts_follow_real_model(on, b):
    """Constant drive around the threshold's equilibrium, T = 6000 steps, the same noise
    samples: the integer neuron's count lies between the real-valued model's at v_threshold and
    at v_threshold - 2^leak_shift (+-1), i.e. the statistics are the continuous model's with the
    threshold lowered by less than the quantisation lead (documented tolerance)."""
    p = StochasticLifParams(noise_on=on, noise_bits=b, leak_shift=4, refractory=2)
    T = 6000
    z = _noise_seq(p, T)
    for drive in (12, 15, 17, 20):
        spikes, _, _ = model.run_population(p, np.full((T, 1), drive))
        n = int(spikes.sum())
        lo_n, _ = float_lif(p, [drive] * T, z)
        hi_n, _ = float_lif(p, [drive] * T, z, 2 ** p.leak_shift)
        assert lo_n - 1 <= n <= hi_n + 1, (drive, n, lo_n, hi_n)


def test_noise_makes_subthreshold_drive_fire():
    """Drive whose noiseless equilibrium sits below threshold: no spike without noise, and
    more spikes the larger the noise amplitude (membrane noise)."""
    T = 5000
    counts = []
    for b in (0, 4, 6, 8):
        p = StochasticLifParams(noise_bits=b, leak_shift=4)
        spikes, _, _ = model.run_population(p, np.full((T, 1), 14))   # 14*16 = 224 < 256
        counts.append(int(spikes.sum()))
    assert counts[0] == 0 and counts[1] < counts[2] < counts[3], counts


test_bad_params_raise = bad_params_test(StochasticLifParams, [
    ({"width": 3}, "4..32"),
    ({"noise_on": "input"}, ["StochasticLifParams.noise_on = 'input'",
                             "one of 'membrane', 'threshold'"]),
    ({"noise_bits": 16}, "0..15"),
    ({"lfsr_width": 8, "noise_bits": 9}, ["StochasticLifParams.noise_bits = 9", "0..8"]),
    ({"lfsr_seed": 0}, "1..65535"),
    ({"lfsr_taps": 0x8001}, "maximal-length"),
    ({"lfsr_taps": 0x1234}, ["StochasticLifParams.lfsr_taps", "32768..65535"]),
    ({"leak_shift": 17}, "0..16"),
    ({"v_threshold": 40000}, "-32768..32767"),
    ({"width": 8, "frac_bits": 4, "v_threshold": 200}, ["StochasticLifParams.v_threshold = 200",
                                                   "-128..127"]),
    ({"refractory": 2000}, "0..1023"),
], absent=("allow_nonmaximal",))

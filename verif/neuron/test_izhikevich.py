# SPDX-License-Identifier: Apache-2.0
"""neuron.izhikevich: converted Verilog vs the model over random configurations and stimuli
(with saturation corners), idle and back-pressure on both streams, status_sat compared beat by
beat; the presets vs the float Izhikevich (2003) equations over 1 s of simulated time."""
from fractions import Fraction

import numpy as np
import pytest

from neurohdl.models.neuron import izhikevich as model
from neurohdl.models.neuron.izhikevich import PRESETS, IzhikevichParams
from neurohdl.rtl.neuron.izhikevich import stimulus, swidth, widths
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.neuron._shared import (bad_params_test, core_tests, neuron_tests,
                                           reference_test)


def corners(p: IzhikevichParams, rng) -> list[int]:
    """Alternating extreme inputs (u drifts and clips at small int_bits), the most negative
    input for many steps (v clips when dt = 1 ms), the most positive, then a normal current.
    With dt < 1 ms the input enters scaled by dt and v cannot clip (see the docs)."""
    lo, hi = -(1 << (p.width - 1)), (1 << (p.width - 1)) - 1
    xs = [lo, hi] * 40 + [lo] * 20 + [hi] * 20 + [10 << p.frac_bits] * 20 + [lo] * 10
    assert p.dt_shift != 0 or model.run(p, xs)[1][-1] == 1
    return xs


def mutant(p: IzhikevichParams, xs) -> IzhikevichParams:
    """A mutated model that differs from p on these inputs (b's LSB flipped changes u from the
    first beat on; a's and c's as fall-backs)."""
    want = model.run(p, xs)[0]
    for q in (p.replace(b=p.b ^ 1), p.replace(a=p.a ^ 1), p.replace(c=p.c ^ 1)):
        if model.run(q, xs)[0] != want:
            return q
    raise AssertionError("no distinguishing mutation")


# a reset returns (v, u) to (v_init, b v_init) and clears status_sat
TESTS = neuron_tests(
    model, quiet_in_reset=True, run="run", stimulus=stimulus,
    encode=lambda p, xs: [model.to_tdata(p, x) for x in xs], n=120,
    must_fail_stimulus=lambda p, rng, n: stimulus(p, rng, 60),
    mutant=lambda p, xs: model.run(mutant(p, xs), xs)[0])
stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \
    TESTS.standard(corners)


def below_rest(p: IzhikevichParams, rng=None) -> list[int]:
    """From rest, a negative current of 100 .. 3,000 mV for one step (v lands at about -130 to
    -900 mV, where 0.04 v^2 + 5 v is positive but small), then the most negative input for one
    step (the neuron does not fire: v falls far), then four steps of 0: the membrane below
    -125 mV without a spike, which the random and corner drives never give (they either fire
    from there or arrive far below).  Currents limited to the format's range."""
    lo, top_mv = -(1 << (p.width - 1)), (1 << (p.int_bits - 1)) - 1
    xs = []
    for a in range(100, 3100, 150):
        xs += [model.current(p, -min(a, top_mv)), lo, 0, 0, 0, 0]
    return xs


large_negative_membranes = TESTS.scenario("large_negative_membranes", below_rest,
                                          below_rest.__doc__)


# ---------------------------------------------------------------- pytest side -------------

test_izhikevich, test_izhikevich_verilator = core_tests("neuron.izhikevich")


def test_izhikevich_saturating(seed, tmp_path):
    """A configuration in which both v and u clip (regular spiking, dt = 1 ms, Q8.24: the
    alternating extremes that open the corner test drive u past +-128): the saturation logic and
    status_sat on the converted HDL."""
    p = IzhikevichParams(int_bits=8, frac_bits=24, dt_shift=0, preset="regular_spiking")
    lo, hi = -(1 << 31), (1 << 31) - 1
    _, v, sat, u = model.run_population(p, np.array([lo, hi] * 40)[:, None], with_u=True)
    assert sat.any() and ((u == lo) | (u == hi)).any() and (v == lo).any()
    check_core("neuron.izhikevich", seed, tmp_path, p=p)


def test_below_rest_reaches_large_negative_membranes():
    """At the defaults the ``large_negative_membranes`` drive puts v at -125 mV or below,
    where 0.04 v^2 + 5 v >= 0, with no spike on the step (at least 10 times in its 120)."""
    p = IzhikevichParams()
    F, xs = 1 << p.frac_bits, below_rest(p)
    spikes, v, _ = model.run_population(p, np.array(xs)[:, None])
    before = np.concatenate([[p.v_init], v[:-1, 0]]).astype(np.int64)
    quad = p.k004 * (before * before // F) // F + 5 * before
    hits = (before <= -125 * F) & (quad >= 0) & ~spikes[:, 0].astype(bool)
    assert hits.sum() >= 10


def reference(p: IzhikevichParams, xs, check_widths: bool = False):
    """Independent transcription with Python ints and floor division; optionally asserts that
    every intermediate lies inside the RTL's value ranges (rtl widths())."""
    F, dt = 2 ** p.frac_bits, 2 ** p.dt_shift
    lo, hi = -2 ** (p.width - 1), 2 ** (p.width - 1) - 1
    k004 = round(Fraction(4, 100) * F)
    w = widths(p) if check_widths else None
    v, u = p.v_init, (p.b * p.v_init) // F
    out, sat = [], 0
    for x in xs:
        t1 = k004 * (v * v // F) // F
        dv = t1 + 5 * v + 140 * F - u + x
        vn = v + dv // dt
        e = (p.b * v) // F - u
        un = u + (p.a * e) // F // dt
        if w:
            for name, val in (("dv", dv), ("vn", vn), ("e", e)):
                lo_, hi_ = w["ranges"][name]
                assert lo_ <= val <= hi_ and swidth(val, val) <= w[name], (name, val)
        spk = vn >= p.v_peak
        if spk:
            un += p.d
        if w:
            assert w["ranges"]["un"][0] <= un <= w["ranges"]["un"][1]
        u2 = min(max(un, lo), hi)
        v2 = p.c if spk else min(max(vn, lo), hi)
        sat |= (u2 != un) or (not spk and v2 != vn)
        v, u = v2, u2
        out.append((((u % 2 ** p.width) << (p.width + 1)) | ((v % 2 ** p.width) << 1) | spk,
                    int(sat)))
    return out


test_model_matches_reference_and_step = reference_test(
    model, IzhikevichParams, stimulus, 300, 20,
    reference=lambda p, xs: reference(p, xs, check_widths=True),
    word=lambda p, st, spk, v: model.pack_out(p, [spk], [v], [st[1]])[0])


def test_population_equals_scalar_steps():
    p = IzhikevichParams(preset="chattering", int_bits=12, frac_bits=16, dt_shift=0)
    rng = np.random.default_rng(11)
    T, N = 400, 8
    I = rng.integers(-2 << 16, 20 << 16, size=(T, N))
    I[:20, :2] = -(1 << 27)                      # saturating on some neurons
    spikes, v, sat, u = model.run_population(p, I, with_u=True)
    assert sat.any() and spikes.any()
    assert all(np.array_equal(a, b) for a, b in zip(model.run_population(p, I),
                                                    (spikes, v, sat)))
    for n in range(N):
        st = model.initial_state(p)
        for t in range(T):
            st, got = model.step(p, st, int(I[t, n]))
            assert got == (spikes[t, n], v[t, n], sat[t, n]) and st[1] == u[t, n]


def test_constants_and_quantisation_errors():
    p = IzhikevichParams()                       # Q16.16, regular spiking
    assert p.k004 == 2621 and p.a == 1311 and p.b == 13107 and p.k140 == 140 << 16
    assert (p.c, p.d, p.v_init, p.v_peak) == (-65 << 16, 8 << 16, -65 << 16, 30 << 16)
    assert p.quant_err["0.04"] == pytest.approx(-0.44 / 65536)
    assert p.quant_err["a"] == pytest.approx(0.28 / 65536)
    assert p.quant_err["b"] == pytest.approx(-0.2 / 65536)
    assert p.u_init == (13107 * (-65 << 16)) >> 16
    fs = IzhikevichParams(preset="fast_spiking")
    assert fs.a == 6554 and fs.quant_err["a"] == pytest.approx(0.4 / 65536)
    q88 = IzhikevichParams(int_bits=10, frac_bits=8)
    assert q88.k004 == 10 and q88.a == 5 and q88.b == 51


def float_izhikevich(a, b, c, d, I, dt, T, v0=-65.0, k004=0.04):
    """Izhikevich (2003) with explicit Euler (the core's step order), vectorised over I (N,):
    v' = k004 v^2 + 5v + 140 - u + I, u' = a(bv - u); v >= 30: v <- c, u <- u + d."""
    I = np.asarray(I, dtype=np.float64)
    v = np.full(I.shape, v0)
    u = b * v
    spikes = np.zeros((T,) + I.shape, dtype=bool)
    vs = np.zeros((T,) + I.shape)
    for t in range(T):
        dv = k004 * v * v + 5 * v + 140 - u + I
        du = a * (b * v - u)
        v, u = v + dt * dv, u + dt * du
        s = v >= 30
        v = np.where(s, c, v)
        u = np.where(s, u + d, u)
        spikes[t], vs[t] = s, v
    return spikes, vs


CURRENTS = [4, 7, 10, 15, 20]


@pytest.mark.parametrize("fmt", [(16, 16), (12, 20)])
@pytest.mark.parametrize("dt_shift", [0, 1, 2])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_match_float_reference(preset, dt_shift, fmt):
    """1 s of simulated time at constant I (10 as in the brief, and 4 .. 20): spike counts
    within max(2, 5 %) and first-spike times within 2 steps of the float equations at the same
    dt (documented tolerance, frac_bits >= 16)."""
    p = IzhikevichParams(preset=preset, dt_shift=dt_shift, int_bits=fmt[0], frac_bits=fmt[1])
    T = 1000 << dt_shift
    raw = [model.current(p, i) for i in CURRENTS]
    spikes, _, sat = model.run_population(p, np.tile(raw, (T, 1)))
    fs, _ = float_izhikevich(*PRESETS[preset], np.array(CURRENTS, float), 2.0 ** -dt_shift, T)
    assert not sat.any()
    for k, i in enumerate(CURRENTS):
        n, nf = int(spikes[:, k].sum()), int(fs[:, k].sum())
        assert nf > 0 and abs(n - nf) <= max(2, 0.05 * nf), (i, n, nf)
        t1, tf = np.flatnonzero(spikes[:, k])[0], np.flatnonzero(fs[:, k])[0]
        assert abs(int(t1) - int(tf)) <= 2, (i, t1, tf)


def _isis(spikes):
    return np.diff(np.flatnonzero(spikes)) * 0.5      # ms at dt = 0.5 ms


def test_preset_behaviours():
    """At I = 10 (dt 0.5 ms, Q16.16): RS adapts to a regular rate, FS fires fastest without
    adaptation, CH fires in bursts (short and long ISIs), IB starts with a burst then fires
    tonically."""
    T = 2000
    isi = {}
    for name in PRESETS:
        p = IzhikevichParams(preset=name)
        s, _, _ = model.run_population(p, np.full((T, 1), model.current(p, 10)))
        isi[name] = _isis(s[:, 0])
    rs, fs, ch, ib = (isi[k] for k in PRESETS)
    assert len(fs) > len(ch) > len(ib) > len(rs)
    assert rs[0] < rs[-1] and np.ptp(rs[3:]) <= 1.0               # adaptation, then regular
    assert np.ptp(fs[3:]) <= 1.0                                  # fast, regular
    assert ch.min() < 0.25 * ch.max()                             # bursts
    assert ib[:2].max() < 0.25 * ib[3:].min() and np.ptp(ib[4:]) <= 1.0


@pytest.mark.parametrize("preset", list(PRESETS))
def test_subthreshold_within_quantisation_bound(preset):
    """I in {0, 2, 3} (below rheobase) for 1 s at dt 1, 1/2, 1/4 ms, Q16.16.  Against the float
    equations with the same (rounded) constants the floors leave |dv| <= 500 LSB and
    |du| <= 100 LSB; against the exact constants (0.04, a, b) |dv| <= 0.15 mV and
    |du| <= 0.02 (the rounding of 0.04 dominates): documented bounds."""
    for dt_shift in (0, 1, 2):
        p = IzhikevichParams(preset=preset, dt_shift=dt_shift)
        S, T = 65536.0, 1000 << dt_shift
        raw = [model.current(p, i) for i in (0, 2, 3)]
        s, v, _, u = model.run_population(p, np.tile(raw, (T, 1)), with_u=True)
        assert not s.any()
        a, b, c, d = PRESETS[preset]
        _, vq = float_izhikevich(p.a / S, p.b / S, c, d, np.array(raw) / S, 2.0 ** -dt_shift, T,
                                 k004=p.k004 / S)
        _, vf = float_izhikevich(a, b, c, d, np.array(raw) / S, 2.0 ** -dt_shift, T)
        assert np.abs(v / S - vq).max() * S <= 500
        assert np.abs(v / S - vf).max() <= 0.15


def test_saturation_observable():
    p = IzhikevichParams(dt_shift=0)
    lo = -(1 << 31)
    tdata, sats = model.run(p, [lo] * 5 + [0] * 5)
    assert sats[0] == 1 and all(sats)                         # v clipped at -32768 mV
    assert (tdata[0] >> 1) & 0xFFFFFFFF == 0x80000000
    _, sats = model.run(p, [10 << 16] * 2000)
    assert not any(sats)                                       # normal drive never clips


test_bad_params_raise = bad_params_test(IzhikevichParams, [
    ({"int_bits": 7}, "8..24"),
    ({"frac_bits": 25}, "8..24"),
    ({"int_bits": 16, "frac_bits": 20}, ["IzhikevichParams.frac_bits = 20", "8..16",
                                         "int_bits + frac_bits <= 32"]),
    ({"dt_shift": 7}, "0..6"),
    ({"preset": "tonic_bursting"}, ["IzhikevichParams.preset = 'tonic_bursting'",
                                    "one of 'regular_spiking'"]),
    ({"a": 4 << 16}, "-262144..262143"),
    ({"c": 1 << 31}, "-2147483648..2147483647"),
    ({"int_bits": 8, "frac_bits": 8, "v_peak": 128 << 8}, ["IzhikevichParams.v_peak = 32768",
                                                           "-32768..32767"]),
    ({"frac_bits": 16.0}, "an integer"),
])


def test_preset_constant_not_representable():
    """c = -65 mV needs int_bits >= 8 (the minimum); a custom raw value is accepted as is."""
    p = IzhikevichParams(int_bits=8, frac_bits=8)
    assert p.c == -65 << 8
    q = IzhikevichParams(a=1000, b=-13107, c=-70 << 16, d=1 << 16)
    assert (q.a, q.b) == (1000, -13107) and "a" not in q.quant_err

# SPDX-License-Identifier: Apache-2.0
"""What the neuron cores' test files share, so that each file holds only what is particular to
its neuron:

* cocotb side: :func:`neuron_tests` -- :class:`NeuronTests` (the shared testbench's
  StandardTests with the one-in, one-out neuron settings, ``tb.neuron_settings``) whose
  :meth:`NeuronTests.standard` registers the four tests every neuron runs::

      TESTS = neuron_tests(model, mutant=...)
      stream_matches_model, saturation_corners, reset_mid_stream, scoreboard_must_fail = \\
          TESTS.standard(corners)

* pytest side: :func:`core_tests` (the core's cocotb suite over pinned and random
  configurations, and once on Verilator), :func:`bad_params_test` (each bad Params raises a
  ParamError naming the field, the value and the allowed range), :func:`scalar_run` and
  :func:`step_equals_population` (a model's scalar ``step()`` against its numpy population form).
"""
from __future__ import annotations

import random
import sys
from typing import Callable

import numpy as np
import pytest

from neurohdl.models.neuron._common import smax, smin, sticky, stimulus, unpack_out
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common import tb
from neurohdl.verif.common.tb import StandardTests, neuron_settings


# ---------------------------------------------------------------- cocotb side -------------

class NeuronTests(StandardTests):
    """StandardTests of a neuron core (``s_in`` -> ``m_out`` + ``status_sat``)."""

    def standard(self, corners: Callable, corners_name: str = "saturation_corners"):
        """The four tests every neuron core runs, in this order: model match over every idle x
        back-pressure pair, the ``corners(p, rng)`` scenario (named ``corners_name``, its
        docstring the test's), reset mid-stream, the scoreboard's must-fail."""
        return (self.model_match(), self.scenario(corners_name, corners, corners.__doc__),
                self.reset_mid_stream(), self.must_fail())


def neuron_tests(model, *, run: str = "run_tdata", **overrides) -> NeuronTests:
    """:class:`NeuronTests` for the neuron ``model`` module, registered in the caller's test
    module.  ``run``: the model function ``(p, inputs) -> (m_out words, status_sat per beat)``
    (``run_tdata`` or ``run``); ``overrides``: other StandardTests settings.  Every neuron core
    is one slot deep (its state and spike are the output register: ``s_in_tready =
    !m_out_tvalid || m_out_tready``), so the bench checks the ready rule (``ready_rule``: an
    empty slot takes a beat whatever the sink does); a core whose ready is also low in reset
    passes ``quiet_in_reset=True``."""
    overrides.setdefault("ready_rule", True)
    if run != "run_tdata":
        fn = getattr(model, run)
        overrides = dict(model=lambda p, xs: fn(p, xs)[0],
                         flags=lambda p, xs: {"status_sat": fn(p, xs)[1]}, **overrides)
    return NeuronTests(**neuron_settings(model, **overrides),
                       module=sys._getframe(1).f_globals["__name__"])


# ---------------------------------------------------------------- pytest side -------------

def _set_args(pin: dict, prefix: str = "") -> list[str]:
    """``--set`` arguments of a (nested) pin mapping: dotted names."""
    return [a for k, v in pin.items() for a in (
        _set_args(v, f"{prefix}{k}.") if isinstance(v, dict) else [f"--set {prefix}{k}={v}"])]


def core_tests(core: str, pins: list[dict] | None = None, verilator=None):
    """Two pytest tests of ``core``: its cocotb suite on Icarus over ``len(pins)``
    configurations (``pins[i]`` fixes fields of configuration i, the rest random from the seed;
    default six fully random) and once on Verilator (rotated) with the fields ``verilator``
    fixed (a mapping, or a function of the seed giving one)."""
    pins = pins if pins is not None else [{}] * 6
    configs = len(pins)

    @pytest.mark.parametrize("i", range(configs))
    def icarus(i, seed, tmp_path):
        p = params_for(core, seed, **pins[i])
        if pins[i]:
            print(f"[config] pinned: replay with `neurohdl sim {core} --seed {seed} "
                  + " ".join(_set_args(pins[i])) + "`")
        check_core(core, seed, tmp_path, p=p)

    def on_verilator(seed, tmp_path):
        fixed = verilator(seed) if callable(verilator) else verilator or {}
        check_core(core, seed, tmp_path, sim="verilator", p=params_for(core, seed, **fixed))

    return icarus, on_verilator


def bad_params_test(cls, cases, absent: tuple[str, ...] = ()):
    """``tb.bad_params_test`` (``cls(**kw)`` raises a ParamError whose text holds each of
    ``words`` and none of ``absent``), where ``words`` may also be a single string for a
    one-field ``kw``: the text then holds ``<cls>.<field> = <value!r>`` and that string (the
    allowed range), e.g. ``({"width": 2}, "3..32")``."""
    def words_of(kw, words):
        if not isinstance(words, str):
            return list(words)
        (field, value), = kw.items()
        return [f"{cls.__name__}.{field} = {value!r}", words]

    return tb.bad_params_test(cls, [(kw, words_of(kw, w)) for kw, w in cases], absent)


def scalar_run(model, p, xs) -> list[tuple]:
    """``model.step`` from ``model.init(p)`` over ``xs``: its output tuple a step."""
    st, out = model.init(p), []
    for x in xs:
        st, o = model.step(p, st, x)
        out.append(o)
    return out


def scalar_equals_population(model, params_cls, rng, silent: bool = False):
    """A neuron whose ``run_population`` gives (spikes, v, sat): ``step()`` on Python ints and
    the numpy population agree bit for bit, per neuron, over 25 random configurations and
    inputs with saturation corners (5 neurons, 150 steps); ``run_tdata`` packs the same spike
    and membrane, its status the sticky saturation.  ``silent``: the spike bit is always 0."""
    for _ in range(25):
        p = params_cls.random(rng)
        T, N = 150, 5
        I = np.array([stimulus(p, rng, T) for _ in range(N)], dtype=np.int64).T
        spikes, v, sat = model.run_population(p, I)
        assert not (silent and spikes.any()), p
        for n in range(N):
            ref = scalar_run(model, p, I[:, n].tolist())
            assert [o[0] for o in ref] == ([0] * T if silent else spikes[:, n].tolist()), p
            assert [o[1] for o in ref] == v[:, n].tolist(), p
            assert [o[2] for o in ref] == sat[:, n].tolist(), p
        tdata, st = model.run_tdata(p, I[:, 0])
        s0, v0 = unpack_out(p.width, tdata)
        assert s0.tolist() == spikes[:, 0].tolist() and v0.tolist() == v[:, 0].tolist()
        assert st.tolist() == sticky(sat[:, 0]).tolist()


def step_equals_population(model, p, I, state: Callable[[object], dict]):
    """A neuron with ``run_population_states``: its population states agree with
    ``run_population`` and, neuron by neuron and step by step, with the scalar ``step()``
    (spike, v, sat, and every state variable ``state(st)`` names: ``{population key: value}``);
    the sticky status of ``run_tdata`` on neuron 0 is the accumulated saturation.  ``I``:
    (T, N) inputs, or (T, N, k) for a neuron with k input channels.  Returns (pop, spikes, v,
    sat) for the core's own tdata checks."""
    pop = model.run_population_states(p, I)
    spikes, v, sat = model.run_population(p, I)
    assert np.array_equal(spikes, pop["spike"]) and np.array_equal(v, pop["v"])
    for n in range(I.shape[1]):
        st = model.init(p)
        for t in range(I.shape[0]):
            x = I[t, n]
            st, out = model.step(p, st, tuple(int(c) for c in x) if np.ndim(x) else int(x))
            assert out == (spikes[t, n], v[t, n], sat[t, n]), (p, n, t)
            assert {k: pop[k][t, n] for k in state(st)} == state(st), (p, n, t)
    _, status = model.run_tdata(p, I[:, 0])
    assert np.array_equal(status, np.logical_or.accumulate(sat[:, 0]))
    return pop, spikes, v, sat


def reference_test(model, params_cls, stimulus: Callable, n: int, configs: int, *,
                   reference: Callable, word: Callable, step_input: Callable | None = None,
                   check: Callable | None = None):
    """A pytest test over ``configs`` random configurations (configuration i from
    ``random.Random(i)``) of a neuron whose ``model.run(p, inputs)`` gives (tdata words, sticky
    status_sat): on ``stimulus(p, rng, n)`` it equals ``reference(p, inputs)`` (an independent
    transcription: [(tdata, sticky sat)]), and ``model.step`` from ``model.initial_state(p)``
    (its input ``step_input(p, x)``, default ``x``) gives each beat: ``word(p, state, spike,
    v)`` and the saturation accumulated.  ``check(p, inputs)``: a further property that must
    hold (true)."""
    @pytest.mark.parametrize("cfg", range(configs))
    def test(cfg):
        r = random.Random(cfg)
        p = params_cls.random(r)
        xs = stimulus(p, r, n)
        tdata, sats = model.run(p, xs)
        assert list(zip(tdata, sats)) == reference(p, xs), p
        st, acc = model.initial_state(p), 0
        for x, d, s in zip(xs, tdata, sats):
            st, (spk, v, sat) = model.step(p, st, step_input(p, x) if step_input else x)
            acc |= sat
            assert (word(p, st, spk, v), acc) == (d, s), p
        assert check is None or check(p, xs), p

    return test


def extremes_then_drive(p, drive: int) -> list[int]:
    """Corner inputs of a one-input integrator: the largest input held 40 steps, silence, the
    smallest held 40 steps, alternating extremes, then ``drive`` for 50 steps."""
    lo, hi = smin(p.in_width), smax(p.in_width)
    return [hi] * 40 + [0] * 8 + [lo] * 40 + [hi, lo] * 6 + [drive] * 50


def negated_input_mutant(model) -> Callable:
    """A plausibly wrong model: ``model.run_tdata`` fed -i (clipped to the input range), with
    the constant input ``bias`` negated too where the Params have one (clipped to its range), so
    a bias cannot hide the negation."""
    def wrong(p, xs):
        q = p.replace(bias=min(-p.bias, smax(p.width))) if getattr(p, "bias", 0) else p
        return model.run_tdata(q, [min(-x, smax(p.in_width)) for x in xs])[0]
    return wrong

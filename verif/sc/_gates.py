# SPDX-License-Identifier: Apache-2.0
"""What the SC gate tests share: the cocotb tests of every two-input gate (the seven cores on
rtl_py/sc/_gate.py), the pytest-side checks of the five stateless ones (sc.and_mul,
sc.or_add, sc.sub, sc.xnor_mul, sc.xor_absdiff): the model against the gate's truth table, its
empty Params, its input errors, and the operand pairs, grid and error bounds of the arithmetic
tests; and for any SC core: segment stimulus, the LFSR fields' Params errors, the FSM model
check and the stochastic cross-correlation written out from its definition."""
import random
import sys

import numpy as np
import pytest

from neurohdl import ParamError
from neurohdl.models.sc import _gate as gm
from neurohdl.verif.common.tb import StandardTests, core_tests


def cocotb_tests(model, mutant, stimulus=None, module=None):
    """A gate's cocotb tests, for its module's ``stream_matches_model, full_throughput,
    reset_mid_stream, scoreboard_must_fail``: model match (``model.run_beats``) over idle x
    back-pressure, full throughput at latency 1, reset mid-stream (s_ab_tready and m_y_tvalid
    low while rst is high: the shared register's ``!rst`` terms), and the must-fail against
    ``mutant(p, beats)``; in every one, s_ab_tready high whenever m_y_tvalid is low (the one
    output register's ready rule).  ``stimulus(p, rng, n)``: default ``gm.random_beats``;
    ``module``: the test module (default the caller's)."""
    tests = StandardTests(model=model.run_beats, quiet_in_reset=True, ready_rule=True,
                          mutant=mutant,
                          stimulus=stimulus or (lambda p, rng, n: gm.random_beats(rng, n)),
                          module=module or sys._getframe(1).f_globals["__name__"])
    return tests.model_match(), tests.throughput(), tests.reset_mid_stream(), tests.must_fail()


def gate_tests(core: str, model, cls, truth: dict, mutant) -> dict:
    """Every shared test of a stateless gate, by the name its module binds it to (the module
    does ``globals().update(gate_tests(...))``): the cocotb tests of :func:`cocotb_tests`
    (must-fail against ``mutant(p, beats)``), the suite on Icarus and Verilator
    (``test_<gate>``, ``test_<gate>_verilator``: tb.core_tests) and the model checks of
    :func:`model_tests` against ``truth``."""
    gate = core.split(".")[1]
    module = sys._getframe(1).f_globals["__name__"]
    names = ("stream_matches_model", "full_throughput", "reset_mid_stream",
             "scoreboard_must_fail", f"test_{gate}", f"test_{gate}_verilator",
             "test_model_matches_truth_table", "test_params", "test_bad_inputs_raise")
    tests = (*cocotb_tests(model, mutant, module=module), *core_tests(core),
             *model_tests(model, cls, truth))
    return dict(zip(names, tests))


#: malformed (a, b) inputs and the words of the error each must raise
BAD_INPUTS = [
    ([0, 2], [1, 1], "a_bits: allowed 0/1"),
    ([0, 1], [1, -1], "b_bits: allowed 0/1"),
    ([0.5], [1], "a_bits: allowed 0/1"),
    ([0, 1], [1], "allowed two 1-D arrays of equal length"),
]


def model_tests(model, cls, truth: dict):
    """The pytest checks of a stateless gate's model, for its module's
    ``test_model_matches_truth_table, test_params, test_bad_inputs_raise``: run, run_beats and
    step against ``truth`` ({(a, b): y}) written out beat by beat; no parameters (defaults,
    random and from_dict agree, any name refused); malformed inputs (:data:`BAD_INPUTS`)."""

    def test_model_matches_truth_table(seed):
        beats = gm.random_beats(random.Random(seed), 500)
        a, b = gm.split(beats)
        want = [truth[(int(x), int(y))] for x, y in zip(a, b)]
        p = cls()
        assert model.run(p, a, b).tolist() == want
        assert model.run_beats(p, beats).tolist() == want
        assert [model.step(p, None, ab)[1] for ab in beats] == want
        assert gm.pack(a, b).tolist() == beats

    def test_params():
        p = cls()
        assert p.to_dict() == {} and cls.random(random.Random(1)) == p
        assert cls.from_dict({}) == p
        with pytest.raises(ParamError, match=rf"{cls.__name__}.width: no such parameter"):
            cls.from_dict({"width": 8})

    @pytest.mark.parametrize("a, b, words", BAD_INPUTS)
    def test_bad_inputs_raise(a, b, words):
        with pytest.raises(ValueError, match=words):
            model.run(cls(), a, b)
        with pytest.raises(ValueError, match="allowed 2-bit beats"):
            model.run_beats(cls(), [0, 4])

    return test_model_matches_truth_table, test_params, test_bad_inputs_raise


# -- arithmetic -------------------------------------------------------------------------------
# Streams: 12-bit comparator SNGs (gm.streams), N = 4096 >= one LFSR period, so each input is
# exact to 1/N.  On independent streams the tolerance per pair is |e| <= K_SIGMA (sigma + 1/N),
# sigma = sqrt(q (1 - q) / N) the std of a random (Bernoulli) stream of the ideal q, 1/N the
# count quantum (a random stream exceeds 4 sigma with probability 6e-5); on correlated streams
# the counts follow bit for bit, so the bound is 1/N.
N = 4096
K_SIGMA = 4.0


def pairs(seed, n=300, width=12, corners=None):
    """``n`` operand pairs of ``width`` bits: the corners first, then uniform."""
    r = np.random.default_rng(seed)
    top = (1 << width) - 1
    xs = r.integers(0, top + 1, size=(n, 2))
    corners = corners or [(0, top), (top, 0), (1, top), (top, top), (top, 2), (2, 2),
                          (top // 2, top // 2), (top, top // 3)]
    xs[:len(corners)] = corners
    return xs


def grid():
    """Every 5th 12-bit input value and the top one: 820 x 820 pairs."""
    return np.unique(np.r_[np.arange(0, 4096, 5), 4095])


def ideal(x):
    """The probability a 12-bit comparator SNG encodes for input x (x - 1 ones of 4095)."""
    return np.maximum(x.astype(np.float64) - 1, 0) / 4095


def sigma_bound(q):
    """The independent-stream tolerance K_SIGMA (sigma + 1/N) of an ideal probability q."""
    return K_SIGMA * (np.sqrt(q * (1 - q) / N) + 1 / N)


def check_random_stream_error(model, p, seed, relation="independent", each=None, xs=None):
    """Over the operand pairs ``xs`` (default :func:`pairs`) on ``relation`` streams: every
    output within :func:`sigma_bound` of ``model.expected_probability``, and the RMSE within the
    random-stream RMSE; ``each(pa, pb, got, sigma)``: an extra check a pair."""
    errs, sig = [], []
    for xa, xb in (pairs(seed) if xs is None else xs):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, relation)
        q = model.expected_probability(p, pa, pb)
        got = float(model.run(p, a, b).mean())
        s = np.sqrt(q * (1 - q) / N)
        assert abs(got - q) <= K_SIGMA * (s + 1 / N), (int(xa), int(xb), got - q, s)
        if each is not None:
            each(pa, pb, got, s)
        errs.append(got - q)
        sig.append(s)
    rmse, bound = float(np.sqrt(np.mean(np.square(errs)))), float(np.sqrt(np.mean(np.square(sig))))
    assert rmse <= bound, f"RMSE {rmse:.4f} above the random-stream RMSE {bound:.4f}"


def check_exact_counts(model, p, seed, relation, count, correlation=None):
    """Over :func:`pairs` on correlated (``relation``) streams: the output count is
    ``count(na, nb)`` of the input counts bit for bit, and its mean within 1/N of
    ``model.expected_probability`` (for ``correlation``, when the model takes one)."""
    extra = () if correlation is None else (correlation,)
    for xa, xb in pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, relation)
        y = model.run(p, a, b)
        assert int(y.sum()) == count(int(a.sum()), int(b.sum())), (int(xa), int(xb))
        q = model.expected_probability(p, pa, pb, *extra)
        assert abs(float(y.mean()) - q) <= 1 / N + 1e-12, (int(xa), int(xb))


def check_grid(model, p, relation, count, q, bound=lambda q: 1 / N + 1e-12):
    """672,400 pairs (the :func:`grid`) at once: ``count(n11, na, nb)`` from the cumulated 2-D
    histogram of the two random-number sequences (gm.grid_counts; na a column, nb a row) within
    ``bound(q)`` (default 1/N) of ``q(pa, pb)`` at the ideal probabilities; cross-checked
    against model.run for one pair."""
    g = grid()
    n11, na, nb = gm.grid_counts(g, N, relation)
    c = count(n11, na[:, None], nb[None, :])
    want = q(ideal(g)[:, None], ideal(g)[None, :])
    assert np.all(np.abs(c / N - want) <= bound(want))
    a, b, _, _ = gm.streams(int(g[100]), int(g[500]), N, relation)
    assert c[100, 500] == model.run(p, a, b).sum()


# -- any SC core ------------------------------------------------------------------------------

def segments(rng, n: int, longest: int, randoms: int = 1) -> list[int]:
    """``n`` bits in segments of 1 .. ``longest`` beats, each of density 0, 1, 1/2 or one of
    ``randoms`` uniform draws."""
    bits: list[int] = []
    while len(bits) < n:
        d = rng.choice([0.0, 1.0, 0.5] + [rng.random() for _ in range(randoms)])
        bits += [int(rng.random() < d) for _ in range(rng.randint(1, longest))]
    return bits[:n]


def lfsr_field_cases(cls, width_field: str | None = "width") -> list:
    """bad_params_test cases of a Params class with ``lfsr_seed``/``lfsr_taps`` fields (the
    LFSR rules of sc.lfsr, named by the owner's fields); ``width_field``: its width field, if
    any (a seed too wide for 8 bits)."""
    name = cls.__name__
    cases = [({"lfsr_seed": 0}, [f"{name}.lfsr_seed = 0", "1..65535"]),
             ({"lfsr_taps": 0x1234}, [f"{name}.lfsr_taps", "32768..65535"]),
             ({"lfsr_taps": 0x8001}, [f"{name}.lfsr_taps = 32769 (0x8001)",
                                      "maximal-length mask", "width 16"])]
    if width_field:
        cases.append(({width_field: 8, "lfsr_seed": 256}, [f"{name}.lfsr_seed = 256", "1..255"]))
    return cases


def check_walk_model(model, p, reference, seed):
    """A saturating-counter FSM model (sc.fsm_tanh, sc.fsm_exp) against ``reference(bits)``
    (a plain-Python re-derivation from the reset state) on 4 random streams, two of which run
    into the top and the bottom: run on all rows at once and row by row, step from
    ``p.reset_state``, and run resuming with ``return_state``."""
    rng = np.random.default_rng(seed)
    bits = (rng.random((4, 3000)) < rng.random((4, 1))).astype(np.uint8)
    bits[0, :600] = 1                               # run into the top ...
    bits[1, :600] = 0                               # ... and the bottom
    y = model.run(p, bits)
    for row, yr in zip(bits, y):
        assert yr.tolist() == reference(row.tolist())
        assert model.run(p, row).tolist() == yr.tolist()
    s, out = p.reset_state, []
    for b in bits[2, :500]:
        s, o = model.step(p, s, b)
        out.append(o)
    assert out == y[2, :500].tolist()
    y2, last = model.run(p, bits[2, :500], return_state=True)
    assert last == s and y2.tolist() == out


def scc(a, b) -> float:
    """Stochastic cross-correlation (Alaghi & Hayes 2013), written out from the definition (not
    the model's ``bitstream.scc``)."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    n = len(a)
    pa, pb, pab = a.mean(), b.mean(), (a & b).mean()
    num = pab - pa * pb
    den = (min(pa, pb) - pa * pb) if num > 0 else (pa * pb - max(pa + pb - 1, 0))
    return float(num / den) if den > 1.0 / n else 0.0

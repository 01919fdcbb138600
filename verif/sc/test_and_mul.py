# SPDX-License-Identifier: Apache-2.0
"""sc.and_mul: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the multiplication at N = 4096 on independent
LFSR streams."""

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import and_mul as model
from neurohdl.models.sc.and_mul import AndMulParams
from neurohdl.verif.common.runner import check_core, run_mutant
from neurohdl.verif.sc import _gates as gates


# must-fail: OR for AND: beats 1 and 2 differ
stream_matches_model, full_throughput, reset_mid_stream, scoreboard_must_fail = \
    gates.cocotb_tests(model, mutant=lambda p, beats: np.bitwise_or(*gm.split(beats)))


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_and_mul(i, seed, tmp_path):
    check_core("sc.and_mul", seed, tmp_path)


def test_and_mul_verilator(seed, tmp_path):
    check_core("sc.and_mul", seed, tmp_path, sim="verilator")


def test_tready_high_in_reset_is_caught(seed, tmp_path):
    """The shared bench's reset check (quiet_in_reset) kills the mutant docs/verification.md
    lists for the gates: s_ab_tready without its ``!rst`` term (reset test alone, ~3 s)."""
    res = run_mutant("sc.and_mul", AndMulParams(), seed, tmp_path,
                     [(r"assign s_ab_tready = \(\(!rst\) && ", "assign s_ab_tready = (1'b1 && ")],
                     testcase=["reset_mid_stream"])
    assert res.tests == 1 and res.failed == 1, res.summary()


def test_model_matches_truth_table(seed):
    """run, run_beats and step against the truth table written out beat by beat."""
    gates.check_truth_table(model, AndMulParams(), {(0, 0): 0, (1, 0): 0, (0, 1): 0, (1, 1): 1},
                            seed)


# -- arithmetic -------------------------------------------------------------------------------
# Streams: 12-bit comparator SNGs on two different primitive polynomials (the table's and its
# reciprocal), N = 4096 >= one LFSR period, so each input is exact to 1/N and the error is the
# residual correlation of the two sequences (docs/references.md §3, "LFSR k-bit, 2 polys":
# RMSE 0.0020 at N = 4096).  Tolerance per pair: |e| <= 4 (sigma + 1/N), sigma =
# sqrt(q (1 - q) / N) the std of a random (Bernoulli) stream of the ideal q = pa pb (a random
# stream exceeds 4 sigma with probability 6e-5), 1/N the count quantum.  Measured over all
# 2^24 (xa, xb) of this configuration (gm.grid_counts on the full grid, run offline): worst ratio
# |e| / (sigma + 1/N) = 3.48 (at small q, where sigma ~ 1/N), largest |e| 0.0078 (q = 0.32),
# RMSE 0.0019, a third of the random-stream 0.0058.  The RMSE bound is the random-stream RMSE.
N = 4096
K_SIGMA = 4.0


_pairs = gates.pairs


_grid, _ideal = gates.grid, gates.ideal


def test_multiplies_on_a_grid_of_all_pairs():
    """The same bound on 672,400 pairs at once (counts from the cumulated 2-D histogram of the
    two random-number sequences, gm.grid_counts; cross-checked against model.run above)."""
    g = _grid()
    n11, _, _ = gm.grid_counts(g, N, "independent")
    q = _ideal(g)[:, None] * _ideal(g)[None, :]
    e = n11 / N - q
    assert np.all(np.abs(e) <= K_SIGMA * (np.sqrt(q * (1 - q) / N) + 1 / N))
    a, b, _, _ = gm.streams(int(g[100]), int(g[500]), N, "independent")
    assert n11[100, 500] == model.run(AndMulParams(), a, b).sum()


def test_multiplies_independent_streams(seed):
    p = AndMulParams()
    errs, sig = [], []
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "independent")
        q = model.expected_probability(p, pa, pb)
        e = float(model.run(p, a, b).mean()) - q
        s = np.sqrt(q * (1 - q) / N)
        assert abs(e) <= K_SIGMA * (s + 1 / N), (int(xa), int(xb), e, s)
        errs.append(e)
        sig.append(s)
    rmse, bound = float(np.sqrt(np.mean(np.square(errs)))), float(np.sqrt(np.mean(np.square(sig))))
    assert rmse <= bound, f"RMSE {rmse:.4f} above the random-stream RMSE {bound:.4f}"


def test_independent_streams_are_uncorrelated():
    """The harness' independent pair really is (nearly) uncorrelated, unlike the same
    polynomial at two seeds."""
    a, b, _, _ = gm.streams(2048, 2048, N, "independent")
    assert abs(gm.scc(a, b)) < 0.05
    a, b, _, _ = gm.streams(2048, 1000, N, "positive")
    assert gm.scc(a, b) == 1.0


def test_correlated_streams_give_min_not_product():
    """The documented failure mode: SCC = +1 gives min(pa, pb) (exactly, bitwise), SCC = -1
    gives max(0, pa + pb - 1)."""
    p = AndMulParams()
    for xa, xb in [(1000, 3000), (3000, 1000), (2048, 2048), (4095, 10)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive")
        assert model.run(p, a, b).sum() == min(a.sum(), b.sum())
        assert abs(model.run(p, a, b).mean() - min(pa, pb)) <= 1 / N
        a, b, pa, pb = gm.streams(xa, xb, N, "negative")
        assert abs(model.run(p, a, b).mean() - max(0.0, pa + pb - 1)) <= 1 / N + 1e-12


def test_expected_probability_scalar_and_vector():
    p = AndMulParams()
    assert model.expected_probability(p, 0.5, 0.25) == 0.125
    assert model.expected_probability(p, [0, 1, 0.5], [1, 1, 0.5]).tolist() == [0, 1, 0.25]


# -- Params and inputs ------------------------------------------------------------------------

def test_params():
    gates.check_params(AndMulParams)


@pytest.mark.parametrize("a, b, words", gates.BAD_INPUTS)
def test_bad_inputs_raise(a, b, words):
    gates.check_bad_inputs(model, AndMulParams(), a, b, words)

# SPDX-License-Identifier: Apache-2.0
"""sc.or_add: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the saturating addition at N = 4096 on maximally
negatively correlated LFSR streams, and the independent-stream result."""

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import or_add as model
from neurohdl.models.sc.or_add import OrAddParams
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.sc import _gates as gates


# must-fail: AND for OR: beats 1 and 2 differ
stream_matches_model, full_throughput, reset_mid_stream, scoreboard_must_fail = \
    gates.cocotb_tests(model, mutant=lambda p, beats: np.bitwise_and(*gm.split(beats)))


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_or_add(i, seed, tmp_path):
    check_core("sc.or_add", seed, tmp_path)


def test_or_add_verilator(seed, tmp_path):
    check_core("sc.or_add", seed, tmp_path, sim="verilator")


def test_model_matches_truth_table(seed):
    """run, run_beats and step against the truth table written out beat by beat."""
    gates.check_truth_table(model, OrAddParams(), {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 1},
                            seed)


# -- arithmetic -------------------------------------------------------------------------------
N = 4096
K_SIGMA = 4.0


_pairs = gates.pairs


def test_saturating_add_on_negatively_correlated_streams(seed):
    """SCC = -1 (a = r < xa, b = 2^w - r < xb on one 12-bit LFSR): P(y) = min(1, pa + pb).
    Tolerance 1/N, exact reasoning: the ones of a and b then overlap only when they must, so
    count(y) = min(N, count(a) + count(b)) bit for bit (asserted), and N = 4096 = one LFSR
    period + 1 beat makes each count exact to one beat."""
    p = OrAddParams()
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "negative")
        y = model.run(p, a, b)
        assert int(y.sum()) == min(N, int(a.sum()) + int(b.sum())), (int(xa), int(xb))
        q = model.expected_probability(p, pa, pb, "negative")
        assert abs(float(y.mean()) - q) <= 1 / N + 1e-12, (int(xa), int(xb))


# Independent streams: 12-bit SNGs on the table polynomial and its reciprocal, N = 4096.
# Tolerance |e| <= 4 (sigma + 1/N), sigma = sqrt(q (1 - q) / N) of a random stream of the ideal
# q = pa + pb - pa pb, 1/N the count quantum.  Measured over all 2^24 (xa, xb) of this
# configuration (offline): worst ratio |e| / (sigma + 1/N) = 1.94, largest |e| 0.0081; RMSE
# 0.0019 against the random-stream 0.0058 (OR's count is na + nb - n11: AND's error with the
# sign flipped).


def test_independent_streams(seed):
    p = OrAddParams()
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


_grid, _ideal = gates.grid, gates.ideal


def test_grid_of_all_pairs():
    """Both relations on 672,400 pairs at once (counts from gm.grid_counts; OR's count is
    na + nb - n11): SCC = -1 within 1/N of min(1, pa + pb), independent within 4 (sigma + 1/N)
    of pa + pb - pa pb."""
    g = _grid()
    pa, pb = _ideal(g)[:, None], _ideal(g)[None, :]
    n11, na, nb = gm.grid_counts(g, N, "negative")
    count = na[:, None] + nb[None, :] - n11
    assert np.all(np.abs(count / N - np.minimum(1, pa + pb)) <= 1 / N + 1e-12)
    n11, na, nb = gm.grid_counts(g, N, "independent")
    count = na[:, None] + nb[None, :] - n11
    q = pa + pb - pa * pb
    assert np.all(np.abs(count / N - q) <= K_SIGMA * (np.sqrt(q * (1 - q) / N) + 1 / N))
    a, b, _, _ = gm.streams(int(g[100]), int(g[500]), N, "independent")
    assert count[100, 500] == model.run(OrAddParams(), a, b).sum()


def test_positive_correlation_gives_max():
    p = OrAddParams()
    for xa, xb in [(1000, 3000), (3000, 1000), (2048, 2048)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive")
        assert abs(model.run(p, a, b).mean() - model.expected_probability(p, pa, pb, "positive")) \
            <= 1 / N


def test_expected_values():
    p = OrAddParams()
    assert model.expected_probability(p, 0.5, 0.5) == 0.75
    assert model.expected_probability(p, 0.5, 0.75, "negative") == 1.0
    assert model.expected_probability(p, [0.25], [0.5], "negative").tolist() == [0.75]
    assert model.expected_probability(p, 0.25, 0.5, "positive") == 0.5
    with pytest.raises(ValueError, match="correlation = 'x': allowed one of"):
        model.expected_probability(p, 0.1, 0.1, "x")

# -- Params and inputs ------------------------------------------------------------------------

def test_params():
    gates.check_params(OrAddParams)


@pytest.mark.parametrize("a, b, words", gates.BAD_INPUTS)
def test_bad_inputs_raise(a, b, words):
    gates.check_bad_inputs(model, OrAddParams(), a, b, words)

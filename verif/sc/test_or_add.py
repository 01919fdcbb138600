# SPDX-License-Identifier: Apache-2.0
"""sc.or_add: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the saturating addition at N = 4096 on maximally
negatively correlated LFSR streams, and the independent-stream result."""

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import or_add as model
from neurohdl.models.sc.or_add import OrAddParams
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import N


# the shared gate tests (verif/sc/_gates.py); must-fail: AND for OR: beats 1 and 2 differ
globals().update(gates.gate_tests(
    "sc.or_add", model, OrAddParams, {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 1},
    mutant=lambda p, beats: np.bitwise_and(*gm.split(beats))))


# -- arithmetic -------------------------------------------------------------------------------

def test_saturating_add_on_negatively_correlated_streams(seed):
    """SCC = -1 (a = r < xa, b = 2^w - r < xb on one 12-bit LFSR): P(y) = min(1, pa + pb).
    Tolerance 1/N, exact reasoning: the ones of a and b then overlap only when they must, so
    count(y) = min(N, count(a) + count(b)) bit for bit (asserted), and N = 4096 = one LFSR
    period + 1 beat makes each count exact to one beat."""
    gates.check_exact_counts(model, OrAddParams(), seed, "negative",
                             lambda na, nb: min(N, na + nb), "negative")


# Independent streams: 12-bit SNGs on the table polynomial and its reciprocal, N = 4096.
# Tolerance gates.sigma_bound, 4 (sigma + 1/N) of the ideal q = pa + pb - pa pb.  Measured
# over all 2^24 (xa, xb) of this configuration (offline): worst ratio |e| / (sigma + 1/N) =
# 1.94, largest |e| 0.0081; RMSE 0.0019 against the random-stream 0.0058 (OR's count is
# na + nb - n11: AND's error with the sign flipped).


def test_independent_streams(seed):
    gates.check_random_stream_error(model, OrAddParams(), seed)


def test_grid_of_all_pairs():
    """Both relations on 672,400 pairs at once (counts from gm.grid_counts; OR's count is
    na + nb - n11): SCC = -1 within 1/N of min(1, pa + pb), independent within 4 (sigma + 1/N)
    of pa + pb - pa pb."""
    p = OrAddParams()
    count = lambda n11, na, nb: na + nb - n11  # noqa: E731
    gates.check_grid(model, p, "negative", count, lambda pa, pb: np.minimum(1, pa + pb))
    gates.check_grid(model, p, "independent", count, lambda pa, pb: pa + pb - pa * pb,
                     gates.sigma_bound)


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

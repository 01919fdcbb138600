# SPDX-License-Identifier: Apache-2.0
"""sc.and_mul: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the multiplication at N = 4096 on independent
LFSR streams."""

import numpy as np

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import and_mul as model
from neurohdl.models.sc.and_mul import AndMulParams
from neurohdl.verif.common.tb import planted_bug_test
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import N


# the shared gate tests (verif/sc/_gates.py); must-fail: OR for AND: beats 1 and 2 differ
globals().update(gates.gate_tests(
    "sc.and_mul", model, AndMulParams, {(0, 0): 0, (1, 0): 0, (0, 1): 0, (1, 1): 1},
    mutant=lambda p, beats: np.bitwise_or(*gm.split(beats))))

# The shared bench's reset check (quiet_in_reset) kills the mutant docs/verification.md lists
# for the gates: s_ab_tready without its ``!rst`` term (reset test alone, ~3 s; every run).
test_planted_bug_is_caught = planted_bug_test("sc.and_mul", {"tready_high_in_reset": (
    [(r"assign s_ab_tready = \(\(!rst\) && ", "assign s_ab_tready = (1'b1 && ")],
    "reset_mid_stream")}, rotated=False)


# -- arithmetic -------------------------------------------------------------------------------
# Streams: 12-bit comparator SNGs on two different primitive polynomials (the table's and its
# reciprocal), N = 4096 >= one LFSR period, so each input is exact to 1/N and the error is the
# residual correlation of the two sequences (docs/references.md §3, "LFSR k-bit, 2 polys":
# RMSE 0.0020 at N = 4096).  Tolerance per pair: gates.sigma_bound, 4 (sigma + 1/N) of the
# ideal q = pa pb.  Measured over all 2^24 (xa, xb) of this configuration (gm.grid_counts on
# the full grid, run offline): worst ratio |e| / (sigma + 1/N) = 3.48 (at small q, where
# sigma ~ 1/N), largest |e| 0.0078 (q = 0.32), RMSE 0.0019, a third of the random-stream
# 0.0058.  The RMSE bound is the random-stream RMSE.

def test_multiplies_on_a_grid_of_all_pairs():
    """The same bound on 672,400 pairs at once (AND's count is n11)."""
    gates.check_grid(model, AndMulParams(), "independent", lambda n11, na, nb: n11,
                     lambda pa, pb: pa * pb, gates.sigma_bound)


def test_multiplies_independent_streams(seed):
    gates.check_random_stream_error(model, AndMulParams(), seed)


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

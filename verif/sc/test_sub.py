# SPDX-License-Identifier: Apache-2.0
"""sc.sub: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the saturating subtraction at N = 4096 on
positively correlated LFSR streams."""

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import sub as model
from neurohdl.models.sc.sub import SubParams
from neurohdl.verif.common.runner import check_core
from neurohdl.verif.sc import _gates as gates


# must-fail: AND for AND NOT: beats 1 and 3 differ
stream_matches_model, full_throughput, reset_mid_stream, scoreboard_must_fail = \
    gates.cocotb_tests(model, mutant=lambda p, beats: np.bitwise_and(*gm.split(beats)))


# ---------------------------------------------------------------- pytest side -------------

@pytest.mark.parametrize("i", range(5))
def test_sub(i, seed, tmp_path):
    check_core("sc.sub", seed, tmp_path)


def test_sub_verilator(seed, tmp_path):
    check_core("sc.sub", seed, tmp_path, sim="verilator")


def test_model_matches_truth_table(seed):
    """run, run_beats and step against the truth table written out beat by beat."""
    gates.check_truth_table(model, SubParams(), {(0, 0): 0, (1, 0): 1, (0, 1): 0, (1, 1): 0},
                            seed)


# -- arithmetic -------------------------------------------------------------------------------
N = 4096
K_SIGMA = 4.0


_pairs = gates.pairs


def test_saturating_subtract_on_positively_correlated_streams(seed):
    """SCC = +1 (a = r < xa, b = r < xb on one 12-bit LFSR): P(y) = max(0, pa - pb).  Tolerance
    1/N, exact reasoning: b's ones then lie inside a's when pa >= pb (and a's inside b's
    otherwise), so count(y) = max(0, count(a) - count(b)) bit for bit (asserted), and
    N = 4096 = one LFSR period + 1 beat makes each count exact to one beat."""
    p = SubParams()
    for xa, xb in _pairs(seed):
        a, b, pa, pb = gm.streams(int(xa), int(xb), N, "positive")
        y = model.run(p, a, b)
        assert int(y.sum()) == max(0, int(a.sum()) - int(b.sum())), (int(xa), int(xb))
        assert abs(float(y.mean()) - model.expected_probability(p, pa, pb)) <= 1 / N + 1e-12


_grid, _ideal = gates.grid, gates.ideal


def test_grid_of_all_pairs():
    """672,400 pairs at once (gm.grid_counts; a AND NOT b counts na - n11): within 1/N of
    max(0, pa - pb)."""
    g = _grid()
    n11, na, _ = gm.grid_counts(g, N, "positive")
    count = na[:, None] - n11
    q = np.maximum(0, _ideal(g)[:, None] - _ideal(g)[None, :])
    assert np.all(np.abs(count / N - q) <= 1 / N + 1e-12)


def test_saturates_at_zero():
    p = SubParams()
    for xa, xb in [(10, 4000), (2048, 2049), (0, 0), (0, 4095)]:
        a, b, _, _ = gm.streams(xa, xb, N, "positive")
        assert model.run(p, a, b).sum() == 0


def test_independent_streams_are_not_sub():
    """Documented failure mode: independent inputs give pa (1 - pb) (0.25 for pa = pb = 0.5,
    not 0)."""
    p = SubParams()
    a, b, pa, pb = gm.streams(2049, 2049, N, "independent")
    got = float(model.run(p, a, b).mean())
    assert abs(got - pa * (1 - pb)) < 0.03 and got > 0.2


def test_expected_values():
    p = SubParams()
    assert model.expected_probability(p, 0.75, 0.25) == 0.5
    assert model.expected_probability(p, [0.25, 0.5], [0.75, 0.5]).tolist() == [0.0, 0.0]

# -- Params and inputs ------------------------------------------------------------------------

def test_params():
    gates.check_params(SubParams)


@pytest.mark.parametrize("a, b, words", gates.BAD_INPUTS)
def test_bad_inputs_raise(a, b, words):
    gates.check_bad_inputs(model, SubParams(), a, b, words)

# SPDX-License-Identifier: Apache-2.0
"""sc.sub: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the saturating subtraction at N = 4096 on
positively correlated LFSR streams."""

import numpy as np

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import sub as model
from neurohdl.models.sc.sub import SubParams
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import N


# the shared gate tests (verif/sc/_gates.py); must-fail: AND for AND NOT: beats 1 and 3 differ
globals().update(gates.gate_tests(
    "sc.sub", model, SubParams, {(0, 0): 0, (1, 0): 1, (0, 1): 0, (1, 1): 0},
    mutant=lambda p, beats: np.bitwise_and(*gm.split(beats))))


# -- arithmetic -------------------------------------------------------------------------------

def test_saturating_subtract_on_positively_correlated_streams(seed):
    """SCC = +1 (a = r < xa, b = r < xb on one 12-bit LFSR): P(y) = max(0, pa - pb).  Tolerance
    1/N, exact reasoning: b's ones then lie inside a's when pa >= pb (and a's inside b's
    otherwise), so count(y) = max(0, count(a) - count(b)) bit for bit (asserted), and
    N = 4096 = one LFSR period + 1 beat makes each count exact to one beat."""
    gates.check_exact_counts(model, SubParams(), seed, "positive", lambda na, nb: max(0, na - nb))


def test_grid_of_all_pairs():
    """672,400 pairs at once (gm.grid_counts; a AND NOT b counts na - n11): within 1/N of
    max(0, pa - pb)."""
    gates.check_grid(model, SubParams(), "positive", lambda n11, na, nb: na - n11,
                     lambda pa, pb: np.maximum(0, pa - pb))


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

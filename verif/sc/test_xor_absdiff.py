# SPDX-License-Identifier: Apache-2.0
"""sc.xor_absdiff: converted Verilog vs the model with idle and back-pressure on both streams;
the model against a plain-Python truth table; the absolute difference at N = 4096 on
positively correlated LFSR streams."""

import numpy as np

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import xor_absdiff as model
from neurohdl.models.sc.xor_absdiff import XorAbsdiffParams
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import N


# the shared gate tests (verif/sc/_gates.py); must-fail: OR for XOR: beat 3 differs
globals().update(gates.gate_tests(
    "sc.xor_absdiff", model, XorAbsdiffParams, {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 0},
    mutant=lambda p, beats: np.bitwise_or(*gm.split(beats))))


# -- arithmetic -------------------------------------------------------------------------------

def test_absdiff_on_positively_correlated_streams(seed):
    """SCC = +1 (a = r < xa, b = r < xb on one 12-bit LFSR): P(y) = |pa - pb|.  Tolerance 1/N,
    exact reasoning: the sparser stream's ones then lie inside the denser one's, so
    count(y) = |count(a) - count(b)| bit for bit (asserted), and N = 4096 = one LFSR period + 1
    beat makes each count exact to one beat."""
    gates.check_exact_counts(model, XorAbsdiffParams(), seed, "positive",
                             lambda na, nb: abs(na - nb))


def test_grid_of_all_pairs():
    """672,400 pairs at once (gm.grid_counts; XOR's count is na + nb - 2 n11): within 1/N of
    |pa - pb|."""
    gates.check_grid(model, XorAbsdiffParams(), "positive", lambda n11, na, nb: na + nb - 2 * n11,
                     lambda pa, pb: np.abs(pa - pb))


def test_sixteen_bit_lfsr_window():
    """Same relation on a 16-bit LFSR, where N = 4096 is 1/16 of a period: the bitwise identity
    still holds; the error against |pa - pb| is now that of one comparator window of 4096
    states, within 4 sigma + 1/N of a random stream of q = |pa - pb|."""
    p = XorAbsdiffParams()
    for xa, xb in [(1000, 60000), (30000, 33000), (65535, 2), (40000, 20000)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive", width=16)
        y = model.run(p, a, b)
        assert int(y.sum()) == abs(int(a.sum()) - int(b.sum()))
        q = model.expected_probability(p, pa, pb)
        assert abs(float(y.mean()) - q) <= 4 * np.sqrt(q * (1 - q) / N) + 1 / N


def test_independent_streams_are_not_absdiff():
    """Documented failure mode: independent inputs give pa + pb - 2 pa pb (0.5 for
    pa = pb = 0.5, not 0)."""
    p = XorAbsdiffParams()
    a, b, pa, pb = gm.streams(2049, 2049, N, "independent")
    got = float(model.run(p, a, b).mean())
    assert abs(got - (pa + pb - 2 * pa * pb)) < 0.03 and got > 0.4


def test_expected_values():
    p = XorAbsdiffParams()
    assert model.expected_probability(p, 0.25, 0.75) == 0.5
    assert model.expected_probability(p, [0.75, 0.5], [0.25, 0.5]).tolist() == [0.5, 0.0]

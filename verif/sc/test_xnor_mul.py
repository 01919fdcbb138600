# SPDX-License-Identifier: Apache-2.0
"""sc.xnor_mul: converted Verilog vs the model with idle and back-pressure on both streams; the
model against a plain-Python truth table; the bipolar multiplication at N = 4096 on
independent LFSR streams."""

import numpy as np
import pytest

from neurohdl.models.sc import _gate as gm
from neurohdl.models.sc import sng
from neurohdl.models.sc import xnor_mul as model
from neurohdl.models.sc.xnor_mul import XnorMulParams
from neurohdl.verif.sc import _gates as gates
from neurohdl.verif.sc._gates import K_SIGMA, N


# the shared gate tests (verif/sc/_gates.py); must-fail: XOR for XNOR: every beat differs
globals().update(gates.gate_tests(
    "sc.xnor_mul", model, XnorMulParams, {(0, 0): 1, (1, 0): 0, (0, 1): 0, (1, 1): 1},
    mutant=lambda p, beats: np.bitwise_xor(*gm.split(beats))))


# -- arithmetic -------------------------------------------------------------------------------
# Streams: 12-bit comparator SNGs on two different primitive polynomials (the table's and its
# reciprocal), N = 4096 >= one LFSR period (each input exact to 1/N).  Tolerance per pair, in
# probability: gates.sigma_bound, 4 (sigma + 1/N) of the ideal q = pa pb + (1 - pa)(1 - pb);
# in bipolar units (v = 2p - 1) the error doubles.  Measured over all 2^24 (xa, xb) of this
# configuration (offline): worst ratio |e| / (sigma + 1/N) = 1.97, largest |e| 0.0159 (q = 0.50:
# XNOR's count is N - na - nb + 2 n11, so it doubles AND's residual-correlation error); RMSE
# 0.0038 against the random-stream 0.0074.

def test_multiplies_bipolar_independent_streams(seed):
    p = XnorMulParams()

    def bipolar(pa, pb, got, s):
        v = model.expected_bipolar(p, sng.prob_to_bipolar(pa), sng.prob_to_bipolar(pb))
        assert abs(sng.prob_to_bipolar(got) - v) <= 2 * K_SIGMA * (s + 1 / N) + 1e-12

    gates.check_random_stream_error(model, p, seed, each=bipolar)


def test_multiplies_on_a_grid_of_all_pairs():
    """The same bound on 672,400 pairs at once: XNOR's count is N - na - nb + 2 n11."""
    gates.check_grid(model, XnorMulParams(), "independent",
                     lambda n11, na, nb: N - na - nb + 2 * n11,
                     lambda pa, pb: pa * pb + (1 - pa) * (1 - pb), gates.sigma_bound)


@pytest.mark.parametrize("va, vb", [(-1, -1), (-1, 1), (1, 1), (-0.5, 0.5), (0.5, 0.5), (0, 0.9),
                                    (-0.75, -0.25)])
def test_bipolar_values(va, vb):
    """Named bipolar products: v_y = v_a v_b within the bipolar tolerance (2x the above)."""
    p = XnorMulParams()
    enc = sng.SngParams(width=12)
    xa, xb = (int(sng.encode(enc, sng.bipolar_to_prob(v))) for v in (va, vb))
    a, b, pa, pb = gm.streams(xa, xb, N, "independent")
    q = model.expected_probability(p, pa, pb)
    got = sng.prob_to_bipolar(float(model.run(p, a, b).mean()))
    assert abs(got - va * vb) <= 2 * K_SIGMA * (np.sqrt(q * (1 - q) / N) + 1 / N) + 2 / 4095


def test_correlated_streams_break_it():
    """Documented failure mode: at SCC = +1, P(y) = 1 - |pa - pb| (exactly, bitwise), e.g.
    v_a = v_b = 0 gives v_y = +1 instead of 0."""
    p = XnorMulParams()
    for xa, xb in [(2048, 2048), (1000, 3000), (4095, 10)]:
        a, b, pa, pb = gm.streams(xa, xb, N, "positive")
        assert model.run(p, a, b).sum() == N - abs(int(a.sum()) - int(b.sum()))
        assert abs(model.run(p, a, b).mean() - (1 - abs(pa - pb))) <= 1 / N


def test_expected_values():
    p = XnorMulParams()
    assert model.expected_probability(p, 0.5, 0.5) == 0.5
    assert model.expected_probability(p, 1, 0) == 0.0 and model.expected_bipolar(p, -1, -1) == 1
    assert model.expected_probability(p, [0.75], [0.25]).tolist() == [0.375]

# SPDX-License-Identifier: Apache-2.0
"""sc.sng_bank: converted Verilog vs the model over random configurations (Sobol and LFSR
banks, unipolar and bipolar), idle and back-pressure on both streams; lane independence."""
import itertools

import numpy as np

from neurohdl.models.sc import sng_bank as model
from neurohdl.models.sc.bitstream import scc_counts
from neurohdl.models.sc.lfsr import is_maximal
from neurohdl.models.sc.sng_bank import SngBankParams, distinct_maximal_taps
from neurohdl.rtl.sc.sng_bank import stimulus
from neurohdl.verif.common.tb import StandardTests, bad_params_test, core_tests


def mutant(p: SngBankParams, xs):
    """Lanes from a mutated source: one step ahead (Sobol) or another LFSR seed."""
    if p.source == "sobol":
        wrong = p.replace(skip=(p.skip + 1) % (1 << p.width))
    else:
        wrong = p.replace(lfsr_seed=(p.lfsr_seed % ((1 << p.width) - 1)) + 1)
    return model.tdata_bits(model.run(wrong, xs))


TESTS = StandardTests(model=lambda p, xs: model.tdata_bits(model.run(p, xs)),
                      stimulus=stimulus, encode=model.pack, mutant=mutant, n=300,
                      reset_n=120, reset_before=50, reset_after=None, quiet_in_reset=True,
                      ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_restarts_sources = TESTS.reset_mid_stream("reset_restarts_sources")
scoreboard_must_fail = TESTS.must_fail()


# ---------------------------------------------------------------- pytest side -------------

test_sng_bank, test_sng_bank_verilator = core_tests(
    "sc.sng_bank", pins={0: {"source": "sobol"}, 1: {"source": "lfsr"}})


def _mean_abs_scc(p, n=1024, trials=60):
    rng = np.random.default_rng(7)
    out, err = [], []
    for v in rng.integers(0, 1 << p.width, size=(trials, p.lanes)):
        b = model.run(p, np.repeat(v[None, :], n, axis=0)).astype(bool)
        for i, j in itertools.combinations(range(p.lanes), 2):
            a11 = int(np.sum(b[:, i] & b[:, j]))
            a10 = int(np.sum(b[:, i] & ~b[:, j]))
            a01 = int(np.sum(~b[:, i] & b[:, j]))
            out.append(abs(scc_counts(a11, a10, a01, n - a11 - a10 - a01)))
            err.append(a11 / n - int(v[i]) * int(v[j]) / 4.0 ** p.width)
    return float(np.mean(out)), float(np.sqrt(np.mean(np.square(err))))


def test_lanes_are_independent():
    """Every lane pair of a 6-lane bank behaves as independent streams at N = 1024: the AND of
    two lanes estimates the product at the generator's accuracy (Sobol ~1/N, LFSR ~ random
    0.373/sqrt(N) = 0.0117), and |SCC| stays small (Sobol 0.04, random streams ~0.08-0.12)."""
    s_scc, s_rmse = _mean_abs_scc(SngBankParams(lanes=6, source="sobol"))
    l_scc, l_rmse = _mean_abs_scc(SngBankParams(lanes=6, source="lfsr"))
    assert s_scc < 0.06 and s_rmse < 0.003
    assert l_scc < 0.15 and l_rmse < 0.016


def test_lfsr_lanes_use_distinct_primitive_polynomials():
    for w in (5, 8, 16, 32):
        taps = distinct_maximal_taps(w, 6)
        assert len(set(taps)) == 6 and all(is_maximal(t, w) for t in taps)
    p = SngBankParams(lanes=4, source="lfsr", width=16)
    assert len({p.lane_seed(k) for k in range(4)}) == 4
    assert p.assignment[1] == "lane 1: lfsr taps 0x8016 seed 0x9c35"  # 0xACE1 rotl 5


def test_bipolar_lane_mapping():
    p = SngBankParams(lanes=2, width=10, bipolar=True)
    xs = np.array([[0, 0x200]] * 1024)            # v = 0 and v = -1 (two's complement)
    b = model.run(p, xs)
    assert b[:, 0].mean() == 0.5 and b[:, 1].sum() == 0


test_bad_params_raise = bad_params_test(SngBankParams, [
    ({"lanes": 0}, ["SngBankParams.lanes = 0", "1..16"]),
    ({"lanes": 3, "first_dim": 31}, ["SngBankParams.lanes = 3", "1..2 with first_dim = 31"]),
    ({"source": "lfsr", "width": 3, "lanes": 3}, ["SngBankParams.lanes = 3", "1..2 for width 3"]),
    ({"source": "halton"}, ["SngBankParams.source = 'halton'", "'sobol', 'lfsr'"]),
    ({"width": 8, "skip": 256}, ["SngBankParams.skip = 256", "0..255"]),
])

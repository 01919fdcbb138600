# SPDX-License-Identifier: Apache-2.0
"""Accuracy targets of issue 3, from the bit-true models (benchmarks/sc_accuracy.py's code):
Sobol reaches the low-discrepancy limit, the library's default LFSR pair has no error floor, and
same-polynomial LFSRs show the ~0.022 floor (so the benchmark can tell the difference)."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

spec = importlib.util.spec_from_file_location(
    "sc_accuracy", Path(__file__).resolve().parent.parent / "benchmarks" / "sc_accuracy.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def ab():
    rng = np.random.default_rng(bench.SEED)
    return rng.random(bench.PAIRS), rng.random(bench.PAIRS)


def test_sobol_reaches_low_discrepancy_limit(ab):
    r, s = bench.measure(bench.gen_sobol, *ab)
    assert r[256] <= 0.0035 and r[1024] <= 0.0010
    assert bench.slope(r) < -0.9 and s[1024] < 0.05


def test_default_lfsr_pair_has_no_floor(ab):
    r, _ = bench.measure(bench.gen_lfsr_default, *ab)
    assert r[4096] < r[1024] < r[256] and r[4096] < 0.006


def test_same_polynomial_floor_is_visible(ab):
    r, s = bench.measure(lambda n: bench.gen_fib_kbit(n, True), *ab)
    assert r[4096] > 0.015 and abs(bench.slope(r)) < 0.3 and s[1024] > 0.25
    ok, _ = bench.measure(lambda n: bench.gen_fib_kbit(n, False), *ab)
    assert ok[4096] < 0.005

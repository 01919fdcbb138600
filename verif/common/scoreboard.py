# SPDX-License-Identifier: Apache-2.0
"""Scoreboard helpers shared by every core's cocotb test.

``expected()`` is the one place expected values pass through.  With ``NEUROHDL_FAULT=model`` in
the environment it corrupts one expected value (seeded position, one bit flipped): the must-fail
suite (tests/test_must_fail.py) runs every core's cocotb module that way and requires pytest to
see the failure, proving each scoreboard can fail and that failures reach pytest.
"""
from __future__ import annotations

import os
import random


def fault_active() -> bool:
    return os.environ.get("NEUROHDL_FAULT", "") == "model"


def expected(values, seed: int = 0):
    vals = [int(v) for v in values]
    if fault_active() and vals:
        r = random.Random(seed)
        i = r.randrange(len(vals))
        vals[i] ^= 1
    return vals


def compare(got: list[int], want: list[int], what: str, context: str = "") -> None:
    assert len(got) == len(want), f"{what}: {len(got)} beats, model {len(want)}; {context}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{what} beat {i}: rtl {g:#x} != model {w:#x}; {context}"

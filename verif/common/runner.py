"""pytest side of a core's cocotb test: random configuration from the seed, converted HDL,
simulation, results file asserted (``runner.test()`` itself never fails)."""
from __future__ import annotations

import random

from neurohdl.registry import get
from neurohdl.simrun import run_cocotb


def params_for(core: str, seed: int, **fixed):
    """The configuration a seed stands for (``neurohdl sim CORE --seed N`` draws the same)."""
    return get(core).decl.params.random(random.Random(seed), **fixed)


def check_core(core: str, seed: int, tmp_path, *, p=None, sim=None, testcase=None,
               test_module=None, extra_env=None, expect_ok: bool = True):
    p = p if p is not None else params_for(core, seed)
    print(f"[config] {core} seed={seed}: {p}  (replay: neurohdl sim {core} --seed {seed})")
    r = run_cocotb(core, p, seed, tmp_path, sim=sim, testcase=testcase,
                   test_module=test_module, extra_env=extra_env)
    log = tmp_path / f"{sim or 'icarus'}_test.log"
    if expect_ok:
        assert r.ok, (f"{core}: {r.failed} of {r.tests} cocotb tests failed, seed={seed}, {p}; "
                      f"log {log}")
    return r

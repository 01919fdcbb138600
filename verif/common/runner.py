"""pytest side of a core's cocotb test: random configuration from the seed, converted HDL,
simulation, results file asserted (``runner.test()`` itself never fails)."""
from __future__ import annotations

import os
import random

from neurohdl.registry import cores, get
from neurohdl.simrun import run_cocotb

#: Cores whose Verilator simulation runs in one ``make test`` (the Verilator C++ build costs
#: 15-40 s a core, more than all of a core's Icarus runs).  Icarus runs every core every time.
VERILATOR_PER_RUN = 4


def verilator_rotation() -> tuple[str, ...] | None:
    """Which cores run their cocotb test on Verilator in this run; None = every core.

    ``NEUROHDL_VERILATOR=all`` (or no ``NEUROHDL_SEED``, i.e. a developer running pytest by
    hand) runs all; ``NEUROHDL_VERILATOR=none`` none; ``NEUROHDL_VERILATOR=sc.lfsr,neuron.lif``
    exactly those; otherwise (``make test``) ``VERILATOR_PER_RUN`` cores drawn from
    ``NEUROHDL_SEED`` -- the same seed replays the same choice, and over runs every core is
    covered."""
    sel = os.environ.get("NEUROHDL_VERILATOR", "").strip()
    if sel == "all" or (not sel and "NEUROHDL_SEED" not in os.environ):
        return None
    if sel == "none":
        return ()
    if sel:
        return tuple(x.strip() for x in sel.split(",") if x.strip())
    names = sorted(e.name for e in cores())
    rng = random.Random(f"verilator:{os.environ['NEUROHDL_SEED']}")
    return tuple(sorted(rng.sample(names, min(VERILATOR_PER_RUN, len(names)))))


def params_for(core: str, seed: int, **fixed):
    """The configuration a seed stands for (``neurohdl sim CORE --seed N`` draws the same)."""
    return get(core).decl.params.random(random.Random(seed), **fixed)


def check_core(core: str, seed: int, tmp_path, *, p=None, sim=None, testcase=None,
               test_module=None, extra_env=None, expect_ok: bool = True):
    if sim == "verilator":
        chosen = verilator_rotation()
        if chosen is not None and core not in chosen:
            import pytest
            pytest.skip(f"{core}: Verilator run not in this run's rotation "
                        f"({', '.join(chosen) or 'none'}; NEUROHDL_VERILATOR=all runs every "
                        "core, =<core,...> picks)")
    p = p if p is not None else params_for(core, seed)
    print(f"[config] {core} seed={seed}: {p}  (replay: neurohdl sim {core} --seed {seed})")
    r = run_cocotb(core, p, seed, tmp_path, sim=sim, testcase=testcase,
                   test_module=test_module, extra_env=extra_env)
    log = tmp_path / f"{sim or 'icarus'}_test.log"
    if expect_ok:
        assert r.ok, (f"{core}: {r.failed} of {r.tests} cocotb tests failed, seed={seed}, {p}; "
                      f"log {log}")
    return r

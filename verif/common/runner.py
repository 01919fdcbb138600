# SPDX-License-Identifier: Apache-2.0
"""pytest side of a core's cocotb test: random configuration from the seed, converted HDL,
simulation, results file asserted (``runner.test()`` itself never fails)."""
from __future__ import annotations

import os
import random
import zlib

from neurohdl.registry import cores, get
from neurohdl.simrun import run_cocotb

#: The costly per-core framework checks, each run in ``make test`` on this many cores drawn from
#: ``NEUROHDL_SEED`` (a fixed number, so ``make test`` stays within its budget as cores are added):
#:
#: ==============  ==========================================================  =================
#: check           what (where)                                                cost a core
#: ==============  ==========================================================  =================
#: verilator       the core's cocotb suite on Verilator (verif/*/test_*.py)     15-40 s C++ build
#: ghdl            the core's cocotb suite on GHDL and a random configuration's
#:                 VHDL analysis (tests/test_vhdl.py)                           5-15 s
#: fusesoc         FuseSoC ``sim`` (model replay bench) and ``lint`` targets   6-10 s
#: determinism     HDL byte-identical across hash seeds (test_determinism)    2-4 s
#: must_fail       every cocotb test fails with a corrupted model              3-8 s
#:                 (test_must_fail); planted RTL bugs of bus.csr and
#:                 neuron.alif caught (test_planted_bug_is_caught, ...)        +10-30 s
#: mutate          yosys-mutate mutants through the suite (test_mutate)        20-60 s
#: formal          a core's SymbiYosys proofs and their must-fail mutants      10-40 s
#:                 (tests/test_formal.py; drawn from the cores with a proof)
#: ==============  ==========================================================  =================
#:
#: Every core every run, not rotated: its cocotb suite on Icarus over >= 5 random configurations,
#: Verilator lint (the default and one random configuration, another each seed), GHDL analysis
#: and elaboration of its default configuration's VHDL.
ROTATED_CHECKS: dict[str, int] = {
    "verilator": 1,
    "ghdl": 2,
    "fusesoc": 2,
    "determinism": 2,
    "must_fail": 2,
    "mutate": 1,
    "formal": 2,
}


def rotation_window(check: str, n_cores: int | None = None) -> int:
    """How many consecutive ``NEUROHDL_SEED`` values cover every core for ``check``:
    ``ceil(cores / per_run)`` (19 for verilator at 38 cores)."""
    n = n_cores if n_cores is not None else len(cores())
    k = min(ROTATED_CHECKS[check], n)
    return -(-n // k) if k else 0


def rotation(check: str, seed: int | None = None, names=None) -> tuple[str, ...] | None:
    """The cores that run ``check`` (a key of :data:`ROTATED_CHECKS`) in this run; None = every core.

    Overrides, first match wins: ``NEUROHDL_<CHECK>=all|none|<core>,<core>...`` (e.g.
    ``NEUROHDL_VERILATOR=sc.lfsr,neuron.lif``, ``NEUROHDL_FUSESOC=all``);
    ``NEUROHDL_ROTATE=off`` (``make regress``) runs every check on every core; no
    ``NEUROHDL_SEED`` (a developer running pytest by hand) runs every core.

    Otherwise (``make test``) the cores, in a fixed order shuffled per check, are cut into
    blocks of ``ROTATED_CHECKS[check]`` (the last block wraps round to the start) and
    ``NEUROHDL_SEED mod blocks`` picks one: the same seed replays the same choice, any
    :func:`rotation_window` consecutive seeds cover every core, and a random seed gives each
    core its run with probability per_run / cores."""
    if check not in ROTATED_CHECKS:
        raise KeyError(f"rotation check {check!r}: allowed {', '.join(ROTATED_CHECKS)}")
    sel = os.environ.get(f"NEUROHDL_{check.upper()}", "").strip()
    if sel == "all":
        return None
    if sel == "none":
        return ()
    if sel:
        return tuple(x.strip() for x in sel.split(",") if x.strip())
    if os.environ.get("NEUROHDL_ROTATE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    if seed is None:
        if "NEUROHDL_SEED" not in os.environ:
            return None
        seed = int(os.environ["NEUROHDL_SEED"])
    order = sorted(names if names is not None else (e.name for e in cores()),
                   key=lambda c: (zlib.crc32(f"{check}:{c}".encode()), c))
    n, k = len(order), min(ROTATED_CHECKS[check], len(order))
    if k == 0:
        return ()
    start = (seed % rotation_window(check, n)) * k
    return tuple(sorted(order[(start + i) % n] for i in range(k)))


def rotating() -> bool:
    """True in make test (NEUROHDL_SEED set, NEUROHDL_ROTATE not off): the run covers a
    seed-drawn part of the costly checks; False in make regress and in a run by hand."""
    return "NEUROHDL_SEED" in os.environ and os.environ.get(
        "NEUROHDL_ROTATE", "").strip().lower() not in ("off", "0", "no", "false")


def skip_unless_rotated(check: str, core: str) -> None:
    """pytest-skip a ``check`` of ``core`` that this run's rotation leaves out (the reason is the
    same for every core of the check, so ``-ra`` folds the skips into one line)."""
    chosen = rotation(check)
    if chosen is not None and core not in chosen:
        import pytest
        pytest.skip(f"{check}: not in this run's rotation ({', '.join(chosen) or 'none'}; "
                    f"NEUROHDL_{check.upper()}=all or NEUROHDL_ROTATE=off runs every core, "
                    f"NEUROHDL_{check.upper()}=<core,...> picks)")


def params_for(core: str, seed: int, **fixed):
    """The configuration a seed stands for (``neurohdl sim CORE --seed N`` draws the same)."""
    return get(core).decl.params.random(random.Random(seed), **fixed)


def check_core(core: str, seed: int, tmp_path, *, p=None, sim=None, testcase=None,
               test_module=None, extra_env=None, expect_ok: bool = True, netlist=None):
    """The core's cocotb suite (or ``test_module``) on Icarus (or ``sim``) at Params ``p``
    (default: the seed's configuration); ``netlist``: simulate that Verilog file (its top
    module named as the core's) instead of converting."""
    if sim in ("verilator", "ghdl"):
        skip_unless_rotated(sim, core)
    p = p if p is not None else params_for(core, seed)
    on = f" --sim {sim}" if sim else ""
    print(f"[config] {core} seed={seed}: {p}  (replay: neurohdl sim {core} --seed {seed}{on})")
    r = run_cocotb(core, p, seed, tmp_path, sim=sim, testcase=testcase,
                   test_module=test_module, extra_env=extra_env, netlist=netlist)
    log = tmp_path / f"{sim or 'icarus'}_test.log"
    if expect_ok:
        # one line: failures, undeclared skips and a short results file (fewer test cases
        # than the test module registers) all fail here
        assert r.ok, f"{core}: {r.summary()}, seed={seed}, {p}; log {log}"
    return r


def run_mutant(core: str, p, seed: int, tmp_path, edits, *, testcase=None):
    """The core's cocotb suite (Icarus) on its converted Verilog with ``edits`` applied: pairs
    ``(regex, replacement)`` (``re.sub``), each of which must match exactly once in the
    generated Verilog -- a planted bug the suite must fail on.  Returns the SimResult."""
    import re
    from unittest import mock

    from neurohdl import simrun

    real = simrun.generate

    def mutated(*args, **kw):
        g = real(*args, **kw)
        texts = {f: open(f).read() for f in g.files if f.endswith((".v", ".sv"))}
        for pattern, repl in edits:
            counts = {f: len(re.findall(pattern, t)) for f, t in texts.items()}
            assert sum(counts.values()) == 1, f"{core}: mutation {pattern!r} matches {counts}"
            f = max(counts, key=counts.get)
            texts[f] = re.sub(pattern, repl, texts[f])
        for f, t in texts.items():
            with open(f, "w") as fh:
                fh.write(t)
        return g

    print(f"[mutant] {core} seed={seed}: {p}; edits {edits}")
    with mock.patch.object(simrun, "generate", mutated):
        return run_cocotb(core, p, seed, tmp_path, testcase=testcase)

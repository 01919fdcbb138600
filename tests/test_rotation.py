# SPDX-License-Identifier: Apache-2.0
"""The rotation of make test's costly per-core checks (verif.common.runner.rotation): replayable
from NEUROHDL_SEED, each check's per-run count, every core covered within a stated number of
seeds, and the overrides the runner's docstring promises.

Coverage guarantee, checked here for every rotated check: any ``rotation_window(check)``
consecutive seeds -- ceil(cores / per-run count), at most 9 with today's 36 cores (verilator: 4 a
run) and at most 14 with 56 cores -- run ``check`` on every registered core; so do seeds 1..N.
"""
import pytest

from neurohdl.registry import cores
from neurohdl.verif.common import runner
from neurohdl.verif.common.runner import ROTATED_CHECKS, rotation, rotation_window

NAMES = sorted(e.name for e in cores())
CHECK_ENV = [f"NEUROHDL_{c.upper()}" for c in ROTATED_CHECKS] + ["NEUROHDL_ROTATE"]


@pytest.fixture
def clean_env(monkeypatch):
    for var in CHECK_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NEUROHDL_SEED", "1")
    return monkeypatch


def seeds_to_cover(pick, names, first: int = 1, span: int = 200) -> int:
    """The worst case over start seeds ``first .. first+span-1`` of how many consecutive seeds
    ``pick(seed)`` needs until every name in ``names`` has been picked; raises AssertionError
    naming the cores never picked (a rotation that skips a core)."""
    horizon = 4 * len(names) + 1
    worst = 0
    for start in range(first, first + span):
        seen: set[str] = set()
        for n in range(1, horizon + 1):
            seen |= set(pick(start + n - 1))
            if seen >= set(names):
                worst = max(worst, n)
                break
        else:
            raise AssertionError(f"never picked within {horizon} seeds from {start}: "
                                 f"{sorted(set(names) - seen)}")
    return worst


@pytest.mark.parametrize("check", list(ROTATED_CHECKS))
def test_every_core_within_the_stated_window(check, clean_env):
    window = rotation_window(check)
    assert window == -(-len(NAMES) // min(ROTATED_CHECKS[check], len(NAMES)))
    worst = seeds_to_cover(lambda s: rotation(check, seed=s), NAMES)
    assert worst <= window, f"{check}: {worst} seeds needed, {window} stated"
    # seeds 1..window, the first make-test seeds, cover every core too
    assert set().union(*(rotation(check, seed=s) for s in range(1, window + 1))) == set(NAMES)


def test_window_holds_when_cores_are_added(clean_env):
    """The guarantee is structural, not a property of today's names: with twenty more cores
    every check still covers every core within ceil(cores / per-run) consecutive seeds (the
    window grows with the core count; ROTATED_CHECKS sets the cost a run)."""
    more = NAMES + [f"zz.extra{i}" for i in range(20)]
    for check in ROTATED_CHECKS:
        window = rotation_window(check, len(more))
        worst = seeds_to_cover(lambda s: rotation(check, seed=s, names=more), more,
                               span=window + 2)
        assert worst <= window == -(-len(more) // ROTATED_CHECKS[check]), check


def test_coverage_check_catches_a_rotation_that_skips_a_core(clean_env):
    """Must-fail: a rotation that never picks one core is caught, naming the core."""
    def broken(seed):
        return tuple(c for c in rotation("verilator", seed=seed) if c != "sc.lfsr")
    with pytest.raises(AssertionError, match="sc.lfsr"):
        seeds_to_cover(broken, NAMES, span=5)


def test_choice_is_replayable_sized_and_varies(clean_env):
    for check, k in ROTATED_CHECKS.items():
        picks = set()
        for s in range(1, 60):
            clean_env.setenv("NEUROHDL_SEED", str(s))
            a = rotation(check)
            assert a == rotation(check) == rotation(check, seed=s)     # same seed, same choice
            assert len(a) == min(k, len(NAMES)) and set(a) <= set(NAMES)
            picks.add(a)
        assert len(picks) == rotation_window(check)                     # every block comes up
    # checks rotate independently: the same seed does not pick the same cores for all of them
    clean_env.setenv("NEUROHDL_SEED", "5")
    assert len({frozenset(rotation(c)) for c in ROTATED_CHECKS}) > 1


def test_overrides(clean_env):
    clean_env.setenv("NEUROHDL_SEED", "7")
    clean_env.setenv("NEUROHDL_VERILATOR", "all")
    assert rotation("verilator") is None
    clean_env.setenv("NEUROHDL_VERILATOR", "none")
    assert rotation("verilator") == ()
    clean_env.setenv("NEUROHDL_VERILATOR", "sc.lfsr, neuron.lif")
    assert rotation("verilator") == ("sc.lfsr", "neuron.lif")
    assert rotation("ghdl") is not None and len(rotation("ghdl")) == ROTATED_CHECKS["ghdl"]
    clean_env.setenv("NEUROHDL_ROTATE", "off")                  # make regress: everything ...
    assert all(rotation(c) is None for c in ROTATED_CHECKS if c != "verilator")
    assert rotation("verilator") == ("sc.lfsr", "neuron.lif")   # ... a per-check choice wins
    clean_env.delenv("NEUROHDL_ROTATE")
    clean_env.delenv("NEUROHDL_VERILATOR")
    clean_env.delenv("NEUROHDL_SEED")
    assert all(rotation(c) is None for c in ROTATED_CHECKS)      # pytest by hand: every core
    with pytest.raises(KeyError, match="allowed"):
        rotation("no_such_check")


def test_skip_names_the_override(clean_env):
    clean_env.setenv("NEUROHDL_GHDL", "sc.lfsr")
    runner.skip_unless_rotated("ghdl", "sc.lfsr")               # chosen: no skip
    with pytest.raises(pytest.skip.Exception, match="NEUROHDL_GHDL=all"):
        runner.skip_unless_rotated("ghdl", "sc.mul")


def icarus_and_verilator_runs(collected: list[str], core: str) -> tuple[int, int]:
    """From pytest node ids: how many ``test_<core>[...]`` runs (Icarus, random configurations)
    and ``test_<core>_verilator`` runs the core's verif module has."""
    family, name = core.split(".")
    module = f"verif/{family}/test_{name}.py::test_{name}"
    icarus = sum(1 for n in collected if n.startswith(module + "["))
    # test_<core>_verilator (test_if_verilator for neuron.if_)
    return icarus, sum(1 for n in collected
                       if n in (module + "_verilator", module.rstrip("_") + "_verilator"))


def test_every_core_has_its_unrotated_icarus_runs():
    """What is never rotated: every registered core's cocotb suite on Icarus over >= 5 random
    configurations (``test_<core>[i]``), and one Verilator test for the rotation to pick."""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                        "-p", "no:cacheprovider", "verif"], cwd=root, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    ids = r.stdout.split()
    short = {c: runs for c in NAMES
             if (runs := icarus_and_verilator_runs(ids, c))[0] < 5 or runs[1] != 1}
    assert not short, f"(Icarus runs, Verilator tests) per core: {short}"
    # must-fail: a module with four configurations and no Verilator test is caught
    assert icarus_and_verilator_runs([f"verif/sc/test_x.py::test_x[{i}]" for i in range(4)],
                                     "sc.x") == (4, 0)

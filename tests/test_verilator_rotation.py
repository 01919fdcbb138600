"""The Verilator rotation of make test: replayable from NEUROHDL_SEED, covers every core over
runs, and the overrides do what the runner's docstring says."""
from neurohdl.registry import cores
from neurohdl.verif.common.runner import VERILATOR_PER_RUN, verilator_rotation


def test_rotation_is_replayable_and_covers_every_core(monkeypatch):
    monkeypatch.delenv("NEUROHDL_VERILATOR", raising=False)
    names = {e.name for e in cores()}
    seen, picks = set(), set()
    for s in range(1, 301):
        monkeypatch.setenv("NEUROHDL_SEED", str(s))
        a = verilator_rotation()
        assert a == verilator_rotation()                      # same seed, same choice
        assert len(a) == min(VERILATOR_PER_RUN, len(names)) and set(a) <= names
        seen |= set(a)
        picks.add(a)
    assert seen == names
    assert len(picks) > 250                                   # the choice really varies


def test_rotation_overrides(monkeypatch):
    monkeypatch.setenv("NEUROHDL_SEED", "7")
    monkeypatch.setenv("NEUROHDL_VERILATOR", "all")
    assert verilator_rotation() is None
    monkeypatch.setenv("NEUROHDL_VERILATOR", "none")
    assert verilator_rotation() == ()
    monkeypatch.setenv("NEUROHDL_VERILATOR", "sc.lfsr, neuron.lif")
    assert verilator_rotation() == ("sc.lfsr", "neuron.lif")
    monkeypatch.delenv("NEUROHDL_VERILATOR")
    monkeypatch.delenv("NEUROHDL_SEED")
    assert verilator_rotation() is None                       # pytest by hand: every core

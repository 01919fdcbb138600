# SPDX-License-Identifier: Apache-2.0
"""neurohdl.myhdl_speed: MyHDL's caller lookup without inspect.stack()'s source reads gives the
same frames and the same HDL as MyHDL's own.

The HDL comparison converts a small core, hierarchical cores (a bank of generators, the
engine's parts, the CSR block, the FIFO) with the fast lookup and with MyHDL's own
``inspect.stack()``, byte for byte; the must-fail gives MyHDL a stack one frame off, which the
conversion does not survive unchanged.
"""
import inspect
from pathlib import Path

import pytest

import neurohdl.rtl  # noqa: F401  (installs the fast lookup)
from neurohdl import myhdl_speed
from neurohdl.convert import generate
from neurohdl.registry import get

#: small and hierarchical cores, at default sizes except where the default is slow to elaborate
#: with MyHDL's own lookup (the reference run)
CASES = {"sc.lfsr": {}, "sc.sng_bank": {}, "neuron.engine": {"n": 8}, "bus.csr": {},
         "stream.fifo": {}}


def _hdl(core: str, fixed: dict, out: Path) -> dict[str, bytes]:
    p = get(core).decl.params(**fixed)
    g = generate(core, p, out)          # Verilog: VHDL is written from the same elaborated design
    return {Path(f).name: Path(f).read_bytes() for f in g.files}


def test_frame_stack_has_inspect_stacks_frames_and_names():
    def probe():
        return myhdl_speed.frame_stack(), inspect.stack()
    fast, slow = probe()
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        assert a[0] is b[0] and a[1:4] == (b[1], b[2], b[3])


def test_fast_lookup_is_installed_by_neurohdl_rtl():
    assert myhdl_speed.installed()
    with myhdl_speed.stock_inspect():
        assert not myhdl_speed.installed()
    assert myhdl_speed.installed()


@pytest.mark.parametrize("core", sorted(CASES))
def test_same_hdl_as_myhdls_own_lookup(core, tmp_path):
    fast = _hdl(core, CASES[core], tmp_path / "fast")
    with myhdl_speed.stock_inspect():
        stock = _hdl(core, CASES[core], tmp_path / "stock")
    assert fast.keys() == stock.keys()
    differ = [k for k in fast if fast[k] != stock[k]]
    assert not differ, f"{core}: fast caller lookup changed {differ}"


def test_a_stack_one_frame_off_is_caught(tmp_path, monkeypatch):
    """must-fail: were the fast stack one frame off, the HDL would differ (or conversion fail)."""
    def off_by_one(context=1):              # [0] is off_by_one itself, [1] MyHDL's caller
        return myhdl_speed.frame_stack()[2:]
    monkeypatch.setattr(myhdl_speed._FastInspect, "stack", staticmethod(off_by_one))
    good = None
    with myhdl_speed.stock_inspect():
        good = _hdl("sc.sng_bank", {}, tmp_path / "good")
    try:
        bad = _hdl("sc.sng_bank", {}, tmp_path / "bad")
    except Exception:
        return                                          # caught: conversion refused
    assert bad != good, "a wrong caller frame went unnoticed"

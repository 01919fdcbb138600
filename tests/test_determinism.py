# SPDX-License-Identifier: Apache-2.0
"""Generated HDL is byte-identical across runs and PYTHONHASHSEED values (the migen#42 test),
Verilog and VHDL, default and random configurations: in make test for the cores of this run's
rotation (``verif.common.runner.rotation("determinism")``; ``NEUROHDL_DETERMINISM=all`` or
``make regress``: every registered core)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from neurohdl.registry import cores
from neurohdl.verif.common.runner import rotation

SCRIPT = r"""
import json, random, sys
from pathlib import Path
import neurohdl
from neurohdl.registry import cores
out, mode, only, seed = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
if mode == "raw":  # must-fail probe: MyHDL without neurohdl's canonical reset order
    import neurohdl.convert
    neurohdl.convert._canonicalise = lambda inst: None
only = None if only == "*" else set(only.split(","))
for e in cores():
    if only is not None and e.name not in only:
        continue
    cls = e.decl.params
    configs = [cls()] + [cls.random(random.Random(s)) for s in (seed, seed + 1)]
    if e.decl.system:   # a system is its parts' conversions (each checked here with random
        configs = configs[:1]   # configurations) plus glue: its default configuration
    for i, p in enumerate(configs):
        for hdl in ("verilog", "vhdl"):
            neurohdl.generate(e.decl, p, out / f"{e.decl.core}_{i}_{hdl}", hdl=hdl)
"""


def _gen(tmp: Path, hashseed: str, raw: bool = False, only=None, seed: int = 11) -> dict[str, bytes]:
    """Generate (in a fresh interpreter with ``hashseed``) the cores ``only`` (None: all)."""
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    args = ["raw" if raw else "canonical", "*" if only is None else ",".join(only), str(seed)]
    subprocess.run([sys.executable, "-c", SCRIPT, str(tmp)] + args,
                   check=True, env=env, cwd=tmp.parent)
    return {str(f.relative_to(tmp)): f.read_bytes() for f in sorted(tmp.rglob("*")) if f.is_file()}


def test_byte_identical_across_hash_seeds(tmp_path, seed):
    only = rotation("determinism")
    print(f"[rotation] determinism: {'every core' if only is None else ', '.join(only)}")
    a = _gen(tmp_path / "a", "1", only=only, seed=seed)
    b = _gen(tmp_path / "b", "4242", only=only, seed=seed)
    chosen = [e for e in cores() if only is None or e.name in only]
    assert chosen and len(a) >= 2 * sum(1 if e.decl.system else 3 for e in chosen)
    hdl_a = {k: v for k, v in a.items() if not k.endswith("manifest.json")}
    hdl_b = {k: v for k, v in b.items() if not k.endswith("manifest.json")}
    assert hdl_a == hdl_b
    # manifests agree too (same commit, same tools)
    for k in a:
        if k.endswith("manifest.json"):
            assert json.loads(a[k]) == json.loads(b[k])


def test_check_detects_myhdl_hash_order(tmp_path):
    """Must-fail: plain MyHDL orders always_seq reset assignments by set iteration, so the same
    check finds differences across hash seeds once neurohdl's canonicalisation is switched off.
    (Three cores with many reset assignments suffice to show it; the positive test above covers
    every core.)"""
    seeds = ["1", "4242", "7", "99"]
    only = ["sc.mul", "neuron.lif", "neuron.alpha"]
    runs = [_gen(tmp_path / s, s, raw=True, only=only) for s in seeds]
    hdl = [{k: v for k, v in r.items() if k.endswith((".v", ".vhd"))} for r in runs]
    assert any(h != hdl[0] for h in hdl[1:]), "raw MyHDL output was identical for all seeds"


def test_always_comb_sensitivity_list_is_canonical(tmp_path):
    """MyHDL orders an always_comb sensitivity list by set iteration; neurohdl sorts it.
    Raw output varies across hash seeds (must-fail side), canonical output does not."""
    probe = Path(__file__).with_name("_comb_probe.py")
    lines = {"raw": set(), "canon": set()}
    for h in ("1", "2", "3", "4", "5", "6"):
        for mode in lines:
            env = dict(os.environ, PYTHONHASHSEED=h)
            subprocess.run([sys.executable, str(probe), mode, f"{mode}{h}", str(tmp_path)],
                           check=True, env=env, capture_output=True)
            text = (tmp_path / f"t_{mode}{h}.v").read_text()
            lines[mode].add(next(x for x in text.splitlines() if x.startswith("always @")))
    assert len(lines["canon"]) == 1 and len(lines["raw"]) > 1, lines


def test_same_bytes_alone_or_after_other_cores(tmp_path):
    """A core converted alone (as `neurohdl gen` or the FuseSoC generator does) equals the same
    core converted after every other core in one process (MyHDL's global instance names)."""
    alone, batch = tmp_path / "alone", tmp_path / "batch"
    one = ("import neurohdl, sys; from neurohdl.registry import get; e = get('sc.xor_absdiff'); "
           "neurohdl.generate(e.decl, e.decl.params(), sys.argv[1])")
    subprocess.run([sys.executable, "-c", one, str(alone)], check=True)
    many = ("import neurohdl, sys; from neurohdl.registry import cores\n"
            "for e in cores():\n"
            "    neurohdl.generate(e.decl, e.decl.params(), sys.argv[1] + '/' + e.decl.core)\n")
    subprocess.run([sys.executable, "-c", many, str(batch)], check=True)
    assert (alone / "xor_absdiff.v").read_bytes() == (batch / "xor_absdiff" / "xor_absdiff.v").read_bytes()

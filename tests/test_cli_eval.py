# SPDX-License-Identifier: Apache-2.0
"""``neurohdl eval``: the figures of a committed digits net, and its mistakes refused in one
line before anything is written."""
import json
from pathlib import Path

import numpy as np
import pytest

from neurohdl.cli import main

NETS = Path(__file__).parent / "data" / "nets"
LEAKY = ["eval", str(NETS / "snntorch_leaky.nir"), "--dt", "1e-4", "--input-bits", "8"]


def test_eval_prints_the_figures_as_json(capsys, tmp_path):
    rc = main(LEAKY + ["--data", str(NETS / "digits_current.npz"), "--limit", "3", "--json",
                       "--save", str(tmp_path / "r.npz"), "--report", str(tmp_path / "rep")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["samples"] == 3 and set(out["accuracy"]) == {"float", "bit_true"}
    assert 0 <= out["agreement"] <= 1 and out["spikes"]["float"] > 0
    with np.load(tmp_path / "r.npz") as r:
        assert r["float"].shape == r["bit_true"].shape == (16, 3, 10)
        # the saved float raster is the framework's own (nir_ref reproduces it exactly)
        want = np.load(NETS / "snntorch_leaky.spikes.npz")["spikes"][:, :3]
        assert np.array_equal(r["float"], want)
    assert (tmp_path / "rep" / "quant_report.md").exists()


@pytest.mark.parametrize("extra, data, message", [     # (the rest: tests/test_cli_errors.py)
    ([], "labels_only", "no 'inputs' array"),
    (["--save", "nowhere/r.npz"], "good", "nowhere/r.npz: its folder does not exist"),
    (["--input-bits", "0"], "good", "allowed spikes 0/1"),
    (["--limit", "0"], "good", "--limit 0: allowed"),
])
def test_eval_mistakes_are_one_line(capsys, tmp_path, monkeypatch, extra, data, message):
    monkeypatch.chdir(tmp_path)
    path = NETS / "digits_current.npz"
    if data == "labels_only":
        path = tmp_path / "bad.npz"
        np.savez(path, labels=np.zeros(3))
    rc = main(LEAKY + ["--data", str(path), "--limit", "2"] + extra)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and message in err[0], err
    assert err[0].startswith("neurohdl: error:")
    assert list(tmp_path.iterdir()) == ([path] if data == "labels_only" else [])

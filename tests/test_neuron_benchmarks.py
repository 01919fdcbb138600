# SPDX-License-Identifier: Apache-2.0
"""The neuron benchmark scripts run end to end on a small problem and write what their docs
link to (benchmarks/neuron_speed.py, benchmarks/neuron_plots.py)."""
import importlib.util
from pathlib import Path

import pytest

from neurohdl.verif.common.tools import need_module

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_neuron_speed_table(tmp_path):
    bench = _load("neuron_speed")
    assert bench.main(["--n", "200", "--steps", "3", "--repeat", "1", "--out",
                       str(tmp_path)]) == 0
    rows = [ln for ln in (tmp_path / "neuron_speed.md").read_text().splitlines()
            if ln.startswith("| neuron.") or ln.startswith("| plain")]
    assert len(rows) == len(bench.cases(10, 2))
    assert all(" M |" in ln for ln in rows)


def test_neuron_plots_png(tmp_path):
    need_module("matplotlib")
    plots = _load("neuron_plots")
    assert plots.main(["--out", str(tmp_path)]) == 0
    png = tmp_path / "neuron_traces.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


@pytest.mark.fpga
def test_core_lc_counts_the_bare_core():
    """benchmarks/core_lc.py: a multiplying LIF takes one SB_MAC16 with -dsp and more logic
    cells without it; the figure is nextpnr's packed ICESTORM_LC count."""
    bench = _load("core_lc")
    dsp = bench.core_lc("neuron.lif", {"leak": "multiply"}, dsp=True)
    lut = bench.core_lc("neuron.lif", {"leak": "multiply"}, dsp=False)
    assert dsp["dsp"] == 1 and lut["dsp"] == 0
    assert 10 < dsp["lc"] < lut["lc"] < 1000


def _engine_table_digests(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in text.split("<!-- engine_fmax table -->", 1)[1].split("\n\n", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) > 2 and cells[0] not in ("config", "---"):
            out.setdefault(cells[0], set()).add(cells[2])
    return out


def test_engine_fmax_table_is_of_the_current_configurations():
    """docs/cores/neuron/engine.md's Fmax table (benchmarks/engine_fmax.py's output) was
    measured on the Params the benchmark builds today: a changed configuration or Params
    layout changes the digest and the table must be measured again."""
    from neurohdl.models.neuron.engine import EngineParams
    bench = _load("engine_fmax")
    docs = BENCH.parent / "docs" / "cores" / "neuron" / "engine.md"
    table = _engine_table_digests(docs.read_text())
    want = {name: {EngineParams.from_dict(sets).digest()} for name, sets in bench.CONFIGS.items()
            if any(r[0] == name for r in bench.RUNS)}
    assert table == want
    stale = docs.read_text().replace(next(iter(want["lif256"])), "06d73e5a01d1")
    assert _engine_table_digests(stale) != want            # must-fail: an old digest is seen

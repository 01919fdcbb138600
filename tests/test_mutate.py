# SPDX-License-Identifier: Apache-2.0
"""neurohdl mutate: yosys ``mutate`` mutants through a core's cocotb suite.

On sc.and_mul (y = a AND b behind one register slice): a mutant the suite must kill (the AND
output inverted) is killed; the equivalence check proves a mutant equivalent that is so by
reasoning (the reset value of the output data register, seen only while m_y_tvalid is low) and
refuses the same mutant when every output is compared in every cycle, and refuses the killed
one.  The rotated check (``rotation("mutate")``, one measured core a ``make test``; ``make regress``:
every measured core) simulates a seed-drawn sample of the core's mutant list of
docs/verification.md and fails on a survivor the page does not list; ``make mutate``
(``NEUROHDL_MUTATE=all``) runs every mutant of the list of every core, measured or not.
"""
import os
import random
import re
from pathlib import Path

import pytest

from neurohdl import ParamError
from neurohdl.cli import main
from neurohdl.mutate import Mutation, Mutator, Outcome, check_args, mutate_core
from neurohdl.registry import cores, get
from neurohdl.verif.common.runner import rotation

DOCS = Path(__file__).resolve().parents[1] / "docs" / "verification.md"
LIST_N = 20         # mutants listed per core, as in docs/verification.md
SAMPLE = 1          # of which make test / make regress simulate this many (make mutate: all)
#: Cores whose cocotb suite takes minutes: mutated in make regress only.
SLOW = ("net.snn_soc", "neuron.engine", "bus.uart_bridge")


@pytest.fixture(scope="module")
def and_mul(tmp_path_factory):
    m = Mutator("sc.and_mul", get("sc.and_mul").decl.params(), 1,
                tmp_path_factory.mktemp("and_mul"))
    m.prepare()
    return m


def _reset_mux_of(il: str, register: str) -> str:
    """Name of the $mux cell selected by ``rst`` that feeds ``register``'s next value in an
    RTLIL netlist after ``proc`` (its output wire is ``$0\\<register>[...]``)."""
    for block in re.findall(r"^\s*cell \$mux (\S+)\n(.*?)^\s*end", il, re.M | re.S):
        name, body = block
        if re.search(r"connect \\S \\rst\n", body) and \
                re.search(rf"connect \\Y \$0\\{register}\[", body):
            return name
    raise AssertionError(f"no reset mux of {register} in the netlist")


def test_suite_kills_the_inverted_and(and_mul):
    """Must-fail of the whole flow: y = NOT (a AND b) fails the suite and is not equivalent."""
    inv_y = [x for x in and_mul.mutations(LIST_N, 1)
             if x.options()["mode"] == ["inv"] and x.options().get("wire") == ["y"]]
    assert inv_y, "yosys listed no inversion of wire y (the AND output)"
    o = and_mul.run_one(inv_y[0], limit=120, depth=10)
    assert o.status == "killed" and o.failed > 0, o
    assert and_mul.equivalence(inv_y[0], depth=10).result == "counterexample"


def test_equivalence_proves_and_refuses(and_mul):
    """The data register's reset value (0 -> 1) is visible only while tvalid is low: equivalent
    under the stream contract (a proof, not a bounded run), not when tdata is compared in
    every cycle."""
    cell = _reset_mux_of((and_mul.out / "design.il").read_text(), "gate_reg0_q")
    m = Mutation(1, f"mutate -mode inv -module and_mul -cell {cell} -port B -portbit 0")
    and_mul.write_mutant(m)
    eq = and_mul.equivalence(m, depth=10)
    assert eq.result == "proven", eq.text()
    assert and_mul.equivalence(m, depth=10, contract=False).result == "counterexample"


def test_register_matching_proves_a_hidden_state_equivalence(tmp_path):
    """stream.fifo (depth 16): m_out_tvalid = (cnt != 0) with cnt[3] replaced by
    cnt[3] ^ cnt[4] is the same function for every cnt (when cnt[4] is 1 the OR is 1 anyway).
    The miter's induction cannot close on it (the FIFO's state is hidden); matching the
    registers by name proves it.  The inverted AND above is refused by the same path."""
    m = Mutator("stream.fifo", get("stream.fifo").decl.params(), 1, tmp_path)
    m.prepare()
    hits = [x for x in m.mutations(LIST_N, 1) if x.options()["mode"] == ["cnot1"]
            and x.options().get("portbit") == ["3"] and x.options().get("ctrlbit") == ["4"]
            and "cnt != zero_c" in _source_line(tmp_path, x)]
    assert len(hits) == 1, "yosys listed no cnt[3] ^ cnt[4] mutation of m_out_tvalid"
    m.write_mutant(hits[0])
    assert m.equivalence(hits[0], depth=5, timeout=20).result == "matched"


def _source_line(out: Path, m: Mutation) -> str:
    """The converted Verilog line of a mutation's first -src tag."""
    src = m.options().get("src", [""])[0]
    name, line = re.match(r"(.*?):(\d+)", src).groups()
    return (out / "hdl" / name).read_text().splitlines()[int(line) - 1]


def test_a_clock_mutation_is_never_called_equivalent(and_mul):
    m = Mutation(1, "mutate -mode inv -module and_mul -cell x -port CLK -portbit 0")
    assert and_mul.equivalence(m).result == "not checked"


@pytest.mark.parametrize("argv, pattern", [
    (["mutate", "sc.nope"], r"core 'sc\.nope': not registered"),
    (["mutate", "sc.and_mul", "-n", "0"], r"-n 0: allowed 1\.\.1000$"),
    (["mutate", "sc.and_mul", "-n", "5", "--only", "6"], r"--only 6: allowed 1\.\.5 "),
    (["mutate", "sc.and_mul", "--jobs", "99"], r"--jobs 99: allowed 1\.\.16$"),
    (["mutate", "sc.and_mul", "--fail-under", "101"], r"--fail-under 101.*allowed 0\.\.100"),
])
def test_user_mistakes_are_one_line(tmp_path, monkeypatch, capsys, argv, pattern):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(pattern, err[0]), err
    assert list(tmp_path.iterdir()) == []


def test_check_args_bounds():
    check_args(1, 1, [1], 1)
    with pytest.raises(ParamError, match="-n 1001"):
        check_args(1001, 1, None, 20)


def measured_cores() -> list[str]:
    """The cores of the page's results table (rows ``| core | 20 | ...``)."""
    text = DOCS.read_text() if DOCS.exists() else ""
    return re.findall(r"^\| ([a-z_]+\.[a-z_0-9]+) \| \d+ \| \d+ \|", text, re.M)


def documented_survivors(core: str) -> set[str]:
    """The survivors docs/verification.md lists for ``core``: rows ``| core | #i | `text` |``."""
    text = DOCS.read_text() if DOCS.exists() else ""
    return {m.group(1) for m in re.finditer(rf"^\| {re.escape(core)} \| #\d+ \| `([^`]+)`", text,
                                            re.M)}


def configurations(text: str) -> dict[str, dict[str, str]]:
    """The page's configurations table: ``| core | `--set a=1 --set b=2` |`` -> {core: {a: 1,
    b: 2}} (a core whose suite takes minutes is measured in a smaller configuration)."""
    return {m.group(1): dict(s.split("=", 1) for s in re.findall(r"--set (\S+)", m.group(2)))
            for m in re.finditer(r"^\| ([a-z_]+\.[a-z_0-9]+) \| `((?:--set \S+ ?)+)` \|", text,
                                 re.M)}


def measured_params(core: str):
    """The configuration the page measured ``core`` in: its configurations-table row, else the
    Params defaults."""
    text = DOCS.read_text() if DOCS.exists() else ""
    return get(core).decl.params.from_dict(configurations(text).get(core, {}))


def undocumented(outcomes, known: set[str]) -> list[str]:
    """Survivors and timeouts whose description is not in ``known``."""
    return [f"#{o.index} {o.description} ({o.status})" for o in outcomes
            if o.status in ("survived", "timeout") and o.description not in known]


def test_an_undocumented_survivor_is_caught():
    """Must-fail of the rotated check's verdict, and the page's rows parse."""
    outs = [Outcome(i, "", d, st, 0.0) for i, (d, st) in enumerate(
        [("a", "survived"), ("b", "killed"), ("c", "timeout"), ("d", "equivalent")], 1)]
    assert undocumented(outs, {"a"}) == ["#3 c (timeout)"]
    assert "sc.and_mul" in measured_cores()
    assert any(documented_survivors(c) for c in measured_cores())
    assert configurations("| x.y | `--set a=1 --set b.c=x=2` |\n| x.z | 20 | 1 |") == \
        {"x.y": {"a": "1", "b.c": "x=2"}}


@pytest.mark.slow
@pytest.mark.parametrize("name", [e.name for e in cores()])
def test_every_survivor_is_documented(name, tmp_path):
    """The core's measured configuration (``measured_params``), yosys `mutate -list 20 -seed
    1` (the sample of docs/verification.md): every mutant is killed, equivalent, or listed on
    the page.  make test draws from the cores the page has measured (not the SLOW ones); make
    regress runs every core, and a core not yet measured fails on any survivor."""
    fast = [c for c in measured_cores() if c not in SLOW]
    chosen = rotation("mutate", names=fast)
    if chosen is not None and name not in chosen:
        pytest.skip(f"mutate: not in this run's rotation ({', '.join(chosen)}; "
                    "NEUROHDL_MUTATE=all or NEUROHDL_ROTATE=off runs every core)")
    full = os.environ.get("NEUROHDL_MUTATE", "").strip() not in ("", "none")   # make mutate
    if name not in measured_cores() and not full:
        pytest.skip(f"mutate: {name} not measured yet (`NEUROHDL_MUTATE={name} make mutate` "
                    f"or `neurohdl mutate {name} -n {LIST_N}`, then list it in {DOCS.name})")
    only = None
    if not full:                # make test / make regress: a replayable sample of the list
        rng = random.Random(f"{os.environ.get('NEUROHDL_SEED', '1')}:mutate:{name}")
        only = sorted(rng.sample(range(1, LIST_N + 1), SAMPLE))
    r = mutate_core(name, measured_params(name), tmp_path, n=LIST_N, only=only)
    new = undocumented(r.outcomes, documented_survivors(name))
    assert not new, (f"{name}: mutants neither killed nor equivalent nor listed in {DOCS.name}: "
                     + "; ".join(new) + f" (report {tmp_path / 'report.json'})")

# SPDX-License-Identifier: Apache-2.0
"""docs/tutorial_host.md, run as written: the tutorial cannot rot.

The page's fenced blocks run in order, as one session in a temporary folder: ``python`` blocks
in one namespace in this process, ``sh`` blocks in bash; a ``python`` block whose first line is
``# file: NAME`` is written to NAME instead (a later ``sh`` block runs it).  ``console`` blocks
(pip install) are not run.  A comment ``# -> text`` after an expression statement (continued on
comment lines indented by at least two spaces) is the expression's expected ``repr``, ``...``
matching anything, whitespace-insensitive.

The hardware is stood in for: pyserial by tests/_fake_pyserial/serial.py (every port is a board
with the default SnnSocParams: the UART bridge model in front of the SoC model), ``/dev/mem``
by a ModelTransport on a Wishbone-host SoC model.  Section 9's script runs the converted RTL in
Icarus + cocotb (about 15 s).
"""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.sw import devmem
from neurohdl.sw.snn_soc import ModelTransport

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "tutorial_host.md"
FAKE_SERIAL = Path(__file__).with_name("_fake_pyserial")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
EXPECT = re.compile(r"^\s*# -> (.*)$")


def blocks(text: str) -> list[tuple[str, str, int]]:
    """(language, code, first line number) of every fenced block."""
    return [(m.group(1), m.group(2), text[:m.start()].count("\n") + 2)
            for m in FENCE.finditer(text)]


def expectations(code: str) -> dict[int, str]:
    """line of the ``# ->`` comment (1-based) -> expected text (continuations joined)."""
    lines, out = code.splitlines(), {}
    for i, ln in enumerate(lines):
        m = EXPECT.match(ln)
        if m:
            text, j = m.group(1), i + 1
            while j < len(lines) and re.match(r"^\s*#\s{2,}\S", lines[j]):
                text += " " + lines[j].lstrip()[1:].strip()
                j += 1
            out[i + 1] = text
    return out


def matches(value, expected: str) -> bool:
    norm = lambda s: " ".join(s.split())                      # noqa: E731
    pattern = ".*?".join(re.escape(part) for part in norm(expected).split("..."))
    return re.fullmatch(pattern, norm(repr(value)), re.S) is not None


def instrument(code: str, where: str) -> ast.Module:
    """The block with every expression followed by a ``# ->`` line wrapped in _check()."""
    tree = ast.parse(code, where)
    want = expectations(code)
    for line, text in want.items():
        before = [s for s in tree.body if s.end_lineno < line]
        stmt = before[-1] if before else None
        if not isinstance(stmt, ast.Expr):
            raise AssertionError(f"{where}: '# ->' at line {line} does not follow an expression")
        stmt.value = ast.Call(ast.Name("_check", ast.Load()),
                              [stmt.value, ast.Constant(text), ast.Constant(f"{where}+{line}")],
                              [])
    return ast.fix_missing_locations(tree)


def _check(value, expected, where):
    assert matches(value, expected), f"{where}: got {value!r}, the page says {expected}"


class FakeDevMem(ModelTransport):
    """DevMemTransport's interface in front of a Wishbone-host SoC model."""

    def __init__(self, base: int, size: int, path: str = "/dev/mem"):
        assert (base % 4, size % 4, path) == (0, 0, "/dev/mem"), (base, size, path)
        super().__init__(SocModel(SnnSocParams(host="wishbone")))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def run_page(text: str, cwd: Path, monkeypatch) -> tuple[int, str]:
    """Run the page's blocks; returns how many ``# ->`` results were checked and what the
    shell blocks printed."""
    monkeypatch.chdir(cwd)
    monkeypatch.syspath_prepend(str(FAKE_SERIAL))
    monkeypatch.delitem(sys.modules, "serial", raising=False)
    monkeypatch.setattr(devmem, "DevMemTransport", FakeDevMem)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(FAKE_SERIAL)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), str(ROOT / "tools" / "bin"),
                              os.environ.get("PATH", "")]))
    ns: dict = {"_check": _check, "__name__": "__tutorial__"}
    checked, printed = 0, ""
    for lang, code, line in blocks(text):
        where = f"{PAGE.name}:{line}"
        first = code.splitlines()[0] if code.strip() else ""
        if lang == "python" and first.startswith("# file: "):
            (cwd / first[len("# file: "):].strip()).write_text(code)
        elif lang == "python":
            exec(compile(instrument(code, where), where, "exec"), ns)
            checked += len(expectations(code))
        elif lang == "sh":
            r = subprocess.run(["bash", "-e", "-c", code], cwd=cwd, env=env, text=True,
                               capture_output=True, timeout=600)
            assert r.returncode == 0, f"{where}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
            printed += r.stdout
        elif lang != "console":
            raise AssertionError(f"{where}: fence language {lang!r}: allowed python, sh, "
                                 "console")
    return checked, printed


def test_tutorial_runs_as_written(tmp_path, monkeypatch):
    checked, printed = run_page(PAGE.read_text(), tmp_path, monkeypatch)
    assert checked >= 8, checked
    assert "RTL and model agree: True" in printed, printed
    assert "board: {'spikes': [[" in printed, printed
    assert (tmp_path / "build" / "regmap" / "manifest.json").exists()
    assert (tmp_path / "build" / "myhost" / "host_program.json").exists()   # the RTL ran


def test_checker_catches_a_rotten_page(tmp_path, monkeypatch):
    """Must-fail: a wrong expected result, a broken call and a failing shell line are caught."""
    good = "```python\nx = [1, 2]\nx\n# -> [1, ...]\n```\n"
    assert run_page(good, tmp_path, monkeypatch) == (1, "")
    for bad, err in [("```python\nx = [1, 2]\nx\n# -> [1, 3]\n```\n", AssertionError),
                     ("```python\nfrom neurohdl.sw.snn_soc import NoSuchThing\n```\n",
                      ImportError),
                     ("```sh\nneurohdl no-such-command\n```\n", AssertionError),
                     ("```python\nx = 1\n# -> 1\n```\n", AssertionError)]:
        with pytest.raises(err):
            run_page(bad, tmp_path, monkeypatch)

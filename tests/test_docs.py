# SPDX-License-Identifier: Apache-2.0
"""Documentation checks.

1. Links: every relative link in every Markdown file of the repository (README.md, docs/,
   examples/, CHANGELOG.md, ...) resolves to an existing file, and a ``#anchor`` to a heading of
   the target page; every documentation path that a source file mentions in a comment or
   docstring (``docs/...md``, ``examples/...md``, a root page such as ``README.md``, or any
   ``../`` path ending in ``.md``) exists.
2. The docs site: ``mkdocs build --strict`` (what ``make docs`` runs) succeeds; strict mode fails
   on a broken link or anchor and on a page under docs/ missing from ``nav``.
Each check has a must-fail on a doctored copy.
"""
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from neurohdl.verif.common.tools import need_module

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".venv", "build", "node_modules", ".pytest_cache", "__pycache__", "dist",
             "sim_build"}
SOURCE_SUFFIXES = {".py", ".v", ".sv", ".vhd", ".sh", ".core", ".vlt", ".rdl", ".pcf", ".lpf",
                   ".xdc", ".toml", ".lock", ".yml", ".yaml", ".c", ".h", ".cfg", ".ini", ".sby"}
SOURCE_NAMES = {"Makefile", "run"}            # Makefile, .ci/run; tools/bin/* have no suffix


def tree_files(root: Path):
    """Files of the working tree, without VCS, venv, build output and egg-info folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in filenames:
            yield Path(dirpath) / name


# -- Markdown links ------------------------------------------------------------------------------
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """Markdown without code blocks and code spans (links there are examples, not links)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slugs(heading: str) -> set[str]:
    """The anchors MkDocs (Python-Markdown's toc) and GitHub give a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    mkdocs = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_).strip().lower())
    github = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
    return {mkdocs, github}


def anchors(md: Path) -> set[str]:
    out: set[str] = set()
    for h in HEADING.findall(FENCE.sub("", md.read_text())):
        for s in slugs(h):
            n = 0
            while (s if n == 0 else f"{s}-{n}") in out:
                n += 1
            out.add(s if n == 0 else f"{s}-{n}")
    return out


def dead_links(md: Path, root: Path) -> list[str]:
    """``file: target (why)`` for every relative link of ``md`` that does not resolve."""
    text = prose(md.read_text())
    bad = []
    for target in LINK.findall(text) + REF_DEF.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):      # http:, https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        dest = (md.parent / path).resolve() if path else md
        where = f"{md.relative_to(root)}: {target}"
        if not dest.exists():
            bad.append(f"{where} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{where} (no heading with anchor #{anchor})")
    return bad


def markdown_files(root: Path) -> list[Path]:
    return sorted(p for p in tree_files(root) if p.suffix == ".md")


# -- documentation paths mentioned in source files ---------------------------------------------
MENTION = re.compile(r"(?<![\w{}$/.-])((?:\.\./|\./)*(?:[\w-]+/)*[\w.-]+\.md)\b")
ROOT_PAGE = re.compile(r"^[A-Z][A-Z0-9_-]*\.md$")           # README.md, CHANGELOG.md, ...


def is_source(p: Path) -> bool:
    return p.suffix in SOURCE_SUFFIXES or p.name in SOURCE_NAMES or p.parent.name == "bin"


def dead_mentions(src: Path, root: Path) -> list[str]:
    """``file:line: path`` for every documentation path in ``src`` that does not exist.
    Checked: docs/... and examples/... (from the repository root), bare upper-case root pages
    (README.md), and ``../`` paths (from the file's folder); other names (generated files such
    as ``regmap/snn_soc.md``) are not documentation paths."""
    bad = []
    for n, line in enumerate(src.read_text(errors="replace").splitlines(), 1):
        for path in MENTION.findall(line):
            if path.startswith(("docs/", "examples/")) or ROOT_PAGE.match(path):
                dest = root / path
            elif "../" in path:
                dest = (src.parent / path).resolve()
            else:
                continue
            if not dest.exists():
                bad.append(f"{src.relative_to(root)}:{n}: {path}")
    return bad


def source_files(root: Path) -> list[Path]:
    me = Path(__file__).resolve()       # this file's must-fail texts name dead paths on purpose
    return sorted(p for p in tree_files(root) if is_source(p) and p.resolve() != me)


# -- tests ---------------------------------------------------------------------------------------
def test_markdown_links_resolve():
    files = markdown_files(ROOT)
    assert ROOT / "README.md" in files and ROOT / "docs" / "toolchain.md" in files
    assert len(files) > 40
    assert [bad for md in files for bad in dead_links(md, ROOT)] == []


def test_source_mentions_of_docs_exist():
    files = source_files(ROOT)
    assert ROOT / "Makefile" in files and ROOT / "tools" / "bin" / "yosys" in files
    assert [bad for src in files for bad in dead_mentions(src, ROOT)] == []


def test_link_check_must_fail(tmp_path):
    """A doctored tree: each kind of dead link or mention is reported, the live ones are not."""
    (tmp_path / "docs" / "cores").mkdir(parents=True)
    (tmp_path / "docs" / "page.md").write_text("# Page\n\n## 2.7 Fixed point\n")
    (tmp_path / "README.md").write_text(
        "[ok](docs/page.md) [ok](docs/page.md#27-fixed-point) [dead](docs/missing.md)\n"
        "[bad anchor](docs/page.md#28-nothing) [web](https://example.org/x.md)\n"
        "`[in code](docs/not_a_link.md)`\n\n[ref]: docs/gone.md\n")
    (tmp_path / "docs" / "cores" / "x.md").write_text("[up](../page.md) [up](../../docs/none.md)\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "setup.sh").write_text(
        "# see docs/page.md and docs/missing.md\n# notes: ../shared/notes/TOOLCHAIN.md\n"
        "# TOOLCHAIN.md section 4; writes regmap/snn_soc.md\n")
    links = [b for md in markdown_files(tmp_path) for b in dead_links(md, tmp_path)]
    assert links == ["README.md: docs/missing.md (no such file)",
                     "README.md: docs/page.md#28-nothing (no heading with anchor #28-nothing)",
                     "README.md: docs/gone.md (no such file)",
                     "docs/cores/x.md: ../../docs/none.md (no such file)"]
    mentions = [b for src in source_files(tmp_path) for b in dead_mentions(src, tmp_path)]
    assert mentions == ["tools/setup.sh:1: docs/missing.md",
                        "tools/setup.sh:2: ../shared/notes/TOOLCHAIN.md",
                        "tools/setup.sh:3: TOOLCHAIN.md"]


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess:
    need_module("mkdocs")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                           "-d", str(site)], capture_output=True, text=True, timeout=300)


def test_docs_site_builds_strict(tmp_path):
    """What `make docs` runs, into tmp_path: every page under docs/ is in nav, no dead link."""
    r = mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    pages = {p.relative_to(ROOT / "docs").with_suffix(".html")
             for p in (ROOT / "docs").rglob("*.md")}
    built = {p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*.html")}
    assert pages <= built, sorted(map(str, pages - built))
    assert not [p for p in (tmp_path / "site").rglob("*.html") if "cdnjs" in p.read_text()]


@pytest.mark.parametrize("doctor, message", [
    ("broken link", "contains a link 'nowhere.md'"),
    ("page not in nav", "not included in the \"nav\""),
])
def test_docs_site_strict_must_fail(tmp_path, doctor, message):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "docs", src / "docs")
    shutil.copy(ROOT / "mkdocs.yml", src / "mkdocs.yml")
    if doctor == "broken link":
        with (src / "docs" / "toolchain.md").open("a") as f:
            f.write("\nSee [this](nowhere.md).\n")
    else:
        (src / "docs" / "orphan.md").write_text("# Orphan\n")
    r = mkdocs_build(src / "mkdocs.yml", tmp_path / "site")
    assert r.returncode != 0
    assert message in r.stderr, r.stderr[-3000:]


# -- generated ports / Params tables (neurohdl docs) --------------------------------------------
GEN_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+?) \| (.+?) \| .* \|$", re.M)


def generated_rows(page: Path, kind: str) -> list[tuple[str, str, str]]:
    """(name, 2nd cell, 3rd cell) of the rows between the page's ``kind`` markers, read as plain
    Markdown (not through neurohdl.docgen)."""
    text = page.read_text()
    body = text.split(f"<!-- BEGIN generated: {kind} -->")[1].split(
        f"<!-- END generated: {kind} -->")[0]
    return GEN_ROW.findall(body)


def test_generated_tables_up_to_date():
    """Every registered core's page has both generated blocks and they are what the code gives;
    on a failure, run `neurohdl docs` and commit the pages."""
    from neurohdl.docgen import update
    from neurohdl.registry import cores

    entries = cores()
    assert len(entries) > 30
    assert [str(c) for c in update(entries, ROOT / "docs", write=False)] == []


def test_generated_tables_must_fail(tmp_path):
    """A committed page whose generated table was edited (one row), or that lacks the markers,
    is named; writing fixes both and leaves the hand-written text alone."""
    from neurohdl.docgen import DocsError, update
    from neurohdl.registry import get

    entries = [get("sc.lfsr"), get("sc.mul"), get("neuron.lif")]
    for e in entries:
        dest = tmp_path / "cores" / e.decl.family / f"{e.decl.core}.md"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(e.docs, dest)
    lfsr, mul = tmp_path / "cores/sc/lfsr.md", tmp_path / "cores/sc/mul.md"
    edited = lfsr.read_text().replace("| `width` | `16` | 3..32 |", "| `width` | `16` | 3..31 |")
    assert edited != lfsr.read_text()
    lfsr.write_text(edited)
    bare = re.sub(r"<!-- BEGIN generated: ports -->.*<!-- END generated: ports -->",
                  "| port | dir | width |\n|---|---|---|\n| `clk` | in | 1 |", mul.read_text(),
                  flags=re.S)                             # a hand-written table, no markers
    mul.write_text(bare)
    assert [str(c) for c in update(entries, tmp_path, write=False)] == [
        "docs/cores/sc/lfsr.md: params table differs from the code",
        "docs/cores/sc/mul.md: ports table differs from the code"]
    assert lfsr.read_text() == edited                    # --check writes nothing
    assert len(update(entries, tmp_path, write=True)) == 2
    assert update(entries, tmp_path, write=False) == []
    assert lfsr.read_text() == get("sc.lfsr").docs.read_text()
    assert mul.read_text() == get("sc.mul").docs.read_text()
    mul.write_text(re.sub(r"<!-- (BEGIN|END) generated: ports -->|## Ports", "", bare))
    lfsr.write_text(edited)
    assert [str(c).split(";")[0] for c in update(entries, tmp_path, write=False)] == [
        "docs/cores/sc/lfsr.md: params table differs from the code",
        "docs/cores/sc/mul.md: no '## Ports' heading and no <!-- BEGIN generated: ports --> marker"]
    with pytest.raises(DocsError, match=r"docs/cores/sc/mul.md: no '## Ports' heading"):
        update(entries, tmp_path, write=True)
    assert lfsr.read_text() == edited                    # all or nothing


def _info_json(capsys, core: str, *sets: str) -> dict:
    import json

    from neurohdl.cli import main

    assert main(["info", core, "--json"] + [a for s in sets for a in ("--set", s)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("core", ["neuron.lif", "sc.mul"])
def test_generated_tables_match_info(capsys, core):
    """The committed tables state what `neurohdl info --json` reports: every port with its
    direction and width, every Params field with its default; a width expression gives the
    port's width at another configuration too (evaluated on that configuration's info)."""
    from neurohdl.registry import get

    page = get(core).docs
    info = _info_json(capsys, core)
    ports = generated_rows(page, "ports")
    assert [(n, d, w.split()[0]) for n, d, w in ports] == \
        [(q["name"], q["direction"], str(q["width"])) for q in info["ports"]]
    params = generated_rows(page, "params")
    assert [(n, d) for n, d, _ in params] == \
        [(r["name"], f"`{r['default']!r}`") for r in info["params"]]
    exprs = {n: w.split("`")[1] for n, _, w in ports if "`" in w}
    assert exprs, "no width expression to check"
    other = _info_json(capsys, core, "width=20")
    names = {r["name"]: r["value"] for r in other["params"]} | other["derived"]
    for q in other["ports"]:
        if q["name"] in exprs:
            assert eval(exprs[q["name"]], {"__builtins__": {}}, names) == q["width"], q["name"]


def test_width_expressions_traced_and_checked(monkeypatch):
    """A width computed by + - * // from Params fields gets its expression (parenthesised where
    needed); one from max() or a branch, which the trace cannot see, gets none (must-fail of
    the check on random configurations); a constant gets none."""
    from dataclasses import dataclass

    from neurohdl.core import OUT, CoreDecl, Port, clk_rst
    from neurohdl.docgen import width_exprs
    from neurohdl.params import Params, pfield

    @dataclass(frozen=True)
    class TwoParams(Params):
        a: int = pfield(8, "a", lo=1, hi=16)
        b: int = pfield(4, "b", lo=1, hi=16)

    def ports(p):
        return clk_rst() + [Port("x", OUT, p.a + 1, "status"),
                            Port("w", OUT, (p.a + p.b) * 2, "status"),
                            Port("v", OUT, p.a + 20 - (p.b - 1), "status"),
                            Port("y", OUT, max(p.a, p.b), "status"),
                            Port("z", OUT, p.a if p.b < 5 else p.b, "status"),
                            Port("c", OUT, 3, "status")]

    decl = CoreDecl(name="t.two", version="1.0.0", params=TwoParams, top=lambda: None,
                    ports=ports, description="", arith={})
    assert width_exprs(decl, TwoParams()) == {"x": "a + 1", "w": "(a + b) * 2",
                                              "v": "a + 20 - (b - 1)"}
    import neurohdl.docgen
    monkeypatch.setattr(neurohdl.docgen, "EXPR_CONFIGS", 0)      # the trace alone is wrong
    assert width_exprs(decl, TwoParams())["y"] == width_exprs(decl, TwoParams())["z"] == "a"


def test_docs_cli(tmp_path, monkeypatch, capsys):
    """`neurohdl docs --check` exits 1 with one line per page that differs and writes nothing;
    `neurohdl docs` writes it and says so; then --check exits 0; a mistake exits 2."""
    import neurohdl.registry
    from neurohdl.cli import main

    page = tmp_path / "docs" / "cores" / "sc" / "lfsr.md"
    page.parent.mkdir(parents=True)
    good = (ROOT / "docs" / "cores" / "sc" / "lfsr.md").read_text()
    page.write_text(good.replace("| `m_rnd_tdata` | out | 16 = `width` |",
                                 "| `m_rnd_tdata` | out | 12 = `width` |"))
    assert page.read_text() != good
    monkeypatch.setattr(neurohdl.registry, "REPO_ROOT", tmp_path)
    assert main(["docs", "--check", "sc.lfsr"]) == 1
    out = capsys.readouterr()
    assert out.out == "docs/cores/sc/lfsr.md: ports table differs from the code\n"
    assert page.read_text() != good
    assert main(["docs", "sc.lfsr"]) == 0
    assert capsys.readouterr().out.startswith("wrote docs/cores/sc/lfsr.md (ports table)\n")
    assert page.read_text() == good
    assert main(["docs", "--check", "sc.lfsr"]) == 0
    assert main(["docs", "--check", "sc.lfrs"]) == 2
    assert "did you mean sc.lfsr" in capsys.readouterr().err


def test_params_table_nested():
    """Nested Params render as dotted rows; a class chosen by another field gets a 'when' group
    row, and its bounds are resolved at the defaults only for the default choice."""
    from dataclasses import dataclass

    from neurohdl.docgen import params_table
    from neurohdl.models.neuron.alif import AlifParams
    from neurohdl.models.neuron.lif import LifParams
    from neurohdl.params import Params, pfield, pfield_params

    @dataclass(frozen=True)
    class NetParams(Params):
        neuron: str = pfield("lif", "type", choices=("lif", "alif"))
        cell: Params = pfield_params({"lif": LifParams, "alif": AlifParams}, "the cell",
                                     choose_by="neuron")

    class Entry:
        class decl:
            params = NetParams

    rows = params_table(Entry).split("\n")
    assert "| `cell` | `LifParams` | `'lif': LifParams` \\| `'alif': AlifParams` | the cell |" \
        in rows
    lif, alif = rows.index("| *when neuron = 'lif':* | | | |"), \
        rows.index("| *when neuron = 'alif':* | | | |")
    frac = [n for n, r in enumerate(rows) if r.startswith("| `cell.frac_bits` |")]
    assert len(frac) == 2 and lif < frac[0] < alif < frac[1]
    assert "| 0..15\\* |" in rows[frac[0]] and "| 0..f(...) |" in rows[frac[1]]

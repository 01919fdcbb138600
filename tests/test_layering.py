# SPDX-License-Identifier: Apache-2.0
"""Dependencies run one way: framework <- models <- rtl_py <- verif (static imports).

The framework reaches cores only through the registry's run-time plugin discovery
(``importlib.import_module`` by name), never by a static import; models never import MyHDL.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {  # tree -> packages it must not import
    "neurohdl": ("neurohdl.models", "neurohdl.rtl", "neurohdl.verif", "neurohdl.sw"),
    "models": ("neurohdl.rtl", "neurohdl.verif", "neurohdl.sw", "myhdl", "cocotb"),
    "rtl_py": ("neurohdl.verif", "neurohdl.sw", "cocotb"),
    "sw": ("neurohdl.rtl", "neurohdl.verif", "myhdl", "cocotb"),
}
PKG = {"neurohdl": "neurohdl", "models": "neurohdl.models", "rtl_py": "neurohdl.rtl",
       "verif": "neurohdl.verif", "sw": "neurohdl.sw"}


def imports_of(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    rel = path.relative_to(ROOT)
    pkg_parts = [PKG[rel.parts[0]]] + list(rel.parts[1:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = ".".join(pkg_parts).split(".")
                base = base[: len(base) - (node.level - 1)]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""


def violations(tree_name: str):
    bad = []
    for f in sorted((ROOT / tree_name).rglob("*.py")):
        for line, mod in imports_of(f):
            for banned in LAYERS[tree_name]:
                if mod == banned or mod.startswith(banned + "."):
                    bad.append(f"{f.relative_to(ROOT)}:{line} imports {mod}")
    return bad


@pytest.mark.parametrize("tree_name", sorted(LAYERS))
def test_no_reversed_imports(tree_name):
    assert violations(tree_name) == []


def test_no_top_level_models_or_verif_package():
    for f in ROOT.rglob("*.py"):
        if ".venv" in f.parts or "build" in f.parts:
            continue
        for _, mod in imports_of(f) if f.relative_to(ROOT).parts[0] in PKG else []:
            assert mod.split(".")[0] not in ("models", "rtl_py", "verif", "sw"), (f, mod)


def test_checker_catches_a_reversed_import(tmp_path, monkeypatch):
    """Must-fail: a model importing MyHDL is reported."""
    bad = ROOT / "models" / "_layering_probe.py"
    bad.write_text("import myhdl\nfrom neurohdl.rtl.sc import lfsr\n")
    try:
        v = violations("models")
    finally:
        bad.unlink()
    assert any("_layering_probe.py:1 imports myhdl" in x for x in v)
    assert any("_layering_probe.py:2 imports neurohdl.rtl.sc" in x for x in v)


def environment_reads(tree_name: str = "rtl_py"):
    """Places in ``tree_name`` that read the process environment (``os.environ``,
    ``os.getenv``, ``from os import environ``): a design's output depends only on its Params;
    test stimulus and fault injection live in verif/ and neurohdl/bench.py."""
    bad = []
    for f in sorted((ROOT / tree_name).rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(), filename=str(f))):
            name = (node.attr if isinstance(node, ast.Attribute)
                    else node.id if isinstance(node, ast.Name) else None)
            if isinstance(node, ast.ImportFrom) and node.module == "os":
                name = next((a.name for a in node.names if a.name in ("environ", "getenv")), None)
            if name in ("environ", "getenv", "environb"):
                bad.append(f"{f.relative_to(ROOT)}:{node.lineno} reads the environment ({name})")
    return sorted(set(bad))


def test_rtl_reads_no_environment():
    assert environment_reads() == []


def test_environment_check_must_fail():
    """Must-fail: an RTL module reading NEUROHDL_FAULT, by attribute or by import, is reported."""
    bad = ROOT / "rtl_py" / "_environ_probe.py"
    bad.write_text("import os\nfrom os import getenv\nF = os.environ.get('NEUROHDL_FAULT')\n")
    try:
        v = environment_reads()
    finally:
        bad.unlink()
    assert "rtl_py/_environ_probe.py:2 reads the environment (getenv)" in v, v
    assert "rtl_py/_environ_probe.py:3 reads the environment (environ)" in v, v

# SPDX-License-Identifier: Apache-2.0
"""Every source file of the repository carries an SPDX licence identifier near its top (the
project is Apache-2.0: LICENSE), so a user who copies one file into a product knows its terms.
Generated HDL carries it in its banner (tests/test_packaging.py, tests/test_determinism.py)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPDX = "SPDX-License-Identifier: Apache-2.0"

#: what counts as source: code, HDL, build and tool files, register maps, waivers, constraints
SOURCE_SUFFIXES = {".py", ".sh", ".v", ".sv", ".vhd", ".c", ".h", ".core", ".rdl", ".vlt",
                   ".pcf", ".lpf", ".xdc", ".toml", ".yml", ".yaml"}
SOURCE_NAMES = {"Makefile", "run"}
#: how far down the identifier may stand (a shebang, `CAPI=2:` or `verilator_config` go first)
HEAD_LINES = 3


def is_source(rel: str) -> bool:
    p = Path(rel)
    return (p.suffix in SOURCE_SUFFIXES or p.name in SOURCE_NAMES
            or rel.startswith("tools/bin/"))


def without_spdx(root: Path, files) -> list[str]:
    bad = []
    for rel in files:
        if not is_source(rel):
            continue
        try:
            head = (root / rel).read_text(errors="replace").splitlines()[:HEAD_LINES]
        except (FileNotFoundError, IsADirectoryError):
            continue
        if not any(SPDX in line for line in head):
            bad.append(rel)
    return bad


def tracked(root: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_license_file_is_apache_2():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text


def test_every_source_file_has_an_spdx_identifier():
    files = tracked(ROOT)
    assert sum(is_source(f) for f in files) > 200
    assert without_spdx(ROOT, files) == []


def test_must_fail_a_file_without_the_identifier_is_listed(tmp_path):
    (tmp_path / "a.py").write_text(f"# {SPDX}\nx = 1\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    (tmp_path / "c.core").write_text(f"CAPI=2:\n# {SPDX}\nname: a:b:c:1.0.0\n")
    (tmp_path / "notes.md").write_text("prose is not source\n")
    assert without_spdx(tmp_path, ["a.py", "b.py", "c.core", "notes.md"]) == ["b.py"]

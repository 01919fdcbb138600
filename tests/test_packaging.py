# SPDX-License-Identifier: Apache-2.0
"""The one import root works in the editable install (the wheel: tests/test_wheel.py); the
package and every core carry one version."""
import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import neurohdl
from neurohdl.registry import cores

ROOT = Path(__file__).resolve().parent.parent
PROBE = r"""
import json, sys, neurohdl
from neurohdl.models.sc.lfsr import LfsrParams, run
from neurohdl.rtl.sc import lfsr as rtl
import neurohdl.verif.common.scoreboard, neurohdl.sw
from neurohdl.registry import cores
from neurohdl.resources import c_runtime_dir, cores_dir
g = neurohdl.generate("sc.lfsr", LfsrParams(width=8), sys.argv[1])
print(json.dumps({"neurohdl": neurohdl.__file__, "model": sys.modules["neurohdl.models.sc.lfsr"].__file__,
                  "data": [str(cores_dir()), str(c_runtime_dir())],
                  "rtl": rtl.__file__, "cores": [e.name for e in cores()],
                  "first": int(run(LfsrParams(), 2)[1]), "files": g.files}))
"""


def _probe(python, tmp_path):
    r = subprocess.run([python, "-c", PROBE, str(tmp_path / "gen")], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_editable_install_maps_folders(tmp_path):
    out = _probe(sys.executable, tmp_path)
    assert out["model"] == str(ROOT / "models" / "sc" / "lfsr.py")
    assert out["rtl"] == str(ROOT / "rtl_py" / "sc" / "lfsr.py")
    assert "sc.lfsr" in out["cores"] and "net.snn_soc" in out["cores"] and out["first"] == 0xE270
    assert out["data"] == [str(ROOT / "cores"), str(ROOT / "sw" / "c")]   # the checkout's own


# -- one version: the package's __version__ is every core's version --------------------------------
# a VLNV, or FuseSoC's build-folder form of it (build/neurohdl_board_icebreaker_snn_0.2.0/)
VLNV = re.compile(r"neurohdl([:_])[a-z_]+\1[a-z0-9_]+\1(\d+\.\d+\.\d+)")
VERSIONED_TEXT = ("cores/**/*.core", "fpga/**/*.core", "docs/**/*.md", "examples/**/*.core",
                  "examples/**/*.md", "README.md")


def version_mismatches(root: Path, decls, version: str) -> list[str]:
    """Every neurohdl VLNV written in the tree's .core files and docs (names and `depend:`
    constraints alike) and every CoreDecl.version must be ``version``; returns the offenders."""
    bad = [f"CoreDecl {d.name}: {d.version}" for d in decls if d.version != version]
    for pattern in VERSIONED_TEXT:
        for path in sorted(root.glob(pattern)):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                bad += [f"{path.relative_to(root)}:{n}: {m.group(0)}"
                        for m in VLNV.finditer(line) if m.group(2) != version]
    return bad


def test_one_version_for_package_and_cores():
    decls = [e.decl for e in cores()]
    assert len(decls) >= 36
    assert version_mismatches(ROOT, decls, neurohdl.__version__) == []
    # a version a user sees has its changelog section
    assert f"\n## [{neurohdl.__version__}]" in (ROOT / "CHANGELOG.md").read_text()


def test_one_version_must_fail(tmp_path):
    """A .core or a docs path left at an old version, or a CoreDecl with its own version, is
    reported."""
    shutil.copytree(ROOT / "cores", tmp_path / "cores")
    lfsr = tmp_path / "cores" / "sc" / "lfsr.core"
    lfsr.write_text(lfsr.read_text().replace(f"neurohdl:sc:lfsr:{neurohdl.__version__}",
                                             "neurohdl:sc:lfsr:0.0.9"))
    decls = [e.decl for e in cores()]
    stale = dataclasses.replace(decls[0], version="9.9.9")
    line = lfsr.read_text().splitlines().index("name: neurohdl:sc:lfsr:0.0.9") + 1
    assert version_mismatches(tmp_path, decls, neurohdl.__version__) == [
        f"cores/sc/lfsr.core:{line}: neurohdl:sc:lfsr:0.0.9"]
    assert version_mismatches(tmp_path, [stale], neurohdl.__version__)[0] == (
        f"CoreDecl {stale.name}: 9.9.9")
    (tmp_path / "README.md").write_text("see\nbuild/neurohdl_board_ulx3s_snn_0.1.0/ulx3s/\n")
    assert version_mismatches(tmp_path, decls, neurohdl.__version__)[-1] == (
        "README.md:2: neurohdl_board_ulx3s_snn_0.1.0")


# -- licence: every generated HDL file says it is Apache-2.0, on its second line --------------------
def test_generated_files_carry_spdx(tmp_path):
    v = neurohdl.generate("sc.lfsr", None, tmp_path / "v", bench={"vectors": 4}, harness=True)
    vhdl = neurohdl.generate("sc.lfsr", None, tmp_path / "vhdl", hdl="vhdl")
    files = [(f, "//") for f in v.files] + [(f, "--") for f in vhdl.files]
    assert len(files) == 5          # module, bench, harness; VHDL package + entity
    for f, comment in files:
        assert Path(f).read_text().splitlines()[1] == f"{comment} SPDX-License-Identifier: Apache-2.0", f
    assert v.manifest["license"] == "Apache-2.0"

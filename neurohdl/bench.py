# SPDX-License-Identifier: Apache-2.0
"""Self-checking Verilog bench that replays a core's model transactions (FuseSoC ``sim`` target).

Generic over cores: every ``s_*`` stream gets a source that sends the model's input beats with
pseudo-random idle cycles, every ``m_*`` stream a sink with pseudo-random back-pressure that
compares each transferred beat with the model's expected beat and stops with ``$fatal`` on the
first mismatch (or on a timeout).  ``cfg_*`` ports are held at the vector's values.  Sign-off
verification is the cocotb suite; this bench makes ``fusesoc run --target=sim`` meaningful for a
downstream user without Python-side simulation.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

from .convert import with_spdx
from .core import IN, CoreDecl
from .errors import DRCError


def fault_requested() -> bool:
    """``NEUROHDL_FAULT=model``: the bench expects one wrong value, so a passing ``fusesoc run``
    proves the bench can fail (tests/test_fusesoc.py).  Read here, never in ``rtl_py/``: a
    core's own bench (``CoreDecl.bench``) gets it as ``fault=``."""
    return os.environ.get("NEUROHDL_FAULT") == "model"


def _streams(ports):
    out: dict[str, dict] = {}
    for q in ports:
        if q.stream:
            out.setdefault(q.stream, {})[q.role] = q
    return out


def render_bench(decl: CoreDecl, p, name: str, n: int, seed: int) -> str:
    fault = fault_requested()
    if decl.bench is not None:      # the core's own bench: told whether to corrupt a response
        return decl.bench(p, name, n, seed, fault=fault)
    if decl.vectors is None:
        raise DRCError(f"{decl.name}: no vectors() declared, cannot build a replay bench")
    vec = decl.vectors(p, random.Random(seed), n)
    if fault:                       # must-fail: corrupt one expected beat
        for sname in sorted(vec.outputs):
            if vec.outputs[sname]:
                vec.outputs[sname] = list(vec.outputs[sname])
                vec.outputs[sname][len(vec.outputs[sname]) // 2] ^= 1
                break
    ports = decl.port_list(p)
    streams = _streams(ports)
    L = [f"// self-checking replay bench for {decl.vlnv()} ({type(p).__name__} {p.digest()}), "
         f"seed {seed}: do not edit",
         "`timescale 1ns/10ps", f"module {name}_tb;", "reg clk = 1'b0;", "reg rst = 1'b1;",
         "always #5 clk = ~clk;",
         "reg [31:0] prng = 32'h%08x;" % ((seed & 0xFFFFFFFF) or 1),
         "always @(posedge clk) prng <= {prng[30:0], prng[31] ^ prng[21] ^ prng[1] ^ prng[0]};",
         "integer cycles = 0;"]
    conns = [".clk(clk)", ".rst(rst)"]
    init, seq, done_terms = [], [], []
    bit = 0
    for q in ports[2:]:
        w = f"[{q.width - 1}:0] " if q.width > 1 else ""
        if q.stream:
            continue
        if q.direction == IN:
            val = int(vec.cfg.get(q.name, 0))
            L.append(f"reg {w}{q.name} = {q.width}'d{val};")
        else:
            L.append(f"wire {w}{q.name};")
        conns.append(f".{q.name}({q.name})")
    for sname, roles in sorted(streams.items()):
        d = roles["tdata"]
        w = f"[{d.width - 1}:0] "
        for role, q in sorted(roles.items()):
            qw = f"[{q.width - 1}:0] " if q.width > 1 else ""
            driven_by_tb = (q.direction == IN)
            L.append(f"{'reg' if driven_by_tb else 'wire'} {qw}{q.name}"
                     + (" = 0;" if driven_by_tb else ";"))
            conns.append(f".{q.name}({q.name})")
        if d.direction == IN:   # source: tb drives tdata/tvalid
            data = vec.inputs.get(sname, [])
            cnt = len(data)
            L.append(f"reg {w}{sname}_mem [0:{max(cnt, 1) - 1}];")
            L.append(f"integer {sname}_i = 0;")
            init += [f"    {sname}_mem[{i}] = {d.width}'d{int(v)};" for i, v in enumerate(data)]
            pb = bit % 32
            bit += 7
            seq.append(f"""    if ({sname}_tvalid && {sname}_tready) {sname}_i = {sname}_i + 1;
    if (!{sname}_tvalid || {sname}_tready) begin
        if ({sname}_i < {cnt} && !(prng[{pb}] & prng[{(pb + 3) % 32}])) begin
            {sname}_tvalid <= 1'b1; {sname}_tdata <= {sname}_mem[{sname}_i];
        end else {sname}_tvalid <= 1'b0;
    end""")
            done_terms.append(f"({sname}_i == {cnt})")
        else:                   # sink: tb drives tready, checks tdata
            data = vec.outputs.get(sname, [])
            cnt = len(data)
            L.append(f"reg {w}{sname}_exp [0:{max(cnt, 1) - 1}];")
            L.append(f"integer {sname}_i = 0;")
            init += [f"    {sname}_exp[{i}] = {d.width}'d{int(v)};" for i, v in enumerate(data)]
            pb = bit % 32
            bit += 5
            seq.append(f"""    if ({sname}_tvalid && {sname}_tready) begin
        if ({sname}_i >= {cnt}) begin
            $display("FAIL {sname}: unexpected beat %0d data %0d", {sname}_i, {sname}_tdata);
            $fatal(1);
        end else if ({sname}_tdata !== {sname}_exp[{sname}_i]) begin
            $display("FAIL {sname} beat %0d: rtl %0d != model %0d", {sname}_i, {sname}_tdata, {sname}_exp[{sname}_i]);
            $fatal(1);
        end
        {sname}_i = {sname}_i + 1;
    end
    {sname}_tready <= !(prng[{pb}] & prng[{(pb + 2) % 32}]);""")
            done_terms.append(f"({sname}_i == {cnt})")
    limit = 40 * (n + 64) * max(1, getattr(p, "length", 1))
    L.append(f"{name} dut (" + ", ".join(conns) + ");")
    L.append("initial begin")
    L.extend(init)
    L.append("    repeat (4) @(posedge clk);")
    L.append("    rst <= 1'b0;")
    L.append("end")
    L.append("always @(posedge clk) if (!rst) begin")
    L.append("    cycles = cycles + 1;")
    L.extend(seq)
    L.append(f"    if ({' && '.join(done_terms) or '1'}) begin")
    L.append(f'        $display("PASS {name}_tb: all model transactions matched after %0d cycles", cycles);')
    L.append("        $finish;")
    L.append("    end")
    L.append(f"    if (cycles > {limit}) begin")
    L.append(f'        $display("FAIL {name}_tb: timeout after %0d cycles", cycles);')
    L.append("        $fatal(1);")
    L.append("    end")
    L.append("end")
    L.append("endmodule")
    return "\n".join(L) + "\n"


def write_bench(decl: CoreDecl, p, out: Path, name: str, n: int, seed: int) -> str:
    fn = f"{name}_tb.v"
    (Path(out) / fn).write_text(with_spdx(render_bench(decl, p, name, n, seed)))
    return fn

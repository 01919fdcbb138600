# SPDX-License-Identifier: Apache-2.0
"""``neurohdl compile``: a NIR network -> the ``net.network`` core that runs it, its tables and
a manifest (issue 14's compiler, first part: the network core; board system cores follow).

Steps, every check before anything is written (one NirError/ParamError lists what fails):

1. load (``neurohdl.nirgraph``), the exporter fix if asked, quantise (:mod:`.nir_quant`:
   populations, projections, integer records, report), map onto ``net.network``
   (:func:`nir_quant.to_network`: at most 4 populations, spike input, one bias a population);
2. capacity: the memories of the core (each engine's state and accumulator RAM, each edge's
   pointer and synapse RAM, the spike FIFOs) as block-RAM tiles of each board's FPGA
   (:data:`DEVICES`; a memory takes the fewest tiles over the tile's aspect ratios), and the
   board asked for must hold them (the error says by how much it does not);
3. write into a fresh folder, atomically (a temporary sibling renamed at the end):
   ``rtl/<name>.v`` (the converted core), ``<name>.core`` (FuseSoC: ``neurohdl:net:<name>``,
   targets default and lint), ``tables.hex`` (the ``s_tbl`` words that load every edge's table,
   one hex word a line, in load order), ``quant_report.md/.json``, ``manifest.json`` (source and
   its SHA-256, policy, options, Params, populations, realised values, capacity, files) and
   ``README.md`` (what was compiled, ports, how to load and run it).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from neurohdl import __version__
from neurohdl.convert import check_out_dir, generate
from neurohdl.errors import NirError, ParamError
from neurohdl.nirgraph import fix as apply_fix
from neurohdl.nirgraph import load
from neurohdl.registry import get

from . import network as nw
from . import nir_quant
from .nir_ref import Policy

#: block RAM of each board's FPGA: (tiles, ((depth, width) aspect ratios of one tile))
DEVICES = {
    "icebreaker": ("iCE40 UP5K EBR", 30, ((256, 16), (512, 8), (1024, 4), (2048, 2))),
    "ulx3s": ("ECP5-85F DP16KD", 208, ((512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2),
                                       (16384, 1))),
    "arty": ("Artix-7 35T RAMB18", 100, ((512, 36), (1024, 18), (2048, 9), (4096, 4),
                                         (8192, 2), (16384, 1))),
}
BOARDS = ("none", *DEVICES)


def memories(p: nw.NetworkParams) -> list[tuple[str, int, int]]:
    """(name, depth, width) of every memory of the network core."""
    out = []
    for k, e in enumerate(p.engines):
        out.append((f"pop{k} state", e.n, e.state_width))
        out.append((f"pop{k} accumulator", e.n, e.acc_width))
    for i, (src, dst) in enumerate(p.edge_list):
        dp = nw.edge_params(p, i)
        name = nw.edge_name(p, i)
        out.append((f"edge {name} pointers", dp.n, dp.ptr_width))
        out.append((f"edge {name} synapses", dp.synapses, dp.syn_width))
        if src != nw.INPUT:
            n = p.engines[src].n
            out.append((f"edge {name} spike FIFO", 1 << max(1, (n - 1).bit_length()),
                        p.engines[src].aw + 2))
    return out


def tiles(depth: int, width: int, shapes) -> int:
    return min(math.ceil(depth / d) * math.ceil(width / w) for d, w in shapes)


def capacity(p: nw.NetworkParams) -> dict:
    """{board: {device, tiles, available, fits}} for every board (an estimate: a memory of
    <= 16 words may become registers; the synthesis report is the authority)."""
    mems = memories(p)
    out = {}
    for board, (device, avail, shapes) in DEVICES.items():
        need = sum(tiles(d, w, shapes) for _, d, w in mems)
        out[board] = {"device": device, "tiles": need, "available": avail, "fits": need <= avail}
    return out


def module_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_").lower() or "net"
    return name if name[0].isalpha() else f"net_{name}"


def compile_net(source, policy: Policy, options: nir_quant.QuantOptions, out_dir, *,
                board: str = "none", name: str | None = None, fix: str | None = None,
                type_check: bool = True, log=lambda s: None) -> dict:
    """Compile ``source`` (a .nir path) into ``out_dir`` (module docstring); returns the
    manifest.  ``log`` gets one line per step."""
    if board not in BOARDS:
        raise ParamError(f"board = {board!r}: allowed one of {', '.join(BOARDS)}")
    out = check_out_dir(out_dir, "out")
    if out.exists() and any(out.iterdir()):
        raise ParamError(f"out = {str(out_dir)!r}: a folder that is not empty; allowed a new "
                         "or empty folder (nothing is overwritten)")
    src = Path(source)
    name = module_name(name or src.stem)
    log(f"reading {src}")
    net = load(src, type_check=type_check)
    if fix:
        net = apply_fix(net, fix, policy.dt)
    log(f"quantising: dt = {policy.dt:g} s, {policy.method}, {policy.reset} reset; weights "
        f"{options.weight_bits} bits, state {options.state_bits} bits")
    q = nir_quant.quantise(net, policy, options)
    p, tables, offsets, bias_axon = nir_quant.to_network(q)
    cap = capacity(p)
    if board != "none" and not cap[board]["fits"]:
        c = cap[board]
        raise NirError(f"{src}: does not fit {board}: {c['tiles']} {c['device']} tiles needed, "
                       f"{c['available']} there ({c['tiles'] - c['available']} too many)")
    words = nw.load_words(p, tables)
    width = nw.sel_bits(p) + nw.tbl_data_width(p)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        log(f"generating net.network as {name} ({p.pops} population(s), edges {p.edges})")
        with warnings.catch_warnings():      # MyHDL's unread-signal notes: the lint waivers
            warnings.filterwarnings("ignore", message=".*driven but not read")
            gen = generate("net.network", p, tmp / "rtl", name=name)
        vlt = get("net.network").core_file.with_suffix(".vlt")     # the core's lint waivers
        shutil.copyfile(vlt, tmp / "rtl" / f"{name}.vlt")
        digits = math.ceil(width / 4)
        (tmp / "tables.hex").write_text("".join(f"{w:0{digits}x}\n" for w in words))
        nir_quant.write_report(q, tmp)
        manifest = {
            "neurohdl": __version__, "name": name, "vlnv": f"neurohdl:net:{name}:{__version__}",
            "source": str(src), "sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
            "fix": fix, "policy": {"dt": policy.dt, "method": policy.method,
                                   "reset": policy.reset},
            "options": nir_quant.report(q)["options"], "params": p.to_dict(),
            "populations": [{"name": pop.name, "nir": pop.kind, "neuron": pop.neuron, "n": pop.n,
                             "scale": pop.scale,
                             "realised": {k: list(v) for k, v in pop.realised.items()}}
                            for pop in q.populations],
            "inputs": q.inputs, "outputs": q.outputs, "board": board,
            "bias_axon": bias_axon, "bias_neurons": [q.populations[k].name for k, o in
                                                     enumerate(offsets) if o],
            "tables": {"file": "tables.hex", "words": len(words), "width": width},
            "capacity": cap, "memories": [list(m) for m in memories(p)],
            "files": sorted(str(Path(f).relative_to(tmp)) for f in gen.files) +
            [f"rtl/{name}.vlt", "tables.hex", "quant_report.md", "quant_report.json",
             f"{name}.core", "README.md"]}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str) + "\n")
        (tmp / f"{name}.core").write_text(_core_file(name, gen))
        (tmp / "README.md").write_text(_readme(manifest, p))
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f"wrote {out}: {len(manifest['files'])} files; {len(words)} table words")
    return manifest


def _core_file(name: str, gen) -> str:
    files = "\n".join(f"      - rtl/{Path(f).name}: {{file_type: verilogSource}}"
                      for f in gen.files)
    return f"""CAPI=2:
# generated by neurohdl {__version__} (neurohdl compile): do not edit
name: neurohdl:net:{name}:{__version__}
description: compiled spiking network {name} (net.network; tables in tables.hex, see README.md)

filesets:
  rtl:
    files:
{files}
  waivers:
    files: [rtl/{name}.vlt: {{file_type: vlt}}]

targets:
  default:
    filesets: [rtl]
    toplevel: {gen.top}
  lint:
    filesets: [rtl, waivers]
    toplevel: {gen.top}
    flow: lint
    flow_options: {{tool: verilator, verilator_options: [-Wall]}}
"""


def _bias_text(m: dict) -> str:
    if m["bias_axon"] is None:
        return ""
    held = ", ".join(m["bias_neurons"]) or "none"
    return (f"   **Biases:** axon {m['bias_axon']} is the bias axon: send it as the *first* event "
            "of every timestep (the per-neuron biases arrive as its fan-out, and it drives the "
            f"bias neurons at index 0 of: {held}; their spikes are not the network's).")


def _readme(m: dict, p: nw.NetworkParams) -> str:
    pops = "\n".join(f"| {k} | {x['name']} | {x['nir']} | {x['neuron']} | {x['n']} |"
                     for k, x in enumerate(m["populations"]))
    cap = "\n".join(f"| {b} | {c['device']} | {c['tiles']} | {c['available']} | "
                    f"{'yes' if c['fits'] else 'no'} |" for b, c in m["capacity"].items())
    bias = _bias_text(m)
    return f"""# {m['name']}: a compiled spiking network

Compiled by neurohdl {m['neurohdl']} from `{m['source']}` (SHA-256 `{m['sha256'][:16]}...`),
dt = {m['policy']['dt']:g} s, {m['policy']['method']} discretisation, {m['policy']['reset']}
reset; weights {m['options']['weight_bits']} bits, state {m['options']['state_bits']} bits.
The module is `net.network` (docs/cores/net/network.md) with the Params in `manifest.json`.

| population | NIR node | type | record | neurons |
|---|---|---|---|---|
{pops}

Edges: `{p.edges}` (the input is `in`; population k's spikes reach a higher population in the
same timestep, a lower one or itself one timestep later).

## Using it

1. `fusesoc library add {m['name']} .` then `fusesoc run --target=lint {m['vlnv']}`.
2. After reset, write every word of `tables.hex` ({m['tables']['words']} words of
   {m['tables']['width']} bits) to `s_tbl`, in file order.
3. Send each timestep's input spikes on `s_in` (the axon index, in ascending order; the last
   beat of a timestep with tlast, an empty timestep as one marker beat: tlast and tuser) and
   take the output population's spikes from `m_out` (AER, a marker beat for a silent timestep).
{bias}

The bit-true model of this network is `neurohdl.models.net.nir_quant.run` (and
`neurohdl.models.net.network.run` with the same Params and tables): `neurohdl eval` compares it
with the float reference.

## Block RAM (estimate: every memory in tiles of the board's FPGA; synthesis decides)

| board | device | tiles | available | fits |
|---|---|---|---|---|
{cap}

Quantisation: `quant_report.md`.
"""

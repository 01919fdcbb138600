# SPDX-License-Identifier: Apache-2.0
"""Everything a host needs from one SystemRDL map, written next to a build.

    neurohdl regmap cores/bus/csr_example.rdl --out build/regmap [--base 0x40000000]

writes into ``out``:

    <map>.h              C header (PeakRDL-cheader: field masks/positions/resets, a packed
                         register struct with offsets checked by static_assert)
    neurohdl_csr.h/.c    the small C runtime (transport hook: read32/write32 callbacks)
    <map>.md             register docs (PeakRDL-markdown)
    <map>.xml            IP-XACT 1685-2014 component (PeakRDL-ipxact), vendor neurohdl
    regmap.json          the flattened register table (:class:`neurohdl.regmap.RegMap`)
    manifest.json        blocks (name, base address, VLNV, register table), Params, tool
                         versions and the git hash; ``neurohdl.sw.regmap_driver`` loads it

The exporters are the field's tools (PeakRDL); neurohdl only flattens the map for its own CSR
RTL and the Python driver, so the two descriptions come from the same elaborated source.
"""
from __future__ import annotations

import json
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__, regmap
from .resources import c_runtime_dir

C_RUNTIME = ("neurohdl_csr.h", "neurohdl_csr.c")
TOOLS = ("systemrdl-compiler", "peakrdl-cheader", "peakrdl-markdown", "peakrdl-ipxact")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def export(rdl, out_dir, *, base: int = 0, vlnv: str | None = None,
           params: dict[str, Any] | None = None, log=print) -> dict[str, Path]:
    """Write the host artefacts of ``rdl`` into ``out_dir`` (created); returns name -> path."""
    from .convert import git_hash
    from peakrdl_cheader.exporter import CHeaderExporter
    from peakrdl_ipxact import IPXACTExporter
    from peakrdl_markdown import MarkdownExporter

    if not 0 <= int(base) < (1 << 64) or int(base) % 4:
        raise regmap.RegMapError(f"base = {base!r}: allowed a 4-byte aligned address "
                                 "0..2^64-1")
    rm = regmap.load(rdl)
    root = regmap.elaborate(rdl)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["c_header"] = out / f"{rm.name}.h"
    CHeaderExporter().export(root.top, str(files["c_header"]))
    for name in C_RUNTIME:
        files[name] = out / name
        shutil.copyfile(c_runtime_dir() / name, files[name])
    files["markdown"] = out / f"{rm.name}.md"
    MarkdownExporter().export(root.top, str(files["markdown"]))
    files["ipxact"] = out / f"{rm.name}.xml"
    ver = (vlnv or "").split(":")
    IPXACTExporter(vendor="neurohdl", library=ver[1] if len(ver) == 4 else "bus",
                   version=ver[3] if len(ver) == 4 else __version__).export(
        root.top, str(files["ipxact"]))
    files["regmap"] = out / "regmap.json"
    files["regmap"].write_text(rm.to_json() + "\n")
    manifest = {
        "blocks": [{"name": rm.name, "base": int(base), "vlnv": vlnv, "rdl": rm.source,
                    "rdl_digest": rm.digest, "regmap": rm.to_dict()}],
        "params": params or {},
        "tools": {t: _version(t) for t in TOOLS},
        "git": git_hash(),
    }
    files["manifest"] = out / "manifest.json"
    files["manifest"].write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    for k, p in files.items():
        log(f"  wrote {p}")
    return files


__all__ = ["export", "C_RUNTIME", "c_runtime_dir"]

# SPDX-License-Identifier: Apache-2.0
"""Registry of cores: discovered from ``neurohdl.rtl.<family>.<core>`` modules that define CORE.

Nothing is listed by hand: adding ``rtl_py/<family>/<core>.py`` with a ``CORE = CoreDecl(...)``
registers the core (its model, .core file and docs page sit at the mirrored paths).
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .core import CoreDecl
from .errors import CoreNotFound
from .resources import shipped

REPO_ROOT = Path(__file__).resolve().parent.parent  # a source checkout; absent in a wheel


@dataclass(frozen=True)
class Entry:
    decl: CoreDecl

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def core_file(self) -> Path | None:
        """The core's FuseSoC .core (shipped data; its Verilator waivers sit beside it)."""
        return shipped(f"cores/{self.decl.family}/{self.decl.core}.core")

    @property
    def docs(self) -> Path | None:
        """The core's docs page in a source checkout (docs are not in the wheel)."""
        p = REPO_ROOT / "docs" / "cores" / self.decl.family / f"{self.decl.core}.md"
        return p if p.exists() else None

    @property
    def model_module(self) -> str:
        return f"neurohdl.models.{self.decl.family}.{self.decl.core}"

    @property
    def rtl_module(self) -> str:
        return f"neurohdl.rtl.{self.decl.family}.{self.decl.core}"

    @property
    def test_module(self) -> str:
        return f"neurohdl.verif.{self.decl.family}.test_{self.decl.core}"


@lru_cache(maxsize=1)
def _scan() -> dict[str, Entry]:
    rtl_pkg = importlib.import_module("neurohdl.rtl")  # plugin discovery at run time

    found: dict[str, Entry] = {}
    for fam in sorted(pkgutil.iter_modules(rtl_pkg.__path__), key=lambda m: m.name):
        if not fam.ispkg or fam.name.startswith("_"):
            continue
        fam_pkg = importlib.import_module(f"neurohdl.rtl.{fam.name}")
        for mod in sorted(pkgutil.iter_modules(fam_pkg.__path__), key=lambda m: m.name):
            if mod.name.startswith("_"):
                continue
            m = importlib.import_module(f"neurohdl.rtl.{fam.name}.{mod.name}")
            decl = getattr(m, "CORE", None)
            if isinstance(decl, CoreDecl):
                found[decl.name] = Entry(decl)
    return found


def cores() -> list[Entry]:
    return [v for _, v in sorted(_scan().items())]


def get(name: str) -> Entry:
    """A core by name: ``sc.lfsr``, ``sc/lfsr`` or its VLNV ``neurohdl:sc:lfsr[:version]`` (the
    version, when given, must be the one installed: every core has the package's version)."""
    text = str(name).strip()
    version = None
    if ":" in text:                                     # a VLNV
        parts = text.split(":")
        if len(parts) not in (3, 4) or parts[0] != "neurohdl":
            raise CoreNotFound(f"core {name!r}: allowed a VLNV neurohdl:<family>:<core>[:<version>] "
                               "or <family>.<core>")
        key, version = f"{parts[1]}.{parts[2]}", (parts[3] if len(parts) == 4 else None)
    else:
        key = text.replace("/", ".")
    found = _scan()
    if key not in found:
        raise CoreNotFound(f"core {name!r}: not registered; " + _did_you_mean(key, found))
    entry = found[key]
    if version is not None and version != entry.decl.version:
        raise CoreNotFound(f"core {name!r}: version {version} not available; allowed "
                           f"{entry.decl.vlnv()} (neurohdl {entry.decl.version} installed)")
    return entry


def _did_you_mean(key: str, found: dict) -> str:
    """'did you mean neuron.if_?' for a near miss (also a bare core name), else the list."""
    by_core = {n.split(".", 1)[1]: n for n in found}
    near = difflib.get_close_matches(key, list(found), n=3, cutoff=0.75) or \
        [by_core[c] for c in difflib.get_close_matches(key.split(".")[-1], list(by_core), n=3,
                                                       cutoff=0.75)]
    near.sort(key=lambda n: not n.startswith(key))     # neuron.if -> neuron.if_ first
    if near:
        return "did you mean " + " or ".join(near) + "? (`neurohdl list` shows every core)"
    return "allowed " + ", ".join(sorted(found))


__all__ = ["cores", "get", "Entry", "REPO_ROOT"]

"""Registry of cores: discovered from ``neurohdl.rtl.<family>.<core>`` modules that define CORE.

Nothing is listed by hand: adding ``rtl_py/<family>/<core>.py`` with a ``CORE = CoreDecl(...)``
registers the core (its model, .core file and docs page sit at the mirrored paths).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .core import CoreDecl
from .errors import CoreNotFound

REPO_ROOT = Path(__file__).resolve().parent.parent  # a source checkout; absent in a wheel


@dataclass(frozen=True)
class Entry:
    decl: CoreDecl

    @property
    def name(self) -> str:
        return self.decl.name

    def _path(self, rel: str) -> Path | None:
        p = REPO_ROOT / rel
        return p if p.exists() else None

    @property
    def core_file(self) -> Path | None:
        return self._path(f"cores/{self.decl.family}/{self.decl.core}.core")

    @property
    def docs(self) -> Path | None:
        return self._path(f"docs/cores/{self.decl.family}/{self.decl.core}.md")

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
    key = name.replace(":", ".").replace("/", ".")
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] == "neurohdl":  # a VLNV
        key = ".".join(parts[1:3])
    found = _scan()
    if key not in found:
        raise CoreNotFound(f"core {name!r}: not registered; allowed " + ", ".join(sorted(found)))
    return found[key]


__all__ = ["cores", "get", "Entry", "REPO_ROOT"]

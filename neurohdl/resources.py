# SPDX-License-Identifier: Apache-2.0
"""The data files neurohdl ships, found through :mod:`importlib.resources`.

A generation reads files that are not Python: the SystemRDL maps (``cores/net/snn_soc.rdl``,
``cores/bus/csr_example.rdl``), the Verilator waivers beside each ``.core``, the FuseSoC
``.core`` files themselves and the C runtime that ``neurohdl regmap`` copies (``sw/c/``).
They ship as package data: ``cores/`` is the data package ``neurohdl.cores``, ``sw/c/`` is
``c/`` inside ``neurohdl.sw``. In the editable install (``make setup``) those packages *are*
the repository folders; in a wheel they sit inside the installed package. Either way a file is
named by its path in the repository, e.g. ``shipped("cores/net/snn_soc.rdl")``, so a name
that works in a checkout works the same from any folder with an installed wheel.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import NeurohdlError

#: repository folder -> (package that ships it, folder inside that package)
SHIPPED = {"cores": ("neurohdl.cores", ""), "sw/c": ("neurohdl.sw", "c")}


def _folder(top: str) -> Path:
    package, sub = SHIPPED[top]
    try:
        root = files(package)
    except ModuleNotFoundError:
        # An editable install made before neurohdl.cores was mapped (neurohdl < 0.2.0) cannot
        # import it until `make setup` re-installs; its files are the checkout's own folder.
        from .registry import REPO_ROOT
        return REPO_ROOT / top
    if not isinstance(root, Path):   # a zipped install: FuseSoC and the tools need real files
        raise NeurohdlError(f"{package}: installed as {root!r}, not as files; install neurohdl "
                            f"with pip (unzipped) to use its data files")
    return root / sub if sub else root


def cores_dir() -> Path:
    """The FuseSoC core library: ``cores/`` of a checkout, ``neurohdl/cores/`` of a wheel."""
    return _folder("cores")


def c_runtime_dir() -> Path:
    """The C runtime for generated register headers (``neurohdl_csr.h``/``.c``)."""
    return _folder("sw/c")


def shipped(rel: str | Path) -> Path | None:
    """The installed file behind a repository-relative name of shipped data
    (``cores/...`` or ``sw/c/...``); None if the name is not shipped data or does not exist."""
    rel = Path(rel)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    for top in SHIPPED:
        n = len(Path(top).parts)
        if rel.parts[:n] == Path(top).parts and len(rel.parts) > n:
            path = _folder(top).joinpath(*rel.parts[n:])
            return path if path.is_file() else None
    return None


def source_checkout(what: str) -> Path:
    """The repository root, for the work that needs more than the wheel ships: FPGA builds
    (``tools/bin``'s tool wrappers, the ``fpga/`` resource-harness cores) and ``make demo``.
    From a wheel install this is one line saying so, before anything is written."""
    from .registry import REPO_ROOT
    if (REPO_ROOT / "tools" / "bin").is_dir() and (REPO_ROOT / "fpga").is_dir():
        return REPO_ROOT
    raise NeurohdlError(f"{what} runs from a source checkout of neurohdl (it needs the tool "
                        "wrappers in tools/bin and the FPGA harness cores in fpga/, which the "
                        "wheel does not ship): clone the repository and run `make setup` there")


__all__ = ["cores_dir", "c_runtime_dir", "shipped", "source_checkout", "SHIPPED"]

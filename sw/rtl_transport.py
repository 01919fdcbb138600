# SPDX-License-Identifier: Apache-2.0
"""One host program, three targets: the numpy model, the converted RTL in simulation, a board.

A host program is an ``async`` function of one argument, an
:class:`~neurohdl.sw.snn_soc.AsyncSnnSoc`, defined at module level in a file; what it returns
must be JSON-serialisable (numbers, strings, lists, dicts)::

    # myhost.py
    from neurohdl.models.net.snn_soc import SnnSocParams
    from neurohdl.sw.rtl_transport import run_on_model, run_on_rtl

    async def program(soc):
        await soc.reset_network()
        await soc.load_weights([[70, 0, 0, 0], [0, 0, 0, 30]])
        await soc.inject([0, 1])
        await soc.step()
        return [list(s) for s in await soc.read_spikes()]

    if __name__ == "__main__":
        p = SnnSocParams(n_neurons=4, n_axons=2, sc_channels=0, engine={"cell": {"threshold": 64}})
        assert run_on_model(program, p) == run_on_rtl(program, p, out="build/myhost")

* :func:`run_on_model` runs it against :class:`~neurohdl.models.net.snn_soc.SocModel` (through
  :class:`~neurohdl.sw.snn_soc.AsyncModelTransport`);
* :func:`run_on_rtl` converts ``net.snn_soc`` with the given Params, starts a cocotb simulation
  of it (Icarus by default) and runs the program inside it, on the SoC's host port: the UART
  pins with bit-level 8N1 framing (``host = "uart"``, the board path) or the top-level Wishbone
  slave (``host = "wishbone"``).  The cocotb side is ``neurohdl.verif.net.host_program``; it
  imports the program from its file (a script's ``if __name__ == "__main__":`` block does not
  run there);
* on a board, the same function over the blocking UART transport:
  ``asyncio.run(program(AsyncSnnSoc(AsyncTransport(UartTransport(bp, SerialPipe(port))))))``.

Both ``run_on_*`` return the program's result as JSON decodes it, so results compare equal
(a ``Spike`` becomes a list).  An exception in the program inside the simulation is raised
here as :class:`RtlRunError` naming its type and message; a simulator that is missing or
fails as :class:`neurohdl.ToolError`.

Layering: this module needs neither cocotb nor the verification library at import; it starts
the simulation through :func:`neurohdl.simrun.run_cocotb` with the cocotb module's name.
"""
from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from neurohdl.errors import HostError, ParamError

__all__ = ["run_on_model", "run_on_rtl", "run_program", "program_ref", "load_program",
           "RtlRunError"]

TEST_MODULE = "neurohdl.verif.net.host_program"


class RtlRunError(HostError):
    """The host program raised inside the RTL simulation: ``error_type`` (its class name) and
    the message."""

    def __init__(self, msg: str, error_type: str = ""):
        super().__init__(msg)
        self.error_type = error_type


def program_ref(program) -> str:
    """``"module:function"`` or ``"/path/file.py:function"`` naming a module-level async
    function, so that the simulator's Python can import it."""
    if isinstance(program, str):
        if ":" not in program:
            raise ParamError(f"program = {program!r}: allowed 'module:function' or "
                             "'file.py:function'")
        return program
    name = getattr(program, "__qualname__", "")
    mod = getattr(program, "__module__", None)
    if not callable(program) or not mod or "." in name or "<" in name:
        raise ParamError(f"program = {program!r}: allowed an async function defined at module "
                         "level in a file (the simulator imports it from there)")
    if mod != "__main__" and importlib.util.find_spec(mod) is not None:
        return f"{mod}:{name}"
    file = getattr(sys.modules.get(mod), "__file__", None)   # a script, a file loaded by path
    if not file:
        raise ParamError(f"program {name}: defined interactively; allowed a function "
                         "defined in a file")
    return f"{Path(file).resolve()}:{name}"


def load_program(ref: str):
    """The function a :func:`program_ref` names (a file is imported under a private module
    name, so its ``__main__`` block does not run)."""
    where, _, name = ref.rpartition(":")
    if where.endswith(".py"):
        if not Path(where).is_file():
            raise ParamError(f"program {ref!r}: no such file {where}")
        name_ = f"_neurohdl_host_{Path(where).stem}"
        spec = importlib.util.spec_from_file_location(name_, where)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name_] = mod
        spec.loader.exec_module(mod)
    else:
        mod = importlib.import_module(where)
    fn = getattr(mod, name, None)
    if fn is None:
        raise ParamError(f"program {ref!r}: {where} has no {name!r}")
    return fn


def _json(result, where: str):
    try:
        return json.loads(json.dumps(result))
    except (TypeError, ValueError) as e:
        raise ParamError(f"the host program's result on {where}: {e}; allowed JSON values "
                         "(numbers, strings, lists, dicts)") from None


async def run_program(ref: str, soc, out_path) -> bool:
    """The simulation side of :func:`run_on_rtl` (called by the cocotb module): run the program
    ``ref`` names on ``soc`` and write ``{"ok": true, "result": ...}`` or ``{"ok": false,
    "type": ..., "error": ...}`` (whatever it raised, or a result JSON cannot carry) to
    ``out_path``; returns ok."""
    try:
        result = await load_program(ref)(soc)
        text = json.dumps({"ok": True, "result": result})
    except Exception as e:               # reported to the caller, who raises RtlRunError
        text = json.dumps({"ok": False, "type": type(e).__name__, "error": str(e)})
    Path(out_path).write_text(text)
    return json.loads(text)["ok"]


def run_on_model(program, params, table=None) -> Any:
    """Run ``program`` against the numpy SoC model built with ``params`` (an SnnSocParams);
    returns its result as JSON decodes it."""
    from neurohdl.models.net.snn_soc import SocModel
    from neurohdl.sw.snn_soc import AsyncModelTransport, AsyncSnnSoc
    fn = load_program(program) if isinstance(program, str) else program
    soc = AsyncSnnSoc(AsyncModelTransport(SocModel(params)), table)
    return _json(asyncio.run(fn(soc)), "the model")


def run_on_rtl(program, params, *, out=None, table=None, sim: str | None = None,
               seed: int = 1, timeout: float = 0.05, waves: bool = False) -> Any:
    """Convert ``net.snn_soc`` with ``params`` (an SnnSocParams; ``params.host`` picks the
    port: "uart" or "wishbone"), simulate it under cocotb (``sim``: "icarus", the default, or
    "verilator") and run ``program`` inside the simulation; returns its result as JSON decodes
    it.  ``out``: the build folder (HDL, simulator logs, waves with ``waves=True``); without
    it a temporary folder, removed unless the run fails.  ``table``: a regmap.json /
    manifest.json for the driver (default: the SoC's .rdl).  ``timeout``: busy polling limit
    of the driver in *simulated* seconds.  ``seed``: cocotb's seed (Wishbone idle gaps)."""
    from neurohdl.registry import get
    from neurohdl.simrun import run_cocotb

    ref = program_ref(program)
    if isinstance(program, str):
        load_program(ref)                # fail here, not inside the simulator, on a bad ref
    P = get("net.snn_soc").decl.params
    if not isinstance(params, P):
        raise ParamError(f"params of type {type(params).__name__}: allowed SnnSocParams")
    work = Path(out) if out else Path(tempfile.mkdtemp(prefix="neurohdl-rtl-host-"))
    work.mkdir(parents=True, exist_ok=True)
    res_path = work / "host_program.json"
    if res_path.exists():
        res_path.unlink()
    env = {"NEUROHDL_HOST_PROGRAM": ref, "NEUROHDL_HOST_OUT": str(res_path.resolve()),
           "NEUROHDL_HOST_TIMEOUT": repr(float(timeout)),
           "NEUROHDL_HOST_TABLE": str(Path(table).resolve()) if table else ""}
    with warnings.catch_warnings():      # MyHDL's "driven but not read" notes, waived in
        warnings.filterwarnings("ignore", message=".*driven but not read")   # snn_soc.vlt
        r = run_cocotb("net.snn_soc", params, seed, work, test_module=TEST_MODULE, sim=sim,
                       waves=waves, extra_env=env)
    if not res_path.exists():
        raise RtlRunError(f"the RTL simulation ended without a result from {ref} "
                          f"({r.failed} of {r.n} cocotb tests failed); see {work}")
    res = json.loads(res_path.read_text())
    if not res["ok"]:
        raise RtlRunError(f"host program {ref} in the RTL simulation: {res['type']}: "
                          f"{res['error']} (logs in {work})", res["type"])
    if not out:
        shutil.rmtree(work, ignore_errors=True)
    return res["result"]


# SPDX-License-Identifier: Apache-2.0
"""Board systems (family ``board``, ``cores/board/``): the SNN SoC on real boards.

``build_board(board, out_dir)`` runs ``fusesoc run --target=<board> neurohdl:board:<board>_snn``
(through :func:`neurohdl.build.run_fusesoc`, the same wrapper PATH and progress lines as
``neurohdl build``) and returns the resources and Fmax parsed from the tools' own reports with
the parsers of :mod:`neurohdl.build`:

- ``icebreaker``: iCE40 UP5K bitstream (``.bin``); nextpnr logic cells, EBR, DSP, Fmax;
- ``ulx3s``: ECP5-85F bitstream (``.bit``); nextpnr LUT4, FF, DP16KD, MULT18X18D, Fmax;
- ``arty``: Vivado project set-up (``fusesoc run --setup``: project Tcl + Makefile; Vivado is
  not part of the open flow), then target ``arty_synth`` (yosys ``synth_xilinx``) for LUT, FF,
  CARRY4, RAMB, DSP48 counts. No Fmax (no place and route).

The board data (tops, constraints, the SoC's Params per board) lives in ``cores/board/``;
docs/boards.md describes pins, clocks, LEDs and flashing.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import NeurohdlError, ToolError
from .resources import cores_dir, source_checkout

BOARD_DIR = cores_dir() / "board"


@dataclass(frozen=True)
class Board:
    name: str            # fusesoc target, and <name>_snn.core
    device: str
    family: str          # the neurohdl.build.summarise() key: ice40 | ecp5 | xilinx_synth
    top: str             # Verilog top module (cores/board/<top>.v)
    constraints: str     # constraint file in cores/board/
    osc_hz: int          # board oscillator
    artifacts: tuple     # glob patterns of what the main target produces

    @property
    def vlnv(self) -> str:
        return f"neurohdl:board:{self.name}_snn:{__version__}"

    @property
    def core_file(self) -> Path:
        return BOARD_DIR / f"{self.name}_snn.core"


BOARDS = {
    "icebreaker": Board("icebreaker", "iCE40UP5K-SG48 (iCEBreaker)", "ice40",
                        "icebreaker_snn_top", "icebreaker.pcf", 12_000_000, ("*.bin",)),
    "ulx3s": Board("ulx3s", "ECP5 LFE5U-85F-6 CABGA381 (ULX3S)", "ecp5",
                   "ulx3s_snn_top", "ulx3s.lpf", 25_000_000, ("*.bit",)),
    "arty": Board("arty", "Artix-7 XC7A35TICSG324-1L (Arty A7-35T)", "xilinx_synth",
                  "arty_snn_top", "arty.xdc", 100_000_000, ("*.tcl", "Makefile")),
}


def _fusesoc(board: Board, target: str, out: Path, progress, verbose: bool,
             setup_only: bool = False) -> Path:
    from .build import run_fusesoc

    root = out / "fusesoc"
    args = ["--cores-root", str(source_checkout("a board build")), "run", "--build-root", str(root),
            f"--target={target}"]
    if setup_only:
        args.append("--setup")
    args.append(board.vlnv)
    progress(f"neurohdl: fusesoc run --target={target}{' --setup' if setup_only else ''} "
             f"{board.vlnv}")
    run_fusesoc(args, out / f"fusesoc-{target}.log", verbose, cwd=out, progress=progress)
    troot = next(root.glob(f"*/{target}"), None)
    if troot is None:
        raise ToolError(f"no build tree for target {target} under {root}")
    return troot


def build_board(board: str, out_dir, progress=print, verbose: bool = False) -> dict:
    """Build board ``board`` (icebreaker | ulx3s | arty) into ``out_dir``; return a dict with
    board, vlnv, device, lut, ff, carry, bram, dsp, fmax_mhz, constraint_mhz, artifacts,
    seconds, work_root (and the raw ``cells``/``util``), also written to
    ``out_dir/result.json``. Raises ToolError when fusesoc or a tool fails (timing not met
    included: the bitstream targets do not pass --timing-allow-fail)."""
    from .build import parse_nextpnr, parse_yosys_stat, summarise

    if board not in BOARDS:
        raise NeurohdlError(f"board {board!r}: allowed one of {', '.join(BOARDS)}")
    b = BOARDS[board]
    out = Path(out_dir).resolve()
    if (out / "fusesoc").exists():   # make would otherwise keep stale outputs of older runs
        shutil.rmtree(out / "fusesoc")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    progress(f"neurohdl: building {b.vlnv} for {b.device}")
    res: dict = {"board": board, "vlnv": b.vlnv, "device": b.device,
                 "lut_name": "LC" if b.family == "ice40" else "LUT"}
    if board == "arty":
        proj = _fusesoc(b, "arty", out, progress, verbose, setup_only=True)
        synth = _fusesoc(b, "arty_synth", out, progress, verbose)
        arts = [f for pat in b.artifacts for f in proj.glob(pat)] + list(synth.glob("*.edif"))
        work = synth
    else:
        work = _fusesoc(b, board, out, progress, verbose)
        arts = [f for pat in b.artifacts for f in work.glob(pat)]
    ylog, nlog = work / "yosys.log", work / "next.log"
    cells = parse_yosys_stat(ylog.read_text()) if ylog.exists() else {}
    pnr = parse_nextpnr(nlog.read_text()) if nlog.exists() else {}
    res.update(summarise(b.family, cells, pnr))
    res.update({"fmax_mhz": pnr.get("fmax"), "constraint_mhz": pnr.get("constraint"),
                "util": {k: list(v) for k, v in pnr.get("util", {}).items()}, "cells": cells,
                "artifacts": sorted(str(f) for f in arts), "work_root": str(work),
                "seconds": round(time.time() - t0, 1)})
    if board != "arty" and not any(Path(a).suffix in (".bin", ".bit") for a in res["artifacts"]):
        raise ToolError(f"{b.vlnv}: fusesoc finished but no bitstream in {work}")
    (out / "result.json").write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    progress(summary_line(res))
    return res


def summary_line(res: dict) -> str:
    def f(v, fmt="{}"):
        return "-" if v is None else fmt.format(v)
    return (f"  {res['board']}: {res['lut_name']} {f(res.get('lut'))}, FF {f(res.get('ff'))}, "
            f"BRAM {f(res.get('bram'))}, DSP {f(res.get('dsp'))}, Fmax "
            f"{f(res.get('fmax_mhz'), '{:.2f}')} MHz"
            + (f" (constraint {res['constraint_mhz']:.0f} MHz)" if res.get("constraint_mhz") else "")
            + f", {res['seconds']} s")


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m neurohdl.boards",
                                 description="Build a neurohdl board system (cores/board/).")
    ap.add_argument("board", choices=sorted(BOARDS))
    ap.add_argument("--out", default=None,
                    help="build folder (default ./build/boards/<board> of the working directory)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    out = a.out or Path("build", "boards", a.board)
    try:
        res = build_board(a.board, out, verbose=a.verbose)
    except NeurohdlError as e:   # ToolError included
        print(f"neurohdl: error: {e}", file=sys.stderr)
        return 2
    for art in res["artifacts"]:
        print(f"  artifact: {art}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

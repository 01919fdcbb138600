# SPDX-License-Identifier: Apache-2.0
"""FuseSoC calls this script (generator `neurohdl_gen`); all logic lives in neurohdl.fusesoc_gen.

FuseSoC runs it with the ``python3`` found on PATH, which must have neurohdl installed (the
project's .venv activated, or neurohdl installed into that interpreter)."""
import sys
from pathlib import Path

try:
    from neurohdl.fusesoc_gen import main
except ImportError as e:             # neurohdl (or fusesoc) missing from this interpreter
    venv = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "activate"
    how = f"`source {venv}`" if venv.exists() else "activate the environment neurohdl is in"
    print(f"neurohdl_gen: error: {sys.executable} cannot import {e.name or 'neurohdl'}: {how} "
          "(python3 on PATH must have neurohdl installed), then rerun fusesoc", file=sys.stderr)
    sys.exit(1)

sys.exit(main())

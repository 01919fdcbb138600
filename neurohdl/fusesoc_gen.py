# SPDX-License-Identifier: Apache-2.0
"""FuseSoC generator entry (``neurohdl:util:gen`` registers it as ``neurohdl_gen``).

A core's ``generate:`` section passes ``core`` (e.g. ``sc.lfsr``), ``params`` (a mapping of Params
fields; nested Params as nested mappings or dotted keys, e.g. ``engine: {neuron: alif}`` and
``engine.cell.vth: 80``), and optionally ``hdl`` (verilog|vhdl), ``name``, ``bench`` + ``vectors`` (self-checking
replay bench) and ``harness`` (few-pin FPGA harness).  Output: the HDL, ``manifest.json`` and a
``.core`` with the VLNV FuseSoC asked for.  Errors: one line on stderr, exit status 1.
"""
from __future__ import annotations

import sys


def core_params(cls, given):
    """The core's Params from the ``params:`` value (None: the defaults); a value that is not a
    mapping, a name no field has and a bad value are one-line ParamErrors."""
    return cls.from_dict({} if given is None else given)


def main(argv=None) -> int:
    from fusesoc.capi2.generator import Generator

    from .convert import generate, limit_memory, memory_text
    from .errors import NeurohdlError
    from .registry import get

    argv = sys.argv if argv is None else argv

    class NeurohdlGenerator(Generator):
        def run(self):
            cfg = dict(self.config or {})
            core = cfg.pop("core", None)
            if not core:
                raise NeurohdlError("generator parameter 'core' missing (e.g. core: sc.lfsr)")
            entry = get(str(core))
            params = core_params(entry.decl.params, cfg.pop("params", None))
            hdl = str(cfg.pop("hdl", "verilog")).lower()
            bench = {"vectors": cfg.pop("vectors", 500), "seed": cfg.pop("seed", 1)} \
                if cfg.pop("bench", False) else None     # generate() checks both
            for k in ("vectors", "seed"):
                cfg.pop(k, None)
            harness = bool(cfg.pop("harness", False))
            name = cfg.pop("name", None)
            if cfg:
                raise NeurohdlError(f"generator parameters {sorted(cfg)}: not understood; allowed "
                                    "core, params, hdl, name, bench, vectors, seed, harness")
            g = generate(entry.decl, params, ".", hdl=hdl, name=name, bench=bench, harness=harness)
            ftype = "verilogSource" if hdl == "verilog" else "vhdlSource-2008"
            import os
            files = [{os.path.basename(f): {"file_type": ftype}} for f in g.files]
            self.add_files(files, fileset="rtl")
            # Bus-attached cores: the C header and runtime from regmap/ as a fileset of their own,
            # so FuseSoC copies them to build/<project>/<target>/src/<core>/regmap/.
            host = sorted(f for f in (g.manifest.get("regmap") or {}).values()
                          if f.endswith((".h", ".c")))
            if host:
                self.add_files([{f: {"file_type": "cSource", "is_include_file": f.endswith(".h")}}
                                for f in host], fileset="regmap")
            print(f"neurohdl_gen: {entry.decl.vlnv()} {type(params).__name__} {params.digest()} "
                  f"-> {', '.join(os.path.basename(f) for f in g.files)} (top {g.top})")

    gib = None
    try:
        with limit_memory() as gib:
            if len(argv) > 1:
                from fusesoc import utils
                data = utils.yaml_fread(argv[1])
                gen = NeurohdlGenerator(data)
            else:
                gen = NeurohdlGenerator()
            gen.run()
            gen.write()
    except (NeurohdlError, ValueError, KeyError) as e:
        print(f"neurohdl_gen: error: {e}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"neurohdl_gen: error: the generation {memory_text(gib)}; allowed smaller sizes "
              "or fewer bench vectors", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

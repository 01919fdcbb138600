# SPDX-License-Identifier: Apache-2.0
"""What an RTL module declares about its core: ports, arithmetic policies, vectors.

Each ``rtl_py/<family>/<core>.py`` ends with

    CORE = CoreDecl(name="sc.lfsr", version=__version__, params=LfsrParams, top=lfsr,
                    ports=ports, description="...", arith={...}, vectors=vectors)

and nothing else is needed for the registry, the generator, the benches, the harness,
the manifest and the docs tables to find it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import DRCError, IdentifierError

IN, OUT = "in", "out"
ROLES = ("clock", "reset", "tdata", "tvalid", "tready", "tlast", "tuser", "cfg", "status")
POLICIES = ("saturate", "wrap", "flag", "exact")


@dataclass(frozen=True)
class Port:
    name: str
    direction: str
    width: int
    role: str
    doc: str = ""
    signed: bool = False

    @property
    def stream(self) -> str | None:
        """The stream prefix (``s_x`` for ``s_x_tdata``) or None."""
        if self.role in ("tdata", "tvalid", "tready", "tlast", "tuser"):
            return self.name.rsplit("_", 1)[0]
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "direction": self.direction, "width": self.width,
                "role": self.role, "signed": self.signed, "doc": self.doc}


def clk_rst() -> list[Port]:
    return [Port("clk", IN, 1, "clock", "clock, rising edge"),
            Port("rst", IN, 1, "reset", "synchronous reset, active high")]


def stream(prefix: str, width: int, doc: str = "", last: bool = False) -> list[Port]:
    """AXI-Stream style ports. ``s_*`` is a sink (data in), ``m_*`` a source (data out)."""
    if prefix.startswith("s_"):
        d_in, d_out = IN, OUT
    elif prefix.startswith("m_"):
        d_in, d_out = OUT, IN
    else:
        raise IdentifierError(f"stream prefix = {prefix!r}: allowed names starting s_ or m_")
    ports = [Port(f"{prefix}_tdata", d_in, width, "tdata", doc),
             Port(f"{prefix}_tvalid", d_in, 1, "tvalid", "transfer on tvalid && tready"),
             Port(f"{prefix}_tready", d_out, 1, "tready", "")]
    if last:
        ports.insert(2, Port(f"{prefix}_tlast", d_in, 1, "tlast", "last beat of a group"))
    return ports


@dataclass
class Vectors:
    """Transaction-level stimulus and expected responses, from the model.

    inputs:  stream prefix -> list of tdata values to send (s_* streams)
    outputs: stream prefix -> list of tdata values expected (m_* streams), in order
    cfg:     cfg_* port -> constant value held for the whole run
    """
    inputs: dict[str, list[int]] = field(default_factory=dict)
    outputs: dict[str, list[int]] = field(default_factory=dict)
    cfg: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CoreDecl:
    name: str                       # "<family>.<core>"
    version: str                    # semver of the core
    params: type                    # Params subclass
    top: Callable                   # MyHDL @block function (ports as kwargs, plus p=)
    ports: Callable                 # ports(p) -> list[Port]
    description: str
    arith: dict[str, str]           # arithmetic node -> policy (saturate|wrap|flag|exact: why)
    vectors: Callable | None = None  # vectors(p, rng, n) -> Vectors, from the model
    bench: Callable | None = None    # bench(p, name, n, seed) -> Verilog of <name>_tb: a core's
                                     # own replay bench (cores without streams, e.g. bus.uart_bridge)
    regmap: Callable | None = None   # regmap(p) -> the SystemRDL file of a bus-attached core: every
                                     # generation also writes its host artefacts into regmap/
    small: Callable | None = None    # small() -> a cheap Params for the framework's per-core checks
                                     # that need just one configuration (must-fail); else defaults
    module: str = ""                 # HDL module/entity name where the core's own name is not a
                                     # legal one in Verilog *and* VHDL (neuron.if_ -> if_neuron)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", self.name):
            raise IdentifierError(f"CoreDecl.name = {self.name!r}: allowed '<family>.<core>'")
        if not re.fullmatch(r"\d+\.\d+\.\d+", self.version):
            raise IdentifierError(f"CoreDecl.version = {self.version!r}: allowed semver X.Y.Z")
        for node, pol in self.arith.items():
            if pol.split(":")[0].strip() not in POLICIES:
                raise DRCError(f"{self.name}: arithmetic node {node!r} declares policy {pol!r}; "
                               f"allowed {POLICIES} (optionally ': reason')")

    @property
    def module_name(self) -> str:
        """The default name of the generated module/entity: ``module``, else the core's name."""
        return self.module or self.core

    @property
    def system(self) -> bool:
        """A system of cores (family ``net``): built from other cores' blocks."""
        return self.family == "net"

    @property
    def family(self) -> str:
        return self.name.split(".")[0]

    @property
    def core(self) -> str:
        return self.name.split(".")[1]

    def vlnv(self) -> str:
        return f"neurohdl:{self.family}:{self.core}:{self.version}"

    def port_list(self, p) -> list[Port]:
        ports = list(self.ports(p))
        names = [q.name for q in ports]
        if names[:2] != ["clk", "rst"]:
            raise DRCError(f"{self.name}: ports must start with clk, rst; got {names[:2]}")
        lower = [n.lower() for n in names]
        if len(set(lower)) != len(lower):
            raise DRCError(f"{self.name}: duplicate port names (ignoring case) in {names}")
        for q in ports:
            check_identifier(q.name, f"{self.name} port")
            if q.width < 1:
                raise DRCError(f"{self.name}: port {q.name} width {q.width}: allowed >= 1")
        return ports


_CONSTS: list = []  # constant Signals of the design being elaborated (see const())


def const(value: int, width: int):
    """A sized constant for MyHDL designs: an undriven Signal that converts to
    ``wire [w-1:0] x; assign x = w'd<value>;``.  Plain Python ints convert to unsized literals
    (context-width surprises, Verilator WIDTH warnings) and ``intbv`` free variables convert to
    undriven ``reg``s, so use this for every multi-bit constant operand."""
    from myhdl import Signal, intbv
    if not 0 <= value < (1 << width):
        raise DRCError(f"const({value}, {width}): value does not fit {width} bits")
    s = Signal(intbv(value)[width:]) if width > 1 else Signal(bool(value))
    _CONSTS.append(s)
    return s


_KEYWORDS = set("""
always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign
default defparam design disable edge else end endcase endconfig endfunction endgenerate
endmodule endprimitive endspecify endtable endtask event for force forever fork function
generate genvar highz0 highz1 if ifnone incdir include initial inout input instance integer
join large liblist library localparam macromodule medium module nand negedge nmos nor
noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1
pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release repeat
rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify specparam
strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 triand
trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor
alias always_comb always_ff always_latch assert assume before bind bins binsof bit break byte
chandle class clocking const constraint context continue cover covergroup coverpoint cross
dist do endclass endclocking endgroup endinterface endpackage endprogram endproperty
endsequence enum expect export extends extern final first_match foreach forkjoin iff
ignore_bins illegal_bins import inside int interface intersect join_any join_none local
logic longint matches modport new null package packed priority program property protected
pure rand randc randcase randsequence ref return sequence shortint shortreal solve static
string struct super tagged this throughout timeprecision timeunit type typedef union unique
var virtual void wait_order wildcard with within
abs access after architecture array attribute block body buffer bus component configuration
constant downto elsif entity exit file group guarded impure in inertial is label linkage
literal loop map mod next of on open others out port postponed procedure process protected
range record register reject rem report return rol ror select severity shared sla sll sra srl
subtype then to transport units until variable wait when
""".split())


def check_identifier(name: str, what: str = "identifier") -> str:
    """A name legal in Verilog and as a VHDL basic identifier: a letter, then letters, digits and
    single underscores, not ending in one; no keyword of either language."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z](_?[A-Za-z0-9])*", name):
        raise IdentifierError(f"{what} = {name!r}: allowed [A-Za-z][A-Za-z0-9_]* without a "
                              "trailing or doubled '_' (legal in Verilog and VHDL)")
    if name.lower() in _KEYWORDS:
        raise IdentifierError(f"{what} = {name!r}: a Verilog/SystemVerilog/VHDL keyword; "
                              "allowed any other identifier")
    return name


__all__ = ["Port", "CoreDecl", "Vectors", "IN", "OUT", "clk_rst", "stream", "check_identifier"]

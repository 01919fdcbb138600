# SPDX-License-Identifier: Apache-2.0
"""Register maps: one SystemRDL file -> a frozen register table -> CSR RTL, model, host artefacts.

    rm = neurohdl.regmap.load("cores/bus/csr_example.rdl")
    rm.regs[1].name, rm.regs[1].offset, rm.regs[1].fields[0].sw     # 'CTRL', 4, 'rw'
    rm.to_dict()                                                       # JSON: manifest, driver

systemrdl-compiler parses and elaborates the file; :func:`load` then flattens the top addrmap into
:class:`RegMap` (registers of :class:`Field` s) and refuses everything outside the supported subset
with a :class:`RegMapError` (a :class:`neurohdl.ParamError`) naming ``file:line``.

Supported SystemRDL subset (docs/regmap.md has the table):

* one top ``addrmap`` holding ``reg`` instances directly (``regfile``, nested ``addrmap``,
  ``mem``, ``external`` are refused); register arrays are unrolled into one register per
  element.  Its :attr:`Register.rdl_name` is the name SystemRDL and PeakRDL print,
  ``SC_VAL[0]``: the name users address it by (the markdown, the C header's struct array,
  regmap.json and the Python driver).  :attr:`Register.name` is its identifier form
  ``SC_VAL_0``, from which the HDL ports (``csr_sc_val_0_value``) and the models' keys derive.
* ``regwidth`` = ``accesswidth`` = 32; offsets word aligned (systemrdl-compiler's defaults)
* field properties: ``name``, ``desc``, ``sw`` (``rw`` | ``r`` | ``w``), ``hw`` (``r`` | ``w`` |
  ``na``), ``reset`` (a constant), ``onwrite = woclr`` (write 1 to clear), ``hwset``,
  ``singlepulse``, ``swmod``, ``swacc``.  Anything else explicitly set (``counter``, ``rclr``,
  ``we``, ``hwclr``, ``intr``, ``precedence``, references as reset values...) is refused.
* register properties ``name``, ``desc``, ``regwidth``, ``accesswidth``; addrmap properties
  ``name``, ``desc``, ``addressing``, ``alignment``, ``lsb0``.

Field kinds (the behaviour the CSR block and the model implement):

======== ============================ ======================================================
kind     SystemRDL                     behaviour
======== ============================ ======================================================
const    sw=r, hw=na                   reads the reset value (ID/version registers)
status   sw=r, hw=w                    reads input port ``hw_<reg>_<field>`` (no storage)
config   sw=rw|w, hw=r|na              storage written by software; ``csr_<reg>_<field>`` out
                                       if hw=r; sw=w reads 0
pulse    sw=rw|w, hw=r, singlepulse    written 1s are high for one cycle then clear; reads 0
w1c      sw=rw, onwrite=woclr, hwset   storage; 1 bit input ``hw_<reg>_<field>_set`` sets all
                                       bits, software writing 1s clears them (software wins in
                                       the same cycle: SystemRDL's default precedence=sw);
                                       ``csr_<reg>_<field>`` out if hw=r
======== ============================ ======================================================

``swmod`` on a writable field adds an output ``csr_<reg>_<field>_pulse``, high for one cycle after
every write whose byte enables touch the field.  ``swacc`` on a status field (sw=r, hw=w only)
adds an output ``csr_<reg>_<field>_swacc``, high in the cycle in which a read of the register is
performed (the clock edge that captures the read data, ``hw_<reg>_<field>`` included): a FIFO
whose head drives ``hw_<reg>_<field>`` and which pops on the strobe at that edge presents its
next head to the next read.  Writes and error responses never raise it.  Port names are lower
case.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .core import check_identifier
from .errors import ParamError

REG_WIDTH = 32
KINDS = ("const", "status", "config", "pulse", "w1c")

FIELD_PROPS = {"name", "desc", "sw", "hw", "reset", "onwrite", "hwset", "singlepulse", "swmod",
               "swacc", "fieldwidth"}
REG_PROPS = {"name", "desc", "regwidth", "accesswidth"}
MAP_PROPS = {"name", "desc", "addressing", "alignment", "lsb0"}


class RegMapError(ParamError):
    """A SystemRDL file that does not compile, or uses something outside the supported subset."""


@dataclass(frozen=True)
class Field:
    name: str
    lsb: int
    width: int
    sw: str             # rw | r | w
    hw: str             # r | w | na
    kind: str           # const | status | config | pulse | w1c
    reset: int = 0
    swmod: bool = False
    swacc: bool = False     # status fields only: csr_<reg>_<field>_swacc strobe on reads
    desc: str = ""

    @property
    def msb(self) -> int:
        return self.lsb + self.width - 1

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb

    @property
    def writable(self) -> bool:
        return self.sw in ("rw", "w")

    @property
    def readable(self) -> bool:
        """Read data shows the field (sw=w and singlepulse fields read 0)."""
        return self.sw in ("rw", "r") and self.kind != "pulse"

    @property
    def stored(self) -> bool:
        return self.kind in ("config", "pulse", "w1c")

    @property
    def has_output(self) -> bool:
        return self.stored and self.hw == "r"


@dataclass(frozen=True)
class Register:
    name: str
    offset: int
    fields: tuple[Field, ...]
    desc: str = ""
    title: str = ""
    rdl_name: str = ""          # SC_VAL[0] for element 0 of array SC_VAL; else = name

    @property
    def writable(self) -> bool:
        """A write is accepted (OKAY) iff some field is software-writable; else SLVERR/ERR."""
        return any(f.writable for f in self.fields)

    @property
    def reset(self) -> int:
        """What a read returns right after reset (status fields read as 0 here)."""
        v = 0
        for f in self.fields:
            if f.readable and f.kind != "status":
                v |= (f.reset << f.lsb) & f.mask
        return v

    @property
    def rw_mask(self) -> int:
        """Bits that read back what was written (bit-bash target)."""
        m = 0
        for f in self.fields:
            if f.kind == "config" and f.sw == "rw":
                m |= f.mask
        return m

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise RegMapError(f"register {self.name}: no field {name!r}; allowed "
                          + ", ".join(f.name for f in self.fields))


@dataclass(frozen=True)
class HwPort:
    name: str
    direction: str      # in | out
    width: int
    reg: str
    field: str
    what: str           # status | set | value | pulse | swacc


@dataclass(frozen=True)
class RegMap:
    name: str
    regs: tuple[Register, ...]
    source: str = ""            # file name (not path: keeps outputs free of local paths)
    digest: str = ""            # sha256 of the RDL text, 12 hex digits
    title: str = ""
    desc: str = ""
    width: int = REG_WIDTH

    @property
    def size(self) -> int:
        """Bytes spanned by the map (highest offset + 4)."""
        return max(r.offset for r in self.regs) + 4

    def min_addr_width(self) -> int:
        return max(3, (self.size - 1).bit_length())

    def reg(self, name: str) -> Register:
        for r in self.regs:
            if r.name == name:
                return r
        raise RegMapError(f"regmap {self.name}: no register {name!r}; allowed "
                          + ", ".join(r.name for r in self.regs))

    def at(self, offset: int) -> Register | None:
        for r in self.regs:
            if r.offset == offset:
                return r
        return None

    def hw_ports(self) -> list[HwPort]:
        out = []
        for r in self.regs:
            base = f"{r.name}_".lower()
            for f in r.fields:
                n = (base + f.name).lower()
                if f.kind == "status":
                    out.append(HwPort(f"hw_{n}", "in", f.width, r.name, f.name, "status"))
                if f.kind == "w1c":
                    out.append(HwPort(f"hw_{n}_set", "in", 1, r.name, f.name, "set"))
                if f.has_output:
                    out.append(HwPort(f"csr_{n}", "out", f.width, r.name, f.name, "value"))
                if f.swmod:
                    out.append(HwPort(f"csr_{n}_pulse", "out", 1, r.name, f.name, "pulse"))
                if f.swacc:
                    out.append(HwPort(f"csr_{n}_swacc", "out", 1, r.name, f.name, "swacc"))
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["regs"] = [dict(asdict(r), fields=[asdict(f) for f in r.fields]) for r in self.regs]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RegMap":
        regs = tuple(Register(**dict(r, fields=tuple(Field(**f) for f in r["fields"])))
                     for r in d["regs"])
        return cls(**dict(d, regs=regs))


# ------------------------------------------------------------------ loading ----------------

_CACHE: dict[str, RegMap] = {}


def _where(node) -> str:
    for ref in (getattr(node.inst, "inst_src_ref", None), getattr(node.inst, "def_src_ref", None)):
        if ref is not None and getattr(ref, "filename", None):
            try:
                return f"{Path(ref.filename).name}:{ref.line}"
            except Exception:  # noqa: BLE001 - a ref without line information
                return Path(ref.filename).name
    return "?"


def _err(node, msg: str) -> RegMapError:
    return RegMapError(f"{_where(node)}: {node.get_path()}: {msg}")


def _access(v) -> str:
    return getattr(v, "name", str(v))


def _classify(reg_node, f) -> Field:
    extra = sorted(set(f.list_properties(list_all=False)) - FIELD_PROPS)
    if extra:
        raise _err(f, f"properties {extra} are outside neurohdl's SystemRDL subset; allowed "
                   + ", ".join(sorted(FIELD_PROPS)))
    sw, hw = _access(f.get_property("sw")), _access(f.get_property("hw"))
    onwrite = f.get_property("onwrite")
    hwset, sp, swmod, swacc = (bool(f.get_property(k))
                               for k in ("hwset", "singlepulse", "swmod", "swacc"))
    reset = f.get_property("reset")
    if reset is not None and not isinstance(reset, int):
        raise _err(f, f"reset = {reset!r}: allowed a constant integer")
    if sw not in ("rw", "r", "w"):
        raise _err(f, f"sw = {sw}: allowed rw, r or w")
    if hw not in ("r", "w", "na"):
        raise _err(f, f"hw = {hw}: allowed r, w or na (hw=rw needs we/wel, not supported); "
                   "note SystemRDL's default is hw=rw, so declare hw explicitly")
    if onwrite is not None and _access(onwrite) != "woclr":
        raise _err(f, f"onwrite = {_access(onwrite)}: allowed only woclr")
    if (onwrite is not None) != hwset:
        raise _err(f, "onwrite = woclr and hwset: allowed only together (a sticky w1c flag)")
    if swacc and (sw != "r" or hw != "w" or hwset or sp):
        what = f"sw={sw}, hw={hw}" + (", hwset" if hwset else "") + (", singlepulse" if sp else "")
        raise _err(f, f"swacc: allowed only on sw=r, hw=w fields (status inputs), not {what}")
    if swmod and sw == "r":
        raise _err(f, "swmod on a read-only field: allowed only on writable fields")
    if hwset:
        if sw != "rw" or hw == "w" or sp:
            raise _err(f, "a w1c field (woclr + hwset): allowed sw=rw, hw=r|na, no singlepulse")
        kind = "w1c"
    elif sp:
        if sw == "r" or hw != "r":
            raise _err(f, "singlepulse: allowed with sw=rw|w and hw=r")
        kind = "pulse"
    elif sw == "r":
        kind = "status" if hw == "w" else "const"
        if hw == "r":
            raise _err(f, "sw=r, hw=r: a constant has no hardware port; allowed hw=na "
                       "(constant) or hw=w (status input)")
        if kind == "const" and reset is None:
            raise _err(f, "a constant field (sw=r, hw=na) needs a reset value")
        if kind == "status" and reset is not None:
            raise _err(f, "a status field (sw=r, hw=w) has no storage: remove its reset value")
    else:
        if hw == "w":
            raise _err(f, f"sw={sw}, hw=w: hardware and software both writing needs we/wel, "
                       "not supported; allowed hw=r or na")
        kind = "config"
    return Field(name=f.inst_name, lsb=f.lsb, width=f.width, sw=sw, hw=hw, kind=kind,
                 reset=int(reset or 0), swmod=swmod, swacc=swacc,
                 desc=_text(f.get_property("desc")))


def _text(s) -> str:
    return " ".join(str(s or "").split())


def _flatten(top) -> list[Register]:
    from systemrdl.node import AddrmapNode, FieldNode, RegNode

    extra = sorted(set(top.list_properties(list_all=False)) - MAP_PROPS)
    if extra:
        raise _err(top, f"addrmap properties {extra}: allowed " + ", ".join(sorted(MAP_PROPS)))
    regs: list[Register] = []
    for child in top.children(unroll=True):
        if not isinstance(child, RegNode):
            kind = "addrmap" if isinstance(child, AddrmapNode) else type(child).__name__
            raise _err(child, f"a {kind} inside the top addrmap: allowed only reg instances")
        if child.external:
            raise _err(child, "external registers: not supported")
        extra = sorted(set(child.list_properties(list_all=False)) - REG_PROPS)
        if extra:
            raise _err(child, f"register properties {extra}: allowed "
                       + ", ".join(sorted(REG_PROPS)))
        for prop in ("regwidth", "accesswidth"):
            if child.get_property(prop) != REG_WIDTH:
                raise _err(child, f"{prop} = {child.get_property(prop)}: allowed 32")
        name = rdl_name = child.inst_name
        if child.is_array:
            name += "".join(f"_{i}" for i in child.current_idx)
            rdl_name += "".join(f"[{i}]" for i in child.current_idx)
        fields = []
        for f in child.children():
            if isinstance(f, FieldNode):
                fields.append(_classify(child, f))
        fields.sort(key=lambda f: f.lsb)
        regs.append(Register(name=name, offset=child.address_offset, fields=tuple(fields),
                             desc=_text(child.get_property("desc")),
                             title=_text(child.get_property("name")), rdl_name=rdl_name))
        where = _where(child)
        check_name(name, f"{where}: register")
        for fl in fields:
            check_name(fl.name, f"{where}: field {name}.{fl.name}")
    if not regs:
        raise _err(top, "the addrmap has no registers")
    return sorted(regs, key=lambda r: r.offset)


def check_name(name: str, what: str) -> str:
    try:
        return check_identifier(name, what)
    except ParamError as e:
        raise RegMapError(str(e)) from None


def _compile(text: str, filename: str, then=None):
    """Elaborate RDL text with systemrdl-compiler; returns ``then(root)`` (run while the source
    file still exists: systemrdl-compiler reads it back for line numbers) or the root."""
    from systemrdl import RDLCompileError, RDLCompiler
    from systemrdl.messages import MessagePrinter

    msgs: list[str] = []

    class _Capture(MessagePrinter):
        def emit_message(self, lines):
            msgs.append("\n".join(lines))

    rdlc = RDLCompiler(message_printer=_Capture())
    try:
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / filename
            p.write_text(text)
            rdlc.compile_file(str(p))
            root = rdlc.elaborate()
            return then(root) if then else root
    except RDLCompileError:
        first = next((m for m in msgs if "error" in m.lower()), msgs[0] if msgs else "")
        first = re.sub(r"\x1b\[[0-9;]*m", "", first)          # the compiler's colours
        first = re.sub(r"\S*/" + re.escape(filename), filename, first)
        raise RegMapError(f"{filename}: SystemRDL does not compile: {first.strip()}") from None


def resolve_path(path: str | Path) -> Path:
    """A map file path: as given if it exists, else one of neurohdl's own maps named by its
    repository path (``cores/net/snn_soc.rdl``), wherever neurohdl is installed."""
    p = Path(path)
    if p.is_file():
        return p
    from .resources import cores_dir, shipped
    q = shipped(p)
    if q is not None:
        return q
    raise RegMapError(f"rdl = {str(path)!r}: no such file (relative paths are tried against the "
                      f"working directory, then neurohdl's own cores/ = {cores_dir()})")


def load(path: str | Path | None = None, *, text: str | None = None,
         filename: str = "map.rdl") -> RegMap:
    """Elaborate an .rdl file (or RDL ``text``) into a :class:`RegMap` (cached by content)."""
    if text is None:
        if path is None:
            raise RegMapError("regmap.load: give a path or text")
        p = resolve_path(path)
        text, filename = p.read_text(), p.name
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    key = f"{filename}:{digest}"
    if key in _CACHE:
        return _CACHE[key]
    top_name, title, desc, regs = _compile(text, filename, lambda root: (
        root.top.inst_name, _text(root.top.get_property("name")),
        _text(root.top.get_property("desc")), _flatten(root.top)))
    names = {}
    for r in regs:
        if r.name.lower() in names:
            raise RegMapError(f"{filename}: registers {names[r.name.lower()]} and {r.name}: "
                              "names must differ ignoring case")
        names[r.name.lower()] = r.name
    rm = RegMap(name=top_name, regs=tuple(regs), source=filename, digest=digest,
                title=title, desc=desc)
    seen: dict[str, HwPort] = {}
    for q in rm.hw_ports():
        if q.name in seen:
            o = seen[q.name]
            raise RegMapError(f"{filename}: fields {o.reg}.{o.field} and {q.reg}.{q.field} both "
                              f"make port {q.name}; rename one")
        seen[q.name] = q
    _CACHE[key] = rm
    return rm


def elaborate(path: str | Path | None = None, *, text: str | None = None,
              filename: str = "map.rdl"):
    """The systemrdl-compiler root node (for the PeakRDL exporters); validates the subset."""
    if text is None:
        p = resolve_path(path)
        text, filename = p.read_text(), p.name
    load(text=text, filename=filename)
    return _compile(text, filename)


__all__ = ["load", "elaborate", "RegMap", "Register", "Field", "HwPort", "RegMapError",
           "resolve_path", "KINDS", "REG_WIDTH"]

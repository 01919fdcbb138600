# SPDX-License-Identifier: Apache-2.0
"""Control/status register block: the bit-true specification of ``bus.csr``.

The register behaviour comes from one SystemRDL file (``CsrParams.rdl``), flattened by
:mod:`neurohdl.regmap` into registers of typed fields (const, status, config, pulse, w1c; see that
module).  Accesses are 32-bit words at byte addresses; the two low address bits are ignored (byte
lanes are chosen by ``wb_sel`` / ``wstrb``) and only ``addr_width`` address bits exist.

    read(a)  -> (resp, data)   resp OKAY, or DECERR when no register is at a (data 0)
    write(a, d, strb) -> resp  OKAY; DECERR when unmapped; SLVERR when the register has no
                               software-writable field.  An erroring access changes nothing.

Writes honour the byte strobes bit for bit: config bits take the data, w1c bits clear where the
data has 1s, singlepulse bits pulse where the data has 1s (the field reads 0 and its output is
high for exactly one cycle), and ``swmod`` pulses when any enabled byte overlaps the field.
Status fields read their ``hw_*`` input at the access; ``hw_*_set`` inputs set all bits of their
w1c field.  The Wishbone front-end maps OKAY to ACK and SLVERR/DECERR to ERR.

``swacc`` status fields: ``csr_<reg>_<field>_swacc`` is high *in* the cycle in which a read of
the register is performed (the clock edge that captures the read data), and in no other cycle:
not on writes, not on erroring accesses.  :meth:`CsrModel.strobes` gives its value for a cycle
from the access performed in it (the bench compares it on every clock edge); :meth:`CsrModel.read`
also records one ``(port, 1)`` per strobe in ``pulses`` beside the ``swmod`` pulses, so the
per-port counts are checked like theirs.  (``swmod`` pulses come one cycle *after* the write.)
"""
from __future__ import annotations

from dataclasses import dataclass

from neurohdl.params import Params, pfield
from neurohdl.regmap import RegMap, RegMapError, load, resolve_path

OKAY, SLVERR, DECERR = 0, 2, 3
RESP_NAMES = {OKAY: "OKAY", SLVERR: "SLVERR", DECERR: "DECERR"}
DEFAULT_RDL = "cores/bus/csr_example.rdl"


@dataclass(frozen=True)
class CsrParams(Params):
    """CSR block generated from a SystemRDL register map, Wishbone B4 pipelined or AXI4-Lite."""

    rdl: str = pfield(DEFAULT_RDL, "SystemRDL file (relative paths: working directory, then "
                      "neurohdl's own cores/)", text_file=resolve_path)
    bus: str = pfield("wishbone", "bus front-end", choices=("wishbone", "axil"))
    addr_width: int | None = pfield(None, "byte address bits (None = the fewest that hold the "
                                    "map, at least 3)", optional=True, lo=3, hi=32, rand=(3, 16))

    def check(self):
        if not isinstance(self.rdl, str) or not self.rdl:
            raise self.error("rdl", self.rdl, "a path to a .rdl file")
        try:
            rm = load(self.rdl)
        except RegMapError as e:
            raise self.error("rdl", self.rdl, f"a map inside the supported subset ({e})") from None
        if self.addr_width is not None and self.addr_width < rm.min_addr_width():
            raise self.error("addr_width", self.addr_width,
                             f"{rm.min_addr_width()}..32 (the map spans {rm.size} bytes)")

    def derive(self):
        rm = load(self.rdl)
        if self.addr_width is None:
            self.resolve("addr_width", rm.min_addr_width())
        self.set_derived("map", rm.name)
        self.set_derived("map_digest", rm.digest)
        self.set_derived("n_regs", len(rm.regs))
        self.set_derived("map_bytes", rm.size)


def regmap_of(p: CsrParams) -> RegMap:
    return load(p.rdl)


def strb_mask(strb: int) -> int:
    m = 0
    for i in range(4):
        if strb >> i & 1:
            m |= 0xFF << (8 * i)
    return m


class CsrModel:
    """Register state, accesses and the hardware-side ports of one CSR block."""

    def __init__(self, rm: RegMap, addr_width: int):
        self.rm, self.addr_width = rm, addr_width
        self.hw_in: dict[str, int] = {q.name: 0 for q in rm.hw_ports() if q.direction == "in"}
        self.swacc_ports = [q.name for q in rm.hw_ports() if q.what == "swacc"]
        self.pulses: list[tuple[str, int]] = []   # (port, value) in access order (swmod,
        # singlepulse: writes; swacc: reads)
        self.reset()

    @classmethod
    def from_params(cls, p: CsrParams) -> "CsrModel":
        return cls(regmap_of(p), p.addr_width)

    def reset(self) -> None:
        self.state = {(r.name, f.name): (f.reset if f.kind != "pulse" else 0)
                      for r in self.rm.regs for f in r.fields if f.stored}

    def decode(self, addr: int):
        return self.rm.at(addr & ((1 << self.addr_width) - 1) & ~3)

    def _port(self, r, f, suffix=""):
        return f"{r.name}_{f.name}".lower() + suffix

    def read(self, addr: int) -> tuple[int, int]:
        r = self.decode(addr)
        if r is None:
            return DECERR, 0
        v = self.value(r.name)
        self.pulses += [(port, 1) for port in self._swacc_of(r)]
        return OKAY, v

    def _swacc_of(self, r) -> list[str]:
        return ["csr_" + self._port(r, f, "_swacc") for f in r.fields if f.swacc]


    def strobes(self, access: tuple[int, bool] | None) -> dict[str, int]:
        """The ``csr_*_swacc`` outputs during a cycle in which ``access`` = ``(addr, we)`` is
        performed (None: no access that cycle): 1 for every swacc field of a register read
        with OKAY, else 0.  Combinational in the access: no state."""
        out = dict.fromkeys(self.swacc_ports, 0)
        if access is None or access[1]:
            return out
        r = self.decode(access[0])
        if r is not None:
            out.update(dict.fromkeys(self._swacc_of(r), 1))
        return out

    def value(self, reg: str) -> int:
        """What a read of ``reg`` returns now."""
        r = self.rm.reg(reg)
        v = 0
        for f in r.fields:
            if not f.readable:
                continue
            if f.kind == "const":
                x = f.reset
            elif f.kind == "status":
                x = self.hw_in["hw_" + self._port(r, f)]
            else:
                x = self.state[(r.name, f.name)]
            v |= (x << f.lsb) & f.mask
        return v

    def write(self, addr: int, data: int, strb: int = 0xF) -> int:
        r = self.decode(addr)
        if r is None:
            return DECERR
        if not r.writable:
            return SLVERR
        bm = strb_mask(strb)
        for f in r.fields:
            if not f.writable:
                continue
            en = (bm & f.mask) >> f.lsb
            d = (data >> f.lsb) & ((1 << f.width) - 1)
            key = (r.name, f.name)
            if f.kind == "config":
                self.state[key] = (self.state[key] & ~en) | (d & en)
            elif f.kind == "w1c":
                self.state[key] &= ~(d & en)
            elif f.kind == "pulse" and d & en:
                self.pulses.append(("csr_" + self._port(r, f), d & en))
            if f.swmod and en:
                self.pulses.append(("csr_" + self._port(r, f, "_pulse"), 1))
        return OKAY

    def hw_set(self, port: str) -> None:
        """One cycle of ``hw_<reg>_<field>_set`` high."""
        for r in self.rm.regs:
            for f in r.fields:
                if f.kind == "w1c" and "hw_" + self._port(r, f, "_set") == port:
                    self.state[(r.name, f.name)] = (1 << f.width) - 1
                    return
        raise KeyError(port)

    def outputs(self) -> dict[str, int]:
        """Steady-state values of the ``csr_*`` value outputs (pulse and swacc outputs idle at
        0)."""
        out = {}
        for r in self.rm.regs:
            for f in r.fields:
                if f.has_output:
                    out["csr_" + self._port(r, f)] = \
                        0 if f.kind == "pulse" else self.state[(r.name, f.name)]
                if f.swmod:
                    out["csr_" + self._port(r, f, "_pulse")] = 0
                if f.swacc:
                    out["csr_" + self._port(r, f, "_swacc")] = 0
        return out

    def unmapped(self) -> list[int]:
        """Word addresses inside the address space with no register (the gaps)."""
        used = {r.offset for r in self.rm.regs}
        return [a for a in range(0, 1 << self.addr_width, 4) if a not in used]

# SPDX-License-Identifier: Apache-2.0
"""Multicast AER router: the routing-table compiler and the bit-true, cycle-true specification
of ``aer.router``.

One event stream ``s_in`` in, ``P = ports`` event streams ``m_out0`` .. ``m_out{P-1}`` out, and
the CSR block of ``cores/aer/router.rdl`` on a Wishbone B4 pipelined slave port (``wb_*``).

**The table.**  Users write a SpiNNaker-style ternary table: an ordered list of
:class:`Entry` ``(key, mask, ports)`` and a default route; an event whose address ``a``
(``EventParams``: the word's low ``address_bits`` bits) satisfies ``a & mask == key`` takes
the ports of the *first* such entry, else the default ports; an empty port set drops it.
The hardware holds a direct-mapped *route RAM* of ``2**index_bits`` words ``{valid, ports}``
indexed by the key window ``index = (a >> key_shift) mod 2**index_bits``, read in one cycle.
:func:`compile_table` expands the ternary list into that RAM image (first match wins per
index; an index no entry matches is not valid, so the ``DEF_ROUTE`` register routes it).  An
entry whose mask constrains address bits outside the window cannot be represented and raises
ParamError naming the entry (as do a key bit outside the mask, a bit beyond the address and a
port >= P).  The compiler is pure Python: the host driver (``neurohdl.sw.aer_router``) uses it.

**The data path.**  One held beat (``h``: tdata, tlast, tuser, the default route sampled at
its acceptance, the RAM word read at its acceptance edge, ``taken``: the ports that have
taken it).  During a cycle::

    route      = ram_word.valid ? ram_word.ports : default     (of the held beat)
    member     = tuser ? 0 : route            ports that get the event
    dest       = tlast ? ALL : member         ports that get a beat (a marker goes to every port)
    pend       = held ? dest & ~taken : 0
    m_out<i>   = tvalid pend[i]; tdata member[i] ? tdata : 0; tlast; tuser !member[i]
    s_in_tready = every pending port is ready this cycle (pend & ~tready == 0)

so a port outside the route of an event with tlast gets the marker beat ``(0, tlast 1,
tuser 1)``: every port sees exactly one closing beat per timestep (its barrier), ports that
took their copy are not offered it again, and each port's beats keep the input order.  At the
edge: s_in_tready -> the next beat (if tvalid) is accepted and the RAM read at its index, else
``taken |= pend & tready``.  One beat a clock when every port of each beat is ready; the
latency is one cycle.  A beat ``tuser 1, tlast 0`` (illegal) goes nowhere.

**Counters** (32-bit CSR registers, ``counter_bits`` wide, wrapping), at the edge: EVENTS_IN
+1 per event (tuser 0) accepted, MARKERS +1 per beat with tlast accepted; when an event leaves
(its last pending port takes it, or at once with an empty route): HITS or MISSES (valid RAM
word or not), then EVENTS_OUT (route not empty) or DROPPED; PORT_OUT[i] +1 per event taken by
port i.  Every cycle ``EVENTS_IN = EVENTS_OUT + DROPPED + (an event held)`` and ``HITS +
MISSES = EVENTS_OUT + DROPPED`` (mod 2**counter_bits).  CTRL.clr_cnt zeroes them all (a clear
wins over a same-cycle count).

**Table writes** (TADDR sets the pointer, TDATA writes ``{valid, ports}`` at it and advances
it; bus.csr's ``swmod`` pulses, so the RAM is written at the edge after the bus write).  An
event uses the RAM word read at its acceptance edge and the default route of that moment; an
event accepted at the very edge that writes its own index reads the old word.  Writes while
events flow are legal but a table is only consistent between writes: stop ``s_in`` while
loading a table (:mod:`neurohdl.sw.aer_router` recommends it).  The RAM is not cleared by
reset: load every index (``compile_table`` gives all ``2**index_bits`` words).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from neurohdl.errors import ParamError
from neurohdl.models.aer.event import MARKER, EventParams
from neurohdl.models.bus import csr as csr_model
from neurohdl.params import Params, pfield, pfield_params
from neurohdl.regmap import RegMap, load, resolve_path

RDL = "cores/aer/router.rdl"
MAX_PORTS = 8
ENTRY_VALID = 1 << MAX_PORTS           # TDATA.entry: bit 8 valid, bits 7:0 the port set
COUNTERS = ("EVENTS_IN", "EVENTS_OUT", "DROPPED", "HITS", "MISSES", "MARKERS")
SIGNALS = ("tvalid", "tdata", "tlast", "tuser")
WB_IN = ("wb_cyc", "wb_stb", "wb_we", "wb_adr", "wb_dat_w", "wb_sel")


@dataclass(frozen=True)
class RouterParams(Params):
    """A multicast AER router: 1 event stream -> ``ports`` outputs through a route RAM."""

    ports: int = pfield(4, "output ports m_out0 .. m_out{ports-1}", lo=2, hi=MAX_PORTS,
                        rand=(2, 5))
    index_bits: int = pfield(8, "route RAM index bits: 2**index_bits entries of ports + 1 bits",
                             lo=8, hi=12, rand=(8, 9))
    key_shift: int = pfield(0, "the key window starts at this address bit", lo=0, hi=24,
                            rand=(0, 3))
    counter_bits: int = pfield(32, "bits of every counter (they wrap; the CSR registers are "
                               "32 bits, zero-extended)", lo=4, hi=32, rand=(4, 32))
    event: EventParams = pfield_params(EventParams, "the event word (models/aer/event.py)")

    def check(self):
        room = self.event.neuron_bits + self.event.x_bits + self.event.y_bits - self.key_shift
        if self.index_bits > room:
            raise self.error("index_bits", self.index_bits,
                             f"at most {room}: the key window (key_shift = {self.key_shift}) "
                             "must fit the event address (event.address_bits = "
                             f"{room + self.key_shift})")

    def derive(self):
        self.set_derived("entries", 1 << self.index_bits)
        self.set_derived("entry_bits", self.ports + 1)
        self.set_derived("all_ports", (1 << self.ports) - 1)

    @property
    def geometry(self) -> "Geometry":
        return Geometry(self.ports, self.index_bits, self.key_shift, self.event.address_bits)


@dataclass(frozen=True)
class Geometry:
    """What the table compiler needs (the INFO register holds it)."""

    ports: int
    index_bits: int
    key_shift: int
    address_bits: int

    @property
    def window(self) -> int:
        """The address bits the route RAM index is made of."""
        return ((1 << self.index_bits) - 1) << self.key_shift

    def index(self, address: int) -> int:
        return (address >> self.key_shift) & ((1 << self.index_bits) - 1)


@dataclass(frozen=True)
class Entry:
    """One ternary routing entry: an address ``a`` matches when ``a & mask == key``; it goes
    to ``ports`` (port numbers; empty: drop)."""

    key: int
    mask: int
    ports: tuple[int, ...]


def port_set(g: Geometry, ports: Iterable[int], what: str) -> int:
    """The bit mask of port numbers ``ports``; a port outside 0..P-1 raises ParamError."""
    out = 0
    for q in ports:
        if isinstance(q, bool) or not isinstance(q, int) or not 0 <= q < g.ports:
            raise ParamError(f"{what} = {q!r}: allowed a port 0..{g.ports - 1} (ports = "
                             f"{g.ports})")
        out |= 1 << q
    return out


def check_entry(g: Geometry, i: int, e: Entry) -> None:
    """ParamError naming ``table[i]`` when the entry cannot be put into the route RAM."""
    top = (1 << g.address_bits) - 1
    for name in ("key", "mask"):
        v = getattr(e, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v & ~top:
            shown = f"{v:#x}" if isinstance(v, int) and not isinstance(v, bool) else repr(v)
            raise ParamError(f"table[{i}].{name} = {shown}: allowed 0..{top:#x} (an "
                             f"address_bits = {g.address_bits} bit address)")
    if e.key & ~e.mask:
        raise ParamError(f"table[{i}].key = {e.key:#x}: allowed only bits of its mask "
                         f"{e.mask:#x} (a key bit outside the mask never matches)")
    if e.mask & ~g.window:
        raise ParamError(f"table[{i}].mask = {e.mask:#x}: allowed only bits of the key window "
                         f"{g.window:#x} (index_bits = {g.index_bits}, key_shift = "
                         f"{g.key_shift}); the route RAM cannot test address bits "
                         f"{e.mask & ~g.window:#x}")


def compile_table(g: Geometry, entries: Iterable) -> list[int]:
    """The route RAM image (``2**index_bits`` TDATA words ``valid << 8 | ports``) of an
    ordered ternary table (``Entry`` or ``(key, mask, ports)``): at each index the first
    matching entry, not valid where none matches."""
    image = [0] * (1 << g.index_bits)
    free = set(range(len(image)))
    for i, e in enumerate(entries):
        e = e if isinstance(e, Entry) else Entry(*e)
        check_entry(g, i, e)
        word = ENTRY_VALID | port_set(g, e.ports, f"table[{i}].ports")
        m, k = g.index(e.mask), g.index(e.key)
        hits = {j for j in free if j & m == k}
        for j in hits:
            image[j] = word
        free -= hits
    return image


def default_word(g: Geometry, ports: Iterable[int]) -> int:
    """The DEF_ROUTE value of the default ports (empty: drop)."""
    return port_set(g, ports, "default route port")


_REGMAP: list[RegMap] = []       # the map given to use_regmap()


def use_regmap(rm: RegMap) -> None:
    """Use ``rm`` as the router's register map (e.g. ``RegMap.from_dict`` of the
    ``regmap.json`` a generation wrote: no systemrdl-compiler needed); its digest must be
    that of cores/aer/router.rdl's text."""
    want = hashlib.sha256(resolve_path(RDL).read_text().encode()).hexdigest()[:12]
    if rm.digest != want:
        raise ParamError(f"router register map digest = {rm.digest}: allowed {want} (the "
                         f"digest of {RDL}: the map is out of date)")
    _REGMAP[:] = [rm]


def regmap() -> RegMap:
    """The register map: the one given to :func:`use_regmap`, else ``RDL`` elaborated."""
    return _REGMAP[0] if _REGMAP else load(RDL)


def csr_params():
    """The bus.csr Params of the router's CSR block (Wishbone)."""
    return csr_model.CsrParams(rdl=RDL, bus="wishbone")


# ------------------------------------------------------------------ cycle model --------------

def inputs(p: RouterParams) -> tuple[str, ...]:
    return ("rst",) + tuple(f"s_in_{s}" for s in SIGNALS) + \
        tuple(f"m_out{i}_tready" for i in range(p.ports)) + WB_IN


class State:
    """Everything the router holds (mutable: ``step`` updates it in place and returns it)."""

    def __init__(self, p: RouterParams, mem: list[int | None]):
        rm = regmap()       # (bus.csr's default addr_width: the fewest bits, at least 3)
        self.csr = csr_model.CsrModel(rm, max(3, rm.min_addr_width()))
        self.mem = mem                    # route RAM words (P + 1 bits)
        self.init = 0                     # the clearing sweep's index; None: done
        self.ptr = 0
        self.pending: list[tuple[str, int]] = []   # CSR pulses high during this cycle
        self.held = None                  # (tdata, tlast, tuser, default, RAM word)
        self.taken = 0
        self.count = dict.fromkeys(COUNTERS, 0)
        self.port = [0] * p.ports
        self.bus = (0, 0, 0)              # wb_ack, wb_err, wb_dat_r


def reset(p: RouterParams) -> State:
    """After reset: the route RAM is cleared during the next ``2**index_bits`` cycles."""
    return State(p, [0] * p.entries)


def _route(p: RouterParams, st: State):
    """(member, dest, hit) of the held beat."""
    d, last, user, default, word = st.held
    hit = word >> p.ports & 1
    route = word & p.all_ports if hit else default
    member = 0 if user else route
    return member, p.all_ports if last else member, hit


def _pend(p: RouterParams, st: State):
    return 0 if st.held is None else _route(p, st)[1] & ~st.taken


def outputs(p: RouterParams, st: State, ins: dict) -> dict:
    ack, err, dat = st.bus
    out = {"wb_ack": ack, "wb_err": err, "wb_dat_r": dat, "wb_stall": ins.get("rst")}
    pend = _pend(p, st)
    r = _route(p, st) if st.held is not None else (0, 0, 0)
    d, last = (st.held[0], st.held[1]) if st.held is not None else (0, 0)
    for i in range(p.ports):
        m, v = r[0] >> i & 1, pend >> i & 1       # (tdata, tlast, tuser: defined when valid)
        out.update({f"m_out{i}_tvalid": v, f"m_out{i}_tdata": (d if m else 0) if v else None,
                    f"m_out{i}_tlast": last if v else None,
                    f"m_out{i}_tuser": int(not m) if v else None})
    if st.init is not None:
        out["s_in_tready"] = 0
    elif any(ins.get(f"m_out{i}_tready") is None for i in range(p.ports) if pend >> i & 1):
        out["s_in_tready"] = None
    else:
        out["s_in_tready"] = int(all(ins[f"m_out{i}_tready"] for i in range(p.ports)
                                     if pend >> i & 1))
    return out


def hw_status(p: RouterParams, st: State) -> dict[str, int]:
    """The values of the CSR block's ``hw_*`` inputs."""
    mask = (1 << p.counter_bits) - 1
    hw = {"hw_info_ports": p.ports, "hw_info_index_bits": p.index_bits,
          "hw_info_key_shift": p.key_shift, "hw_info_address_bits": p.event.address_bits,
          "hw_status_held": int(st.held is not None), "hw_status_init": int(st.init is not None),
          "hw_tptr_addr": st.ptr}
    hw.update({f"hw_{c.lower()}_count": v & mask for c, v in st.count.items()})
    hw.update({f"hw_port_out_{i}_count": (st.port[i] & mask) if i < p.ports else 0
               for i in range(MAX_PORTS)})
    return hw


def step(p: RouterParams, st: State, ins: dict) -> State:
    """The state after the clock edge of a cycle with inputs ``ins`` (``st`` is updated)."""
    o = outputs(p, st, ins)
    pend = _pend(p, st)
    rdy = sum(1 << i for i in range(p.ports) if ins.get(f"m_out{i}_tready"))
    inc = dict.fromkeys(COUNTERS, 0)
    port_inc = [int(pend >> i & rdy >> i & 1 and _route(p, st)[0] >> i & 1)
                for i in range(p.ports)]
    default = st.csr.state[("DEF_ROUTE", "route")] & p.all_ports
    write_now = dict(st.pending)
    if o["s_in_tready"]:
        if st.held is not None and not st.held[2]:          # an event leaves
            member, _, hit = _route(p, st)
            inc["HITS" if hit else "MISSES"] = 1
            inc["EVENTS_OUT" if member else "DROPPED"] = 1
        if ins["s_in_tvalid"]:
            d, last, user = (int(ins[f"s_in_{s}"]) for s in SIGNALS[1:])
            word = st.mem[p.geometry.index(d)]
            st.held, st.taken = (d, last, user, default, word), 0
            inc["EVENTS_IN"], inc["MARKERS"] = int(not user), last
        else:
            st.held, st.taken = None, 0
    else:
        st.taken |= pend & rdy
    mask = (1 << p.counter_bits) - 1
    clear = write_now.get("csr_ctrl_clr_cnt")
    for c in COUNTERS:
        st.count[c] = 0 if clear else (st.count[c] + inc[c]) & mask
    st.port = [0 if clear else (v + k) & mask for v, k in zip(st.port, port_inc)]
    if "csr_taddr_addr_pulse" in write_now:
        st.ptr = write_now["csr_taddr_addr_pulse"] & (p.entries - 1)
    if "csr_tdata_entry_pulse" in write_now:
        e = write_now["csr_tdata_entry_pulse"]
        if st.init is None:             # (a write during the clearing sweep is lost)
            st.mem[st.ptr] = (e >> MAX_PORTS & 1) << p.ports | (e & p.all_ports)
        st.ptr = (st.ptr + 1) & (p.entries - 1)
    if st.init is not None:
        st.mem[st.init] = 0
        st.init = st.init + 1 if st.init + 1 < p.entries else None
    st.pending = []
    _bus(p, st, ins)
    return st


def _bus(p: RouterParams, st: State, ins: dict) -> None:
    """The Wishbone access performed at this edge (bus.csr's front-end: one access a cycle,
    answered by a registered ACK or ERR), and the CSR pulses it raises for the next cycle."""
    if not (ins.get("wb_cyc") and ins.get("wb_stb")):
        st.bus = (0, 0, 0)
        return
    csr = st.csr
    before = len(csr.pulses)
    if ins["wb_we"]:
        resp = csr.write(int(ins["wb_adr"]), int(ins["wb_dat_w"]), int(ins["wb_sel"]))
        st.bus = (int(resp == csr_model.OKAY), int(resp != csr_model.OKAY), 0)
        for port, v in csr.pulses[before:]:
            if port == "csr_ctrl_clr_cnt":
                st.pending.append((port, v))
            else:           # a swmod pulse: the field's value, as stored by this write
                reg, field = {"csr_taddr_addr_pulse": ("TADDR", "addr"),
                              "csr_tdata_entry_pulse": ("TDATA", "entry")}[port]
                st.pending.append((port, csr.state[(reg, field)]))
    else:
        csr.hw_in.update(hw_status(p, st))
        resp, data = csr.read(int(ins["wb_adr"]))
        st.bus = (int(resp == csr_model.OKAY), int(resp != csr_model.OKAY), data)
    del csr.pulses[:]


def run(p: RouterParams, image: list[int], default: int, beats) -> list[list[tuple]]:
    """Transaction level, every port always ready: the beats (tdata, tlast, tuser) each port
    receives from ``beats`` with route RAM ``image`` (TDATA words) and DEF_ROUTE ``default``."""
    out = [[] for _ in range(p.ports)]
    for d, last, user in beats:
        word = image[p.geometry.index(d)]
        route = word & p.all_ports if word & ENTRY_VALID else default & p.all_ports
        member = 0 if user else route
        for i in range(p.ports):
            if member >> i & 1:
                out[i].append((d, last, 0))
            elif last:
                out[i].append(MARKER)
    return out


__all__ = ["RouterParams", "Geometry", "Entry", "compile_table", "default_word", "RDL",
           "regmap", "reset", "outputs", "step", "inputs", "run"]

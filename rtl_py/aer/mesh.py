# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.mesh``: a rows x cols mesh of ``aer.mesh_router`` (models/aer/mesh.py
is the spec).

Tile i = y * cols + x holds the router at (x, y); its local port is ``s_tile{i}``/``m_tile{i}``.
Each pair of neighbours is joined by two links (five signals each: an output register of one
router into an input FIFO of the other).  Ports facing outside the mesh are tied off inside the
routers; here they are wired to constants and unread wires.  Counters: popcounts of the event
transfers on the tile ports, and the sum of the routers' drop counters (the routers' own
in/out counters are left unconnected: synthesis removes them).
"""
from myhdl import ConcatSignal, Signal, always_comb, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, OUT, clk_rst, const
from neurohdl.models.aer import _mesh, event, mesh as model
from neurohdl.models.aer.mesh import MeshParams
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.aer.mesh_router import (STREAM, Bundle, bundles, popcount_add, router_block,
                                          status_ports)


def ports(p: MeshParams):
    out = clk_rst()
    for i in range(p.tiles):
        x, y = model.coords(p, i)
        out += event_stream(f"s_tile{i}", p.event, f"events from tile {i} (x {x}, y {y})")
    for i in range(p.tiles):
        x, y = model.coords(p, i)
        out += event_stream(f"m_tile{i}", p.event, f"events to tile {i} (x {x}, y {y})")
    cw = p.counter_bits
    return out + [Port("status_in", OUT, cw, "status", "events transferred on every s_tile* "
                       "(wraps)"),
                  Port("status_out", OUT, cw, "status", "events transferred on every m_tile* "
                       "(wraps)"),
                  Port("status_dropped", OUT, cw, "status", "events discarded by the routers: "
                       "destination outside the mesh (wraps)")]


def link(w: int) -> dict:
    """The five signals of one link (or of a tied-off port)."""
    return {"tdata": Signal(intbv(0)[w:]), "tvalid": Signal(bool(0)), "tlast": Signal(bool(0)),
            "tready": Signal(bool(0)), "tuser": Signal(bool(0))}


def tied(w: int, sink: bool) -> dict:
    """The signals at a tied-off router port: constant inputs (a tied-off input's tvalid,
    tdata, tlast, tuser; a tied-off output's tready), unread outputs."""
    sigs = link(w)
    for name in (("tready",) if sink else ("tdata", "tvalid", "tlast", "tuser")):
        sigs[name] = const(0, len(sigs[name]))
    return sigs


@block
def event_transfer(tvalid, tready, tuser, ev):
    """ev = an event (not a marker) transfers this cycle."""
    @always_comb
    def comb():
        ev.next = tvalid and tready and not tuser
    return comb


@block
def add(a, b, total):
    """total = a + b (``total`` a modbv: wrapping)."""
    @always_comb
    def comb():
        total.next = a + b
    return comb


@block
def mesh_block(clk, rst, s, m, status_in, status_out, status_dropped, p: MeshParams):
    """``s``/``m``: interfaces with attributes ``tile{i}_<signal>`` (the s_tile*/m_tile* ports)."""
    w, cw = p.event.width, p.counter_bits
    # links[(i, port)]: the signals out of output ``port`` of tile i (= into its neighbour)
    links = {(i, port): link(w) for i in range(p.tiles) for port in range(4)
             if model.neighbour(p, i, port) is not None}
    insts, drops = [], []
    for i, rp in enumerate(model.routers(p)):
        rs, rm = Bundle(), Bundle()
        for port, name in enumerate(_mesh.PORTS):
            if port == _mesh.L:
                ins = {x: getattr(s, f"tile{i}_{x}") for x in STREAM}
                outs = {x: getattr(m, f"tile{i}_{x}") for x in STREAM}
            else:
                nb = model.neighbour(p, i, port)
                outs = links[(i, port)] if nb is not None else tied(w, True)
                ins = links[(nb[0], _mesh.OPPOSITE[port])] if nb is not None else tied(w, False)
            for x in STREAM:
                setattr(rs, f"{name}_{x}", ins[x])
                setattr(rm, f"{name}_{x}", outs[x])
        counters = [Signal(modbv(0)[cw:]) for _ in range(3)]
        drops.append(counters[2])
        insts.append(router_block(clk, rst, rs, rm, *counters, p=rp))
    in_ev = [Signal(bool(0)) for _ in range(p.tiles)]
    out_ev = [Signal(bool(0)) for _ in range(p.tiles)]
    for i in range(p.tiles):
        insts.append(event_transfer(getattr(s, f"tile{i}_tvalid"), getattr(s, f"tile{i}_tready"),
                                    getattr(s, f"tile{i}_tuser"), in_ev[i]))
        insts.append(event_transfer(getattr(m, f"tile{i}_tvalid"), getattr(m, f"tile{i}_tready"),
                                    getattr(m, f"tile{i}_tuser"), out_ev[i]))
    n_in, n_out = Signal(modbv(0)[cw:]), Signal(modbv(0)[cw:])
    insts += [popcount_add(clk, rst, bus(in_ev), n_in, cw),
              popcount_add(clk, rst, bus(out_ev), n_out, cw)]
    total = drops[0]
    for d in drops[1:]:
        nxt = Signal(modbv(0)[cw:])
        insts.append(add(total, d, nxt))
        total = nxt
    return insts + [status_ports(n_in, n_out, total, status_in, status_out, status_dropped)]


def bus(sigs):
    """Bool signals as one vector, the first the LSB (a single one: padded to 2 bits)."""
    return ConcatSignal(*reversed(sigs)) if len(sigs) > 1 else ConcatSignal(const(0, 1), sigs[0])


def mesh(p: MeshParams = None, **sigs):
    """What the framework calls with one Signal per declared port."""
    s, m = bundles(sigs)
    rest = {k: v for k, v in sigs.items() if k[:2] not in ("s_", "m_")}
    return mesh_block(s=s, m=m, p=p, **rest)


def vectors(p: MeshParams, rng, n: int) -> Vectors:
    """Tile 0 alone, events to random tiles (tdata only: the replay bench holds tlast and tuser
    at 0, so no marker is ever emitted): each arrives at its tile, in order."""
    words = [int(event.pack(p.event, rng.randrange(1 << p.event.neuron_bits),
                            rng.randrange(p.cols), rng.randrange(p.rows))) for _ in range(n)]
    run = model.simulate(p, [[(0, (d, 0, 0)) for d in words]], cycles=20 * n + 100)
    outs = {f"m_tile{i}": [b[0] for b in got] for i, got in enumerate(run.received) if got}
    return Vectors(inputs={"s_tile0": words}, outputs=outs)


CORE = CoreDecl(
    name="aer.mesh", version=__version__, params=MeshParams, top=mesh, ports=ports,
    description="rows x cols mesh of aer.mesh_router (XY routing) with a local AER port per "
                "tile; timestep markers form a per-timestep barrier at every tile",
    arith={"routers": "wrap: as aer.mesh_router (round-robin masks, FIFO pointers, counters)",
           "counters": "wrap: status_in/out/dropped are counter_bits wide and wrap (dropped: "
                       "the routers' drop counters summed modulo 2**counter_bits), so in = out "
                       "+ dropped + held holds modulo 2**counter_bits"},
    vectors=vectors,
)

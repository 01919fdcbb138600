# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.mesh_router``: a 5-port XY router (models/aer/mesh_router.py is the
spec).

Per live input (``router_input``): a ``stream.fifo`` of ``depth`` beats ``{tuser, tlast,
tdata}`` (LUT storage, ``s_<port>_tready`` = its room), the route of its head (compare the
destination x/y fields with the router's constants: a one-hot over N, E, S, W, L, or drop), the
``sent`` flag and the ``taken`` mask of the marker rule, and its pop.  Per live output
(``router_output``): a round-robin ``arbiter`` over the inputs that can route there, the
AND-OR multiplexer of their heads (one-hot grant) and the output register; an output emits a
marker when every input feeding it offers one.  A tied-off input (no neighbour) is a constant
marker offer and needs no ``taken``: the local input feeds every output, so an output can emit
again only after the local input popped its marker, by which time every input feeding fewer
outputs has popped its own (the model's masks of a tied-off input are then always clear).
A tied-off output is always free and has no register; its ports are held at 0.

Counters: popcounts of the events transferred on the ``s_*`` and ``m_*`` ports and of the
events dropped this cycle, added to wrapping registers.
"""
from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, OUT, clk_rst, const
from neurohdl.models.aer import _mesh, event, mesh_router as model
from neurohdl.models.aer.mesh_router import MeshRouterParams
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.stream.fifo import fifo as stream_fifo

PORTS = _mesh.PORTS
STREAM = ("tdata", "tvalid", "tlast", "tready", "tuser")


def ports(p: MeshRouterParams):
    out = clk_rst()
    for name in PORTS:
        out += event_stream(f"s_{name}", p.event, f"events from the {name} neighbour"
                            if name != "local" else "events from this tile")
    for name in PORTS:
        out += event_stream(f"m_{name}", p.event, f"events to the {name} neighbour"
                            if name != "local" else "events to this tile")
    cw = p.counter_bits
    return out + [Port("status_in", OUT, cw, "status", "events transferred on every s_* (wraps)"),
                  Port("status_out", OUT, cw, "status", "events transferred on every m_* (wraps)"),
                  Port("status_dropped", OUT, cw, "status", "events discarded: destination "
                       "outside the mesh, a U-turn or a Y->X turn (wraps)")]


def mask(ports_) -> int:
    return sum(1 << o for o in ports_)


@block
def router_input(clk, rst, tdata, tvalid, tlast, tready, tuser, head, req, drop, offer, gnt,
                 emit, in_ev, p: MeshRouterParams, i: int):
    """Live input ``i``: FIFO, route of the head (``req``: one-hot over the outputs; ``drop``),
    marker offer (``offer``: bit o = a marker at the head not yet taken by output o), pop."""
    w, ev = p.event.width, p.event
    din = ConcatSignal(tuser, tlast, tdata)
    dout = Signal(intbv(0)[w + 2:])
    hvalid, pop = Signal(bool(0)), Signal(bool(0))
    sent = Signal(bool(0))
    taken = Signal(intbv(0)[5:])
    mk, evh = Signal(bool(0)), Signal(bool(0))
    out_mesh = Signal(bool(0))
    route = Signal(intbv(0)[5:])             # one-hot N, E, S, W, L of the XY route
    # the destination fields (a 1-bit field as a bool: VHDL compares no 1-bit vectors)
    dx = dout(ev.x_lsb) if ev.x_bits == 1 else dout(ev.x_lsb + ev.x_bits, ev.x_lsb)
    dy = dout(ev.y_lsb) if ev.y_bits == 1 else dout(ev.y_lsb + ev.y_bits, ev.y_lsb)
    h_last, h_user = dout(w), dout(w + 1)
    feed = mask(o for o in _mesh.FEED[i] if p.live(o))
    feed_c, zero5 = const(feed, 5), const(0, 5)
    hot_n, hot_e, hot_s, hot_w, hot_l = (const(1 << o, 5) for o in range(5))
    granted, zero_g = Signal(bool(0)), const(0, len(gnt))
    if p.depth == 2:
        insts = [pair_buffer(clk, rst, din, tvalid, tready, dout, hvalid, pop)]
    else:
        fp = FifoParams(depth=p.depth, width=w + 2, storage="lut")
        count = Signal(intbv(0)[fp.count_width:])
        insts = [stream_fifo(clk, rst, din, tvalid, tready, dout, hvalid, pop, count, p=fp)]

    # a destination outside the mesh (only where the fields can name one): per axis d >= n
    outside = []
    for d, n, bits in ((dx, p.cols, ev.x_bits), (dy, p.rows, ev.y_bits)):
        if n < 1 << bits:
            outside.append(Signal(bool(0)))
            insts.append(compare_const(d, n, bits, outside[-1], "ge"))
    if len(outside) == 2:
        ox, oy = outside

        @always_comb
        def comb_mesh():
            out_mesh.next = ox or oy
        insts.append(comb_mesh)
    elif outside:
        out_mesh = outside[0]
    else:
        out_mesh = const(0, 1)

    # dest vs here, per axis (a comparison that cannot hold is a constant 0, not a compare)
    cmp = []
    for d, here, bits in ((dx, p.x, ev.x_bits), (dy, p.y, ev.y_bits)):
        for op, holds in (("gt", here < (1 << bits) - 1), ("lt", here > 0)):
            cmp.append(Signal(bool(0)) if holds else const(0, 1))
            if holds:
                insts.append(compare_const(d, here, bits, cmp[-1], op))
    gt_x, lt_x, gt_y, lt_y = cmp

    @always_comb
    def comb_route():
        if gt_x:
            route.next = hot_e
        elif lt_x:
            route.next = hot_w
        elif gt_y:
            route.next = hot_s
        elif lt_y:
            route.next = hot_n
        else:
            route.next = hot_l

    @always_comb
    def comb():
        granted.next = gnt != zero_g
        mk.next = hvalid and (h_user or (h_last and sent))
        evh.next = hvalid and not (h_user or (h_last and sent))
        in_ev.next = tvalid and tready and not tuser

    @always_comb
    def comb_req():
        if evh and not out_mesh:
            req.next = route & feed_c
        else:
            req.next = zero5
        drop.next = evh and (out_mesh or (route & feed_c) == zero5)
        if mk:
            offer.next = ~taken & feed_c
        else:
            offer.next = zero5
        # an event leaves unless it has tlast (it stays as the marker); a marker leaves once
        # every output it feeds has taken it
        pop.next = ((granted or (evh and (out_mesh or (route & feed_c) == zero5)))
                    and not h_last) or (mk and (taken | (emit & feed_c)) == feed_c)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if mk:
            if (taken | (emit & feed_c)) == feed_c:
                taken.next = 0
                sent.next = 0
            else:
                taken.next = taken | (emit & feed_c)
        elif (granted or drop) and h_last:
            sent.next = 1

    @always_comb
    def comb_head():
        head.next = dout[w:]
    return insts + [comb_route, comb, comb_req, seq, comb_head]


@block
def pair_buffer(clk, rst, din, tvalid, tready, head, hvalid, pop):
    """A 2-beat input buffer that behaves as ``stream.fifo`` of depth 2 (``tready`` = fewer
    than 2 beats held, a registered condition; the head valid from the cycle after its push)
    but keeps its head in a register of its own: ``head`` is a flip-flop output (no read
    multiplexer before the route), loaded from ``din`` or from the second beat ``tail``
    (chosen by the registered count) when the head leaves or the buffer is empty.  ``tail``
    follows ``din`` while the buffer has room.  ``pop`` comes only with ``hvalid``."""
    w = len(din)
    tail = Signal(intbv(0)[w:])
    cnt = Signal(intbv(0)[2:])
    push = Signal(bool(0))
    full_c, zero_c = const(2, 2), const(0, 2)

    @always_comb
    def comb():
        push.next = tvalid and cnt != full_c
        tready.next = cnt != full_c
        hvalid.next = cnt != zero_c

    @always(clk.posedge)
    def seq_data():
        if pop or cnt == zero_c:
            if cnt == full_c:
                head.next = tail
            else:
                head.next = din
        if cnt != full_c:
            tail.next = din

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if push and not pop:
            cnt.next = cnt + 1
        elif pop and not push:
            cnt.next = cnt - 1
    return comb, seq_data, seq


@block
def compare_const(d, value: int, bits: int, r, op: str):
    """r = d > value ('gt'), d < value ('lt') or d >= value ('ge'), for a comparison that can
    go both ways; a 1-bit ``d`` is a bool: the comparison is d or not d."""
    if bits == 1:            # gt: value 0 -> d; lt: value 1 -> !d; ge: value 1 -> d
        if op == "lt":
            @always_comb
            def comb_not():
                r.next = not d
            return comb_not

        @always_comb
        def comb_bit():
            r.next = d
        return comb_bit
    c = const(value, bits)
    if op == "gt":
        @always_comb
        def comb_gt():
            r.next = d > c
        return comb_gt
    if op == "lt":
        @always_comb
        def comb_lt():
            r.next = d < c
        return comb_lt

    @always_comb
    def comb_ge():
        r.next = d >= c
    return comb_ge


@block
def tied_input(tdata, tready, drop, offer, in_ev, p: MeshRouterParams, i: int):
    """A tied-off input: a marker always offered, never ready, no event.  (``tdata`` is read
    into ``unread`` only so that MyHDL's VHDL writer declares the port's numeric shadow.)"""
    feed_c = const(mask(o for o in _mesh.FEED[i] if p.live(o)), 5)
    unread = Signal(intbv(0)[len(tdata):])

    @always_comb
    def comb_unread():
        unread.next = tdata

    @always_comb
    def comb():
        tready.next = 0
        drop.next = 0
        offer.next = feed_c
        in_ev.next = 0
    return comb, comb_unread


@block
def mux_stage(g_k, head, acc_in, acc_out):
    """acc_out = acc_in | (g_k ? head : 0): one input of an output's AND-OR multiplexer."""
    @always_comb
    def comb():
        if g_k:
            acc_out.next = acc_in | head
        else:
            acc_out.next = acc_in
    return comb


@block
def rr_line(req, mask, g_k, k: int):
    """Line ``k`` of the round-robin grant (the rule of models/aer/_arbiter.py, as the shared
    rtl_py/aer/_arbiter.py computes it, but without its carry chain): the lowest requesting
    line above the last grant (``mask``), else the lowest requesting line."""
    n = len(req)
    below, zero = const((1 << k) - 1, n), const(0, n)

    @always_comb
    def comb():
        if (req & mask) != zero:
            g_k.next = req[k] and mask[k] and (req & mask & below) == zero
        else:
            g_k.next = req[k] and (req & below) == zero
    return comb


@block
def rr_mask(clk, rst, g, take, m_k, k: int):
    """Bit ``k`` of the round-robin mask: after a grant, the lines above the granted one."""
    below, zero = const((1 << k) - 1, len(g)), const(0, len(g))

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            m_k.next = (g & below) != zero
    return seq


@block
def rr_arbiter(clk, rst, req, take, g):
    """One-hot round-robin grant ``g`` among ``req`` (n > 1 lines); ``take``: it is used."""
    n = len(req)
    m_bits = [Signal(bool(0)) for _ in range(n)]
    lines = [Signal(bool(0)) for _ in range(n)]
    mask, g_lines = bus(m_bits), bus(lines)
    insts = [rr_line(req, mask, lines[k], k) for k in range(n)]
    insts += [rr_mask(clk, rst, g, take, m_bits[k], k) for k in range(n)]

    @always_comb
    def comb():
        g.next = g_lines
    return insts + [comb]


@block
def router_output(clk, rst, tdata, tvalid, tlast, tready, tuser, reqv, g, sel, offers, mark,
                  out_ev, p: MeshRouterParams):
    """Live output: arbiter over ``reqv`` (one-hot grant ``g``, zero while the register is
    not free), the register loaded from
    ``sel`` (the multiplexed head) or with a marker beat when every feeder ``offers``."""
    n, w = len(reqv), p.event.width
    o_valid, o_last, o_user = (Signal(bool(0)) for _ in range(3))
    o_data = Signal(intbv(0)[w:])
    free, take = Signal(bool(0)), Signal(bool(0))
    all_c, zero_n = const((1 << len(offers)) - 1, len(offers)), const(0, n)
    graw = Signal(intbv(0)[n:]) if n > 1 else Signal(bool(0))     # the grant, if free
    insts = [rr_arbiter(clk, rst, reqv, take, graw)] if n > 1 else []
    if n == 1:
        @always_comb
        def comb_graw():
            graw.next = reqv
        insts.append(comb_graw)

    @always_comb
    def comb_g():
        if not o_valid or tready:
            g.next = graw
        else:
            g.next = zero_n
    insts.append(comb_g)

    @always_comb
    def comb():
        free.next = not o_valid or tready
        take.next = (not o_valid or tready) and reqv != zero_n
        mark.next = (not o_valid or tready) and offers == all_c
        tvalid.next = o_valid
        tdata.next = o_data
        tlast.next = o_last
        tuser.next = o_user
        out_ev.next = o_valid and tready and not o_user

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if free:
            o_valid.next = take or mark
            o_data.next = sel
            o_last.next = mark
            o_user.next = mark
    return insts + [comb, seq]


@block
def tied_output(tdata, tvalid, tlast, tuser, offers, mark, out_ev, w: int):
    """A tied-off output: always free, a marker emitted when every feeder offers one."""
    all_c, zero_w = const((1 << len(offers)) - 1, len(offers)), const(0, w)

    @always_comb
    def comb():
        mark.next = offers == all_c
        tvalid.next = 0
        tdata.next = zero_w
        tlast.next = 0
        tuser.next = 0
        out_ev.next = 0
    return comb


@block
def popcount_add(clk, rst, bits, total, width: int):
    """total += the number of set bits of ``bits`` every cycle (wrapping): the popcount first
    (a few LUTs), then one adder (a carry chain), not one incrementer per bit."""
    n = len(bits)
    nb = min(n.bit_length(), width)          # the popcount, modulo 2**width
    pc = Signal(modbv(0)[nb:])
    pcw = pc if nb == width else ConcatSignal(intbv(0)[width - nb:], pc)

    @always_comb
    def comb():
        c = modbv(0)[nb:]
        for k in range(n):
            if bits[k]:
                c[:] = c + 1
        pc.next = c

    @always_seq(clk.posedge, reset=rst)
    def seq():
        t = modbv(0)[width:]
        t[:] = total + pcw
        total.next = t
    return comb, seq


def bus(sigs):
    """Bool signals as one vector, the first the LSB (one signal: itself)."""
    return sigs[0] if len(sigs) == 1 else ConcatSignal(*reversed(sigs))


@block
def router_block(clk, rst, s, m, status_in, status_out, status_dropped, p: MeshRouterParams):
    """``s``/``m``: interfaces with attributes ``<port>_<signal>`` (the s_*/m_* ports)."""
    w, cw = p.event.width, p.counter_bits
    heads = [Signal(intbv(0)[w:]) for _ in range(5)]
    reqs = [Signal(intbv(0)[5:]) for _ in range(5)]
    offers = [Signal(intbv(0)[5:]) for _ in range(5)]
    drops = [Signal(bool(0)) for _ in range(5)]
    in_ev = [Signal(bool(0)) for _ in range(5)]
    out_ev = [Signal(bool(0)) for _ in range(5)]
    marks = [Signal(bool(0)) for _ in range(5)]
    emit = bus(marks)
    lines = {o: [i for i in _mesh.FEEDERS[o] if p.live(i)] for o in range(5)}
    grants = {o: Signal(intbv(0)[len(lines[o]):]) if len(lines[o]) > 1 else Signal(bool(0))
              for o in range(5) if p.live(o)}
    n_in, n_out, n_drop = (Signal(modbv(0)[cw:]) for _ in range(3))
    insts = []

    def gbit(o, i):
        g = grants[o]
        return g if len(lines[o]) == 1 else g(lines[o].index(i))

    for i, name in enumerate(PORTS):
        port = {x: getattr(s, f"{name}_{x}") for x in STREAM}
        if not p.live(i):
            insts.append(tied_input(port["tdata"], port["tready"], drops[i], offers[i], in_ev[i],
                                    p=p, i=i))
            continue
        gnt = bus([gbit(o, i) for o in _mesh.FEED[i] if p.live(o)])
        insts.append(router_input(clk, rst, **port, head=heads[i], req=reqs[i], drop=drops[i],
                                  offer=offers[i], gnt=gnt, emit=emit, in_ev=in_ev[i], p=p, i=i))
    for o, name in enumerate(PORTS):
        port = {x: getattr(m, f"{name}_{x}") for x in STREAM}
        offer_o = bus([offers[i](o) for i in _mesh.FEEDERS[o]])
        if not p.live(o):
            insts.append(tied_output(port["tdata"], port["tvalid"], port["tlast"], port["tuser"],
                                     offer_o, marks[o], out_ev[o], w=w))
            continue
        acc = [const(0, w)] + [Signal(intbv(0)[w:]) for _ in lines[o]]
        for k, i in enumerate(lines[o]):
            insts.append(mux_stage(gbit(o, i), heads[i], acc[k], acc[k + 1]))
        insts.append(router_output(clk, rst, **port, reqv=bus([reqs[i](o) for i in lines[o]]),
                                   g=grants[o], sel=acc[-1], offers=offer_o, mark=marks[o],
                                   out_ev=out_ev[o], p=p))
    return insts + [popcount_add(clk, rst, bus(in_ev), n_in, cw),
                    popcount_add(clk, rst, bus(out_ev), n_out, cw),
                    popcount_add(clk, rst, bus(drops), n_drop, cw),
                    status_ports(n_in, n_out, n_drop, status_in, status_out, status_dropped)]


@block
def status_ports(n_in, n_out, n_drop, status_in, status_out, status_dropped):
    """The three counters onto the status ports."""
    @always_comb
    def comb():
        status_in.next = n_in
        status_out.next = n_out
        status_dropped.next = n_drop
    return comb


class Bundle:
    """Attribute bag: MyHDL turns the interface argument ``s`` with attribute
    ``north_tdata`` into the port ``s_north_tdata``."""


def bundles(sigs: dict) -> tuple[Bundle, Bundle]:
    """The ``s_*`` and ``m_*`` signals of ``sigs`` as the interfaces ``s`` and ``m``."""
    s, m = Bundle(), Bundle()
    for name, sig in sigs.items():
        if name[:2] in ("s_", "m_"):
            setattr(s if name[0] == "s" else m, name[2:], sig)
    return s, m


def mesh_router(p: MeshRouterParams = None, **sigs):
    """What the framework calls with one Signal per declared port."""
    s, m = bundles(sigs)
    rest = {k: v for k, v in sigs.items() if k[:2] not in ("s_", "m_")}
    return router_block(s=s, m=m, p=p, **rest)


def vectors(p: MeshRouterParams, rng, n: int) -> Vectors:
    """Local input alone, events to random tiles of the mesh (tdata only: the replay bench
    holds tlast and tuser at 0, so no marker is ever emitted): each leaves on its XY port."""
    words = [int(event.pack(p.event, rng.randrange(1 << p.event.neuron_bits),
                            rng.randrange(p.cols), rng.randrange(p.rows))) for _ in range(n)]
    got = model.run(p, {"local": [(d, 0, 0) for d in words]})
    return Vectors(inputs={"s_local": words},
                   outputs={f"m_{k}": [b[0] for b in got[k]] for k in PORTS if got[k]})


CORE = CoreDecl(
    name="aer.mesh_router", version=__version__, params=MeshRouterParams, top=mesh_router,
    ports=ports,
    description="5-port (N, E, S, W, local) XY dimension-order mesh router for AER events "
                "with input FIFOs, round-robin outputs and timestep markers kept across the mesh",
    arith={"grant": "wrap: the shared round-robin arbiter per output (its mask wraps to the "
                    "first input after the last)",
           "pointers": "wrap: each input FIFO's log2(depth)-bit pointers",
           "counters": "wrap: status_in/out/dropped are counter_bits wide and wrap, so in = "
                       "out + dropped + held holds modulo 2**counter_bits",
           "taken": "exact: one bit per output an input feeds, cleared when its marker leaves"},
    vectors=vectors,
)

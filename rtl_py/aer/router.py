# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.router``: a multicast AER router, one event stream -> P ports through
a direct-mapped route RAM, programmed through its own CSR block (models/aer/router.py is the
spec; cores/aer/router.rdl the map).

    s_in --(key window)--> route_table (block RAM, 1-cycle read) --> held beat --> m_out0..P-1
                                  ^ TADDR/TDATA            DEF_ROUTE     counters --> CSR
    wb_* -- bus.csr (Wishbone) ---+-------------------------+------------------------+

:func:`route_table` is the reusable part (``aer.mesh_router`` may use it): the RAM of
``2**index_bits`` words ``{valid, ports}``, cleared after reset by a sweep, one registered
lookup a clock giving ``hit`` and ``route`` (the RAM's ports, or the ``default`` sampled with the
lookup).  The router holds one beat (``h_*``) with the per-port ``taken`` mask; ``port_out``
drives one output port and counts its events.
"""
from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, intbv, modbv

from neurohdl.core import IN, OUT, Port, Vectors, clk_rst, const
from neurohdl.models.aer import event, router as model
from neurohdl.models.aer.router import MAX_PORTS, RouterParams
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.bus import csr as csr_rtl
from neurohdl.rtl.common.declare import declare

CSR_W = 32


# ----------------------------------------------------------------- the reusable route table ---

@block
def route_table(clk, rst, re, key, default, we, waddr, wdata, hit, route, busy):
    """Route RAM of ``2**len(key)`` words of ``len(route) + 1`` bits ``{valid, ports}`` in
    block RAM (one write port, one registered read port).

    * After reset ``busy`` is high for ``2**len(key)`` cycles while a sweep writes 0 (not
      valid) into every word; writes on the port are ignored meanwhile.
    * Write: ``we`` at an edge stores ``wdata`` at ``waddr`` (busy low).
    * Lookup: ``re`` at an edge reads the word at ``key`` and samples ``default``; from then
      until the next ``re``: ``hit`` = the word's valid bit, ``route`` = its ports if valid,
      else the sampled default.  A lookup at the edge that writes its own word reads the old
      word.  One lookup a clock; ``hit``/``route`` are combinational from the RAM's output
      register (no logic between them and the RAM but a P-bit 2:1 mux).
    """
    n, k, P = 1 << len(key), len(key), len(route)
    mem = [Signal(intbv(0)[P + 1:]) for _ in range(n)]
    rd = Signal(intbv(0)[P + 1:])
    def_q = Signal(intbv(0)[P:])
    sweep = Signal(modbv(0)[k:])
    clearing = Signal(bool(1))
    wa = Signal(intbv(0)[k:])
    wd = Signal(intbv(0)[P + 1:])
    wen = Signal(bool(0))
    last = const(n - 1, k)
    zero = const(0, P + 1)

    @always_comb
    def comb_wr():
        if clearing:
            wa.next = sweep
            wd.next = zero
            wen.next = 1
        else:
            wa.next = waddr
            wd.next = wdata
            wen.next = we

    @always(clk.posedge)
    def seq_wr():
        if wen:
            mem[wa].next = wd

    @always(clk.posedge)
    def seq_rd():
        if re:
            rd.next = mem[key]
            def_q.next = default

    @always_seq(clk.posedge, reset=rst)
    def seq_sweep():
        if clearing:
            sweep.next = sweep + 1
            if sweep == last:
                clearing.next = 0

    @always_comb
    def comb_out():
        busy.next = clearing
        hit.next = rd[P]
        if rd[P]:
            route.next = rd[P:]
        else:
            route.next = def_q
    return comb_wr, seq_wr, seq_rd, seq_sweep, comb_out


# ----------------------------------------------------------------- ports ----------------------

def ports(p: RouterParams):
    out = clk_rst() + csr_rtl.bus_ports(model.csr_params()) + \
        event_stream("s_in", p.event, "event word in")
    for i in range(p.ports):
        out += event_stream(f"m_out{i}", p.event, f"events routed to port {i}; a marker "
                            "(tuser 1) where the timestep's last event goes elsewhere")
    return out


class _Ports:
    """Attribute bag: MyHDL turns the interface argument ``m`` with attribute ``out0_tdata``
    into the port ``m_out0_tdata`` (and ``wb.cyc`` into ``wb_cyc``)."""


@block
def port_out(clk, rst, tdata, tvalid, tlast, tready, tuser, pend_i, member_i, clr, h_data,
             h_last, count):
    """Output port i: its beat and its event counter (events it took)."""
    zero = const(0, len(tdata))

    @always_comb
    def comb():
        tvalid.next = pend_i
        tlast.next = h_last
        tuser.next = not member_i
        if member_i:
            tdata.next = h_data
        else:
            tdata.next = zero

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if clr:
            count.next = 0
        elif pend_i and tready and member_i:
            count.next = count + 1
    return comb, seq


@block
def counter(clk, rst, clr, inc, count):
    """count += inc (wrapping), cleared by clr (a clear wins)."""
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if clr:
            count.next = 0
        elif inc:
            count.next = count + 1
    return seq


def _zext(sig, width: int):
    n = len(sig)
    return sig if n == width else ConcatSignal(intbv(0)[width - n:], sig)


@block
def router_block(clk, rst, wb, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser, m,
                 p: RouterParams):
    P, w, k, cw = p.ports, p.event.width, p.index_bits, p.counter_bits
    cp = model.csr_params()
    insts = []

    # ---- the CSR block --------------------------------------------------------------------
    hw, csr = csr_rtl._Group(), csr_rtl._Group()
    for q in csr_rtl.ports(cp):
        if q.name.startswith(("hw_", "csr_")):
            grp, name = (hw, q.name[3:]) if q.name.startswith("hw_") else (csr, q.name[4:])
            setattr(grp, name, Signal(intbv(0)[q.width:]) if q.width > 1 else Signal(bool(0)))
    insts.append(csr_rtl.csr_wishbone(clk, rst, wb.cyc, wb.stb, wb.we, wb.adr, wb.dat_w, wb.sel,
                                      wb.dat_r, wb.ack, wb.err, wb.stall, hw=hw, csr=csr, p=cp))
    clr = csr.ctrl_clr_cnt

    # ---- the route table and its host pointer -----------------------------------------------
    ptr = Signal(modbv(0)[k:])
    key = s_in_tdata(p.key_shift + k, p.key_shift)
    default = csr.def_route_route(P, 0)
    wdata = ConcatSignal(csr.tdata_entry(MAX_PORTS), csr.tdata_entry(P, 0))
    taddr = csr.taddr_addr(k, 0)
    re, hit, busy = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    route = Signal(intbv(0)[P:])
    insts.append(route_table(clk, rst, re, key, default, csr.tdata_entry_pulse, ptr, wdata,
                             hit, route, busy))
    t_pulse, a_pulse = csr.tdata_entry_pulse, csr.taddr_addr_pulse

    @always_seq(clk.posedge, reset=rst)
    def seq_ptr():
        if a_pulse:
            ptr.next = taddr
        elif t_pulse:
            ptr.next = ptr + 1
    insts.append(seq_ptr)

    # ---- the held beat ----------------------------------------------------------------------
    h_valid, h_last, h_user = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    h_data = Signal(intbv(0)[w:])
    taken, member, dest, pend = (Signal(intbv(0)[P:]) for _ in range(4))
    ready = ConcatSignal(*[getattr(m, f"out{i}_tready") for i in reversed(range(P))])
    go = Signal(bool(0))                   # s_in_tready: every pending port takes the beat
    leave_ev = Signal(bool(0))             # an event leaves at this edge
    zero_p, all_p = const(0, P), const(p.all_ports, P)

    @always_comb
    def comb_route():
        if h_user:
            member.next = zero_p
        else:
            member.next = route
        if h_last:
            dest.next = all_p
        elif h_user:
            dest.next = zero_p
        else:
            dest.next = route

    @always_comb
    def comb_pend():
        if h_valid:
            pend.next = dest & ~taken
        else:
            pend.next = zero_p

    @always_comb
    def comb_go():
        go.next = (pend & ~ready) == zero_p and not busy

    @always_comb
    def comb_in():
        s_in_tready.next = go
        re.next = go and s_in_tvalid
        leave_ev.next = go and h_valid and not h_user

    @always_seq(clk.posedge, reset=rst)
    def seq_hold():
        if go:
            h_valid.next = s_in_tvalid
            taken.next = 0
            if s_in_tvalid:
                h_data.next = s_in_tdata
                h_last.next = s_in_tlast
                h_user.next = s_in_tuser
        else:
            taken.next = taken | (pend & ready)
    insts += [comb_route, comb_pend, comb_go, comb_in, seq_hold]

    # ---- output ports and counters ----------------------------------------------------------
    cnt = {c: Signal(modbv(0)[cw:]) for c in model.COUNTERS}
    inc = {c: Signal(bool(0)) for c in model.COUNTERS}
    for i in range(P):
        pc = Signal(modbv(0)[cw:])
        port = {x: getattr(m, f"out{i}_{x}") for x in ("tdata", "tvalid", "tlast", "tready",
                                                      "tuser")}
        insts.append(port_out(clk, rst, **port, pend_i=pend(i), member_i=member(i), clr=clr,
                              h_data=h_data, h_last=h_last, count=pc))
        insts.append(csr_rtl.drive(_zext(pc, CSR_W), getattr(hw, f"port_out_{i}_count")))
    for i in range(P, MAX_PORTS):
        insts.append(csr_rtl.drive(const(0, CSR_W), getattr(hw, f"port_out_{i}_count")))
    for c in model.COUNTERS:
        insts.append(counter(clk, rst, clr, inc[c], cnt[c]))
        insts.append(csr_rtl.drive(_zext(cnt[c], CSR_W), getattr(hw, f"{c.lower()}_count")))
    i_in, i_mk, i_hit, i_miss = inc["EVENTS_IN"], inc["MARKERS"], inc["HITS"], inc["MISSES"]
    i_out, i_drop = inc["EVENTS_OUT"], inc["DROPPED"]

    @always_comb
    def comb_inc():
        i_in.next = re and not s_in_tuser
        i_mk.next = re and s_in_tlast
        i_hit.next = leave_ev and hit
        i_miss.next = leave_ev and not hit
        i_out.next = leave_ev and member != zero_p
        i_drop.next = leave_ev and member == zero_p
    insts.append(comb_inc)

    # ---- status into the CSR block ----------------------------------------------------------
    held = hw.status_held
    init = hw.status_init

    @always_comb
    def comb_status():
        held.next = h_valid
        init.next = busy
    insts.append(comb_status)
    info = {"info_ports": p.ports, "info_index_bits": p.index_bits,
            "info_key_shift": p.key_shift, "info_address_bits": p.event.address_bits}
    for name, v in info.items():
        insts.append(csr_rtl.drive(const(v, len(getattr(hw, name))), getattr(hw, name)))
    insts.append(csr_rtl.drive(_zext(ptr, 12), hw.tptr_addr))
    return insts


def router(p: RouterParams = None, **sigs):
    """What the framework calls with one Signal per declared port: ``wb_*`` into the
    interface ``wb``, ``m_out<i>_*`` into ``m``."""
    wb, m = _Ports(), _Ports()
    rest = {}
    for name, sig in sigs.items():
        if name.startswith("wb_"):
            setattr(wb, name[3:], sig)
        elif name.startswith("m_out"):
            setattr(m, name[2:], sig)
        else:
            rest[name] = sig
    return router_block(wb=wb, m=m, p=p, **rest)


def vectors(p: RouterParams, rng, n: int) -> Vectors:
    """Random event words (the replay bench holds tlast, tuser and the bus idle): after reset
    the route RAM is cleared and DEF_ROUTE is 0, so every event is dropped and no port
    outputs anything (what the model says)."""
    words = [event.random_word(p.event, rng) for _ in range(n)]
    outs = model.run(p, [0] * p.entries, 0, [(d, 0, 0) for d in words])
    return Vectors(inputs={"s_in": words},
                   outputs={f"m_out{i}": [b[0] for b in o] for i, o in enumerate(outs)})


CORE = declare("aer.router", RouterParams, router, ports, """
    Multicast AER router: one event stream to P ports through a block-RAM route table
    (SpiNNaker-style ternary entries compiled to a direct-mapped RAM, default route), one
    event a clock, timestep markers to every port, Wishbone CSR block with counters
    counters: wrap: counter_bits wide, zero-extended into 32-bit CSR registers; EVENTS_IN =
        EVENTS_OUT + DROPPED + held holds modulo 2**counter_bits
    pointer: wrap: the route RAM pointer is index_bits wide and wraps after the last entry
    route: exact: RAM words and port sets are stored and compared, no arithmetic
    """, vectors=vectors, regmap=lambda p: model.RDL)

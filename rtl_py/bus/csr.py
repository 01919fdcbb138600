# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``bus.csr``: a CSR block built from a SystemRDL map, Wishbone or AXI4-Lite.

Structure: a front-end (``bus``) turns bus requests into at most one *access* per cycle
(``a_stb a_we a_addr a_wdata a_wstrb``); a chain of per-register decoders answers ``a_hit`` (some
register is at ``a_addr``) and ``a_wok`` (it has a writable field); a chain of per-field blocks
updates storage and ORs each selected field into ``a_rdata``.  Everything the map declares is a
Python constant at elaboration, so each Params set converts to its own flat module.

Timing (see docs/cores/bus/csr.md):

* Wishbone B4 pipelined: ``wb_stall`` is high only in reset; a request is taken on every cycle
  with ``wb_cyc && wb_stb && !wb_stall`` and answered one cycle later by exactly one of
  ``wb_ack`` / ``wb_err`` (registered) with ``wb_dat_r`` (0 for writes and errors).
* AXI4-Lite: AW and W are accepted independently into one-deep buffers; the write is performed
  in the cycle after both are held and ``bvalid`` rises the cycle after that (held until
  ``bready``; no new write is performed while a response waits).  A read is performed in the
  cycle ``arvalid && arready``; ``rvalid`` rises the cycle after (held until ``rready``).
  Writes win when a write and a read would be performed in the same cycle (``arready`` low).
* ``swacc`` strobes (``csr_<reg>_<field>_swacc``) are combinational from the access decode:
  ``a_stb && !a_we && sel`` -- high during the cycle in which the read is performed, whose
  closing edge registers ``wb_ack``/``wb_dat_r`` (Wishbone: the ``wb_cyc && wb_stb && !wb_stall``
  cycle) or ``rdata``/``rvalid`` (AXI-Lite: the ``arvalid && arready`` cycle).  A read of a
  mapped register is always OKAY, so ``sel`` alone makes it a successful read.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import IN, OUT, Port, Vectors, clk_rst, const
from neurohdl.models.bus.csr import CsrParams, regmap_of
from neurohdl.rtl.common.declare import declare

W = 32


def bus_ports(p: CsrParams) -> list[Port]:
    a = p.addr_width
    if p.bus == "wishbone":
        return [Port("wb_cyc", IN, 1, "bus", "Wishbone cycle"),
                Port("wb_stb", IN, 1, "bus", "Wishbone strobe: a request when !wb_stall"),
                Port("wb_we", IN, 1, "bus", "write enable"),
                Port("wb_adr", IN, a, "bus", "byte address (bits 1:0 ignored)"),
                Port("wb_dat_w", IN, W, "bus", "write data"),
                Port("wb_sel", IN, 4, "bus", "byte lane selects of a write"),
                Port("wb_dat_r", OUT, W, "bus", "read data, valid with wb_ack (0 otherwise)"),
                Port("wb_ack", OUT, 1, "bus", "request done, one cycle after it was taken"),
                Port("wb_err", OUT, 1, "bus", "request refused (unmapped, or write to RO)"),
                Port("wb_stall", OUT, 1, "bus", "high during reset only")]
    s = "s_axil"
    return [Port(f"{s}_awaddr", IN, a, "bus", "write address (bits 1:0 ignored)"),
            Port(f"{s}_awvalid", IN, 1, "bus", ""), Port(f"{s}_awready", OUT, 1, "bus", ""),
            Port(f"{s}_wdata", IN, W, "bus", ""), Port(f"{s}_wstrb", IN, 4, "bus", ""),
            Port(f"{s}_wvalid", IN, 1, "bus", ""), Port(f"{s}_wready", OUT, 1, "bus", ""),
            Port(f"{s}_bresp", OUT, 2, "bus", "OKAY 0, SLVERR 2 (RO register), DECERR 3"),
            Port(f"{s}_bvalid", OUT, 1, "bus", ""), Port(f"{s}_bready", IN, 1, "bus", ""),
            Port(f"{s}_araddr", IN, a, "bus", "read address (bits 1:0 ignored)"),
            Port(f"{s}_arvalid", IN, 1, "bus", ""), Port(f"{s}_arready", OUT, 1, "bus", ""),
            Port(f"{s}_rdata", OUT, W, "bus", "read data (0 with DECERR)"),
            Port(f"{s}_rresp", OUT, 2, "bus", "OKAY 0, DECERR 3"),
            Port(f"{s}_rvalid", OUT, 1, "bus", ""), Port(f"{s}_rready", IN, 1, "bus", "")]


def ports(p: CsrParams) -> list[Port]:
    rm = regmap_of(p)
    hw = []
    for q in rm.hw_ports():
        doc = {"status": f"read as {q.reg}.{q.field}",
               "set": f"high for a cycle: sets every bit of {q.reg}.{q.field}",
               "value": f"{q.reg}.{q.field} as software wrote it",
               "pulse": f"one cycle after a write touching {q.reg}.{q.field}",
               "swacc": f"high in the cycle a read of {q.reg} is performed "
                        "(combinational from the bus request)"}[q.what]
        hw.append(Port(q.name, q.direction, q.width, "status" if q.direction == IN else "cfg",
                       doc))
    return clk_rst() + bus_ports(p) + hw


class _Group:
    """Attribute bag: MyHDL turns an interface argument ``hw`` with attribute ``x`` into the
    port ``hw_x`` -- how a map-dependent number of ports reaches the top-level block."""


# ----------------------------------------------------------------- register and field blocks ----

@block
def reg_dec(a_addr, hit_in, hit_out, wok_in, wok_out, sel, word, writable):
    """sel: a register is at a_addr; hit/wok chains OR every register's decode."""
    w = const(word, len(a_addr))
    wr_ok = const(1 if writable else 0, 1)

    @always_comb
    def comb():
        sel.next = a_addr == w
        hit_out.next = hit_in or (a_addr == w)
        wok_out.next = wok_in or (a_addr == w and wr_ok)
    return comb


@block
def rd_part(sel, val, rd_in, rd_out, lsb, width):
    """rd_out = rd_in | (sel ? val << lsb : 0), with explicit widths."""
    sh = Signal(intbv(0)[W:])

    @always_comb
    def place():
        sh.next = 0
        if sel:
            sh.next[lsb + width:lsb] = val

    @always_comb
    def comb():
        rd_out.next = rd_in | sh
    return place, comb


@block
def fld_config(clk, rst, sel, wr, wdata, bm, q, lsb, width):
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if sel and wr:
            q.next = (q & ~bm[lsb + width:lsb]) | (wdata[lsb + width:lsb] & bm[lsb + width:lsb])
    return seq


@block
def fld_pulse(clk, rst, sel, wr, wdata, bm, q, lsb, width):
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if sel and wr:
            q.next = wdata[lsb + width:lsb] & bm[lsb + width:lsb]
        else:
            q.next = 0
    return seq


@block
def fld_w1c(clk, rst, sel, wr, wdata, bm, hwset, q, lsb, width):
    ones = const((1 << width) - 1, width)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if sel and wr:      # software wins over a same-cycle hwset (SystemRDL precedence=sw)
            q.next = q & ~(wdata[lsb + width:lsb] & bm[lsb + width:lsb])
        elif hwset:
            q.next = ones
    return seq


@block
def fld_swmod(clk, rst, sel, wr, bm, pulse, lsb, width):
    zero = const(0, width)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        pulse.next = sel and wr and bm[lsb + width:lsb] != zero
    return seq


@block
def fld_swacc(sel, rd_acc, strobe):
    """strobe: a read of this register is performed this cycle (combinational, no register:
    the read data is captured at the same edge, so a FIFO popping here shows its next head to
    a back-to-back read)."""
    @always_comb
    def comb():
        strobe.next = sel and rd_acc
    return comb


@block
def drive(src, dst):
    @always_comb
    def comb():
        dst.next = src
    return comb


@block
def regfile(clk, rst, a_stb, a_we, a_addr, a_wdata, a_wstrb, a_hit, a_wok, a_rdata, hw, csr,
            p: CsrParams):
    """The map: decode chain, field storage and read-data chain."""
    rm = regmap_of(p)
    insts = []
    bm = Signal(intbv(0)[W:])
    wr = Signal(bool(0))

    @always_comb
    def lanes():
        for i in range(W):
            bm.next[i] = a_wstrb[i // 8]

    @always_comb
    def wr_comb():
        wr.next = a_stb and a_we
    insts += [lanes, wr_comb]
    if any(f.swacc for r in rm.regs for f in r.fields):
        rd_acc = Signal(bool(0))    # only when used: an unread signal would trip the lint

        @always_comb
        def rd_comb():
            rd_acc.next = a_stb and not a_we
        insts.append(rd_comb)

    hit, wok, rd = const(0, 1), const(0, 1), const(0, W)   # chain starts
    for ri, r in enumerate(rm.regs):
        sel = Signal(bool(0))
        hit_n, wok_n = Signal(bool(0)), Signal(bool(0))
        insts.append(reg_dec(a_addr, hit, hit_n, wok, wok_n, sel, r.offset >> 2, r.writable))
        hit, wok = hit_n, wok_n
        for f in r.fields:
            name = f"{r.name}_{f.name}".lower()
            lsb, width = f.lsb, f.width
            val = None
            if f.kind == "const":
                val = const(f.reset, width)
            elif f.kind == "status":
                val = getattr(hw, name)
            else:
                q = Signal(intbv(f.reset if f.kind != "pulse" else 0)[width:])
                if f.kind == "config":
                    insts.append(fld_config(clk, rst, sel, wr, a_wdata, bm, q, lsb, width))
                elif f.kind == "pulse":
                    insts.append(fld_pulse(clk, rst, sel, wr, a_wdata, bm, q, lsb, width))
                else:
                    insts.append(fld_w1c(clk, rst, sel, wr, a_wdata, bm,
                                         getattr(hw, name + "_set"), q, lsb, width))
                if f.has_output:
                    insts.append(drive(q, getattr(csr, name)))
                val = q
            if f.swmod:
                insts.append(fld_swmod(clk, rst, sel, wr, bm, getattr(csr, name + "_pulse"),
                                       lsb, width))
            if f.swacc:
                insts.append(fld_swacc(sel, rd_acc, getattr(csr, name + "_swacc")))
            if f.readable:
                rd_n = Signal(intbv(0)[W:])
                insts.append(rd_part(sel, val, rd, rd_n, lsb, width))
                rd = rd_n
    insts += [drive(hit, a_hit), drive(wok, a_wok), drive(rd, a_rdata)]
    return insts


def _access_signals(p):
    return (Signal(bool(0)), Signal(bool(0)), Signal(intbv(0)[p.addr_width - 2:]),
            Signal(intbv(0)[W:]), Signal(intbv(0)[4:]), Signal(bool(0)), Signal(bool(0)),
            Signal(intbv(0)[W:]))


# ----------------------------------------------------------------- front-ends -------------------

@block
def csr_wishbone(clk, rst, wb_cyc, wb_stb, wb_we, wb_adr, wb_dat_w, wb_sel, wb_dat_r, wb_ack,
                 wb_err, wb_stall, hw, csr, p):
    a_stb, a_we, a_addr, a_wdata, a_wstrb, a_hit, a_wok, a_rdata = _access_signals(p)
    aw = p.addr_width
    core = regfile(clk, rst, a_stb, a_we, a_addr, a_wdata, a_wstrb, a_hit, a_wok, a_rdata, hw,
                   csr, p)

    @always_comb
    def req():
        a_stb.next = wb_cyc and wb_stb and not rst
        a_we.next = wb_we
        a_addr.next = wb_adr[aw:2]
        a_wdata.next = wb_dat_w
        a_wstrb.next = wb_sel

    @always_comb
    def stall():
        wb_stall.next = rst

    @always_seq(clk.posedge, reset=rst)
    def seq():
        wb_ack.next = a_stb and a_hit and (a_wok or not a_we)
        wb_err.next = a_stb and not (a_hit and (a_wok or not a_we))
        if a_stb and a_hit and not a_we:
            wb_dat_r.next = a_rdata
        else:
            wb_dat_r.next = 0
    return core, req, stall, seq


@block
def csr_axil(clk, rst, s_axil_awaddr, s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb,
             s_axil_wvalid, s_axil_wready, s_axil_bresp, s_axil_bvalid, s_axil_bready,
             s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
             s_axil_rvalid, s_axil_rready, hw, csr, p):
    a_stb, a_we, a_addr, a_wdata, a_wstrb, a_hit, a_wok, a_rdata = _access_signals(p)
    aw = p.addr_width
    core = regfile(clk, rst, a_stb, a_we, a_addr, a_wdata, a_wstrb, a_hit, a_wok, a_rdata, hw,
                   csr, p)
    aw_full, w_full = Signal(bool(0)), Signal(bool(0))
    aw_q = Signal(intbv(0)[aw - 2:])
    w_q = Signal(intbv(0)[W:])
    s_q = Signal(intbv(0)[4:])
    bvalid, rvalid = Signal(bool(0)), Signal(bool(0))
    wr_go, rd_go = Signal(bool(0)), Signal(bool(0))
    okay, slverr, decerr = const(0, 2), const(2, 2), const(3, 2)

    @always_comb
    def ready():
        s_axil_awready.next = not aw_full and not rst
        s_axil_wready.next = not w_full and not rst
        s_axil_arready.next = not rvalid and not (aw_full and w_full and not bvalid) and not rst
        s_axil_bvalid.next = bvalid
        s_axil_rvalid.next = rvalid

    @always_comb
    def go():
        wr_go.next = aw_full and w_full and not bvalid
        rd_go.next = s_axil_arvalid and not rvalid and not (aw_full and w_full and not bvalid) \
            and not rst

    @always_comb
    def req():
        a_stb.next = wr_go or rd_go
        a_we.next = wr_go
        if wr_go:
            a_addr.next = aw_q
        else:
            a_addr.next = s_axil_araddr[aw:2]
        a_wdata.next = w_q
        a_wstrb.next = s_q

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if s_axil_awvalid and not aw_full:
            aw_full.next = 1
            aw_q.next = s_axil_awaddr[aw:2]
        if s_axil_wvalid and not w_full:
            w_full.next = 1
            w_q.next = s_axil_wdata
            s_q.next = s_axil_wstrb
        if wr_go:
            aw_full.next = 0
            w_full.next = 0
            bvalid.next = 1
            if not a_hit:
                s_axil_bresp.next = decerr
            elif not a_wok:
                s_axil_bresp.next = slverr
            else:
                s_axil_bresp.next = okay
        elif bvalid and s_axil_bready:
            bvalid.next = 0
        if rd_go:
            rvalid.next = 1
            if a_hit:
                s_axil_rdata.next = a_rdata
                s_axil_rresp.next = okay
            else:
                s_axil_rdata.next = 0
                s_axil_rresp.next = decerr
        elif rvalid and s_axil_rready:
            rvalid.next = 0
    return core, ready, go, req, seq


def group_ports(sigs: dict):
    """Port name -> Signal split into the ``hw`` and ``csr`` interfaces and the bus ports (a
    block that embeds the CSR calls csr_wishbone / csr_axil with them)."""
    hw, csr = _Group(), _Group()
    bus = {}
    for name, sig in sigs.items():
        if name.startswith("hw_"):
            setattr(hw, name[3:], sig)
        elif name.startswith("csr_"):
            setattr(csr, name[4:], sig)
        else:
            bus[name] = sig
    return hw, csr, bus


def csr_top(p: CsrParams, **sigs):
    """What the framework calls with one Signal per declared port: groups the map's hardware
    ports into the ``hw``/``csr`` interfaces and elaborates the chosen front-end."""
    hw, csr, bus = group_ports(sigs)
    top = csr_wishbone if p.bus == "wishbone" else csr_axil
    return top(hw=hw, csr=csr, p=p, **bus)


def csr(p: CsrParams = None, **sigs):
    return csr_top(p, **sigs)


CORE = declare("bus.csr", CsrParams, csr, ports, """
    CSR block from a SystemRDL map, Wishbone B4 pipelined or AXI4-Lite slave, bus errors on
    unmapped and read-only accesses
    registers: exact: storage and masks only, no arithmetic
    """, vectors=lambda p, rng, n: Vectors(), regmap=lambda p: p.rdl)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``net.snn_soc``: host port -> CSR block -> FIFOs, weights, SC bank, engine.

    uart_rx/tx -- bus.uart_bridge (Wishbone master) --+
                                                      +-- bus.csr (cores/net/snn_soc.rdl)
    (host = 'wishbone': the CSR slave on the top) ----+      |  hw_* / csr_* ports
                                                             v
    SPIKE_IN -> in FIFO --+                          +-- controller (timestep sequencer)
    SC_VAL -> sc.sng_bank -+-> input axons -> fan-out over the weight RAM -> neuron.engine
                                                   engine m_aer -> out FIFO -> SPIKE_OUT

Memories are inferred block RAM (``reg [w-1:0] mem [0:D-1]``, registered read in a process of
its own): the two spike FIFOs and the weight memory.  The FIFOs are ``stream.fifo`` instances
(block RAM storage, emptied by a reset_net as by rst): first-word-fall-through, the head is the
RAM output register read at the *next* read pointer, with a bypass register for the one case the
RAM cannot serve (a push into a FIFO that the same cycle leaves empty), so a Wishbone read of
SPIKE_OUT sees the head and its ``_swacc`` strobe pops at the same clock edge; back-to-back
reads each get the next word.

Controller, per timestep (the order of ``models/net/snn_soc.py``):

    TS      snapshot the input-FIFO level L; offer the SC values to sc.sng_bank (one beat)
    SCW     take the bank's K bits
    SCS     for each lane c with bit 1 (ascending): fan out axon c
    POP     L times: pop the input FIFO, fan out that axon
    FAN     base = axon * N (registered); for n = 0..N-1: RAM read (1 cycle), then, if the
            weight is not 0, the engine beat {w, n} (held until s_syn_tready): 2 cycles/weight
    UPD     timestep_start to the engine; wait for status_done; every engine spike meanwhile
            goes to the out FIFO (or is counted dropped) tagged with the timestep
    NEXT    TSTEP += 1; end of the run (count reached or stop) -> IRQ_STATUS.done

Host pointer of the weight memory: the RAM is read at the pointer's next value, so ``WREAD``
shows the word at the pointer and back-to-back WREAD reads stream the memory.  Timing limits
(none of them reachable through bus.uart_bridge, whose accesses are many cycles apart; a
Wishbone master embedding the SoC must respect them): a WREAD read less than 2 cycles after a
WADDR/WDATA write, or less than 2 cycles after STATUS.busy fell, returns the previous word.
"""
from myhdl import ConcatSignal, ResetSignal, Signal, always, always_comb, always_seq, block, intbv, modbv

from neurohdl.core import IN, OUT, Port, Vectors, clk_rst, const
from neurohdl.models.bus.csr import CsrParams
from neurohdl.models.bus.uart_bridge import UartBridgeParams
from neurohdl.models.net import snn_soc as model
from neurohdl.models.net.snn_soc import SnnSocParams
from neurohdl.rtl.bus import csr as csr_rtl
from neurohdl.rtl.bus.uart_bridge import uart_bridge
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron.engine import engine
from neurohdl.rtl.sc.sng_bank import sng_bank
from neurohdl.rtl.stream.fifo import fifo

CNT = 32


def _lo(sig, n: int):
    """Bits [n-1:0] of a signal as a shadow signal (a 1-bit slice is taken as bit 0: MyHDL
    converts a 1-bit range slice into an illegal select)."""
    return sig(0) if n == 1 else sig(n, 0)


def _bits(n: int) -> int:
    """Bits of an index 0..n-1 (at least 1)."""
    return max(1, (n - 1).bit_length())


def csr_params(p: SnnSocParams) -> CsrParams:
    return CsrParams(rdl=model.RDL, bus="wishbone")


def bridge_params(p: SnnSocParams) -> UartBridgeParams:
    return UartBridgeParams(clk_hz=p.clk_hz, baud=p.baud,
                            addr_width=csr_params(p).addr_width - 2, data_width=32)


def host_ports(p: SnnSocParams) -> list[Port]:
    if p.host == "uart":
        return [Port("uart_rx", IN, 1, "uart", "serial in from the host (8N1, idle high; "
                     "synchronised inside)"),
                Port("uart_tx", OUT, 1, "uart", "serial out to the host (8N1, idle high)")]
    return [q for q in csr_rtl.bus_ports(csr_params(p))]


def ports(p: SnnSocParams) -> list[Port]:
    return clk_rst() + host_ports(p) + [
        Port("irq", OUT, 1, "status", "OR of IRQ_STATUS & IRQ_ENABLE"),
        Port("status_busy", OUT, 1, "status", "a run, a timestep or the neuron-state "
             "initialisation is in progress (STATUS.busy)")]


@block
def csr_block(clk, rst, cs: dict, cp: CsrParams):
    """bus.csr's Wishbone block on the signals ``cs`` (csr_top's grouping, inside a block)."""
    hw, csr, bus = csr_rtl.group_ports(cs)
    return csr_rtl.csr_wishbone(hw=hw, csr=csr, p=cp, clk=clk, rst=rst, **bus)


@block
def soc_body(sigs: dict, p: SnnSocParams):
    """The SoC's instances and processes around the top-level signals ``sigs``."""
    ep = p.engine
    cp = csr_params(p)
    rm = model.regmap()
    N, A, C = p.n_neurons, p.n_axons, p.sc_channels
    WW = ep.w_width
    WORDS = N * A
    WA = _bits(WORDS)                     # weight RAM index bits
    NA = ep.aw                            # engine address bits (neuron index)
    XA = _bits(A)                         # axon index bits
    PW = max(WA, 20) + 1                  # pointer / product width (covers 2^20 and a*N)
    IA = _bits(p.in_depth) + 1
    OA = _bits(p.out_depth) + 1
    OW = 15 + NA                          # out FIFO word: {tstep[14:0], neuron}
    clk, rst = sigs["clk"], sigs["rst"]
    irq, status_busy = sigs["irq"], sigs["status_busy"]
    insts = []

    # ---- the CSR block and the host port ----------------------------------------------------
    cs = {}
    for q in csr_rtl.ports(cp):
        if q.name in ("clk", "rst"):
            continue
        if p.host == "wishbone" and q.name in sigs:
            cs[q.name] = sigs[q.name]
        else:
            cs[q.name] = Signal(intbv(0)[q.width:]) if q.width > 1 else Signal(bool(0))
    insts.append(csr_block(clk, rst, cs, cp))
    if p.host == "uart":
        bp = bridge_params(p)
        b_adr = Signal(intbv(0)[bp.addr_width:])
        st = [Signal(bool(0)) for _ in range(5)]
        insts.append(uart_bridge(clk, rst, sigs["uart_rx"], sigs["uart_tx"], cs["wb_cyc"],
                                 cs["wb_stb"], cs["wb_we"], b_adr, cs["wb_sel"], cs["wb_dat_w"],
                                 cs["wb_dat_r"], cs["wb_ack"], cs["wb_err"], cs["wb_stall"],
                                 *st, p=bp))
        adr_cat = ConcatSignal(b_adr, const(0, 2))
        wb_adr = cs["wb_adr"]

        @always_comb
        def comb_adr():
            wb_adr.next = adr_cat
        insts.append(comb_adr)

    # csr outputs used below, as plain names (MyHDL converts names, not lookups)
    k_ctrl_clr_cnt = cs["csr_ctrl_clr_cnt"]
    k_ctrl_reset_net = cs["csr_ctrl_reset_net"]
    k_ctrl_run = cs["csr_ctrl_run"]
    k_ctrl_step = cs["csr_ctrl_step"]
    k_ctrl_stop = cs["csr_ctrl_stop"]
    k_irq_enable_done = cs["csr_irq_enable_done"]
    k_irq_enable_drop = cs["csr_irq_enable_drop"]
    k_irq_status_done = cs["csr_irq_status_done"]
    k_irq_status_drop = cs["csr_irq_status_drop"]
    k_spike_in_axon = cs["csr_spike_in_axon"]
    k_spike_in_axon_pulse = cs["csr_spike_in_axon_pulse"]
    k_spike_out_valid_swacc = cs["csr_spike_out_valid_swacc"]
    k_timesteps_count = cs["csr_timesteps_count"]
    k_waddr_addr = cs["csr_waddr_addr"]
    k_waddr_addr_pulse = cs["csr_waddr_addr_pulse"]
    k_wdata_value = cs["csr_wdata_value"]
    k_wdata_value_pulse = cs["csr_wdata_value_pulse"]
    k_wread_value_swacc = cs["csr_wread_value_swacc"]

    # ---- signals ---------------------------------------------------------------------------
    net_rst = Signal(bool(0))             # reset_net accepted: one cycle
    eng_rst = ResetSignal(0, active=1, isasync=False)
    sng_rst = ResetSignal(0, active=1, isasync=False)
    init_r = Signal(bool(1))
    running = Signal(bool(0))
    busy = Signal(bool(1))
    e_busy, e_done, e_sat, e_acc_sat, e_drop = (Signal(bool(0)) for _ in range(5))
    syn_d = Signal(intbv(0)[ep.syn_width:])
    syn_v, syn_r = Signal(bool(0)), Signal(bool(0))
    ts_start = Signal(bool(0))
    aer_d = Signal(intbv(0)[NA:])
    aer_v, aer_l, aer_u = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    aer_r = Signal(bool(1))

    # in FIFO
    in_push, in_pop = Signal(bool(0)), Signal(bool(0))
    in_din = Signal(intbv(0)[XA:])
    in_dout = Signal(intbv(0)[XA:])
    in_empty, in_full = Signal(bool(1)), Signal(bool(0))
    in_cnt = Signal(intbv(0)[IA:])
    # out FIFO
    out_push = Signal(bool(0))
    out_din = Signal(intbv(0)[OW:])
    out_dout = Signal(intbv(0)[OW:])
    out_empty, out_full = Signal(bool(1)), Signal(bool(0))
    out_cnt = Signal(intbv(0)[OA:])
    out_pop = Signal(bool(0))

    # the spike FIFOs: stream.fifo in block RAM, emptied by rst and by a reset_net
    fifo_rst = ResetSignal(0, active=1, isasync=False)
    in_ready, in_valid = Signal(bool(1)), Signal(bool(0))
    out_ready, out_valid = Signal(bool(1)), Signal(bool(0))
    insts.append(fifo(clk, fifo_rst, in_din, in_push, in_ready, in_dout, in_valid, in_pop, in_cnt,
                      p=FifoParams(depth=p.in_depth, width=XA, storage="bram")))
    insts.append(fifo(clk, fifo_rst, out_din, out_push, out_ready, out_dout, out_valid, out_pop,
                      out_cnt, p=FifoParams(depth=p.out_depth, width=OW, storage="bram")))

    @always_comb
    def comb_fifo():
        fifo_rst.next = rst or net_rst
        in_full.next = not in_ready
        in_empty.next = not in_valid
        out_full.next = not out_ready
        out_empty.next = not out_valid
    insts.append(comb_fifo)
    insts.append(engine(clk, eng_rst, syn_d, syn_v, syn_r, ts_start,
                        aer_d, aer_v, aer_l, aer_r, aer_u, e_busy, e_done, e_sat, e_acc_sat,
                        e_drop, p=ep))

    # SC bank
    sc_bits = Signal(intbv(0)[max(C, 1):])
    sc_xv, sc_xr, sc_bv = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    sc_br = Signal(bool(0))
    if C:
        sp = p.sngp
        lanes = [cs[f"csr_sc_val_{k}_value"](p.sc_width, 0) for k in reversed(range(C))]
        sc_x = ConcatSignal(*lanes) if C > 1 else lanes[0]
        sc_bd = Signal(intbv(0)[C:])
        insts.append(sng_bank(clk, sng_rst, sc_x, sc_xv, sc_xr, sc_bd, sc_bv, sc_br, p=sp))
    else:
        sc_bd = Signal(intbv(0)[1:])

    # ---- controller ----------------------------------------------------------------------
    S_IDLE, S_TS, S_SCW, S_SCS, S_POP, S_FANST, S_FANRD, S_FANSEND, S_UPD, S_UPDW, S_NEXT = \
        (const(i, 4) for i in range(11))
    state = Signal(intbv(0)[4:])
    remaining = Signal(intbv(0)[24:])
    stop_req = Signal(bool(0))
    L = Signal(intbv(0)[IA:])
    lane = Signal(intbv(0)[max(1, C.bit_length(), XA):])
    bits = Signal(intbv(0)[max(C, 1):])
    from_sc = Signal(bool(0))
    axon = Signal(intbv(0)[XA:])
    base = Signal(modbv(0)[PW:])
    j = Signal(intbv(0)[NA:])
    tag = Signal(intbv(0)[15:])
    tstep = Signal(modbv(0)[CNT:])
    done_set = Signal(bool(0))
    drop_set = Signal(bool(0))
    ev_in, ev_out, ev_drop, in_drop = (Signal(modbv(0)[CNT:]) for _ in range(4))
    acc_sat_s, sat_s, werr, axon_err = (Signal(bool(0)) for _ in range(4))
    e_acc_sat_d, e_sat_d = Signal(bool(0)), Signal(bool(0))

    ax_ext = ConcatSignal(const(0, PW - XA), axon) if PW > XA else axon
    j_ext = ConcatSignal(const(0, PW - NA), j)
    n_ext = const(N, PW)
    prod = Signal(modbv(0)[PW:])
    lane_c = const(C, len(lane))
    one_lane = const(1, len(lane))
    last_j = const(N - 1, NA)
    one_j = const(1, NA)
    zero_L = const(0, IA)
    one_L = const(1, IA)
    one_rem = const(1, 24)
    zero_rem = const(0, 24)
    w_zero = const(0, WW)

    # weight RAM
    wmem = [Signal(intbv(0)[WW:]) for _ in range(WORDS)]
    w_q = Signal(intbv(0)[WW:])
    w_raddr = Signal(intbv(0)[WA:])
    ptr_ix = Signal(intbv(0)[WA:])
    fan_addr = Signal(modbv(0)[PW:])
    ptr = Signal(modbv(0)[20:])
    ptr_n = Signal(modbv(0)[20:])
    w_we = Signal(bool(0))
    w_ok = Signal(bool(0))
    words_c = const(WORDS, 20) if WORDS < (1 << 20) else None
    wv = k_wdata_value
    # a 16-bit value is a WW-bit signed weight iff bits 15..WW-1 are all equal
    hi_w = 16 - WW + 1
    hi_bits = wv(16, WW - 1)
    hi_zero = const(0, hi_w)
    hi_ones = const((1 << hi_w) - 1, hi_w)
    w_lo = wv(WW, 0)
    ptr_in = Signal(bool(0))

    @always_comb
    def comb_prod():
        prod.next = ax_ext * n_ext
        fan_addr.next = base + j_ext

    if words_c is None:                   # 2^20 words: every pointer is inside
        insts.append(csr_rtl.drive(const(1, 1), ptr_in))
    else:
        @always_comb
        def comb_ptr():
            ptr_in.next = ptr < words_c
        insts.append(comb_ptr)

    @always_comb
    def comb_wr():
        w_ok.next = (not busy) and ptr_in and (hi_bits == hi_zero or hi_bits == hi_ones)
        w_we.next = k_wdata_value_pulse and (not k_waddr_addr_pulse) and \
            (not busy) and ptr_in and (hi_bits == hi_zero or hi_bits == hi_ones)
        if k_waddr_addr_pulse:
            ptr_n.next = k_waddr_addr
        elif k_wdata_value_pulse:
            if (not busy) and ptr_in and (hi_bits == hi_zero or hi_bits == hi_ones):
                ptr_n.next = ptr + 1
            else:
                ptr_n.next = ptr
        elif k_wread_value_swacc:
            ptr_n.next = ptr + 1
        else:
            ptr_n.next = ptr
        if running:
            w_raddr.next = fan_addr[WA:]
        else:
            w_raddr.next = ptr_ix
    insts.append(comb_wr)

    # the host pointer's RAM index: word 0 when ptr_n[WA:] is past the last word (the pointer
    # after the last word written, or any pointer outside, which WREAD shows as 0), so no read
    # leaves 0..WORDS-1 (Verilog would return X, unused; VHDL stops on the index)
    if WORDS == 1 << WA:
        @always_comb
        def comb_ptrix():
            ptr_ix.next = ptr_n[WA:]
    else:
        last_ix = const(WORDS - 1, WA)
        zero_ix = const(0, WA)

        @always_comb
        def comb_ptrix():
            if ptr_n[WA:] > last_ix:
                ptr_ix.next = zero_ix
            else:
                ptr_ix.next = ptr_n[WA:]
    insts.append(comb_ptrix)

    # after reset the weight RAM is cleared word by word (block RAM cannot be reset): WORDS
    # cycles with STATUS.init high; reset_net keeps the weights
    wclr = Signal(bool(1))
    wcnt = Signal(modbv(0)[WA:])
    last_w = const(WORDS - 1, WA)
    w_waddr = Signal(intbv(0)[WA:])
    w_wdata = Signal(intbv(0)[WW:])

    @always_comb
    def comb_wport():
        if wclr:
            w_waddr.next = wcnt
            w_wdata.next = w_zero
        else:
            w_waddr.next = ptr[WA:]
            w_wdata.next = w_lo

    @always_seq(clk.posedge, reset=rst)
    def seq_wclr():
        if wclr:
            wcnt.next = wcnt + 1
            if wcnt == last_w:
                wclr.next = 0

    @always(clk.posedge)
    def seq_wmem():
        if w_we or wclr:
            wmem[w_waddr].next = w_wdata

    @always(clk.posedge)
    def seq_wmem_rd():
        w_q.next = wmem[w_raddr]

    insts += [comb_prod, comb_wport, seq_wclr, seq_wmem, seq_wmem_rd]

    # ---- host-side bookkeeping --------------------------------------------------------------
    n_axons_c = const(A, 16)
    ax_in = k_spike_in_axon
    ax_bad = Signal(bool(0))
    ax_lo = _lo(ax_in, XA)
    tag_cat = ConcatSignal(tag, aer_d)
    syn_cat = ConcatSignal(w_q, j)
    spike = Signal(bool(0))

    @always_comb
    def comb_glue():
        busy.next = running or init_r or e_busy or wclr or net_rst or k_ctrl_run or \
            k_ctrl_step or k_ctrl_reset_net
        eng_rst.next = rst or net_rst
        ax_bad.next = ax_in >= n_axons_c
        in_push.next = k_spike_in_axon_pulse and ax_in < n_axons_c and not in_full
        in_din.next = ax_lo
        in_pop.next = state == S_POP and L != zero_L
        out_pop.next = k_spike_out_valid_swacc
        spike.next = aer_v and not aer_u
        out_push.next = aer_v and not aer_u and not out_full
        out_din.next = tag_cat
        syn_v.next = state == S_FANSEND and w_q != w_zero
        syn_d.next = syn_cat
        ts_start.next = state == S_UPD
        drop_set.next = (k_spike_in_axon_pulse and (ax_in >= n_axons_c or in_full)) or \
            (aer_v and not aer_u and out_full)
        irq.next = (k_irq_status_done and k_irq_enable_done) or \
            (k_irq_status_drop and k_irq_enable_drop)
        status_busy.next = running or init_r or e_busy or wclr or net_rst or k_ctrl_run or \
            k_ctrl_step or k_ctrl_reset_net
    insts.append(comb_glue)

    if C:
        @always_comb
        def comb_sc():
            sng_rst.next = rst or net_rst
            sc_xv.next = state == S_TS
            sc_br.next = state == S_SCW
        insts.append(comb_sc)

    @always_seq(clk.posedge, reset=rst)
    def seq_host():
        ptr.next = ptr_n
        if k_ctrl_clr_cnt:
            ev_in.next = 0
            ev_out.next = 0
            ev_drop.next = 0
            in_drop.next = 0
        else:
            if spike:
                ev_in.next = ev_in + 1
                if out_full:
                    ev_drop.next = ev_drop + 1
                else:
                    ev_out.next = ev_out + 1
            if k_spike_in_axon_pulse and (ax_bad or in_full):
                in_drop.next = in_drop + 1
        if net_rst:
            werr.next = 0
            axon_err.next = 0
            init_r.next = 1
        else:
            if k_wdata_value_pulse and not k_waddr_addr_pulse and not w_ok:
                werr.next = 1
            if k_spike_in_axon_pulse and ax_bad:
                axon_err.next = 1
            if init_r and not e_busy:
                init_r.next = 0
    insts.append(seq_host)

    # ---- the timestep sequencer -------------------------------------------------------------
    LW = len(lane)
    lane_ax = _lo(lane, XA)
    sc_b0 = bits(0)

    @always_seq(clk.posedge, reset=rst)
    def seq_ctrl():
        net_rst.next = 0
        done_set.next = 0
        if state == S_IDLE:
            stop_req.next = 0
            if k_ctrl_reset_net:
                net_rst.next = 1
            elif not init_r and not e_busy and not wclr:
                if k_ctrl_run:
                    if k_timesteps_count == zero_rem:
                        done_set.next = 1
                    else:
                        remaining.next = k_timesteps_count
                        running.next = 1
                        state.next = S_TS
                elif k_ctrl_step:
                    remaining.next = one_rem
                    running.next = 1
                    state.next = S_TS
        else:
            if k_ctrl_stop:
                stop_req.next = 1
            if state == S_TS:
                L.next = in_cnt
                tag.next = tstep[15:]
                if C == 0:
                    state.next = S_POP
                elif sc_xr:
                    state.next = S_SCW
            elif state == S_SCW:
                if sc_bv:
                    bits.next = sc_bd
                    lane.next = 0
                    state.next = S_SCS
            elif state == S_SCS:
                if lane == lane_c:
                    state.next = S_POP
                else:
                    bits.next = bits >> 1
                    lane.next = lane + 1
                    if sc_b0:
                        axon.next = lane_ax
                        from_sc.next = 1
                        state.next = S_FANST
            elif state == S_POP:
                if L == zero_L:
                    state.next = S_UPD
                else:
                    axon.next = in_dout
                    L.next = L - 1
                    from_sc.next = 0
                    state.next = S_FANST
            elif state == S_FANST:
                base.next = prod
                j.next = 0
                state.next = S_FANRD
            elif state == S_FANRD:
                state.next = S_FANSEND
            elif state == S_FANSEND:
                if w_q == w_zero or syn_r:
                    if j == last_j:
                        if from_sc:
                            state.next = S_SCS
                        else:
                            state.next = S_POP
                    else:
                        j.next = j + 1
                        state.next = S_FANRD
            elif state == S_UPD:
                state.next = S_UPDW
            elif state == S_UPDW:
                if e_done:
                    state.next = S_NEXT
            else:                                     # S_NEXT
                tstep.next = tstep + 1
                if remaining == one_rem or stop_req or k_ctrl_stop:
                    running.next = 0
                    done_set.next = 1
                    state.next = S_IDLE
                else:
                    remaining.next = remaining - 1
                    state.next = S_TS
        if net_rst:
            tstep.next = 0
    insts.append(seq_ctrl)

    # ---- CSR status inputs ------------------------------------------------------------------
    def zext(sig, width):
        n = len(sig)
        return sig if n >= width else ConcatSignal(const(0, width - n), sig)

    wr_sext = ConcatSignal(*([w_q(WW - 1)] * (16 - WW)), w_q) if WW < 16 else w_q
    rd_zero = const(0, 16)
    wread = Signal(intbv(0)[16:])
    so_n = Signal(intbv(0)[16:])
    so_t = Signal(intbv(0)[15:])
    so_v = Signal(bool(0))
    so_n_raw = zext(_lo(out_dout, NA), 16)
    so_t_raw = out_dout(OW, NA)
    z16, z15 = const(0, 16), const(0, 15)

    @always_comb
    def comb_status():
        if busy or not ptr_in:
            wread.next = rd_zero
        else:
            wread.next = wr_sext
        if out_empty:
            so_n.next = z16
            so_t.next = z15
            so_v.next = 0
        else:
            so_n.next = so_n_raw
            so_t.next = so_t_raw
            so_v.next = 1
    insts.append(comb_status)

    init_any = Signal(bool(1))

    @always_comb
    def comb_init():
        init_any.next = init_r or wclr
    insts.append(comb_init)

    src = {
        "hw_status_busy": busy, "hw_status_init": init_any,
        "hw_status_in_full": in_full, "hw_status_in_empty": in_empty,
        "hw_status_out_full": out_full, "hw_status_out_empty": out_empty,
        "hw_status_acc_sat": e_acc_sat, "hw_status_sat": e_sat,
        "hw_status_werr": werr, "hw_status_axon_err": axon_err,
        "hw_tstep_count": tstep, "hw_events_in_count": ev_in, "hw_events_out_count": ev_out,
        "hw_events_dropped_count": ev_drop, "hw_in_dropped_count": in_drop,
        "hw_levels_in_level": zext(in_cnt, 16), "hw_levels_out_level": zext(out_cnt, 16),
        "hw_spike_out_neuron": so_n, "hw_spike_out_tstep": so_t, "hw_spike_out_valid": so_v,
        "hw_wread_value": wread, "hw_wptr_addr": ptr,
        "hw_irq_status_done_set": done_set, "hw_irq_status_drop_set": drop_set,
    }
    consts = {"hw_info_size_n_neurons": N, "hw_info_size_n_axons": A,
              "hw_info_fifo_in_depth": p.in_depth, "hw_info_fifo_out_depth": p.out_depth,
              "hw_info_fmt_sc_channels": C, "hw_info_fmt_sc_width": p.sc_width,
              "hw_info_fmt_w_width": WW, "hw_info_fmt_neuron": model.NEURON_CODE[ep.neuron]}
    for q in csr_rtl.ports(cp):
        if q.direction != IN or not q.name.startswith("hw_"):
            continue
        if q.name in consts:
            s = const(consts[q.name], q.width)
        else:
            s = src[q.name]
        if len(s) != q.width:
            raise ValueError(f"net.snn_soc: {q.name} is {len(s)} bits, the CSR port {q.width}")
        insts.append(csr_rtl.drive(s, cs[q.name]))
    return insts


def bench_program(p: SnnSocParams, rng) -> list[tuple[bool, int, list[int], bool, int]]:
    """A short host program as (write, word address, words, fixed, settle cycles) bursts: load
    weights, read them back, inject spikes, step, run, read spikes and counters."""
    A = {r.name: r.offset // 4 for r in model.regmap().regs}
    ep = p.engine
    hi = (1 << (ep.w_width - 1)) - 1
    words = [rng.choice([0, hi, rng.randint(0, hi)]) for _ in range(p.n_axons * p.n_neurons)]
    per_ts = 40 * (2 * p.n_neurons * (p.in_depth + p.sc_channels) + p.n_neurons + 64)
    prog = [(False, A["ID"], [0], True, 0), (False, A["INFO_SIZE"], [0] * 3, False, 0),
            (True, A["WADDR"], [0], True, 0), (True, A["WDATA"], words, True, 0),
            (True, A["WADDR"], [0], True, 0), (False, A["WREAD"], [0] * len(words), True, 0)]
    if p.sc_channels:
        prog.append((True, A["SC_VAL_0"], [rng.randrange(1 << p.sc_width)
                                           for _ in range(p.sc_channels)], False, 0))
    for t in range(3):
        spikes = [rng.randrange(p.n_axons) for _ in range(min(4, p.in_depth))]
        prog += [(True, A["SPIKE_IN"], spikes, True, 0), (True, A["TIMESTEPS"], [t + 1], True, 0),
                 (True, A["CTRL"], [1], True, per_ts * (t + 1)),
                 (False, A["SPIKE_OUT"], [0] * 6, True, 0),
                 (False, A["TSTEP"], [0] * 4, False, 0), (False, A["STATUS"], [0], True, 0)]
    return prog


def bench(p: SnnSocParams, name: str, n: int, seed: int, fault: bool = False) -> str:
    """Self-checking Verilog bench for the FuseSoC ``sim`` target (host = 'uart'): a bit-level
    UART host sends the frames of :func:`bench_program` and checks every response byte against
    the model (bus.uart_bridge's framing over SocModel's answers)."""
    import random as _r

    from neurohdl.errors import ParamError
    from neurohdl.models.bus import uart_bridge as ub
    if p.host != "uart":
        raise ParamError(f"SnnSocParams.host = {p.host!r}: allowed 'uart' for the sim bench "
                         "(it drives the UART pins)")
    rng = _r.Random(seed)
    bp = bridge_params(p)
    m = model.SocModel(p)
    req, exp, ends, rends, waits = [], [], [], [], []
    for write, a, words, fixed, settle in bench_program(p, rng):
        for off in range(0, len(words), bp.max_burst):
            chunk = words[off:off + bp.max_burst]
            addr = a if fixed else a + off
            frame = ub.encode_request(bp, write, addr, chunk if write else (), len(chunk), fixed)
            data = []
            for i, w in enumerate(chunk):
                ba = 4 * (addr + (0 if fixed else i))
                if write:
                    m.write32(ba, w)
                else:
                    data.append(m.read32(ba)[1])
            resp = ub.encode_response(bp, ub.Status.ACK, len(chunk) - 1, data)
            req += list(frame)
            exp += list(resp)
            ends.append(len(req))
            rends.append(len(exp))
            waits.append(settle if off + bp.max_burst >= len(words) else 0)
    if fault:       # neurohdl.bench's must-fail: one expected response byte corrupted
        exp[len(exp) // 2] ^= 1
    div = bp.divisor
    L = [f"// self-checking bench for {CORE.vlnv()} ({type(p).__name__} {p.digest()}), seed "
         f"{seed}: do not edit", "`timescale 1ns/10ps", f"module {name}_tb;",
         "reg clk = 1'b0;", "reg rst = 1'b1;", "always #5 clk = ~clk;",
         "reg uart_rx = 1'b1;", "wire uart_tx, irq, status_busy;",
         f"{name} dut (.clk(clk), .rst(rst), .uart_rx(uart_rx), .uart_tx(uart_tx), .irq(irq), "
         ".status_busy(status_busy));",
         f"reg [7:0] req [0:{len(req) - 1}];", f"reg [7:0] exp [0:{len(exp) - 1}];",
         f"integer ends [0:{len(ends) - 1}];", f"integer rends [0:{len(rends) - 1}];",
         f"integer waits [0:{len(ends) - 1}];",
         "integer i, j, f, ri = 0, cycles = 0;", "reg [7:0] rb;", "initial begin"]
    L += [f"    req[{i}] = 8'h{b:02x};" for i, b in enumerate(req)]
    L += [f"    exp[{i}] = 8'h{b:02x};" for i, b in enumerate(exp)]
    L += [f"    ends[{i}] = {e}; rends[{i}] = {r}; waits[{i}] = {w};"
          for i, (e, r, w) in enumerate(zip(ends, rends, waits))]
    L += ["end",
          "task send_byte(input [7:0] b);", "    integer k;", "    begin",
          f"        uart_rx = 1'b0; repeat ({div}) @(posedge clk);",
          f"        for (k = 0; k < 8; k = k + 1) begin uart_rx = b[k]; repeat ({div}) @(posedge clk); end",
          f"        uart_rx = 1'b1; repeat ({div}) @(posedge clk);", "    end", "endtask",
          "initial begin",
          "    repeat (4) @(posedge clk); rst <= 1'b0; repeat (4) @(posedge clk);",
          "    while (status_busy) @(posedge clk);",
          "    i = 0;",
          f"    for (f = 0; f < {len(ends)}; f = f + 1) begin",
          "        while (i < ends[f]) begin send_byte(req[i]); i = i + 1; end",
          "        while (ri < rends[f]) @(posedge clk);",
          f"        repeat ({2 * div}) @(posedge clk);",
          "        repeat (waits[f]) @(posedge clk);",
          "        while (status_busy) @(posedge clk);",
          "    end",
          f'    $display("PASS {name}_tb: all model transactions matched after %0d cycles", cycles);',
          "    $finish;", "end",
          "initial begin : receiver", "    forever begin", "        @(negedge uart_tx);",
          f"        repeat ({div // 2}) @(posedge clk);",
          f"        for (j = 0; j < 8; j = j + 1) begin repeat ({div}) @(posedge clk); rb[j] = uart_tx; end",
          f"        repeat ({div}) @(posedge clk);",
          f'        if (uart_tx !== 1\'b1) begin $display("FAIL uart_tx: bad stop bit"); $fatal(1); end',
          f'        if (ri >= {len(exp)}) begin $display("FAIL uart_tx: unexpected byte %h", rb); $fatal(1); end',
          '        if (rb !== exp[ri]) begin $display("FAIL uart_tx byte %0d: rtl %h != model %h", ri, rb, exp[ri]); $fatal(1); end',
          "        ri = ri + 1;", "    end", "end",
          "always @(posedge clk) begin", "    cycles = cycles + 1;",
          f"    if (cycles > {(len(req) + len(exp) + 8 * len(ends)) * 14 * div + sum(waits) + 20 * p.n_neurons + 10000}) begin",
          f'        $display("FAIL {name}_tb: timeout after %0d cycles (%0d of {len(exp)} bytes)", cycles, ri);',
          "        $fatal(1);", "    end", "end", "endmodule"]
    return "\n".join(L) + "\n"


@block
def snn_soc_uart(clk, rst, uart_rx, uart_tx, irq, status_busy, p: SnnSocParams):
    return soc_body(p=p, sigs=dict(clk=clk, rst=rst, uart_rx=uart_rx, uart_tx=uart_tx, irq=irq,
                          status_busy=status_busy))


@block
def snn_soc_wb(clk, rst, wb_cyc, wb_stb, wb_we, wb_adr, wb_dat_w, wb_sel, wb_dat_r, wb_ack,
               wb_err, wb_stall, irq, status_busy, p: SnnSocParams):
    return soc_body(p=p, sigs=dict(clk=clk, rst=rst, wb_cyc=wb_cyc, wb_stb=wb_stb, wb_we=wb_we,
                          wb_adr=wb_adr, wb_dat_w=wb_dat_w, wb_sel=wb_sel, wb_dat_r=wb_dat_r,
                          wb_ack=wb_ack, wb_err=wb_err, wb_stall=wb_stall, irq=irq,
                          status_busy=status_busy))


def top(p: SnnSocParams = None, **sigs):
    """host = 'uart': snn_soc_uart; host = 'wishbone': snn_soc_wb (the CSR slave's ports)."""
    if p.host == "uart":
        return snn_soc_uart(p=p, **sigs)
    return snn_soc_wb(p=p, **sigs)


CORE = declare("net.snn_soc", SnnSocParams, top, ports, """
    SNN SoC: UART/Wishbone host port, CSR block, spike FIFOs, weight memory, SC encoder bank,
    neuron engine and timestep control
    counters: wrap: TSTEP and the event counters are 32-bit and wrap (documented)
    weights: exact: a weight outside w_width bits is refused (STATUS.werr), never truncated
    fan_addr: exact: axon * N + n < n_axons * N fits the pointer width
    accumulate: saturate: neuron.engine's input accumulators (STATUS.acc_sat)
    membrane: saturate: neuron.engine's update (STATUS.sat)
    """,
    vectors=lambda p, rng, n: Vectors(),
    bench=bench,
    regmap=lambda p: model.RDL,
    # the must-fail check needs any configuration: a small one, UART divisor 8
    small=lambda: SnnSocParams(n_neurons=4, n_axons=2, in_depth=4, out_depth=8, sc_channels=1,
                               baud=1_500_000))

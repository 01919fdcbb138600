# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.engine``: N time-multiplexed neurons, state in inferred block RAM.

Two RAMs of N words, both ``reg [w-1:0] mem [0:N-1]`` written and read (registered, read-first,
with a read enable) in one clocked process, so yosys maps them to SB_RAM40_4K / DP16KD / RAMB:

    vmem    width bits     membrane of each neuron
    accmem  in_width bits  input accumulator of each neuron (cleared by the update sweep)

All arithmetic runs on unsigned two's-complement bit patterns of explicit widths (sign
extension by concatenation, modular adders whose exact results fit), so the Verilog has no
context-width surprises.  vw = width, iw = in_width, M = max(vw, iw).

Accumulate phase (``status_busy`` low, ``s_syn_tready`` high), free-running, one beat per clock:

    A0  accept (a, w); acc RAM read address = a               (a >= N: dropped, status_drop)
    A1  RAM output register; h2/h3/h4 = address equal to the beats 2 / 3 / 4 cycles ahead
    A2  fabric register of the RAM word
    A3  y = h2 ? clip(s) of A4 : h3 ? f1 : h4 ? f2 : ram
    A4  s = y + w                         (exact, iw + 1 bits, registered)
    A5  acc' = clip(s) -> written back; f1 <- acc', f2 <- f1          (status_acc_sat)

    A beat's write lands after the reads of the next four cycles, so those beats take its
    value by forwarding in A3 (compares registered one stage early).  A beat for the same
    address as the beat accepted in the previous cycle is held one cycle (``s_syn_tready`` low,
    from a compare of s_syn_tdata with the A1 address), so no beat needs the result of the beat
    right ahead of it: the loop y -> s -> clip -> y spans two cycles (a carry chain in one, the
    clip and the forwarding multiplexer in the other).  Throughput: one beat per clock, two for
    back-to-back beats to the same neuron.

Update sweep (on ``timestep_start`` while idle; 4 drain cycles let the last accumulations land):

    S0  issue address n = 0..N-1 (then one flush token); RAM read address n
    S1  RAM output registers (v, acc)
    S2  fabric registers
    S3  v_l = v - (v >>> k) (lif, li) | v (if);  i - threshold
    S4  u = v_l + i;  d = v_l + i - threshold               (two parallel carry chains)
    S5  pos/neg = u outside vw bits;  spike = d >= 0 (= clip(u) >= threshold);
        v' = reset / clip(u);  vmem[n] <- v',  accmem[n] <- 0;  spike -> AER

    Spikes pass a one-entry holding register (the latest spike waits until the next spike or
    the flush tells whether it is the timestep's last), then the output register m_aer.  Every
    sweep stage (and the RAM read enables) advances only when the output register can take a
    beat (``adv = !m_aer_tvalid || m_aer_tready``): back-pressure stalls the sweep, no spike is
    lost.  Addresses of one sweep are distinct and increasing, so the sweep has no
    read-after-write hazard; the two phases never overlap.

After reset an init sweep writes 0 into every word of both RAMs (N + 8 cycles, status_busy high,
no output, no done pulse): block RAM cannot be reset.
"""
from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, concat, intbv, modbv

from neurohdl import __version__
from neurohdl.core import OUT, Port, Vectors, clk_rst, const, stream, CoreDecl
from neurohdl.models.neuron import engine as model
from neurohdl.models.neuron._common import smax, smin, to_bits
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.rtl.neuron import alif as alif_rtl
from neurohdl.rtl.neuron import alpha as alpha_rtl
from neurohdl.rtl.neuron import cuba_lif as cuba_rtl
from neurohdl.rtl.neuron import izhikevich as izh_rtl
from neurohdl.rtl.neuron._common import sext

# the single-neuron cores whose combinational timestep the engine instantiates
CELL_RTL = {"cuba_lif": (cuba_rtl, cuba_rtl.cuba_lif_step), "alif": (alif_rtl, alif_rtl.alif_step),
            "alpha": (alpha_rtl, alpha_rtl.alpha_step),
            "izhikevich": (izh_rtl, izh_rtl.izhikevich_step)}

DRAIN_CYCLES = 4


def ports(p: EngineParams):
    syn = stream("s_syn", p.syn_width, f"synaptic event {{weight, address}}: bits [{p.aw - 1}:0] "
                 f"the neuron address, bits [{p.syn_width - 1}:{p.aw}] the signed weight")
    aer = stream("m_aer", p.aw, "address of a spiking neuron (ascending within a timestep)",
                 last=True)
    aer.append(Port("m_aer_tuser", OUT, 1, "tuser", "1: empty-timestep marker beat (tdata 0, "
                                                   "tlast 1, no neuron spiked)"))
    return clk_rst() + syn + [
        Port("timestep_start", "in", 1, "cfg", "pulse: close the timestep's accumulation and "
             "update all N neurons (taken while status_busy is low, ignored while busy)")
    ] + aer + [
        Port("status_busy", OUT, 1, "status", "high during the init sweep after reset and from "
             "the cycle after timestep_start until the timestep's last AER beat is taken"),
        Port("status_done", OUT, 1, "status", "one-cycle pulse: the timestep is complete"),
        Port("status_sat", OUT, 1, "status", "sticky: a membrane integration saturated"),
        Port("status_acc_sat", OUT, 1, "status", "sticky: an input accumulator saturated"),
        Port("status_drop", OUT, 1, "status", "sticky: an event addressed a neuron >= N (dropped)"),
    ]


@block
def engine(clk, rst, s_syn_tdata, s_syn_tvalid, s_syn_tready, timestep_start,
           m_aer_tdata, m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser,
           status_busy, status_done, status_sat, status_acc_sat, status_drop,
           p: EngineParams):
    N, aw, vw, iw, ww = p.n, p.aw, p.width, p.in_width, p.w_width
    M = max(vw, iw)
    k = p.leak_shift
    kind = p.neuron
    reset_mode = p.reset
    pow2 = N == (1 << aw)
    spiking = kind != "li"
    cellish = kind in model.CELL_TYPES
    two = kind == "alpha"                  # two accumulators {inh, exc} per neuron
    SW = p.state_width                     # RAM word of a neuron's state
    AW = p.acc_width                       # RAM word of a neuron's accumulator(s)
    init_word = CELL_RTL[kind][0].init_word(p.cellp) if cellish else 0

    # ---- constants -------------------------------------------------------------------
    ST_IDLE, ST_DRAIN, ST_SWEEP, ST_FLUSH, ST_WAIT = (const(i, 3) for i in range(5))
    last_c = const(N - 1, aw)
    n_c = const(N if not pow2 else 0, aw)
    one_a = const(1, aw)
    zero_a = const(0, aw)
    one_d = const(1, 2)
    drain_last = const(DRAIN_CYCLES - 1, 2)
    thr_c = const(p.threshold, M + 1)
    acc_max = const(smax(iw) & ((1 << iw) - 1), iw)
    acc_min = const(to_bits(smin(iw), iw), iw)
    v_max = const(smax(vw), vw)
    v_min = const(to_bits(smin(vw), vw), vw)
    v_zero = const(0, vw)
    init_c = const(init_word, SW)
    acc_zero = const(0, AW)
    v_after_sub_sat = const(smax(vw) - p.threshold, vw)
    v_rst_c = const(to_bits(p.v_reset, vw), vw)
    top_w = M + 2 - vw                     # u[M:vw-1]: all equal iff u fits vw bits
    top_zero = const(0, top_w)
    top_ones = const((1 << top_w) - 1, top_w)

    # ---- memories --------------------------------------------------------------------
    vmem = [Signal(intbv(0)[SW:]) for _ in range(N)]
    accmem = [Signal(intbv(0)[AW:]) for _ in range(N)]

    # ---- control ---------------------------------------------------------------------
    state = Signal(intbv(2)[3:])          # reset: the init sweep
    initing = Signal(bool(1))
    rdy = Signal(bool(0))
    busy = Signal(bool(1))
    done = Signal(bool(0))
    dcnt = Signal(intbv(0)[2:])
    cnt = Signal(intbv(0)[aw:])
    fin = Signal(bool(0))
    adv = Signal(bool(0))
    p1_v, p2_v, p3_v, p4_v = (Signal(bool(0)) for _ in range(4))
    p1_f, p2_f, p3_f, p4_f = (Signal(bool(0)) for _ in range(4))
    p1_a, p2_a, p3_a, p4_a = (Signal(intbv(0)[aw:]) for _ in range(4))
    out_v = Signal(bool(0))
    out_d = Signal(intbv(0)[aw:])
    out_l = Signal(bool(0))
    out_u = Signal(bool(0))
    pend_v = Signal(bool(0))
    pend_a = Signal(intbv(0)[aw:])
    sat_r = Signal(bool(0))
    acc_sat_r = Signal(bool(0))
    drop_r = Signal(bool(0))

    # ---- accumulate path -------------------------------------------------------------
    s_addr = Signal(intbv(0)[aw:])
    s_w = Signal(intbv(0)[ww:])
    accept = Signal(bool(0))
    in_range = Signal(bool(0))
    a1_v, a2_v, a3_v, a4_v, f1_v = (Signal(bool(0)) for _ in range(5))
    a1_a, a2_a, a3_a, a4_a, f1_a = (Signal(intbv(0)[aw:]) for _ in range(5))
    a1_w, a2_w, a3_w = (Signal(intbv(0)[ww:]) for _ in range(3))
    h2, h3, h4 = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    syn_ready = Signal(bool(0))
    y_acc = Signal(intbv(0)[AW:])
    f1_val, f2_val = Signal(intbv(0)[AW:]), Signal(intbv(0)[AW:])
    acc_sum_n = Signal(modbv(0)[iw + 1:])
    acc_sum = Signal(intbv(0)[iw + 1:])
    acc_clip = Signal(intbv(0)[iw:])
    acc_new = Signal(intbv(0)[AW:])
    acc_pos, acc_neg = Signal(bool(0)), Signal(bool(0))
    w_x = sext(a3_w, iw + 1)
    if two:
        y_half = Signal(intbv(0)[iw:])       # the accumulator the weight's sign selects
        w_op = Signal(modbv(0)[iw + 1:])     # |w|
        other4 = Signal(intbv(0)[iw:])       # the other accumulator, passed through
        sel4 = Signal(bool(0))               # 1: inhibitory (upper half)
        zero_w = const(0, iw + 1)
        y_x = sext(y_half, iw + 1)
    else:
        y_x = sext(y_acc, iw + 1)

    # ---- RAM ports -------------------------------------------------------------------
    acc_raddr = Signal(intbv(0)[aw:])
    v_raddr = Signal(intbv(0)[aw:])
    acc_rd = Signal(intbv(0)[AW:])
    acc_rd2 = Signal(intbv(0)[AW:])
    v_rd = Signal(intbv(0)[SW:])
    v_r2 = Signal(intbv(0)[SW:])
    v_we = Signal(bool(0))
    acc_we = Signal(bool(0))
    acc_wa = Signal(intbv(0)[aw:])
    acc_wd = Signal(intbv(0)[AW:])
    v_new = Signal(intbv(0)[SW:])
    satf = Signal(bool(0))                 # S5: this neuron's update saturated

    # ---- update datapath -------------------------------------------------------------
    vl_n = Signal(modbv(0)[vw:])
    vl = Signal(intbv(0)[vw:])
    i3 = Signal(intbv(0)[AW:])
    u_n = Signal(modbv(0)[M + 1:])
    u = Signal(intbv(0)[M + 1:])
    pos, neg = Signal(bool(0)), Signal(bool(0))
    spike = Signal(bool(0))
    vl_x = sext(vl, M + 1)
    i3_x = sext(i3, M + 1)
    gens = []

    if cellish:
        # S3 registers the RAM word (st3) and the input (i3); the single core's combinational
        # timestep runs between S3 and S4; S4 registers its results; S5 writes them.
        mod, step_block = CELL_RTL[kind]
        q = p.cellp
        ciw = p.cell_in_width
        st3 = Signal(intbv(0)[SW:])
        nst = Signal(intbv(0)[SW:])
        nst4 = Signal(intbv(0)[SW:])
        fire_c, sat_c, fire4, sat4 = (Signal(bool(0)) for _ in range(4))
        if two or ciw == iw:
            x3 = i3
        else:                              # a plain wire: the cell slices its input
            x3 = Signal(intbv(0)[ciw:])
            i3_ext = sext(i3, ciw)

            @always_comb
            def comb_x3():
                x3.next = i3_ext
            gens.append(comb_x3)
        gens.append(step_block(st3, x3, nst, fire_c, sat_c, q))
        spike = fire4

        @always(clk.posedge)
        def seq_cell():
            if adv:
                st3.next = v_r2
                nst4.next = nst
                fire4.next = fire_c
                sat4.next = sat_c

        @always_comb
        def comb_vnew():
            if initing:
                v_new.next = init_c
            else:
                v_new.next = nst4
            satf.next = sat4
        gens += [seq_cell, comb_vnew]
    else:
        # S3 leak (v >>> k as a concatenation of sign copies and the kept bits)
        if kind == "if":
            @always_comb
            def comb_leak():
                vl_n.next = v_r2
        else:
            ks = min(k, vw)
            kept = [] if k >= vw else [v_r2(k)] if k == vw - 1 else [v_r2(vw, k)]
            parts = [v_r2(vw - 1)] * ks + kept
            vsh = ConcatSignal(*parts) if len(parts) > 1 else parts[0]

            @always_comb
            def comb_leak():
                vl_n.next = v_r2 - vsh
        gens.append(comb_leak)

        @always_comb
        def comb_u():
            u_n.next = vl_x + i3_x
        gens.append(comb_u)

        if spiking:
            i2_x = sext(acc_rd2, M + 1)
            im_n = Signal(modbv(0)[M + 1:])
            im = Signal(intbv(0)[M + 1:])
            d_n = Signal(modbv(0)[M + 2:])
            d_neg = Signal(bool(0))
            vl_x2 = sext(vl, M + 2)
            im_x = sext(im, M + 2)

            @always_comb
            def comb_im():
                im_n.next = i2_x - thr_c

            @always_comb
            def comb_d():
                d_n.next = vl_x2 + im_x

            @always(clk.posedge)
            def seq_spk():
                if adv:
                    im.next = im_n
                    d_neg.next = d_n[M + 1]

            @always_comb
            def comb_spike():
                spike.next = not d_neg
            gens += [comb_im, comb_d, seq_spk, comb_spike]
            if reset_mode == "subtract":
                d_lo = Signal(intbv(0)[vw:])
                d_mid_unused = Signal(intbv(0)[M + 1 - vw:])

                @always(clk.posedge)
                def seq_dlo():
                    if adv:
                        d_lo.next = d_n[vw:]

                @always_comb
                def comb_dmid():
                    d_mid_unused.next = d_n[M + 1:vw]
                gens += [seq_dlo, comb_dmid]
            else:
                d_unused = Signal(intbv(0)[M + 1:])

                @always_comb
                def comb_dunused():
                    d_unused.next = d_n[M + 1:]
                gens.append(comb_dunused)
        else:
            spike = const(0, 1)                # li: never fires

        @always_comb
        def comb_range():
            pos.next = not u[M] and u[M + 1:vw - 1] != top_zero
            neg.next = u[M] and u[M + 1:vw - 1] != top_ones
        gens.append(comb_range)

        # S5 new membrane
        if kind == "li":
            @always_comb
            def comb_vnew():
                if initing:
                    v_new.next = v_zero
                elif pos:
                    v_new.next = v_max
                elif neg:
                    v_new.next = v_min
                else:
                    v_new.next = u[vw:]
        elif reset_mode == "subtract":
            @always_comb
            def comb_vnew():
                if initing:
                    v_new.next = v_zero
                elif spike:
                    if pos:
                        v_new.next = v_after_sub_sat
                    else:
                        v_new.next = d_lo
                elif neg:
                    v_new.next = v_min
                else:
                    v_new.next = u[vw:]
        else:
            v_spk = v_zero if reset_mode == "zero" else v_rst_c

            @always_comb
            def comb_vnew():
                if initing:
                    v_new.next = v_zero
                elif spike:
                    v_new.next = v_spk
                elif neg:
                    v_new.next = v_min
                else:
                    v_new.next = u[vw:]
        gens.append(comb_vnew)

        @always_comb
        def comb_satf():
            satf.next = pos or neg

        @always(clk.posedge)
        def seq_lif():
            if adv:
                vl.next = vl_n
                u.next = u_n
        gens += [comb_satf, seq_lif]

    # ---- accumulate combinational ----------------------------------------------------
    @always_comb
    def comb_syn():
        s_addr.next = s_syn_tdata[aw:]
        s_w.next = s_syn_tdata[aw + ww:aw]
    gens.append(comb_syn)

    if pow2:
        in_range = const(1, 1)             # every address is a neuron
        s_raddr = s_addr
    else:
        # the accumulator RAM is read at s_addr while rdy, whether or not a beat is accepted:
        # an address >= N (a dropped event, or idle tdata) reads word 0 instead, so no read
        # leaves 0..N-1 (Verilog would return X, unused; VHDL stops on the index)
        s_raddr = Signal(intbv(0)[aw:])

        @always_comb
        def comb_inrange():
            in_range.next = s_addr < n_c

        @always_comb
        def comb_sraddr():
            if in_range:
                s_raddr.next = s_addr
            else:
                s_raddr.next = zero_a
        gens += [comb_inrange, comb_sraddr]

    @always_comb
    def comb_acc():
        # a beat for the address accepted in the previous cycle waits one cycle, so the
        # accumulate loop (result -> next base) spans two cycles and has no multiplexer
        b2b = a1_v and a1_a == s_addr
        syn_ready.next = rdy and not b2b
        accept.next = s_syn_tvalid and rdy and not b2b
    gens.append(comb_acc)

    if two:
        @always_comb
        def comb_half():
            if a3_w[ww - 1]:
                y_half.next = y_acc[AW:iw]
                w_op.next = zero_w - w_x
            else:
                y_half.next = y_acc[iw:]
                w_op.next = w_x

        @always_comb
        def comb_accsum():
            acc_sum_n.next = y_x + w_op

        @always(clk.posedge)
        def seq_half():
            sel4.next = a3_w[ww - 1]
            if a3_w[ww - 1]:
                other4.next = y_acc[iw:]
            else:
                other4.next = y_acc[AW:iw]

        @always_comb
        def comb_accword():
            if sel4:
                acc_new.next = concat(acc_clip, other4)
            else:
                acc_new.next = concat(other4, acc_clip)
        gens += [comb_half, comb_accsum, seq_half, comb_accword]
    else:
        @always_comb
        def comb_accsum():
            acc_sum_n.next = y_x + w_x

        @always_comb
        def comb_accword():
            acc_new.next = acc_clip
        gens += [comb_accsum, comb_accword]

    @always_comb
    def comb_accsat():
        acc_pos.next = not acc_sum[iw] and acc_sum[iw - 1]
        acc_neg.next = acc_sum[iw] and not acc_sum[iw - 1]
        if not acc_sum[iw] and acc_sum[iw - 1]:
            acc_clip.next = acc_max
        elif acc_sum[iw] and not acc_sum[iw - 1]:
            acc_clip.next = acc_min
        else:
            acc_clip.next = acc_sum[iw:]
    gens.append(comb_accsat)

    # ---- RAM ports -------------------------------------------------------------------
    @always_comb
    def comb_ram():
        adv.next = not out_v or m_aer_tready
        # S5 writes do not wait for adv: a stalled S5 rewrites the same word with the same value
        v_we.next = p4_v
        # stalled: re-read the address of the entry in S1 (RAM reads have no enable, so the
        # RAM output feeds a flip-flop directly: DP16KD/EBR clock-to-out is the slowest arc)
        if adv:
            v_raddr.next = cnt
        else:
            v_raddr.next = p1_a
        if rdy:
            acc_raddr.next = s_raddr
        elif adv:
            acc_raddr.next = cnt
        else:
            acc_raddr.next = p1_a
        if a4_v:
            acc_we.next = 1
            acc_wa.next = a4_a
            acc_wd.next = acc_new
        else:
            acc_we.next = p4_v
            acc_wa.next = p4_a
            acc_wd.next = acc_zero
    gens.append(comb_ram)

    @always(clk.posedge)
    def seq_vmem():
        if v_we:
            vmem[p4_a].next = v_new
    gens.append(seq_vmem)

    # reads in their own processes: yosys then leaves the read/write collision undefined (no
    # bypass logic after the RAM output).  The design never depends on it: sweep reads and
    # writes use distinct addresses, and an accumulate read that collides with a write is
    # overridden by the forwarding registers, which hold the written value.
    @always(clk.posedge)
    def seq_vmem_rd():
        v_rd.next = vmem[v_raddr]
    gens.append(seq_vmem_rd)

    @always(clk.posedge)
    def seq_accmem():
        if acc_we:
            accmem[acc_wa].next = acc_wd
    gens.append(seq_accmem)

    @always(clk.posedge)
    def seq_accmem_rd():
        acc_rd.next = accmem[acc_raddr]
    gens.append(seq_accmem_rd)

    # ---- data registers (no reset) ---------------------------------------------------
    @always(clk.posedge)
    def seq_data():
        a1_a.next = s_addr
        a1_w.next = s_w
        a2_a.next = a1_a
        a2_w.next = a1_w
        a3_a.next = a2_a
        a3_w.next = a2_w
        # hits of the beat in A1 on the beats two and three ahead (used in A2), of the beat in
        # A2 on the beat ahead (used in A3)
        h2.next = a3_v and a3_a == a1_a
        h3.next = a4_v and a4_a == a1_a
        h4.next = f1_v and f1_a == a1_a
        if h2:
            y_acc.next = acc_new
        elif h3:
            y_acc.next = f1_val
        elif h4:
            y_acc.next = f2_val
        else:
            y_acc.next = acc_rd2
        acc_sum.next = acc_sum_n
        a4_a.next = a3_a
        f1_a.next = a4_a
        f1_val.next = acc_new
        f2_val.next = f1_val
        if adv:
            v_r2.next = v_rd
            acc_rd2.next = acc_rd
            i3.next = acc_rd2
            p1_a.next = cnt
            p2_a.next = p1_a
            p3_a.next = p2_a
            p4_a.next = p3_a
    gens.append(seq_data)

    # ---- control (synchronous reset) -------------------------------------------------
    @always_seq(clk.posedge, reset=rst)
    def seq_ctl():
        a1_v.next = accept and in_range
        a2_v.next = a1_v
        a3_v.next = a2_v
        a4_v.next = a3_v
        f1_v.next = a4_v
        if accept and not in_range:
            drop_r.next = 1
        if a4_v and (acc_pos or acc_neg):
            acc_sat_r.next = 1
        done.next = 0
        if out_v and m_aer_tready:
            out_v.next = 0
        if adv:
            p1_v.next = state == ST_SWEEP
            p1_f.next = state == ST_FLUSH
            p2_v.next = p1_v
            p2_f.next = p1_f
            p3_v.next = p2_v
            p3_f.next = p2_f
            p4_v.next = p3_v
            p4_f.next = p3_f
            if p4_v and not initing:
                if satf:
                    sat_r.next = 1
                if spike:
                    if pend_v:
                        out_v.next = 1
                        out_d.next = pend_a
                        out_l.next = 0
                        out_u.next = 0
                    pend_v.next = 1
                    pend_a.next = p4_a
            if p4_f:
                fin.next = 1
                pend_v.next = 0
                if not initing:
                    out_v.next = 1
                    out_l.next = 1
                    if pend_v:
                        out_d.next = pend_a
                        out_u.next = 0
                    else:
                        out_d.next = zero_a
                        out_u.next = 1
        if state == ST_IDLE:
            if timestep_start:
                state.next = ST_DRAIN
                rdy.next = 0
                busy.next = 1
                dcnt.next = 0
        elif state == ST_DRAIN:
            if dcnt == drain_last:
                state.next = ST_SWEEP
            else:
                dcnt.next = dcnt + one_d
        elif state == ST_SWEEP:
            if adv:
                if cnt == last_c:
                    state.next = ST_FLUSH
                else:
                    cnt.next = cnt + one_a
        elif state == ST_FLUSH:
            if adv:                          # the flush token enters S1
                state.next = ST_WAIT
        else:
            # the flush token has left S5 and the last beat has been taken (registered
            # conditions only: done follows the last transfer by one cycle)
            if fin and not out_v:
                state.next = ST_IDLE
                rdy.next = 1
                busy.next = 0
                done.next = not initing
                initing.next = 0
                fin.next = 0
                cnt.next = zero_a
    gens.append(seq_ctl)

    @always_comb
    def comb_out():
        s_syn_tready.next = syn_ready
        m_aer_tvalid.next = out_v
        m_aer_tdata.next = out_d
        m_aer_tlast.next = out_l
        m_aer_tuser.next = out_u
        status_busy.next = busy
        status_done.next = done
        status_sat.next = sat_r
        status_acc_sat.next = acc_sat_r
        status_drop.next = drop_r
    gens.append(comb_out)
    return gens


def vectors(p: EngineParams, rng, n: int) -> Vectors:
    """Replay-bench stimulus: n synaptic events.  The generic bench holds timestep_start low, so
    no timestep closes and m_aer must stay silent; it checks that s_syn accepts every beat after
    the init sweep.  Sign-off (timesteps, spikes, flags) is the cocotb suite."""
    ev = model.random_events(p, rng, n)
    return Vectors(inputs={"s_syn": [model.pack_event(p, a, w) for a, w in ev]},
                   outputs={"m_aer": []}, cfg={"timestep_start": 0})


CORE = CoreDecl(
    name="neuron.engine", version=__version__, params=EngineParams, top=engine, ports=ports,
    description="Time-multiplexed neuron engine: N if/lif/li neurons, state in block RAM, one "
                "update per clock (6-stage pipeline), synaptic (address, weight) stream "
                "accumulated with read-modify-write forwarding, AER spike output",
    arith={"accumulate": "saturate: acc + w exact in iw + 1 bits, clipped to in_width bits "
                         "per event; status_acc_sat sticky",
           "leak": "exact: v - (v >>> k) (lif, li), cannot overflow",
           "integrate": "saturate: v_l + acc exact in max(vw, iw) + 1 bits, clipped to vw bits; "
                        "status_sat sticky",
           "compare": "exact: v_l + acc - threshold in max(vw, iw) + 2 bits, sign bit",
           "reset": "exact: clip(u) - threshold >= 0 when firing",
           "address": "exact: sweep counter 0..N-1; events with address >= N dropped "
                      "(status_drop)"},
    vectors=vectors,
)

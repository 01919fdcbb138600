# SPDX-License-Identifier: Apache-2.0
"""The parts ``neuron.engine`` is made of (MyHDL blocks, also for other time-multiplexed designs):

    state_memory     one block RAM of N words: write port, registered read, fabric register
    syn_accumulate   the s_syn event stream added into per-neuron accumulators by
                     read-modify-write with forwarding (A0..A5), sticky acc_sat / drop
    update_pipeline  the sweep S0..S5 around a neuron type's update block (its NeuronRtl)
    spike_output     the spiking addresses as an AXI-Stream with tlast / tuser marker

Signals between the parts (``neuron.engine`` wires them):

    adv      spike_output -> the sweep stages advance (the output register can take a beat)
    p4_*     update_pipeline -> spike_output: the S5 entry (valid, flush token, address), fire
    rdy      control -> syn_accumulate: the accumulate phase (events are taken)

Every part is written as the engine's single process was, so the cycle behaviour is the engine's
(module doc of ``neurohdl.rtl.neuron.engine``).
"""
from myhdl import Signal, always, always_comb, always_seq, block, concat, intbv, modbv

from neurohdl.core import const
from neurohdl.models.neuron._common import smax, smin, to_bits
from neurohdl.rtl.neuron._common import en_regs, sext


@block
def state_memory(clk, we, wa, wd, ra, rd, q, en, mem):
    """``mem`` (a list of N word Signals: ``reg [w-1:0] mem [0:N-1]``) with one write port
    (``mem[wa] <= wd`` when ``we``) and one registered read port without enable
    (``rd <= mem[ra]`` every clock: the RAM output feeds a flip-flop directly), then the fabric
    register ``q <= rd`` when ``en``.  Read and write are separate processes, so yosys leaves
    the read/write collision undefined (no bypass logic): users must not depend on it."""
    @always(clk.posedge)
    def seq_wr():
        if we:
            mem[wa].next = wd

    @always(clk.posedge)
    def seq_rd():
        rd.next = mem[ra]

    @always(clk.posedge)
    def seq_q():
        if en:
            q.next = rd
    return seq_wr, seq_rd, seq_q


@block
def syn_accumulate(clk, rst, s_syn_tdata, s_syn_tvalid, s_syn_tready, rdy, ram_q, raddr,
                   we, wa, wd, status_acc_sat, status_drop, n: int, aw: int, ww: int, iw: int,
                   two: bool):
    """Synaptic events ``{w (ww bits), a (aw bits)}`` added into accumulators of ``iw`` bits,
    saturating (``two``: a pair {inh, exc} per word, the weight's sign picks the half, |w| is
    added).  The accumulator RAM (a :func:`state_memory`) is read at ``raddr`` while ``rdy``;
    ``ram_q`` is its fabric register; ``we/wa/wd`` is the write-back (A5).

        A0  accept (a, w) while rdy; raddr = a               (a >= n: dropped, status_drop)
        A1  RAM output register; h2/h3/h4 = a equal to the beats 2 / 3 / 4 cycles ahead
        A2  fabric register of the RAM word (ram_q)
        A3  y = h2 ? clip(s) of A4 : h3 ? f1 : h4 ? f2 : ram_q
        A4  s = y + w                    (exact, iw + 1 bits)
        A5  acc' = clip(s) -> written back; f1 <- acc', f2 <- f1     (status_acc_sat)

    A beat for the address accepted in the previous cycle is held one cycle (s_syn_tready
    low), so the loop y -> s -> clip -> y spans two cycles."""
    AW = 2 * iw if two else iw
    pow2 = n == (1 << aw)
    n_c = const(n if not pow2 else 0, aw)
    zero_a = const(0, aw)
    acc_max = const(smax(iw) & ((1 << iw) - 1), iw)
    acc_min = const(to_bits(smin(iw), iw), iw)

    s_addr = Signal(intbv(0)[aw:])
    s_w = Signal(intbv(0)[ww:])
    accept = Signal(bool(0))
    in_range = Signal(bool(0))
    a1_v, a2_v, a3_v, a4_v, f1_v = (Signal(bool(0)) for _ in range(5))
    a1_a, a2_a, a3_a, a4_a, f1_a = (Signal(intbv(0)[aw:]) for _ in range(5))
    a1_w, a2_w, a3_w = (Signal(intbv(0)[ww:]) for _ in range(3))
    h2, h3, h4 = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    y_acc = Signal(intbv(0)[AW:])
    f1_val, f2_val = Signal(intbv(0)[AW:]), Signal(intbv(0)[AW:])
    acc_sum_n = Signal(modbv(0)[iw + 1:])
    acc_sum = Signal(intbv(0)[iw + 1:])
    acc_clip = Signal(intbv(0)[iw:])
    acc_new = Signal(intbv(0)[AW:])
    acc_pos, acc_neg = Signal(bool(0)), Signal(bool(0))
    acc_sat_r, drop_r = Signal(bool(0)), Signal(bool(0))
    w_x = sext(a3_w, iw + 1)
    gens = []

    @always_comb
    def comb_syn():
        s_addr.next = s_syn_tdata[aw:]
        s_w.next = s_syn_tdata[aw + ww:aw]
    gens.append(comb_syn)

    if pow2:
        in_range = const(1, 1)             # every address is a neuron

        @always_comb
        def comb_raddr():
            raddr.next = s_addr
        gens.append(comb_raddr)
    else:
        # the RAM is read at s_addr while rdy, whether or not a beat is accepted: an address
        # >= n (a dropped event, or idle tdata) reads word 0 instead, so no read leaves
        # 0..n-1 (Verilog would return X, unused; VHDL stops on the index)
        @always_comb
        def comb_inrange():
            in_range.next = s_addr < n_c

        @always_comb
        def comb_raddr():
            if in_range:
                raddr.next = s_addr
            else:
                raddr.next = zero_a
        gens += [comb_inrange, comb_raddr]

    @always_comb
    def comb_acc():
        # a beat for the address accepted in the previous cycle waits one cycle, so the
        # accumulate loop (result -> next base) spans two cycles and has no multiplexer
        b2b = a1_v and a1_a == s_addr
        s_syn_tready.next = rdy and not b2b
        accept.next = s_syn_tvalid and rdy and not b2b
    gens.append(comb_acc)

    if two:
        y_half = Signal(intbv(0)[iw:])       # the accumulator the weight's sign selects
        w_op = Signal(modbv(0)[iw + 1:])     # |w|
        other4 = Signal(intbv(0)[iw:])       # the other accumulator, passed through
        sel4 = Signal(bool(0))               # 1: inhibitory (upper half)
        zero_w = const(0, iw + 1)
        y_x = sext(y_half, iw + 1)

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
        y_x = sext(y_acc, iw + 1)

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

    @always_comb
    def comb_wr():
        we.next = a4_v
        wa.next = a4_a
        wd.next = acc_new
        status_acc_sat.next = acc_sat_r
        status_drop.next = drop_r

    # data registers (no reset)
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
            y_acc.next = ram_q
        acc_sum.next = acc_sum_n
        a4_a.next = a3_a
        f1_a.next = a4_a
        f1_val.next = acc_new
        f2_val.next = f1_val

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
    gens += [comb_accsat, comb_wr, seq_data, seq_ctl]
    return gens


@block
def update_pipeline(clk, rst, adv, issue, flush, cnt, initing, v_q, acc_q, raddr, v_we, v_wd,
                    p4_v, p4_f, p4_a, fire, status_sat, nt, q, init_word: int):
    """The sweep: an entry per neuron address ``cnt`` (``issue`` high), then one flush token
    (``flush`` high); every stage advances when ``adv``.  The state and accumulator RAMs are
    read at ``raddr`` (``cnt``; while stalled the address of the entry in S1), their fabric
    registers ``v_q``, ``acc_q`` feed the type's update block ``nt.update`` (a NeuronRtl, two
    register stages, Params ``q``), and S5 writes the next state (``init_word`` while
    ``initing``) back at ``p4_a``:

        S0  issue cnt; RAM read address
        S1  RAM output registers
        S2  fabric registers (v_q, acc_q)
        S3, S4  the update block
        S5  v_we, v_wd -> state RAM; p4_v / p4_f / p4_a and fire -> spike_output;
            status_sat |= the step saturated (not while initing)"""
    aw = len(cnt)
    SW = len(v_q)
    init_c = const(init_word, SW)
    p1_v, p2_v, p3_v = (Signal(bool(0)) for _ in range(3))
    p1_f, p2_f, p3_f = (Signal(bool(0)) for _ in range(3))
    p1_a, p2_a, p3_a = (Signal(intbv(0)[aw:]) for _ in range(3))
    nst = Signal(intbv(0)[SW:])
    satf = Signal(bool(0))
    sat_r = Signal(bool(0))
    step = nt.update(clk, adv, v_q, acc_q, nst, fire, satf, q)

    @always_comb
    def comb_rw():
        # stalled: re-read the address of the entry in S1
        if adv:
            raddr.next = cnt
        else:
            raddr.next = p1_a
        # S5 writes do not wait for adv: a stalled S5 rewrites the same word with the same value
        v_we.next = p4_v
        if initing:
            v_wd.next = init_c
        else:
            v_wd.next = nst
        status_sat.next = sat_r

    seq_addr = en_regs(clk, adv, ((cnt, p1_a), (p1_a, p2_a), (p2_a, p3_a), (p3_a, p4_a)))

    @always_seq(clk.posedge, reset=rst)
    def seq_ctl():
        if adv:
            p1_v.next = issue
            p1_f.next = flush
            p2_v.next = p1_v
            p2_f.next = p1_f
            p3_v.next = p2_v
            p3_f.next = p2_f
            p4_v.next = p3_v
            p4_f.next = p3_f
            if p4_v and not initing and satf:
                sat_r.next = 1
    return step, comb_rw, seq_addr, seq_ctl


@block
def spike_output(clk, rst, adv, sending, p4_v, p4_f, p4_a, fire, initing, m_aer_tdata,
                 m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser):
    """The addresses of the S5 entries that fire, as an AXI-Stream: the latest spike waits in a
    one-entry holding register until the next spike or the flush token (``p4_f``) tells whether
    it is the timestep's last (tlast); a flush with no spike pending sends the empty-timestep
    marker (tdata 0, tlast 1, tuser 1).  ``adv = !m_aer_tvalid || m_aer_tready``: the output
    register can take a beat; ``sending`` = m_aer_tvalid (for the control).  Nothing is sent
    while ``initing``."""
    aw = len(m_aer_tdata)
    zero_a = const(0, aw)
    out_v = Signal(bool(0))
    out_d = Signal(intbv(0)[aw:])
    out_l = Signal(bool(0))
    out_u = Signal(bool(0))
    pend_v = Signal(bool(0))
    pend_a = Signal(intbv(0)[aw:])

    @always_comb
    def comb_out():
        adv.next = not out_v or m_aer_tready
        sending.next = out_v
        m_aer_tvalid.next = out_v
        m_aer_tdata.next = out_d
        m_aer_tlast.next = out_l
        m_aer_tuser.next = out_u

    @always_seq(clk.posedge, reset=rst)
    def seq_out():
        if out_v and m_aer_tready:
            out_v.next = 0
        if adv:
            if p4_v and not initing:
                if fire:
                    if pend_v:
                        out_v.next = 1
                        out_d.next = pend_a
                        out_l.next = 0
                        out_u.next = 0
                    pend_v.next = 1
                    pend_a.next = p4_a
            if p4_f:
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
    return comb_out, seq_out


__all__ = ["state_memory", "syn_accumulate", "update_pipeline", "spike_output"]

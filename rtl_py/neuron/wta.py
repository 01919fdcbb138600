# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.wta``: winner-take-all over the N lanes of one ``s_in`` beat.

Global mode: a binary tournament tree over lanes 0..N-1 (N - 1 nodes, depth D = ceil(log2 N),
neighbours paired level by level, an odd last entry passing up unchanged) on the keys
{s_i, v_i in offset binary} (sign bit inverted, so an unsigned compare orders the signed
membranes, and a non-spiker's key lies below every spiker's).  A node is a plain max: it takes
its right (higher-index) child only on a strictly greater key, so equal membranes resolve to the
lower index, and its index output is {right won, the winner's index within its half} (lv bits at
level lv: no index bits at the leaves, no index mux at level 1).  A register follows every
``pipeline``-th level and the last one (``model.registered_levels``; ``pipeline = 0``: the last
only), so ``latency = len(registered levels)`` = ceil(D / pipeline).  The last stage is the
root compare with the output register: the two halves' winners are decoded to one-hot in
parallel with the root compare, then q = {0, onehot_left} or {onehot_right, 0}.  The input
beat is not registered (the first tree level runs from ``s_in_tdata``); keys and index bits
travel down the pipeline with their node, nothing else is needed at the end.

Local mode (three stages, latency 3): ``r_data`` holds the accepted beat with the sign bits
inverted; one comparator c = (k_j > k_i) per window pair i < j (``model.window_pairs``), in
lane i's ``wta_cmp`` (one generator per lane, so conversion stays fast at 2016 pairs);
``m_data`` = {comparator bits, spikes}; then j inhibits i when s_j & c, i inhibits j when
s_i & !c; o_i = s_i & no inhibitor of i (``wta_lane``) into ``q_data``.

Handshake (both modes): stage k has a valid bit v_k and an enable
``ce_k = !v_k || ce_{k+1}`` (``ce_{last+1} = m_out_tready``), ``s_in_tready = ce_0``: a stage
moves when it is empty or the one after it moves, so a stalled ``m_out`` freezes every full
stage (data registers load on their stage's enable only) and bubbles are squeezed out before
``s_in_tready`` drops.  Throughput one beat per cycle, no bubbles when m_out is always ready.
``m_out_tvalid`` comes from a register; ``s_in_tready`` depends combinationally on
``m_out_tready`` (allowed: only tvalid must not).  Only the valid bits are reset.
"""
from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, concat, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.models.neuron import wta as model
from neurohdl.models.neuron.wta import WtaParams
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.neuron._common import en_reg


def _cat(sigs):
    """Signals as one vector, element 0 in the LSBs (a single signal as itself)."""
    return sigs[0] if len(sigs) == 1 else ConcatSignal(*reversed(sigs))


def ports(p: WtaParams):
    ins = stream("s_in", p.in_width, f"one timestep: lane i = bits [(i+1)*{p.lane_width}-1 : "
                                     f"i*{p.lane_width}] = {{v_i, s_i}}, bit 0 of the lane the "
                                     "spike, above it the membrane (signed)")
    outs = stream("m_out", p.n, "filtered spikes: bit i = neuron i keeps its spike")
    return clk_rst() + ins + outs


@block
def wta_node(ka, ia, kb, ib, ko, io):
    """Tournament node on {spike, offset-binary membrane} keys (a non-spiker's key is below
    every spiker's): a = the lower-index half, b wins only with a strictly greater key, so
    equal keys go to the lower index.  io = {b won, the winner's index within its half}
    (ia, ib None at level 1: io = b won)."""
    if ia is None:
        @always_comb
        def comb():
            if kb > ka:
                ko.next = kb
                io.next = 1
            else:
                ko.next = ka
                io.next = 0
        return comb
    one, zero = const(1, 1), const(0, 1)

    @always_comb
    def comb():
        if kb > ka:
            ko.next = kb
            io.next = concat(one, ib)
        else:
            ko.next = ka
            io.next = concat(zero, ia)
    return comb


@block
def wta_onehot(v, idx, oh):
    """oh = one-hot of idx when v (a half's winner has a spiker), else 0.  idx < len(oh), so
    only its low bits_for(len(oh) - 1) bits index (a right half narrower than 2^(depth-1)
    lanes would otherwise index with spare zero bits: Verilator WIDTHTRUNC)."""
    w = len(oh)
    nb = max(1, (w - 1).bit_length())
    if len(idx) <= nb:
        @always_comb
        def comb():
            bits = intbv(0)[w:]
            if v:
                bits[idx] = 1
            oh.next = bits
        return comb

    @always_comb
    def comb_narrow():
        bits = intbv(0)[w:]
        if v:
            bits[idx[nb:]] = 1
        oh.next = bits
    return comb_narrow


@block
def wta_root(clk, ce, ka, kb, oha, ohb, q):
    """The root node and the output register of global mode: q = {0, oha} unless the right
    half's key is strictly greater, then {ohb, 0}.  oha / ohb are the halves' one-hot winners
    (decoded in parallel with the root compare, so only a 2:1 select follows it)."""
    za, zb = const(0, len(ohb)), const(0, len(oha))

    @always(clk.posedge)
    def seq():
        if ce:
            if kb > ka:
                q.next = concat(ohb, zb)
            else:
                q.next = concat(za, oha)
    return seq


@block
def stage_ctl(clk, rst, v_in, ce_nxt, v, ce):
    """One pipeline stage's valid bit and enable: ce = !v || ce_nxt (the stage is empty or the
    one after it moves), v loads v_in on ce."""
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if ce:
            v.next = v_in

    @always_comb
    def comb():
        ce.next = not v or ce_nxt
    return seq, comb


@block
def wta_cmp(ki, nk, gt, vw: int):
    """Lane i against its K higher-index window neighbours j_0 < j_1 < ...: nk = {k_j(K-1), ...,
    k_j0} (vw bits each), gt[m] = k_jm > k_i.  One comparator per window pair in the design."""
    kn = len(gt)

    @always_comb
    def comb():
        nk_sh = intbv(0)[kn * vw:]
        gt_bits = intbv(0)[kn:]
        nk_sh[:] = nk
        for m in range(kn):
            if nk_sh[vw:] > ki:
                gt_bits[m] = 1
            nk_sh[:] = nk_sh >> vw
        gt.next = gt_bits
    return comb


@block
def wta_lane(si, gt, s_hi, c_lo, s_lo, o):
    """o = s_i and not inhibited.  A higher neighbour j inhibits i when s_j & (k_j > k_i)
    (gt & s_hi); a lower neighbour j when s_j & !(k_i > k_j) (s_lo & ~c_lo, c_lo = the bits
    k_i > k_j from the lower neighbours' comparators).  None = no neighbour on that side."""
    if c_lo is None:
        none = const(0, len(gt))

        @always_comb
        def comb():
            o.next = si and (gt & s_hi) == none
    elif gt is None:
        none = const(0, len(c_lo))

        @always_comb
        def comb():
            o.next = si and (s_lo & ~c_lo) == none
    else:
        none_h, none_l = const(0, len(gt)), const(0, len(c_lo))

        @always_comb
        def comb():
            o.next = si and (gt & s_hi) == none_h and (s_lo & ~c_lo) == none_l
    return comb


def _middle(mids):
    """The middle register for the signals ``mids``: (m_data, its input, each signal's slice of
    m_data).  Signals only, no logic."""
    m_data = Signal(intbv(0)[sum(len(x) for x in mids):])
    taps, off = [], 0
    for x in mids:
        taps.append(m_data(off) if len(x) == 1 else m_data(off + len(x), off))
        off += len(x)
    return m_data, _cat(mids), taps


def _idx(i, width: int):
    """A node index widened to ``width`` bits (None = all zero; a shadow signal)."""
    if i is None:
        return const(0, width)
    return i if len(i) == width else ConcatSignal(const(0, width - len(i)), i)


def _sig(width: int):
    return Signal(bool(0)) if width == 1 else Signal(intbv(0)[width:])


@block
def wta(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
        m_out_tready, p: WtaParams):
    n, vw, lw, tw = p.n, p.width, p.lane_width, p.in_width
    mask = const(sum(1 << (i * lw + vw) for i in range(n)), tw)
    stages = p.latency
    vld = [Signal(bool(0)) for _ in range(stages)]      # stage k holds a valid beat
    ce = [Signal(bool(0)) for _ in range(stages)]       # stage k loads
    q_data = Signal(intbv(0)[n:])                       # the last stage: the output register
    insts = [stage_ctl(clk, rst, s_in_tvalid if k == 0 else vld[k - 1],
                       m_out_tready if k == stages - 1 else ce[k + 1], vld[k], ce[k])
             for k in range(stages)]

    if p.mode == "global":
        x_data = Signal(intbv(0)[tw:])      # the input beat, membranes in offset binary
        regs = model.registered_levels(n, p.pipeline)
        kw = vw + 1
        # level 0: lane i's key {s_i, v_i offset binary}, no index bits; spk[i] = the key's top
        # bit (a ConcatSignal cannot be sliced: the root needs the top bit of a lane passing up)
        level = [(ConcatSignal(x_data(i * lw), x_data(i * lw + lw, i * lw + 1)), None)
                 for i in range(n)]
        spk = {id(level[i][0]): x_data(i * lw) for i in range(n)}
        for lvl in range(1, p.depth):     # every level below the root
            nxt = []                        # pair neighbours: the left has the lower indices
            for a, b in zip(level[0::2], level[1::2]):
                nxt.append((Signal(intbv(0)[kw:]), _sig(lvl)))
                insts.append(wta_node(a[0], None if lvl == 1 else _idx(a[1], lvl - 1),
                                      b[0], None if lvl == 1 else _idx(b[1], lvl - 1),
                                      *nxt[-1]))
            if len(level) % 2:
                nxt.append(level[-1])       # the odd last entry passes up (index top bits 0)
            if lvl in regs:
                k = regs.index(lvl)
                regd = []
                for e in nxt:
                    regd.append((Signal(intbv(0)[kw:]),
                                 None if e[1] is None else _sig(len(e[1]))))
                    insts.append(en_reg(clk, ce[k], e[0], regd[-1][0]))
                    if e[1] is not None:
                        insts.append(en_reg(clk, ce[k], e[1], regd[-1][1]))
                nxt = regd
            level = nxt
        assert len(level) == 2
        half = 1 << (p.depth - 1)           # lanes under the root's left child
        (ka, ia), (kb, ib) = level
        va, vb = (spk[id(k)] if id(k) in spk else k(kw - 1) for k in (ka, kb))
        if p.depth == 1:
            oha, ohb = va, vb
        else:
            oha, ohb = _sig(half), _sig(n - half)
            insts.append(wta_onehot(va, _idx(ia, p.depth - 1), oha))
            insts.append(wta_onehot(vb, _idx(ib, p.depth - 1), ohb))
        insts.append(wta_root(clk, ce[stages - 1], ka, kb, oha, ohb, q_data))

        @always_comb
        def comb_in():
            x_data.next = s_in_tdata ^ mask
        insts.append(comb_in)
    else:
        r_data = Signal(intbv(0)[tw:])      # stage 1: the beat, keys in offset binary
        keep = Signal(intbv(0)[n:])
        spk = [r_data(i * lw) for i in range(n)]
        key = [r_data(i * lw + lw, i * lw + 1) for i in range(n)]
        hi = [[] for _ in range(n)]                   # higher-index neighbours, ascending
        lo = [[] for _ in range(n)]                   # (lower neighbour j, bit of j's gt)
        for i, j in model.window_pairs(p):
            lo[j].append((i, len(hi[i])))
            hi[i].append(j)
        gts = [Signal(intbv(0)[len(hi[i]):]) for i in range(n) if hi[i]]
        for i, gt_i in zip([i for i in range(n) if hi[i]], gts):
            insts.append(wta_cmp(key[i], _cat([key[j] for j in hi[i]]), gt_i, vw))
        m_data, m_in, taps = _middle(spk + gts)       # stage 2
        m_spk = taps[:n]
        gt_off, off = {}, n                 # lane i's gt bits start at m_data bit gt_off[i]
        for i in range(n):
            if hi[i]:
                gt_off[i] = off
                off += len(hi[i])

        def bit(i, b):
            return m_data(gt_off[i] + b)

        outs = [Signal(bool(0)) for _ in range(n)]
        for i in range(n):
            k = len(hi[i])
            gt = None if not k else bit(i, 0) if k == 1 else m_data(gt_off[i] + k, gt_off[i])
            s_hi = _cat([m_spk[j] for j in hi[i]]) if hi[i] else None
            c_lo = _cat([bit(j, b) for j, b in lo[i]]) if lo[i] else None
            s_lo = _cat([m_spk[j] for j, _ in lo[i]]) if lo[i] else None
            insts.append(wta_lane(m_spk[i], gt, s_hi, c_lo, s_lo, outs[i]))
        keep_c = _cat(outs)
        ce1, ce2, ce3 = ce
        vld1, vld2 = vld[0], vld[1]

        @always_comb
        def comb_keep():
            keep.next = keep_c
        insts.append(comb_keep)

        @always(clk.posedge)
        def seq_data():
            if s_in_tvalid and ce1:
                r_data.next = s_in_tdata ^ mask
            if vld1 and ce2:
                m_data.next = m_in
            if vld2 and ce3:
                q_data.next = keep
        insts.append(seq_data)

    ready, q_valid = ce[0], vld[stages - 1]

    @always_comb
    def comb():
        s_in_tready.next = ready
        m_out_tvalid.next = q_valid
        m_out_tdata.next = q_data

    return insts, comb


def vectors(p: WtaParams, rng, n: int) -> Vectors:
    """n timesteps of the test stimulus (no / some / all spiking, ties, extreme membranes)."""
    xs = model.stimulus(p, rng, n)
    beats = [model.pack_in(p, s, v) for s, v in xs]
    return Vectors(inputs={"s_in": beats}, outputs={"m_out": model.run_tdata(p, beats)})


CORE = declare("neuron.wta", WtaParams, wta, ports, """
    Winner-take-all over N neurons per timestep (global argmax or local square window), membrane
    decides, ties to the lower index
    compare: exact: comparisons of equal-width offset-binary keys only; no arithmetic node, nothing
        can overflow
    """, vectors=vectors)

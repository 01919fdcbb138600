"""MyHDL design of ``neuron.wta``: winner-take-all over the N lanes of one ``s_in`` beat.

Pipeline (three registers, one timestep per cycle):

    s_in_tdata --(sign bits flipped)--> r_data --[first half]--> m_data --[second half]--> q_data

``r_data`` holds the accepted beat with every lane's membrane sign bit inverted (offset binary),
so an *unsigned* compare of two lanes' keys orders their signed membranes; spike bits and keys
are shadow slices of ``r_data`` (no per-lane logic).  ``m_data`` cuts the comparison network:

- global: a binary tournament tree over lanes 0..N-1 (N - 1 nodes, depth D = ceil(log2 N),
  neighbours paired level by level, an odd last entry passing up unchanged).  A node takes its
  right (higher-index) child only if that child has a spiker and (the left has none or its key
  is strictly greater), so equal membranes resolve to the lower index.  Levels 0..D//2-1 run
  from r_data; ``m_data`` holds the (valid, key, index) triples of level D//2; the rest of the
  tree and the one-hot decode of the root index run from ``m_data``.
- local: one comparator c = (k_j > k_i) per window pair i < j (``model.window_pairs``), in
  lane i's ``wta_cmp`` (a loop over its higher-index neighbours: one generator per lane, so
  conversion stays fast at 2016 pairs); ``m_data`` = {comparator bits, spikes}; then j inhibits
  i when s_j & c, i inhibits j when s_i & !c; o_i = s_i & no inhibitor of i (``wta_lane``).

Handshake: ``ce3 = !q_valid || m_out_tready`` moves m -> q, ``ce2 = !m_valid || ce3`` moves
r -> m, ``s_in_tready = !r_valid || ce2``.  Latency 3 cycles (an input transferred at edge t
is on m_out from edge t + 3), throughput one beat per cycle, no bubbles when m_out is always
ready.  ``m_out_tvalid`` comes from a register; ``s_in_tready`` depends combinationally on
``m_out_tready`` (allowed: only tvalid must not).  Data registers have no reset (only the valid
bits do); a stalled stage holds its data.
"""
from myhdl import ConcatSignal, Signal, always, always_comb, always_seq, block, intbv

from neurohdl.core import CoreDecl, Vectors, clk_rst, const, stream
from neurohdl.models.neuron import wta as model
from neurohdl.models.neuron.wta import WtaParams


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
def wta_node(va, ka, ia, vb, kb, ib, vo, ko, io):
    """Tournament node: a = lower-index side; b wins only with a strictly greater key."""
    @always_comb
    def comb():
        if vb and (not va or kb > ka):
            vo.next = 1
            ko.next = kb
            io.next = ib
        else:
            vo.next = va
            ko.next = ka
            io.next = ia
    return comb


@block
def wta_root(va, ka, ia, vb, kb, ib, vo, io):
    """The tree's last node: as wta_node without the (unused) key output."""
    @always_comb
    def comb():
        if vb and (not va or kb > ka):
            vo.next = 1
            io.next = ib
        else:
            vo.next = va
            io.next = ia
    return comb


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


@block
def wta(clk, rst, s_in_tdata, s_in_tvalid, s_in_tready, m_out_tdata, m_out_tvalid,
        m_out_tready, p: WtaParams):
    n, vw, lw, tw = p.n, p.width, p.lane_width, p.in_width
    mask = const(sum(1 << (i * lw + vw) for i in range(n)), tw)

    r_data = Signal(intbv(0)[tw:])          # stage 1: the beat, keys in offset binary
    r_valid = Signal(bool(0))
    m_valid = Signal(bool(0))               # stage 2: the middle register (m_data below)
    q_data = Signal(intbv(0)[n:])           # stage 3: the output register
    q_valid = Signal(bool(0))
    ce2 = Signal(bool(0))
    ce3 = Signal(bool(0))
    rdy = Signal(bool(0))
    keep = Signal(intbv(0)[n:])

    spk = [r_data(i * lw) for i in range(n)]
    key = [r_data(i * lw + lw, i * lw + 1) for i in range(n)]
    insts = []

    if p.mode == "global":
        iw = max(1, (n - 1).bit_length())
        level = [(spk[i], key[i], const(i, iw)) for i in range(n)]
        depth = (n - 1).bit_length()        # ceil(log2 n) tree levels
        for lvl in range(depth):
            if lvl == depth // 2:           # the middle register cuts the tree in half
                m_data, m_in, taps = _middle([x for t3 in level for x in t3])
                level = [tuple(taps[k:k + 3]) for k in range(0, len(taps), 3)]
            nxt = []                        # pair neighbours: the left has the lower indices
            for a, b in zip(level[0::2], level[1::2]):
                vo, ko, io = Signal(bool(0)), Signal(intbv(0)[vw:]), Signal(intbv(0)[iw:])
                if len(level) == 2:
                    insts.append(wta_root(*a, *b, vo, io))
                else:
                    insts.append(wta_node(*a, *b, vo, ko, io))
                nxt.append((vo, ko, io))
            if len(level) % 2:
                nxt.append(level[-1])
            level = nxt
        win_v, win_i = level[0][0], level[0][2]

        @always_comb
        def comb_dec():
            onehot = intbv(0)[n:]
            if win_v:
                onehot[win_i] = 1
            keep.next = onehot
        insts.append(comb_dec)
    else:
        hi = [[] for _ in range(n)]                   # higher-index neighbours, ascending
        lo = [[] for _ in range(n)]                   # (lower neighbour j, bit of j's gt)
        for i, j in model.window_pairs(p):
            lo[j].append((i, len(hi[i])))
            hi[i].append(j)
        gts = [Signal(intbv(0)[len(hi[i]):]) for i in range(n) if hi[i]]
        for i, gt_i in zip([i for i in range(n) if hi[i]], gts):
            insts.append(wta_cmp(key[i], _cat([key[j] for j in hi[i]]), gt_i, vw))
        m_data, m_in, taps = _middle(spk + gts)
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

        @always_comb
        def comb_keep():
            keep.next = keep_c
        insts.append(comb_keep)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if rdy:
            r_valid.next = s_in_tvalid
        if ce2:
            m_valid.next = r_valid
        if ce3:
            q_valid.next = m_valid

    @always(clk.posedge)
    def seq_data():
        if s_in_tvalid and rdy:
            r_data.next = s_in_tdata ^ mask
        if r_valid and ce2:
            m_data.next = m_in
        if m_valid and ce3:
            q_data.next = keep

    @always_comb
    def comb_ce():
        ce3.next = not q_valid or m_out_tready
        ce2.next = not m_valid or not q_valid or m_out_tready
        rdy.next = not r_valid or not m_valid or not q_valid or m_out_tready

    @always_comb
    def comb():
        s_in_tready.next = rdy
        m_out_tvalid.next = q_valid
        m_out_tdata.next = q_data

    return insts, seq, seq_data, comb_ce, comb


def vectors(p: WtaParams, rng, n: int) -> Vectors:
    """n timesteps of the test stimulus (no / some / all spiking, ties, extreme membranes)."""
    xs = model.stimulus(p, rng, n)
    beats = [model.pack_in(p, s, v) for s, v in xs]
    return Vectors(inputs={"s_in": beats}, outputs={"m_out": model.run_tdata(p, beats)})


CORE = CoreDecl(
    name="neuron.wta", version="0.1.0", params=WtaParams, top=wta, ports=ports,
    description="Winner-take-all over N neurons per timestep (global argmax or local square "
                "window), membrane decides, ties to the lower index",
    arith={"compare": "exact: comparisons of equal-width offset-binary keys only; no "
                      "arithmetic node, nothing can overflow"},
    vectors=vectors,
)

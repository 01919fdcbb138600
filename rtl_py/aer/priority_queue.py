# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.priority_queue``: a register-based strict-priority queue
(models/aer/priority_queue.py is the spec).

``slot[0 .. depth-1]`` hold the beats ``{tuser, tlast, tdata}`` in arrival order (``slot[0]``
the oldest, ``cnt`` of them valid).  Per slot, ``pq_leaf`` forms the slot's key
``{eligible, priority}`` (0 when not eligible) and the running "a tlast lies below" flag that
makes timesteps barriers; a tree of ``pq_node`` compare-select stages (depth - 1 of them,
log2(depth) levels, the left -- older -- side kept on ties) gives ``sel``, the index of the
beat on ``m_out`` (``slot[sel]``, a read mux; ``sel_q`` keeps it while ``m_out`` is stalled).  At the edge each ``pq_slot`` register loads the
input beat (an enqueue lands at ``cnt - dequeue``), takes its upper neighbour (a dequeue at or
below it: the queue closes the gap) or takes the tlast of the dequeued beat above it.  One
enqueue and one dequeue every clock; cost: depth x (width + 2) flip-flops, depth - 1 key
comparators of priority_bits + 1 bits, a depth:1 read mux and a 2:1 shift mux per slot.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, IN, OUT, clk_rst, const
from neurohdl.models.aer import event, priority_queue as model
from neurohdl.models.aer.priority_queue import PriorityQueueParams
from neurohdl.rtl.aer.fifo import event_stream


def ports(p: PriorityQueueParams):
    cw = p.counter_bits
    return (clk_rst() + event_stream("s_in", p.event, "event word in")
            + event_stream("m_out", p.event, "the beat of the largest key (oldest on ties) "
                                             "of the head timestep: the peek")
            + [Port("drop_clear", IN, 1, "cfg", "pulse: clear status_drop and "
                                                 "status_drop_count"),
               Port("status_count", OUT, p.count_width, "status", "beats held (0..depth)"),
               Port("status_full", OUT, 1, "status", "status_count == depth"),
               Port("status_in", OUT, cw, "status", "beats transferred on s_in (wraps)"),
               Port("status_out", OUT, cw, "status", "beats transferred on m_out (wraps)"),
               Port("status_dropped", OUT, cw, "status",
                    "beats transferred on s_in and discarded, queue full (drop mode; wraps)"),
               Port("status_drop", OUT, 1, "status", "sticky: a beat was dropped since the "
                                                     "last drop_clear"),
               Port("status_drop_count", OUT, p.drop_bits, "status",
                    "drops since the last drop_clear (saturates)")])


@block
def pq_leaf(word, seen_in, seen_out, valid, key, p: PriorityQueueParams, first: bool):
    """key = {eligible, priority (complemented for 'low')}, 0 when not eligible;
    seen_out = seen_in or this slot's tlast.  Eligible: valid, no tlast below, an event
    (tuser 0) or the first slot."""
    w, lo, pb = p.event.width, p.priority_lsb, p.priority_bits
    prio = Signal(intbv(0)[pb:])
    elig = Signal(bool(0))
    tagged = ConcatSignal(elig, prio)
    zero = const(0, pb + 1)
    low = p.priority_order == "low"

    if low:
        @always_comb
        def comb_prio():
            prio.next = ~word[lo + pb:lo]
    else:
        @always_comb
        def comb_prio():
            prio.next = word[lo + pb:lo]

    if first:
        @always_comb
        def comb_elig():
            elig.next = valid
    else:
        @always_comb
        def comb_elig():
            elig.next = valid and not seen_in and not word[w + 1]

    @always_comb
    def comb_seen():
        seen_out.next = seen_in or word[w]

    @always_comb
    def comb_key():
        if elig:
            key.next = tagged
        else:
            key.next = zero
    insts = [comb_prio, comb_elig, comb_key]
    return insts if seen_out is None else insts + [comb_seen]


@block
def pq_node(k_l, i_l, k_r, i_r, k, i):
    """The larger key and its index; the left (older) side on a tie (the root: k None, the
    index only)."""
    if k is None:
        @always_comb
        def comb_root():
            if k_r > k_l:
                i.next = i_r
            else:
                i.next = i_l
        return comb_root

    @always_comb
    def comb():
        if k_r > k_l:
            k.next = k_r
            i.next = i_r
        else:
            k.next = k_l
            i.next = i_l
    return comb


@block
def pq_slot(clk, rst, word, above, din, load, shift, mark, p: PriorityQueueParams):
    """One register: the input beat (load), the upper neighbour (shift) or its own beat with
    tlast set (mark); the top slot (above None) only loads."""
    if above is None:
        @always_seq(clk.posedge, reset=rst)
        def seq():
            if load:
                word.next = din
        return seq

    tl = const(1 << p.event.width, p.event.width + 2)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if load:
            word.next = din
        elif shift:
            word.next = above
        elif mark:
            word.next = word | tl
    return seq


@block
def priority_queue(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
                   m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
                   drop_clear, status_count, status_full, status_in, status_out,
                   status_dropped, status_drop, status_drop_count, p: PriorityQueueParams):
    w, d, iw, pb = p.event.width, p.depth, p.index_width, p.priority_bits
    cw, dw = p.counter_bits, p.drop_bits
    drop = p.full == "drop"
    slot = [Signal(intbv(0)[w + 2:]) for _ in range(d)]
    valid = [Signal(bool(0)) for _ in range(d)]      # valid[i] = i < cnt
    seen = [Signal(bool(0)) for _ in range(d - 1)]   # seen[i]: a tlast in slot 0..i
    keys = [Signal(intbv(0)[pb + 1:]) for _ in range(d)]
    loads = [Signal(bool(0)) for _ in range(d)]
    shifts = [Signal(bool(0)) for _ in range(d - 1)]     # the top slot never shifts nor is
    marks = [Signal(bool(0)) for _ in range(d - 1)]      # marked: None there
    din = ConcatSignal(s_in_tuser, s_in_tlast, s_in_tdata)
    head = Signal(intbv(0)[w + 2:])
    cnt = Signal(intbv(0, min=0, max=d + 1))
    pos = Signal(intbv(0, min=0, max=d + 1))          # where an enqueue lands
    ready, deq, store, mark = (Signal(bool(0)) for _ in range(4))
    n_in, n_out = Signal(modbv(0)[cw:]), Signal(modbv(0)[cw:])
    n_drop = Signal(modbv(0)[cw:]) if drop else const(0, cw)
    latch = Signal(intbv(0)[dw:]) if drop else const(0, dw)
    full_c, zero_c = const(d, p.count_width), const(0, p.count_width)
    latch_max, latch_one, zero_d = const((1 << dw) - 1, dw), const(1, dw), const(0, dw)
    no_tlast = const(0, 1)
    insts = []

    # keys, and the compare-select tree over them: tk/ti hold each node's key and index
    zero_i = const(0, iw)
    for i in range(d):
        insts.append(pq_leaf(slot[i], seen[i - 1] if i else no_tlast,
                             seen[i] if i + 1 < d else None, valid[i], keys[i], p=p,
                             first=i == 0))
    tk = [Signal(intbv(0)[pb + 1:]) for _ in range(d - 2)] + [None]      # the root: no key
    ti = [Signal(intbv(0)[iw:]) for _ in range(d - 1)]
    level, used = [(keys[i], const(i, iw)) for i in range(d)], 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            insts.append(pq_node(*level[j], *level[j + 1], tk[used], ti[used]))
            nxt.append((tk[used], ti[used]))
            used += 1
        level = nxt + level[len(level) - len(level) % 2:]
    root = level[0][1]
    sel, sel_q = Signal(intbv(0)[iw:]), Signal(intbv(0)[iw:])
    held = Signal(bool(0))                  # m_out stalled last cycle: keep its beat (sel_q)

    for i in range(d):
        top = i + 1 == d
        insts.append(pq_slot(clk, rst, slot[i], None if top else slot[i + 1], din, loads[i],
                             None if top else shifts[i], None if top else marks[i], p=p))
        insts.append(slot_control(i, pos, sel, cnt, store, deq, mark, valid[i], loads[i],
                                  None if top else shifts[i], None if top else marks[i], iw,
                                  p.count_width))

    @always_comb
    def comb_head():
        if held:
            sel.next = sel_q
        else:
            sel.next = root

    @always_comb
    def comb_read():
        head.next = slot[sel]

    @always_comb
    def comb():
        if drop:
            ready.next = cnt != full_c or not s_in_tlast
        else:
            ready.next = cnt != full_c
        deq.next = cnt != zero_c and m_out_tready
        mark.next = cnt != zero_c and m_out_tready and head[w] and sel != zero_i
        s_in_tready.next = ready
        m_out_tvalid.next = cnt != zero_c
        m_out_tdata.next = head[w:]
        m_out_tlast.next = head[w] and sel == zero_i
        m_out_tuser.next = head[w + 1]
        status_count.next = cnt
        status_full.next = cnt == full_c
        status_in.next = n_in
        status_out.next = n_out
        status_dropped.next = n_drop
        status_drop.next = latch != zero_d
        status_drop_count.next = latch

    @always_comb
    def comb_store():
        store.next = s_in_tvalid and ready and (cnt != full_c or deq)
        if deq:
            pos.next = cnt - 1
        else:
            pos.next = cnt

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if store and not deq:
            cnt.next = cnt + 1
        elif deq and not store:
            cnt.next = cnt - 1
        if s_in_tvalid and ready:
            n_in.next = n_in + 1
        if deq:
            n_out.next = n_out + 1
        held.next = cnt != zero_c and not m_out_tready
        sel_q.next = sel
    insts += [comb_head, comb_read, comb, comb_store, seq]

    if drop:
        @always_seq(clk.posedge, reset=rst)
        def seq_drop():
            dropped = s_in_tvalid and ready and not store
            if dropped:
                n_drop.next = n_drop + 1
            if drop_clear:
                if dropped:
                    latch.next = latch_one
                else:
                    latch.next = zero_d
            elif dropped and latch != latch_max:
                latch.next = latch + 1
        insts.append(seq_drop)
    return insts


@block
def slot_control(i, pos, sel, cnt, store, deq, mark, valid, load, shift, mark_i, iw, cw):
    """Slot ``i``'s strobes: valid (i < cnt), load (an enqueue lands here), shift (a dequeue
    at or below: take the upper neighbour), mark_i (the dequeued beat above carried tlast)."""
    here = const(i, cw)

    @always_comb
    def comb():
        valid.next = here < cnt
        load.next = store and pos == here
    if shift is None:                   # the top slot
        return comb
    nxt, above = const(i, iw), const(i + 1, iw)

    @always_comb
    def comb_move():
        shift.next = deq and sel <= nxt
        mark_i.next = mark and sel == above
    return comb, comb_move


def vectors(p: PriorityQueueParams, rng, n: int) -> Vectors:
    """Random event words (tdata only: the replay bench holds tlast, tuser and drop_clear at
    0, so they form one open timestep), sent sorted by key, largest first (a stable sort:
    arrival order on ties).  Whatever the bench's stalls, the queue then holds a run of them
    whose largest key is its oldest beat, so they leave as they came.  Drop mode: at most
    ``depth`` words (a run that cannot overflow)."""
    words = [b[0] for b in event.beats(event.random_timesteps(p.event, rng, n))][:n]
    if p.full == "drop":
        words = words[:p.depth]
    words = sorted(words, key=lambda x: -model.key(p, x))
    out = model.run(p, [(w, 0, 0) for w in words], [1, 0, 0, 1, 0])   # stalls: same order
    return Vectors(inputs={"s_in": words}, outputs={"m_out": [b[0] for b in out]})


CORE = CoreDecl(
    name="aer.priority_queue", version=__version__, params=PriorityQueueParams,
    top=priority_queue, ports=ports,
    description="strict-priority AER event queue (register-based, 1 enqueue + 1 dequeue a "
                "clock), oldest first on equal priority, timesteps kept in order; drop latch "
                "and in/out/dropped counters",
    arith={"counters": "wrap: status_in/out/dropped are counter_bits wide and wrap, so "
                       "in = out + dropped + count holds modulo 2**counter_bits at all times",
           "drop_count": "saturate: status_drop_count stops at 2**drop_bits - 1 until "
                         "drop_clear",
           "count": "exact: 0..depth"},
    vectors=vectors,
)

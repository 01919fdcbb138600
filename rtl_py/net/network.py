# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``net.network``: populations (``neuron.engine``) joined by fan-out tables
(``aer.decoder``), one controller serving them in the model's order (models/net/network.py
is the spec).

    s_in ------------------------------> decoder[in>k] --+
    engine j m_aer -> fork -> aer.fifo -> decoder[j>k] --+-- one at a time (controller)
                       |                                 +--> engine k s_syn
                       +-> aer.fifo (out_depth) -> m_out      (population P-1 only)

Blocks: an ``aer.decoder`` per edge (its own table, loaded through ``s_tbl``: the top
``sel_bits`` select the edge, the low bits are the decoder's s_tbl word); an ``aer.fifo`` per
population-sourced edge (depth: the power of two >= the source's n, so a whole timestep of
spikes fits); a broadcast *fork* per population (its m_aer transfers when every consumer FIFO has
room: ``m_aer_tready`` = AND of their readies, each FIFO pushed on ``m_aer_tvalid && m_aer_tready``;
a FIFO's ready never depends on its valid); the output FIFO in front of ``m_out``.

Controller: a *slot* counter walks a fixed list, per timestep, for k = 0..P-1: one slot per edge
into k in canonical order, then a fire slot of k.  A timestep begins (``started``) once the
input edge's decoder holds a beat of it (a synaptic event or the marker): nothing runs before
the first input arrives, so tables loaded before the input are in place for every edge.  An edge
slot connects that edge's decoder ``m_syn`` to engine k's ``s_syn`` (an AND-OR multiplexer chain
over the decoders, ``go`` gating it) until a beat with tlast transfers (a marker beat is taken
without reaching the engine); a recurrent edge's slot is skipped in the first timestep after
reset (nothing was sent in timestep -1).  A fire slot waits until engine k is idle, pulses its
``timestep_start`` (one cycle after the decision: the last event has been taken at least one
cycle earlier) and waits for its ``status_done``, which follows the last m_aer beat taken by
every consumer.  So every engine sees its events in exactly the model's order, whatever the idle
cycles and back-pressure: one source at a time, one engine at a time.  Why no deadlock: each
FIFO is empty when its source fires (its consumer has drained the previous timestep up to its
marker before), and holds a whole timestep; only m_out, whose sink must eventually take, can
stall an engine.

Timing: an edge slot takes max(1, fan-out) cycles per source spike (the decoder's rate) + the
marker; a fire slot the engine's N + 11 cycles (+ 2 for the handshake).  A timestep therefore
takes about sum_k (N_k + 13 + the synaptic events into k) cycles without back-pressure.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import OUT, CoreDecl, Port, Vectors, clk_rst, const, stream
from neurohdl.models.aer.event import EventParams
from neurohdl.models.aer.fifo import AerFifoParams
from neurohdl.models.net import network as model
from neurohdl.models.net.network import INPUT, NetworkParams
from neurohdl.rtl.aer.decoder import decoder_fanout
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.aer.fifo import fifo as aer_fifo
from neurohdl.rtl.neuron.engine import engine

COUNTERS = {"status_in": "input events taken on s_in (beats without tuser; wraps)",
            "status_done": "input events fanned out by the input edge's table (wraps)",
            "status_dropped": "input events whose axon >= n_in, discarded (wraps)",
            "status_out": "output spikes transferred on m_out (wraps)",
            "status_steps": "timesteps completed by every population (wraps)"}
FLAGS = {"status_acc_sat": "sticky: an engine's input accumulator saturated",
         "status_sat": "sticky: an engine's neuron state saturated",
         "status_drop": "sticky: an engine got an event for a neuron >= its n"}


def in_event(p: NetworkParams) -> EventParams:
    return EventParams(neuron_bits=p.in_bits)


def out_event(p: NetworkParams) -> EventParams:
    return EventParams(neuron_bits=p.engines[-1].aw)


def tbl_width(p: NetworkParams) -> int:
    return model.sel_bits(p) + model.tbl_data_width(p)


def ports(p: NetworkParams):
    s_tbl = stream("s_tbl", tbl_width(p), f"table write {{edge, word}}: bits [{tbl_width(p) - 1}:"
                   f"{model.tbl_data_width(p)}] the edge (canonical order), the low bits that "
                   "edge's aer.decoder s_tbl word")
    s_tbl[-1] = Port("s_tbl_tready", OUT, 1, "tready", "always 1: a table write never stalls")
    return (clk_rst() + event_stream("s_in", in_event(p), "input event: the axon")
            + s_tbl
            + event_stream("m_out", out_event(p), "a spike of population P-1 (ascending "
                           "within a timestep)")
            + [Port(n, OUT, p.counter_bits, "status", d) for n, d in COUNTERS.items()]
            + [Port(n, OUT, 1, "status", d) for n, d in FLAGS.items()])


def fifo_depth(n: int) -> int:
    """An edge FIFO's depth: a timestep's beats (n spikes, or one marker beat)."""
    return max(2, 1 << (n - 1).bit_length())


def slots(p: NetworkParams) -> list[tuple[int, int, int, int]]:
    """The controller's slots of one timestep: (fire, edge, population, recurrent)."""
    out = []
    for k in range(p.pops):
        out += [(0, e, k, int(s != INPUT and s >= k))
                for e, (s, d) in enumerate(p.edge_list) if d == k]
        out.append((1, 0, k, 0))
    return out


class Stream:
    """The signals of one AER stream inside the design."""

    def __init__(self, width: int):
        self.d = Signal(intbv(0)[width:]) if width > 1 else Signal(bool(0))
        self.v, self.l, self.r, self.u = (Signal(bool(0)) for _ in range(4))


def _counters(n: int, cw: int):
    return [Signal(modbv(0)[cw:]) for _ in range(n)]


def _vec(bits):
    """A bit vector of 1-bit signals, bit i = bits[i] (a 0 bit on top of a single one)."""
    return ConcatSignal(*reversed(bits)) if len(bits) > 1 else ConcatSignal(const(0, 1), bits[0])


def _bit(sig, i: int):
    """Bit i of a vector signal (the signal itself when it is one bit)."""
    return sig if len(sig) == 1 else sig(i)


@block
def rom(addr, dout, content: tuple):
    """dout = content[addr] (a case statement)."""
    @always_comb
    def comb():
        dout.next = content[int(addr)]
    return comb


@block
def edge_select(m, go, cur_e, e_id, cur_ready, acc_in, acc_out, pad: int):
    """One decoder output's stage of the AND-OR chain ``acc_out = acc_in | (g ? {tvalid,
    tuser, tlast, tdata} : 0)``, g = this edge's slot; its tready is the chain's."""
    word = ConcatSignal(m.v, m.u, m.l, *([const(0, pad)] if pad else []), m.d)
    g = Signal(bool(0))
    m_r = m.r

    @always_comb
    def comb_g():
        g.next = go and cur_e == e_id

    @always_comb
    def comb():
        m_r.next = g and cur_ready
        if g:
            acc_out.next = acc_in | word
        else:
            acc_out.next = acc_in
    return comb_g, comb


@block
def engine_feed(cur, cur_pop, k_id, syn_d, syn_v, sw_max: int, sw: int):
    """Engine k's s_syn: the chain's beat when it is an event (no tuser) and k's slot."""
    @always_comb
    def comb():
        syn_v.next = cur[sw_max + 2] and not cur[sw_max + 1] and cur_pop == k_id
        syn_d.next = cur[sw:]
    return comb


@block
def fork(src_v, src_r, readies, pushes):
    """Broadcast of one engine's m_aer: it transfers when every consumer has room, each
    consumer pushed with it."""
    out = []
    rvec = _vec(readies)
    everyone = const((1 << len(readies)) - 1, len(rvec))

    @always_comb
    def comb():
        src_r.next = rvec == everyone
    out.append(comb)
    for push in pushes:
        out.append(push_one(src_v, src_r, push))
    return out


@block
def push_one(src_v, src_r, push):
    @always_comb
    def comb():
        push.next = src_v and src_r
    return comb


@block
def tbl_port(s_tbl_tdata, s_tbl_tvalid, tbl_sel, e_id, t_d, t_v):
    """Edge e's decoder s_tbl: the low bits of s_tbl_tdata, valid when the edge is selected."""
    tw = len(t_d)

    @always_comb
    def comb():
        t_v.next = s_tbl_tvalid and tbl_sel == e_id
        t_d.next = s_tbl_tdata[tw:]
    return comb


@block
def network(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
            s_tbl_tdata, s_tbl_tvalid, s_tbl_tready,
            m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
            status_in, status_done, status_dropped, status_out, status_steps,
            status_acc_sat, status_sat, status_drop, p: NetworkParams):
    P, E, cw = p.pops, len(p.edge_list), p.counter_bits
    dw, eb = model.tbl_data_width(p), model.sel_bits(p)
    sw_max = max(e.syn_width for e in p.engines)
    cwid = sw_max + 3                     # the chain word {tvalid, tuser, tlast, tdata}
    table = slots(p)
    S = len(table)
    sb = max(1, (S - 1).bit_length())
    insts = []

    # ---- controller signals -----------------------------------------------------------
    slot = Signal(intbv(0)[sb:])
    fire, rec, go = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    cur_e = Signal(intbv(0)[eb:])
    pb = max(1, (max(2, P) - 1).bit_length())      # indexes the per-population vectors
    cur_pop = Signal(intbv(0)[pb:])
    onehot = Signal(intbv(0)[P:]) if P > 1 else Signal(bool(0))
    start = Signal(intbv(0)[P:]) if P > 1 else Signal(bool(0))
    first, waiting = Signal(bool(1)), Signal(bool(0))
    started = Signal(bool(0))             # the timestep's first input beat has been seen
    cur_ready = Signal(bool(0))
    chain = [const(0, cwid)] + [Signal(intbv(0)[cwid:]) for _ in range(E)]
    cur = chain[E]
    insts += [rom(slot, fire, tuple(s[0] for s in table)),
              rom(slot, cur_e, tuple(s[1] for s in table)),
              rom(slot, cur_pop, tuple(s[2] for s in table)),
              rom(slot, rec, tuple(s[3] for s in table)),
              rom(slot, onehot, tuple(1 << s[2] for s in table))]

    # ---- engines -----------------------------------------------------------------------
    syn = [Stream(e.syn_width) for e in p.engines]
    aer = [Stream(e.aw) for e in p.engines]
    for k in range(P - 1):                # a population without consumers: always taken
        if not any(s == k for s, _ in p.edge_list):
            aer[k].r = const(1, 1)
    busy, done, sat, acc_sat, drop = ([Signal(bool(0)) for _ in range(P)] for _ in range(5))
    for k, ep in enumerate(p.engines):
        insts.append(engine(clk, rst, syn[k].d, syn[k].v, syn[k].r, _bit(start, k), aer[k].d,
                            aer[k].v, aer[k].l, aer[k].r, aer[k].u, busy[k], done[k], sat[k],
                            acc_sat[k], drop[k], p=ep))
        insts.append(engine_feed(cur, cur_pop, const(k, pb), syn[k].d, syn[k].v, sw_max,
                                 ep.syn_width))
    busy_v, done_v, ready_v = _vec(busy), _vec(done), _vec([s.r for s in syn])
    sat_v, acc_sat_v, drop_v = _vec(sat), _vec(acc_sat), _vec(drop)

    # ---- edges: FIFO (a population source), decoder, chain stage ----------------------
    tbl_sel = s_tbl_tdata(dw) if eb == 1 else s_tbl_tdata(dw + eb, dw)
    consumers = {k: ([], []) for k in range(P)}          # population -> (readies, pushes)
    in_counts = _counters(5, cw)
    for e, (src, dst) in enumerate(p.edge_list):
        dp = model.edge_params(p, e)
        m = Stream(dp.syn_width)
        if src == INPUT:
            ins = (s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser)
            counts = in_counts
            in_v = m.v
        else:
            q = Stream(p.engines[src].aw)
            ins = (q.d, q.v, q.l, q.r, q.u)
            insts.append(edge_fifo(clk, rst, aer[src], q, consumers[src], fifo_depth(
                p.engines[src].n), cw))
            counts = _counters(5, cw)
        t_v, t_d = Signal(bool(0)), Signal(intbv(0)[dp.tbl_width:])
        insts.append(tbl_port(s_tbl_tdata, s_tbl_tvalid, tbl_sel, const(e, eb), t_d, t_v))
        insts.append(decoder_fanout(clk, rst, *ins, t_d, t_v,
                                    Signal(bool(0)), m.d, m.v, m.l, m.r, m.u, *counts, p=dp))
        insts.append(edge_select(m, go, cur_e, const(e, eb), cur_ready, chain[e], chain[e + 1],
                                 sw_max - dp.syn_width))

    # ---- the output FIFO (population P-1) and the forks ---------------------------------
    out_ep = out_event(p)
    op = AerFifoParams(depth=p.out_depth, counter_bits=cw, event=out_ep)
    room_o, push_o = Signal(bool(0)), Signal(bool(0))
    last = aer[P - 1]
    insts.append(aer_fifo(clk, rst, last.d, push_o, last.l, room_o, last.u, m_out_tdata,
                          m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
                          Signal(intbv(0)[op.count_width:]), *_counters(3, cw), p=op))
    consumers[P - 1][0].append(room_o)
    consumers[P - 1][1].append(push_o)
    for k in range(P):
        if consumers[k][0]:
            insts.append(fork(aer[k].v, aer[k].r, *consumers[k]))

    # ---- controller --------------------------------------------------------------------
    n_out, n_steps = _counters(2, cw)
    last_slot = const(S - 1, sb)
    one_s = const(1, sb)
    zero_p = const(0, P) if P > 1 else Signal(bool(0))
    st_in, st_done, st_drop = in_counts[0], in_counts[1], in_counts[2]

    @always_comb
    def comb_ctl():
        go.next = not fire and not (rec and first) and (started or in_v)
        cur_ready.next = cur[sw_max + 1] or ready_v[cur_pop]
        s_tbl_tready.next = 1
        status_in.next = st_in
        status_done.next = st_done
        status_dropped.next = st_drop
        status_out.next = n_out
        status_steps.next = n_steps
        status_sat.next = sat_v != 0
        status_acc_sat.next = acc_sat_v != 0
        status_drop.next = drop_v != 0

    @always_seq(clk.posedge, reset=rst)
    def seq_ctl():
        start.next = zero_p
        advance = False
        if not started and not in_v:
            pass                                     # the timestep has no input beat yet
        elif not fire:
            if rec and first:
                advance = True
            elif cur[sw_max + 2] and cur_ready and cur[sw_max]:
                advance = True                       # the source's marker transferred
        elif not waiting:
            if not busy_v[cur_pop]:
                start.next = onehot
                waiting.next = 1
        elif done_v[cur_pop]:
            waiting.next = 0
            advance = True
        if started or in_v:
            started.next = 1
        if advance:
            if slot == last_slot:
                slot.next = 0
                first.next = 0
                started.next = 0
                n_steps.next = n_steps + 1
            else:
                slot.next = slot + one_s
        if m_out_tvalid and m_out_tready and not m_out_tuser:
            n_out.next = n_out + 1
    return insts + [comb_ctl, seq_ctl]


@block
def edge_fifo(clk, rst, src: Stream, q: Stream, consumer, depth: int, cw: int):
    """The FIFO of a population-sourced edge, a consumer of the source's fork."""
    fp = AerFifoParams(depth=depth, counter_bits=cw, event=EventParams(neuron_bits=len(src.d)))
    room, push = Signal(bool(0)), Signal(bool(0))
    consumer[0].append(room)
    consumer[1].append(push)
    return aer_fifo(clk, rst, src.d, push, src.l, room, src.u, q.d, q.v, q.l, q.r, q.u,
                    Signal(intbv(0)[fp.count_width:]), *_counters(3, cw), p=fp)


def vectors(p: NetworkParams, rng, n: int) -> Vectors:
    """Replay-bench stimulus: random tables loaded on s_tbl and no input (the bench holds
    tlast/tuser at 0 and does not order s_tbl before s_in), so m_out stays silent.  Sign-off
    is the cocotb suite."""
    tables = model.build_tables(p, model.random_fanouts(p, rng))
    return Vectors(inputs={"s_tbl": model.load_words(p, tables)[:n]}, outputs={"m_out": []})


CORE = CoreDecl(
    name="net.network", version=__version__, params=NetworkParams, top=network, ports=ports,
    description="Multi-population spiking network: neuron.engine populations joined by "
                "aer.decoder fan-out tables; forward edges in the same timestep, recurrent "
                "edges (self-loops included) one timestep later; every engine's events in a "
                "fixed order (one source at a time), output population as AER with markers",
    arith={"slot": "wrap: the controller's slot counter returns to 0 after the last slot",
           "counters": "wrap: status_* are counter_bits wide, so in = done + dropped + in "
                       "flight holds modulo 2**counter_bits",
           "engines": "saturate: each neuron.engine's own accumulate/update policies",
           "tables": "wrap: each aer.decoder's synapse address wraps modulo synapses"},
    vectors=vectors,
    small=lambda: NetworkParams(pops=2, edges="in>0 0>1 1>1", n0=3, n1=2, synapses=8,
                                max_fanout=4, pop0={"cell": {"threshold": 40}},
                                pop1={"cell": {"threshold": 40}}),
)

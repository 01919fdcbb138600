# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.decoder``: events -> spike lines per timestep, or -> synaptic events
through a fan-out table in block RAM (models/aer/decoder.py is the spec).

Lines mode (``decoder_lines``): ``onehot`` is the taken event's line (0 when dropped or a
marker beat); ``acc`` collects the timestep's lines; a beat with tlast moves ``acc | onehot``
into the output register.

Fanout mode (``decoder_fanout``): two simple dual-port RAMs, written from ``s_tbl`` and read
with a read enable -- the pointer RAM at the edge an event is taken (its read register is
stage P's pointer word), the synapse RAM whenever the output advances (its read register is
the output data ``syn_q``).  ``raddr`` is the synapse the issuing slot reads: B's next address,
else P's start.  ``fin`` marks an event whose last slot issues (``status_done``).  Graded
(``graded``): the event's payload rides with it through P, B and O (``graded_stages``) and the
output word is ``{(w * x + r) >> shift, target}`` of the RAM's read register and O's payload
(``graded_word``: one multiplier, exact widths); otherwise the output word is ``syn_q``.
"""
from myhdl import Signal, always, always_comb, always_seq, block, concat, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, OUT, Port, Vectors, clk_rst, const, stream
from neurohdl.models.aer import decoder as model
from neurohdl.models.aer.decoder import DecoderParams
from neurohdl.rtl.aer.fifo import event_stream

COUNTERS = {"status_in": "events taken on s_in (beats without tuser; wraps)",
            "status_done": "events decoded (lines: when taken; fanout: when their last "
                           "synaptic event issues; wraps)",
            "status_dropped": "events whose key >= n, discarded (wraps)",
            "status_markers": "output beats with tlast transferred: timesteps closed (wraps)"}


def ports(p: DecoderParams):
    cw = p.counter_bits
    out = clk_rst() + event_stream("s_in", p.event, "event word in")
    if p.mode == "lines":
        out += stream("m_spk", p.n, "the spike lines of one timestep: bit k = an event with "
                      "key k arrived in it", last=True)
        out[-2] = Port("m_spk_tlast", OUT, 1, "tlast", "1 on every beat (one beat a timestep)")
    else:
        out += stream("s_tbl", p.tbl_width, "table write {sel, addr, data}: sel 0 = pointer "
                      "word {count, start}, 1 = synapse word {weight, target}")
        out[-1] = Port("s_tbl_tready", OUT, 1, "tready", "always 1: a table write never stalls")
        out += event_stream("m_syn", _SynEvent(p.syn_out_width), "synaptic event {weight, "
                            "target} (neuron.engine's s_syn word; graded: the weight scaled by "
                            "the event's payload); 0 on a marker beat")
    counters = dict(COUNTERS)
    if p.mode == "fanout":
        counters["status_out"] = "synaptic events transferred on m_syn (wraps)"
    return out + [Port(name, OUT, cw, "status", doc) for name, doc in counters.items()]


class _SynEvent:
    """What event_stream needs of an event format: its width."""

    def __init__(self, width: int):
        self.width = width


@block
def key_check(s_in_tdata, s_in_tuser, key, ok, p: DecoderParams):
    """``key`` = the event's key bits; ``ok`` = an event (no tuser) whose key is < n (no
    compare when every key is: n = 2^key_bits)."""
    kb = p.key_bits

    if p.event.width == 1:               # a 1-bit port is a scalar: no slice
        @always_comb
        def comb_key():
            key.next = s_in_tdata
    else:
        @always_comb
        def comb_key():
            key.next = s_in_tdata[kb:]

    if p.n == 1 << kb:
        @always_comb
        def comb_ok():
            ok.next = not s_in_tuser
    else:
        last_key = const(p.n - 1, kb)

        @always_comb
        def comb_ok():
            ok.next = not s_in_tuser and key <= last_key
    return comb_key, comb_ok


@block
def decoder_lines(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
                  m_spk_tdata, m_spk_tvalid, m_spk_tlast, m_spk_tready,
                  status_in, status_done, status_dropped, status_markers, p: DecoderParams):
    n, kb, cw = p.n, p.key_bits, p.counter_bits
    key = Signal(intbv(0)[kb:])
    ok = Signal(bool(0))
    ready = Signal(bool(0))
    onehot = Signal(intbv(0)[n:])
    acc = Signal(intbv(0)[n:])
    o_valid = Signal(bool(0))
    o_vec = Signal(intbv(0)[n:])
    n_in, n_done, n_drop, n_mark = (Signal(modbv(0)[cw:]) for _ in range(4))
    one_n = const(1, n)
    check = key_check(s_in_tdata, s_in_tuser, key, ok, p)

    @always_comb
    def comb():
        ready.next = not o_valid or not s_in_tlast
        s_in_tready.next = ready
        m_spk_tvalid.next = o_valid
        m_spk_tdata.next = o_vec
        m_spk_tlast.next = 1
        status_in.next = n_in
        status_done.next = n_done
        status_dropped.next = n_drop
        status_markers.next = n_mark

    @always_comb
    def comb_onehot():
        if ok:
            onehot.next = one_n << key
        else:
            onehot.next = 0

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if o_valid and m_spk_tready:
            o_valid.next = 0
            n_mark.next = n_mark + 1
        if s_in_tvalid and ready:
            if s_in_tlast:
                o_valid.next = 1
                o_vec.next = acc | onehot
                acc.next = 0
            else:
                acc.next = acc | onehot
            if not s_in_tuser:
                n_in.next = n_in + 1
                if ok:
                    n_done.next = n_done + 1
                else:
                    n_drop.next = n_drop + 1
    return check, comb, comb_onehot, seq


@block
def decoder_fanout(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
                   s_tbl_tdata, s_tbl_tvalid, s_tbl_tready,
                   m_syn_tdata, m_syn_tvalid, m_syn_tlast, m_syn_tready, m_syn_tuser,
                   status_in, status_done, status_dropped, status_markers, status_out,
                   p: DecoderParams):
    kb, ib, sb, cb, cw = p.key_bits, p.index_bits, p.syn_bits, p.count_bits, p.counter_bits
    pw, sw, ab, db = p.ptr_width, p.syn_width, p.tbl_addr_bits, p.tbl_data_bits
    ptr_mem = [Signal(intbv(0)[pw:]) for _ in range(1 << ib)]
    syn_mem = [Signal(intbv(0)[sw:]) for _ in range(p.synapses)]
    # table write port
    t_sel = Signal(bool(0))
    t_paddr = Signal(intbv(0)[ib:])
    t_saddr = Signal(intbv(0)[sb:])
    t_pdata = Signal(intbv(0)[pw:])
    t_sdata = Signal(intbv(0)[sw:])
    # input and stage P
    key = Signal(intbv(0)[kb:])
    k_idx = key if ib == kb else Signal(intbv(0)[ib:])
    take, ok = Signal(bool(0)), Signal(bool(0))
    pv, p_ok, p_last = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    p_q = Signal(intbv(0)[pw:])                 # the pointer RAM's read register
    p_start = Signal(intbv(0)[sb:])
    p_cnt = Signal(intbv(0)[cb:])
    # stage B (the walker) and O (the output register)
    bv, b_last = Signal(bool(0)), Signal(bool(0))
    b_addr = Signal(modbv(0)[sb:])
    b_left = Signal(intbv(0)[cb:])
    adv, ready, fin = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    raddr = Signal(intbv(0)[sb:])
    syn_q = Signal(intbv(0)[sw:])               # the synapse RAM's read register
    o_valid, o_last, o_user = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    n_in, n_done, n_drop, n_mark, n_out = (Signal(modbv(0)[cw:]) for _ in range(5))
    insts = [key_check(s_in_tdata, s_in_tuser, key, ok, p)]
    zero_c, one_c = const(0, cb), const(1, cb)
    one_s = const(1, sb)
    zero_w = const(0, p.syn_out_width)
    syn_out = syn_q                             # graded: the scaled word (graded_word)
    if p.graded:
        x_in, p_x, b_x, o_x = (Signal(intbv(0, *_span(p.event.field_range("payload"))))
                               for _ in range(4))
        syn_out = Signal(intbv(0)[p.syn_out_width:])
        insts += [field(s_in_tdata, x_in, p.event.width, p.event.payload_lsb,
                        p.event.payload_signed),
                  graded_stages(clk, take, adv, bv, x_in, p_x, b_x, o_x),
                  graded_word(syn_q, o_x, syn_out, p)]

    @always_comb
    def comb_in():
        t_sel.next = s_tbl_tdata[ab + db]
        t_paddr.next = s_tbl_tdata[db + ib:db]
        t_saddr.next = s_tbl_tdata[db + sb:db]
        t_pdata.next = s_tbl_tdata[pw:]
        t_sdata.next = s_tbl_tdata[sw:]
        p_start.next = p_q[sb:]

    if cb == 1:                              # max_fanout 1: every count is <= 1
        p_short = const(1, 1)
    else:
        p_short = Signal(bool(0))

        @always_comb
        def comb_short():
            p_short.next = p_cnt <= one_c
        insts.append(comb_short)

    if k_idx is not key:
        @always_comb
        def comb_idx():
            k_idx.next = key[ib:]
        insts.append(comb_idx)

    @always_comb
    def comb_cnt():
        if p_ok:
            p_cnt.next = p_q[pw:sb]
        else:
            p_cnt.next = 0

    @always_comb
    def comb():
        adv.next = not o_valid or m_syn_tready
        ready.next = not pv or (adv and not bv)
        if bv:
            raddr.next = b_addr
        else:
            raddr.next = p_start

    @always_comb
    def comb_out():
        take.next = s_in_tvalid and ready
        fin.next = adv and ((bv and b_left == one_c) or
                            (not bv and pv and p_ok and p_short))
        s_in_tready.next = ready
        s_tbl_tready.next = 1
        m_syn_tvalid.next = o_valid
        m_syn_tlast.next = o_last
        m_syn_tuser.next = o_user
        if o_user:
            m_syn_tdata.next = zero_w
        else:
            m_syn_tdata.next = syn_out
        status_in.next = n_in
        status_done.next = n_done
        status_dropped.next = n_drop
        status_markers.next = n_mark
        status_out.next = n_out

    @always(clk.posedge)
    def seq_ptr_mem():
        if take:
            p_q.next = ptr_mem[k_idx]
        if s_tbl_tvalid and not t_sel:
            ptr_mem[t_paddr].next = t_pdata

    @always(clk.posedge)
    def seq_syn_mem():
        if adv:
            syn_q.next = syn_mem[raddr]
        if s_tbl_tvalid and t_sel:
            syn_mem[t_saddr].next = t_sdata

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if adv:
            if bv:                                # B's next synapse
                o_valid.next = 1
                o_user.next = 0
                o_last.next = b_last and b_left == one_c
                b_addr.next = b_addr + one_s
                b_left.next = b_left - one_c
                if b_left == one_c:
                    bv.next = 0
            elif pv:                              # P's first synapse, or its marker
                if p_cnt != zero_c:
                    o_valid.next = 1
                    o_user.next = 0
                    o_last.next = p_last and p_cnt == one_c
                    if p_cnt != one_c:
                        bv.next = 1
                        b_addr.next = p_start + one_s
                        b_left.next = p_cnt - one_c
                        b_last.next = p_last
                else:
                    o_valid.next = p_last
                    o_user.next = 1
                    o_last.next = 1
            else:
                o_valid.next = 0
        if take:
            pv.next = 1
            p_ok.next = ok
            p_last.next = s_in_tlast
        elif adv and not bv:
            pv.next = 0
        if take and not s_in_tuser:
            n_in.next = n_in + 1
            if not ok:
                n_drop.next = n_drop + 1
        if fin:
            n_done.next = n_done + 1
        if o_valid and m_syn_tready:
            if o_last:
                n_mark.next = n_mark + 1
            if not o_user:
                n_out.next = n_out + 1
    return insts + [comb_in, comb_cnt, comb, comb_out, seq_ptr_mem, seq_syn_mem, seq]


def _span(bounds: tuple[int, int]) -> tuple[int, int]:
    """intbv's (min, max) holding the values lo..hi and 0 (a Signal's initial value)."""
    return min(bounds[0], 0), max(bounds[1], 0) + 1


@block
def field(word, value, msb: int, lsb: int, signed: bool):
    """``value`` = bits msb-1..lsb of ``word``, two's complement when ``signed``."""
    if signed:
        @always_comb
        def comb_field():
            value.next = word[msb:lsb].signed()
    else:
        @always_comb
        def comb_field():
            value.next = word[msb:lsb]
    return comb_field


@block
def graded_stages(clk, take, adv, bv, x_in, p_x, b_x, o_x):
    """The payload travels with its event: into P when taken, into B when P's fan-out goes on
    there, into O with every slot that issues (from B, else from P).  No reset: the data
    registers are read only where a valid stage holds them."""

    @always(clk.posedge)
    def seq_x():
        if adv:
            if bv:
                o_x.next = b_x
            else:
                o_x.next = p_x
                b_x.next = p_x
        if take:
            p_x.next = x_in
    return seq_x


@block
def graded_word(syn_q, o_x, syn_out, p: DecoderParams):
    """``syn_out = {(w * x + r) >> shift, target}`` of the synapse RAM's read register
    ``syn_q = {w, target}`` and O's payload x: one multiplier, exact (prod and sum are as wide
    as their ranges; the shift is arithmetic when signed, into a signal as wide as the sum,
    whose low out_w_width bits hold every result), r = 2^(shift-1) (0 when shift = 0)."""
    tb, sw = p.target_bits, p.syn_width
    lo_w, hi_w = p.weight_range()
    lo_x, hi_x = p.event.field_range("payload")
    # prod also holds each operand (as Verilog sizes a product by its widest operand), total
    # also prod: no width changes but the final slice
    ends = [a * b for a in (lo_w, hi_w) for b in (lo_x, hi_x)] + [lo_w, hi_w, lo_x, hi_x]
    half = (1 << p.shift) >> 1
    w = Signal(intbv(0, *_span(p.weight_range())))
    prod = Signal(intbv(0, *_span((min(ends), max(ends)))))
    total = Signal(intbv(0, *_span((min(ends), max(ends) + half))))
    shifted = Signal(intbv(0, min=total.min, max=total.max))    # its low out_w_width bits: w'
    shift = p.shift

    @always_comb
    def comb_prod():
        prod.next = w * o_x

    @always_comb
    def comb_round():
        total.next = prod + half

    @always_comb
    def comb_shift():
        shifted.next = total >> shift

    @always_comb
    def comb_word():
        syn_out.next = concat(shifted[p.out_w_width:], syn_q[tb:])
    return field(syn_q, w, sw, tb, p.w_signed), comb_prod, comb_round, comb_shift, comb_word


def decoder(p: DecoderParams = None, **sigs):
    """What the framework calls with one Signal per declared port: the mode's design."""
    top = decoder_lines if p.mode == "lines" else decoder_fanout
    return top(p=p, **sigs)


def vectors(p: DecoderParams, rng, n: int) -> Vectors:
    """Replay-bench stimulus (the bench holds tlast and tuser at 0, so no timestep closes and
    the output stays silent): lines mode, events; fanout mode, a random table loaded on s_tbl
    and no event (the bench does not order s_tbl before s_in)."""
    if p.mode == "lines":
        return Vectors(inputs={"s_in": [rng.getrandbits(p.event.width) for _ in range(n)]},
                       outputs={"m_spk": []})
    table = model.build_table(p, model.random_fanout(p, rng))
    return Vectors(inputs={"s_tbl": model.load_words(p, table)[:n]}, outputs={"m_syn": []})


CORE = CoreDecl(
    name="aer.decoder", version=__version__, params=DecoderParams, top=decoder, ports=ports,
    description="AER events -> spike lines per timestep, or -> (target, weight) synaptic events "
                "through a pointer/synapse fan-out table in block RAM, one a clock; timestep "
                "markers follow the fan-out",
    arith={"synapse address": "wrap: start + i is syn_bits wide and wraps modulo synapses",
           "fan-out count": "exact: b_left counts count-1 .. 1, never below 1",
           "counters": "wrap: status_in/done/dropped/markers/out are counter_bits wide and "
                       "wrap, so in = done + dropped + in flight holds modulo 2**counter_bits",
           "lines": "exact: a line is set by OR, a key >= n is dropped (no shift past n)",
           "graded weight": "exact: (w * x + 2^(shift-1)) >> shift rounds half up; the product "
                            "and sum are as wide as their ranges and out_w_width is derived from "
                            "the result range, so nothing saturates or wraps"},
    vectors=vectors,
    small=lambda: DecoderParams(n=12, synapses=32, max_fanout=8, target_bits=4, w_width=6,
                                event={"neuron_bits": 4}),
)

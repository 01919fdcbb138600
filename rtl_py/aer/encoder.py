# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.encoder``: spike vectors in, one address event a cycle out
(models/aer/encoder.py is the spec).

``pend`` holds the spikes of the vector being sent, ``pend_last`` its owed timestep marker.
The grant ``g`` is the lowest set bit of ``src`` (``src & (~src + 1)``, one-hot): ``src = pend``
('priority'), or ``pend & mask`` when not empty ('round_robin'; ``mask`` = the lines above the
last grant), else ``pend``; its line number is an OR of the one-hot bits per index bit
(``index_bit``), with no loop.  ``rest`` is ``pend`` without the grant.  The output register
(``m_aer_*``) loads when it is empty or its beat transfers.  Drop mode adds the popcount of a
discarded vector to ``dropped``.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, OUT, clk_rst, const, stream
from neurohdl.models.aer import encoder as model
from neurohdl.models.aer.encoder import EncoderParams
from neurohdl.rtl.aer.fifo import event_stream


def ports(p: EncoderParams):
    return (clk_rst()
            + stream("s_spk", p.n, "spike vector of one cycle: bit i = line i spiked", last=True)
            + event_stream("m_aer", p.event, "event word: neuron = the line index")
            + [Port("status_dropped", OUT, p.counter_bits, "status",
                    "spikes discarded (drop mode: a vector arriving while busy; wraps)")])


@block
def index_bit(g, m, bit):
    """bit = (g & m) != 0: one bit of a one-hot vector's index (m: the lines with that bit)."""
    zero = const(0, len(g))

    @always_comb
    def comb():
        bit.next = (g & m) != zero
    return comb


@block
def encoder(clk, rst, s_spk_tdata, s_spk_tvalid, s_spk_tlast, s_spk_tready,
            m_aer_tdata, m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser,
            status_dropped, p: EncoderParams):
    n, iw, w = p.n, p.index_bits, p.event.width
    pend = Signal(intbv(0)[n:])
    pend_last = Signal(bool(0))
    busy = Signal(bool(0))
    src = Signal(intbv(0)[n:])          # the lines the grant is chosen from
    g = Signal(modbv(0)[n:])            # the grant, one-hot: the lowest line of src
    rest = Signal(intbv(0)[n:])         # pend without the grant
    o_valid, o_last, o_user = (Signal(bool(0)) for _ in range(3))
    o_data = Signal(intbv(0)[w:])
    dropped = Signal(modbv(0)[p.counter_bits:])
    zero_n, one_n = const(0, n), const(1, n)
    rr, drop = p.arbitration == "round_robin", p.overflow == "drop"
    # the grant's line number, bit by bit, zero-extended to the event width
    bits = [Signal(bool(0)) for _ in range(iw)]
    insts = [index_bit(g, const(sum(1 << i for i in range(n) if i >> b & 1), n), bits[b])
             for b in range(iw)]
    pick = ConcatSignal(*([intbv(0)[w - iw:]] if w > iw else []), *reversed(bits)) \
        if iw > 1 or w > iw else bits[0]

    if rr:
        mask = Signal(modbv(0)[n:])     # lines above the last grant (0 after reset or line n-1)

        @always_comb
        def comb_src():
            if (pend & mask) != zero_n:
                src.next = pend & mask
            else:
                src.next = pend

        @always_seq(clk.posedge, reset=rst)
        def seq_rr():
            if (not o_valid or m_aer_tready) and pend != zero_n:
                mask.next = ~((g << 1) - one_n)
        insts += [comb_src, seq_rr]
    else:
        @always_comb
        def comb_src():
            src.next = pend
        insts.append(comb_src)

    @always_comb
    def comb():
        g.next = src & (~src + one_n)
        rest.next = pend & ~g
        busy.next = pend != zero_n or pend_last
        m_aer_tvalid.next = o_valid
        m_aer_tdata.next = o_data
        m_aer_tlast.next = o_last
        m_aer_tuser.next = o_user
        status_dropped.next = dropped
    insts.append(comb)

    if drop:                      # a vector with tlast waits, one without is taken (dropped)
        @always_comb
        def comb_ready():
            s_spk_tready.next = not busy or not s_spk_tlast
    else:
        @always_comb
        def comb_ready():
            s_spk_tready.next = not busy
    insts.append(comb_ready)

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if not o_valid or m_aer_tready:
            if pend != zero_n:
                o_valid.next = 1
                o_data.next = pick
                o_last.next = pend_last and rest == zero_n
                o_user.next = 0
                pend.next = rest
                if rest == zero_n:
                    pend_last.next = 0
            elif pend_last:
                o_valid.next = 1
                o_data.next = 0
                o_last.next = 1
                o_user.next = 1
                pend_last.next = 0
            else:
                o_valid.next = 0
        if s_spk_tvalid and not busy:
            pend.next = s_spk_tdata
            pend_last.next = s_spk_tlast
    insts.append(seq)

    if drop:
        cb = p.counter_bits

        @always_seq(clk.posedge, reset=rst)
        def seq_drop():
            # popcount of a vector discarded while busy (mod 2**counter_bits, as the counter)
            c = modbv(0)[cb:]
            if s_spk_tvalid and busy and not s_spk_tlast:
                c[:] = dropped
                for i in range(n):
                    if s_spk_tdata[i]:
                        c[:] = c + 1
                dropped.next = c
        insts.append(seq_drop)
    return insts


def vectors(p: EncoderParams, rng, n: int) -> Vectors:
    """Random spike vectors (tdata only: the replay bench holds tlast at 0, so no marker)."""
    vecs = [rng.getrandbits(p.n) if rng.random() < 0.7 else 0 for _ in range(max(1, n // 4))]
    if p.overflow == "drop":          # a vector arriving while busy would be dropped
        vecs = vecs[:1]
    return Vectors(inputs={"s_spk": vecs},
                   outputs={"m_aer": [b[0] for b in model.events(p, [(v, 0) for v in vecs])]})


CORE = CoreDecl(
    name="aer.encoder", version=__version__, params=EncoderParams, top=encoder, ports=ports,
    description="N spike lines (one vector a cycle) -> address events with timestep markers; "
                "priority or round-robin; stall or drop-and-count",
    arith={"grant": "wrap: src & (~src + 1) isolates the lowest set bit modulo 2**n; the "
                    "round-robin mask ~((g << 1) - 1) is 0 after line n-1 (wraps to line 0)",
           "dropped": "wrap: status_dropped (and the popcount added to it) is counter_bits "
                      "wide and wraps"},
    vectors=vectors,
)

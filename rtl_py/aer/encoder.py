# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.encoder``: spike vectors in, one address event a cycle out
(models/aer/encoder.py is the spec).

``pend`` holds the spikes of the vector being sent, ``pend_last`` its owed timestep marker.
The grant ``g`` among the pending lines and its line number come from the shared
``_arbiter`` (lowest line, or round robin from the line after the last grant); ``rest`` is
``pend`` without the grant.  The output register (``m_aer_*``) loads when it is empty or its
beat transfers.  Drop mode adds the popcount of a discarded vector to ``dropped``.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, OUT, clk_rst, const, stream
from neurohdl.models.aer import encoder as model
from neurohdl.models.aer.encoder import EncoderParams
from neurohdl.rtl.aer._arbiter import arbiter, line_bits, line_of, widened
from neurohdl.rtl.aer.fifo import event_stream


def ports(p: EncoderParams):
    return (clk_rst()
            + stream("s_spk", p.n, "spike vector of one cycle: bit i = line i spiked", last=True)
            + event_stream("m_aer", p.event, "event word: neuron = the line index")
            + [Port("status_dropped", OUT, p.counter_bits, "status",
                    "spikes discarded (drop mode: a vector arriving while busy; wraps)")])


@block
def encoder(clk, rst, s_spk_tdata, s_spk_tvalid, s_spk_tlast, s_spk_tready,
            m_aer_tdata, m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser,
            status_dropped, p: EncoderParams):
    n, w = p.n, p.event.width
    pend = Signal(intbv(0)[n:])
    pend_last = Signal(bool(0))
    busy = Signal(bool(0))
    g = Signal(modbv(0)[n:])            # the grant, one-hot
    rest = Signal(intbv(0)[n:])         # pend without the grant
    rr = p.arbitration == "round_robin"
    take = Signal(bool(0)) if rr else None   # a spike is granted (moves the round robin)
    o_valid, o_last, o_user = (Signal(bool(0)) for _ in range(3))
    o_data = Signal(intbv(0)[w:])
    dropped = Signal(modbv(0)[p.counter_bits:])
    zero_n = const(0, n)
    drop = p.overflow == "drop"
    bits = line_bits(n)
    pick = widened(bits, w)
    insts = [arbiter(clk, rst, pend, take, g, rr), line_of(g, bits)]

    if rr:
        @always_comb
        def comb_take():
            take.next = (not o_valid or m_aer_tready) and pend != zero_n
        insts.append(comb_take)

    @always_comb
    def comb():
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

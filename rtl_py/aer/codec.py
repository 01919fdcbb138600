# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.codec``: the delta-timestamp encoder or decoder of AER events
(models/aer/codec.py is the spec; ``direction`` picks one).

Encoder: ``gap`` counts the timesteps closed since the last word (0..U-1, U the escape code);
``pend``/``k`` hold the pending escape units (``k`` = units - 1).  The output register
``o_data`` loads the escape ``{U, k}`` in front of an event, the event ``{gap, tdata}``, or a
full escape ``{U, 2**neuron_bits - 1}`` when a closed timestep completes the last unit.
Decoder: ``cnt`` markers left in the current escape unit (or before an event) and ``extra``
whole units after it (an escape of ``k + 1`` units loads ``cnt = U, extra = k``: no multiplier);
the held event goes out after its markers.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, const, stream
from neurohdl.models.aer import codec as model, event
from neurohdl.models.aer.codec import CodecParams
from neurohdl.rtl.aer.fifo import event_stream


def ports(p: CodecParams):
    code = f"code word {{dt[{p.timestamp_bits}], event word[{p.neuron_bits}]}}; dt = " \
           f"{p.escape}: escape"
    if p.direction == "encode":
        return (clk_rst() + event_stream("s_in", p.event, "event word in")
                + stream("m_code", p.width, code))
    return (clk_rst() + stream("s_code", p.width, code)
            + event_stream("m_out", p.event, "event word out; every timestep closed by a "
                                             "marker beat"))


@block
def encoder(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
            m_code_tdata, m_code_tvalid, m_code_tready, p: CodecParams):
    tb, nb = p.timestamp_bits, p.neuron_bits
    gap = Signal(intbv(0)[tb:])
    k = Signal(intbv(0)[nb:])
    pend = Signal(bool(0))
    o_valid = Signal(bool(0))
    o_data = Signal(intbv(0)[tb + nb:])
    free, esc_now, take = (Signal(bool(0)) for _ in range(3))
    esc_c, last_gap, one_gap = const(p.escape, tb), const(p.escape - 1, tb), const(1, tb)
    zero_gap, zero_k = const(0, tb), const(0, nb)
    k_full, k_max = const((1 << nb) - 2, nb), const((1 << nb) - 1, nb)   # k_full: one unit short
    word_event = ConcatSignal(gap, s_in_tdata)
    word_esc = ConcatSignal(esc_c, k)
    word_full = ConcatSignal(esc_c, k_max)

    @always_comb
    def comb():
        free.next = not o_valid or m_code_tready
        esc_now.next = (not o_valid or m_code_tready) and pend and s_in_tvalid and not s_in_tuser
        take.next = (not o_valid or m_code_tready) and s_in_tvalid and (not pend or s_in_tuser)
        s_in_tready.next = (not o_valid or m_code_tready) and (not pend or s_in_tuser)
        m_code_tvalid.next = o_valid
        m_code_tdata.next = o_data

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if esc_now:                          # pending units go out before the event
            o_data.next = word_esc
            o_valid.next = 1
            pend.next = 0
        elif take:
            if not s_in_tuser:               # an event: {gap, tdata}
                o_data.next = word_event
                o_valid.next = 1
                if s_in_tlast:
                    gap.next = one_gap
                else:
                    gap.next = zero_gap
            elif s_in_tlast:                 # a marker beat closes an empty timestep
                if gap == last_gap:          # one escape unit more
                    gap.next = zero_gap
                    if not pend:
                        pend.next = 1
                        k.next = zero_k
                        o_valid.next = 0
                    elif k == k_full:        # the longest escape: out at once
                        o_data.next = word_full
                        o_valid.next = 1
                        pend.next = 0
                    else:
                        k.next = k + 1
                        o_valid.next = 0
                else:
                    gap.next = gap + 1
                    o_valid.next = 0
            else:
                o_valid.next = 0
        elif free:
            o_valid.next = 0
    return comb, seq


@block
def decoder(clk, rst, s_code_tdata, s_code_tvalid, s_code_tready,
            m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser, p: CodecParams):
    tb, nb = p.timestamp_bits, p.neuron_bits
    cnt = Signal(intbv(0)[tb:])            # markers left in this unit / before the event
    extra = Signal(intbv(0)[nb:])          # whole escape units after this one
    held, ready = Signal(bool(0)), Signal(bool(0))
    ev = Signal(intbv(0)[nb:])
    o_valid, o_marker = Signal(bool(0)), Signal(bool(0))
    o_data = Signal(intbv(0)[nb:])
    free = Signal(bool(0))
    dt = Signal(intbv(0)[tb:])
    a = Signal(intbv(0)[nb:])
    esc_c, one_c, zero_c = const(p.escape, tb), const(1, tb), const(0, tb)
    zero_x = const(0, nb)

    @always_comb
    def comb_split():
        dt.next = s_code_tdata[tb + nb:nb]
        a.next = s_code_tdata[nb:]

    @always_comb
    def comb():
        free.next = not o_valid or m_out_tready
        ready.next = cnt == zero_c and (not held or not o_valid or m_out_tready)
        s_code_tready.next = cnt == zero_c and (not held or not o_valid or m_out_tready)
        m_out_tvalid.next = o_valid
        m_out_tdata.next = o_data
        m_out_tlast.next = o_marker
        m_out_tuser.next = o_marker

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if free:
            if cnt != zero_c:                # a marker beat
                o_valid.next = 1
                o_marker.next = 1
                o_data.next = 0
                if cnt == one_c and extra != zero_x:
                    cnt.next = esc_c
                    extra.next = extra - 1
                else:
                    cnt.next = cnt - 1
            elif held:                       # the event after its markers
                o_valid.next = 1
                o_marker.next = 0
                o_data.next = ev
                held.next = 0
            else:
                o_valid.next = 0
        if s_code_tvalid and ready:
            if dt == esc_c:                  # (a + 1) units of U markers
                cnt.next = esc_c
                extra.next = a
                held.next = 0
            else:
                cnt.next = dt
                extra.next = zero_x
                held.next = 1
                ev.next = a
    return comb_split, comb, seq


def codec(p: CodecParams = None, **sigs):
    """What the framework calls with one Signal per declared port."""
    return (encoder if p.direction == "encode" else decoder)(p=p, **sigs)


def vectors(p: CodecParams, rng, n: int) -> Vectors:
    """The replay bench drives tdata only (tlast, tuser 0).  Encode: ``n`` events in one open
    timestep -> their words (dt 0).  Decode: random event words with dt 0..3 -> the event words
    and the marker beats' tdata (0) they decode to."""
    if p.direction == "encode":
        words = [event.random_word(p.event, rng) for _ in range(n)]
        return Vectors(inputs={"s_in": words},
                       outputs={"m_code": model.encode(p, [(w, 0, 0) for w in words])})
    codes = [(rng.randrange(min(p.escape, 4)) << p.neuron_bits) | event.random_word(p.event, rng)
             for _ in range(n)]
    return Vectors(inputs={"s_code": codes},
                   outputs={"m_out": [b[0] for b in model.decode(p, codes)]})


CORE = CoreDecl(
    name="aer.codec", version=__version__, params=CodecParams, top=codec, ports=ports,
    description="delta-timestamp AER codec (the seed's AERSpikeCodec): events + timestep "
                "markers <-> code words {dt, event word}, an escape code for long gaps; "
                "encoder or decoder",
    arith={"gap": "exact: 0..2**timestamp_bits - 2; a full count becomes an escape unit",
           "units": "exact: 1..2**neuron_bits pending escape units, emitted when full",
           "markers": "exact: the decoder counts U markers per escape unit, unit by unit"},
    vectors=vectors,
    small=lambda: CodecParams(timestamp_bits=3, event={"neuron_bits": 4}),
)

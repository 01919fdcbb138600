# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.fifo``: a ``stream.fifo`` instance storing ``{tuser, tlast, tdata}``,
the drop rule in front of it and three wrapping counters (models/aer/fifo.py is the spec).

The inner FIFO's ``s_in_tvalid`` is ``s_in_tvalid`` itself: it stores a beat when it has room
(``room`` = its own tready).  In drop mode ``s_in_tready = room || !s_in_tlast``, so a beat
without tlast meeting a full FIFO transfers and is discarded (``status_dropped`` counts it);
a beat with tlast waits.  The counters count transfers on ``s_in`` and ``m_out`` and drops.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv, modbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Port, Vectors, IN, OUT, clk_rst, const, stream
from neurohdl.models.aer import event, fifo as model
from neurohdl.models.aer.fifo import AerFifoParams
from neurohdl.rtl.stream.fifo import fifo as stream_fifo


def event_stream(prefix: str, p_event, doc: str):
    """The ports of an AER stream: tdata (the event word), tvalid, tlast, tready, tuser."""
    ports = stream(prefix, p_event.width, doc, last=True)
    d = IN if prefix.startswith("s_") else OUT
    ports[2] = Port(f"{prefix}_tlast", d, 1, "tlast", "last beat of a timestep (its marker)")
    return ports + [Port(f"{prefix}_tuser", d, 1, "tuser",
                         "1: marker beat, no event (tlast 1, tdata 0)")]


def ports(p: AerFifoParams):
    cw = p.counter_bits
    return (clk_rst() + event_stream("s_in", p.event, "event word in")
            + event_stream("m_out", p.event, "the oldest beat held")
            + [Port("status_count", OUT, p.count_width, "status", "beats held (0..depth)"),
               Port("status_in", OUT, cw, "status", "beats transferred on s_in (wraps)"),
               Port("status_out", OUT, cw, "status", "beats transferred on m_out (wraps)"),
               Port("status_dropped", OUT, cw, "status",
                    "beats transferred on s_in and discarded, FIFO full (drop mode; wraps)")])


@block
def fifo(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
         m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
         status_count, status_in, status_out, status_dropped, p: AerFifoParams):
    w, cw = p.event.width, p.counter_bits
    din = ConcatSignal(s_in_tuser, s_in_tlast, s_in_tdata)
    dout = Signal(intbv(0)[w + 2:])
    room, ready = Signal(bool(0)), Signal(bool(0))
    n_in, n_out = Signal(modbv(0)[cw:]), Signal(modbv(0)[cw:])
    drop = p.full == "drop"
    n_drop = Signal(modbv(0)[cw:]) if drop else const(0, cw)
    insts = [stream_fifo(clk, rst, din, s_in_tvalid, room, dout, m_out_tvalid, m_out_tready,
                         status_count, p=p.fifo)]

    if drop:                  # a beat without tlast is taken when full (and dropped)
        @always_comb
        def comb_ready():
            ready.next = room or not s_in_tlast

        @always_seq(clk.posedge, reset=rst)
        def seq_drop():
            if s_in_tvalid and not room and not s_in_tlast:
                n_drop.next = n_drop + 1
        insts += [comb_ready, seq_drop]
    else:
        @always_comb
        def comb_ready():
            ready.next = room
        insts.append(comb_ready)

    @always_comb
    def comb():
        s_in_tready.next = ready
        m_out_tdata.next = dout[w:]
        m_out_tlast.next = dout[w]
        m_out_tuser.next = dout[w + 1]
        status_in.next = n_in
        status_out.next = n_out
        status_dropped.next = n_drop

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if s_in_tvalid and ready:
            n_in.next = n_in + 1
        if m_out_tvalid and m_out_tready:
            n_out.next = n_out + 1
    return insts + [comb, seq]


def vectors(p: AerFifoParams, rng, n: int) -> Vectors:
    """Random timesteps' beats (tdata only: the replay bench holds tlast and tuser at 0).  In
    drop mode at most ``depth`` beats: a run that cannot overflow, so nothing is dropped."""
    words = [b[0] for b in event.beats(event.random_timesteps(p.event, rng, n))][:n]
    if p.full == "drop":
        words = words[:p.depth]
    return Vectors(inputs={"s_in": words},
                   outputs={"m_out": [b[0] for b in model.run(
                       p, [(d, 0, 0) for d in words])]})


CORE = CoreDecl(
    name="aer.fifo", version=__version__, params=AerFifoParams, top=fifo, ports=ports,
    description="AER event FIFO (a stream.fifo) with in/out/dropped counters; full = stall or "
                "drop-and-count, timestep markers never dropped",
    arith={"pointers": "wrap: the stream.fifo's log2(depth)-bit pointers",
           "counters": "wrap: status_in/out/dropped are counter_bits wide and wrap, so "
                       "in = out + dropped + count holds modulo 2**counter_bits at all times",
           "count": "exact: 0..depth"},
    vectors=vectors,
)

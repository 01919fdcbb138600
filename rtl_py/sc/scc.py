# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.scc``: counts the ones of a (tdata[0]), of b (tdata[1]) and of a AND b
over windows of ``length`` accepted ``s_ab`` beats and emits the three counts of each window as
one ``m_counts`` beat {n11, nb, na}.  No division: the SCC is computed from the counts by the
host (``models.sc.scc.scc_from_counts``).

State: beat index ``idx`` (0..length-1), running counts ``na``, ``nb``, ``n11`` (each <= the
beats so far) and one output register {q_n11, q_nb, q_na} with ``q_valid``.  The last beat of a
window loads the counts including that beat into the output register and clears the window.

Timing: latency 1 cycle from the window's last beat to ``m_counts_tvalid``; throughput 1 beat
per cycle.  Handshake as ``sc.decoder``: while a result is pending (valid, not yet taken) the
next window keeps filling; only the beat that would complete it waits:
``s_ab_tready = !m_counts_tvalid || m_counts_tready || idx != length-1``.
``m_counts_tvalid`` comes from a register only.
"""
from myhdl import Signal, always_comb, always_seq, block, concat, intbv

from neurohdl.core import Vectors, clk_rst, const, stream
from neurohdl.models.sc import scc as model
from neurohdl.models.sc.scc import SccParams
from neurohdl.rtl.common.declare import declare


def ports(p: SccParams):
    return (clk_rst() + stream("s_ab", 2, "one bit of each stream: a = bit 0, b = bit 1")
            + stream("m_counts", p.tdata_width,
                     f"counts of the last window of length beats: na = bits "
                     f"[{p.count_width - 1}:0], nb = bits [{2 * p.count_width - 1}:"
                     f"{p.count_width}], n11 = bits [{3 * p.count_width - 1}:"
                     f"{2 * p.count_width}] (each 0..length)"))


@block
def scc(clk, rst, s_ab_tdata, s_ab_tvalid, s_ab_tready, m_counts_tdata, m_counts_tvalid,
        m_counts_tready, p: SccParams):
    cw = p.count_width
    last = const(p.length - 1, p.index_width)
    idx = Signal(intbv(0)[p.index_width:])
    na, nb, n11 = (Signal(intbv(0)[cw:]) for _ in range(3))           # this window so far
    q_na, q_nb, q_n11 = (Signal(intbv(0)[cw:]) for _ in range(3))     # output register
    q_valid = Signal(bool(0))
    take = Signal(bool(0))

    # Increments are written as if/else in seq, not in comb: an always_comb with branches
    # converts to an always @(...) whose sensitivity list order depends on PYTHONHASHSEED.
    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            if idx == last:                     # window complete: counts with this beat
                if s_ab_tdata[0]:
                    q_na.next = na + 1
                else:
                    q_na.next = na
                if s_ab_tdata[1]:
                    q_nb.next = nb + 1
                else:
                    q_nb.next = nb
                if s_ab_tdata[0] and s_ab_tdata[1]:
                    q_n11.next = n11 + 1
                else:
                    q_n11.next = n11
                q_valid.next = 1
                na.next = 0
                nb.next = 0
                n11.next = 0
                idx.next = 0
            else:
                if s_ab_tdata[0]:
                    na.next = na + 1
                if s_ab_tdata[1]:
                    nb.next = nb + 1
                if s_ab_tdata[0] and s_ab_tdata[1]:
                    n11.next = n11 + 1
                idx.next = idx + 1
                if m_counts_tready:
                    q_valid.next = 0
        elif m_counts_tready:
            q_valid.next = 0

    @always_comb
    def comb():
        s_ab_tready.next = not q_valid or m_counts_tready or idx != last
        take.next = s_ab_tvalid and (not q_valid or m_counts_tready or idx != last)
        m_counts_tdata.next = concat(q_n11, q_nb, q_na)
        m_counts_tvalid.next = q_valid

    return seq, comb


def window_bits(rng, length: int, kind: str) -> tuple[list[int], list[int]]:
    """One window of (a, b) bits of a given correlation kind: 'same' (b = a, SCC +1), 'comp'
    (b = NOT a, SCC -1), 'indep', 'const' (a constant, SCC 0) or 'mixed' (b = a on a random
    fraction of the beats)."""
    pa, pb = rng.random(), rng.random()
    a = [int(rng.random() < pa) for _ in range(length)]
    if kind == "same":
        b = list(a)
    elif kind == "comp":
        b = [1 - x for x in a]
    elif kind == "const":
        a = [rng.randint(0, 1)] * length
        b = [int(rng.random() < pb) for _ in range(length)]
    elif kind == "mixed":
        f = rng.random()
        b = [x if rng.random() < f else int(rng.random() < pb) for x in a]
    else:
        b = [int(rng.random() < pb) for _ in range(length)]
    return a, b


KINDS = ("same", "comp", "indep", "const", "mixed")


def vectors(p: SccParams, rng, n: int) -> Vectors:
    """About n input beats (at least one window per kind of correlation)."""
    a, b = [], []
    for j in range(max(len(KINDS), n // p.length)):
        wa, wb = window_bits(rng, p.length, KINDS[j] if j < len(KINDS) else rng.choice(KINDS))
        a += wa
        b += wb
    beats = [int(x) for x in model.pack_beat(a, b)]
    return Vectors(inputs={"s_ab": beats},
                   outputs={"m_counts": model.pack_counts(p, model.run(p, beats))})


CORE = declare("sc.scc", SccParams, scc, ports, """
    Correlation monitor: ones of a, b and a AND b over windows of length beats, for the SCC of two
    bitstreams
    count: exact: na, nb, n11 are count_width = bits_for(length) bits, hold 0..length, cleared at
        the window end
    index: exact: beat index 0..length-1 in bits_for(length-1) bits, cleared at the window end
    """, vectors=vectors)

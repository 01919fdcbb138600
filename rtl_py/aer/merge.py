# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.merge``: n event streams -> one, round robin, timesteps kept
(models/aer/merge.py is the spec).

One ``merge_input`` block per input: its request (``tvalid`` and not ``done``), its tready
(``free`` and granted) and its stage of the AND-OR multiplexer that puts the granted input's
``{tuser, tlast, tdata}`` on ``sel``.  The shared round-robin ``arbiter`` grants one input when
the output register is free; ``seq`` loads the output register and the ``done`` flags by the
marker rule.  The ports ``s_in<i>_*`` reach the block as the MyHDL interface ``s`` (attributes
``in<i>_tdata`` ...), as the CSR block does with its map-dependent ports.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, const
from neurohdl.models.aer import merge as model
from neurohdl.models.aer.merge import MergeParams
from neurohdl.rtl.aer._arbiter import arbiter
from neurohdl.rtl.aer.fifo import event_stream


def ports(p: MergeParams):
    out = clk_rst()
    for i in range(p.n):
        out += event_stream(f"s_in{i}", p.event, f"event word from input {i}")
    return out + event_stream("m_out", p.event, "the merged events")


@block
def merge_input(tdata, tvalid, tlast, tready, tuser, done_i, g_i, free, req_i, acc_in, acc_out):
    """One input: request, tready, and its multiplexer stage
    acc_out = acc_in | (g_i ? {tuser, tlast, tdata} : 0).  (The port signals are arguments
    here, so MyHDL's VHDL writer declares their numeric shadows.)"""
    word = ConcatSignal(tuser, tlast, tdata)
    valid = tvalid

    @always_comb
    def comb():
        req_i.next = valid and not done_i
        tready.next = free and g_i
        if g_i:
            acc_out.next = acc_in | word
        else:
            acc_out.next = acc_in
    return comb


class _Ports:
    """Attribute bag: MyHDL turns the interface argument ``s`` with attribute ``in0_tdata``
    into the port ``s_in0_tdata``."""


@block
def merge_block(clk, rst, s, m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready,
                m_out_tuser, p: MergeParams):
    n, w = p.n, p.event.width
    done = Signal(intbv(0)[n:])
    g = Signal(intbv(0)[n:])
    free, take = Signal(bool(0)), Signal(bool(0))
    reqs = [Signal(bool(0)) for _ in range(n)]
    req = ConcatSignal(*reversed(reqs))
    acc = [const(0, w + 2)] + [Signal(intbv(0)[w + 2:]) for _ in range(n)]
    sel = acc[n]
    o_valid, o_last, o_user = (Signal(bool(0)) for _ in range(3))
    o_data = Signal(intbv(0)[w:])
    zero_n, everyone = const(0, n), const((1 << n) - 1, n)
    insts = [arbiter(clk, rst, req, take, g, True)]
    for i in range(n):
        port = {x: getattr(s, f"in{i}_{x}") for x in ("tdata", "tvalid", "tlast", "tready",
                                                      "tuser")}
        insts.append(merge_input(**port, done_i=done(i), g_i=g(i), free=free, req_i=reqs[i],
                                 acc_in=acc[i], acc_out=acc[i + 1]))

    @always_comb
    def comb():
        free.next = not o_valid or m_out_tready
        take.next = (not o_valid or m_out_tready) and req != zero_n
        m_out_tvalid.next = o_valid
        m_out_tdata.next = o_data
        m_out_tlast.next = o_last
        m_out_tuser.next = o_user

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if take:
            o_data.next = sel[w:]
            if not sel[w]:                        # no tlast: the beat as it is
                o_valid.next = 1
                o_last.next = 0
                o_user.next = sel[w + 1]
            elif (done | g) == everyone:          # the last marker: the merged one
                o_valid.next = 1
                o_last.next = 1
                o_user.next = sel[w + 1]
                done.next = 0
            else:                                 # an input's marker: wait for the others
                o_valid.next = not sel[w + 1]
                o_last.next = 0
                o_user.next = 0
                done.next = done | g
        elif free:
            o_valid.next = 0
    return insts + [comb, seq]


def merge(p: MergeParams = None, **sigs):
    """What the framework calls with one Signal per declared port: the ``s_in<i>_*`` ports
    into the interface ``s``."""
    s = _Ports()
    for name, sig in sigs.items():
        if name.startswith("s_in"):
            setattr(s, name[2:], sig)
    rest = {k: v for k, v in sigs.items() if not k.startswith("s_in")}
    return merge_block(s=s, p=p, **rest)


def vectors(p: MergeParams, rng, n: int) -> Vectors:
    """Input 0 alone (tdata only: the replay bench holds tlast and tuser at 0, so no marker
    closes a timestep and the others stay idle): its words leave as they came."""
    words = [rng.getrandbits(p.event.width) for _ in range(n)]
    return Vectors(inputs={"s_in0": words},
                   outputs={"m_out": [b[0] for b in model.run(
                       p, [[(d, 0, 0) for d in words]] + [[] for _ in range(p.n - 1)])]})


CORE = CoreDecl(
    name="aer.merge", version=__version__, params=MergeParams, top=merge, ports=ports,
    description="N -> 1 round-robin merger of AER event streams; a merged timestep closes "
                "once every input has delivered its marker",
    arith={"grant": "wrap: the shared round-robin arbiter (one-hot lowest set bit modulo "
                    "2**n, the mask wraps to input 0 after input n-1)",
           "done": "exact: one flag per input, set by its marker, cleared by the merged one"},
    vectors=vectors,
)

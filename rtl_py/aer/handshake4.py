# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.handshake4``: 4-phase REQ/ACK <-> event streams, both directions
(models/aer/handshake4.py is the spec).

- ``synchroniser``: ``sync_stages`` flops in a chain (reset 0); nothing else reads the
  asynchronous REQ/ACK.
- receive half: the synchronised ``aer_in_req`` high, ACK low and the output register free
  (empty, or emptied this cycle): capture ``aer_in_data``, ACK high; synchronised REQ low with
  ACK high: ACK low.  ``aer_in_data`` is read only in that capture, ``sync_stages`` or more
  cycles after REQ rose.
- send half: idle (``s_in_tready``) -> a beat loads ``aer_out_data`` -> REQ high a cycle later
  -> synchronised ACK high: REQ low -> synchronised ACK low: idle.
"""
from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, concat, intbv

from neurohdl.core import IN, OUT, Port, clk_rst
from neurohdl.models.aer import event, handshake4 as model
from neurohdl.models.aer.handshake4 import Handshake4Params
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.aer.link import loopback_bench
from neurohdl.rtl.common.declare import declare

S_IDLE, S_SETUP, S_REQ, S_RELEASE = range(4)


def ports(p: Handshake4Params):
    db = p.data_bits
    return (clk_rst() + event_stream("s_in", p.event, "event beat to send on aer_out")
            + event_stream("m_out", p.event, "event beat received on aer_in")
            + [Port("aer_in_req", IN, 1, "aer", "request from the async sender (active high); "
                    "asynchronous, synchronised"),
               Port("aer_in_data", IN, db, "aer", "{tuser, tlast, tdata}, stable while "
                    "aer_in_req is high (bundled data)"),
               Port("aer_in_ack", OUT, 1, "aer", "acknowledge to the async sender"),
               Port("aer_out_req", OUT, 1, "aer", "request to the async receiver (active high)"),
               Port("aer_out_data", OUT, db, "aer", "{tuser, tlast, tdata}, set a cycle before "
                    "aer_out_req rises, held until the next beat"),
               Port("aer_out_ack", IN, 1, "aer", "acknowledge from the async receiver; "
                    "asynchronous, synchronised")])


@block
def synchroniser(clk, rst, d, q, stages: int):
    """q = d through ``stages`` flops (reset 0)."""
    chain = Signal(intbv(0)[stages:])

    @always_seq(clk.posedge, reset=rst)
    def seq():
        chain.next = concat(chain[stages - 1:0], d)

    @always_comb
    def comb():
        q.next = chain[stages - 1]
    return seq, comb


@block
def handshake4(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
               m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
               aer_in_req, aer_in_data, aer_in_ack, aer_out_req, aer_out_data, aer_out_ack,
               p: Handshake4Params):
    w, db = p.event.width, p.data_bits
    req_s, ack_s = Signal(bool(0)), Signal(bool(0))
    # receive half
    ack = Signal(bool(0))
    full = Signal(bool(0))
    held = Signal(intbv(0)[db:])
    # send half
    st = Signal(intbv(S_IDLE, min=0, max=4))
    req = Signal(bool(0))
    sent = Signal(intbv(0)[db:])
    beat = ConcatSignal(s_in_tuser, s_in_tlast, s_in_tdata)
    insts = [synchroniser(clk, rst, aer_in_req, req_s, p.sync_stages),
             synchroniser(clk, rst, aer_out_ack, ack_s, p.sync_stages)]

    @always_comb
    def comb():
        m_out_tvalid.next = full
        m_out_tdata.next = held[w:]
        m_out_tlast.next = held[w]
        m_out_tuser.next = held[w + 1]
        aer_in_ack.next = ack
        s_in_tready.next = st == S_IDLE
        aer_out_req.next = req
        aer_out_data.next = sent

    @always_seq(clk.posedge, reset=rst)
    def seq_rx():
        if full and m_out_tready:
            full.next = False
        if req_s and not ack and (not full or m_out_tready):
            held.next = aer_in_data
            full.next = True
            ack.next = True
        elif not req_s and ack:
            ack.next = False

    @always_seq(clk.posedge, reset=rst)
    def seq_tx():
        if st == S_IDLE:
            if s_in_tvalid:
                sent.next = beat
                st.next = S_SETUP
        elif st == S_SETUP:
            req.next = True
            st.next = S_REQ
        elif st == S_REQ:
            if ack_s:
                req.next = False
                st.next = S_RELEASE
        else:
            if not ack_s:
                st.next = S_IDLE
    return insts + [comb, seq_rx, seq_tx]


def bench(p: Handshake4Params, name: str, n: int, seed: int, fault: bool = False) -> str:
    """The FuseSoC ``sim`` bench: the send half's REQ/data looped to the receive half and its
    ACK back (aer_out -> aer_in): min(n, 64) random beats through both halves, in order."""
    import random as _r
    beats = event.beats(event.random_timesteps(p.event, _r.Random(seed), max(1, min(n, 64))))
    ins = [event.beat_word(p.event, b) for b in beats]
    exp = [event.beat_word(p.event, b) for b in model.run(p, beats)]
    if fault:                 # neurohdl.bench's must-fail: one expected beat corrupted
        exp[len(exp) // 2] ^= 1
    return loopback_bench(
        CORE, p, name, seed, ins, exp,
        ["wire req, ack;", f"wire [{p.data_bits - 1}:0] data;"],
        ".aer_in_req(req), .aer_in_data(data), .aer_in_ack(ack), .aer_out_req(req), "
        ".aer_out_data(data), .aer_out_ack(ack)", "1", 40 * (len(beats) + 8))


CORE = declare("aer.handshake4", Handshake4Params, handshake4, ports, """
    4-phase REQ/ACK wrapper for asynchronous AER buses, both directions, with 2- or 3-flop
    synchronisers on the incoming REQ and ACK
    handshake: exact: no arithmetic, a 4-state send FSM and a 1-beat receive register
    """, bench=bench)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``aer.link``: one endpoint of a framed, CRC-checked UART event link
(models/aer/link.py is the spec; docs/cores/aer/link.md the frame format).

Blocks:

- sender: ``s_in`` beat -> frame register (the beat word ``{tuser, tlast, tdata}``), a byte
  counter and a running CRC; each byte goes to bus.uart_bridge's ``uart_transmitter`` the cycle
  it is free (``go = busy_frame && !tx_busy``): SYNC, the beat bytes LSB first (the CRC takes
  each as it leaves), the CRC bytes MSB first.  ``s_in_tready`` is low from the beat until its
  last byte has started.
- receiver: bus.uart_bridge's ``uart_receiver`` (2-flop synchroniser, mid-bit sampling) ->
  hunt for SYNC, shift the beat bytes in, run the CRC over beat and CRC bytes; 0 at the end (and the
  beat's unused top bits 0):
  a good frame, pushed into a ``stream.fifo`` of ``rx_depth`` beats (or counted as overflow
  when full); else (or a stop bit of 0 inside the frame) counted in ``status_crc_err``.
- counters: sent (s_in transfers), received (good frames), crc_err, overflow, out (m_out
  transfers); received = out + overflow + count holds every cycle (the push and its count
  happen at the same edge).
"""
from myhdl import Signal, always_comb, always_seq, block, concat, intbv, modbv

from neurohdl.core import IN, OUT, Port, clk_rst, const
from neurohdl.models.aer import event, link as model
from neurohdl.models.aer.link import SYNC, CRC16_POLY, LinkParams
from neurohdl.models.bus.uart_bridge import CRC_POLY as CRC8_POLY
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.bus.uart_bridge import uart_receiver, uart_transmitter
from neurohdl.rtl.common.declare import declare
from neurohdl.rtl.stream.fifo import fifo as stream_fifo

COUNTERS = (("sent", "beats taken on s_in (frames sent or being sent)"),
            ("received", "good frames received (CRC 0)"),
            ("crc_err", "frames dropped: bad CRC, or a stop bit of 0 inside the frame"),
            ("overflow", "good frames discarded: the receive FIFO was full"),
            ("out", "beats transferred on m_out"))


def ports(p: LinkParams):
    cw = p.counter_bits
    return (clk_rst() + event_stream("s_in", p.event, "event beat to send")
            + event_stream("m_out", p.event, "event beat received (good frames, in order)")
            + [Port("link_tx", OUT, 1, "uart", "serial out to the other endpoint (8N1, idle "
                    "high)"),
               Port("link_rx", IN, 1, "uart", "serial in from the other endpoint (8N1, idle "
                    "high); asynchronous, synchronised")]
            + [Port(f"status_{name}", OUT, cw, "status", f"{doc} (wraps)")
               for name, doc in COUNTERS]
            + [Port("status_count", OUT, p.rx_depth.bit_length(), "status",
                    "beats held in the receive FIFO")])


@block
def crc_byte(c_in, d_in, c_out, poly: int):
    """c_out = the CRC register (``len(c_in)`` bits, MSB first, generator ``poly``) after the
    byte ``d_in`` (combinational; bus.uart_bridge's crc8_next for any width >= 8)."""
    w = len(c_in)
    g = const(poly, w)
    insts = []
    if w > 8:                                 # the byte lines up with the register's top
        dx = Signal(intbv(0)[w:])
        pad = const(0, w - 8)

        @always_comb
        def comb_dx():
            dx.next = concat(d_in, pad)
        insts.append(comb_dx)
    else:
        dx = d_in

    @always_comb
    def comb():
        c = intbv(0)[w:]
        c[:] = c_in ^ dx
        for k in range(8):
            if c[w - 1]:
                c[:] = concat(c[w - 1:0], False) ^ g
            else:
                c[:] = concat(c[w - 1:0], False)
        c_out.next = c

    return insts + [comb]


@block
def sender(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser, link_tx,
           n_sent, p: LinkParams):
    """s_in beats -> frames on ``link_tx``; ``idx`` is the frame byte handed to the
    transmitter next (0 SYNC, 1..B beat bytes, then the CRC bytes); ``n_sent`` counts beats."""
    w, bb, cb = p.event.width, p.beat_bytes, p.crc_bits
    fw = max(8, w + 2)                        # the beat word; zeros shift in from the top
    last = p.frame_bytes - 1
    busy = Signal(bool(0))                    # a frame is waiting to be handed on
    idx = Signal(intbv(0, min=0, max=p.frame_bytes))
    word = Signal(intbv(0)[fw:])              # beat bits not yet sent, LSB first
    crc, crc_nx = Signal(intbv(0)[cb:]), Signal(intbv(0)[cb:])
    go, tx_busy = Signal(bool(0)), Signal(bool(0))
    tx_byte = Signal(intbv(0)[8:])
    beat = Signal(intbv(0)[fw:])              # the s_in beat word, zero-extended
    if fw > w + 2:
        pad = const(0, fw - w - 2)

        @always_comb
        def comb_beat():
            beat.next = concat(pad, s_in_tuser, s_in_tlast, s_in_tdata)
    else:
        @always_comb
        def comb_beat():
            beat.next = concat(s_in_tuser, s_in_tlast, s_in_tdata)
    c_sync = const(SYNC, 8)
    c_last_beat = const(bb, len(idx))
    if cb > 8:                                # the CRC after its top byte has left
        crc_shl = Signal(intbv(0)[cb:])
        zero8 = const(0, 8)

        @always_comb
        def comb_shl():
            crc_shl.next = concat(crc[cb - 8:], zero8)
    else:                                     # one CRC byte: nothing follows it
        crc_shl = const(0, cb)
    insts = [uart_transmitter(clk, rst, go, tx_byte, tx_busy, link_tx, p.divisor),
             crc_byte(crc, tx_byte, crc_nx, CRC16_POLY if cb == 16 else CRC8_POLY)]

    @always_comb
    def comb():
        s_in_tready.next = not busy
        go.next = busy and not tx_busy
        if idx == 0:
            tx_byte.next = c_sync
        elif idx <= c_last_beat:
            tx_byte.next = word[8:]
        else:
            tx_byte.next = crc[cb:cb - 8]

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if go:
            if idx != 0 and idx <= c_last_beat:
                word.next = word >> 8
                crc.next = crc_nx
            elif idx > c_last_beat:
                crc.next = crc_shl
            if idx == last:
                busy.next = False
            else:
                idx.next = idx + 1
        elif s_in_tvalid and not busy:
            busy.next = True
            idx.next = 0
            crc.next = 0
            n_sent.next = n_sent + 1
            word.next = beat
    return insts + [comb, comb_beat, seq] + ([comb_shl] if cb > 8 else [])


@block
def receiver(clk, rst, link_rx, push, push_data, n_crc_err, p: LinkParams):
    """Frames from ``link_rx``: ``push`` pulses one cycle with the beat word of each good
    frame in ``push_data``; a bad frame counts in ``n_crc_err``: a bad CRC, a stop bit of 0, or
    ``gap_cycles`` cycles inside a frame with the UART receiver idle (the sender sends a
    frame's bytes back to back, so a gap means a lost character or a sender reset)."""
    w, bb, cb = p.event.width, p.beat_bytes, p.crc_bits
    fw = 8 * bb
    last = bb + p.crc_bytes - 1               # index of a frame's last byte after SYNC
    rx_valid, rx_ferr, rx_busy = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    rx_byte = Signal(intbv(0)[8:])
    in_frame = Signal(bool(0))
    idx = Signal(intbv(0, min=0, max=last + 1))
    word = Signal(intbv(0)[fw:])              # beat bytes shifted in at the top
    crc, crc_nx = Signal(intbv(0)[cb:]), Signal(intbv(0)[cb:])
    word_in = Signal(intbv(0)[fw:])
    c_sync = const(SYNC, 8)
    c_beat = const(bb, len(idx))
    gap = p.gap_cycles
    timer = Signal(intbv(0, min=0, max=gap + 1))
    insts = [uart_receiver(clk, rst, link_rx, rx_valid, rx_ferr, rx_byte, rx_busy, p.divisor),
             crc_byte(crc, rx_byte, crc_nx, CRC16_POLY if cb == 16 else CRC8_POLY)]
    if fw > 8:
        @always_comb
        def comb_in():
            word_in.next = concat(rx_byte, word[fw:8])
    else:
        @always_comb
        def comb_in():
            word_in.next = rx_byte

    pad_ok = Signal(bool(1))                  # the beat bytes' unused top bits are 0
    if fw > w + 2:
        pad0 = const(0, fw - w - 2)

        @always_comb
        def comb_pad():
            pad_ok.next = word[fw:w + 2] == pad0
        insts.append(comb_pad)

    @always_comb
    def comb_out():
        push_data.next = word[w + 2:]

    @always_seq(clk.posedge, reset=rst)
    def seq():
        push.next = False
        if not in_frame or rx_busy or rx_valid:
            timer.next = 0
        else:
            timer.next = timer + 1
        if not in_frame:
            if rx_valid and rx_byte == c_sync:
                in_frame.next = True
                idx.next = 0
                crc.next = 0
        elif rx_ferr or timer == gap:
            in_frame.next = False
            n_crc_err.next = n_crc_err + 1
        elif rx_valid:
            crc.next = crc_nx
            if idx < c_beat:
                word.next = word_in
            if idx == last:
                in_frame.next = False
                if crc_nx == 0 and pad_ok:
                    push.next = True
                else:
                    n_crc_err.next = n_crc_err + 1
            else:
                idx.next = idx + 1
    return insts + [comb_in, comb_out, seq]


@block
def link(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
         m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser, link_tx, link_rx,
         status_sent, status_received, status_crc_err, status_overflow, status_out,
         status_count, p: LinkParams):
    w, cw = p.event.width, p.counter_bits
    n_sent, n_crc = Signal(modbv(0)[cw:]), Signal(modbv(0)[cw:])
    n_recv, n_over, n_out = (Signal(modbv(0)[cw:]) for _ in range(3))
    push, room = Signal(bool(0)), Signal(bool(0))
    push_data, dout = Signal(intbv(0)[w + 2:]), Signal(intbv(0)[w + 2:])
    insts = [sender(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
                    link_tx, n_sent, p),
             receiver(clk, rst, link_rx, push, push_data, n_crc, p),
             stream_fifo(clk, rst, push_data, push, room, dout, m_out_tvalid, m_out_tready,
                         status_count, p=FifoParams(depth=p.rx_depth, width=w + 2,
                                                    storage="lut"))]

    @always_comb
    def comb():
        m_out_tdata.next = dout[w:]
        m_out_tlast.next = dout[w]
        m_out_tuser.next = dout[w + 1]
        status_sent.next = n_sent
        status_received.next = n_recv
        status_crc_err.next = n_crc
        status_overflow.next = n_over
        status_out.next = n_out

    @always_seq(clk.posedge, reset=rst)
    def seq():
        if push:
            n_recv.next = n_recv + 1
            if not room:
                n_over.next = n_over + 1
        if m_out_tvalid and m_out_tready:
            n_out.next = n_out + 1
    return insts + [comb, seq]


def loopback_bench(decl, p, name: str, seed: int, ins, exp, loop: list[str], conns: str,
                   done: str, limit: int) -> str:
    """Self-checking Verilog bench for the FuseSoC ``sim`` target of a core whose output side
    loops back to its input side (aer.link: the serial line; aer.handshake4: REQ/ACK/data):
    the beat words ``ins`` go in on ``s_in`` with pseudo-random idle cycles and must come out of
    ``m_out`` (pseudo-random back-pressure) as ``exp``, in order.  ``loop``: Verilog
    declarations of the loop's nets; ``conns``: the DUT's other port connections; ``done``: a
    Verilog condition that must hold too at the end; ``limit``: cycles before a timeout."""
    w = p.event.width
    L = [f"// self-checking bench for {decl.vlnv()} ({type(p).__name__} {p.digest()}), seed "
         f"{seed}: do not edit", "`timescale 1ns/10ps", f"module {name}_tb;",
         "reg clk = 1'b0;", "reg rst = 1'b1;", "always #5 clk = ~clk;",
         "reg [31:0] prng = 32'h%08x;" % ((seed & 0xFFFFFFFF) or 1),
         "always @(posedge clk) prng <= {prng[30:0], prng[31] ^ prng[21] ^ prng[1] ^ prng[0]};",
         f"reg [{w + 1}:0] ins [0:{len(ins) - 1}];", f"reg [{w + 1}:0] exp [0:{len(exp) - 1}];",
         "integer i = 0, o = 0, cycles = 0;",
         f"reg [{w - 1}:0] s_tdata = 0;",
         "reg s_tvalid = 0, s_tlast = 0, s_tuser = 0, m_tready = 0;",
         f"wire [{w - 1}:0] m_tdata;", "wire s_tready, m_tvalid, m_tlast, m_tuser;"] + loop + [
         f"{name} dut (.clk(clk), .rst(rst), .s_in_tdata(s_tdata), .s_in_tvalid(s_tvalid), "
         ".s_in_tlast(s_tlast), .s_in_tready(s_tready), .s_in_tuser(s_tuser), "
         ".m_out_tdata(m_tdata), .m_out_tvalid(m_tvalid), .m_out_tlast(m_tlast), "
         f".m_out_tready(m_tready), .m_out_tuser(m_tuser), {conns});",
         "initial begin"]
    L += [f"    ins[{i}] = {w + 2}'d{v};" for i, v in enumerate(ins)]
    L += [f"    exp[{i}] = {w + 2}'d{v};" for i, v in enumerate(exp)]
    L += ["    repeat (4) @(posedge clk); rst <= 1'b0;", "end",
          "always @(posedge clk) if (!rst) begin",
          "    cycles = cycles + 1;",
          "    if (s_tvalid && s_tready) i = i + 1;",
          "    if (!s_tvalid || s_tready) begin",
          f"        if (i < {len(ins)} && !(prng[0] & prng[3])) begin",
          "            s_tvalid <= 1'b1; {s_tuser, s_tlast, s_tdata} <= ins[i];",
          "        end else s_tvalid <= 1'b0;", "    end",
          "    if (m_tvalid && m_tready) begin",
          f"        if (o >= {len(exp)} || {{m_tuser, m_tlast, m_tdata}} !== exp[o]) begin",
          '            $display("FAIL m_out beat %0d: rtl %h", o, {m_tuser, m_tlast, m_tdata});',
          "            $fatal(1);", "        end", "        o = o + 1;", "    end",
          "    m_tready <= !(prng[5] & prng[7]);",
          f"    if (o == {len(exp)} && {done}) begin",
          f'        $display("PASS {name}_tb: all model transactions matched after %0d '
          'cycles", cycles);',
          "        $finish;", "    end",
          f"    if (cycles > {limit}) begin",
          f'        $display("FAIL {name}_tb: timeout after %0d cycles (%0d of {len(exp)} '
          'beats)", cycles, o);',
          "        $fatal(1);", "    end", "end", "endmodule"]
    return "\n".join(L) + "\n"


def bench(p: LinkParams, name: str, n: int, seed: int, fault: bool = False) -> str:
    """The FuseSoC ``sim`` bench: ``link_tx`` looped back to ``link_rx``; min(n, 24) random
    beats through the model's frame round trip, no CRC error, no overflow."""
    import random as _r
    beats = event.beats(event.random_timesteps(p.event, _r.Random(seed), max(1, min(n, 24))))
    got, _ = model.receive(p, [("byte", b) for b in model.encode_all(p, beats)])
    exp = [event.beat_word(p.event, b) for b in got]
    if fault:                 # neurohdl.bench's must-fail: one expected beat corrupted
        exp[len(exp) // 2] ^= 1
    cw = p.counter_bits
    return loopback_bench(
        CORE, p, name, seed, [event.beat_word(p.event, b) for b in beats], exp,
        ["wire line;", f"wire [{cw - 1}:0] n_sent, n_recv, n_crc, n_over, n_out;",
         f"wire [{p.rx_depth.bit_length() - 1}:0] n_count;"],
        ".link_tx(line), .link_rx(line), .status_sent(n_sent), .status_received(n_recv), "
        ".status_crc_err(n_crc), .status_overflow(n_over), .status_out(n_out), "
        ".status_count(n_count)", "n_crc == 0 && n_over == 0",
        (len(beats) + 4) * p.frame_cycles * 2)


CORE = declare("aer.link", LinkParams, link, ports, """
    Chip-to-chip AER link: event beats as SYNC + beat + CRC-8/CRC-16 frames over
    bus.uart_bridge's UART, drop-and-count on a bad CRC, with sent/received/crc_err/overflow/out
    counters
    crc: exact: GF(2) shift/XOR, no carries
    counters: wrap: status_* are counter_bits wide and wrap, so received = out + overflow +
        count holds modulo 2**counter_bits at all times
    byte_index: exact: 0 .. frame bytes - 1
    """, bench=bench)

# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``bus.uart_bridge``: UART 8N1 <-> Wishbone B4 pipelined master.

Blocks (one module after conversion):

- receiver: 2-flop synchroniser (reset to the idle level 1), start-bit detection with a
  mid-bit re-check (a glitch shorter than half a bit is ignored), eight data bits and the stop
  bit sampled mid-bit every ``divisor`` clocks; a stop bit of 0 is a framing error, after which
  the receiver waits for the line to return high (a break is one error, not many).
- transmitter: start bit, 8 data bits LSB first, stop bit, ``divisor`` clocks each.
- control FSM: frame parser with a running CRC-8 (a frame ends with its CRC byte and is good
  iff the CRC over CMD..CRC is 0), checks, the Wishbone burst, the response.  Write words go
  into the word buffer while they arrive; the burst starts only after the CRC is checked.  Read
  words are buffered and sent after the burst (so a bus error can still be NACKed).
- inter-byte timer: counts clocks while a frame (or a framing-error discard) is open and the
  receiver is idle; at ``timeout_bits * divisor`` clocks it closes the frame (NACK TIMEOUT, or
  NACK FRAMING after a discard).
- word buffer: 2^ceil(log2(max_burst)) x data_width, one registered write port, one registered
  read port (block RAM on FPGAs).

Wishbone: word addressed, ``wb_sel`` all ones.  ``wb_cyc`` is high for the whole burst; ``wb_stb``
issues one request per cycle the slave does not stall (pipelined: requests run ahead of
responses); the first ``wb_err`` drops ``wb_cyc`` and ``wb_stb`` on the next edge and abandons any
outstanding requests; acks after that are ignored.  ``wb_ack`` and ``wb_err`` are sampled only
with ``wb_cyc`` high.  All outputs are registers except ``wb_dat_w`` (the buffer's read
register) and ``wb_sel`` (constant).
"""
from myhdl import Signal, always, always_comb, always_seq, block, concat, intbv, modbv

from neurohdl.core import IN, OUT, Port, clk_rst, const
from neurohdl.models.bus import uart_bridge as model
from neurohdl.models.bus.uart_bridge import (CMD_RESERVED, SYNC_REQ, SYNC_RESP, Status,
                                             UartBridgeParams)
from neurohdl.rtl.common.declare import declare

# control states
S_IDLE, S_CMD, S_LEN, S_ADDR, S_DATA, S_CRC, S_CHECK, S_EXEC, S_RESP, S_DISCARD = range(10)
# receiver states
R_IDLE, R_START, R_DATA, R_STOP, R_WAITH = range(5)
# response phases
P_SYNC, P_STATUS, P_INFO, P_DATA, P_CRC = range(5)


def buf_index_width(p: UartBridgeParams) -> int:
    return max(1, (p.max_burst - 1).bit_length())


def ports(p: UartBridgeParams):
    aw, dw = p.addr_width, p.data_width
    return clk_rst() + [
        Port("uart_rx", IN, 1, "uart", "serial in (8N1, idle high); asynchronous, synchronised"),
        Port("uart_tx", OUT, 1, "uart", "serial out (8N1, idle high)"),
        Port("wb_cyc", OUT, 1, "wishbone", "bus cycle: high for a whole burst"),
        Port("wb_stb", OUT, 1, "wishbone", "request strobe (one request per non-stalled cycle)"),
        Port("wb_we", OUT, 1, "wishbone", "write enable"),
        Port("wb_adr", OUT, aw, "wishbone", "word address"),
        Port("wb_sel", OUT, p.sel_width, "wishbone", "byte selects (all ones)"),
        Port("wb_dat_w", OUT, dw, "wishbone", "write data"),
        Port("wb_dat_r", IN, dw, "wishbone", "read data, valid with wb_ack"),
        Port("wb_ack", IN, 1, "wishbone", "transfer acknowledged"),
        Port("wb_err", IN, 1, "wishbone", "transfer error: stops the burst (NACK BUS_ERR)"),
        Port("wb_stall", IN, 1, "wishbone", "slave not ready: the request is held"),
        Port("status_crc_err", OUT, 1, "status", "sticky: a frame had a bad CRC"),
        Port("status_framing_err", OUT, 1, "status", "sticky: a byte had a bad stop bit"),
        Port("status_timeout", OUT, 1, "status", "sticky: a partial frame timed out"),
        Port("status_bus_err", OUT, 1, "status", "sticky: a burst ended with wb_err"),
        Port("status_overrun", OUT, 1, "status", "sticky: a byte arrived while busy (dropped)"),
    ]


@block
def crc8_next(c_in, d_in, c_out):
    """c_out = CRC-8 (poly 0x07) register after shifting byte d_in into c_in (combinational)."""
    poly = const(0x07, 8)

    @always_comb
    def comb():
        c = intbv(0)[8:]
        c[:] = c_in ^ d_in
        for k in range(8):
            if c[7]:
                c[:] = concat(c[7:0], False) ^ poly
            else:
                c[:] = concat(c[7:0], False)
        c_out.next = c

    return comb


@block
def shift_in(byte, reg, y):
    """y = reg shifted right by 8 with ``byte`` in at the top (y = byte when reg is 8 bits)."""
    w = len(reg)
    if w > 8:
        @always_comb
        def comb():
            y.next = concat(byte, reg[w:8])
    else:
        @always_comb
        def comb():
            y.next = byte
    return comb


def _count_width(div: int) -> int:
    """Bits of the bit-time counters (counting div - 1 .. 0)."""
    return max(2, (div - 1).bit_length())


@block
def uart_receiver(clk, rst, line, valid, ferr, byte, busy, div: int):
    """UART 8N1 receiver at ``div`` clocks a bit: 2-flop synchroniser of ``line`` (reset to the
    idle level 1), start bit re-checked mid-bit (a glitch shorter than half a bit is ignored),
    data and stop bits sampled mid-bit.  ``valid`` pulses one cycle with the byte in ``byte``
    (held until the next byte); ``ferr`` pulses instead when the stop bit is 0, after which the
    receiver waits for the line to return high (a break is one error).  ``busy``: a character
    is being received (the receiver is not idle)."""
    cw = _count_width(div)
    rx_s1 = Signal(bool(1))
    rx_s2 = Signal(bool(1))
    rx_st = Signal(intbv(R_IDLE, min=0, max=5))
    rx_cnt = Signal(intbv(0)[cw:])
    rx_bit = Signal(intbv(0)[3:])
    rx_sh = Signal(intbv(0)[8:])
    rx_valid = Signal(bool(0))
    rx_ferr = Signal(bool(0))
    half = const(div // 2 - 1, cw)
    full = const(div - 1, cw)

    @always_seq(clk.posedge, reset=rst)
    def seq_rx():
        rx_s1.next = line
        rx_s2.next = rx_s1
        rx_valid.next = False
        rx_ferr.next = False
        if rx_st == R_IDLE:
            if not rx_s2:
                rx_st.next = R_START
                rx_cnt.next = half
        elif rx_st == R_START:
            if rx_cnt == 0:
                if rx_s2:
                    rx_st.next = R_IDLE
                else:
                    rx_st.next = R_DATA
                    rx_cnt.next = full
                    rx_bit.next = 0
            else:
                rx_cnt.next = rx_cnt - 1
        elif rx_st == R_DATA:
            if rx_cnt == 0:
                rx_sh.next = concat(rx_s2, rx_sh[8:1])
                rx_cnt.next = full
                if rx_bit == 7:
                    rx_st.next = R_STOP
                else:
                    rx_bit.next = rx_bit + 1
            else:
                rx_cnt.next = rx_cnt - 1
        elif rx_st == R_STOP:
            if rx_cnt == 0:
                if rx_s2:
                    rx_valid.next = True
                    rx_st.next = R_IDLE
                else:
                    rx_ferr.next = True
                    rx_st.next = R_WAITH
            else:
                rx_cnt.next = rx_cnt - 1
        else:
            if rx_s2:
                rx_st.next = R_IDLE

    @always_comb
    def comb_rx():
        valid.next = rx_valid
        ferr.next = rx_ferr
        byte.next = rx_sh
        busy.next = rx_st != R_IDLE

    return seq_rx, comb_rx


@block
def uart_transmitter(clk, rst, go, byte, busy, line, div: int):
    """UART 8N1 transmitter at ``div`` clocks a bit.  With ``busy`` low, ``go`` high at an edge
    loads ``byte``: from the next cycle the line sends the start bit, 8 data bits LSB first and
    the stop bit, ``div`` clocks each; ``busy`` is high from that edge until the edge that ends
    the stop bit (so a byte occupies 10 * div cycles of busy, and a ``go`` held high starts the
    next byte one cycle after busy falls: 10 * div + 1 cycles a byte).  ``line`` idles high."""
    cw = _count_width(div)
    full = const(div - 1, cw)
    tx_busy = Signal(bool(0))
    tx_sh = Signal(intbv(0)[9:])
    tx_n = Signal(intbv(0)[4:])
    tx_cnt = Signal(intbv(0)[cw:])
    tx_q = Signal(bool(1))

    @always_seq(clk.posedge, reset=rst)
    def seq_tx():
        if not tx_busy:
            if go:
                tx_sh.next = concat(True, byte)
                tx_q.next = False
                tx_cnt.next = full
                tx_n.next = 9
                tx_busy.next = True
        else:
            if tx_cnt == 0:
                if tx_n == 0:
                    tx_busy.next = False
                else:
                    tx_q.next = tx_sh[0]
                    tx_sh.next = tx_sh >> 1
                    tx_n.next = tx_n - 1
                    tx_cnt.next = full
            else:
                tx_cnt.next = tx_cnt - 1

    @always_comb
    def comb_tx():
        busy.next = tx_busy
        line.next = tx_q

    return seq_tx, comb_tx


@block
def uart_bridge(clk, rst, uart_rx, uart_tx, wb_cyc, wb_stb, wb_we, wb_adr, wb_sel, wb_dat_w,
                wb_dat_r, wb_ack, wb_err, wb_stall, status_crc_err, status_framing_err,
                status_timeout, status_bus_err, status_overrun, p: UartBridgeParams):
    div = p.divisor
    aw, dw = p.addr_width, p.data_width
    ab, wbytes = p.addr_bytes, p.word_bytes
    ib = buf_index_width(p)
    depth = 1 << ib
    tcyc = p.timeout_cycles
    tw = (tcyc - 1).bit_length()
    fw = 8 * ab                          # address field bits

    # ---------------------------------------------------------------- UART ------------
    rx_busy = Signal(bool(0))
    rx_sh = Signal(intbv(0)[8:])
    rx_valid = Signal(bool(0))
    rx_ferr = Signal(bool(0))
    rx_inst = uart_receiver(clk, rst, uart_rx, rx_valid, rx_ferr, rx_sh, rx_busy, div)
    tx_busy = Signal(bool(0))
    tx_go = Signal(bool(0))
    tx_byte = Signal(intbv(0)[8:])
    tx_inst = uart_transmitter(clk, rst, tx_go, tx_byte, tx_busy, uart_tx, div)

    # ---------------------------------------------------------------- word buffer -----
    mem = [Signal(intbv(0)[dw:]) for _ in range(depth)]
    mem_we = Signal(bool(0))
    mem_wa = Signal(intbv(0)[ib:])
    mem_wd = Signal(intbv(0)[dw:])
    mem_ra = Signal(intbv(0)[ib:])
    mem_rd = Signal(intbv(0)[dw:])

    @always(clk.posedge)
    def seq_mem():
        if mem_we:
            mem[mem_wa].next = mem_wd
        mem_rd.next = mem[mem_ra]

    # ---------------------------------------------------------------- control ---------
    st = Signal(intbv(S_IDLE, min=0, max=10))
    cmd = Signal(intbv(0)[8:])
    lenm1 = Signal(intbv(0)[8:])
    addr = Signal(intbv(0)[fw:])
    cnt = Signal(intbv(0)[8:])           # address bytes / words received / words sent
    bsel = Signal(intbv(0)[2:])          # byte within a word
    wsh = Signal(intbv(0)[dw:])          # word being assembled (rx) or sent (tx)
    crc = Signal(intbv(0)[8:])
    crc_rx = Signal(intbv(0)[8:])
    timer = Signal(intbv(0)[max(1, tw):])
    issue = Signal(intbv(0)[9:])
    issue_p1 = Signal(intbv(0)[9:])
    resp = Signal(intbv(0)[9:])
    status = Signal(intbv(0)[8:])
    info = Signal(intbv(0)[8:])
    phase = Signal(intbv(P_SYNC, min=0, max=5))
    rbyte = Signal(intbv(0)[8:])
    crc_tx = Signal(intbv(0)[8:])
    lw_ = max(aw, 8)
    a_l = Signal(intbv(0)[lw_:])
    len_l = Signal(intbv(0)[lw_:])
    addr_bad = Signal(bool(0))
    ones_l = const((1 << aw) - 1, lw_)
    hi_nz = Signal(bool(0)) if fw > aw else const(0, 1)
    hi_zero = const(0, fw - aw) if fw > aw + 1 else None
    lo_pad = const(0, 8 - aw) if aw < 8 else None
    len_pad = const(0, aw - 8) if aw > 8 else None
    adr_r = Signal(modbv(0)[aw:])
    cyc_r = Signal(bool(0))
    stb_r = Signal(bool(0))
    we_r = Signal(bool(0))
    f_crc = Signal(bool(0))
    f_fr = Signal(bool(0))
    f_to = Signal(bool(0))
    f_bus = Signal(bool(0))
    f_ovr = Signal(bool(0))

    crc_rx_inst = crc8_next(crc, rx_sh, crc_rx)
    crc_tx_inst = crc8_next(crc, rbyte, crc_tx)

    timeout_at = const(tcyc - 1, max(1, tw))
    last_word = const(depth - 1, ib)
    mb_m1 = const(p.max_burst - 1, 8)
    reserved = const(CMD_RESERVED, 8)
    c_sync = const(SYNC_REQ, 8)
    c_sync_resp = const(SYNC_RESP, 8)
    last_ab = const(ab - 1, 8)
    last_wb = const(wbytes - 1, 2)
    st_bad_crc = const(Status.BAD_CRC, 8)
    st_bad_cmd = const(Status.BAD_CMD, 8)
    st_bad_len = const(Status.BAD_LEN, 8)
    st_bad_addr = const(Status.BAD_ADDR, 8)
    st_bus = const(Status.BUS_ERR, 8)
    st_timeout = const(Status.TIMEOUT, 8)
    st_framing = const(Status.FRAMING, 8)
    st_ack = const(Status.ACK, 8)

    @always_comb
    def comb_issue():
        issue_p1.next = issue + 1

    # BAD_ADDR: addr >= 2^aw, or (incrementing) addr + lenm1 >= 2^aw, computed without a
    # carry chain whose low bits would go unused: lenm1 > ones or addr > ones - lenm1, in L bits.
    if fw == aw + 1:   # one high bit: a bit select (MyHDL converts a 1-bit slice compare to
        @always_comb   # an index outside that slice in VHDL: 'addr(31 downto 31)(0)')
        def comb_hinz():
            hi_nz.next = addr[aw]
    elif fw > aw:
        @always_comb
        def comb_hinz():
            hi_nz.next = addr[fw:aw] != hi_zero
    if aw < 8:
        @always_comb
        def comb_al():
            a_l.next = concat(lo_pad, addr[aw:])
            len_l.next = lenm1
    elif aw == 8:
        @always_comb
        def comb_al():
            a_l.next = addr[aw:]
            len_l.next = lenm1
    else:
        @always_comb
        def comb_al():
            a_l.next = addr[aw:]
            len_l.next = concat(len_pad, lenm1)

    if aw < 8:
        @always_comb
        def comb_abad():
            if hi_nz:
                addr_bad.next = True
            elif cmd[1]:
                addr_bad.next = False
            elif len_l > ones_l:
                addr_bad.next = True
            elif a_l > ones_l - len_l:
                addr_bad.next = True
            else:
                addr_bad.next = False
    else:                                # LEN <= 255 <= ones: no underflow
        @always_comb
        def comb_abad():
            if hi_nz:
                addr_bad.next = True
            elif cmd[1]:
                addr_bad.next = False
            elif a_l > ones_l - len_l:
                addr_bad.next = True
            else:
                addr_bad.next = False

    @always_comb
    def comb_ra():
        if st == S_EXEC and stb_r and not wb_stall:
            mem_ra.next = issue_p1[ib:]
        elif st == S_EXEC:
            mem_ra.next = issue[ib:]
        else:
            mem_ra.next = cnt[ib:]

    @always_comb
    def comb_rbyte():
        if phase == P_SYNC:
            rbyte.next = c_sync_resp
        elif phase == P_STATUS:
            rbyte.next = status
        elif phase == P_INFO:
            rbyte.next = info
        elif phase == P_DATA:
            if bsel == 0:
                rbyte.next = mem_rd[8:0]
            else:
                rbyte.next = wsh[8:0]
        else:
            rbyte.next = crc

    addr_in = Signal(intbv(0)[fw:])      # addr with the received byte shifted in at the top
    wsh_in = Signal(intbv(0)[dw:])       # wsh with the received byte shifted in at the top
    comb_ain = shift_in(rx_sh, addr, addr_in)
    comb_win = shift_in(rx_sh, wsh, wsh_in)

    @always_seq(clk.posedge, reset=rst)
    def seq_ctl():
        mem_we.next = False
        tx_go.next = False
        # ---- link events common to the receiving states
        if st == S_IDLE or st == S_CMD or st == S_LEN or st == S_ADDR or st == S_DATA \
                or st == S_CRC or st == S_DISCARD:
            if rx_ferr:
                f_fr.next = True
                st.next = S_DISCARD
                timer.next = 0
            elif rx_busy or rx_valid or st == S_IDLE:
                timer.next = 0
            elif timer == timeout_at:
                timer.next = 0
                crc.next = 0
                phase.next = P_SYNC
                st.next = S_RESP
                info.next = 0
                if st == S_DISCARD:
                    status.next = st_framing
                else:
                    status.next = st_timeout
                    f_to.next = True
            else:
                timer.next = timer + 1
        else:
            timer.next = 0
            if rx_valid:
                f_ovr.next = True
            if rx_ferr:
                f_fr.next = True

        if rx_valid and not rx_ferr:
            if st == S_IDLE:
                if rx_sh == c_sync:
                    st.next = S_CMD
                    crc.next = 0
            elif st == S_CMD:
                cmd.next = rx_sh
                crc.next = crc_rx
                st.next = S_LEN
            elif st == S_LEN:
                lenm1.next = rx_sh
                crc.next = crc_rx
                cnt.next = 0
                st.next = S_ADDR
            elif st == S_ADDR:
                crc.next = crc_rx
                addr.next = addr_in
                if cnt == last_ab:
                    cnt.next = 0
                    bsel.next = 0
                    if cmd[0]:
                        st.next = S_DATA
                    else:
                        st.next = S_CRC
                else:
                    cnt.next = cnt + 1
            elif st == S_DATA:
                crc.next = crc_rx
                wsh.next = wsh_in
                if bsel == last_wb:
                    bsel.next = 0
                    mem_we.next = cnt <= mb_m1
                    mem_wa.next = cnt[ib:]
                    mem_wd.next = wsh_in
                    cnt.next = cnt + 1
                    if cnt == lenm1:
                        st.next = S_CRC
                else:
                    bsel.next = bsel + 1
            elif st == S_CRC:
                crc.next = crc_rx
                cnt.next = 0
                st.next = S_CHECK

        if st == S_CHECK:
            # cnt = 0 here: the buffer's read register loads word 0 for a write burst
            info.next = 0
            phase.next = P_SYNC
            if crc != 0:
                status.next = st_bad_crc
                f_crc.next = True
                crc.next = 0
                st.next = S_RESP
            elif (cmd & reserved) != 0:
                status.next = st_bad_cmd
                crc.next = 0
                st.next = S_RESP
            elif lenm1 > mb_m1:
                status.next = st_bad_len
                crc.next = 0
                st.next = S_RESP
            elif addr_bad:
                status.next = st_bad_addr
                crc.next = 0
                st.next = S_RESP
            else:
                cyc_r.next = True
                stb_r.next = True
                we_r.next = cmd[0]
                adr_r.next = addr[aw:]
                issue.next = 0
                resp.next = 0
                st.next = S_EXEC
        elif st == S_EXEC:
            if wb_err:
                cyc_r.next = False
                stb_r.next = False
                status.next = st_bus
                info.next = resp[8:]
                f_bus.next = True
                crc.next = 0
                cnt.next = 0
                st.next = S_RESP
            elif wb_ack:
                if not we_r:
                    mem_we.next = True
                    mem_wa.next = resp[ib:]
                    mem_wd.next = wb_dat_r
                resp.next = resp + 1
                if resp[8:] == lenm1:
                    cyc_r.next = False
                    stb_r.next = False
                    status.next = st_ack
                    info.next = lenm1
                    crc.next = 0
                    cnt.next = 0
                    st.next = S_RESP
            if stb_r and not wb_stall and not wb_err:
                issue.next = issue_p1
                if not cmd[1]:
                    adr_r.next = adr_r + 1
                if issue[8:] == lenm1:
                    stb_r.next = False
        elif st == S_RESP:
            if not tx_busy and not tx_go:
                tx_go.next = True
                tx_byte.next = rbyte
                if phase != P_SYNC:
                    crc.next = crc_tx
                if phase == P_SYNC:
                    phase.next = P_STATUS
                elif phase == P_STATUS:
                    phase.next = P_INFO
                elif phase == P_INFO:
                    bsel.next = 0
                    cnt.next = 0
                    if status == st_ack and not we_r:
                        phase.next = P_DATA
                    else:
                        phase.next = P_CRC
                elif phase == P_DATA:
                    if bsel == 0:
                        wsh.next = mem_rd >> 8
                    else:
                        wsh.next = wsh >> 8
                    if bsel == last_wb:
                        bsel.next = 0
                        cnt.next = cnt + 1
                        if cnt == lenm1:
                            phase.next = P_CRC
                    else:
                        bsel.next = bsel + 1
                else:
                    st.next = S_IDLE

    @always_comb
    def comb_out():
        wb_cyc.next = cyc_r
        wb_stb.next = stb_r
        wb_we.next = we_r
        wb_adr.next = adr_r
        wb_dat_w.next = mem_rd
        status_crc_err.next = f_crc
        status_framing_err.next = f_fr
        status_timeout.next = f_to
        status_bus_err.next = f_bus
        status_overrun.next = f_ovr

    sel_ones = const((1 << p.sel_width) - 1, p.sel_width)

    @always_comb
    def comb_sel():
        wb_sel.next = sel_ones

    extra = (comb_hinz,) if fw > aw else ()
    return extra + (rx_inst, tx_inst, seq_mem, seq_ctl, crc_rx_inst, crc_tx_inst, comb_issue, comb_al,
            comb_abad, comb_ra, comb_rbyte, comb_ain, comb_win, comb_out, comb_sel)



def bench(p: UartBridgeParams, name: str, n: int, seed: int, fault: bool = False) -> str:
    """Self-checking Verilog bench for the FuseSoC ``sim`` target: a bit-level UART host sends
    min(n, 12) model frames (writes, reads, a bad CRC, a burst ending on an ERR address) and
    checks every response byte; a pipelined Wishbone slave with pseudo-random stall, memory
    words 0 at reset, ERR on the last word of its 64-word window."""
    import random as _r
    rng = _r.Random(seed)
    span = min(64, 1 << p.addr_width)
    err_a = span - 1
    bus = model.Bus({}, {err_a})
    st = model.init(p)
    req, exp, ends, rends = [], [], [], []
    kinds = ["write", "read", "write", "bad_crc", "read", "bus_err"]
    for f in range(max(1, min(n, 12))):
        kind = kinds[f % len(kinds)]
        k = rng.randint(1, min(p.max_burst, 8, span - 1))
        a = rng.randint(0, span - 1 - k)           # below the ERR word
        words = [rng.getrandbits(p.data_width) for _ in range(k)]
        if kind == "bus_err":
            a = span - k
            frame = model.encode_request(p, False, a, n=k)
        elif kind == "bad_crc":
            frame = model.encode_request(p, True, a, words, crc_xor=0x5A)
        else:
            frame = model.encode_request(p, kind == "write", a, words if kind == "write" else (), k)
        for b in frame:
            st, r, _ = model.step(p, st, ("byte", b), bus)
            exp += list(r)
        req += list(frame)
        ends.append(len(req))
        rends.append(len(exp))
    if fault:       # neurohdl.bench's must-fail: one expected response byte corrupted
        exp[len(exp) // 2] ^= 1
    div, aw, dw = p.divisor, p.addr_width, p.data_width
    mw = max(1, (span - 1).bit_length())
    L = [f"// self-checking bench for {CORE.vlnv()} ({type(p).__name__} {p.digest()}), seed {seed}: "
         "do not edit", "`timescale 1ns/10ps", f"module {name}_tb;",
         "reg clk = 1'b0;", "reg rst = 1'b1;", "always #5 clk = ~clk;",
         "reg [31:0] prng = 32'h%08x;" % ((seed & 0xFFFFFFFF) or 1),
         "always @(posedge clk) prng <= {prng[30:0], prng[31] ^ prng[21] ^ prng[1] ^ prng[0]};",
         "reg uart_rx = 1'b1;", "wire uart_tx;", "wire wb_cyc, wb_stb, wb_we;",
         f"wire [{aw - 1}:0] wb_adr;", f"wire [{p.sel_width - 1}:0] wb_sel;",
         f"wire [{dw - 1}:0] wb_dat_w;", f"reg [{dw - 1}:0] wb_dat_r = 0;",
         "reg wb_ack = 1'b0, wb_err = 1'b0, wb_stall = 1'b0;",
         "wire s_crc, s_fr, s_to, s_bus, s_ovr;",
         f"{name} dut (.clk(clk), .rst(rst), .uart_rx(uart_rx), .uart_tx(uart_tx), "
         ".wb_cyc(wb_cyc), .wb_stb(wb_stb), .wb_we(wb_we), .wb_adr(wb_adr), .wb_sel(wb_sel), "
         ".wb_dat_w(wb_dat_w), .wb_dat_r(wb_dat_r), .wb_ack(wb_ack), .wb_err(wb_err), "
         ".wb_stall(wb_stall), .status_crc_err(s_crc), .status_framing_err(s_fr), "
         ".status_timeout(s_to), .status_bus_err(s_bus), .status_overrun(s_ovr));",
         f"reg [7:0] req [0:{len(req) - 1}];", f"reg [7:0] exp [0:{len(exp) - 1}];",
         f"integer ends [0:{len(ends) - 1}];", f"integer rends [0:{len(rends) - 1}];",
         f"reg [{dw - 1}:0] smem [0:{span - 1}];",
         "integer i, j, f, ri = 0, cycles = 0;", "reg [7:0] rb;",
         "initial begin"]
    L += [f"    req[{i}] = 8'h{b:02x};" for i, b in enumerate(req)]
    L += [f"    exp[{i}] = 8'h{b:02x};" for i, b in enumerate(exp)]
    L += [f"    ends[{i}] = {e}; rends[{i}] = {r};" for i, (e, r) in enumerate(zip(ends, rends))]
    L += [f"    for (i = 0; i < {span}; i = i + 1) smem[i] = 0;", "end"]
    L += [
        "// Wishbone B4 pipelined slave: stall from the PRNG, response one cycle after acceptance",
        "always @(posedge clk) begin",
        "    wb_ack <= 1'b0; wb_err <= 1'b0;",
        "    wb_stall <= prng[3] & prng[9];",
        "    if (wb_cyc && wb_stb && !wb_stall) begin",
        f"        if (wb_adr == {aw}'d{err_a}) wb_err <= 1'b1;",
        "        else begin",
        "            wb_ack <= 1'b1;",
        f"            if (wb_we) smem[wb_adr[{mw - 1}:0]] <= wb_dat_w;",
        f"            wb_dat_r <= smem[wb_adr[{mw - 1}:0]];",
        "        end",
        "    end",
        "end",
        "task send_byte(input [7:0] b);",
        "    integer k;",
        "    begin",
        f"        uart_rx = 1'b0; repeat ({div}) @(posedge clk);",
        f"        for (k = 0; k < 8; k = k + 1) begin uart_rx = b[k]; repeat ({div}) @(posedge clk); end",
        f"        uart_rx = 1'b1; repeat ({div}) @(posedge clk);",
        "    end",
        "endtask",
        "initial begin",
        "    repeat (4) @(posedge clk); rst <= 1'b0; repeat (4) @(posedge clk);",
        "    i = 0;",
        f"    for (f = 0; f < {len(ends)}; f = f + 1) begin",
        "        while (i < ends[f]) begin send_byte(req[i]); i = i + 1; end",
        "        while (ri < rends[f]) @(posedge clk);",
        f"        repeat ({2 * div}) @(posedge clk);",
        "    end",
        f'    $display("PASS {name}_tb: all model transactions matched after %0d cycles", cycles);',
        "    $finish;",
        "end",
        "initial begin : receiver",
        "    forever begin",
        "        @(negedge uart_tx);",
        f"        repeat ({div // 2}) @(posedge clk);",
        f"        for (j = 0; j < 8; j = j + 1) begin repeat ({div}) @(posedge clk); rb[j] = uart_tx; end",
        f"        repeat ({div}) @(posedge clk);",
        f'        if (uart_tx !== 1\'b1) begin $display("FAIL uart_tx: bad stop bit"); $fatal(1); end',
        f'        if (ri >= {len(exp)}) begin $display("FAIL uart_tx: unexpected byte %h", rb); $fatal(1); end',
        '        if (rb !== exp[ri]) begin $display("FAIL uart_tx beat %0d: rtl %h != model %h", ri, rb, exp[ri]); $fatal(1); end',
        "        ri = ri + 1;",
        "    end",
        "end",
        "always @(posedge clk) begin",
        "    cycles = cycles + 1;",
        f"    if (cycles > {(len(req) + len(exp) + 8 * len(ends)) * 14 * div + 10000}) begin",
        f'        $display("FAIL {name}_tb: timeout after %0d cycles (%0d of {len(exp)} bytes)", cycles, ri);',
        "        $fatal(1);",
        "    end",
        "end",
        "endmodule"]
    return "\n".join(L) + "\n"

CORE = declare("bus.uart_bridge", UartBridgeParams, uart_bridge, ports, """
    UART 8N1 <-> Wishbone B4 pipelined master with a framed, CRC-8 checked read/write burst
    protocol
    crc: exact: GF(2) shift/XOR, no carries
    counters: exact: bounded by the frame length (LEN <= 255) and the divisor
    wb_adr: wrap: the increment after a burst's last word may wrap (unused); the range check keeps
        every issued address in range
    addr_check: exact: compares only (ones - LEN guarded by LEN <= ones)
    """, bench=bench)

// SPDX-License-Identifier: Apache-2.0
// Formal properties of aer.fifo (run by `neurohdl formal aer.fifo`, see neurohdl/formal.py).
//
// neurohdl/formal.py pastes this text into the converted module `fifo` just before its
// `endmodule`, so the properties see the ports and the design's own registers, and defines
// `P_<FIELD>` for every Params value (`P_DEPTH`, `P_COUNTER_BITS`, `P_COUNT_WIDTH`,
// `P_FULL_STALL` or `P_FULL_DROP`, ...).  Every input is free (no assumption on the source or
// the sink); the one assumption is a reset in the first cycle.  The storage is stream.fifo,
// whose order / no-loss / no-duplication properties verif/stream/formal_fifo.sv proves.
//
// Proven (k-induction), every cycle:
//   conservation: status_in == status_out + status_dropped + status_count (mod 2^counter_bits);
//   status_count <= depth; s_in_tready = room (stall) or room || !s_in_tlast (drop);
//   markers never dropped: a beat with tlast never transfers while the FIFO is full;
//   stall mode: nothing is dropped (status_dropped stays 0).
// (m_out's valid/data stability is stream.fifo's, proven there: m_out is its output rewired.)
`ifdef FORMAL
localparam integer F_CB = `P_COUNTER_BITS;
localparam integer F_D = `P_DEPTH;

reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

wire f_room = status_count != F_D;
wire [F_CB-1:0] f_count = status_count;     // resized: the identity holds mod 2^counter_bits

always @(*) if (f_past && !rst) begin
    assert(status_in == status_out + status_dropped + f_count);
    assert(status_count <= F_D);
`ifdef P_FULL_DROP
    assert(s_in_tready == (f_room || !s_in_tlast));
`else
    assert(s_in_tready == f_room);
    assert(status_dropped == 0);
`endif
    if (s_in_tvalid && s_in_tready && s_in_tlast) assert(f_room);
end

`endif

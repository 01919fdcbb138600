// SPDX-License-Identifier: Apache-2.0
// Formal properties of aer.priority_queue (run by `neurohdl formal aer.priority_queue`, see
// neurohdl/formal.py).
//
// neurohdl/formal.py pastes this text into the converted module `priority_queue` just before its
// `endmodule`, so the properties see the ports and the design's own state: `slot` (the beats
// {tuser, tlast, tdata}, oldest first), `cnt` and `sel` (the slot shown on m_out); and defines
// `P_<FIELD>` for every Params value (`P_DEPTH`, `P_PRIORITY_LSB`, `P_PRIORITY_BITS`,
// `P_PRIORITY_ORDER_HIGH` or `_LOW`, `P_FULL_DROP` or `_STALL`, `P_COUNTER_BITS`, `P_DROP_BITS`).
// Every input is free (no assumption on the source, the sink or drop_clear); the one
// assumption is a reset in the first cycle.  The harness computes eligibility and keys itself
// from the slots (not from the design's leaf/tree signals).
//
// Proven (k-induction), every cycle:
//   conservation: status_in == status_out + status_dropped + status_count (mod 2^counter_bits);
//   status_count <= depth, status_full, s_in_tready (stall: room; drop: room || !tlast), a beat
//     with tlast never transfers into a full queue; stall mode never drops;
//   the drop latch: status_drop == (status_drop_count != 0); drop_count' = 1/0 after a clear
//     (with/without a drop that cycle), else min(drop_count + drop, 2^drop_bits - 1);
//   m_out shows slot[sel] (tlast only when sel == 0, the last beat left of its timestep);
//   ordering: a beat offered afresh (m_out not stalled the cycle before) is eligible, no
//     eligible beat has a larger key, no older eligible beat an equal key; a stalled m_out keeps
//     its beat (AXI-Stream: tvalid held, tdata/tlast/tuser stable);
//   timesteps: tlast beats stored = tlast beats out + tlast bits held (a tlast moved down, never
//     lost or made up);
//   arrival order: two tracked beats A and B (A stored at a free time, B the next beat stored
//     after it) sit at the slots the harness follows (a dequeue below moves them down), A
//     below B (so "lower slot" = "older"), and each leaves with its own data.
`ifdef FORMAL
localparam integer F_CB = `P_COUNTER_BITS;
localparam integer F_D = `P_DEPTH;
localparam integer F_W = $bits(s_in_tdata);
localparam integer F_PL = `P_PRIORITY_LSB;
localparam integer F_PB = `P_PRIORITY_BITS;
localparam integer F_DB = `P_DROP_BITS;
localparam integer F_IW = $bits(sel);

reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

function [F_PB-1:0] f_key(input [F_W+1:0] b);
`ifdef P_PRIORITY_ORDER_LOW
    f_key = ~b[F_PL +: F_PB];
`else
    f_key = b[F_PL +: F_PB];
`endif
endfunction

wire [F_CB-1:0] f_count = status_count;
wire f_room = status_count != F_D;
wire f_push = s_in_tvalid && s_in_tready;
wire f_pop = m_out_tvalid && m_out_tready;
wire f_store = f_push && (f_room || f_pop);
wire f_drop = f_push && !f_store;
wire [F_W+1:0] f_head = slot[sel];
wire [F_PB-1:0] f_out_key = f_key({2'b00, m_out_tdata});

// eligible: held, in the head timestep (no tlast below), an event or the first slot
reg [F_D-1:0] f_elig;
reg f_seen;
integer f_i;
always @(*) begin
    f_seen = 1'b0;
    for (f_i = 0; f_i < F_D; f_i = f_i + 1) begin
        f_elig[f_i] = (f_i < status_count) && !f_seen && (f_i == 0 || !slot[f_i][F_W+1]);
        f_seen = f_seen || slot[f_i][F_W];
    end
end

// m_out stalled in the previous cycle (outside reset): its beat must stay
reg f_stalled = 1'b0;
reg [F_W-1:0] f_last_d;
reg f_last_l, f_last_u;
always @(posedge clk) begin
    f_stalled <= !rst && m_out_tvalid && !m_out_tready;
    f_last_d <= m_out_tdata;
    f_last_l <= m_out_tlast;
    f_last_u <= m_out_tuser;
end

always @(*) if (f_past && !rst) begin
    assert(status_in == status_out + status_dropped + f_count);
    assert(status_count <= F_D);
    assert(status_full == !f_room);
    assert(m_out_tvalid == (status_count != 0));
`ifdef P_FULL_DROP
    assert(s_in_tready == (f_room || !s_in_tlast));
`else
    assert(s_in_tready == f_room);
    assert(status_dropped == 0 && status_drop_count == 0);
`endif
    if (f_push && s_in_tlast) assert(f_room);
    assert(status_drop == (status_drop_count != 0));
    if (m_out_tvalid) begin
        assert(sel < status_count);
        assert(m_out_tdata == f_head[F_W-1:0] && m_out_tuser == f_head[F_W+1]);
        assert(m_out_tlast == (f_head[F_W] && sel == 0));
        assert(f_elig[sel]);
        for (f_i = 0; f_i < F_D; f_i = f_i + 1)
            if (f_elig[f_i] && !f_stalled) begin
                assert(f_key(slot[f_i]) <= f_out_key);
                if (f_i < sel) assert(f_key(slot[f_i]) < f_out_key);
            end
    end
    if (f_stalled) begin
        assert(m_out_tvalid);
        assert(m_out_tdata == f_last_d && m_out_tlast == f_last_l && m_out_tuser == f_last_u);
    end
end

// ---- timesteps: every stored tlast is held (on some slot) or has left on m_out ---------------
reg [F_CB-1:0] f_tl_in, f_tl_out;
reg [F_IW:0] f_tl_held;
always @(posedge clk)
    if (rst) begin
        f_tl_in <= 0;
        f_tl_out <= 0;
    end else begin
        f_tl_in <= f_tl_in + (f_store && s_in_tlast);
        f_tl_out <= f_tl_out + (f_pop && m_out_tlast);
    end
always @(*) begin
    f_tl_held = 0;
    for (f_i = 0; f_i < F_D; f_i = f_i + 1)
        if (f_i < status_count && slot[f_i][F_W]) f_tl_held = f_tl_held + 1;
end
always @(*) if (f_past && !rst) assert(f_tl_in == f_tl_out + f_tl_held);

// ---- the drop latch, edge by edge ----------------------------------------------------------
reg [F_DB-1:0] f_dc;
reg f_was_drop, f_was_clear, f_was_run;
always @(posedge clk) begin
    f_dc <= status_drop_count;
    f_was_drop <= f_drop;
    f_was_clear <= drop_clear;
    f_was_run <= f_past && !rst;
end
always @(*) if (f_was_run && !rst) begin
    if (f_was_clear) assert(status_drop_count == f_was_drop);
    else if (f_dc == {F_DB{1'b1}}) assert(status_drop_count == f_dc);
    else assert(status_drop_count == f_dc + f_was_drop);
end

// ---- two tracked beats: A (stored when f_pick is high) and B (the next beat stored) -------
(* anyseq *) wire f_pick;
reg f_a_held, f_b_held, f_a_done, f_b_done;
reg [F_W+1:0] f_a, f_b;                // their beats ({tuser, tlast, tdata}; tlast may be moved)
reg [F_IW:0] f_a_pos, f_b_pos;         // their slots
wire [F_IW:0] f_land = status_count - f_pop;
wire f_a_out = f_pop && f_a_held && sel == f_a_pos;
wire f_b_out = f_pop && f_b_held && sel == f_b_pos;

always @(posedge clk)
    if (rst) begin
        f_a_held <= 0;
        f_b_held <= 0;
        f_a_done <= 0;
        f_b_done <= 0;
    end else begin
        if (f_a_held) begin
            if (f_a_out) begin
                f_a_held <= 0;
                f_a_done <= 1;
            end else if (f_pop && sel < f_a_pos)
                f_a_pos <= f_a_pos - 1;
        end
        if (f_b_held) begin
            if (f_b_out) begin
                f_b_held <= 0;
                f_b_done <= 1;
            end else if (f_pop && sel < f_b_pos)
                f_b_pos <= f_b_pos - 1;
        end
        if (f_store && !f_a_held && !f_a_done && f_pick) begin
            f_a_held <= 1;
            f_a <= {s_in_tuser, s_in_tlast, s_in_tdata};
            f_a_pos <= f_land;
        end else if (f_store && f_a_held && !f_b_held && !f_b_done) begin
            f_b_held <= 1;
            f_b <= {s_in_tuser, s_in_tlast, s_in_tdata};
            f_b_pos <= f_land;
        end
    end

always @(*) if (f_past && !rst) begin
    if (f_a_held) begin
        assert(f_a_pos < status_count);
        assert(slot[f_a_pos][F_W-1:0] == f_a[F_W-1:0] && slot[f_a_pos][F_W+1] == f_a[F_W+1]);
        if (f_a[F_W]) assert(slot[f_a_pos][F_W]);        // a tlast stays (or moves down to it)
    end
    if (f_b_held) begin
        assert(f_a_held || f_a_done);
        assert(f_b_pos < status_count);
        assert(slot[f_b_pos][F_W-1:0] == f_b[F_W-1:0] && slot[f_b_pos][F_W+1] == f_b[F_W+1]);
        if (f_a_held) assert(f_a_pos < f_b_pos);
    end
    if (f_a_out) assert(m_out_tdata == f_a[F_W-1:0]);
    if (f_b_out) assert(m_out_tdata == f_b[F_W-1:0]);
end

`endif

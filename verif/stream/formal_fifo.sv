// SPDX-License-Identifier: Apache-2.0
// Formal properties of stream.fifo (run by `neurohdl formal stream.fifo`, see neurohdl/formal.py).
//
// neurohdl/formal.py pastes this text into the converted module `fifo` just before its
// `endmodule`, so the properties see the ports and the design's own registers (mem, wr, rd, cnt;
// yosys has no hierarchical references), and defines `P_<FIELD>` for every Params value
// (`P_DEPTH`, `P_WIDTH`, `P_ADDR_WIDTH`, `P_COUNT_WIDTH`, `P_STORAGE_BRAM` or `P_STORAGE_LUT`,
// `P_ALMOST_FULL` when set).  Every input is free (no assumption on the source or the sink);
// the one assumption is a reset in the first cycle.
//
// Proven (k-induction):
//   order, no loss, no duplication: two consecutive words A and B, pushed at a freely chosen
//     time with free data, leave in order, A before B, each exactly once with its data;
//   occupancy: status_count = pushes - pops, at most depth; s_in_tready = count != depth,
//     m_out_tvalid = count != 0, status_almost_full = count >= almost_full;
//   ready/valid: m_out_tvalid never falls and m_out_tdata never changes while stalled.
// Inductive helpers (about the registers): wr - rd = count, the head register shows mem[rd],
// a held tracked word is in mem at rd + (words ahead of it).
`ifdef FORMAL
localparam integer F_AW = `P_ADDR_WIDTH;
localparam integer F_CW = `P_COUNT_WIDTH;
localparam integer F_D = `P_DEPTH;

reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

wire f_push = s_in_tvalid && s_in_tready;
wire f_pop = m_out_tvalid && m_out_tready;

// ---- occupancy = pushes - pops ------------------------------------------------------------
reg [F_CW:0] f_pushes, f_pops;
always @(posedge clk)
    if (rst) begin
        f_pushes <= 0;
        f_pops <= 0;
    end else begin
        f_pushes <= f_pushes + f_push;
        f_pops <= f_pops + f_pop;
    end
wire [F_CW:0] f_occ = f_pushes - f_pops;

always @(*) if (f_past) begin
    assert({1'b0, status_count} == f_occ);
    assert(status_count <= F_D);
    assert(s_in_tready == (status_count != F_D));
    assert(m_out_tvalid == (status_count != 0));
`ifdef P_ALMOST_FULL
    assert(status_almost_full == (status_count >= `P_ALMOST_FULL));
`endif
    // inductive helpers
    assert(wr - rd == cnt[F_AW-1:0]);
    if (m_out_tvalid) assert(m_out_tdata == mem[rd]);
end

// ---- ready/valid on m_out: no valid drop without a transfer, data stable while stalled ----
always @(posedge clk)
    if (f_past && !$past(rst) && $past(m_out_tvalid) && !$past(m_out_tready)) begin
        assert(m_out_tvalid);
        assert(m_out_tdata == $past(m_out_tdata));
    end

// ---- two tracked words: A (pushed when f_pick is high) and B (the next push after A) ------
(* anyseq *) wire f_pick;
reg [1:0] f_a_st, f_b_st;             // 0 not pushed yet, 1 held, 2 popped
reg [`P_WIDTH-1:0] f_a_d, f_b_d;       // their data
reg [F_CW-1:0] f_a_pos, f_b_pos;      // words ahead of them
wire [F_AW-1:0] f_a_addr = rd + f_a_pos[F_AW-1:0];
wire [F_AW-1:0] f_b_addr = rd + f_b_pos[F_AW-1:0];

always @(posedge clk)
    if (rst) begin
        f_a_st <= 0;
        f_b_st <= 0;
    end else begin
        if (f_a_st == 0 && f_push && f_pick) begin
            f_a_st <= 1;
            f_a_d <= s_in_tdata;
            f_a_pos <= status_count - f_pop;
        end else if (f_a_st == 1 && f_pop) begin
            if (f_a_pos == 0) f_a_st <= 2;
            else f_a_pos <= f_a_pos - 1;
        end
        if (f_b_st == 0 && f_push && f_a_st != 0) begin
            f_b_st <= 1;
            f_b_d <= s_in_tdata;
            f_b_pos <= status_count - f_pop;
        end else if (f_b_st == 1 && f_pop) begin
            if (f_b_pos == 0) f_b_st <= 2;
            else f_b_pos <= f_b_pos - 1;
        end
    end

always @(*) if (f_past) begin
    assert(f_a_st != 3 && f_b_st != 3);
    if (f_b_st != 0) assert(f_a_st != 0);
    if (f_a_st == 1) begin
        assert(f_a_pos < status_count);             // A is counted: not lost
        assert(mem[f_a_addr] == f_a_d);             // helper
        if (f_b_st == 0) assert(f_a_pos == status_count - 1);   // helper: A is the youngest
        if (f_pop && f_a_pos == 0) assert(m_out_tdata == f_a_d);
    end
    if (f_b_st == 1) begin
        assert(f_b_pos < status_count);
        assert(mem[f_b_addr] == f_b_d);
        if (f_a_st == 1) assert(f_b_pos == f_a_pos + 1);   // order kept while both held
        if (f_pop && f_b_pos == 0) begin
            assert(f_a_st == 2);                    // A left first
            assert(m_out_tdata == f_b_d);
        end
    end
end
`endif

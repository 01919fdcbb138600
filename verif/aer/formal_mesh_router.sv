// SPDX-License-Identifier: Apache-2.0
// Formal properties of aer.mesh_router (run by `neurohdl formal aer.mesh_router`, see
// neurohdl/formal.py): k-induction, so they hold in every reachable state for any inputs and
// any back-pressure (markers included).
//
// neurohdl/formal.py pastes this text into the converted module `mesh_router` just before its
// `endmodule` and defines `P_<FIELD>` for every Params value (`P_X`, `P_Y`, `P_COLS`, `P_ROWS`,
// the event word's `P_EVENT_X_LSB`, `P_EVENT_X_BITS`, ...).  Ports are indexed N, E, S, W, L =
// 0..4 (models/aer/_mesh.py).
//
// Every configuration, every cycle, for every output o (ports only):
//   no misroute: an event (tuser 0) on m_o has the XY route o from this router (P_X, P_Y) and
//     a destination inside the mesh;
//   a tied-off output (no neighbour) never has tvalid;
//   a marker beat leaves as (tdata 0, tlast 1, tuser 1), an event with tlast 0.
// An interior router (every port live) with 2-beat buffers, also one tracked event: a free
// constant input f_port and word f_data, which the assumptions let enter as an event on f_port
// only, at most once (any word, any input: so for every event).  Every cycle:
//   no loss, no duplication, header unchanged: entered = left + copies inside (input buffer
//     slots holding it as an event, output registers holding it) + dropped;
//   only its own input's buffer ever holds it;
//   it reaches only the outputs its input may feed under XY: no Y->X turn (from N or S it never
//     reaches E or W), no U-turn;
//   it is dropped only when its route is illegal or its tile outside the mesh, and such an
//     event never reaches an output register.
// The tracking reads the buffers as the interior configuration converts them (input n is
// `router_input<n>`, its head register `..._dout`, its 2-beat buffer's second beat and count
// `..._pair_buffer<n>_tail/cnt`, output n `router_output<n>_o_*`), with their own invariants
// (count <= 2, `sent` only on a tlast head).
// Not proven here: the round-robin grant bound (a liveness bound: each output's grant follows
// aer's shared rule, models/aer/_arbiter.py; checked in simulation, 2 cycles a hop at zero load).
`ifdef FORMAL
localparam integer F_W = `P_EVENT_WIDTH;

reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

wire [4:0] f_ov = {m_local_tvalid, m_west_tvalid, m_south_tvalid, m_east_tvalid, m_north_tvalid};
wire [4:0] f_ol = {m_local_tlast, m_west_tlast, m_south_tlast, m_east_tlast, m_north_tlast};
wire [4:0] f_ou = {m_local_tuser, m_west_tuser, m_south_tuser, m_east_tuser, m_north_tuser};
wire [F_W-1:0] f_od [0:4];
assign f_od[0] = m_north_tdata; assign f_od[1] = m_east_tdata; assign f_od[2] = m_south_tdata;
assign f_od[3] = m_west_tdata;  assign f_od[4] = m_local_tdata;

// a port with a neighbour (or local)
wire [4:0] f_live_port = {1'b1, `P_X > 0, `P_Y + 1 < `P_ROWS, `P_X + 1 < `P_COLS, `P_Y > 0};

// XY route (0..4) of an event word from this router, and whether its tile is in the mesh
function [2:0] f_route(input [F_W-1:0] d);
    reg [`P_EVENT_X_BITS-1:0] dx;
    reg [`P_EVENT_Y_BITS-1:0] dy;
    begin
        dx = d[`P_EVENT_X_LSB +: `P_EVENT_X_BITS];
        dy = d[`P_EVENT_Y_LSB +: `P_EVENT_Y_BITS];
        f_route = dx > `P_X ? 3'd1 : dx < `P_X ? 3'd3 : dy > `P_Y ? 3'd2 : dy < `P_Y ? 3'd0 : 3'd4;
    end
endfunction
function f_inside(input [F_W-1:0] d);
    f_inside = d[`P_EVENT_X_LSB +: `P_EVENT_X_BITS] < `P_COLS &&
               d[`P_EVENT_Y_LSB +: `P_EVENT_Y_BITS] < `P_ROWS;
endfunction

integer f_k;
always @(*) if (f_past && !rst) begin
    for (f_k = 0; f_k < 5; f_k = f_k + 1) begin
        if (f_ov[f_k] && !f_ou[f_k]) begin
            assert(f_route(f_od[f_k]) == f_k);
            assert(f_inside(f_od[f_k]));
            assert(!f_ol[f_k]);
        end
        if (f_ov[f_k] && f_ou[f_k]) assert(f_ol[f_k] && f_od[f_k] == 0);
        if (!f_live_port[f_k]) assert(!f_ov[f_k]);
    end
end
// ---- one tracked event, on an interior router (every port live; the harness reads the
// buffers, which it names as the interior configuration converts them: input n = port n)
localparam F_INTERIOR = `P_X > 0 && `P_X + 1 < `P_COLS && `P_Y > 0 && `P_Y + 1 < `P_ROWS &&
                        `P_DEPTH == 2;
wire [4:0] f_iv = {s_local_tvalid, s_west_tvalid, s_south_tvalid, s_east_tvalid, s_north_tvalid};
wire [4:0] f_ir = {s_local_tready, s_west_tready, s_south_tready, s_east_tready, s_north_tready};
wire [4:0] f_iu = {s_local_tuser, s_west_tuser, s_south_tuser, s_east_tuser, s_north_tuser};
wire [4:0] f_or = {m_local_tready, m_west_tready, m_south_tready, m_east_tready, m_north_tready};
wire [F_W-1:0] f_id [0:4];
assign f_id[0] = s_north_tdata; assign f_id[1] = s_east_tdata; assign f_id[2] = s_south_tdata;
assign f_id[3] = s_west_tdata;  assign f_id[4] = s_local_tdata;
(* anyconst *) reg [2:0] f_port;
(* anyconst *) reg [F_W-1:0] f_data;
wire [4:0] f_in_x, f_out_x;
genvar f_g;
generate for (f_g = 0; f_g < 5; f_g = f_g + 1) begin : f_tr
    assign f_in_x[f_g] = f_iv[f_g] && f_ir[f_g] && !f_iu[f_g] && f_id[f_g] == f_data;
    assign f_out_x[f_g] = f_ov[f_g] && f_or[f_g] && !f_ou[f_g] && f_od[f_g] == f_data;
end endgenerate
function f_is_ev(input [F_W+1:0] b);         // a stored beat {tuser, tlast, tdata}
    f_is_ev = !b[F_W+1] && b[F_W-1:0] == f_data;
endfunction
// the outputs input i may route to under XY (FEED of models/aer/_mesh.py), as a mask
function [4:0] f_feed(input [2:0] i);
    f_feed = i == 0 ? 5'b10100 : i == 2 ? 5'b10001 : i == 1 ? 5'b11101 :
             i == 3 ? 5'b10111 : 5'b11111;
endfunction
wire [4:0] f_feed_p = f_feed(f_port);
wire f_legal = f_inside(f_data) && f_feed_p[f_route(f_data)];
reg f_in = 1'b0;            // the tracked event entered
reg [1:0] f_out = 2'd0;     // times it left (saturating)
reg [1:0] f_drop = 2'd0;    // times it was dropped (saturating)
always @(*) begin
    assume(f_port <= 4);
    // f_data enters as an event only on f_port, and once
    assume((f_in_x & ~(5'b1 << f_port)) == 5'b0);
    if (f_in_x[f_port]) assume(!f_in);
end
generate if (F_INTERIOR) begin : f_track
    wire [1:0] f_c [0:4];    // copies of the tracked event in each input buffer
    wire [4:0] f_dropd, f_ok, f_r;
    // input 0: its buffer (two slots, head first), its copies, a drop of it, invariants
    wire [1:0] f_cnt0 = router_input0_pair_buffer0_cnt;
    wire f_sent0 = router_input0_sent;
    wire [F_W+1:0] f_h0 = router_input0_dout;
    wire [F_W+1:0] f_t0 = router_input0_pair_buffer0_tail;
    assign f_c[0] = (f_cnt0 >= 1 && f_is_ev(f_h0) && !(f_h0[F_W] && f_sent0))
                    + (f_cnt0 == 2 && f_is_ev(f_t0));
    assign f_dropd[0] = router_input0_drop && f_is_ev(f_h0) && !(f_h0[F_W] && f_sent0);
    assign f_ok[0] = f_cnt0 <= 2
                     && (!f_sent0 || (f_cnt0 != 0 && f_h0[F_W] && !f_h0[F_W+1]));
    // input 1: its buffer (two slots, head first), its copies, a drop of it, invariants
    wire [1:0] f_cnt1 = router_input1_pair_buffer1_cnt;
    wire f_sent1 = router_input1_sent;
    wire [F_W+1:0] f_h1 = router_input1_dout;
    wire [F_W+1:0] f_t1 = router_input1_pair_buffer1_tail;
    assign f_c[1] = (f_cnt1 >= 1 && f_is_ev(f_h1) && !(f_h1[F_W] && f_sent1))
                    + (f_cnt1 == 2 && f_is_ev(f_t1));
    assign f_dropd[1] = router_input1_drop && f_is_ev(f_h1) && !(f_h1[F_W] && f_sent1);
    assign f_ok[1] = f_cnt1 <= 2
                     && (!f_sent1 || (f_cnt1 != 0 && f_h1[F_W] && !f_h1[F_W+1]));
    // input 2: its buffer (two slots, head first), its copies, a drop of it, invariants
    wire [1:0] f_cnt2 = router_input2_pair_buffer2_cnt;
    wire f_sent2 = router_input2_sent;
    wire [F_W+1:0] f_h2 = router_input2_dout;
    wire [F_W+1:0] f_t2 = router_input2_pair_buffer2_tail;
    assign f_c[2] = (f_cnt2 >= 1 && f_is_ev(f_h2) && !(f_h2[F_W] && f_sent2))
                    + (f_cnt2 == 2 && f_is_ev(f_t2));
    assign f_dropd[2] = router_input2_drop && f_is_ev(f_h2) && !(f_h2[F_W] && f_sent2);
    assign f_ok[2] = f_cnt2 <= 2
                     && (!f_sent2 || (f_cnt2 != 0 && f_h2[F_W] && !f_h2[F_W+1]));
    // input 3: its buffer (two slots, head first), its copies, a drop of it, invariants
    wire [1:0] f_cnt3 = router_input3_pair_buffer3_cnt;
    wire f_sent3 = router_input3_sent;
    wire [F_W+1:0] f_h3 = router_input3_dout;
    wire [F_W+1:0] f_t3 = router_input3_pair_buffer3_tail;
    assign f_c[3] = (f_cnt3 >= 1 && f_is_ev(f_h3) && !(f_h3[F_W] && f_sent3))
                    + (f_cnt3 == 2 && f_is_ev(f_t3));
    assign f_dropd[3] = router_input3_drop && f_is_ev(f_h3) && !(f_h3[F_W] && f_sent3);
    assign f_ok[3] = f_cnt3 <= 2
                     && (!f_sent3 || (f_cnt3 != 0 && f_h3[F_W] && !f_h3[F_W+1]));
    // input 4: its buffer (two slots, head first), its copies, a drop of it, invariants
    wire [1:0] f_cnt4 = router_input4_pair_buffer4_cnt;
    wire f_sent4 = router_input4_sent;
    wire [F_W+1:0] f_h4 = router_input4_dout;
    wire [F_W+1:0] f_t4 = router_input4_pair_buffer4_tail;
    assign f_c[4] = (f_cnt4 >= 1 && f_is_ev(f_h4) && !(f_h4[F_W] && f_sent4))
                    + (f_cnt4 == 2 && f_is_ev(f_t4));
    assign f_dropd[4] = router_input4_drop && f_is_ev(f_h4) && !(f_h4[F_W] && f_sent4);
    assign f_ok[4] = f_cnt4 <= 2
                     && (!f_sent4 || (f_cnt4 != 0 && f_h4[F_W] && !f_h4[F_W+1]));
    assign f_r[0] = router_output0_o_valid && !router_output0_o_user
                    && router_output0_o_data == f_data;
    assign f_r[1] = router_output1_o_valid && !router_output1_o_user
                    && router_output1_o_data == f_data;
    assign f_r[2] = router_output2_o_valid && !router_output2_o_user
                    && router_output2_o_data == f_data;
    assign f_r[3] = router_output3_o_valid && !router_output3_o_user
                    && router_output3_o_data == f_data;
    assign f_r[4] = router_output4_o_valid && !router_output4_o_user
                    && router_output4_o_data == f_data;
    always @(posedge clk)
        if (rst) begin
            f_in <= 1'b0; f_out <= 2'd0; f_drop <= 2'd0;
        end else begin
            if (f_in_x[f_port]) f_in <= 1'b1;
            if (f_out_x != 5'b0 && f_out != 2'd3) f_out <= f_out + 2'd1;
            if (f_dropd[f_port] && f_drop != 2'd3) f_drop <= f_drop + 2'd1;
        end
    wire [3:0] f_inside_now = f_c[0] + f_c[1] + f_c[2] + f_c[3] + f_c[4] + f_r[0] + f_r[1] +
                              f_r[2] + f_r[3] + f_r[4];
    always @(*) if (f_past && !rst) begin
        assert(f_ok == 5'b11111);
        // no loss, no duplication, header unchanged: every copy accounted for
        assert(f_in == f_out + f_inside_now + f_drop);
        // only the input it entered by holds it
        assert((f_c[0] == 0 || f_port == 0) && (f_c[1] == 0 || f_port == 1) &&
               (f_c[2] == 0 || f_port == 2) && (f_c[3] == 0 || f_port == 3) &&
               (f_c[4] == 0 || f_port == 4));
        // it reaches only the outputs its input feeds: no Y->X turn, no U-turn
        assert((f_r & ~f_feed_p) == 5'b0);
        assert((f_out_x & ~f_feed_p) == 5'b0);
        // dropped only when illegal; an illegal one never reaches an output register
        if (f_dropd[f_port]) assert(!f_legal);
        if (!f_legal) assert(f_r == 5'b0);
    end
end endgenerate
`endif

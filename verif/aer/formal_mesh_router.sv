// SPDX-License-Identifier: Apache-2.0
// Formal properties of aer.mesh_router (run by `neurohdl formal aer.mesh_router`, see
// neurohdl/formal.py): k-induction, so they hold in every reachable state for any inputs and
// any back-pressure (markers included).
//
// neurohdl/formal.py pastes this text into the converted module `mesh_router` just before its
// `endmodule` and defines `P_<FIELD>` for every Params value (`P_X`, `P_Y`, `P_COLS`, `P_ROWS`,
// the event word's `P_EVENT_X_LSB`, `P_EVENT_X_BITS`, ...).  Only ports are read; ports are
// indexed N, E, S, W, L = 0..4 (models/aer/_mesh.py).
//
// Proven, every cycle, for every output o:
//   no misroute: an event (tuser 0) on m_o has the XY route o from this router (P_X, P_Y) and
//     a destination inside the mesh; so an event leaves on E/W only while its column differs
//     from P_X, on N/S only once it is in this column, on local only here;
//   a tied-off output (no neighbour) never has tvalid;
//   a marker beat leaves as (tdata 0, tlast 1, tuser 1), an event with tlast 0.
// Not covered here (tracking one event through the buffers needs an invariant over the FIFO
// contents): no loss / duplication, no Y->X turn (the XY scheme's turn rule is the model's,
// checked in simulation against the converted design), the grant bound; see
// docs/aer_performance.md "Verification".
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
`endif

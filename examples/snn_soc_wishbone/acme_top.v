// SPDX-License-Identifier: Apache-2.0
// The user's top for the iCEBreaker: neurohdl's SNN SoC (module snn_soc, generated with
// host: wishbone) as the only slave of a small Wishbone B4 pipelined master. After reset the
// master reads ID (0x00, 'SN' v1.0 = 0x534E0100), writes 0xCAFEF00D to SCRATCH (0x28) and reads it
// back. Green LED: all three accesses right; red LED: an access erred or read a wrong value.
`default_nettype none

module acme_top (
    input  wire CLK,      // 12 MHz oscillator
    input  wire BTN_N,    // user button, active low: reset
    output wire LEDG_N,   // green LED, active low: SoC checked OK
    output wire LEDR_N    // red LED, active low: a check failed
);
    // Reset: synchronous, active high, 16 clocks after configuration or the button's release.
    reg [1:0] btn_s = 2'b11;
    reg [4:0] por = 5'd0;
    wire rst = !por[4];
    always @(posedge CLK) begin
        btn_s <= {btn_s[0], BTN_N};
        if (!btn_s[1]) por <= 5'd0;
        else if (!por[4]) por <= por + 5'd1;
    end

    // Wishbone master
    localparam [7:0] ADR_ID = 8'h00, ADR_SCRATCH = 8'h28;
    localparam [31:0] ID_VALUE = 32'h534E0100, PATTERN = 32'hCAFEF00D;
    reg  [1:0]  step;             // 0 read ID, 1 write SCRATCH, 2 read SCRATCH, 3 done
    reg         cyc, stb, we, ok, bad;
    reg  [7:0]  adr;
    wire [31:0] dat_r;
    wire        ack, err, stall, irq, busy;

    always @(posedge CLK) begin
        if (rst) begin
            step <= 2'd0; cyc <= 1'b0; stb <= 1'b0; we <= 1'b0; adr <= 8'h00;
            ok <= 1'b0; bad <= 1'b0;
        end else if (!cyc) begin
            if (step != 2'd3 && !busy) begin          // start the next access
                cyc <= 1'b1; stb <= 1'b1; we <= (step == 2'd1);
                adr <= (step == 2'd0) ? ADR_ID : ADR_SCRATCH;
            end
        end else begin
            if (stb && !stall) stb <= 1'b0;           // request accepted
            if (ack || err) begin                     // response: end the cycle, check it
                cyc <= 1'b0; stb <= 1'b0;
                step <= step + 2'd1;
                if (err || (step == 2'd0 && dat_r != ID_VALUE)
                        || (step == 2'd2 && dat_r != PATTERN))
                    bad <= 1'b1;
                else if (step == 2'd2 && !bad)
                    ok <= 1'b1;
            end
        end
    end

    snn_soc u_snn (
        .clk(CLK), .rst(rst),
        .wb_cyc(cyc), .wb_stb(stb), .wb_we(we), .wb_adr(adr), .wb_dat_w(PATTERN),
        .wb_sel(4'hF), .wb_dat_r(dat_r), .wb_ack(ack), .wb_err(err), .wb_stall(stall),
        .irq(irq), .status_busy(busy)
    );

    assign LEDG_N = !ok;
    assign LEDR_N = !bad;
endmodule

`default_nettype wire

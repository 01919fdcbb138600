// SPDX-License-Identifier: Apache-2.0
// Hand-written helpers shared by the neurohdl board tops (cores/board/*_top.v): reset
// generation and LED drivers. Verilog-2001; the initial values rely on FPGA configuration
// (iCE40, ECP5 and 7-series flip-flops all load them), there is no other reset source.
`default_nettype none

// Synchronous, active-high reset for the SoC (docs/conventions.md §2.6). `rst` is high from
// configuration and for 2**(BITS-1) clocks after the last clock in which `hold` was seen
// high; `hold` (button pressed, PLL not locked) is asynchronous and synchronised here.
module neurohdl_board_reset #(
    parameter integer BITS = 16
) (
    input  wire clk,
    input  wire hold,
    output reg  rst = 1'b1
);
    reg [1:0]      hold_s = 2'b11;
    reg [BITS-1:0] cnt    = {BITS{1'b0}};
    always @(posedge clk) begin
        hold_s <= {hold_s[0], hold};
        if (hold_s[1])
            cnt <= {BITS{1'b0}};
        else if (!cnt[BITS-1])
            cnt <= cnt + 1'b1;
        rst <= !cnt[BITS-1];
    end
endmodule

// LED drivers (active high): a free-running heartbeat (period 2**HB_BITS clocks) and
// pulse stretchers so that a short `busy` or `irq` stays visible for 2**STRETCH_BITS clocks.
module neurohdl_board_leds #(
    parameter integer HB_BITS      = 24,
    parameter integer STRETCH_BITS = 20
) (
    input  wire clk,
    input  wire busy,
    input  wire irq,
    output wire heartbeat,
    output wire busy_led,
    output wire irq_led
);
    reg [HB_BITS-1:0]      hb      = {HB_BITS{1'b0}};
    reg [STRETCH_BITS-1:0] busy_st = {STRETCH_BITS{1'b0}};
    reg [STRETCH_BITS-1:0] irq_st  = {STRETCH_BITS{1'b0}};
    always @(posedge clk) begin
        hb <= hb + 1'b1;
        if (busy)
            busy_st <= {STRETCH_BITS{1'b1}};
        else if (busy_st != 0)
            busy_st <= busy_st - 1'b1;
        if (irq)
            irq_st <= {STRETCH_BITS{1'b1}};
        else if (irq_st != 0)
            irq_st <= irq_st - 1'b1;
    end
    assign heartbeat = hb[HB_BITS-1];
    assign busy_led  = busy_st != 0;
    assign irq_led   = irq_st != 0;
endmodule

`default_nettype wire

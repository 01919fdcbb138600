// SPDX-License-Identifier: Apache-2.0
// The user's bench, written from the SoC's page (docs/cores/net/snn_soc.md) and its register
// map: (1) the SoC directly, as a Wishbone slave: ID reads 'SN' v1.0, INFO_SIZE the sizes in
// snn_user.core, SCRATCH reads back, an unmapped address (0x58) errs; (2) acme_top, the system
// that goes on the board: its green LED lights and its red LED stays dark.
`timescale 1ns/10ps
module soc_tb;
reg clk = 0, rst = 1;
always #5 clk = ~clk;

// (1) the SoC as a Wishbone slave
reg cyc = 0, stb = 0, we = 0; reg [7:0] adr = 0; reg [31:0] dw = 0;
wire [31:0] dr; wire ack, err, stall, irq, busy;
snn_soc u (.clk(clk), .rst(rst), .wb_cyc(cyc), .wb_stb(stb), .wb_we(we), .wb_adr(adr),
           .wb_dat_w(dw), .wb_sel(4'hf), .wb_dat_r(dr), .wb_ack(ack), .wb_err(err),
           .wb_stall(stall), .irq(irq), .status_busy(busy));
reg [31:0] q; reg e;
task access(input w, input [7:0] a, input [31:0] d);
  begin
    @(negedge clk); cyc = 1; stb = 1; we = w; adr = a; dw = d;
    @(negedge clk); while (stall) @(negedge clk);
    stb = 0;
    while (!ack && !err) @(negedge clk);
    q = dr; e = err; cyc = 0;
  end
endtask

// (2) the user's top, with the button released
wire led_g_n, led_r_n;
acme_top top (.CLK(clk), .BTN_N(1'b1), .LEDG_N(led_g_n), .LEDR_N(led_r_n));

initial begin
  repeat (3) @(posedge clk); rst <= 0;
  wait (!busy);
  access(0, 8'h00, 0); if (e || q !== 32'h534e0100) begin $display("BAD ID %h", q); $fatal(1); end
  access(0, 8'h2c, 0); if (e || q !== 32'h00040008) begin $display("BAD INFO_SIZE %h", q); $fatal(1); end
  access(1, 8'h28, 32'hcafef00d); access(0, 8'h28, 0);
  if (e || q !== 32'hcafef00d) begin $display("BAD SCRATCH %h", q); $fatal(1); end
  access(0, 8'h58, 0); if (!e) begin $display("unmapped read did not err"); $fatal(1); end
  $display("snn_user: SoC Wishbone slave OK (ID, INFO_SIZE, SCRATCH, unmapped -> ERR)");
  repeat (2000) @(posedge clk);
  if (led_g_n !== 1'b0 || led_r_n !== 1'b1) begin
    $display("acme_top: LEDs green_n=%b red_n=%b, want 0 1", led_g_n, led_r_n); $fatal(1);
  end
  $display("snn_user: acme_top OK (green LED on, red LED off)");
  $finish;
end
endmodule

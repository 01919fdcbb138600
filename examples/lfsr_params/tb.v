// SPDX-License-Identifier: Apache-2.0
// The user's bench, written from the documented contract (docs/cores/sc/lfsr.md):
// s' = (s >> 1) ^ (taps if s & 1 else 0), tdata = s.
//   rng24: taps 0xE10000, seed 1  -> 000001 E10000 708000 384000 1C2000 0E1000
//   rng8:  default taps at 8 bits = XAPP052 (8,6,5,4) = mask 0xB8, default seed 0xACE1 & 0xFF
//          = 0xE1                  -> E1 C8 64 32 19 B4
`timescale 1ns/10ps
module tb;
reg clk = 0, rst = 1, ready = 0;
wire [23:0] r24; wire [7:0] r8; wire v24, v8;
always #5 clk = ~clk;
rng24 u24 (.clk(clk), .rst(rst), .m_rnd_tdata(r24), .m_rnd_tvalid(v24), .m_rnd_tready(ready));
rng8  u8  (.clk(clk), .rst(rst), .m_rnd_tdata(r8),  .m_rnd_tvalid(v8),  .m_rnd_tready(ready));
reg [23:0] want24 [0:5];
reg [7:0]  want8  [0:5];
integer i;
initial begin
  want24[0] = 24'h000001; want24[1] = 24'hE10000; want24[2] = 24'h708000;
  want24[3] = 24'h384000; want24[4] = 24'h1C2000; want24[5] = 24'h0E1000;
  want8[0] = 8'hE1; want8[1] = 8'hC8; want8[2] = 8'h64; want8[3] = 8'h32; want8[4] = 8'h19;
  want8[5] = 8'hB4;
  repeat (2) @(posedge clk); rst <= 0; ready <= 1;
  for (i = 0; i < 6; i = i + 1) begin
    @(negedge clk);
    if (!v24 || r24 !== want24[i]) begin $display("rng24 MISMATCH beat %0d: %h", i, r24); $fatal(1); end
    if (!v8 || r8 !== want8[i]) begin $display("rng8 MISMATCH beat %0d: %h", i, r8); $fatal(1); end
  end
  $display("rng_params: rng24 and rng8 OK (6 beats each as documented)");
  $finish;
end
endmodule

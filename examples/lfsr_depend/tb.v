// SPDX-License-Identifier: Apache-2.0
// The user's bench, written from the documented contract (docs/cores/sc/lfsr.md): right-shift
// Galois LFSR, x^16+x^14+x^13+x^11+1 (mask 0xB400), from seed 0xACE1; tdata is the state,
// which advances on each accepted beat.
`timescale 1ns/10ps
module tb;
reg clk = 0, rst = 1, ready = 0;
wire [15:0] rnd; wire valid;
always #5 clk = ~clk;
lfsr u (.clk(clk), .rst(rst), .m_rnd_tdata(rnd), .m_rnd_tvalid(valid), .m_rnd_tready(ready));
reg [15:0] want [0:4];
integer i;
initial begin
  want[0] = 16'hACE1; want[1] = 16'hE270; want[2] = 16'h7138; want[3] = 16'h389C; want[4] = 16'h1C4E;
  repeat (2) @(posedge clk); rst <= 0; ready <= 1;
  for (i = 0; i < 5; i = i + 1) begin
    @(negedge clk);
    if (!valid || rnd !== want[i]) begin $display("MISMATCH beat %0d: %h", i, rnd); $fatal(1); end
  end
  $display("rng_user: lfsr OK (5 beats as documented)");
  $finish;
end
endmodule

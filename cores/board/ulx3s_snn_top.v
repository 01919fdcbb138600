// SPDX-License-Identifier: Apache-2.0
// ULX3S (ECP5 LFE5U-85F-6 CABGA381) top of neurohdl:board:ulx3s_snn: the SNN SoC
// (module snn_soc, generated from net.snn_soc with clk_hz 25000000) on the 25 MHz
// oscillator, no PLL, host link on the FTDI FT231X USB serial (115200 8N1).
// Port names follow the ULX3S reference .lpf (emard/ulx3s doc/constraints); pins: ulx3s.lpf.
// The names are from the FTDI's side: ftdi_txd is the FTDI's TX, an FPGA *input*;
// ftdi_rxd is the FTDI's RX, an FPGA *output*.
`default_nettype none

module ulx3s_snn_top (
    input  wire       clk_25mhz,  // 25 MHz oscillator
    input  wire       btn_fire1,  // FIRE1 button (btn[1]), active high: reset
    input  wire       ftdi_txd,   // FTDI TX -> FPGA (UART into the SoC)
    output wire       ftdi_rxd,   // FPGA -> FTDI RX
    output wire [7:0] led         // led[0] heartbeat, [1] busy, [2] irq, [7] SoC in reset
);
    wire clk = clk_25mhz;
    wire rst;
    wire irq, busy, heartbeat, busy_led, irq_led;

    // 2**16 clocks (2.6 ms) of reset after configuration or after FIRE1 is released
    neurohdl_board_reset #(.BITS(17)) u_reset (.clk(clk), .hold(btn_fire1), .rst(rst));

    snn_soc u_soc (
        .clk(clk), .rst(rst),
        .uart_rx(ftdi_txd), .uart_tx(ftdi_rxd),
        .irq(irq), .status_busy(busy)
    );

    // heartbeat 25e6 / 2**25 = 0.75 Hz; busy/irq stretched to 2**21 clocks (84 ms)
    neurohdl_board_leds #(.HB_BITS(25), .STRETCH_BITS(21)) u_leds (
        .clk(clk), .busy(busy), .irq(irq),
        .heartbeat(heartbeat), .busy_led(busy_led), .irq_led(irq_led)
    );

    assign led = {rst, 4'b0000, irq_led, busy_led, heartbeat};
endmodule

`default_nettype wire

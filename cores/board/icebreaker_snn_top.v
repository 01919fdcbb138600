// SPDX-License-Identifier: Apache-2.0
// iCEBreaker v1.0 (iCE40UP5K-SG48) top of neurohdl:board:icebreaker_snn: the SNN SoC
// (module snn_soc, generated from net.snn_soc with clk_hz 12000000) on the 12 MHz
// oscillator, no PLL, host link on the FTDI's second channel (115200 8N1).
// Port names follow the iCEBreaker reference .pcf; pins are in icebreaker.pcf.
`default_nettype none

module icebreaker_snn_top (
    input  wire CLK,     // 12 MHz oscillator
    input  wire BTN_N,   // user button, active low: reset
    input  wire RX,      // FTDI TXD -> FPGA (UART into the SoC)
    output wire TX,      // FPGA -> FTDI RXD
    output wire LEDR_N,  // red LED, active low: irq (stretched)
    output wire LEDG_N,  // green LED, active low: heartbeat (~0.7 Hz)
    output wire LED1,    // PMOD2 snap-off LED1: busy (stretched)
    output wire LED2,    // PMOD2 snap-off LED2: SoC in reset
    output wire LED3     // PMOD2 snap-off LED3: irq level
);
    wire clk = CLK;
    wire rst;
    wire irq, busy, heartbeat, busy_led, irq_led;

    // 2**15 clocks (2.7 ms) of reset after configuration or after the button is released
    neurohdl_board_reset #(.BITS(16)) u_reset (.clk(clk), .hold(!BTN_N), .rst(rst));

    snn_soc u_soc (
        .clk(clk), .rst(rst),
        .uart_rx(RX), .uart_tx(TX),
        .irq(irq), .status_busy(busy)
    );

    neurohdl_board_leds #(.HB_BITS(24), .STRETCH_BITS(20)) u_leds (
        .clk(clk), .busy(busy), .irq(irq),
        .heartbeat(heartbeat), .busy_led(busy_led), .irq_led(irq_led)
    );

    assign LEDR_N = !irq_led;
    assign LEDG_N = !heartbeat;
    assign LED1   = busy_led;
    assign LED2   = rst;
    assign LED3   = irq;
endmodule

`default_nettype wire

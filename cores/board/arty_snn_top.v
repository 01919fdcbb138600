// SPDX-License-Identifier: Apache-2.0
// Arty A7-35T (Artix-7 XC7A35TICSG324-1L) top of neurohdl:board:arty_snn: the SNN SoC
// (module snn_soc, generated from net.snn_soc with clk_hz 50000000) on 50 MHz from an
// MMCME2_BASE fed by the 100 MHz oscillator, host link on the FT2232HQ USB-UART (115200 8N1).
// Port names follow Digilent's Arty-A7-35-Master.xdc; pins: arty.xdc.
// uart_txd_in is the FTDI's TX (an FPGA input); uart_rxd_out is the FTDI's RX (an FPGA output).
`default_nettype none

module arty_snn_top (
    input  wire       CLK100MHZ,     // 100 MHz oscillator (E3)
    input  wire       ck_rst,        // RESET button, active low
    input  wire       uart_txd_in,   // FTDI TX -> FPGA (UART into the SoC)
    output wire       uart_rxd_out,  // FPGA -> FTDI RX
    output wire [3:0] led            // led[0] heartbeat, [1] busy, [2] irq, [3] MMCM locked
);
    // MMCM: f_vco = 100 MHz * CLKFBOUT_MULT_F / DIVCLK_DIVIDE = 1000 MHz (the -1L grade allows
    // 600..1200 MHz), f_out0 = f_vco / CLKOUT0_DIVIDE_F = 50 MHz. CLKFBOUT goes back through a
    // BUFG so that the output clock is phase-aligned with the input at the flip-flops.
    wire clkfb, clkfb_buf, clk_unbuf, clk, locked;
    MMCME2_BASE #(
        .BANDWIDTH("OPTIMIZED"),
        .CLKIN1_PERIOD(10.0),
        .DIVCLK_DIVIDE(1),
        .CLKFBOUT_MULT_F(10.0),
        .CLKFBOUT_PHASE(0.0),
        .CLKOUT0_DIVIDE_F(20.0),
        .CLKOUT0_DUTY_CYCLE(0.5),
        .CLKOUT0_PHASE(0.0),
        .REF_JITTER1(0.010),
        .STARTUP_WAIT("FALSE")
    ) u_mmcm (
        .CLKIN1(CLK100MHZ),
        .CLKFBIN(clkfb_buf),
        .CLKFBOUT(clkfb),
        .CLKFBOUTB(),
        .CLKOUT0(clk_unbuf),
        .CLKOUT0B(),
        .CLKOUT1(), .CLKOUT1B(), .CLKOUT2(), .CLKOUT2B(), .CLKOUT3(), .CLKOUT3B(),
        .CLKOUT4(), .CLKOUT5(), .CLKOUT6(),
        .LOCKED(locked),
        .PWRDWN(1'b0),
        .RST(1'b0)
    );
    BUFG u_bufg_fb  (.I(clkfb),     .O(clkfb_buf));
    BUFG u_bufg_clk (.I(clk_unbuf), .O(clk));

    wire rst;
    wire irq, busy, heartbeat, busy_led, irq_led;

    // reset until the MMCM is locked and RESET is released, then 2**17 clocks (2.6 ms)
    neurohdl_board_reset #(.BITS(18)) u_reset (.clk(clk), .hold(!locked || !ck_rst), .rst(rst));

    snn_soc u_soc (
        .clk(clk), .rst(rst),
        .uart_rx(uart_txd_in), .uart_tx(uart_rxd_out),
        .irq(irq), .status_busy(busy)
    );

    // heartbeat 50e6 / 2**26 = 0.75 Hz; busy/irq stretched to 2**22 clocks (84 ms)
    neurohdl_board_leds #(.HB_BITS(26), .STRETCH_BITS(22)) u_leds (
        .clk(clk), .busy(busy), .irq(irq),
        .heartbeat(heartbeat), .busy_led(busy_led), .irq_led(irq_led)
    );

    assign led = {locked, irq_led, busy_led, heartbeat};
endmodule

`default_nettype wire

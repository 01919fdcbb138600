# SPDX-License-Identifier: Apache-2.0
## Arty A7-35T (XC7A35TICSG324-1L) pins of arty_snn_top (names and pins as in Digilent's
## digilent-xdc Arty-A7-35-Master.xdc). The MMCM's 50 MHz output clock is derived by Vivado
## from the 100 MHz input clock below.

## 100 MHz oscillator
set_property -dict { PACKAGE_PIN E3 IOSTANDARD LVCMOS33 } [get_ports { CLK100MHZ }];
create_clock -add -name sys_clk_pin -period 10.00 -waveform {0 5} [get_ports { CLK100MHZ }];

## RESET button (active low)
set_property -dict { PACKAGE_PIN C2 IOSTANDARD LVCMOS33 } [get_ports { ck_rst }];

## FT2232HQ USB-UART: uart_txd_in = FTDI TX into the FPGA, uart_rxd_out = FPGA out to FTDI RX
set_property -dict { PACKAGE_PIN A9  IOSTANDARD LVCMOS33 } [get_ports { uart_txd_in }];
set_property -dict { PACKAGE_PIN D10 IOSTANDARD LVCMOS33 } [get_ports { uart_rxd_out }];

## green LEDs LD4..LD7
set_property -dict { PACKAGE_PIN H5  IOSTANDARD LVCMOS33 } [get_ports { led[0] }];
set_property -dict { PACKAGE_PIN J5  IOSTANDARD LVCMOS33 } [get_ports { led[1] }];
set_property -dict { PACKAGE_PIN T9  IOSTANDARD LVCMOS33 } [get_ports { led[2] }];
set_property -dict { PACKAGE_PIN T10 IOSTANDARD LVCMOS33 } [get_ports { led[3] }];

## the UART input and the button are asynchronous (synchronised in the design)
set_false_path -from [get_ports { uart_txd_in ck_rst }];
set_false_path -to [get_ports { uart_rxd_out led[*] }];

## configuration bank voltage (silences DRC CFGBVS-1)
set_property CFGBVS VCCO [current_design];
set_property CONFIG_VOLTAGE 3.3 [current_design];

"""Bus family: the UART <-> Wishbone bridge (bus.uart_bridge)."""

"""bus family: bus-attached blocks and bridges (bus.csr, bus.uart_bridge)."""

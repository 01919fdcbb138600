# SPDX-License-Identifier: Apache-2.0
"""bus family: bus-attached blocks and bridges (bus.csr, bus.uart_bridge)."""

"""bus family: bus-attached blocks (CSR block, bridges)."""

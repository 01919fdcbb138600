"""net family: systems of cores (net.snn_soc)."""

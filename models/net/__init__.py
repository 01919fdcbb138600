# SPDX-License-Identifier: Apache-2.0
"""net family: systems of cores (net.snn_soc)."""

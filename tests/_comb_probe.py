# SPDX-License-Identifier: Apache-2.0
"""Probe for tests/test_determinism.py: a MyHDL always_comb with if/else, converted raw or canonicalised."""
import sys
from myhdl import block, always_comb, Signal, intbv
import neurohdl.convert as c
@block
def t(a, b, c_, d, y):
    @always_comb
    def comb():
        if a:
            y.next = b + c_
        else:
            y.next = d
    return comb
sig = [Signal(intbv(0)[4:]) for _ in range(5)]
i = t(*sig)
if sys.argv[1] == "canon":
    c._canonicalise(i)
i.convert(hdl="Verilog", path=sys.argv[3], name="t_" + sys.argv[2], testbench=False, no_myhdl_header=True)

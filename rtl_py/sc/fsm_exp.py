# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.fsm_exp``: the N-state saturating counter FSM of ``rtl_py/sc/_fsm.py``
with the Moore output ``y = s < N - G``."""
from myhdl import always_comb, block

from neurohdl.core import const
from neurohdl.models.sc import fsm_exp as model
from neurohdl.models.sc.fsm_exp import FsmExpParams
from neurohdl.rtl.sc._fsm import fsm_core


@block
def moore(s, y, p: FsmExpParams):
    limit = const(p.states - p.g, p.state_width)

    @always_comb
    def comb():
        y.next = s < limit

    return comb


CORE = fsm_core(model, FsmExpParams, moore,
                "input bitstream (bipolar value x = 2 P(1) - 1)",
                "output bitstream, 1 iff the counter state < N - G before the input's update; "
                "unipolar ~ exp(-2 G x) for x >= 0",
                "Stochastic exponentiation (Brown and Card): N-state saturating counter, "
                "y = state < N - G",
                "exact: unsigned compare s < N - G")

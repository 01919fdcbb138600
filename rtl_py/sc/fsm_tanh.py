# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``sc.fsm_tanh``: the N-state saturating counter FSM of
``rtl_py/sc/_fsm.py`` with the Moore output ``y = s >= N/2``."""
from myhdl import always_comb, block

from neurohdl.core import const
from neurohdl.models.sc import fsm_tanh as model
from neurohdl.models.sc.fsm_tanh import FsmTanhParams
from neurohdl.rtl.sc._fsm import fsm_core


@block
def moore(s, y, p: FsmTanhParams):
    half = const(p.states // 2, p.state_width)

    @always_comb
    def comb():
        y.next = s >= half

    return comb


CORE = fsm_core(model, FsmTanhParams, moore,
                "input bitstream (bipolar value v = 2 P(1) - 1)",
                "output bitstream, 1 iff the counter state >= N/2 before the input's update; "
                "bipolar ~ tanh(N/2 v)",
                "Stochastic tanh (Brown and Card): N-state saturating counter, y = state >= N/2",
                "exact: unsigned compare s >= N/2")

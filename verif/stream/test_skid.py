# SPDX-License-Identifier: Apache-2.0
"""stream.skid: converted Verilog vs the model over random widths on the shared testbench:
every pair of idle x back-pressure patterns word by word, full throughput (one word a cycle,
latency 1), a mid-stream reset, a fill to full (two words), a must-fail (every third word
lost); and cycle by cycle (registered ready, valid, data against the model's step) with its
must-fail (a 4-word FIFO, which keeps accepting where the slice's registered ready falls)."""
import random

from neurohdl.models.stream import fifo
from neurohdl.models.stream import skid as model
from neurohdl.models.stream.skid import SkidParams, State
from neurohdl.verif.common.tb import bad_params_test, core_tests
from neurohdl.verif.stream.bench import stream_tests


class _Fifo4:
    """The cycle behaviour of a 4-word FIFO under the slice's port names (must-fail)."""
    outputs = staticmethod(lambda p, s: model.Outputs(*fifo.outputs(p, s)[:3]))
    step = staticmethod(fifo.step)


# must-fails: the skid word lost (every third word dropped); a 4-word FIFO's cycles
globals().update(stream_tests(
    model, mutant=lambda p, w: model.run(p, [x for i, x in enumerate(w) if i % 3 != 2]),
    must_fail_prefix=[0, 0, 1], capacity=lambda p: 2, wrong_model=_Fifo4,
    wrong_params=lambda p: fifo.FifoParams(depth=4, width=p.width),
    cycles_doc="Every cycle's registered s_in_tready, m_out_tvalid and data against the "
               "model's step.",
    wrong_doc="The cycle check against a 4-word FIFO must fail: it keeps accepting where the "
              "slice's registered ready falls."))


# ---------------------------------------------------------------- pytest side -------------

test_skid, test_skid_verilator = core_tests("stream.skid")


def test_model_is_a_two_word_queue(seed):
    """step() against a list of at most 2 words with ready = (fewer than 2 held): order, no loss,
    full throughput while the sink is ready, the skid word only while the output is full."""
    r = random.Random(seed)
    p = SkidParams(width=6)
    state, ref, sent, got = None, [], [], []
    for _ in range(2000):
        sv, sd, mr = r.random() < 0.7, r.getrandbits(6), r.random() < 0.6
        state, out = model.step(p, state, sv, sd, mr)
        assert out == (int(len(ref) < 2), int(bool(ref)), ref[0] if ref else None)
        assert state.skid is None or state.out is not None
        if ref and mr:
            got.append(ref.pop(0))
        if out.s_in_tready and sv:
            ref.append(sd)
            sent.append(sd)
    assert got == sent[:len(got)] and len(got) > 800
    state = State()
    for i in range(10):                       # sink always ready: one word per cycle, latency 1
        state, out = model.step(p, state, 1, i, 1)
        assert out.s_in_tready == 1 and (i == 0 or out.m_out_tdata == i - 1)


def test_random_configs_cover_corners():
    assert {1, 40} <= {SkidParams.random(random.Random(s)).width for s in range(100)}


test_bad_params_raise = bad_params_test(SkidParams, [
    ({"width": 0}, ["SkidParams.width = 0", "1..1024"]),
    ({"width": 1025}, ["SkidParams.width = 1025 (0x401)", "1..1024"]),
])

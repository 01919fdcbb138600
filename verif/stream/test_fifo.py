# SPDX-License-Identifier: Apache-2.0
"""stream.fifo: converted Verilog vs the model over random configurations (both storages,
depths 2..32, with and without almost-full) on the shared testbench: every pair of idle x
back-pressure patterns word by word, full throughput, a mid-stream reset, a fill to full, a
must-fail (two words swapped); and cycle by cycle (ready, valid, head, count, almost-full
against the model's step) with its must-fail (a model twice as deep).  The properties proven
formally are in verif/stream/formal_fifo.sv (tests/test_formal.py)."""
import random

from neurohdl.models.stream import fifo as model
from neurohdl.models.stream.fifo import FifoParams
from neurohdl.verif.common.tb import bad_params_test, core_tests, planted_bug_test
from neurohdl.verif.stream.bench import stream_tests


# must-fails: two neighbouring words swapped (an order bug); a model twice as deep
globals().update(stream_tests(
    model, mutant=lambda p, w: model.run(p, w[1:2] + w[:1] + w[2:]), must_fail_prefix=[0, 1],
    capacity=lambda p: p.depth, wrong_model=model,
    wrong_params=lambda p: FifoParams(depth=2 * p.depth, width=p.width),
    cycles_doc="Every cycle's s_in_tready, m_out_tvalid, head, status_count and "
               "status_almost_full against the model's step.",
    wrong_doc="The cycle check against a model twice as deep must fail (it keeps s_in_tready "
              "high where the design is full)."))


# ---------------------------------------------------------------- pytest side -------------

test_fifo, test_fifo_verilator = core_tests("stream.fifo")

# the must-fail of fill_to_full: a FIFO one word short (full at depth - 1)
test_planted_bug_is_caught = planted_bug_test("stream.fifo", {"one_word_short": (
    [(r"(assign do_push = \(s_in_tvalid && \(cnt != )depth_c\)", r"\1(depth_c - 1))"),
     (r"(assign s_in_tready = \(cnt != )depth_c\)", r"\1(depth_c - 1))")], "fill_to_full")})


def test_model_against_a_list_queue(seed):
    """step() against a plain Python list over random traffic: order, occupancy, flags."""
    r = random.Random(seed)
    p = FifoParams(depth=8, width=5, almost_full=6)
    state, ref, sent, got = None, [], [], []
    for _ in range(2000):
        sv, sd, mr = r.random() < 0.6, r.getrandbits(5), r.random() < 0.5
        state, out = model.step(p, state, sv, sd, mr)
        assert out == (int(len(ref) < 8), int(bool(ref)), ref[0] if ref else None, len(ref),
                       int(len(ref) >= 6))
        if ref and mr:
            got.append(ref.pop(0))
        if out.s_in_tready and sv:
            ref.append(sd)
            sent.append(sd)
    assert got == sent[:len(got)] and len(got) > 500
    assert model.run(p, [0x3F, 1]) == [0x1F, 1]


def test_random_configs_cover_corners():
    ps = [FifoParams.random(random.Random(s)) for s in range(200)]
    assert {2, 32} <= {p.depth for p in ps} and {1, 40} <= {p.width for p in ps}
    assert {"bram", "lut"} == {p.storage for p in ps}
    assert None in {p.almost_full for p in ps} and any(p.almost_full == p.depth for p in ps)


test_bad_params_raise = bad_params_test(FifoParams, [
    ({"depth": 12}, ["FifoParams.depth = 12", "a power of two"]),
    ({"depth": 1}, ["FifoParams.depth = 1", "2..4096"]),
    ({"width": 0}, ["FifoParams.width = 0", "1..1024"]),
    ({"storage": "ff"}, ["FifoParams.storage = 'ff'", "'bram', 'lut'"]),
    ({"depth": 4, "almost_full": 5}, ["FifoParams.almost_full = 5", "1..4"]),
])

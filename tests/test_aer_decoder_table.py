# SPDX-License-Identifier: Apache-2.0
"""aer.decoder in pure Python: the fan-out table's layout and load words written out by hand,
its refusals, and the cycle model over random tables, traffic and back-pressure against a plain
dict-of-lists expansion (with the counter invariant every cycle); the synaptic word is
neuron.engine's s_syn word; lines mode feeds aer.encoder back to the same events; must-fail:
the expansion check catches a table one weight away."""
import random

import pytest

from neurohdl import ParamError
from neurohdl.models.aer import decoder as model
from neurohdl.models.aer import encoder, event
from neurohdl.models.aer.decoder import DecoderParams, Table
from neurohdl.models.neuron import engine
from neurohdl.models.neuron.engine import EngineParams

SMALL = DecoderParams(n=4, synapses=8, max_fanout=3, target_bits=4, w_width=4,
                      event={"neuron_bits": 2})


def test_layout_by_hand():
    """Keys' lists back to back from word 0, ascending key; absent keys start 0 (or the end)."""
    t = model.build_table(SMALL, {2: [(5, -8)], 0: [(1, 7), (3, -1)]})
    assert t == Table(ptr=((0, 2), (0, 0), (2, 1), (0, 0)),
                      syn=((1, 7), (3, -1), (5, -8), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)))
    # a full synapse RAM: a key after the last synapse starts at 0 (start must fit its field)
    full = model.build_table(SMALL, {0: [(0, 0)] * 3, 1: [(0, 0)] * 3, 2: [(0, 0)] * 2, 3: []})
    assert full.ptr == ((0, 3), (3, 3), (6, 2), (0, 0))


def test_load_words_by_hand():
    """tbl_data_bits = max(ptr 3 + 2, syn 4 + 4) = 8, tbl_addr_bits = max(2, 3) = 3: {sel, addr,
    data} = 12 bits; pointer {count, start}, synapse {weight (two's complement), target}."""
    p = SMALL
    assert (p.ptr_width, p.syn_width, p.tbl_addr_bits, p.tbl_data_bits, p.tbl_width) == \
        (5, 8, 3, 8, 12)
    words = model.load_words(p, model.build_table(p, {0: [(1, 7), (3, -1)]}))
    assert words[:4] == [0b0_000_00010_000, 0b0_001_00000_000, 0b0_010_00000_000,
                         0b0_011_00000_000]
    assert words[4:6] == [0b1_000_0111_0001, 0b1_001_1111_0011] and len(words) == 12


def test_load_words_reach_the_rams():
    """The load words stepped through the cycle model leave the RAMs as ``loaded`` says."""
    r = random.Random(3)
    for _ in range(20):
        p = DecoderParams.random(r, mode="fanout")
        table = model.build_table(p, model.random_fanout(p, r))
        st = model.reset(p)
        for w in model.load_words(p, table):
            st = model.step(p, st, idle(p) | {"s_tbl_tvalid": 1, "s_tbl_tdata": w})
        want = model.loaded(p, table)
        assert (st.ptr, st.syn) == (want.ptr, want.syn), p


@pytest.mark.parametrize("fanout, words", [
    ({4: []}, ["decoder table key = 4", "0..3"]),
    ({1: [(0, 0)] * 4}, ["decoder table[1] fan-out = 4", "0..3 (max_fanout)"]),
    ({0: [(16, 0)]}, ["decoder table[0][0] target = 16", "0..15"]),
    ({0: [(0, 1), (0, 8)]}, ["decoder table[0][1] weight = 8", "-8..7", "w_signed = True"]),
    ({k: [(0, 0)] * 3 for k in range(4)}, ["decoder table synapses = 12", "0..8"]),
])
def test_table_refusals(fanout, words):
    with pytest.raises(ParamError) as e:
        model.build_table(SMALL, fanout)
    assert all(w in str(e.value) for w in words) and "\n" not in str(e.value), str(e.value)


def test_unsigned_weights():
    p = DecoderParams(n=2, synapses=2, max_fanout=2, w_width=3, w_signed=False)
    assert p.weight_range() == (0, 7)
    with pytest.raises(ParamError, match=r"weight = -1: allowed 0\.\.7"):
        model.build_table(p, {0: [(0, -1)]})


# ---------------------------------------------------------------- the cycle model ----------

def idle(p) -> dict:
    return dict.fromkeys(model.inputs(p), 0)


def run(p, st, beats, rng, p_idle=0.3, p_stall=0.4, limit=20000):
    """Drive the model with ``beats`` on s_in (random idle) and random m_* back-pressure until
    it is empty; returns (state, output beats).  Checks the counter invariant every cycle."""
    m = "m_spk" if p.mode == "lines" else "m_syn"
    out, i = [], 0
    for _ in range(limit):
        if i == len(beats) and st.p is None and st.b is None and st.out is None:
            return st, out
        ins = idle(p)
        if i < len(beats) and rng.random() > p_idle:
            d, last, user = beats[i]
            ins.update(s_in_tvalid=1, s_in_tdata=d, s_in_tlast=last, s_in_tuser=user)
        ins[f"{m}_tready"] = int(rng.random() > p_stall)
        o = model.outputs(p, st, ins)
        assert st.n_in == st.n_done + st.n_drop + model.in_flight(p, st)
        if o[f"{m}_tvalid"] and ins[f"{m}_tready"]:
            out.append((o[f"{m}_tdata"], o[f"{m}_tlast"], o.get(f"{m}_tuser", 0)))
        if ins["s_in_tvalid"] and o["s_in_tready"]:
            i += 1
        st = model.step(p, st, ins)
    raise AssertionError(f"not drained after {limit} cycles; {p}")


def expand(p, fanout, steps):
    """The reference: each timestep's synaptic words, a plain dict-of-lists expansion."""
    keys = [[int(w) & ((1 << p.key_bits) - 1) for w in ts] for ts in steps]
    return [[model.syn_word(p, t, w) for k in ks if k < p.n for t, w in fanout.get(k, [])]
            for ks in keys]


def mismatches(p, fanout, loaded_fanout, rng, n_events=60):
    """Timesteps where the model, its RAMs holding ``loaded_fanout``, disagrees with the
    expansion of ``fanout``."""
    steps = event.random_timesteps(p.event, rng, n_events)
    st, out = run(p, model.loaded(p, model.build_table(p, loaded_fanout)), event.beats(steps),
                  rng)
    closed, open_ = event.timesteps(out)
    assert not open_ and len(closed) == len(steps)
    assert st.n_out == sum(map(len, closed)) and st.n_mark == len(steps)
    return [t for t, (g, w) in enumerate(zip(closed, expand(p, fanout, steps))) if g != w]


def test_fanout_matches_expansion(seed):
    """Random fanout configurations and tables (keys without synapses, keys at max_fanout,
    keys out of range, marker beats) under random idle and back-pressure."""
    r = random.Random(seed)
    for _ in range(25):
        p = DecoderParams.random(r, mode="fanout")
        fanout = model.random_fanout(p, r)
        assert mismatches(p, fanout, fanout, r) == [], p


def test_expansion_check_must_fail(seed):
    """A table one weight away from the reference's is caught."""
    r = random.Random(seed)
    p = DecoderParams(n=4, synapses=16, max_fanout=4, event={"neuron_bits": 2})
    fanout = {k: [(k, k + 1)] for k in range(4)}
    wrong = fanout | {2: [(2, 9)]}
    assert mismatches(p, fanout, wrong, r) != []


def test_one_slot_a_cycle():
    """No pauses: cycles from the first s_in transfer to the last output = 1 + sum(max(1, c))."""
    p = DecoderParams(n=4, synapses=16, max_fanout=5, event={"neuron_bits": 2})
    fanout = {0: [(1, 1)] * 5, 1: [], 2: [(2, 2)], 3: [(3, 3)] * 3}
    st = model.loaded(p, model.build_table(p, fanout))
    keys = [0, 1, 1, 2, 3, 0]
    beats = [(k, int(i == len(keys) - 1), 0) for i, k in enumerate(keys)]
    cycles, i, busy = 0, 0, True
    while busy:
        ins = idle(p) | {"m_syn_tready": 1}
        if i < len(beats):
            ins.update(s_in_tvalid=1, s_in_tdata=beats[i][0], s_in_tlast=beats[i][1])
        i += bool(ins["s_in_tvalid"] and model.outputs(p, st, ins)["s_in_tready"])
        st = model.step(p, st, ins)
        cycles += 1
        busy = st.out is not None or st.p is not None or st.b is not None
    assert cycles == 2 + sum(max(1, len(fanout[k])) for k in keys)


def test_synaptic_word_is_the_engines():
    """target_bits = the engine's aw and w_width = its w_width: m_syn_tdata is exactly
    neuron.engine's s_syn word for every (target, weight)."""
    ep = EngineParams(n=12, w_width=5)
    p = DecoderParams(n=2, synapses=2, max_fanout=1, target_bits=ep.aw, w_width=ep.w_width)
    for a in range(ep.n):
        for w in range(-16, 16):
            assert model.syn_word(p, a, w) == engine.pack_event(ep, a, w)


def test_decoded_timesteps_drive_the_engine(seed):
    """m_syn beats, read back by ``syn_timesteps``, run neuron.engine's model to the same spikes
    and membranes as the expansion's (target, weight) lists."""
    r = random.Random(seed)
    ep = EngineParams(n=6, w_width=6, cell={"threshold": 20})
    p = DecoderParams(n=8, synapses=32, max_fanout=6, target_bits=ep.aw, w_width=ep.w_width,
                      event={"neuron_bits": 3})
    lo, hi = p.weight_range()
    fanout = {k: [(r.randrange(ep.n), r.randint(lo, hi)) for _ in range(r.randint(0, 4))]
              for k in range(p.n)}
    steps = event.random_timesteps(p.event, r, 40)
    _, out = run(p, model.loaded(p, model.build_table(p, fanout)), event.beats(steps), r)
    got = model.syn_timesteps(p, out)
    want = [[(t, w) for k in ts for t, w in fanout.get(int(k), [])] for ts in steps]
    assert got == want
    b1, v1, _ = engine.run(ep, got)
    b2, v2, _ = engine.run(ep, want)
    assert b1 == b2 and (v1 == v2).all()


def test_lines_feed_the_encoder(seed):
    """Lines mode: the vectors, through aer.encoder's model, give back each timestep's set of
    in-range keys."""
    r = random.Random(seed)
    for _ in range(10):
        p = DecoderParams.random(r, mode="lines")
        steps = event.random_timesteps(p.event, r, 40)
        st, out = run(p, model.reset(p), event.beats(steps), r)
        assert st.n_mark == len(steps) == len(out) and all(last for _, last, _ in out)
        if p.n < 2:
            continue
        ep = encoder.EncoderParams(n=p.n, event={"neuron_bits": max(1, (p.n - 1).bit_length())})
        closed, _ = event.timesteps(encoder.events(ep, [(d, 1) for d, _, _ in out]))
        want = [sorted({k for w in ts if (k := int(w) & ((1 << p.key_bits) - 1)) < p.n})
                for ts in steps]
        assert [sorted(ts) for ts in closed] == want, p


def test_random_configs_cover_corners():
    ps = [DecoderParams.random(random.Random(s)) for s in range(300)]
    assert {"lines", "fanout"} == {p.mode for p in ps}
    assert {"neuron", "address"} == {p.key for p in ps}
    assert any(p.max_fanout == 1 for p in ps) and any(p.max_fanout == p.synapses for p in ps)
    assert any(p.n == 1 << p.key_bits for p in ps) and any(p.n < 1 << p.key_bits for p in ps)
    assert {True, False} == {p.w_signed for p in ps}

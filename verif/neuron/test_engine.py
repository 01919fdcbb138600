# SPDX-License-Identifier: Apache-2.0
"""neuron.engine: converted Verilog vs the population model over random configurations (every
neuron type: if / lif / li with every reset mode, cuba_lif / alif / alpha / izhikevich with random
cell Params; N = 1..24 including non-powers of two, widths 3..32) and timesteps of
random synaptic streams (back-to-back same-address runs for the read-modify-write hazards,
saturating weights, out-of-range addresses), with idle on s_syn, back-pressure on m_aer, idle
gaps between timesteps and events queued while the engine is busy.  Compared: every m_aer beat
(tdata, tlast, tuser), the sticky status flags at each status_done, and (Icarus) every word of
the state RAM after every timestep.  The model is checked against N independent single-neuron
models (each core's scalar ``step()``)."""
import random

import cocotb
import cocotb.utils
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge

from neurohdl import ParamError
from neurohdl.models.neuron import engine as model
from neurohdl.models.neuron import alif, alpha, cuba_lif, if_, izhikevich, li, lif
from neurohdl.models.neuron._common import smax, smin
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.runner import check_core, params_for
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import (PATTERNS, check_stream_protocol, make_stream, pauses,
                                          reset, run_seed)

SynBus, SynTransaction, SynSource, _, _ = make_stream("Syn")
AerBus, _, _, AerSink, _ = make_stream("Aer", extra=["tlast", "tuser"])
FLAGS = ("acc_sat", "sat", "drop")
TIMESTEP_OVERHEAD = 11  # cycles beyond N, timestep_start to status_done, no back-pressure


# ---------------------------------------------------------------- cocotb side -------------

class Env:
    def __init__(self, dut, p, source, sink, errors, log):
        self.dut, self.p, self.source, self.sink, self.errors, self.log = \
            dut, p, source, sink, errors, log


async def watch(dut, log: dict):
    """Count s_syn transfers; record the status flags at every status_done pulse."""
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if dut.rst.value:
            continue
        if dut.s_syn_tvalid.value and dut.s_syn_tready.value:
            log["accepted"] += 1
        if dut.status_done.value:
            log["done"].append(tuple(int(getattr(dut, f"status_{f}").value) for f in FLAGS))


async def wait_idle(dut, limit=100000):
    for _ in range(limit):
        await RisingEdge(dut.clk)
        await ReadOnly()
        if not dut.status_busy.value:
            return
    raise AssertionError("status_busy stuck high")


async def _setup(dut, idle, stall):
    p = params_from_env(EngineParams)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    dut.timestep_start.value = 0
    source = SynSource(SynBus.from_prefix(dut, "s_syn"), dut.clk, dut.rst)
    sink = AerSink(AerBus.from_prefix(dut, "m_aer"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(idle, run_seed(), "s_syn"))
    sink.set_pause_generator(pauses(stall, run_seed(), "m_aer"))
    errors: list[str] = []
    log = {"accepted": 0, "done": []}
    cocotb.start_soon(check_stream_protocol(dut, "m_aer", errors))
    cocotb.start_soon(watch(dut, log))
    await reset(dut)
    await wait_idle(dut)
    return Env(dut, p, source, sink, errors, log)


def read_membranes(dut, p):
    """The state RAM words through the simulator's hierarchy (Icarus exposes memories); None
    where the simulator does not."""
    try:
        mem = dut.vmem
        return [int(mem[i].value) for i in range(p.n)]
    except Exception:  # noqa: BLE001 - Verilator without --public, or no array access
        return None


async def run_timesteps(env: Env, timesteps, gap_rng=None):
    """Send each timestep's events, pulse timestep_start once all are accepted, collect the
    AER beats up to tlast.  The next timestep's events are queued right after the pulse, so they
    wait on s_syn_tready while the engine is busy.  Returns (beats, membranes, flags)."""
    dut, p = env.dut, env.p
    beats, mems = [], []
    total = 0
    for t, events in enumerate(timesteps):
        if t == 0:
            for a, w in events:
                env.source.send_nowait(SynTransaction(tdata=model.pack_event(p, a, w)))
        total += len(events)
        while env.log["accepted"] < total:
            await RisingEdge(dut.clk)
        await FallingEdge(dut.clk)
        if gap_rng is not None:
            await ClockCycles(dut.clk, gap_rng.choice([0, 0, 1, 3]))
            await FallingEdge(dut.clk)
        dut.timestep_start.value = 1
        await FallingEdge(dut.clk)
        dut.timestep_start.value = 0
        if t + 1 < len(timesteps):
            for a, w in timesteps[t + 1]:
                env.source.send_nowait(SynTransaction(tdata=model.pack_event(p, a, w)))
        got = []
        while True:
            b = await env.sink.recv()
            got.append((int(b.tdata), int(b.tlast), int(b.tuser)))
            if int(b.tlast):
                break
        beats.append(got)
        n_done = len(env.log["done"])
        while len(env.log["done"]) <= t and len(env.log["done"]) == n_done:
            await RisingEdge(dut.clk)
        # the next timestep's events may already be accumulating: the membranes are final
        await ReadOnly()
        mems.append(read_membranes(dut, p))
    await ClockCycles(dut.clk, 4)
    return beats, mems, list(env.log["done"])


def flat(beats):
    return [(d << 2) | (last << 1) | user for ts in beats for d, last, user in ts]


def check(env: Env, timesteps, beats, mems, flags, what, p_model=None):
    pm = p_model or env.p
    want_beats, want_states, want_st = model.run_states(pm, timesteps)
    ctx = f"{what}; {env.p}"
    compare(flat(beats), expected(flat(want_beats), run_seed()), f"{what} m_aer "
            "(tdata << 2 | tlast << 1 | tuser)", ctx)
    want_flags = [tuple(int(s[f]) for f in FLAGS) for s in want_st]
    compare([int("".join(map(str, f)), 2) for f in flags],
            expected([int("".join(map(str, f)), 2) for f in want_flags], run_seed() + 1),
            f"{what} status (acc_sat, sat, drop) at done", ctx)
    if "icarus" in cocotb.SIM_NAME.lower():
        assert mems and mems[0] is not None, "Icarus: the membrane RAM was not readable"
    if mems and mems[0] is not None:
        got = [x for m in mems for x in m]
        want = [w for st in want_states for w in model.ram_words(pm, st)]
        compare(got, expected(want, run_seed() + 2), f"{what} state RAM words (t * N + n)", ctx)
    assert env.sink.empty(), f"extra m_aer beats; {ctx}"
    assert not env.errors, env.errors[:3]


def stimulus(p, salt, T=6, lo=0, hi=40):
    r = random.Random(f"{run_seed()}:{salt}")
    return [model.random_events(p, r, r.randint(lo, hi)) for _ in range(T)], r


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def timesteps_match_model(dut, idle, stall):
    """Every pair of s_syn idle pattern x m_aer back-pressure pattern; random gaps between
    timesteps; empty timesteps included (lo = 0)."""
    env = await _setup(dut, idle, stall)
    ts, r = stimulus(env.p, f"{idle}/{stall}")
    beats, mems, flags = await run_timesteps(env, ts, gap_rng=r)
    check(env, ts, beats, mems, flags, f"pauses=({idle},{stall})")


@cocotb.test()
async def hazards_back_to_back(dut):
    """No pauses: long same-address runs of the extreme weights (forwarding from the previous
    and the one-before-previous beat, saturation both ways), a/b/a/b and a/b/b/a patterns."""
    env = await _setup(dut, None, None)
    p = env.p
    r = random.Random(f"{run_seed()}:hazards")
    lo, hi = smin(p.w_width), smax(p.w_width)
    ts = []
    for _ in range(5):
        a, b = r.randrange(p.n), r.randrange(p.n)
        ev = [(a, hi)] * r.randint(3, 20) + [(a, lo)] * r.randint(3, 20)
        ev += [(a, r.randint(lo, hi)), (b, r.randint(lo, hi))] * 4
        ev += [(a, hi), (b, lo), (b, hi), (a, lo), (a, 1 if hi >= 1 else 0)]
        ev += [(r.randrange(p.n), r.choice([lo, hi])) for _ in range(10)]
        ts.append(ev)
    beats, mems, flags = await run_timesteps(env, ts)
    check(env, ts, beats, mems, flags, "hazards")


def fire_level(p):
    """About the input that makes a resting neuron fire in one step."""
    q = p.cell
    if p.neuron == "cuba_lif":
        return max(1, q.vth + 1 - (q.bias >> 6))
    if p.neuron == "izhikevich":
        return (100 << q.frac_bits) << q.dt_shift
    return getattr(q, "threshold", 1)


@cocotb.test()
async def all_spike_then_silence(dut):
    """Every neuron driven to threshold (a beat per neuron, tlast on N-1) under cycle
    back-pressure, then timesteps without events (leak only; the empty-timestep marker)."""
    env = await _setup(dut, "cycle", "cycle")
    p = env.p
    hi = smax(p.w_width)
    reps = min(64, -(-fire_level(p) // max(1, hi)) + 1)
    ts = [[(n, hi) for n in range(p.n) for _ in range(reps)], [], [], [(0, hi)], []]
    beats, mems, flags = await run_timesteps(env, ts)
    check(env, ts, beats, mems, flags, "all-spike")


@cocotb.test()
async def latency_and_throughput(dut):
    """No pauses: s_syn takes one beat per clock (distinct consecutive addresses) and two for a
    back-to-back repeat; a timestep takes N + TIMESTEP_OVERHEAD cycles from the timestep_start
    cycle to the status_done cycle; the init sweep after reset is as long."""
    env = await _setup(dut, None, None)
    p = env.p
    ev = [(i % p.n, 1) for i in range(12)] if p.n > 1 else [(0, 1)] * 12
    for a, w in ev:
        env.source.send_nowait(SynTransaction(tdata=model.pack_event(p, a, w)))
    await FallingEdge(dut.clk)
    cycles = 0
    while env.log["accepted"] < len(ev):
        await RisingEdge(dut.clk)
        cycles += 1
    want = len(ev) if p.n > 1 else 2 * len(ev) - 1
    assert cycles <= want + 1, f"{len(ev)} beats took {cycles} cycles (want {want}); {p}"
    await FallingEdge(dut.clk)
    dut.timestep_start.value = 1
    await RisingEdge(dut.clk)
    start = cocotb.utils.get_sim_time("ns")
    await FallingEdge(dut.clk)
    dut.timestep_start.value = 0
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if dut.status_done.value:
            break
    took = round((cocotb.utils.get_sim_time("ns") - start) / 10)
    b = []
    while not env.sink.empty():
        t = env.sink.recv_nowait()
        b.append((int(t.tdata), int(t.tlast), int(t.tuser)))
    want_beats = model.run(p, [ev])[0][0]
    compare(flat([b]), expected(flat([want_beats]), run_seed() + 3), "latency test m_aer "
            "(tdata, tlast, tuser)", str(p))
    assert took == p.n + TIMESTEP_OVERHEAD, f"timestep took {took} cycles, want N + " \
        f"{TIMESTEP_OVERHEAD} = {p.n + TIMESTEP_OVERHEAD}; {p}"


def _mutations(p):
    """Wrong models, most plausible first: a cell field off by one (leak k, threshold, vth,
    dt_shift), another reset or preset, du off by one, another of the types if/lif/li."""
    q, out = p.cell, []

    def add(**kw):
        try:
            out.append(p.replace(**kw))
        except ParamError:
            pass
    have = q.__dataclass_fields__
    for name in ("leak_shift", "threshold", "vth", "dt_shift"):
        if name in have:
            for d in (1, -1):
                add(**{f"cell.{name}": getattr(q, name) + d})
    for name, values in (("reset", ("zero", "subtract")),
                         ("preset", ("fast_spiking", "chattering", "regular_spiking")),
                         ("du", (getattr(q, "du", 0) + 1, getattr(q, "du", 0) - 1))):
        if name in have:
            for x in values:
                if x != getattr(q, name):
                    add(**{f"cell.{name}": x})
    if p.neuron in ("if", "lif", "li"):
        for x in ("if", "lif", "li"):
            if x != p.neuron:
                add(neuron=x, cell={k: getattr(q, k) for k in ("width", "frac_bits")})
    return out


@cocotb.test(expect_fail=True)
async def scoreboard_must_fail(dut):
    """The same scoreboard against a wrong model (leak k off by one where that changes this
    stimulus' expected output, else the next mutation that does) must fail."""
    env = await _setup(dut, None, None)
    ts, _ = stimulus(env.p, "must_fail", T=6, lo=10, hi=40)
    want = model.run(env.p, ts)
    wrong = next((q for q in _mutations(env.p)
                  if any(not np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
                         for x, y in zip(model.run(q, ts), want))), None)
    beats, mems, flags = await run_timesteps(env, ts)
    assert wrong is not None, "no mutation changes the expected output"   # fails as well
    check(env, ts, beats, mems, flags, "mutated model", p_model=wrong)


# ---------------------------------------------------------------- pytest side -------------

# 0 default-format LIF (Q8.8, N = 13); 1 IF with subtract reset, N = 3; 2 LI, N = 2;
# 3 N = 1; 4 the widest random widths with N = 24 (not a power of two), to_v_reset;
# 5..8 cuba_lif / alif / alpha / izhikevich (random cell Params, in_width / w_width that fire);
# 9 random
PINS = [{"neuron": "lif", "n": 13, "in_width": 16, "w_width": 8,
         "cell": {"width": 16, "frac_bits": 8, "threshold": 256}},
        {"neuron": "if", "n": 3, "cell": {"reset": "subtract"}},
        {"neuron": "li", "n": 2},
        {"n": 1},
        {"neuron": "lif", "n": 24, "in_width": 16, "cell": {"width": 16, "reset": "to_v_reset"}},
        {"neuron": "cuba_lif", "n": 5, "in_width": 16, "w_width": 12},
        {"neuron": "alif", "n": 6, "in_width": 12, "w_width": 8},
        {"neuron": "alpha", "n": 7, "in_width": 12, "w_width": 9},
        {"neuron": "izhikevich", "n": 3, "in_width": 32, "w_width": 25},
        {}]


def _set_args(kw, prefix=""):
    """--set arguments of a (nested) pin mapping: dotted names."""
    return [a for k, v in kw.items() for a in (
        _set_args(v, f"{prefix}{k}.") if isinstance(v, dict) else [f"--set {prefix}{k}={v}"])]


@pytest.mark.parametrize("i", range(len(PINS)))
def test_engine(i, seed, tmp_path):
    p = params_for("neuron.engine", seed, **PINS[i])
    if PINS[i]:
        print("[config] pinned: replay with `neurohdl sim neuron.engine --seed "
              f"{seed} " + " ".join(_set_args(PINS[i])) + "`")
    check_core("neuron.engine", seed, tmp_path, p=p)


def test_engine_verilator(seed, tmp_path):
    kind = random.Random(seed).choice(model.NEURONS)      # each type over runs
    check_core("neuron.engine", seed, tmp_path, sim="verilator",
               p=params_for("neuron.engine", seed, neuron=kind, n=7))


# -- model against N independent single-neuron models ------------------------------------------

def _independent(p, timesteps):
    """Reference: scalar accumulators per neuron (alpha: excitatory / inhibitory by the weight's
    sign) and N independent single-neuron ``step()`` instances (Python ints), spikes gathered
    per timestep; returns the spikes, every neuron's state {variable: value} and the flags."""
    q = p.cell
    # each core's scalar model: its state tuple's variables, init
    mod, names, init = {
        "lif": (lif, ("v", "r"), lif.init), "if": (if_, ("v",), if_.init),
        "li": (li, ("v",), li.init), "cuba_lif": (cuba_lif, ("u", "v"), cuba_lif.init),
        "alif": (alif, ("v", "a"), alif.init), "alpha": (alpha, ("v", "i_exc", "i_inh"),
                                                         alpha.init),
        "izhikevich": (izhikevich, ("v", "u"), izhikevich.initial_state)}[p.neuron]
    states = [init(q) for _ in range(p.n)]
    lo, hi = smin(p.in_width), smax(p.in_width)
    two = p.neuron == "alpha"
    out = []
    for events in timesteps:
        acc = [[0, 0] if two else 0 for _ in range(p.n)]
        acc_sat = drop = False
        for a, w in events:
            if a >= p.n:
                drop = True
                continue
            if two:
                c = 0 if w >= 0 else 1
                x = acc[a][c] + abs(w)
                acc_sat |= x > hi
                acc[a][c] = min(hi, x)
            else:
                x = acc[a] + w
                acc_sat |= not lo <= x <= hi
                acc[a] = min(hi, max(lo, x))
        spikes, sts, sat = [], [], False
        for n in range(p.n):
            states[n], (s, v, o) = mod.step(q, states[n], tuple(acc[n]) if two else acc[n])
            if s:
                spikes.append(n)
            st = states[n] if len(names) > 1 else (states[n],)
            sts.append(dict(zip(names, (int(x) for x in st))))
            sat |= bool(o)
        out.append((spikes, sts, (acc_sat, sat, drop)))
    return out


def test_population_equals_independent_neurons(seed):
    r = random.Random(seed)
    for _ in range(40):
        p = EngineParams.random(r, n=r.choice([1, 2, 3, 7, 24, 100]))
        ts = [model.random_events(p, r, r.randint(0, 3 * p.n)) for _ in range(12)]
        v = model.init(p)
        for events, (spikes, sts, fl) in zip(ts, _independent(p, ts)):
            v, addrs, flags = model.step(p, v, events)
            assert addrs.tolist() == spikes, p
            # every variable the engine keeps (lif: v; its refractory counter stays 0)
            assert [{k: int(a[n]) for k, a in v.items()} for n in range(p.n)] == \
                [{k: st[k] for k in v} for st in sts], p
            assert all(st.get("r", 0) == 0 for st in sts), p
            assert (flags["acc_sat"], flags["sat"], flags["drop"]) == fl, p


def test_neuron_records_agree():
    """Each type's record: the RTL state width is the model layout's total, the reset word the
    single core's; the engine's RTL names no type (it looks the record up)."""
    from pathlib import Path
    from neurohdl.models.neuron._common import reset_word
    from neurohdl.rtl.neuron import engine as engine_rtl, engine_parts, types as rtl_types
    r = random.Random(1)
    for name, nt in rtl_types.TYPES.items():
        assert nt.model is model.types.TYPES[name]
        for _ in range(5):
            e = EngineParams.random(r, neuron=name)
            q = e.cell
            assert isinstance(q, nt.model.params)
            assert nt.state_width(q) == sum(w for _, w in nt.model.layout(q)) == e.state_width
            single = getattr(__import__(f"neurohdl.rtl.neuron.{'if_' if name == 'if' else name}",
                                        fromlist=["x"]), "init_word", lambda q: 0)
            assert reset_word(nt.model, q) == single(q), name
    for mod in (engine_rtl, engine_parts):
        code = Path(mod.__file__).read_text()
        assert not [n for n in rtl_types.TYPES if f"'{n}'" in code or f'"{n}"' in code], mod


def test_aer_beats_and_run():
    assert model.aer_beats([]) == [(0, 1, 1)]
    assert model.aer_beats([3, 5]) == [(3, 0, 0), (5, 1, 0)]
    p = EngineParams(n=3, in_width=8, w_width=8,
                     cell={"width": 8, "frac_bits": 0, "threshold": 10, "leak_shift": 2})
    beats, v, st = model.run(p, [[(0, 12), (1, 9), (2, 127), (2, 127), (2, -128)], [(1, 1)], []])
    # acc: 12, 9, clip(127 + 127) = 127 then -1 (acc_sat); v1 = 9 -> 9 - 2 + 1 = 8 -> 8 - 2 = 6
    assert beats == [[(0, 1, 0)], [(0, 1, 1)], [(0, 1, 1)]]
    assert v.tolist() == [[0, 9, -1], [0, 8, 0], [0, 6, 0]]
    assert st[0] == {"acc_sat": True, "sat": False, "drop": False}
    q = p.replace(n=5)
    assert q.aw == 3
    assert model.run(q, [[(6, 1)]])[2][0]["drop"]
    assert model.pack_event(q, 5, -1) == (0xFF << 3) | 5


def test_membrane_saturation_flag():
    p = EngineParams(neuron="li", n=1, in_width=8, w_width=8,
                     cell={"width": 4, "frac_bits": 0, "leak_shift": 15})
    beats, v, st = model.run(p, [[(0, 100)], [(0, -100)]])
    assert v.tolist() == [[7], [-8]] and st[0]["sat"] and not st[0]["acc_sat"]


@pytest.mark.parametrize("kw, words", [
    ({"neuron": "hodgkin"}, ["EngineParams.neuron = 'hodgkin'", "allowed one of 'if', 'lif', "
                                                                "'li', 'cuba_lif', 'alif', "
                                                                "'alpha', 'izhikevich'"]),
    ({"neuron": "lif", "cell": {"du": 3}}, ["EngineParams.cell.du: no such parameter",
                                            "leak_shift"]),
    ({"neuron": "cuba_lif", "cell": {"du": 5000}}, ["EngineParams.cell.du = 5000", "0..4095"]),
    ({"neuron": "cuba_lif", "cell": {"tau": 3}}, ["EngineParams.cell.tau: no such parameter"]),
    ({"neuron": "alif", "cell": "vth=3"}, ["EngineParams.cell = 'vth=3'", "an AlifParams for "
                                           "neuron = 'alif' or a mapping"]),   # no text form
    ({"neuron": "cuba_lif", "in_width": 20, "w_width": 8}, ["EngineParams.in_width = 20",
                                                             "2..16", "int16"]),
    ({"neuron": "alif", "cell": {"in_width": 8}}, ["EngineParams.cell.in_width = 8",
                                                   "the value of in_width (bound to it)"]),
    ({"neuron": "alpha", "cell": {"threshold": 0}}, ["EngineParams.cell.threshold = 0"]),
    ({"neuron": "izhikevich", "in_width": 30, "cell": {"int_bits": 10, "frac_bits": 10}},
     ["EngineParams.in_width = 30", "2..20", "Q10.10"]),
    ({"neuron": "if", "cell": {"reset": "to_v_reset"}}, ["EngineParams.cell.reset = "
                                                         "'to_v_reset'", "'zero', 'subtract'"]),
    ({"neuron": "lif", "cell": {"leak": "subtract"}}, ["EngineParams.cell.leak = 'subtract'",
                                                       "'shift' in neuron.engine"]),
    ({"neuron": "lif", "cell": {"refractory": 2}}, ["EngineParams.cell.refractory = 2",
                                                    "0 in neuron.engine"]),
    ({"n": 0}, ["EngineParams.n = 0", "1..65536"]),
    ({"n": 65537}, ["EngineParams.n = 65537", "1..65536"]),
    ({"w_width": 17}, ["EngineParams.w_width = 17", "2..16"]),
    ({"w_width": 1}, ["EngineParams.w_width = 1", "2..16"]),
    ({"cell": {"width": 2}}, ["EngineParams.cell.width = 2", "3..32"]),
    ({"cell": {"leak_shift": 0}}, ["EngineParams.cell.leak_shift = 0", "1..15"]),
    ({"cell": {"reset": "hold"}}, ["EngineParams.cell.reset = 'hold'"]),
    ({"cell": {"threshold": 0}}, ["EngineParams.cell.threshold = 0", "1..32767"]),
])
def test_bad_params_raise(kw, words):
    with pytest.raises(ParamError) as e:
        EngineParams(**kw)
    for w in words:
        assert w in str(e.value)


def test_bad_events_raise():
    p = EngineParams(n=5, w_width=4)
    with pytest.raises(ValueError, match="address 8: allowed 0..7"):
        model.step(p, model.init(p), [(8, 1)])
    with pytest.raises(ValueError, match="weight 8 outside the 4-bit signed range -8..7"):
        model.step(p, model.init(p), [(1, 8)])


def test_random_configs_cover_corners():
    ps = [EngineParams.random(random.Random(s)) for s in range(300)]
    assert {p.neuron for p in ps} == set(model.NEURONS)
    assert {1, 2, 3, 24} <= {p.n for p in ps}
    assert any(p.n & (p.n - 1) for p in ps)
    assert {p.cell.reset for p in ps if p.neuron == "lif"} == {"zero", "subtract", "to_v_reset"}
    assert any(p.w_width == p.in_width for p in ps) and any(p.w_width == 2 for p in ps)

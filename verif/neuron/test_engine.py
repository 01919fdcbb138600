# SPDX-License-Identifier: Apache-2.0
"""neuron.engine: converted Verilog vs the population model over random configurations (every neuron
type: if / lif / li with every reset mode (lif: every leak mode, a bias, a refractory period; li:
both leaks), cuba_lif / alif / alpha / izhikevich with random cell Params; N = 1..24 including
non-powers of two, widths 3..32) and timesteps of random synaptic streams (back-to-back same-address
runs for the read-modify-write hazards, saturating weights, out-of-range addresses), with idle on
s_syn, back-pressure on m_aer, idle gaps between timesteps and events queued while the engine is
busy.  Compared: every m_aer beat (tdata, tlast, tuser), the sticky status flags at each
status_done, and (Icarus) every word of the state RAM after every timestep.  The model is checked
against N independent single-neuron models (each core's scalar ``step()``)."""
import random

import cocotb
import numpy as np
import pytest
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge

from neurohdl import ParamError
from neurohdl.models.neuron import engine as model
from neurohdl.models.neuron import alif, alpha, cuba_lif, if_, izhikevich, li, lif
from neurohdl.models.neuron._common import smax, smin
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import PATTERNS
from neurohdl.verif.common.tb import GAP, Bench, MustFailIncomplete
from neurohdl.verif.neuron._shared import bad_params_test, core_tests

FLAGS = ("acc_sat", "sat", "drop")
TIMESTEP_OVERHEAD = 11  # cycles beyond N, timestep_start to status_done, no back-pressure


# ---------------------------------------------------------------- cocotb side -------------

class EngineBench(Bench):
    """The shared bench (s_syn source, m_aer sink with tlast/tuser and protocol checker, reset,
    transfer watcher) plus what a timestep engine needs: ``timestep_start`` pulses, the sticky
    flags at every ``status_done`` pulse (``done``), AER beats with tlast and tuser."""

    @classmethod
    async def start(cls, dut, idle=None, stall=None, **kw) -> "EngineBench":
        """Reset done, then the init sweep over the state RAM waited out."""
        dut.timestep_start.value = 0
        tb = await super().start(dut, idle, stall, params=EngineParams, **kw)
        # cycle limit of every wait: a timestep under the heaviest back-pressure (3 of 4
        # cycles), twice, plus the default
        tb.gap = GAP + 8 * (tb.p.n + TIMESTEP_OVERHEAD)
        tb.done: list[tuple[int, ...]] = []
        cocotb.start_soon(tb._watch_done())
        await tb.wait_idle()
        return tb

    async def _watch_done(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if not dut.rst.value and dut.status_done.value:
                self.done.append(tuple(int(getattr(dut, f"status_{f}").value) for f in FLAGS))

    @property
    def accepted(self) -> int:
        return len(self.transfers["s_syn"])

    async def until(self, cond, what: str, extra: int = 0):
        """Wait edges until ``cond()``; fail (not hang) after the bench's cycle limit plus
        ``extra`` cycles (work that grows with the stimulus, e.g. events to accept)."""
        limit = self.gap + extra
        for _ in range(limit):
            if cond():
                return
            await RisingEdge(self.dut.clk)
        raise self.timeout_error(f"{what}: not within {limit} cycles; {self.p}")

    async def wait_idle(self, limit=100000):
        for _ in range(limit):
            await RisingEdge(self.dut.clk)
            await ReadOnly()
            if not self.dut.status_busy.value:
                return
        raise AssertionError("status_busy stuck high")

    def send_events(self, events):
        self.send([model.pack_event(self.p, a, w) for a, w in events])

    async def pulse_start(self):
        """timestep_start high for one clock (driven between falling edges)."""
        await FallingEdge(self.dut.clk)
        self.dut.timestep_start.value = 1
        await FallingEdge(self.dut.clk)
        self.dut.timestep_start.value = 0

    async def recv_timestep(self) -> list[tuple[int, int, int]]:
        """The AER beats (tdata, tlast, tuser) up to tlast, with the bench's cycle limit: a
        timestep whose beats stop coming fails instead of hanging."""
        sink, got = self.sinks["m_aer"], []
        self._waiting = ("m_aer", sink, "tlast", got, self.gap, self.cycle)
        try:
            while not got or not got[-1] & 2:
                b = await sink.recv()
                got.append((int(b.tdata) << 2) | (int(b.tlast) << 1) | int(b.tuser))
                self._waiting = ("m_aer", sink, "tlast", got, self.gap, self.cycle)
        finally:
            self._waiting = None
        return [(w >> 2, (w >> 1) & 1, w & 1) for w in got]


def read_membranes(dut, p):
    """The state RAM words through the simulator's hierarchy (Icarus exposes memories); None
    where the simulator does not."""
    try:
        mem = dut.vmem
        return [int(mem[i].value) for i in range(p.n)]
    except Exception:  # noqa: BLE001 - Verilator without --public, or no array access
        return None


async def run_timesteps(tb: EngineBench, timesteps, gap_rng=None):
    """Send each timestep's events, pulse timestep_start once all are accepted, collect the
    AER beats up to tlast.  The next timestep's events are queued right after the pulse, so they
    wait on s_syn_tready while the engine is busy.  Returns (beats, membranes, flags)."""
    dut, p = tb.dut, tb.p
    beats, mems = [], []
    total = 0
    for t, events in enumerate(timesteps):
        if t == 0:
            tb.send_events(events)
        total += len(events)
        # an event takes at most 2 cycles (a back-to-back repeat) times the source's idle
        # pattern (at most 3 idle cycles of 4): 8 cycles an event bounds it
        await tb.until(lambda: tb.accepted >= total, f"timestep {t}: {total} events accepted",
                       extra=8 * len(events))
        if gap_rng is not None:
            await FallingEdge(dut.clk)
            await ClockCycles(dut.clk, gap_rng.choice([0, 0, 1, 3]))
        await tb.pulse_start()
        if t + 1 < len(timesteps):
            tb.send_events(timesteps[t + 1])
        beats.append(await tb.recv_timestep())
        n_done = len(tb.done)
        await tb.until(lambda: len(tb.done) > t or len(tb.done) != n_done,
                       f"timestep {t}: status_done")
        # the next timestep's events may already be accumulating: the membranes are final
        await ReadOnly()
        mems.append(read_membranes(dut, p))
    await ClockCycles(dut.clk, 4)
    return beats, mems, list(tb.done)


def flat(beats):
    return [(d << 2) | (last << 1) | user for ts in beats for d, last, user in ts]


def check(tb: EngineBench, timesteps, beats, mems, flags, what, p_model=None):
    pm = p_model or tb.p
    want_beats, want_states, want_st = model.run_states(pm, timesteps)
    ctx = f"{what}; {tb.p}"
    compare(flat(beats), expected(flat(want_beats), tb.seed), f"{what} m_aer "
            "(tdata << 2 | tlast << 1 | tuser)", ctx)
    want_flags = [tuple(int(s[f]) for f in FLAGS) for s in want_st]
    compare([int("".join(map(str, f)), 2) for f in flags],
            expected([int("".join(map(str, f)), 2) for f in want_flags], tb.seed + 1),
            f"{what} status (acc_sat, sat, drop) at done", ctx)
    if "icarus" in cocotb.SIM_NAME.lower():
        assert mems and mems[0] is not None, "Icarus: the membrane RAM was not readable"
    if mems and mems[0] is not None:
        got = [x for m in mems for x in m]
        want = [w for st in want_states for w in model.ram_words(pm, st)]
        compare(got, expected(want, tb.seed + 2), f"{what} state RAM words (t * N + n)", ctx)
    assert tb.sinks["m_aer"].empty(), f"extra m_aer beats; {ctx}"
    tb.check_protocol()


def stimulus(tb, salt, T=6, lo=0, hi=40):
    r = tb.rng(salt)
    return [model.random_events(tb.p, r, r.randint(lo, hi)) for _ in range(T)], r


@cocotb.test()
@cocotb.parametrize(idle=list(PATTERNS), stall=list(PATTERNS))
async def timesteps_match_model(dut, idle, stall):
    """Every pair of s_syn idle pattern x m_aer back-pressure pattern; random gaps between
    timesteps; empty timesteps included (lo = 0)."""
    tb = await EngineBench.start(dut, idle, stall)
    ts, r = stimulus(tb, f"{idle}/{stall}")
    beats, mems, flags = await run_timesteps(tb, ts, gap_rng=r)
    check(tb, ts, beats, mems, flags, f"pauses=({idle},{stall})")


@cocotb.test()
async def hazards_back_to_back(dut):
    """No pauses: long same-address runs of the extreme weights (forwarding from the previous
    and the one-before-previous beat, saturation both ways), a/b/a/b and a/b/b/a patterns."""
    tb = await EngineBench.start(dut)
    p = tb.p
    r = tb.rng("hazards")
    lo, hi = smin(p.w_width), smax(p.w_width)
    ts = []
    for _ in range(5):
        a, b = r.randrange(p.n), r.randrange(p.n)
        ev = [(a, hi)] * r.randint(3, 20) + [(a, lo)] * r.randint(3, 20)
        ev += [(a, r.randint(lo, hi)), (b, r.randint(lo, hi))] * 4
        ev += [(a, hi), (b, lo), (b, hi), (a, lo), (a, 1 if hi >= 1 else 0)]
        ev += [(r.randrange(p.n), r.choice([lo, hi])) for _ in range(10)]
        ts.append(ev)
    beats, mems, flags = await run_timesteps(tb, ts)
    check(tb, ts, beats, mems, flags, "hazards")


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
    tb = await EngineBench.start(dut, "cycle", "cycle")
    p = tb.p
    hi = smax(p.w_width)
    reps = min(64, -(-fire_level(p) // max(1, hi)) + 1)
    ts = [[(n, hi) for n in range(p.n) for _ in range(reps)], [], [], [(0, hi)], []]
    beats, mems, flags = await run_timesteps(tb, ts)
    check(tb, ts, beats, mems, flags, "all-spike")


@cocotb.test()
async def stalls_between_spikes(dut):
    """About half the neurons driven to fire (a random half each timestep), the others given
    small inputs, under cycle back-pressure on m_aer: the update pipeline stalls on each
    waiting spike with whatever neighbours' partial sums are in flight (firing or not, at
    every pipeline distance), which must survive the stall (the membranes go to the state RAM,
    compared word for word)."""
    tb = await EngineBench.start(dut, None, "cycle")
    p = tb.p
    r = tb.rng("stalls")
    hi = smax(p.w_width)
    reps = min(64, -(-fire_level(p) // max(1, hi)) + 1)
    ts = [[e for n in range(p.n) for e in ([(n, hi)] * reps if r.random() < 0.5 else
                                           [(n, r.randint(-hi // 4, hi // 4))])]
          for _ in range(12)]
    beats, mems, flags = await run_timesteps(tb, ts)
    check(tb, ts, beats, mems, flags, "stalls between spikes")


@cocotb.test()
async def latency_and_throughput(dut):
    """No pauses: s_syn takes one beat per clock (distinct consecutive addresses) and two for a
    back-to-back repeat; a timestep takes N + TIMESTEP_OVERHEAD cycles from the timestep_start
    cycle to the status_done cycle; the init sweep after reset is as long."""
    tb = await EngineBench.start(dut)
    p = tb.p
    ev = [(i % p.n, 1) for i in range(12)] if p.n > 1 else [(0, 1)] * 12
    tb.send_events(ev)
    await FallingEdge(dut.clk)
    cycles = 0
    while tb.accepted < len(ev):
        await RisingEdge(dut.clk)
        cycles += 1
        assert cycles <= tb.gap, f"s_syn: {tb.accepted} of {len(ev)} events accepted; {p}"
    want = len(ev) if p.n > 1 else 2 * len(ev) - 1
    assert cycles <= want + 1, f"{len(ev)} beats took {cycles} cycles (want {want}); {p}"
    await FallingEdge(dut.clk)
    dut.timestep_start.value = 1
    await RisingEdge(dut.clk)
    took = 0                            # edges from the timestep_start cycle to status_done
    await FallingEdge(dut.clk)
    dut.timestep_start.value = 0
    while True:
        await RisingEdge(dut.clk)
        took += 1
        await ReadOnly()
        if dut.status_done.value:
            break
        assert took <= tb.gap, f"no status_done within {tb.gap} cycles; {p}"
    b = []
    while not tb.sinks["m_aer"].empty():
        t = tb.sinks["m_aer"].recv_nowait()
        b.append((int(t.tdata), int(t.tlast), int(t.tuser)))
    want_beats = model.run(p, [ev])[0][0]
    compare(flat([b]), expected(flat([want_beats]), tb.seed + 3), "latency test m_aer "
            "(tdata, tlast, tuser)", str(p))
    assert took == p.n + TIMESTEP_OVERHEAD, f"timestep took {took} cycles, want N + " \
        f"{TIMESTEP_OVERHEAD} = {p.n + TIMESTEP_OVERHEAD}; {p}"
    tb.check_protocol()


LEAK_FIELD = {"shift": "leak_shift", "multiply": "beta", "subtract": "leak_amount"}


def _mutations(p):
    """Wrong models, most plausible first: a cell field off by one (leak k / beta / L, threshold,
    bias, refractory, vth, dt_shift), another reset or preset, du off by one, another of the
    types if/lif/li."""
    q, out = p.cell, []

    def add(**kw):
        try:
            out.append(p.replace(**kw))
        except ParamError:
            pass
    have = q.__dataclass_fields__
    # the parameter of the cell's leak mode (lif, li: k, beta or L), then the others
    leak = LEAK_FIELD[getattr(q, "leak", "shift")]
    for name in (leak, "threshold", "bias", "refractory", "vth", "dt_shift"):
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
    tb = await EngineBench.start(dut)
    tb.timeout_error = MustFailIncomplete      # a lost beat is an error, not the failure
    ts, _ = stimulus(tb, "must_fail", T=6, lo=10, hi=40)
    want = model.run(tb.p, ts)
    wrong = next((q for q in _mutations(tb.p)
                  if any(not np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
                         for x, y in zip(model.run(q, ts), want))), None)
    beats, mems, flags = await run_timesteps(tb, ts)
    assert wrong is not None, "no mutation changes the expected output"   # fails as well
    check(tb, ts, beats, mems, flags, "mutated model", p_model=wrong)


# ---------------------------------------------------------------- pytest side -------------

# 0 default-format LIF (Q8.8, N = 13); 1 IF with subtract reset, N = 3; 2 LI, N = 2;
# 3 N = 1; 4 the widest random widths with N = 24 (not a power of two), multiplicative leak,
# to_v_reset, a bias, refractory period 3;
# 5..8 cuba_lif / alif / alpha / izhikevich (random cell Params, in_width / w_width that fire);
# 9 random
PINS = [{"neuron": "lif", "n": 13, "in_width": 16, "w_width": 8,
         "cell": {"width": 16, "frac_bits": 8, "threshold": 256, "bias": 0, "refractory": 0}},
        {"neuron": "if", "n": 3, "cell": {"reset": "subtract"}},
        {"neuron": "li", "n": 2},
        {"n": 1},
        {"neuron": "lif", "n": 24, "in_width": 16,
         "cell": {"width": 16, "leak": "multiply", "reset": "to_v_reset", "bias": 3,
                  "refractory": 3}},
        {"neuron": "cuba_lif", "n": 5, "in_width": 16, "w_width": 12},
        {"neuron": "alif", "n": 6, "in_width": 12, "w_width": 8},
        {"neuron": "alpha", "n": 7, "in_width": 12, "w_width": 9},
        {"neuron": "izhikevich", "n": 3, "in_width": 32, "w_width": 25},
        {}]

# Verilator: each neuron type over runs, N = 7
test_engine, test_engine_verilator = core_tests(
    "neuron.engine", PINS,
    verilator=lambda seed: {"neuron": random.Random(seed).choice(model.NEURONS), "n": 7})


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
            # every variable the engine keeps (lif: v, and r when it has a refractory period)
            assert [{k: int(a[n]) for k, a in v.items()} for n in range(p.n)] == \
                [{k: st[k] for k in v} for st in sts], p
            assert (flags["acc_sat"], flags["sat"], flags["drop"]) == fl, p


def test_neuron_records_agree():
    """Each type's record: the RTL state width is the model layout's total; the record's reset
    state, stepped by its ``step_population``, gives the spikes and membranes of the type's own
    model module run from ITS reset state (``run_population`` without a start state), and the
    reset word is the single core's ``init_word`` where the single core defines one; the
    engine's RTL names no type (it looks the record up)."""
    import importlib
    from pathlib import Path
    from neurohdl.models.neuron._common import reset_word
    from neurohdl.rtl.neuron import engine as engine_rtl, engine_parts, types as rtl_types
    r, rng = random.Random(1), np.random.default_rng(1)
    for name, nt in rtl_types.TYPES.items():
        assert nt.model is model.types.TYPES[name]
        module = "if_" if name == "if" else name
        single_model = importlib.import_module(f"neurohdl.models.neuron.{module}")
        single_rtl = importlib.import_module(f"neurohdl.rtl.neuron.{module}")
        for _ in range(5):
            e = EngineParams.random(r, neuron=name)
            q = e.cell
            assert isinstance(q, nt.model.params)
            assert nt.state_width(q) == sum(w for _, w in nt.model.layout(q)) == e.state_width
            if hasattr(single_rtl, "init_word"):
                assert reset_word(nt.model, q) == single_rtl.init_word(q), name
            n, t = 3, 12
            I = rng.integers(0, 1 << (e.in_width - 1), size=(t, n, nt.model.accumulators)
                             if nt.model.accumulators == 2 else (t, n))
            want_spikes, want_v = single_model.run_population(q, I)[:2]
            state = {k: np.full(n, v, dtype=np.int64) for k, v in nt.model.reset(q).items()}
            for k in range(t):
                spikes, state, _ = nt.model.step_population(q, I[k], state)
                assert spikes.tolist() == np.asarray(want_spikes[k]).tolist(), (name, k, q)
                assert state["v"].tolist() == np.asarray(want_v[k]).tolist(), (name, k, q)
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


def test_lif_refractory_by_hand():
    """lif with R = 2: the RAM word is {r, v} (r: bits_for(2) = 2 bits above v); after a spike
    two timesteps discard their input, hold v and cannot fire."""
    p = EngineParams(n=2, in_width=8, w_width=8,
                     cell={"width": 8, "frac_bits": 0, "threshold": 10, "leak": "subtract",
                           "leak_amount": 0, "refractory": 2})
    assert model.state_layout(p) == [("v", 8), ("r", 2)] and p.state_width == 10
    ts = [[(0, 12), (1, 5)], [(0, 12), (1, 5)], [(0, 12), (1, 5)], [(0, 12), (1, 5)]]
    beats, states, _ = model.run_states(p, ts)
    # n0: spike, r 2 -> 1 -> 0 (input discarded), spike; n1: 5, spike at 10, r 2 -> 1
    assert beats == [[(0, 1, 0)], [(1, 1, 0)], [(0, 1, 1)], [(0, 1, 0)]]
    assert [model.ram_words(p, st) for st in states] == [
        [2 << 8, 5], [1 << 8, 2 << 8], [0, 1 << 8], [2 << 8, 0]]
    assert model.state_layout(p.replace(**{"cell.refractory": 0})) == [("v", 8)]


def test_membrane_saturation_flag():
    p = EngineParams(neuron="li", n=1, in_width=8, w_width=8,
                     cell={"width": 4, "frac_bits": 0, "leak_shift": 15})
    beats, v, st = model.run(p, [[(0, 100)], [(0, -100)]])
    assert v.tolist() == [[7], [-8]] and st[0]["sat"] and not st[0]["acc_sat"]


test_bad_params_raise = bad_params_test(EngineParams, [
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
    ({"n": 0}, "1..65536"),
    ({"n": 65537}, "1..65536"),
    ({"w_width": 17}, "2..16"),
    ({"w_width": 1}, "2..16"),
    ({"cell": {"width": 2}}, ["EngineParams.cell.width = 2", "3..32"]),
    ({"cell": {"leak_shift": 0}}, ["EngineParams.cell.leak_shift = 0", "1..15"]),
    ({"cell": {"reset": "hold"}}, ["EngineParams.cell.reset = 'hold'"]),
    ({"cell": {"threshold": 0}}, ["EngineParams.cell.threshold = 0", "1..32767"]),
])


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
    assert {p.cell.leak for p in ps if p.neuron == "lif"} == {"shift", "subtract", "multiply"}
    assert {p.cell.leak for p in ps if p.neuron == "li"} == {"shift", "multiply"}
    assert {bool(p.cell.bias) for p in ps if p.neuron in ("lif", "li")} == {False, True}
    assert {bool(p.cell.refractory) for p in ps if p.neuron == "lif"} == {False, True}
    assert any(p.w_width == p.in_width for p in ps) and any(p.w_width == 2 for p in ps)

# SPDX-License-Identifier: Apache-2.0
"""One cocotb testbench for every streaming core, built from the core's own port list, and the
standard tests every such core runs.

:class:`Bench` reads the configuration under test from the environment the pytest side sets
(``NEUROHDL_CORE``, ``NEUROHDL_PARAMS``), takes the port list from the converted design itself
(the DUT handle: its ports follow the CoreDecl naming rules, ``s_<name>_tdata/tvalid/tready``,
``m_<name>_...``, ``status_<flag>``) and builds, for each stream:

* ``s_*``: a cocotbext-axi stream source idling by the ``idle`` pattern (``stream.pauses``);
* ``m_*``: a sink back-pressuring by the ``stall`` pattern, with the AXI-Stream protocol checker
  (``stream.ProtocolRule``: tvalid held until the transfer, tdata stable while stalled);

plus the clock, the reset, and one watcher that records the cycle of every transfer on every
stream and the value of every ``status_*`` port at each ``m_*`` transfer.  :meth:`Bench.recv`
waits for output beats with a cycle limit: a beat that never comes fails the test with a message
naming the stream and the beats received so far, instead of hanging the simulation.

:class:`StandardTests` generates the tests every core shares from the core's model and
stimulus: model match over every idle x back-pressure pair (outputs and ``status_*`` flags),
full throughput with a fixed latency, reset mid-stream, one-off scenarios (e.g. saturation
corners), and the scoreboard's must-fail (a mutated model is caught).  Every expected value
passes through ``scoreboard.expected()``, so the injected-model-fault run
(``NEUROHDL_FAULT=model``) fails each of them.  A gate's whole cocotb side
(verif/sc/test_and_mul.py)::

    TESTS = StandardTests(
        model=model.run_beats,                                   # (p, inputs) -> m_y words
        stimulus=lambda p, rng, n: gm.random_beats(rng, n),      # s_ab words
        mutant=lambda p, beats: np.bitwise_or(*gm.split(beats)))  # OR for AND
    stream_matches_model = TESTS.model_match()
    full_throughput = TESTS.throughput()                         # latency 1
    reset_mid_stream = TESTS.reset_mid_stream()
    scoreboard_must_fail = TESTS.must_fail()

and a core-specific test uses the same bench and scoreboard (verif/sc/test_decoder.py)::

    @cocotb.test()
    async def pending_count_does_not_block_filling(dut):
        tb = await TESTS.bench(dut)
        tb.hold()                                    # m_count stalled
        tb.send([1] * (2 * tb.p.length))
        await ClockCycles(dut.clk, 2 * tb.p.length + 10)
        ...                                          # checks on dut, tb.source, tb.transfers
        tb.release()
        compare(await tb.recv(2), expected([tb.p.length] * 2, tb.seed), "m_count", str(tb.p))
        tb.check_protocol()

A bench without StandardTests: ``tb = await Bench.start(dut, idle="random", stall=None)``.
"""
from __future__ import annotations

import importlib
import os
import random
import re
import sys
from typing import Callable

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer

from neurohdl.params import Params
from neurohdl.simrun import params_from_env

from .scoreboard import compare, expected
from .stream import PATTERNS, ProtocolRule, make_stream, pauses, reset, run_seed

CLOCK_NS = 10
GAP = 1000          # default: cycles recv() waits for the next beat before it fails
_STREAM = re.compile(r"([sm]_[a-z0-9_]+?)_(tdata|tvalid|tready|tlast|tuser)")


class StreamTimeout(AssertionError):
    """An expected output beat did not come within the cycle limit."""


class MustFailIncomplete(RuntimeError):
    """A must-fail run lost a beat: an error, not the expected (assertion) failure."""


def params_class(core: str | None = None):
    """The Params class of the core under test (``NEUROHDL_CORE``): the one Params subclass its
    model module ``neurohdl.models.<family>.<core>`` defines (true of every registered core;
    the CoreDecl names the same class, but importing the RTL module pulls in MyHDL, which costs
    1-2 s inside every simulation)."""
    name = core or os.environ["NEUROHDL_CORE"]
    module = importlib.import_module("neurohdl.models." + name)
    found = [v for v in vars(module).values() if isinstance(v, type) and
             issubclass(v, Params) and v.__module__ == module.__name__]
    assert len(found) == 1, f"{name}: Params classes {found} in {module.__name__}; pass params="
    return found[0]


def stream_ports(dut) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The converted design's ports by the CoreDecl naming rules: stream prefixes (``s_*``
    inputs, ``m_*`` outputs: each with tdata, tvalid, tready), their optional sideband signals
    (tlast, tuser), and the ``status_*`` flags."""
    names = {h._name for h in dut}
    prefixes = sorted({m.group(1) for n in names if (m := _STREAM.fullmatch(n))})
    prefixes = [s for s in prefixes if {f"{s}_{r}" for r in ("tdata", "tvalid", "tready")} <= names]
    extra = {s: [r for r in ("tlast", "tuser") if f"{s}_{r}" in names] for s in prefixes}
    return prefixes, extra, sorted(n for n in names if n.startswith("status_"))


class Bench:
    """Clock, reset, a source per ``s_*`` stream, a checked sink per ``m_*`` stream, and the
    transfer/flag watcher of one DUT.  Build it with ``await Bench.start(dut, idle, stall)``.

    Attributes: ``p`` (the Params of the run), ``seed`` (``run_seed()``), ``sources`` and
    ``sinks`` (stream prefix -> BFM), ``source``/``sink`` (the only one, when there is one),
    ``transfers`` (stream prefix -> cycle numbers of its transfers), ``flags`` (``m_*`` prefix ->
    one dict ``{status port: value}`` per transfer), ``errors`` (protocol violations)."""

    def __init__(self, dut, idle=None, stall=None, *, params=None, core: str | None = None,
                 gap: int = GAP, quiet_in_reset: bool = False, ready_rule: bool = False):
        """``params``: the Params (or their class) of the run; default the class of
        ``core`` (default ``NEUROHDL_CORE``), read from ``NEUROHDL_PARAMS``."""
        self.dut = dut
        if not isinstance(params, Params):
            params = params_from_env(params or params_class(core))
        self.p = params
        self.seed = run_seed()
        self.idle, self.stall, self.gap = idle, stall, gap
        prefixes, extra, self.status = stream_ports(dut)
        self.sources, self.sinks, self._tx = {}, {}, {}
        self.errors: list[str] = []
        for prefix in prefixes:
            bus, tx, source_cls, sink_cls, _ = make_stream(prefix.title().replace("_", ""),
                                                           extra[prefix])
            if prefix.startswith("s_"):
                self.sources[prefix] = source_cls(bus.from_prefix(dut, prefix), dut.clk, dut.rst)
                self._tx[prefix] = tx
            else:
                self.sinks[prefix] = sink_cls(bus.from_prefix(dut, prefix), dut.clk, dut.rst)
        self._set_pauses("")
        self.source = next(iter(self.sources.values())) if len(self.sources) == 1 else None
        self.sink = next(iter(self.sinks.values())) if len(self.sinks) == 1 else None
        self.transfers: dict[str, list[int]] = {s: [] for s in prefixes}
        self.flags: dict[str, list[dict[str, int]]] = {s: [] for s in self.sinks}
        self.cycle = 0
        self._waiting = None                # (stream, sink, n, got, limit, since) of a recv
        self.timeout_error = StreamTimeout  # what an overdue beat raises
        self.quiet_in_reset = quiet_in_reset  # check s_*_tready, m_*_tvalid low during reset
        self.ready_rule = ready_rule        # check s_*_tready high while every m_* slot is empty

    @classmethod
    async def start(cls, dut, idle=None, stall=None, **kw) -> "Bench":
        """A bench with its clock, protocol checkers and watcher running, reset done."""
        tb = cls(dut, idle, stall, **kw)
        Clock(dut.clk, CLOCK_NS, unit="ns").start(start_high=False)
        cocotb.start_soon(tb._watch())
        await reset(dut)
        return tb

    def _set_pauses(self, salt: str):
        for prefix, bfm in self.sources.items():
            bfm.set_pause_generator(pauses(self.idle, self.seed, prefix + salt))
        for prefix, bfm in self.sinks.items():
            bfm.set_pause_generator(pauses(self.stall, self.seed, prefix + salt))

    async def _watch(self):
        """Every rising edge (outside reset): the protocol rules on each ``m_*`` stream, and
        the cycle of each transfer with the ``status_*`` values at each ``m_*`` transfer."""
        dut = self.dut
        streams = [(prefix, getattr(dut, f"{prefix}_tvalid"), getattr(dut, f"{prefix}_tready"),
                    getattr(dut, f"{prefix}_tdata"), self.transfers[prefix],
                    ProtocolRule(prefix, self.errors) if prefix in self.sinks else None)
                   for prefix in self.transfers]
        status = [(s, getattr(dut, s)) for s in self.status]
        edge, settled = RisingEdge(dut.clk), ReadOnly()
        in_reset = False
        while True:
            await edge
            await settled
            self.cycle += 1
            if self._waiting is not None:
                self._check_waiting()
            if dut.rst.value:
                for prefix, valid, ready, _, _, rule in streams:
                    if rule is not None:
                        rule.clear()
                    # from the second cycle of a reset on: the registers have seen an edge
                    if self.quiet_in_reset and in_reset and int((valid if rule else ready).value):
                        self.errors.append(f"{prefix}_{'tvalid' if rule else 'tready'} high "
                                           f"during reset (cycle {self.cycle})")
                in_reset = True
                continue
            in_reset = False
            sampled = [(prefix, int(valid.value), int(ready.value), rule)
                       for prefix, valid, ready, _, _, rule in streams]
            for (prefix, v, r, rule), (_, _, _, data, cycles, _) in zip(sampled, streams):
                if rule is not None:
                    rule.sample(v, r, data)
                if v and r:
                    cycles.append(self.cycle)
                    if rule is not None and status:
                        self.flags[prefix].append({s: int(h.value) for s, h in status})
            if self.ready_rule and not any(v for _, v, _, rule in sampled if rule is not None):
                self.errors += [f"{prefix}_tready low with every output slot empty (cycle "
                                f"{self.cycle})" for prefix, _, r, rule in sampled
                                if rule is None and not r]

    def transfers_of(self, bfms: dict) -> list[list[int]]:
        """The transfer cycles of each stream in ``bfms`` (``tb.sources`` or ``tb.sinks``)."""
        return [self.transfers[prefix] for prefix in bfms]

    def rng(self, salt: str) -> random.Random:
        """A random generator for stimulus, replayable from the run seed and ``salt``."""
        return random.Random(f"{self.seed}:{salt}")

    def _one(self, table: dict, stream: str | None, what: str):
        if stream is not None:
            return stream, table[stream]
        assert len(table) == 1, f"name the {what} stream ({', '.join(table)})"
        return next(iter(table.items()))

    def send(self, words, stream: str | None = None):
        """Queue ``words`` (tdata values) on an ``s_*`` stream (default: the only one)."""
        prefix, source = self._one(self.sources, stream, "input")
        for w in words:
            source.send_nowait(self._tx[prefix](tdata=int(w)))

    async def recv(self, n: int, stream: str | None = None, gap: int | None = None) -> list[int]:
        """The next ``n`` beats (tdata) of an ``m_*`` stream (default: the only one).  Fails
        (:class:`StreamTimeout`) when ``gap`` cycles (default the bench's) pass without a beat."""
        prefix, sink = self._one(self.sinks, stream, "output")
        limit = gap if gap is not None else self.gap
        got: list[int] = []
        self._waiting = (prefix, sink, n, got, limit, self.cycle)
        try:
            while len(got) < n:
                got.append(int((await sink.recv()).tdata))
                self._waiting = (prefix, sink, n, got, limit, self.cycle)
        finally:
            self._waiting = None
        return got

    def _check_waiting(self):
        """Called by the watcher every cycle: fail a :meth:`recv` whose next beat is overdue."""
        prefix, sink, n, got, limit, since = self._waiting
        if self.cycle - since > limit and sink.empty():
            self._waiting = None
            shown = ", ".join(f"{g:#x}" for g in got[-8:])
            raise self.timeout_error(
                f"{prefix}: {len(got)} of {n} beats received, then none for {limit} cycles "
                f"(cycle {self.cycle}; last beats: [{shown}]); {self.p} "
                f"pauses={self.idle}/{self.stall}")

    async def exchange(self, words, n: int | None = None, **kw) -> list[int]:
        """Send ``words`` (none for a core without input) and receive ``n`` beats (default one
        per word)."""
        if words is not None:
            self.send(words)
        return await self.recv(len(words) if n is None else n, **kw)

    async def reset(self, cycles: int = 3, clear: bool = True):
        """Assert reset for ``cycles`` edges; then (``clear``) drop every queued and received
        beat and restart the pause patterns."""
        await reset(self.dut, cycles)
        if clear:
            for bfm in (*self.sources.values(), *self.sinks.values()):
                bfm.clear()
            self._set_pauses(":after-reset")

    def hold(self):
        """Stop every sink (tready low) until :meth:`release`."""
        for bfm in self.sinks.values():
            bfm.clear_pause_generator()
            bfm.pause = True

    def release(self):
        for bfm in self.sinks.values():
            bfm.pause = False
        self._set_pauses(":released")

    async def settle(self, cycles: int = 10):
        """Every source drained, ``cycles`` more edges, and no output beat beyond those
        received (a core producing outputs without input has nothing to settle)."""
        for source in self.sources.values():
            await source.wait()
        await ClockCycles(self.dut.clk, cycles)
        extra = {s: sink.count() for s, sink in self.sinks.items() if not sink.empty()}
        assert not extra, f"extra output beats {extra}; {self.p}"

    def check_protocol(self):
        assert not self.errors, self.errors[:3]


def _register(func, name: str, module: str, *, expect_fail: bool = False, **options):
    """A cocotb test (parametrized by ``options``) named ``name`` in the test module ``module``."""
    func.__name__ = func.__qualname__ = name
    func.__module__ = module
    gen = cocotb.parametrize(**options)(func) if options else func
    gen = cocotb.test(expect_fail=expect_fail)(gen)
    gen.module = module
    return gen


def _at(value, p):
    """A StandardTests setting: a number, or a function of the Params."""
    return value(p) if callable(value) else value


class StandardTests:
    """The tests every streaming core shares, generated from the core's model.  Settings (a
    number or a function of the Params where it says ``(p)``):

    * ``model(p, inputs)``: the expected tdata of the one ``m_*`` stream for ``inputs`` on the
      one ``s_*`` stream (a core without input: ``model(p, n)``, its first ``n`` outputs).  It
      must be causal: the outputs of an input prefix are a prefix of the outputs;
    * ``stimulus(p, rng, n)``: about ``n`` inputs, a list (None: a core without input);
      ``reset_stimulus`` and ``must_fail_stimulus``: the same for those two tests (default
      ``stimulus``);
    * ``encode(p, inputs)``: their tdata words (default: the inputs are the words);
    * ``mutant(p, inputs)``: what a plausibly wrong model expects (the must-fail test);
    * ``n(p)``: inputs a run (a core without input: outputs a run);
    * ``reset_n(p)``, ``reset_before(p)``, ``reset_after``: inputs queued before the mid-stream
      reset, outputs checked before it, inputs sent after it (None: all of them again);
    * ``into(p)``: cycles to let run (sinks held) before that reset;
    * ``settle(p)``: cycles to wait for stray beats after the last expected one;
    * ``gap(p)``: the receive limit (cycles without a beat, :meth:`Bench.recv`);
    * ``check(tb, inputs, got)``: extra core-specific checks after a model match;
    * ``flags(p, inputs)``: ``{status port: expected value at each output transfer}``, compared
      wherever the outputs are (a reset must also clear every ``status_*`` port);
    * ``module``: the test module the tests are registered in (default: the caller's);
    * ``quiet_in_reset``: the core promises every ``s_*_tready`` and ``m_*_tvalid`` low while
      ``rst`` is high (checked from the second sampled cycle of each reset on: a reset
      asserted just after an edge meets the registers at the next one);
    * ``ready_rule``: a one-slot core (one output register: ``s_*_tready = !m_*_tvalid ||
      m_*_tready``) promises every ``s_*_tready`` high, outside reset, in a cycle where every
      ``m_*_tvalid`` is low -- an empty output slot takes a beat whatever the sink does.
      Without it, a core that waits for the sink with its slot empty loses no beat, and only
      its cycles (which the model match does not look at) change.
    """

    def __init__(self, *, model: Callable, stimulus: Callable | None = None,
                 reset_stimulus: Callable | None = None,
                 must_fail_stimulus: Callable | None = None,
                 encode: Callable = lambda p, inputs: inputs, mutant: Callable | None = None,
                 n=200, reset_n=200, reset_before=40, reset_after: int | None = 120,
                 into=0, settle=10, gap=GAP, check: Callable | None = None,
                 flags: Callable | None = None, quiet_in_reset: bool = False,
                 ready_rule: bool = False, module: str | None = None):
        self.model, self.mutant, self.encode, self.check = model, mutant, encode, check
        self.flags, self.quiet_in_reset, self.ready_rule = flags, quiet_in_reset, ready_rule
        # the test module the generated tests belong to (default: the one that made this)
        self.module = module or sys._getframe(1).f_globals["__name__"]
        self._stimulus = {"": stimulus, "reset": reset_stimulus or stimulus,
                          "must_fail": must_fail_stimulus or stimulus}
        self.n, self.reset_n, self.reset_before, self.reset_after = \
            n, reset_n, reset_before, reset_after
        self.into, self.settle, self.gap = into, settle, gap

    async def bench(self, dut, idle=None, stall=None) -> Bench:
        """``Bench.start`` with this core's receive limit."""
        tb = await Bench.start(dut, idle, stall, quiet_in_reset=self.quiet_in_reset,
                               ready_rule=self.ready_rule)
        tb.gap = _at(self.gap, tb.p)
        return tb

    def stimulus(self, tb: Bench, salt: str, n: int | None = None, kind: str = ""):
        """The inputs of a run (None for a core without input); ``kind``: "", "reset" or
        "must_fail" (that test's stimulus)."""
        make = self._stimulus[kind]
        if make is None:
            return None
        return list(make(tb.p, tb.rng(salt), _at(self.n if n is None else n, tb.p)))

    def want(self, tb: Bench, inputs, n: int | None = None) -> list[int]:
        """The model's output words for ``inputs`` (a core without input: its first ``n``)."""
        return [int(w) for w in self.model(tb.p, inputs if inputs is not None else n)]

    def compare(self, tb: Bench, got, inputs, what: str, first_transfer: int = 0,
                n: int | None = None, upto: int | None = None):
        """``got`` and the ``status_*`` values at its transfers (from ``first_transfer`` on)
        against the model for ``inputs`` (a core without input: its first ``n`` outputs; only
        the first ``upto`` outputs), every expected value through ``scoreboard.expected()``."""
        out = next(iter(tb.sinks))
        want = self.want(tb, inputs, n)[:upto]
        compare(got, expected(want, tb.seed), f"{what} {out}", str(tb.p))
        if self.flags is None:
            return
        seen = tb.flags[out][first_transfer:first_transfer + len(got)]
        for k, (port, values) in enumerate(sorted(self.flags(tb.p, inputs).items())):
            compare([f[port] for f in seen], expected([int(v) for v in values][:upto],
                                                      tb.seed + 1 + k),
                    f"{what} {port}", str(tb.p))

    async def exchange(self, tb: Bench, inputs, n: int) -> list[int]:
        """Send ``inputs`` (encoded; none for a core without input), receive ``n`` beats."""
        if inputs is not None:
            tb.send(self.encode(tb.p, inputs))
        return await tb.recv(n)

    def model_match(self, name: str = "stream_matches_model"):
        """Model match for every idle x back-pressure pair (a core without input: every
        back-pressure pattern, parameter ``pattern``), then no stray beat and no protocol
        violation."""
        tests = self

        async def run(dut, idle=None, stall=None, pattern=None):
            stall = pattern if pattern is not None else stall
            tb = await tests.bench(dut, idle, stall)
            inputs = tests.stimulus(tb, f"{idle}/{stall}")
            n = _at(tests.n, tb.p)
            got = await tests.exchange(tb, inputs, len(tests.want(tb, inputs, n)))
            tests.compare(tb, got, inputs, f"pauses={idle}/{stall}", n=n)
            if tests.check is not None:
                tests.check(tb, inputs, got)
            if inputs is not None:
                await tb.settle(_at(tests.settle, tb.p))
            tb.check_protocol()

        run.__doc__ = ("Converted design against the model, with every pair of idle pattern x "
                       "back-pressure pattern.")
        if self._stimulus[""] is None:
            return _register(run, name, self.module, pattern=list(PATTERNS))
        return _register(run, name, self.module, idle=list(PATTERNS), stall=list(PATTERNS))

    def scenario(self, name: str, stimulus: Callable, doc: str, idle="random", stall="random"):
        """Model match (outputs and flags) on the inputs ``stimulus(p, rng)`` (e.g. saturation
        corners), under the ``idle``/``stall`` patterns."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut, idle, stall)
            inputs = list(stimulus(tb.p, tb.rng(name)))
            got = await tests.exchange(tb, inputs, len(tests.want(tb, inputs)))
            tests.compare(tb, got, inputs, name)
            await tb.settle(_at(tests.settle, tb.p))
            tb.check_protocol()

        run.__doc__ = doc
        return _register(run, name, self.module)

    def reset_mid_stream(self, name: str = "reset_mid_stream"):
        """A reset with beats in flight (sinks held, outputs pending) clears every ``status_*``
        port and (a core with input) every ``m_*`` tvalid; every output before it and every
        output of a fresh run after it match the model, nothing stray comes out."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut, "random", "random")
            before = _at(tests.reset_before, tb.p)
            inputs = tests.stimulus(tb, "reset", _at(tests.reset_n, tb.p), kind="reset")
            if inputs is not None:
                tb.send(tests.encode(tb.p, inputs))
            first = await tb.recv(before)
            tb.hold()
            await ClockCycles(dut.clk, _at(tests.into, tb.p) + 5)
            await tb.reset(2)
            await ReadOnly()
            cleared = {s: int(getattr(dut, s).value) for s in tb.status}
            if inputs is not None:          # a pure source may offer a beat at once
                cleared.update({f"{m}_tvalid": int(getattr(dut, f"{m}_tvalid").value)
                                for m in tb.sinks})
            assert not any(cleared.values()), f"after reset {cleared}; {tb.p}"
            await RisingEdge(dut.clk)
            tb.release()
            out = next(iter(tb.sinks))
            n_first = len(tb.flags[out])
            first_inputs = inputs
            if inputs is not None and tests.reset_after is not None:
                inputs = inputs[:tests.reset_after]
            again = await tests.exchange(tb, inputs, len(tests.want(tb, inputs, before)))
            tests.compare(tb, first, first_inputs, "before reset", n=before, upto=before)
            tests.compare(tb, again, inputs, "after reset", n_first, n=before)
            if inputs is not None:
                await tb.settle(_at(tests.settle, tb.p))
            tb.check_protocol()

        run.__doc__ = "A reset mid-stream restarts the core: outputs match the model again."
        return _register(run, name, self.module)

    def throughput(self, name: str = "full_throughput", latency=1, n: int = 64):
        """No pauses, one output per input: the inputs go in back to back, each output comes
        exactly ``latency(p)`` cycles after its input, and all match the model."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut)
            inputs = tests.stimulus(tb, "throughput", n)
            got = await tests.exchange(tb, inputs, len(inputs))
            tests.compare(tb, got, inputs, "throughput")
            (ins,), (outs,) = tb.transfers_of(tb.sources), tb.transfers_of(tb.sinks)
            assert len(ins) == len(outs) == len(inputs), (len(ins), len(outs))
            assert ins == list(range(ins[0], ins[0] + len(ins))), \
                f"input not back to back: {ins[:8]}; {tb.p}"
            lat, want_lat = [o - i for i, o in zip(ins, outs)], _at(latency, tb.p)
            assert lat == [want_lat] * len(ins), f"latency {lat[:8]}, want {want_lat}; {tb.p}"
            tb.check_protocol()

        run.__doc__ = ("No pauses: one beat per cycle in and out, each output a fixed latency "
                       "after its input.")
        return _register(run, name, self.module)

    def stall_fill(self, name: str, accepted: Callable, cycles: Callable,
                   stimulus: Callable | None = None, n=None, doc: str = ""):
        """Every sink held: of the inputs ``stimulus(p, rng)`` (default ``n(p)`` of the
        core's stimulus), exactly ``accepted(p)`` are taken within ``cycles(p)`` edges (the
        others wait at the source), every ``s_*_tready`` is then low, every ``m_*_tvalid``
        high with the first expected output on tdata; released, every output matches the
        model."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut)
            p = tb.p
            inputs = (list(stimulus(p, tb.rng(name))) if stimulus is not None
                      else tests.stimulus(tb, name, _at(n, p)))
            tb.hold()
            tb.send(tests.encode(p, inputs))
            await ClockCycles(dut.clk, _at(cycles, p))
            await ReadOnly()
            waiting = sum(src.count() + int(getattr(dut, f"{s}_tvalid").value)
                          for s, src in tb.sources.items())
            assert len(inputs) - waiting == accepted(p), \
                f"{len(inputs) - waiting} beats accepted while stalled, want {accepted(p)}; {p}"
            out = next(iter(tb.sinks))
            ready = {s: int(getattr(dut, f"{s}_tready").value) for s in tb.sources}
            assert not any(ready.values()) and int(getattr(dut, f"{out}_tvalid").value), \
                f"stalled and full: ready {ready}, {out}_tvalid low; {p}"
            want = expected(tests.want(tb, inputs), tb.seed)
            assert int(getattr(dut, f"{out}_tdata").value) == want[0], f"held {out}; {p}"
            await RisingEdge(dut.clk)
            tb.release()
            compare(await tb.recv(len(want)), want, out, str(p))
            tb.check_protocol()

        run.__doc__ = doc or "Sinks held: the core fills up, stops taking input, then drains."
        return _register(run, name, self.module)

    def far_output(self, name: str, indices: Callable, doc: str = ""):
        """A core without input (a source), its sink ready every cycle but two from reset:
        outputs ``k`` and ``k + 1`` for each ``k`` of ``indices(p)`` (ascending) match the
        model -- outputs far beyond what a model-match run receives (e.g. where every counter
        bit is set), reached without a BFM or a Python callback per beat."""
        tests = self

        async def run(dut):
            p = params_from_env(params_class())
            (out,) = [s for s in stream_ports(dut)[0] if s.startswith("m_")]
            ready, valid, data = (getattr(dut, f"{out}_{r}") for r in ("tready", "tvalid", "tdata"))
            ready.value = 0
            # the simulator-side clock: no Python callback a cycle (the default one has two)
            Clock(dut.clk, CLOCK_NS, unit="ns", impl="gpi").start(start_high=False)
            await reset(dut)
            ks = []                     # ascending, each k past the previous k + 1
            for k in sorted(set(indices(p))):
                if not ks or k >= ks[-1] + 2:
                    ks.append(k)
            model = tests.want_n(p, ks[-1] + 2)
            want = expected([w for k in ks for w in model[k:k + 2]], run_seed())
            got, shown = [], 0          # shown: the output on the stream now
            ready.value = 1
            for k in ks:
                if k > shown:           # k - shown transfers: a timer, then the last edge
                    await Timer((k - shown) * CLOCK_NS - CLOCK_NS // 2, unit="ns")
                    await RisingEdge(dut.clk)
                for shown in (k, k + 1):
                    ready.value = 0
                    await ReadOnly()
                    assert int(valid.value), f"{out}_tvalid low at output {shown}; {p}"
                    got.append(int(data.value))
                    await RisingEdge(dut.clk)
                    ready.value = 1
                    await RisingEdge(dut.clk)
                shown += 1
            compare(got, want, f"{out} outputs {ks} and each next", str(p))

        run.__doc__ = doc or "Outputs far along the sequence match the model."
        return _register(run, name, self.module)

    def want_n(self, p, n: int) -> list[int]:
        """The first ``n`` outputs of a core without input."""
        return [int(w) for w in self.model(p, n)]

    def must_fail(self, name: str = "scoreboard_must_fail"):
        """The same scoreboard against ``mutant`` must fail (``expect_fail``).  A lost beat
        raises an error instead (:class:`MustFailIncomplete`): only the comparison passes it."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut)
            tb.timeout_error = MustFailIncomplete
            inputs = tests.stimulus(tb, "must_fail", kind="must_fail")
            n = len(tests.want(tb, inputs, _at(tests.n, tb.p)))
            got = await tests.exchange(tb, inputs, n)
            wrong = tests.mutant(tb.p, inputs if inputs is not None else n)
            compare(got, expected(wrong, tb.seed), next(iter(tb.sinks)), "mutated model")

        run.__doc__ = "The same scoreboard against a mutated model must fail."
        return _register(run, name, self.module, expect_fail=True)


def neuron_settings(model, /, **overrides) -> dict:
    """StandardTests settings shared by the one-in, one-out neuron cores (``s_in`` ->
    ``m_out`` + ``status_sat``, one timestep a beat, ``model.run_tdata(p, inputs)`` -> (m_out
    words, status_sat per beat)): signed inputs from the shared neuron stimulus, 100 a run; the
    must-fail stimulus starts with input 1.  ``overrides``: other settings."""
    from neurohdl.models.neuron._common import stimulus, to_bits

    return dict(dict(model=lambda p, xs: model.run_tdata(p, xs)[0],
                     flags=lambda p, xs: {"status_sat": model.run_tdata(p, xs)[1]},
                     stimulus=stimulus,
                     encode=lambda p, xs: [int(to_bits(x, p.in_width)) for x in xs],
                     must_fail_stimulus=lambda p, rng, n: [1] + stimulus(p, rng, 40),
                     n=100, reset_n=120, reset_before=50, reset_after=80), **overrides)


# ------------------------------------------------------------------ pytest side -------------
# The pytest tests every core's module repeats, made once: a module assigns them to its own
# names (pytest collects them under those, so their node ids and seeds stay the same), e.g.
#     test_delay, test_delay_verilator = core_tests("sc.delay")
#     test_bad_params_raise = bad_params_test(DelayParams, [({"d": 0}, ["1..256"]), ...])

def core_tests(core: str, configs: int = 5, pins: dict | None = None):
    """The core's cocotb suite on Icarus over ``configs`` seed-drawn configurations, and on
    Verilator (in the runs whose rotation has the core).  ``pins``: configuration index ->
    the Params fields it fixes (a dict, or a function of the seed giving one); the others are
    ``neurohdl sim --seed``'s draw."""
    import pytest

    from .runner import check_core, params_for

    @pytest.mark.parametrize("i", range(configs))
    def test_icarus(i, seed, tmp_path):
        fixed = (pins or {}).get(i)
        fixed = fixed(seed) if callable(fixed) else fixed
        if fixed:
            print(f"[config] pinned {fixed}: replay with `neurohdl sim {core} --seed {seed} "
                  + " ".join(f"--set {k}={v}" for k, v in fixed.items()) + "`")
        check_core(core, seed, tmp_path, p=params_for(core, seed, **fixed) if fixed else None)

    def test_verilator(seed, tmp_path):
        check_core(core, seed, tmp_path, sim="verilator")

    return test_icarus, test_verilator


def bad_params_test(cls, cases, absent=()):
    """Each ``(kwargs, words)`` of ``cases`` makes ``cls(**kwargs)`` raise a ParamError whose
    one line holds every one of ``words`` and none of ``absent``."""
    import pytest

    from neurohdl import ParamError

    @pytest.mark.parametrize("kw, words", cases)
    def test_bad_params_raise(kw, words):
        with pytest.raises(ParamError) as e:
            cls(**kw)
        text = str(e.value)
        assert all(w in text for w in words) and not any(w in text for w in absent), text

    return test_bad_params_raise


def planted_bug_test(core: str, planted: dict, params=None, rotated: bool = True):
    """A pytest test (parametrized by bug) that each planted bug is caught: ``planted`` maps a
    name to ``(edits, test)``, edits of the converted Verilog of ``params`` (default: the Params
    defaults; ``runner.run_mutant``) and the one cocotb test that must fail on them -- the
    must-fail of that test's check.  ``rotated``: only in the runs whose must_fail rotation has
    ``core`` (make regress: always)."""

    import pytest

    from neurohdl.registry import get

    from .runner import run_mutant, skip_unless_rotated

    @pytest.mark.parametrize("bug", sorted(planted))
    def test_planted_bug_is_caught(bug, seed, tmp_path):
        if rotated:
            skip_unless_rotated("must_fail", core)
        edits, test = planted[bug]
        p = params if params is not None else get(core).decl.params()
        r = run_mutant(core, p, seed, tmp_path, edits, testcase=[test])
        assert r.tests == 1 and r.failed == 1, f"{core} {bug} not caught: {r.summary()}"

    return test_planted_bug_is_caught

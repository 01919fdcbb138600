# SPDX-License-Identifier: Apache-2.0
"""One cocotb testbench for every streaming core, built from the core's own port list, and the
standard tests every such core runs.

:class:`Bench` reads the core under test from the environment the pytest side sets
(``NEUROHDL_CORE``, ``NEUROHDL_PARAMS``), asks its ``CoreDecl`` for the port list of that
configuration and builds, for each stream of the converted design:

* ``s_*``: a cocotbext-axi stream source idling by the ``idle`` pattern (``stream.pauses``);
* ``m_*``: a sink back-pressuring by the ``stall`` pattern, with the AXI-Stream protocol checker
  (``stream.check_stream_protocol``: tvalid held until the transfer, tdata stable while stalled);

plus the clock, the reset, and one watcher that records the cycle of every transfer on every
stream and the value of every ``status_*`` port at each ``m_*`` transfer.  :meth:`Bench.recv`
waits for output beats with a cycle limit: a beat that never comes fails the test with a message
naming the stream and the beats received so far, instead of hanging the simulation.

:class:`StandardTests` generates the tests every core shares from the core's model and
stimulus: model match over every idle x back-pressure pair, reset mid-stream, and the
scoreboard's must-fail (a mutated model is caught).  Every expected value passes through
``scoreboard.expected()``, so the injected-model-fault run (``NEUROHDL_FAULT=model``) fails
each of them.  A gate's whole cocotb side (verif/sc/test_and_mul.py)::

    TESTS = StandardTests(
        model=model.run_beats,                                   # (p, beats) -> m_y words
        stimulus=lambda p, rng, n: gm.random_beats(rng, n),      # s_ab words
        mutant=lambda p, beats: gm.split(beats)[0] | gm.split(beats)[1])  # OR for AND
    stream_matches_model = TESTS.model_match()
    reset_mid_stream = TESTS.reset_mid_stream()
    scoreboard_must_fail = TESTS.must_fail()

    @cocotb.test()
    async def full_throughput(dut):
        tb = await Bench.start(dut)
        beats = TESTS.stimulus(tb, "throughput", 64)
        tb.send(beats)
        got = await tb.recv(len(beats))
        ...                       # core-specific checks on tb.transfers["m_y"], tb.flags, ...
        tb.check_protocol()
"""
from __future__ import annotations

import importlib
import os
import random
import sys
from typing import Callable

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from neurohdl.simrun import params_from_env

from .scoreboard import compare, expected
from .stream import PATTERNS, check_stream_protocol, make_stream, pauses, reset, run_seed

CLOCK_NS = 10
GAP = 1000          # default: cycles recv() waits for the next beat before it fails


class StreamTimeout(AssertionError):
    """An expected output beat did not come within the cycle limit."""


def core_decl(name: str | None = None):
    """The ``CoreDecl`` of the core under test (``NEUROHDL_CORE``), imported from its own RTL
    module (cheaper than scanning the registry inside every simulation)."""
    name = name or os.environ["NEUROHDL_CORE"]
    family, core = name.split(".")
    try:
        return importlib.import_module(f"neurohdl.rtl.{family}.{core}").CORE
    except (ImportError, AttributeError):
        from neurohdl.registry import get
        return get(name).decl


class Bench:
    """Clock, reset, a source per ``s_*`` stream, a checked sink per ``m_*`` stream, and the
    transfer/flag watcher of one DUT.  Build it with ``await Bench.start(dut, idle, stall)``.

    Attributes: ``p`` (the Params of the run), ``seed`` (``run_seed()``), ``sources`` and
    ``sinks`` (stream prefix -> BFM), ``source``/``sink`` (the only one, when there is one),
    ``transfers`` (stream prefix -> cycle numbers of its transfers), ``flags`` (``m_*`` prefix ->
    one dict ``{status port: value}`` per transfer), ``errors`` (protocol violations)."""

    def __init__(self, dut, idle=None, stall=None, *, params=None, core: str | None = None,
                 gap: int = GAP):
        self.dut = dut
        self.decl = core_decl(core)
        self.p = params if params is not None else params_from_env(self.decl.params)
        self.seed = run_seed()
        self.idle, self.stall, self.gap = idle, stall, gap
        ports = self.decl.port_list(self.p)
        missing = [q.name for q in ports if not hasattr(dut, q.name)]
        assert not missing, f"{self.decl.name}: ports {missing} not on the converted design"
        self.status = [q.name for q in ports if q.role == "status"]
        self.sources, self.sinks, self._tx = {}, {}, {}
        self.errors: list[str] = []
        prefixes = list(dict.fromkeys(q.stream for q in ports if q.stream))
        for prefix in prefixes:
            extra = [q.role for q in ports if q.stream == prefix and q.role in ("tlast", "tuser")]
            bus, tx, source_cls, sink_cls, _ = make_stream(prefix.title().replace("_", ""), extra)
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

    @classmethod
    async def start(cls, dut, idle=None, stall=None, **kw) -> "Bench":
        """A bench with its clock, protocol checkers and watcher running, reset done."""
        tb = cls(dut, idle, stall, **kw)
        Clock(dut.clk, CLOCK_NS, unit="ns").start(start_high=False)
        for prefix in tb.sinks:
            cocotb.start_soon(check_stream_protocol(dut, prefix, tb.errors))
        cocotb.start_soon(tb._watch())
        await reset(dut)
        return tb

    def _set_pauses(self, salt: str):
        for prefix, bfm in self.sources.items():
            bfm.set_pause_generator(pauses(self.idle, self.seed, prefix + salt))
        for prefix, bfm in self.sinks.items():
            bfm.set_pause_generator(pauses(self.stall, self.seed, prefix + salt))

    async def _watch(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            self.cycle += 1
            if dut.rst.value:
                continue
            for prefix, cycles in self.transfers.items():
                if int(getattr(dut, f"{prefix}_tvalid").value) and \
                        int(getattr(dut, f"{prefix}_tready").value):
                    cycles.append(self.cycle)
                    if prefix in self.flags:
                        self.flags[prefix].append(
                            {s: int(getattr(dut, s).value) for s in self.status})

    def transfers_of(self, bfms: dict) -> list[list[int]]:
        """The transfer cycles of each stream in ``bfms`` (``tb.sources`` or ``tb.sinks``)."""
        return [self.transfers[prefix] for prefix in bfms]

    def rng(self, salt: str) -> random.Random:
        """A random generator for stimulus, replayable from the run seed and ``salt``."""
        return random.Random(f"{self.seed}:{salt}")

    def _one(self, table: dict, stream: str | None, what: str):
        if stream is not None:
            return stream, table[stream]
        assert len(table) == 1, f"{self.decl.name}: name the {what} stream ({', '.join(table)})"
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
        waited = 0
        while len(got) < n:
            if not sink.empty():
                got.append(int(sink.recv_nowait().tdata))
                waited = 0
                continue
            if waited >= limit:
                shown = ", ".join(f"{g:#x}" for g in got[-8:])
                raise StreamTimeout(
                    f"{prefix}: {len(got)} of {n} beats received, then none for {limit} cycles "
                    f"(cycle {self.cycle}; last beats: [{shown}]); {self.p} "
                    f"pauses={self.idle}/{self.stall}")
            await RisingEdge(self.dut.clk)
            waited += 1
        return got

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


def _caller_module() -> str:
    return sys._getframe(2).f_globals["__name__"]


def _register(func, name: str, module: str, *, expect_fail: bool = False, **options):
    """A cocotb test (parametrized by ``options``) named ``name`` in the test module ``module``."""
    func.__name__ = func.__qualname__ = name
    func.__module__ = module
    gen = cocotb.parametrize(**options)(func) if options else func
    gen = cocotb.test(expect_fail=expect_fail)(gen)
    gen.module = module
    return gen


class StandardTests:
    """The tests every streaming core shares, generated from:

    * ``model(p, words)``: the expected output words of the one ``m_*`` stream for the input
      words ``words`` of the one ``s_*`` stream (a core without input: ``model(p, n)``, its first
      ``n`` outputs).  Must be causal: outputs for a prefix of the input are a prefix of the
      outputs;
    * ``stimulus(p, rng, n)``: about ``n`` input words (None for a core without input);
    * ``mutant(p, words)``: what a plausibly wrong model expects (for the must-fail test);
    * ``n``: words a run (``reset_n``: words sent before the mid-stream reset; the first
      ``reset_before`` outputs are checked before it, and ``reset_after`` inputs after it);
    * ``settle(p)``: cycles to wait for stray beats after the last expected one;
    * ``gap(p)``: the receive limit (cycles without a beat, :meth:`Bench.recv`);
    * ``into(p)``: cycles to let run (sinks held) before the mid-stream reset;
    * ``check(tb, words, got)``: extra core-specific checks after a model match.
    """

    def __init__(self, *, model: Callable, stimulus: Callable | None = None,
                 mutant: Callable | None = None, n: int = 200, reset_n: int = 200,
                 reset_before: int = 40, reset_after: int = 120,
                 settle: Callable = lambda p: 10, gap: Callable = lambda p: GAP,
                 into: Callable = lambda p: 0, check: Callable | None = None):
        self.model, self._stimulus, self.mutant = model, stimulus, mutant
        self.n, self.reset_n = n, reset_n
        self.reset_before, self.reset_after = reset_before, reset_after
        self.settle, self.gap, self.into, self.check = settle, gap, into, check

    async def bench(self, dut, idle=None, stall=None) -> Bench:
        """``Bench.start`` with this core's receive limit."""
        tb = await Bench.start(dut, idle, stall)
        tb.gap = self.gap(tb.p)
        return tb

    def stimulus(self, tb: Bench, salt: str, n: int | None = None):
        """The input words for a run (None for a core without input)."""
        if self._stimulus is None:
            return None
        return list(self._stimulus(tb.p, tb.rng(salt), self.n if n is None else n))

    def want(self, tb: Bench, words, n: int | None = None) -> list[int]:
        """The model's output words (a core without input: its first ``n``)."""
        out = self.model(tb.p, words if words is not None else n)
        return [int(w) for w in out]

    def model_match(self, name: str = "stream_matches_model"):
        """Model match for every idle x back-pressure pair (a core without input: every
        back-pressure pattern, parameter ``pattern``), then no stray beat and no protocol
        violation."""
        tests = self

        async def run(dut, idle=None, stall=None, pattern=None):
            stall = pattern if pattern is not None else stall
            tb = await tests.bench(dut, idle, stall)
            words = tests.stimulus(tb, f"{idle}/{stall}")
            want = tests.want(tb, words, tests.n)
            got = await tb.exchange(words, len(want))
            out = next(iter(tb.sinks))
            compare(got, expected(want, tb.seed), out, f"{tb.p} pauses={idle}/{stall}")
            if tests.check is not None:
                tests.check(tb, words, got)
            if words is not None:
                await tb.settle(tests.settle(tb.p))
            tb.check_protocol()

        run.__doc__ = ("Converted design against the model, with every pair of idle pattern x "
                       "back-pressure pattern.")
        module = _caller_module()
        if self._stimulus is None:
            return _register(run, name, module, pattern=list(PATTERNS))
        return _register(run, name, module, idle=list(PATTERNS), stall=list(PATTERNS))

    def reset_mid_stream(self, name: str = "reset_mid_stream"):
        """A reset with beats in flight (sinks held, outputs pending): every output before it
        and every output of a fresh run after it match the model, nothing stray comes out."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut, "random", "random")
            words = tests.stimulus(tb, "reset", tests.reset_n)
            full = tests.want(tb, words, tests.reset_before)
            if words is not None:
                tb.send(words)
            first = await tb.recv(tests.reset_before)
            tb.hold()
            await ClockCycles(dut.clk, tests.into(tb.p) + 5)
            await tb.reset(2)
            tb.release()
            again_words = words[:tests.reset_after] if words is not None else None
            want = tests.want(tb, again_words, tests.reset_before)
            again = await tb.exchange(again_words, len(want))
            compare(first, expected(full[:tests.reset_before], tb.seed), "before reset",
                    str(tb.p))
            compare(again, expected(want, tb.seed), "after reset", str(tb.p))
            if words is not None:
                await tb.settle(tests.settle(tb.p))
            tb.check_protocol()

        run.__doc__ = "A reset mid-stream restarts the core: outputs match the model again."
        return _register(run, name, _caller_module())

    def throughput(self, name: str = "full_throughput", latency: Callable = lambda p: 1,
                   n: int = 64):
        """No pauses, one output per input: the inputs go in back to back, each output comes
        exactly ``latency(p)`` cycles after its input, and all match the model."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut)
            words = tests.stimulus(tb, "throughput", n)
            got = await tb.exchange(words)
            compare(got, expected(tests.want(tb, words), tb.seed), next(iter(tb.sinks)),
                    str(tb.p))
            (ins,), (outs,) = tb.transfers_of(tb.sources), tb.transfers_of(tb.sinks)
            assert len(ins) == len(outs) == len(words), (len(ins), len(outs))
            assert ins == list(range(ins[0], ins[0] + len(words))), \
                f"input not back to back: {ins[:8]}; {tb.p}"
            lat = [o - i for i, o in zip(ins, outs)]
            assert lat == [latency(tb.p)] * len(words), \
                f"latency {lat[:8]}, want {latency(tb.p)}; {tb.p}"
            tb.check_protocol()

        run.__doc__ = ("No pauses: one beat per cycle in and out, each output a fixed latency "
                       "after its input.")
        return _register(run, name, _caller_module())

    def must_fail(self, name: str = "scoreboard_must_fail"):
        """The same scoreboard against ``mutant`` must fail (``expect_fail``).  A receive
        timeout is turned into an error so that only the comparison can make it pass."""
        tests = self

        async def run(dut):
            tb = await tests.bench(dut)
            words = tests.stimulus(tb, "must_fail")
            n = len(tests.want(tb, words, tests.n))
            try:
                got = await tb.exchange(words, n)
            except StreamTimeout as e:
                raise RuntimeError(f"must-fail run did not complete: {e}") from None
            wrong = tests.mutant(tb.p, words if words is not None else n)
            compare(got, expected(wrong, tb.seed), next(iter(tb.sinks)), "mutated model")

        run.__doc__ = "The same scoreboard against a mutated model must fail."
        return _register(run, name, _caller_module(), expect_fail=True)

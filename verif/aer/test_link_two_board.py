# SPDX-License-Identifier: Apache-2.0
"""aer.link between two boards: two link endpoints, each on its own clock (board B's period
0.6..1.6 % longer or shorter than A's, so the UARTs drift against each other), joined by the
serial wire, in one converted top (:func:`two_boards`, written here for the test).  Board A
sends random timesteps of events; board B delivers them.  Not two SoCs: net.snn_soc does not
route events yet, so the endpoints stand for the boards.

* ``events_cross``: random idle on A's s_in, random back-pressure on B's m_out; everything
  arrives at B in order, timestep markers kept (event.timesteps of both sides equal), and
  A.sent = B.received = B.out, no CRC error.
* ``bit_errors_counted``: one data bit of a beat or CRC byte of 3 chosen frames is flipped on
  the wire (``wire_flip``, timed from A's line): B's status_crc_err counts 3, the other
  frames arrive in order, and A.sent = B.out + B.crc_err + B.overflow (in = out + dropped).
* ``errors_must_fail``: the same checks expecting every frame to arrive when one was
  corrupted must fail.
"""
from __future__ import annotations

import random
import warnings

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge, Timer
from myhdl import Signal, always_comb, block, intbv

from neurohdl.core import IN, OUT, CoreDecl, Port, const
from neurohdl.models.aer import event, link as model
from neurohdl.models.aer.link import LinkParams
from neurohdl.rtl.aer.fifo import event_stream
from neurohdl.rtl.aer.link import COUNTERS as _COUNTERS, link
from neurohdl.verif.aer.bench import flat, take
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import make_stream, pauses, run_seed
from neurohdl.simrun import params_from_env

MODULE = "neurohdl.verif.aer.test_link_two_board"
COUNTERS = tuple(name for name, _ in _COUNTERS)     # sent, received, crc_err, overflow, out
CLK_A_NS = 10.0


# ------------------------------------------------------------------ the two-board top ------

def ports(p: LinkParams):
    cw, count = p.counter_bits, p.rx_depth.bit_length()
    return ([Port("clk", IN, 1, "clock", "board A's clock"),
             Port("rst", IN, 1, "reset", "both boards' reset (held over edges of both clocks)"),
             Port("clk_b", IN, 1, "clock", "board B's clock"),
             Port("wire_flip", IN, 1, "test", "1: the wire A -> B carries the inverted level")]
            + event_stream("s_in", p.event, "board A's events to send (clk)")
            + event_stream("m_out", p.event, "board B's received events (clk_b)")
            + [Port("line_a", OUT, 1, "uart", "board A's link_tx (before the flip)")]
            + [Port(f"status_{b}_{c}", OUT, cw, "status", f"board {b.upper()}'s status_{c}")
               for b in "ab" for c in COUNTERS]
            + [Port("status_b_count", OUT, count, "status", "board B's receive FIFO")])


@block
def two_boards(clk, rst, clk_b, wire_flip, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready,
               s_in_tuser, m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser,
               line_a, status_a_sent, status_a_received, status_a_crc_err, status_a_overflow,
               status_a_out, status_b_sent, status_b_received, status_b_crc_err,
               status_b_overflow, status_b_out, status_b_count, p: LinkParams):
    """Board A (clk) sends on its link_tx, which reaches board B's link_rx through the wire
    (inverted while wire_flip); B's link_tx returns to A's link_rx.  B sends nothing; A's
    m_out is always ready."""
    w = p.event.width
    a_tx, b_rx, b_tx = Signal(bool(1)), Signal(bool(1)), Signal(bool(1))
    a_out = [Signal(intbv(0)[w:]), Signal(bool(0)), Signal(bool(0)), Signal(bool(0))]
    a_count = Signal(intbv(0)[p.rx_depth.bit_length():])
    b_in = [const(0, w), const(0, 1), const(0, 1), const(0, 1)]      # tdata tvalid tlast tuser
    b_ready = Signal(bool(0))
    ready = const(1, 1)

    @always_comb
    def wire():
        b_rx.next = a_tx ^ wire_flip
        line_a.next = a_tx

    a = link(clk, rst, s_in_tdata, s_in_tvalid, s_in_tlast, s_in_tready, s_in_tuser,
             a_out[0], a_out[1], a_out[2], ready, a_out[3], a_tx, b_tx,
             status_a_sent, status_a_received, status_a_crc_err, status_a_overflow,
             status_a_out, a_count, p=p)
    b = link(clk_b, rst, b_in[0], b_in[1], b_in[2], b_ready, b_in[3],
             m_out_tdata, m_out_tvalid, m_out_tlast, m_out_tready, m_out_tuser, b_tx, b_rx,
             status_b_sent, status_b_received, status_b_crc_err, status_b_overflow,
             status_b_out, status_b_count, p=p)
    return a, b, wire


#: the top as a core declaration (not registered: the test converts it under aer.link's
#: module name and simulates it in place of aer.link)
PAIR = CoreDecl(name="aer.link_two_boards", version="0.0.0", params=LinkParams,
                top=two_boards, ports=ports, description="two aer.link endpoints, one wire",
                arith={}, module="link")


def params_for(seed: int) -> LinkParams:
    """A random link whose divisor (8..12) leaves the UART room for the clocks' drift."""
    r = random.Random(f"two-boards:{seed}")
    return LinkParams.random(r, divisor=r.choice([8, 10, 12]), rx_depth=4)


def test_two_boards(seed, tmp_path):
    from neurohdl.convert import generate
    from neurohdl.simrun import run_cocotb

    p = params_for(seed)
    print(f"[config] two boards, seed={seed}: {p}")
    with warnings.catch_warnings():     # A's m_out, B's s_in_tready: unread (one-way traffic)
        warnings.filterwarnings("ignore", "Signal is driven but not read")
        g = generate(PAIR, p, tmp_path / "hdl")
    r = run_cocotb("aer.link", p, seed, tmp_path, test_module=MODULE, netlist=g.files[0])
    assert r.ok, f"two boards: {r.summary()}, seed={seed}, {p}; log {tmp_path}/icarus_test.log"


# ------------------------------------------------------------------ cocotb side ------------

class Boards:
    """Both clocks (B's period off by 0.6..1.6 %, either way), a source on A's s_in (clk) and
    a sink on B's m_out (clk_b) with random pauses, the reset over both clocks."""

    def __init__(self, dut):
        self.dut, self.p, self.seed = dut, params_from_env(LinkParams), run_seed()
        self.rng = random.Random(f"{self.seed}:boards")
        skew = self.rng.choice([-1, 1]) * self.rng.randint(3, 8) * 0.002
        # a whole number of 20 ps: both half periods on the simulator's 10 ps grid (a period
        # such as 10.12 ns in float ns is not exactly 1012 steps, and cocotb refuses it)
        self.clk_b_ps = 20 * round(CLK_A_NS * 1000 * (1 + skew) / 20)
        self.clk_b_ns = self.clk_b_ps / 1000
        bus, _, source_cls, _, _ = make_stream("SIn", ["tlast", "tuser"])
        self.source = source_cls(bus.from_prefix(dut, "s_in"), dut.clk, dut.rst)
        bus, _, _, sink_cls, _ = make_stream("MOut", ["tlast", "tuser"])
        self.sink = sink_cls(bus.from_prefix(dut, "m_out"), dut.clk_b, dut.rst)
        self.source.set_pause_generator(pauses("random", self.seed, "s_in"))
        self.sink.set_pause_generator(pauses("random", self.seed, "m_out"))
        self.ctx = f"{self.p} clk_b {self.clk_b_ns} ns seed={self.seed}"

    async def start(self):
        dut = self.dut
        dut.wire_flip.value = 0
        Clock(dut.clk, CLK_A_NS, unit="ns").start(start_high=False)
        Clock(dut.clk_b, self.clk_b_ps, unit="ps").start(start_high=False)
        dut.rst.value = 1
        await ClockCycles(dut.clk, 4)
        await ClockCycles(dut.clk_b, 4)
        dut.rst.value = 0

    def counters(self, board: str) -> dict[str, int]:
        return {c: int(getattr(self.dut, f"status_{board}_{c}").value) for c in COUNTERS}

    async def settle(self, n_beats: int):
        """All beats sent, B's FIFO empty and both lines quiet for two frames."""
        await self.source.wait()
        for _ in range(n_beats + 8):
            await Timer(self.p.frame_cycles * CLK_A_NS, "ns")
            a, b = self.counters("a"), self.counters("b")
            if a["sent"] == b["out"] + b["crc_err"] + b["overflow"] \
                    and not int(self.dut.status_b_count.value):
                await Timer(2 * self.p.frame_cycles * CLK_A_NS, "ns")
                return
        raise AssertionError(f"frames still in flight: A {self.counters('a')}, "
                             f"B {self.counters('b')}; {self.ctx}")


async def corrupt(b: Boards, targets: dict[int, tuple[int, int]]):
    """Follow A's line character by character; for frame f in ``targets`` invert data bit i
    of its byte k (k >= 1: a beat or CRC byte) for that bit's time."""
    dut, div, fb = b.dut, b.p.divisor, b.p.frame_bytes
    c = 0
    while True:
        await FallingEdge(dut.line_a)             # a start bit (A's line changes on clk edges)
        frame, k = divmod(c, fb)
        skip = 10 * div - 1
        if frame in targets and targets[frame][0] == k:
            i = targets[frame][1]
            await ClockCycles(dut.clk, (1 + i) * div)
            dut.wire_flip.value = 1
            await ClockCycles(dut.clk, div)
            dut.wire_flip.value = 0
            skip -= (2 + i) * div
        await ClockCycles(dut.clk, skip)          # into the stop bit
        c += 1


async def run(dut, n_errors: int, n_beats: int, expect_all: bool = False):
    b = Boards(dut)
    await b.start()
    beats = event.beats(event.random_timesteps(b.p.event, b.rng, n_beats))
    hit = b.rng.sample(range(len(beats)), n_errors)
    targets = {f: (b.rng.randrange(1, b.p.frame_bytes), b.rng.randrange(8)) for f in hit}
    cocotb.start_soon(corrupt(b, targets))
    for d, last, user in beats:
        b.source.send_nowait(_beat(d, last, user))
    await b.settle(len(beats))
    got = take(b.sink)
    kept = beats if expect_all else [x for f, x in enumerate(beats) if f not in targets]
    compare(flat(got), expected(flat(kept), b.seed), "B's m_out (tdata << 2 | tlast << 1 | "
            "tuser)", b.ctx)
    a, n = b.counters("a"), b.counters("b")
    mask = (1 << b.p.counter_bits) - 1
    dropped = 0 if expect_all else n_errors
    compare([a["sent"], n["received"], n["crc_err"], n["overflow"], n["out"]],
            expected([len(beats) & mask, (len(beats) - dropped) & mask, dropped, 0,
                      (len(beats) - dropped) & mask], b.seed),
            "A.sent, B.received, B.crc_err, B.overflow, B.out", b.ctx)
    assert (a["sent"] - n["out"] - n["crc_err"] - n["overflow"]) & mask == 0, \
        f"in != out + dropped: A {a}, B {n}; {b.ctx}"
    if not n_errors:
        assert event.timesteps(got) == event.timesteps(beats), f"timesteps; {b.ctx}"


_Beat = make_stream("SIn", ["tlast", "tuser"])[1]


def _beat(d, last, user):
    return _Beat(tdata=int(d), tlast=int(last), tuser=int(user))


@cocotb.test()
async def events_cross(dut):
    """Random timesteps from A arrive at B: nothing lost, in order, markers kept."""
    await run(dut, 0, 12)


@cocotb.test()
async def bit_errors_counted(dut):
    """Three frames hit by a bit error: counted in B's status_crc_err, the rest in order."""
    await run(dut, 3, 10)


@cocotb.test(expect_fail=True)
async def errors_must_fail(dut):
    """Expecting every frame when one was corrupted must fail."""
    await run(dut, 1, 2, expect_all=True)

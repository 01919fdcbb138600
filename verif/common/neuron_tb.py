# SPDX-License-Identifier: Apache-2.0
"""Shared cocotb bench of the one-in, one-out neuron cores (``s_in`` -> ``m_out`` +
``status_sat``; one timestep per beat): stream endpoints, a transfer/status watcher, reset,
stimulus and the scoreboard call, used by the if_, li and lif tests."""
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge

from neurohdl.models.neuron._common import stimulus, to_bits
from neurohdl.simrun import params_from_env

from .scoreboard import compare, expected
from .stream import check_stream_protocol, make_stream, pauses, reset, run_seed

InBus, InTransaction, InSource, _, _ = make_stream("In")
OutBus, _, _, OutSink, _ = make_stream("Out")
N_BEATS = 100


async def watch(dut, log: dict):
    """Cycle number and status_sat of every s_in and m_out transfer (status_sat as seen with
    an m_out transfer covers that beat and every beat before it)."""
    cycle = 0
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        cycle += 1
        if dut.rst.value:
            continue
        if dut.s_in_tvalid.value and dut.s_in_tready.value:
            log["in"].append(cycle)
        if dut.m_out_tvalid.value and dut.m_out_tready.value:
            log["out"].append(cycle)
            log["sat"].append(int(dut.status_sat.value))


async def setup(dut, params_cls, idle, stall):
    """Params from the environment, clock, both endpoints with their pause patterns, protocol
    checker and watcher started, reset done: (p, source, sink, errors, log)."""
    p = params_from_env(params_cls)
    Clock(dut.clk, 10, unit="ns").start(start_high=False)
    source = InSource(InBus.from_prefix(dut, "s_in"), dut.clk, dut.rst)
    sink = OutSink(OutBus.from_prefix(dut, "m_out"), dut.clk, dut.rst)
    source.set_pause_generator(pauses(idle, run_seed(), "s_in"))
    sink.set_pause_generator(pauses(stall, run_seed(), "m_out"))
    errors: list[str] = []
    log = {"in": [], "out": [], "sat": []}
    cocotb.start_soon(check_stream_protocol(dut, "m_out", errors))
    cocotb.start_soon(watch(dut, log))
    await reset(dut)
    return p, source, sink, errors, log


def send(p, source, xs):
    for x in xs:
        source.send_nowait(InTransaction(tdata=int(to_bits(x, p.in_width))))


async def exchange(p, source, sink, xs):
    send(p, source, xs)
    return [int((await sink.recv()).tdata) for _ in xs]


def check(model, p, xs, got, sats, what):
    """m_out beats and status_sat per beat against ``model.run_tdata``."""
    want, want_sat = model.run_tdata(p, xs)
    compare(got, expected(want, run_seed()), f"{what} m_out", str(p))
    compare(sats, expected(want_sat, run_seed() + 1), f"{what} status_sat", str(p))


def stim(p, salt, n=N_BEATS):
    return stimulus(p, random.Random(f"{run_seed()}:{salt}"), n)

# SPDX-License-Identifier: Apache-2.0
"""Host driver of net.snn_soc (neurohdl.sw.snn_soc) against the register-level numpy model.

Reference spikes come from neuron.engine's model step fed with synaptic events built here from
the weights and the injected axons (independent of SocModel's own timestep code), or from a
second SocModel driven with raw register accesses.  Every bad-input test checks the typed error
AND that nothing was written (the transport's write log and a snapshot of the model state).
"""
from __future__ import annotations

import asyncio
import json
import mmap
import random
import struct

import numpy as np
import pytest

from neurohdl.errors import NeurohdlError, ParamError
from neurohdl.models.neuron import engine as eng
from neurohdl.models.net import snn_soc as socm
from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.sw.devmem import DevMemTransport
from neurohdl.sw.regmap_driver import BusError, Table
from neurohdl.sw.snn_soc import (AsyncSnnSoc, FifoFullError, ModelTransport, SnnSoc,
                                 SnnSocError, SocBusy, SocMismatch, SocTimeout, Spike)

ENGINES = [{"cell": {"threshold": 64}}, {"neuron": "if", "cell": {"threshold": 48}},
           {"w_width": 6, "cell": {"reset": "subtract", "threshold": 50}},
           {"in_width": 10, "w_width": 8, "cell": {"threshold": 30}}]


def make(**kw):
    kw.setdefault("engine", {"cell": {"threshold": 64}})
    kw.setdefault("sc_channels", 0)
    m = SocModel(SnnSocParams(**kw))
    t = ModelTransport(m)
    return m, t, SnnSoc(t)


def snapshot(m: SocModel):
    """Everything a host write could change in the model."""
    return (m.weights.copy().tolist(), list(m.in_fifo), list(m.out_fifo), m.tstep, m.ptr,
            dict(m.csr.state), m.ev_in, m.ev_out, m.ev_drop, m.in_dropped, m.werr,
            m.axon_err, [np.asarray(x).tolist() for x in np.atleast_1d(m.state)]
            if not isinstance(m.state, tuple) else [x.tolist() for x in m.state])


def random_weights(rng, info, density=0.5):
    w = np.zeros((info.n_axons, info.n_neurons), dtype=np.int64)
    for a in range(info.n_axons):
        for n in range(info.n_neurons):
            if rng.random() < density:
                w[a, n] = rng.randint(info.w_min, info.w_max)
    w[0, 0], w[-1, -1] = info.w_max, info.w_min          # the format's corners
    return w


def reference_spikes(ep, weights, inputs):
    """Spikes per timestep from neuron.engine's step, synaptic events built from the weights:
    inputs[t] = axons injected before timestep t."""
    state, out = eng.init(ep), []
    for t, axons in enumerate(inputs):
        events = [(n, int(weights[a, n])) for a in axons for n in range(weights.shape[1])
                  if weights[a, n] != 0]
        state, addrs, _ = eng.step(ep, state, events)
        out.append([Spike(t & 0x7FFF, int(n)) for n in addrs])
    return out


def driver_spikes(soc, inputs):
    """The same run through the driver, one step per timestep, spikes read after each."""
    got = []
    for axons in inputs:
        soc.inject(axons)
        soc.step()
        got.append(soc.read_spikes())
    return got


# ------------------------------------------------------------------ basics ------------------------
def test_info_and_table_sources(tmp_path):
    m, t, soc = make(n_neurons=5, n_axons=3, in_depth=8, out_depth=16, sc_channels=2,
                     sc_width=6, engine={"w_width": 6, "cell": {"threshold": 40}})
    i = soc.info()
    assert (i.n_neurons, i.n_axons, i.in_depth, i.out_depth, i.sc_channels, i.sc_width,
            i.w_width, i.neuron_name) == (5, 3, 8, 16, 2, 6, 6, "lif")
    assert (i.w_min, i.w_max, i.weight_words) == (-32, 31, 15)
    n = len(t.log)
    assert soc.info() is i and len(t.log) == n                # cached
    # the same driver from a regmap.json (what `neurohdl regmap` writes) and a manifest block
    d = socm.regmap().to_dict()
    (tmp_path / "regmap.json").write_text(json.dumps(d))
    assert SnnSoc(t, tmp_path / "regmap.json").info() == i
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"blocks": [{"name": "snn_soc", "base": 0x43C00000, "regmap": d}]}))
    soc_m = SnnSoc(t, tmp_path / "manifest.json")     # the base is the transport's business
    assert soc_m.info() == i and soc_m.table.base == 0x43C00000
    for table in (Table(d), d):
        assert SnnSoc(t, table).word_addr("SPIKE_OUT") == socm.regmap().reg("SPIKE_OUT").offset // 4
    with pytest.raises(SocMismatch, match="no register 'SPIKE_OUT'"):
        SnnSoc(t, dict(d, regs=[r for r in d["regs"] if r["name"] != "SPIKE_OUT"]))


def test_weights_round_trip(seed):
    rng = random.Random(seed)
    for engine in ENGINES:
        m, t, soc = make(n_neurons=rng.randint(1, 9), n_axons=rng.randint(1, 6), engine=engine)
        info = soc.info()
        w = random_weights(rng, info)
        soc.load_weights(w)
        assert np.array_equal(m.weights.reshape(w.shape), w), engine
        assert np.array_equal(soc.read_weights(), w), engine
        # one WADDR write and one fixed-address WDATA burst carried the weights
        wd = soc.word_addr("WDATA")
        assert sum(1 for op, a, _ in t.writes() if a == wd) == info.weight_words
        assert soc.telemetry()["werr"] == 0


def test_async_driver_under_asyncio_and_sync_facade_refuses_suspension():
    m = SocModel(SnnSocParams(n_neurons=3, n_axons=2, engine={"cell": {"threshold": 20}},
                              sc_channels=0))
    mt = ModelTransport(m)

    class Async:                        # an async transport that really suspends
        async def read(self, addr, n=1, fixed=False):
            await asyncio.sleep(0)
            return mt.read(addr, n, fixed)

        async def write(self, addr, words, fixed=False):
            await asyncio.sleep(0)
            mt.write(addr, words, fixed)

    async def main():
        soc = AsyncSnnSoc(Async())
        await soc.reset_network()
        await soc.load_weights([[30, 0, 0], [0, 0, 25]])
        await soc.inject([0, 1])
        await soc.step()
        return await soc.read_spikes(), await soc.counters()

    spikes, cnt = asyncio.run(main())
    assert spikes == [Spike(0, 0), Spike(0, 2)] and cnt["EVENTS_IN"] == 2
    with pytest.raises(SnnSocError, match="suspended"):
        SnnSoc(Async()).info()


# ------------------------------------------------------------------ behaviour ---------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_spikes_per_timestep_match_engine_model(engine, seed):
    rng = random.Random(seed)
    m, t, soc = make(n_neurons=rng.randint(2, 10), n_axons=rng.randint(1, 6), engine=engine,
                     in_depth=16, out_depth=32)
    info = soc.info()
    soc.reset_network()
    w = random_weights(rng, info, density=0.7)
    w = np.minimum(np.abs(w), info.w_max)                 # mostly excitatory: spikes happen
    w[-1, -1] = info.w_min                                # and one inhibitory corner
    soc.load_weights(w)
    inputs = [[rng.randrange(info.n_axons) for _ in range(rng.randint(0, 6))]
              for _ in range(30)]
    want = reference_spikes(m.ep, w, inputs)
    got = driver_spikes(soc, inputs)
    assert got == want
    assert sum(map(len, want)) > 0, "the test network never spiked"
    c = soc.counters()
    assert c["TSTEP"] == len(inputs) and c["EVENTS_IN"] == sum(map(len, want))
    # multi-timestep run: input before the first timestep only, spikes read at the end
    soc.reset_network()
    soc.inject(inputs[0])
    soc.run(5)
    ref = reference_spikes(m.ep, w, [inputs[0]] + [[]] * 4)
    assert soc.read_spikes() == [s for ts in ref for s in ts]


def test_spikes_with_sc_lanes_match_register_level_model(seed):
    """SC lanes and FIFO inputs together, against a second SocModel driven by raw accesses."""
    rng = random.Random(seed)
    p = SnnSocParams(n_neurons=6, n_axons=4, sc_channels=3, sc_width=6,
                     engine={"cell": {"threshold": 40}},
                     in_depth=8, out_depth=64)
    ref, t = SocModel(p), ModelTransport(SocModel(p))
    soc = SnnSoc(t)
    rm = socm.regmap()
    A = {r.name: r.offset for r in rm.regs}
    w = random_weights(rng, soc.info(), density=0.8)
    w = np.minimum(np.abs(w), soc.info().w_max)
    sc = [rng.randrange(64) for _ in range(3)]
    soc.reset_network()
    soc.load_weights(w)
    soc.set_sc_values(sc)
    ref.write32(A["CTRL"], 1 << rm.reg("CTRL").field("reset_net").lsb)
    ref.write32(A["WADDR"], 0)
    for x in w.flat:
        ref.write32(A["WDATA"], int(x) & 0xFFFF)
    for c, v in enumerate(sc):
        ref.write32(A[f"SC_VAL_{c}"], v)
    assert soc.sc_values() == sc
    for _ in range(25):
        axons = [rng.randrange(4) for _ in range(rng.randint(0, 3))]
        soc.inject(axons)
        for a in axons:
            ref.write32(A["SPIKE_IN"], a)
        soc.step()
        ref.write32(A["CTRL"], 1 << rm.reg("CTRL").field("step").lsb)
        want = []
        while True:
            _, word = ref.read32(A["SPIKE_OUT"])
            if not word >> 31:
                break
            want.append(Spike((word >> 16) & 0x7FFF, word & 0xFFFF))
        assert soc.read_spikes() == want
    assert soc.counters() == {k: ref.read32(A[k])[1] for k in soc.counters()}
    assert len(ref.spike_log) > 0


def test_counters_invariant_with_output_overflow():
    m, t, soc = make(n_neurons=8, n_axons=2, out_depth=4,
                     engine={"neuron": "if", "cell": {"threshold": 10}})
    soc.reset_network()
    soc.load_weights([[20] * 8, [0] * 8])
    soc.irq_enable(drop=True)
    soc.inject([0])
    soc.step()                                # 8 spikes into a 4-deep FIFO: 4 dropped
    c = soc.counters()
    assert c["EVENTS_IN"] == c["EVENTS_OUT"] + c["EVENTS_DROPPED"]
    assert (c["EVENTS_IN"], c["EVENTS_OUT"], c["EVENTS_DROPPED"]) == (8, 4, 4)
    assert soc.telemetry()["out_full"] == 1 and soc.irq_status()["drop"] == 1 and m.irq == 1
    assert soc.read_spikes(max_spikes=1) == [Spike(0, 0)]
    assert soc.read_spikes() == [Spike(0, 1), Spike(0, 2), Spike(0, 3)]
    assert soc.read_spikes() == []
    soc.inject([0])
    soc.run(2)                                # t=1: 8 spikes (4 kept, 4 dropped); t=2: none
    c = soc.counters()
    assert c["EVENTS_IN"] == c["EVENTS_OUT"] + c["EVENTS_DROPPED"] == 16
    assert c["EVENTS_DROPPED"] == 8 and c["TSTEP"] == 3
    assert [s.tstep for s in soc.read_spikes()] == [1] * 4
    soc.irq_clear()
    assert soc.irq_status() == {"done": 0, "drop": 0} and m.irq == 0
    soc.clear_counters()
    assert soc.counters() == {"TSTEP": 3, "EVENTS_IN": 0, "EVENTS_OUT": 0,
                              "EVENTS_DROPPED": 0, "IN_DROPPED": 0}


# ------------------------------------------------------------------ bad input ---------------------
@pytest.fixture
def loaded():
    m, t, soc = make(n_neurons=4, n_axons=3, in_depth=4, sc_channels=2, sc_width=5,
                     engine={"w_width": 6, "cell": {"threshold": 64}})
    soc.reset_network()
    soc.load_weights(np.arange(12).reshape(3, 4) - 6)
    soc.inject([1, 2])
    soc.set_sc_values([3, 4])
    return m, t, soc


def refused(loaded, call, err, match):
    m, t, soc = loaded
    before, writes = snapshot(m), len(t.writes())
    with pytest.raises(err, match=match) as e:
        call(soc)
    assert len(t.writes()) == writes, f"{call}: wrote {t.writes()[writes:]}"
    assert snapshot(m) == before
    assert isinstance(e.value, NeurohdlError)
    return e.value


def test_bad_weights_shape_refused(loaded):
    refused(loaded, lambda s: s.load_weights(np.zeros((4, 3), dtype=int)), ParamError,
            r"weights shape \(4, 3\): allowed \(3, 4\)")
    refused(loaded, lambda s: s.load_weights(np.zeros(12, dtype=int)), ParamError, "shape")


def test_weight_outside_w_width_refused(loaded):
    w = np.zeros((3, 4), dtype=int)
    w[2, 1] = 32                                      # w_width 6: -32..31
    refused(loaded, lambda s: s.load_weights(w), ParamError,
            r"weights\[2, 1\] = 32: allowed -32..31")
    w[2, 1] = -33
    refused(loaded, lambda s: s.load_weights(w), ParamError, r"weights\[2, 1\] = -33")
    refused(loaded, lambda s: s.load_weights(np.full((3, 4), 1.5)), ParamError, "dtype float")


def test_axon_out_of_range_refused(loaded):
    refused(loaded, lambda s: s.inject([0, 3]), ParamError, r"axons\[1\] = 3: allowed 0..2")
    refused(loaded, lambda s: s.inject([-1]), ParamError, r"axons\[0\] = -1")


def test_too_many_spikes_for_the_fifo_refused(loaded):
    e = refused(loaded, lambda s: s.inject([0, 1, 2]), FifoFullError,
                "holds 2 of 4, room for 2")
    assert isinstance(e, ParamError)
    m, t, soc = loaded
    soc.inject([0, 0])                                # exactly fills it
    assert soc.telemetry()["in_full"] == 1 and soc.counters()["IN_DROPPED"] == 0


def test_run_count_out_of_range_refused(loaded):
    refused(loaded, lambda s: s.run(1 << 24), ParamError, r"timesteps = 16777216: allowed "
            r"0..16777215")
    refused(loaded, lambda s: s.run(-1), ParamError, "timesteps = -1")
    refused(loaded, lambda s: s.run(2.0), ParamError, "timesteps = 2.0")


def test_sc_value_too_wide_refused(loaded):
    refused(loaded, lambda s: s.set_sc_values([1, 32]), ParamError,
            r"channel 1 = 32: allowed 0..31 \(sc_width = 5 bits\)")
    refused(loaded, lambda s: s.set_sc_values([1, 2, 3]), ParamError, "allowed 0..1")


# ------------------------------------------------------------------ errors from the SoC ----------
class Stuck(ModelTransport):
    """STATUS.busy stuck at 1 (a hung run)."""

    def read(self, addr, n=1, fixed=False):
        words = super().read(addr, n, fixed)
        if addr == self.status:
            words = [x | 1 for x in words]
        return words


def test_busy_soc_gives_typed_errors():
    m = SocModel(SnnSocParams(n_neurons=2, n_axons=1, sc_channels=0))
    t = Stuck(m)
    soc = SnnSoc(t, max_polls=3, timeout=None)
    t.status = soc.word_addr("STATUS")
    with pytest.raises(SocTimeout, match="after 3 polls"):
        soc.reset_network()
    n = len(t.writes())
    with pytest.raises(SocBusy):
        soc.run(1)
    with pytest.raises(SocBusy):
        soc.load_weights([[1, 2]])
    assert len(t.writes()) == n
    assert issubclass(SocTimeout, TimeoutError)


def test_bus_errors_propagate():
    m, t, soc = make(n_neurons=2, n_axons=1)
    with pytest.raises(BusError, match="SLVERR"):
        soc.write_reg("INFO_SIZE", 1)                  # read-only register
    with pytest.raises(BusError, match="DECERR") as e:
        t.read(0x5C // 4, 1)                           # hole in the map
    assert e.value.index == 0
    with pytest.raises(ParamError):
        t.write(0, [1 << 32])


def test_wrong_device_refused(tmp_path):
    f = tmp_path / "zeros.bin"
    f.write_bytes(bytes(mmap.ALLOCATIONGRANULARITY))
    with DevMemTransport(0, 0x100, path=str(f)) as bus:
        with pytest.raises(SocMismatch, match="ID = 0x00000000"):
            SnnSoc(bus).info()


# ------------------------------------------------------------------ must fail ---------------------
class FlipSpikeBit(ModelTransport):
    """Corrupted SoC: flips bit ``bit`` of the ``nth`` SPIKE_OUT word read."""

    def __init__(self, model, spike_out: int, nth: int = 0, bit: int = 0):
        super().__init__(model)
        self.spike_out, self.nth, self.bit, self.seen = spike_out, nth, bit, 0

    def read(self, addr, n=1, fixed=False):
        words = super().read(addr, n, fixed)
        if addr == self.spike_out:
            for i in range(len(words)):
                if self.seen == self.nth:
                    words[i] ^= 1 << self.bit
                self.seen += 1
        return words


@pytest.mark.parametrize("bit", [0, 16])              # neuron bit 0, tstep bit 0
def test_spike_comparison_catches_a_corrupted_spike_word(bit):
    """Must-fail: the comparison of test_spikes_per_timestep_match_engine_model fails when one
    spike word is corrupted on its way to the host."""
    p = SnnSocParams(n_neurons=4, n_axons=2, engine={"cell": {"threshold": 30}}, sc_channels=0)
    m = SocModel(p)
    t = FlipSpikeBit(m, socm.regmap().reg("SPIKE_OUT").offset // 4, nth=2, bit=bit)
    soc = SnnSoc(t)
    w = np.array([[40, 20, 0, 35], [0, 20, 40, 0]])
    soc.load_weights(w)
    inputs = [[0], [1], [0, 1], [], [1]]
    want = reference_spikes(m.ep, w, inputs)
    assert sum(map(len, want)) > 2
    got = driver_spikes(soc, inputs)
    with pytest.raises(AssertionError):
        assert got == want
    # a cleared valid bit is refused by the driver itself
    t2 = FlipSpikeBit(SocModel(p), t.spike_out, nth=0, bit=31)
    soc2 = SnnSoc(t2)
    soc2.load_weights(w)
    soc2.inject([0])
    soc2.step()
    with pytest.raises(SocMismatch, match="valid bit 0"):
        soc2.read_spikes()


# ------------------------------------------------------------------ transports --------------------
def test_devmem_transport_over_a_file(tmp_path):
    page = mmap.ALLOCATIONGRANULARITY
    f = tmp_path / "mem.bin"
    f.write_bytes(bytes(3 * page))
    base = page + 0x40                                 # not page aligned: mapped from its page
    with DevMemTransport(base, 0x100, path=str(f)) as bus:
        bus.write(2, [0x11223344, 0xDEADBEEF])
        bus.write(10, [1, 2, 3], fixed=True)
        bus.write32(0xFC, 0xCAFEF00D)                  # last word of the window
        assert bus.read(2, 2) == [0x11223344, 0xDEADBEEF]
        assert bus.read(10, 3, fixed=True) == [3, 3, 3] and bus.read(11) == [0]
        assert bus.read32(0xFC) == 0xCAFEF00D
        for bad in (lambda: bus.read(0x40), lambda: bus.read(0x3F, 2), lambda: bus.read(-1),
                    lambda: bus.write(0x40, [1]), lambda: bus.read32(2),
                    lambda: bus.write32(0x102, 1), lambda: bus.write(0, [1 << 32]),
                    lambda: bus.read(0, 0)):
            with pytest.raises(ParamError):
                bad()
        bus.write(0x3F, [7], fixed=True)
        with pytest.raises(ParamError):
            bus.write(0x3F, [7, 8])                    # crosses the end: nothing written
        assert bus.read(0x3F) == [7]
    data = f.read_bytes()
    at = lambda off: struct.unpack_from("<I", data, base + off)[0]   # noqa: E731
    assert (at(8), at(12), at(40), at(0xFC)) == (0x11223344, 0xDEADBEEF, 3, 7)
    assert data[:base + 8] == bytes(base + 8) and at(44) == 0
    with pytest.raises(ParamError, match="base"):
        DevMemTransport(page + 2, 0x100, path=str(f))
    with pytest.raises(ParamError, match="size"):
        DevMemTransport(page, 6, path=str(f))
    with pytest.raises(ParamError, match="closed"):
        bus.read(0)


class SocBus:
    """uart_bridge's Wishbone environment forwarding to a SocModel (word address -> byte)."""

    def __init__(self, model):
        self.model = model

    def access(self, we, addr, data):
        if we:
            return self.model.write32(addr * 4, data) == 0, 0
        resp, d = self.model.read32(addr * 4)
        return resp == 0, d if resp == 0 else 0


class BridgePipe:
    """A byte pipe whose far end is the bus.uart_bridge model."""

    def __init__(self, p, bus):
        from neurohdl.models.bus import uart_bridge
        self.ub, self.p, self.bus = uart_bridge, p, bus
        self.state, self.out = uart_bridge.init(p), b""

    def write(self, data):
        for x in data:
            self.state, r, _ = self.ub.step(self.p, self.state, ("byte", x), self.bus)
            self.out += r

    def read(self, n):
        r, self.out = self.out[:n], self.out[n:]
        return r


def test_sync_driver_over_the_uart_protocol():
    """SnnSoc over uart_protocol.UartTransport (bursts split at max_burst) and the bridge
    model: the same results as over ModelTransport."""
    from neurohdl.models.bus.uart_bridge import UartBridgeParams
    from neurohdl.sw.uart_protocol import BusError as NackBusError
    from neurohdl.sw.uart_protocol import UartTransport
    p = SnnSocParams(n_neurons=5, n_axons=3, engine={"cell": {"threshold": 30}}, sc_channels=0)
    m = SocModel(p)
    bp = UartBridgeParams(addr_width=socm.csr_addr_width() - 2, max_burst=4)
    soc = SnnSoc(UartTransport(bp, BridgePipe(bp, SocBus(m))))
    w = np.array([[40, 0, 10, 0, 31], [0, 35, 10, 0, 0], [-5, 0, 15, 40, 0]])
    soc.reset_network()
    soc.load_weights(w)                               # 15 words: four bursts
    assert np.array_equal(soc.read_weights(), w)
    inputs = [[0, 1, 2], [2], [], [0, 2, 2, 2, 1]]
    assert driver_spikes(soc, inputs) == reference_spikes(m.ep, w, inputs)
    with pytest.raises(NackBusError):
        soc.write_reg("INFO_FMT", 0)


# ------------------------------------------------------------------ one error family --------------
def foreign_errors(modules) -> list[str]:
    """Exception classes defined in ``modules`` that are not NeurohdlErrors."""
    return [f"{m.__name__}.{name}" for m in modules for name, c in vars(m).items()
            if isinstance(c, type) and issubclass(c, BaseException)
            and not issubclass(c, NeurohdlError)]


def test_every_host_library_error_is_a_neurohdl_error():
    import types

    from neurohdl import errors
    from neurohdl.sw import devmem, regmap_driver, rtl_transport, snn_soc, uart_protocol
    mods = [devmem, regmap_driver, rtl_transport, snn_soc, uart_protocol]
    assert foreign_errors(mods) == []
    for c in (snn_soc.SnnSocError, uart_protocol.LinkError, rtl_transport.RtlRunError,
              errors.BusError):
        assert issubclass(c, errors.HostError), c
    assert regmap_driver.BusError is errors.BusError is snn_soc.BusError
    assert issubclass(uart_protocol.BusError, errors.BusError)
    assert issubclass(regmap_driver.RegisterError, KeyError)
    # must fail: a module with its own RuntimeError is reported
    probe = types.ModuleType("probe")
    probe.BusError = type("BusError", (RuntimeError,), {})
    assert foreign_errors([probe]) == ["probe.BusError"]


# ------------------------------------------------------------------ rtl_transport -----------------
async def tiny_program(soc):
    await soc.reset_network()
    await soc.load_weights([[70, 0, 0, 0], [0, 0, 0, 30]])
    await soc.inject([0, 1])
    await soc.step()
    return [list(s) for s in await soc.read_spikes()]


async def raising_program(soc):
    await soc.inject([7])                        # n_axons = 2: ParamError


async def unjsonable_program(soc):
    return await soc.info()                      # a dataclass: JSON cannot carry it


def fake_run_cocotb(core, p, seed, build_dir, *, test_module, extra_env, **kw):
    """run_cocotb's stand-in: the simulation side of run_on_rtl (run_program) on the model."""
    from types import SimpleNamespace

    from neurohdl.sw.rtl_transport import run_program
    from neurohdl.sw.snn_soc import AsyncModelTransport
    assert (core, test_module) == ("net.snn_soc", "neurohdl.verif.net.host_program")
    soc = AsyncSnnSoc(AsyncModelTransport(SocModel(p)))
    ok = asyncio.run(run_program(extra_env["NEUROHDL_HOST_PROGRAM"], soc,
                                 extra_env["NEUROHDL_HOST_OUT"]))
    return SimpleNamespace(n=1, failed=0 if ok else 1)


def test_rtl_transport_runs_a_program_and_reports_its_errors(tmp_path, monkeypatch):
    """run_on_rtl's protocol with its simulation side on the model (the RTL run itself is
    tests/test_tutorial_host.py's): result, a program's error as RtlRunError, bad refs."""
    from neurohdl import simrun
    from neurohdl.sw.rtl_transport import RtlRunError, program_ref, run_on_model, run_on_rtl
    monkeypatch.setattr(simrun, "run_cocotb", fake_run_cocotb)
    p = SnnSocParams(n_neurons=4, n_axons=2, sc_channels=0, engine={"cell": {"threshold": 64}})
    assert run_on_rtl(tiny_program, p, out=tmp_path / "a") == [[0, 0]] == \
        run_on_model(tiny_program, p)
    with pytest.raises(RtlRunError, match=r"ParamError: axons\[0\] = 7: allowed 0..1") as e:
        run_on_rtl(raising_program, p, out=tmp_path / "b")
    assert e.value.error_type == "ParamError"
    with pytest.raises(RtlRunError, match="TypeError: Object of type SocInfo"):
        run_on_rtl(unjsonable_program, p, out=tmp_path / "c")
    with pytest.raises(ParamError, match="module level"):
        program_ref(lambda soc: None)
    with pytest.raises(ParamError, match="'module:function'"):
        run_on_rtl("tiny_program", p)
    with pytest.raises(ParamError, match="allowed SnnSocParams"):
        run_on_rtl(tiny_program, {"n_neurons": 4})


def test_rtl_uart_pipe_fails_on_bytes_sent_unasked():
    """The cocotb UART pipe (verif/common/soc_host.UartHost) lets the transport skip its slow
    drain by offering reset_input_buffer(); that call must not hide a bridge that sends bytes
    nobody asked for: with bytes waiting it fails, with none it passes (must-fail pair)."""
    from neurohdl.verif.common.soc_host import UartHost

    class Sink:
        def __init__(self, data):
            self.data = bytearray(data)

        def empty(self):
            return not self.data

        def read_nowait(self, count=-1):
            out, self.data = bytes(self.data), bytearray()
            return out

    host = UartHost.__new__(UartHost)
    host.sink = Sink(b"")
    host.reset_input_buffer()
    host.sink = Sink(b"\xa5\x01")
    with pytest.raises(AssertionError, match="2 byte.*sent by the SoC unasked.*a501"):
        host.reset_input_buffer()

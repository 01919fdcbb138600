# SPDX-License-Identifier: Apache-2.0
"""The host library must not trust the wire (neurohdl.sw.uart_protocol, neurohdl.sw.snn_soc).

Regression tests, one per hole (each fails on the code before the fix), then a seeded fuzz of
the UART protocol and the SoC driver against a hostile far end: answers that are random,
truncated, split into pieces, duplicated, prefixed or followed by garbage, NACKs with trailing
bytes, wrong length echoes, ``None`` and non-bytes from the pipe, word lists of the wrong
length or type.  The fuzz asserts that every failure is a typed neurohdl error, that nothing
hangs (bounded iterations and wall time), that a read the transport returns is the truth
whenever the pipe can discard stale bytes, and that the model SoC's state is unchanged (only
side-effect-free reads are issued).  ``NEUROHDL_SEED=<n> pytest tests/test_host_fuzz.py``
replays a run.
"""
from __future__ import annotations

import importlib.util
import random
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from neurohdl.errors import BusError, HostError, NeurohdlError, ParamError
from neurohdl.models.bus.uart_bridge import (SYNC_RESP, Status, UartBridgeParams, crc8,
                                             encode_response)
from neurohdl.models.net import snn_soc as socm
from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.sw import uart_protocol as up
from neurohdl.sw.snn_soc import ModelTransport, SnnSoc, SocMismatch



def _sibling(name: str):
    """A helper test module next to this one (pytest runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location(f"_{name}", Path(__file__).with_name(f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_drv = _sibling("test_snn_soc_driver")       # the model snapshot and the bridge pipe
BridgePipe, SocBus, snapshot = _drv.BridgePipe, _drv.SocBus, _drv.snapshot

P = SnnSocParams(n_neurons=4, n_axons=3, in_depth=4, out_depth=8, sc_channels=2, sc_width=6,
                 engine={"cell": {"threshold": 64}})
BP = UartBridgeParams(addr_width=socm.csr_addr_width() - 2, max_burst=4)
RM = socm.regmap()
ADDR = {r.rdl_name: r.offset // 4 for r in RM.regs}
# registers a read leaves alone (no swacc strobe: SPIKE_OUT and WREAD pop)
QUIET = sorted(r.offset // 4 for r in RM.regs if not any(f.swacc for f in r.fields))


def resp(status, info=0, words=()):
    return encode_response(BP, status, info, words)


class Wire(BridgePipe):
    """A byte pipe whose far end is the bus.uart_bridge model on a SocModel; each response goes
    through ``mangle(bytes) -> list of chunks`` (bytes, or None: one read returns None) and
    ``read(n)`` hands out at most one chunk (at most n bytes of it).  ``reset`` gives the pipe
    pyserial's ``reset_input_buffer()``."""

    def __init__(self, model, mangle=lambda r: [r], reset=False):
        super().__init__(BP, SocBus(model))
        self.mangle, self.queue, self.sent = mangle, [], b""
        if reset:
            self.reset_input_buffer = self.queue.clear

    def write(self, data):
        self.sent += bytes(data)
        super().write(data)
        r, self.out = self.out, b""
        if r:
            self.queue += self.mangle(r)

    def read(self, n):
        if not self.queue:
            return b""
        c = self.queue.pop(0)
        if c is not None and len(c) > n:
            c, rest = c[:n], c[n:]
            self.queue.insert(0, rest)
        return c


def uart(mangle=lambda r: [r], reset=False, model=None):
    m = model or SocModel(P)
    w = Wire(m, mangle, reset)
    return m, w, up.UartTransport(BP, w)


def truth(m, addr, n=1, fixed=False):
    return ModelTransport(m).read(addr, n, fixed)


# ------------------------------------------------------------------ regressions: protocol ------
def test_ack_with_a_wrong_length_echo_is_refused():
    def echo_3(r):                       # an ACK of a 3-word read, re-CRC'd: looks valid
        body = r[1:2] + bytes([2]) + r[3:-1]
        return [bytes([SYNC_RESP]) + body + bytes([crc8(body)])]
    m, w, t = uart(echo_3)
    with pytest.raises(up.ProtocolError, match="echoes LEN = 2: expected 0"):
        t.read(ADDR["ID"], 1)
    with pytest.raises(up.ProtocolError, match="echoes LEN"):
        t.write(ADDR["TIMESTEPS"], [5])


def test_nack_with_trailing_bytes_then_the_next_read_works():
    answers = iter([lambda r: [resp(Status.BAD_CRC) + b"\x5a\x00\x00\x00garbage"],
                    lambda r: [r]])
    m, w, t = uart(lambda r: next(answers)(r))
    with pytest.raises(up.NackError, match="BAD_CRC"):
        t.read(ADDR["ID"], 1)
    assert t.read(ADDR["ID"], 1) == truth(m, ADDR["ID"])          # resynchronised


def test_answer_in_one_byte_pieces_is_read_whole():
    m, w, t = uart(lambda r: [bytes([x]) for x in r])
    assert t.read(ADDR["ID"], 4) == truth(m, ADDR["ID"], 4)
    t.write(ADDR["TIMESTEPS"], [7])


@pytest.mark.parametrize("bad", [None, 5, "text", [1, 2]])
def test_pipe_returning_none_or_not_bytes_is_a_link_error(bad):
    class Odd(Wire):
        def read(self, n):
            return bad
    m = SocModel(P)
    t = up.UartTransport(BP, Odd(m))
    with pytest.raises(up.LinkError):
        t.read(ADDR["ID"], 1)


@pytest.mark.parametrize("call, match", [
    (lambda t: t.read(0, 1.5), "burst length = 1.5"),
    (lambda t: t.read("a"), "address = 'a'"),
    (lambda t: t.read(True), "address = True"),
    (lambda t: t.write(0, ["x"]), "word 0 = 'x'"),
    (lambda t: t.write(0, [1.7]), "word 0 = 1.7"),
    (lambda t: t.write(0, [3, -1]), "word 1 = -0x1"),
    (lambda t: t.write(0, 5), "allowed a sequence"),
])
def test_bad_arguments_are_param_errors_and_send_nothing(call, match):
    m, w, t = uart()
    with pytest.raises(ParamError, match=match):
        call(t)
    assert w.sent == b""


def test_devmem_and_model_transports_refuse_non_integral_words(tmp_path):
    from neurohdl.sw.devmem import DevMemTransport
    m = SocModel(P)
    with pytest.raises(ParamError, match="word 0 = 1.7"):
        ModelTransport(m).write(ADDR["TIMESTEPS"], [1.7])
    f = tmp_path / "mem.bin"
    f.write_bytes(bytes(4096))
    with DevMemTransport(0, 64, path=str(f)) as bus:
        with pytest.raises(ParamError, match="word 0 = 1.7"):
            bus.write(0, [1.7])
        assert bus.read(0) == [0]


# ------------------------------------------------------------------ regressions: driver --------
class Answers(ModelTransport):
    """ModelTransport whose read answers go through ``mangle(addr, n, fixed, words)``."""

    def __init__(self, model, mangle):
        super().__init__(model)
        self.mangle = mangle

    def read(self, addr, n=1, fixed=False):
        return self.mangle(addr, n, fixed, super().read(addr, n, fixed))


def test_short_answers_are_refused():
    m = SocModel(P)
    short = Answers(m, lambda a, n, f, w: w[:-1] if n > 1 else w)
    soc = SnnSoc(short)
    with pytest.raises(SocMismatch, match="answered 2 words for a read of 3"):
        soc.info()
    soc = SnnSoc(Answers(m, lambda a, n, f, w: w[:-1] if n == 4 else w))
    with pytest.raises(SocMismatch, match="answered 3 words for a read of 4"):
        soc.counters()                   # TSTEP..EVENTS_DROPPED: once 4 of the 5 counters
    with pytest.raises(SocMismatch, match="answered a NoneType"):
        SnnSoc(Answers(m, lambda a, n, f, w: None)).telemetry()
    with pytest.raises(SocMismatch, match="answer word 0 = 2.5"):
        SnnSoc(Answers(m, lambda a, n, f, w: [2.5] * n)).read_reg("STATUS")


def test_all_ones_spike_word_of_a_missing_neuron_is_refused():
    m = SocModel(P)
    soc = SnnSoc(Answers(m, lambda a, n, f, w: [0xFFFFFFFF] * n
                         if a == ADDR["SPIKE_OUT"] else w))
    soc.load_weights(np.full((3, 4), 100))
    soc.inject([0])
    soc.step()
    with pytest.raises(SocMismatch, match="neuron 65535, but the SoC has 4 neurons"):
        soc.read_spikes()


def test_uart_bus_error_is_the_one_bus_error():
    m, w, t = uart()
    with pytest.raises(BusError) as e:
        t.write(ADDR["INFO_SIZE"], [1])   # read-only register: Wishbone ERR
    assert isinstance(e.value, up.NackError) and e.value.index == 0
    assert isinstance(e.value, HostError)


# ------------------------------------------------------------------ the fuzz --------------------
def mangler(rng: random.Random):
    """A random hostile rewrite of one response (list of chunks)."""
    def split(r):
        cuts = sorted(rng.sample(range(1, len(r)), min(len(r) - 1, rng.randint(1, 4))))
        return [r[i:j] for i, j in zip([0] + cuts, cuts + [len(r)])]

    def echo(r):
        body = r[1:2] + bytes([rng.randrange(256)]) + r[3:-1]
        return [bytes([SYNC_RESP]) + body + bytes([crc8(body)])]

    def flip(r):
        i = rng.randrange(len(r))
        return [r[:i] + bytes([r[i] ^ (1 << rng.randrange(8))]) + r[i + 1:]]

    modes = {
        "intact": lambda r: [r],
        "split": split,
        "truncated": lambda r: [r[:rng.randrange(len(r))]],
        "random": lambda r: [rng.randbytes(rng.randint(1, 2 * len(r)))],
        "flip": flip,
        "duplicated": lambda r: [r, r],
        "garbage before": lambda r: [rng.randbytes(rng.randint(1, 5)) + r],
        "garbage after": lambda r: [r + rng.randbytes(rng.randint(1, 5))],
        "nack + trailing": lambda r: [resp(rng.choice(list(Status)[1:]), rng.randrange(4))
                                      + rng.randbytes(rng.randint(0, 6))],
        "length echo": echo,
        "none": lambda r: [None] + ([r] if rng.random() < 0.5 else []),
        "nothing": lambda r: [],
    }
    names = sorted(modes)

    def mangle(r):
        return modes[rng.choice(names)](r)
    return mangle


ITERATIONS, WALL_S = 1000, 30.0


def test_fuzz_uart_protocol_against_a_hostile_wire(seed):
    rng = random.Random(seed)
    t0 = time.monotonic()
    for reset in (True, False):
        m = SocModel(P)
        before = snapshot(m)
        _, w, t = uart(mangler(rng), reset=reset, model=m)
        ok, kinds = 0, set()
        for _ in range(ITERATIONS):
            a = rng.choice(QUIET)
            fixed = rng.random() < 0.3
            n = rng.randint(1, 6)
            while not fixed and any(a + i not in QUIET for i in range(n)):
                n -= 1
            t1 = time.monotonic()
            try:
                got = t.read(a, n, fixed)
            except NeurohdlError as e:
                kinds.add(type(e).__name__)
            else:
                ok += 1
                if reset:                 # stale bytes are discarded: a read is the truth
                    assert got == truth(m, a, n, fixed), (a, n, fixed)
            assert time.monotonic() - t1 < 1.0, "one read took over 1 s"
        assert ok > ITERATIONS // 10, ok  # both outcomes, every kind of link error
        assert {"ProtocolError", "ChecksumError", "LinkTimeout", "NackError"} <= kinds, kinds
        assert snapshot(m) == before
    assert time.monotonic() - t0 < WALL_S


def hostile_words(rng: random.Random):
    """A random hostile rewrite of one word-burst answer."""
    modes = [
        lambda w: w,
        lambda w: w[:rng.randrange(len(w))],
        lambda w: w + [rng.getrandbits(32)],
        lambda w: None,
        lambda w: tuple(w),
        lambda w: np.array(w, dtype=np.uint32),
        lambda w: [rng.getrandbits(32) for _ in w],
        lambda w: [0xFFFFFFFF] * len(w),
        lambda w: [rng.choice([-1, 1 << 32, 2.5, "7", None, True]) for _ in w],
        lambda w: w[0] if w else 0,
    ]
    return lambda a, n, f, w: rng.choice(modes)(list(w))


DRIVER_OPS = [
    lambda s: s.info(refresh=True), lambda s: s.counters(), lambda s: s.telemetry(),
    lambda s: s.sc_values(), lambda s: s.irq_status(), lambda s: s.read_reg("STATUS"),
    lambda s: s.read_spikes(), lambda s: s.wait_idle(max_polls=3),
    lambda s: s.read_regs(["ID", "INFO_SIZE", "INFO_FIFO"]),
]


def drive_ops(soc, rng: random.Random, n: int) -> set[str]:
    """``n`` random read-only driver calls; typed errors are collected, anything else raised.
    Every call must end within a second."""
    kinds = set()
    for _ in range(n):
        op = rng.choice(DRIVER_OPS)
        t1 = time.monotonic()
        try:
            op(soc)
        except NeurohdlError as e:
            kinds.add(type(e).__name__)
        assert time.monotonic() - t1 < 1.0
    return kinds


@pytest.mark.parametrize("stack", ["words", "uart"])
def test_fuzz_driver_against_a_hostile_transport(stack, seed):
    """SnnSoc over a transport whose answers are hostile word lists, and over the UART protocol
    on a hostile wire: typed errors only, no hang, the model SoC unchanged."""
    rng = random.Random(seed)
    m = SocModel(P)
    before = snapshot(m)
    if stack == "words":
        soc = SnnSoc(Answers(m, hostile_words(rng)), timeout=0.5)
    else:
        soc = SnnSoc(up.UartTransport(BP, Wire(m, mangler(rng), reset=rng.random() < 0.5)),
                     timeout=0.5)
    t0 = time.monotonic()
    kinds = drive_ops(soc, rng, ITERATIONS // 2)
    assert snapshot(m) == before
    assert time.monotonic() - t0 < WALL_S
    assert kinds, "the hostile transport never caused an error"


def test_fuzz_catches_a_driver_that_trusts_the_wire(seed, monkeypatch):
    """Must-fail: with the answer checks removed (the driver before the fix), the same fuzz
    ends in an untyped error."""
    from neurohdl.sw.snn_soc import AsyncSnnSoc

    async def trusting(self, addr, n, fixed=False, what="read"):
        return [int(w) for w in await self.transport.read(addr, n, fixed)]
    monkeypatch.setattr(AsyncSnnSoc, "read_words", trusting)
    rng = random.Random(seed)
    soc = SnnSoc(Answers(SocModel(P), hostile_words(rng)), timeout=0.5)
    with pytest.raises(Exception) as e:
        drive_ops(soc, rng, ITERATIONS // 2)
    assert not isinstance(e.value, NeurohdlError), e.value


def test_register_driver_checks_values_and_answers():
    """neurohdl.sw.regmap_driver.Driver: a value that is not an integer is refused (not
    rounded), a transport answer that is not a 32-bit word is a HostError."""
    from neurohdl.sw.regmap_driver import Driver, MemoryTransport
    mem = MemoryTransport()
    drv = Driver(RM.to_dict(), mem)
    with pytest.raises(ParamError, match="SCRATCH value = 1.7: allowed an integer"):
        drv.write("SCRATCH", 1.7)
    assert mem.log == []
    drv.write("SCRATCH", np.int64(-1))                 # integers are taken mod 2^32
    assert drv.read("SCRATCH") == 0xFFFFFFFF
    for bad in (None, 2.5, -1, 1 << 32, "7"):
        mem.read32 = lambda addr, bad=bad: bad
        with pytest.raises(HostError, match="read SCRATCH: the transport answered"):
            drv.read("SCRATCH")


def test_opening_a_device_that_is_not_there_is_a_host_error(tmp_path, monkeypatch):
    """A missing /dev/mem (or no permission) and a serial port that does not open: one line,
    typed, not an OSError traceback."""
    from neurohdl.sw.devmem import DevMemTransport
    with pytest.raises(HostError, match="No such file or directory"):
        DevMemTransport(0, 0x100, path=str(tmp_path / "nothing"))
    (tmp_path / "small").write_bytes(bytes(16))
    with pytest.raises(HostError, match="window must lie inside"):
        DevMemTransport(0x10000, 0x100, path=str(tmp_path / "small"))
    monkeypatch.syspath_prepend(str(Path(__file__).with_name("_fake_pyserial")))
    monkeypatch.delitem(sys.modules, "serial", raising=False)
    with pytest.raises(up.LinkError, match="serial port '/dev/ttyUSB9': .*the board speaks"):
        up.SerialPipe("/dev/ttyUSB9", baud=9600)

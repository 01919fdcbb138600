# SPDX-License-Identifier: Apache-2.0
"""SNN SoC: the bit-true specification of ``net.snn_soc`` at its register interface.

One register map (``cores/net/snn_soc.rdl``) is the whole host view; this model answers every
register access exactly as the SoC does once it is idle (``STATUS.busy`` low), so a host program
run against :class:`SocModel` and against the hardware reads the same words.  Blocks:

* spike-input FIFO (``in_depth`` axon numbers): a write of ``SPIKE_IN`` pushes its ``axon``
  field; an axon >= ``n_axons`` is dropped (``STATUS.axon_err`` sticky) and a push into a full
  FIFO is dropped; both count in ``IN_DROPPED`` and set ``IRQ_STATUS.drop``.
* weight memory, ``n_axons`` x ``n_neurons`` signed ``w_width``-bit words, weight of axon a to
  neuron n at index ``a * n_neurons + n``, reached through a pointer: ``WADDR`` sets it, a
  ``WDATA`` write stores its 16-bit value at the pointer and advances it, a ``WREAD`` read
  returns the word at the pointer sign-extended to 16 bits and advances it (pointer wraps at
  2^20; indices past the memory read 0).  A ``WDATA`` write is refused -- nothing stored, the
  pointer stays, ``STATUS.werr`` sticky -- when the pointer is past the memory or the value
  (16-bit two's complement) is outside -2^(w_width-1) .. 2^(w_width-1) - 1: no truncation.
* SC encoder bank: ``sc_channels`` lanes of ``sc.sng_bank`` (``sc_width`` bits, ``sc_source``);
  lane c compares its value ``SC_VAL[c]`` (low ``sc_width`` bits) with its next random number
  once per timestep; a 1 fires axon c in that timestep.
* neuron engine ``neuron.engine`` (``engine``: its EngineParams, nested; n = n_neurons).
* spike-output FIFO (``out_depth`` words): every spike of the engine counts in ``EVENTS_IN``;
  it is written into the FIFO (``EVENTS_OUT``) or, the FIFO being full, dropped
  (``EVENTS_DROPPED``, ``IRQ_STATUS.drop``), so EVENTS_IN = EVENTS_OUT + EVENTS_DROPPED (each
  wraps at 2^32).  A ``SPIKE_OUT`` read pops: {valid = 1, tstep[14:0], neuron}; empty reads 0.

One timestep (``CTRL.step``, or each of the ``TIMESTEPS.count`` timesteps of ``CTRL.run``):

1. the input axons, in this order: the SC lanes that fired, ascending; then every axon that was
   in the spike-input FIFO when the timestep began, in FIFO order;
2. each input axon a sends the synaptic events (n, W[a][n]) for n = 0..N-1 with W[a][n] != 0,
   ascending n, into the engine (saturating accumulation, order as listed);
3. the engine updates all N neurons (``neuron.engine``'s model ``step``); its spikes (ascending
   neuron) go to the spike-output FIFO tagged with TSTEP's low 15 bits; ``STATUS.acc_sat`` /
   ``STATUS.sat`` follow the engine's sticky flags;
4. TSTEP += 1.  After the last timestep of a run or step ``IRQ_STATUS.done`` is set.

``CTRL`` bits written together act as: clr_cnt; reset_net; then run (wins over step) unless
reset_net was written in the same word (the SoC is then initialising, hence busy).  run, step
and reset_net are ignored while busy (only observable on the hardware: the model is never
busy); stop ends a hardware run after the timestep in progress (a no-op when idle).  reset_net
re-initialises the engine state, empties both FIFOs, sets TSTEP = 0, restarts the SC lanes and
clears acc_sat, sat, werr, axon_err; weights, counters and register storage are kept.
``irq`` = OR of IRQ_STATUS & IRQ_ENABLE.  Every other register behaves as ``bus.csr`` specifies
(unmapped addresses and writes to read-only registers answer an error and change nothing).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.models.bus.csr import OKAY, CsrModel
from neurohdl.models.bus.uart_bridge import UartBridgeParams
from neurohdl.models.neuron import engine as eng
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.models.sc import sng_bank
from neurohdl.models.sc.sng_bank import SngBankParams
from neurohdl.params import Params, pfield, pfield_params
from neurohdl.regmap import RegMap, load

RDL = "cores/net/snn_soc.rdl"
MAX_NEURONS = 4096
MAX_AXONS = 1024
WEIGHT_WORDS_MAX = 1 << 20          # WADDR.addr is 20 bits
TSTEP_BITS = 15                     # SPIKE_OUT.tstep
NEURON_CODE = {n: i for i, n in enumerate(eng.NEURONS)}
CNT_MASK = 0xFFFFFFFF


def _pow2(v: int) -> bool:
    return v >= 1 and v & (v - 1) == 0


@dataclass(frozen=True)
class SnnSocParams(Params):
    """SNN SoC: UART (or Wishbone) host port, CSR block, spike FIFOs, weight memory, SC encoder
    bank, a neuron engine and timestep control."""

    n_neurons: int = pfield(16, "neurons N of the engine", lo=1, hi=MAX_NEURONS, rand=(1, 10))
    n_axons: int = pfield(8, "input axons (rows of the weight memory)", lo=1, hi=MAX_AXONS,
                          rand=(1, 6))
    engine: EngineParams = pfield_params(EngineParams, "the neuron engine (neuron.engine's "
                                         "Params; its n is n_neurons, w_width <= 16)",
                                         bind={"n": "n_neurons"})
    in_depth: int = pfield(64, "spike-input FIFO depth (power of two)", lo=2, hi=4096,
                           rand=(2, 16))
    out_depth: int = pfield(256, "spike-output FIFO depth (power of two)", lo=2, hi=4096,
                            rand=(2, 32))
    sc_channels: int = pfield(4, "SC encoder lanes (they fire axons 0..sc_channels-1); 0 = none",
                              lo=0, hi=lambda p: min(sng_bank.MAX_LANES, p.n_axons), rand=(0, 4))
    sc_width: int = pfield(8, "SC value / random number width, bits", lo=4, hi=16, rand=(4, 8))
    sc_source: str = pfield("lfsr", "random source of the SC lanes (sc.sng_bank)",
                            choices=("lfsr", "sobol"))
    host: str = pfield("uart", "host port: 'uart' (bus.uart_bridge on uart_rx/uart_tx) or "
                       "'wishbone' (the CSR block's Wishbone B4 slave on the top level)",
                       choices=("uart", "wishbone"))
    clk_hz: int = pfield(12_000_000, "clock frequency, Hz (the UART divisor derives from it)",
                         lo=1_000_000, hi=500_000_000)
    baud: int = pfield(115200, "UART baud rate", lo=1200, hi=12_000_000)

    def check(self):
        for f in ("in_depth", "out_depth"):
            if not _pow2(getattr(self, f)):
                raise self.error(f, getattr(self, f), "a power of two 2..4096")
        if self.engine.w_width > 16:
            raise self.error("engine.w_width", self.engine.w_width, "2..16 (WDATA/WREAD are "
                             "16 bits)")
        if self.n_axons * self.n_neurons > WEIGHT_WORDS_MAX:
            raise self.error("n_axons", self.n_axons, f"n_axons * n_neurons <= 2^20 "
                             f"(n_neurons = {self.n_neurons})")
        if self.sc_channels:
            try:
                SngBankParams(lanes=self.sc_channels, width=self.sc_width,
                              source=self.sc_source)
            except ParamError as e:
                raise self.error("sc_channels", self.sc_channels, f"a bank sc.sng_bank "
                                 f"accepts ({e})") from None
        if self.host == "uart":
            div = round(self.clk_hz / self.baud)
            if div < 8:
                raise self.error("baud", self.baud, f"<= clk_hz / 8 = {self.clk_hz // 8}")
            try:                                # what the SoC's bus.uart_bridge will need
                UartBridgeParams(clk_hz=self.clk_hz, baud=self.baud)
            except ParamError as e:
                raise self.error("clk_hz", self.clk_hz, f"a clock with baud = {self.baud} "
                                 f"that the UART bridge accepts ({e})") from None

    def derive(self):
        self.set_derived("weight_words", self.n_axons * self.n_neurons)
        self.set_derived("neuron", self.engine.neuron)

    @property
    def sngp(self) -> SngBankParams | None:
        if not self.sc_channels:
            return None
        return SngBankParams(lanes=self.sc_channels, width=self.sc_width, source=self.sc_source)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name in ("in_depth", "out_depth"):
            return rng.choice([2, 4, 8, 16] + ([32] if f.name == "out_depth" else []))
        if f.name == "engine":               # engines whose neurons fire in short runs
            return rng.choice([
                {}, {"cell": {"threshold": 64}}, {"cell": {"threshold": 40, "leak_shift": 2}},
                {"neuron": "if", "cell": {"threshold": 48}},
                {"w_width": 6, "cell": {"reset": "subtract", "threshold": 50}},
                {"in_width": 10, "w_width": 8, "cell": {"threshold": 30}}])
        if f.name == "host":
            return "uart"
        if f.name == "clk_hz":
            return f.default
        if f.name == "baud":                 # divisor 8: simulations stay short
            return partial.clk_hz // 8
        return super()._random_field(f, rng, partial)


@lru_cache(maxsize=4)
def regmap() -> RegMap:
    return load(RDL)


def csr_addr_width() -> int:
    return regmap().min_addr_width()


def fits(v16: int, w_width: int) -> bool:
    """A WDATA value (16-bit two's complement) is a w_width-bit signed weight."""
    s = v16 - (1 << 16) if v16 & 0x8000 else v16
    return -(1 << (w_width - 1)) <= s < (1 << (w_width - 1))


class SocModel:
    """The SoC behind its register map: ``read32(addr)`` / ``write32(addr, value, strb)`` with
    byte addresses, answering ``(resp, data)`` / ``resp`` (bus.csr's OKAY / SLVERR / DECERR)."""

    def __init__(self, p: SnnSocParams):
        self.p = p
        self.ep = p.engine
        self.csr = CsrModel(regmap(), csr_addr_width())
        self.weights = np.zeros(p.n_axons * p.n_neurons, dtype=np.int64)
        self.in_dropped = self.ev_in = self.ev_out = self.ev_drop = 0
        self.ptr = 0
        self._reset_net()
        self._sc_numbers = np.zeros((0, max(1, p.sc_channels)), dtype=np.uint64)
        self.spike_log: list[tuple[int, int]] = []     # (tstep, neuron) of every spike emitted

    # ---------------------------------------------------------------- state ----------------
    def _reset_net(self):
        self.state = eng.init(self.ep)
        self.in_fifo: deque[int] = deque()
        self.out_fifo: deque[int] = deque()
        self.tstep = 0
        self.sc_index = 0
        self.acc_sat = self.sat = self.werr = self.axon_err = False

    def _irq_set(self, what: str):
        self.csr.hw_set(f"hw_irq_status_{what}_set")

    def _sc_bits(self) -> list[int]:
        p = self.p
        if not p.sc_channels:
            return []
        if self.sc_index >= len(self._sc_numbers):
            n = max(64, 2 * len(self._sc_numbers))
            self._sc_numbers = sng_bank.numbers(p.sngp, n)
        r = self._sc_numbers[self.sc_index]
        self.sc_index += 1
        mask = (1 << p.sc_width) - 1
        return [int(int(r[c]) < (self.csr.state[(f"SC_VAL_{c}", "value")] & mask))
                for c in range(p.sc_channels)]

    def status(self) -> dict[str, int]:
        """The hw_* status inputs of the CSR block as the idle SoC drives them."""
        p, ep = self.p, self.ep
        head = self.out_fifo[0] if self.out_fifo else 0
        w = self.weights[self.ptr] if self.ptr < len(self.weights) else 0
        return {
            "hw_status_busy": 0, "hw_status_init": 0,
            "hw_status_in_full": int(len(self.in_fifo) == p.in_depth),
            "hw_status_in_empty": int(not self.in_fifo),
            "hw_status_out_full": int(len(self.out_fifo) == p.out_depth),
            "hw_status_out_empty": int(not self.out_fifo),
            "hw_status_acc_sat": int(self.acc_sat), "hw_status_sat": int(self.sat),
            "hw_status_werr": int(self.werr), "hw_status_axon_err": int(self.axon_err),
            "hw_tstep_count": self.tstep & CNT_MASK,
            "hw_events_in_count": self.ev_in, "hw_events_out_count": self.ev_out,
            "hw_events_dropped_count": self.ev_drop,
            "hw_info_size_n_neurons": p.n_neurons, "hw_info_size_n_axons": p.n_axons,
            "hw_info_fifo_in_depth": p.in_depth, "hw_info_fifo_out_depth": p.out_depth,
            "hw_info_fmt_sc_channels": p.sc_channels, "hw_info_fmt_sc_width": p.sc_width,
            "hw_info_fmt_w_width": ep.w_width, "hw_info_fmt_neuron": NEURON_CODE[ep.neuron],
            "hw_levels_in_level": len(self.in_fifo), "hw_levels_out_level": len(self.out_fifo),
            "hw_in_dropped_count": self.in_dropped,
            "hw_spike_out_neuron": head & 0xFFFF, "hw_spike_out_tstep": (head >> 16) & 0x7FFF,
            "hw_spike_out_valid": int(bool(self.out_fifo)),
            "hw_wread_value": int(w) & 0xFFFF, "hw_wptr_addr": self.ptr,
        }

    @property
    def irq(self) -> int:
        st = self.csr.state
        return int(any(st[("IRQ_STATUS", f)] and st[("IRQ_ENABLE", f)] for f in ("done", "drop")))

    # ---------------------------------------------------------------- bus ------------------
    def read32(self, addr: int) -> tuple[int, int]:
        self.csr.hw_in.update(self.status())
        resp, data = self.csr.read(addr)
        if resp == OKAY:
            r = self.csr.decode(addr)
            if r.name == "SPIKE_OUT" and self.out_fifo:
                self.out_fifo.popleft()
            elif r.name == "WREAD":
                self.ptr = (self.ptr + 1) % WEIGHT_WORDS_MAX
        return resp, data

    def write32(self, addr: int, value: int, strb: int = 0xF) -> int:
        self.csr.pulses.clear()
        resp = self.csr.write(addr, value & CNT_MASK, strb)
        pulses = dict(self.csr.pulses)
        self.csr.pulses.clear()
        st = self.csr.state
        if pulses.get("csr_ctrl_clr_cnt"):
            self.ev_in = self.ev_out = self.ev_drop = self.in_dropped = 0
        if pulses.get("csr_ctrl_reset_net"):
            self._reset_net()
        elif pulses.get("csr_ctrl_run"):
            self.run(st[("TIMESTEPS", "count")])
        elif pulses.get("csr_ctrl_step"):
            self.run(1)
        if pulses.get("csr_spike_in_axon_pulse"):
            self.push(st[("SPIKE_IN", "axon")])
        if pulses.get("csr_waddr_addr_pulse"):
            self.ptr = st[("WADDR", "addr")]
        if pulses.get("csr_wdata_value_pulse"):
            v = st[("WDATA", "value")]
            if self.ptr >= len(self.weights) or not fits(v, self.ep.w_width):
                self.werr = True
            else:
                self.weights[self.ptr] = v - (1 << 16) if v & 0x8000 else v
                self.ptr = (self.ptr + 1) % WEIGHT_WORDS_MAX
        return resp

    # ---------------------------------------------------------------- behaviour ------------
    def push(self, axon: int):
        if axon >= self.p.n_axons:
            self.axon_err = True
            self.in_dropped = (self.in_dropped + 1) & CNT_MASK
            self._irq_set("drop")
        elif len(self.in_fifo) == self.p.in_depth:
            self.in_dropped = (self.in_dropped + 1) & CNT_MASK
            self._irq_set("drop")
        else:
            self.in_fifo.append(axon)

    def synaptic_events(self, axons) -> list[tuple[int, int]]:
        n = self.p.n_neurons
        out = []
        for a in axons:
            row = self.weights[a * n:(a + 1) * n]
            out += [(j, int(w)) for j, w in enumerate(row) if w != 0]
        return out

    def timestep(self) -> list[int]:
        """One timestep; returns the spiking neurons (ascending)."""
        bits = self._sc_bits()
        axons = [c for c, b in enumerate(bits) if b] + list(self.in_fifo)
        self.in_fifo.clear()
        self.state, addrs, flags = eng.step(self.ep, self.state, self.synaptic_events(axons))
        self.acc_sat |= flags["acc_sat"]
        self.sat |= flags["sat"]
        tag = self.tstep & ((1 << TSTEP_BITS) - 1)
        for a in addrs:
            self.spike_log.append((self.tstep, int(a)))
            self.ev_in = (self.ev_in + 1) & CNT_MASK
            if len(self.out_fifo) < self.p.out_depth:
                self.out_fifo.append((1 << 31) | (tag << 16) | int(a))
                self.ev_out = (self.ev_out + 1) & CNT_MASK
            else:
                self.ev_drop = (self.ev_drop + 1) & CNT_MASK
                self._irq_set("drop")
        self.tstep = (self.tstep + 1) & CNT_MASK
        return [int(a) for a in addrs]

    def run(self, count: int):
        for _ in range(count):
            self.timestep()
        self._irq_set("done")


def spike_word(tstep: int, neuron: int) -> int:
    return (1 << 31) | ((tstep & 0x7FFF) << 16) | neuron


__all__ = ["SnnSocParams", "SocModel", "RDL", "regmap", "fits", "spike_word"]

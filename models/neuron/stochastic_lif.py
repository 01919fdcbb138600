# SPDX-License-Identifier: Apache-2.0
"""Stochastic LIF neuron (LFSR noise on the membrane or on the threshold): the bit-true
specification of ``neuron.stochastic_lif`` (the seed's ``neurons.stochastic_lif``,
dv/dt = -(v - v_rest)/tau_mem + R I + noise).

Per accepted input beat (one timestep t) with the input I (signed, ``width`` bits), the membrane
v and refractory count ref (registers), and s_t the current state of an internal maximal Galois
LFSR (``sc.lfsr``: ``lfsr_width`` bits, ``lfsr_taps``, reset state ``lfsr_seed``), which
advances exactly once per timestep (refractory steps included):

    n      = (s_t & (2^b - 1)) - 2^(b-1)          b = noise_bits; n = 0 when b = 0
    if ref > 0:                                   refractory: input ignored, v held
        ref' = ref - 1;  v' = v_reset;  spike = 0
    else:
        leak   = (v - v_rest) >> leak_shift       arithmetic shift (floor)
        v_pre  = v - leak + I + (n if noise_on == "membrane" else 0)        exact (wide)
        v_sat  = clip(v_pre, -2^(width-1), 2^(width-1) - 1)       sat = (v_sat != v_pre)
        theta  = v_threshold + (n if noise_on == "threshold" else 0)       exact (width+1)
        spike  = v_sat >= theta
        v'     = v_reset if spike else v_sat;   ref' = refractory if spike else 0
    s_{t+1} = (s_t >> 1) ^ (taps if s_t & 1 else 0)

After reset: v = v_rest, ref = 0, s = lfsr_seed.  The noise n is uniform on
-2^(b-1) .. 2^(b-1) - 1 except that the all-zero LFSR state never occurs: over one LFSR period
the low-bits value 0 appears 2^(w-b) - 1 times and every other value 2^(w-b) times, so the mean
is (2^(b-1) - 2^(w-1))/(2^w - 1) (about -1/2) and the variance (2^(2b) - 1)/12 to within
O(2^(2b-w)).
Consecutive samples are not independent: a right-shift Galois LFSR moves bit i+1 to bit i, so
when the taps leave the low b+1 bits alone (0xB400 and b <= 9) n_{t+1} = n_t / 2 + a new top
bit and the lag-1 correlation is about 1/2 -- the noise is coloured (low-pass), which matters for
spike statistics, not for the marginal distribution.

Continuous-time meaning.  With dt/tau = 2^-leak_shift, R dt I_cont = I and the per-step noise
dt xi = n (in LSB of Q(width-frac_bits).frac_bits), the update is the Euler(-Maruyama) step of

    dv/dt = -(v - v_rest)/tau + R I + xi(t)

(docs/references.md §5.5, SC-NeuroCore's neurons.stochastic_lif).  The floor makes the integer membrane
lead the real-valued recurrence (same inputs, same noise samples, no spike/saturation) by
0 <= e_t < 2^leak_shift LSB: e_{t+1} = (1 - 2^-k) e_t + phi, phi in [0, 1).  Spike statistics
(rate vs drive and noise amplitude) therefore follow the real-valued model with the threshold
lowered by less than 2^leak_shift LSB; verif/neuron/test_stochastic_lif.py checks this.

Output beat (m_out tdata): bit 0 = spike, bits [width:1] = v', bits [width+lfsr_width:width+1]
= s_{t+1}, the LFSR state after the step (the next step's noise source).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl import ParamError
from neurohdl.fixed import QFormat, bits_for
from neurohdl.models.sc import lfsr
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, LfsrParams
from neurohdl.params import Params, pfield

from ._common import membrane_max as _hi, membrane_min as _lo

MIN_WIDTH, MAX_WIDTH = 4, 32
NOISE_ON = ("membrane", "threshold")


@dataclass(frozen=True)
class StochasticLifParams(Params):
    """v <- v - ((v - v_rest) >> leak_shift) + I (+ n); spike at v >= v_threshold (+ n);
    n = (lfsr & (2^b - 1)) - 2^(b-1) from an internal LFSR advancing once per timestep."""

    width: int = pfield(16, "membrane and input width (signed)", lo=MIN_WIDTH, hi=MAX_WIDTH,
                        rand=(6, 16))
    frac_bits: int = pfield(8, "fraction bits of the Q(width-frac_bits).frac_bits format "
                            "(interpretation only)", lo=0, hi=lambda p: p.width - 1)
    v_rest: int = pfield(0, "resting potential, raw", lo=_lo, hi=_hi,
                         rand=(lambda p: -(1 << p.frac_bits) // 2,
                               lambda p: (1 << p.frac_bits) // 4))
    v_reset: int = pfield(0, "membrane value after a spike and while refractory, raw", lo=_lo,
                          hi=_hi, rand=(lambda p: -(1 << p.frac_bits),
                                        lambda p: (1 << p.frac_bits) // 4))
    v_threshold: int = pfield(256, "firing threshold (spike when v >= v_threshold [+ n]), raw; "
                              "default 1.0 in Q8.8", lo=_lo, hi=_hi,
                              rand=(lambda p: (1 << p.frac_bits) // 8,
                                    lambda p: min(_hi(p), 2 << p.frac_bits)))
    leak_shift: int = pfield(4, "leak: v -= (v - v_rest) >> leak_shift; dt/tau = "
                             "2^-leak_shift (0: v returns to v_rest each step)", lo=0,
                             hi=lambda p: p.width, rand=(0, 6))
    refractory: int = pfield(2, "refractory period in timesteps after a spike", lo=0, hi=1023,
                             rand=(0, 4))
    noise_on: str = pfield("membrane", "where the noise n is added: 'membrane' (to v_pre) or "
                           "'threshold' (to v_threshold)", choices=NOISE_ON)
    lfsr_width: int = pfield(16, "internal LFSR width", lo=lfsr.MIN_WIDTH, hi=lfsr.MAX_WIDTH)
    lfsr_taps: int | None = pfield(None, "LFSR toggle mask (maximal); None = built-in maximal "
                                   "taps for the width (0xB400 at 16)", optional=True,
                                   lo=lambda p: 1 << (p.lfsr_width - 1),
                                   hi=lambda p: (1 << p.lfsr_width) - 1)
    lfsr_seed: int | None = pfield(None, "LFSR reset state (non-zero); None = 0xACE1 reduced to "
                                   "the width", optional=True, lo=1,
                                   hi=lambda p: (1 << p.lfsr_width) - 1)
    noise_bits: int = pfield(6, "noise amplitude b: n = (lfsr & (2^b - 1)) - 2^(b-1), "
                             "-2^(b-1) .. 2^(b-1) - 1 LSB; 0 = no noise", lo=0,
                             hi=lambda p: min(p.width - 1, p.lfsr_width))

    @property
    def q(self) -> QFormat:
        return QFormat(self.width - self.frac_bits, self.frac_bits)

    def derive(self):
        if self.lfsr_taps is None:
            self.resolve("lfsr_taps", MAXIMAL_TAPS[self.lfsr_width])
        if self.lfsr_seed is None:
            self.resolve("lfsr_seed", lfsr.default_seed(self.lfsr_width))
        try:
            LfsrParams(width=self.lfsr_width, taps=self.lfsr_taps, seed=self.lfsr_seed)
        except ParamError as e:
            raise ParamError(str(e).replace("LfsrParams.taps", f"{type(self).__name__}.lfsr_taps")
                             .replace(", or allow_nonmaximal=True", "")) from None
        self.set_derived("ref_width", bits_for(self.refractory))
        self.set_derived("out_width", 1 + self.width + self.lfsr_width)
        self.set_derived("noise_min", -(1 << (self.noise_bits - 1)) if self.noise_bits else 0)
        self.set_derived("noise_max", (1 << (self.noise_bits - 1)) - 1 if self.noise_bits else 0)

    def lfsr(self) -> LfsrParams:
        """The internal LFSR (what the RTL instantiates: rtl_py/sc/lfsr)."""
        return LfsrParams(width=self.lfsr_width, taps=self.lfsr_taps, seed=self.lfsr_seed)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == "lfsr_taps":
            t = MAXIMAL_TAPS[partial.lfsr_width]
            return rng.choice([None, t, lfsr.reciprocal_taps(t, partial.lfsr_width)])
        return super()._random_field(f, rng, partial)


def noise(p: StochasticLifParams, s):
    """n = (s & (2^b - 1)) - 2^(b-1) (0 for b = 0); vectorised over LFSR states s."""
    if p.noise_bits == 0:
        return np.zeros_like(np.asarray(s, dtype=np.int64)) if np.ndim(s) else 0
    b = p.noise_bits
    if np.ndim(s):
        return (np.asarray(s, dtype=np.int64) & ((1 << b) - 1)) - (1 << (b - 1))
    return (int(s) & ((1 << b) - 1)) - (1 << (b - 1))


def initial_state(p: StochasticLifParams, seed: int | None = None) -> tuple[int, int, int]:
    """(v, refractory count, LFSR state) after reset."""
    return p.v_rest, 0, p.lfsr_seed if seed is None else seed


def step(p: StochasticLifParams, state, i) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """One timestep on plain ints: returns ((v', ref', s'), (spike, v', sat))."""
    v, ref, s = state
    s_next, _ = lfsr.step(p.lfsr(), s)
    n = noise(p, s)
    if ref > 0:
        return (p.v_reset, ref - 1, s_next), (0, p.v_reset, 0)
    pre = v - ((v - p.v_rest) >> p.leak_shift) + int(i) + (n if p.noise_on == "membrane" else 0)
    vs = min(max(pre, _lo(p)), _hi(p))
    theta = p.v_threshold + (n if p.noise_on == "threshold" else 0)
    if vs >= theta:
        return (p.v_reset, p.refractory, s_next), (1, p.v_reset, int(vs != pre))
    return (vs, 0, s_next), (0, vs, int(vs != pre))


def lfsr_states(p: StochasticLifParams, T: int, seeds) -> np.ndarray:
    """LFSR states s_0 .. s_T (shape (T + 1, N)) from the per-neuron seeds (vectorised)."""
    s = np.asarray(seeds, dtype=np.int64).copy()
    out = np.empty((T + 1, s.size), dtype=np.int64)
    taps = np.int64(p.lfsr_taps)
    for t in range(T + 1):
        out[t] = s
        s = (s >> 1) ^ (taps * (s & 1))
    return out


def run_population(p: StochasticLifParams, I, seeds=None, state=None):
    """N neurons over T timesteps, I of shape (T, N).  Each neuron has its own LFSR; ``seeds``
    (shape (N,), default: all p.lfsr_seed, i.e. N copies of the core) sets their reset states.
    Returns (spikes uint8 (T, N), v int64 (T, N), sat bool (T, N)); sat = this step saturated."""
    I = np.asarray(I, dtype=np.int64)
    if I.ndim != 2:
        raise ValueError(f"I has shape {I.shape}: allowed (T, N)")
    T, N = I.shape
    seeds = np.full(N, p.lfsr_seed, dtype=np.int64) if seeds is None else \
        np.broadcast_to(np.asarray(seeds, dtype=np.int64), (N,))
    n_all = noise(p, lfsr_states(p, T, seeds)[:T])
    n_mem = n_all if p.noise_on == "membrane" else np.zeros_like(n_all)
    theta = p.v_threshold + (n_all if p.noise_on == "threshold" else 0) + np.zeros_like(n_all)
    if state is None:
        v, ref = np.full(N, p.v_rest, dtype=np.int64), np.zeros(N, dtype=np.int64)
    else:
        v, ref = (np.broadcast_to(np.asarray(x, dtype=np.int64), (N,)).copy() for x in state)
    lo, hi, k = _lo(p), _hi(p), p.leak_shift
    spikes = np.zeros((T, N), dtype=np.uint8)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    for t in range(T):
        pre = v - ((v - p.v_rest) >> k) + I[t] + n_mem[t]
        vsat = np.clip(pre, lo, hi)
        active = ref == 0
        s = active & (vsat >= theta[t])
        sats[t] = active & (vsat != pre)
        v = np.where(s | ~active, p.v_reset, vsat)
        ref = np.where(s, p.refractory, np.where(active, 0, ref - 1))
        spikes[t], vs[t] = s, v
    return spikes, vs, sats


def pack_out(p: StochasticLifParams, spike, v, s_next):
    """m_out tdata: bit 0 = spike, bits [W:1] = v, bits [W+lfsr_width:W+1] = LFSR state after
    the step.  Python ints (the word can exceed 64 bits)."""
    W = p.width
    return [(int(sn) << (W + 1)) | ((int(x) & ((1 << W) - 1)) << 1) | int(sp)
            for sp, x, sn in zip(np.ravel(spike), np.ravel(v), np.ravel(s_next))]


def run(p: StochasticLifParams, xs) -> tuple[list[int], list[int]]:
    """One neuron (one core) fed inputs xs: (m_out tdata per beat, sticky status_sat per beat)."""
    I = np.asarray([int(x) for x in xs], dtype=np.int64).reshape(-1, 1)
    s, v, sat = run_population(p, I)
    states = lfsr_states(p, len(I), [p.lfsr_seed])[1:, 0]
    return (pack_out(p, s[:, 0], v[:, 0], states),
            [int(x) for x in np.logical_or.accumulate(sat[:, 0])])


def to_tdata(p: StochasticLifParams, x: int) -> int:
    """s_in tdata (two's complement) of input x."""
    return int(x) & ((1 << p.width) - 1)


def from_tdata(p: StochasticLifParams, d: int) -> int:
    d = int(d) & ((1 << p.width) - 1)
    return d - (1 << p.width) if d >> (p.width - 1) else d

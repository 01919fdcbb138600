# SPDX-License-Identifier: Apache-2.0
"""The seed's compatibility LIF neuron (``sc_lif_neuron``, SC-NeuroCore's
``neurons.fixed_point_lif.FixedPointLIFNeuron``): the bit-true specification of
``neuron.sc_lif``.

The seed fixes the interface -- per step the inputs ``leak_k``, ``gain_k``, ``I_t`` and
``noise_in``, the outputs ``spike_out`` and ``v_out``, Q8.8 data (``data_width=16,
fraction=8``), Q-integer ``v_rest``/``v_reset``/``v_threshold`` and a refractory period in
cycles -- but not the update equation.  neurohdl defines it (and keeps it stable) as follows.
All values are raw two's-complement integers of ``width`` bits with ``frac_bits`` fraction bits
(Q(width-frac_bits).frac_bits); ``>>`` is an arithmetic shift (floor division by 2^frac_bits):

    if ref > 0:                                   refractory: input ignored, v held
        ref' = ref - 1;  v' = v_reset;  spike = 0
    else:
        leak   = (leak_k * (v - v_rest)) >> frac_bits          exact product, floor
        drive  = (gain_k * I_t) >> frac_bits                   exact product, floor
        v_pre  = v_rest + leak + drive + noise_in         exact (wide)
        v_sat  = clip(v_pre, -2^(width-1), 2^(width-1) - 1)     sat = (v_sat != v_pre)
        spike  = v_sat >= v_threshold                     (>=, as the seed's model)
        v'     = v_reset if spike else v_sat
        ref'   = refractory if spike else 0

i.e. v <- v_rest + k_leak (v - v_rest) + k_gain I + noise, the Euler step of
tau dv/dt = -(v - v_rest) + R I with k_leak = 1 - dt/tau and k_gain = R dt/tau.  Saturation is
chosen over the seed model's wrap-around (its compiler saturates); it is flagged per step and
sticky in ``status_sat``.  After reset v = v_rest and ref = 0.

Quantisation.  Each floor loses less than one LSB, so against the real-valued recurrence with the
same inputs the integer membrane lags by e_{t+1} = k_leak e_t + delta_t, delta_t in [0, 2) LSB;
for 0 <= k_leak < 1 and no saturation, spike or refractory step, 0 <= e_t < 2 / (1 - k_leak)
LSB at every t.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl.errors import QFormatError
from neurohdl.fixed import QFormat, bits_for
from neurohdl.params import Params, pfield

from ._common import membrane_max as _hi, membrane_min as _lo

MIN_WIDTH, MAX_WIDTH = 4, 24
FIELDS = ("leak_k", "gain_k", "I_t", "noise_in")    # s_in tdata fields, from bit 0 up


@dataclass(frozen=True)
class ScLifParams(Params):
    """v <- v_rest + (leak_k (v - v_rest) >> F) + (gain_k I_t >> F) + noise_in, saturating;
    spike at v >= v_threshold, then v_reset and a refractory count."""

    width: int = pfield(16, "data width of every value (seed data_width)", lo=MIN_WIDTH,
                        hi=MAX_WIDTH, rand=(6, 16))
    frac_bits: int = pfield(8, "fraction bits (seed fraction): Q(width-frac_bits).frac_bits",
                            lo=0, hi=lambda p: p.width - 1)
    v_rest: int = pfield(0, "resting potential, raw Q integer", lo=_lo, hi=_hi,
                         rand=(lambda p: -(1 << p.frac_bits) // 2,
                               lambda p: (1 << p.frac_bits) // 2))
    v_reset: int = pfield(0, "membrane value after a spike and while refractory, raw", lo=_lo,
                          hi=_hi, rand=(lambda p: -(1 << p.frac_bits),
                                        lambda p: (1 << p.frac_bits) // 2))
    v_threshold: int = pfield(256, "firing threshold (spike when v >= v_threshold), raw; "
                              "default 1.0 in Q8.8", lo=_lo, hi=_hi,
                              rand=(lambda p: -(1 << p.frac_bits) // 4,
                                    lambda p: min(_hi(p), 4 << p.frac_bits)))
    refractory: int = pfield(2, "refractory period in cycles (steps) after a spike", lo=0,
                             hi=1023, rand=(0, 5))

    @property
    def q(self) -> QFormat:
        """The data format Q(width-frac_bits).frac_bits (saturating)."""
        return QFormat(self.width - self.frac_bits, self.frac_bits)

    def derive(self):
        W, F = self.width, self.frac_bits
        self.set_derived("in_width", 4 * W)
        self.set_derived("out_width", W + 1)
        self.set_derived("ref_width", bits_for(self.refractory))
        # width of the (exact) sum in the RTL: 2W+2-F bits would do; the RTL adds the whole
        # products shifted by F, so it keeps 2W+2 (the top F bits are sign copies)
        self.set_derived("sum_width", 2 * W + 2)

    @classmethod
    def from_real(cls, width: int = 16, frac_bits: int = 8, *, v_rest: float = 0.0,
                  v_reset: float = 0.0, v_threshold: float = 1.0, refractory: int = 2):
        """Params from real-valued constants, each exactly representable in
        Q(width-frac_bits).frac_bits (otherwise ParamError naming the constant and the nearest raw
        value)."""
        probe = cls(width=width, frac_bits=frac_bits, v_rest=0, v_reset=0, v_threshold=0,
                    refractory=refractory)
        raw = {}
        for name, val in (("v_rest", v_rest), ("v_reset", v_reset),
                          ("v_threshold", v_threshold)):
            try:
                raw[name] = probe.q.const(val)
            except QFormatError as e:
                raise probe.error(name, val, f"values exact in {probe.q} ({e})") from None
        return cls(width=width, frac_bits=frac_bits, refractory=refractory, **raw)


def initial_state(p: ScLifParams) -> tuple[int, int]:
    """(v, refractory count) after reset."""
    return p.v_rest, 0


def _signed(x: int, w: int) -> int:
    x &= (1 << w) - 1
    return x - (1 << w) if x >> (w - 1) else x


def pack_in(p: ScLifParams, leak_k, gain_k, I_t, noise_in):
    """s_in tdata: leak_k in bits [W-1:0], gain_k [2W-1:W], I_t [3W-1:2W], noise_in [4W-1:3W]
    (each W-bit two's complement).  Vectorised (Python ints, arbitrary width)."""
    W, m = p.width, (1 << p.width) - 1
    if np.ndim(I_t):
        return [pack_in(p, *a) for a in zip(*np.broadcast_arrays(leak_k, gain_k, I_t, noise_in))]
    return ((int(leak_k) & m) | (int(gain_k) & m) << W | (int(I_t) & m) << 2 * W
            | (int(noise_in) & m) << 3 * W)


def unpack_in(p: ScLifParams, tdata: int) -> tuple[int, int, int, int]:
    W = p.width
    return tuple(_signed(int(tdata) >> (k * W), W) for k in range(4))


def step(p: ScLifParams, state, i) -> tuple[tuple[int, int], tuple[int, int, int]]:
    """One step on plain ints; i = (leak_k, gain_k, I_t, noise_in).
    Returns ((v', ref'), (spike, v', sat))."""
    v, ref = state
    if ref > 0:
        return (p.v_reset, ref - 1), (0, p.v_reset, 0)
    leak_k, gain_k, I_t, noise = (int(x) for x in i)
    F = p.frac_bits
    pre = p.v_rest + ((leak_k * (v - p.v_rest)) >> F) + ((gain_k * I_t) >> F) + noise
    lo, hi = _lo(p), _hi(p)
    vs = min(max(pre, lo), hi)
    if vs >= p.v_threshold:
        return (p.v_reset, p.refractory), (1, p.v_reset, int(vs != pre))
    return (vs, 0), (0, vs, int(vs != pre))


def run_population(p: ScLifParams, I, leak_k, gain_k, noise_in=0, state=None):
    """N neurons over T steps: I (= I_t) of shape (T, N); leak_k, gain_k, noise_in broadcast to
    (T, N).  Returns (spikes uint8 (T, N), v int64 (T, N), sat bool (T, N)) -- sat = this step
    saturated (status_sat is its running OR)."""
    I = np.asarray(I, dtype=np.int64)
    if I.ndim != 2:
        raise ValueError(f"I has shape {I.shape}: allowed (T, N)")
    T, N = I.shape
    lk, gk, nz = (np.broadcast_to(np.asarray(x, dtype=np.int64), (T, N))
                  for x in (leak_k, gain_k, noise_in))
    v0, r0 = initial_state(p) if state is None else state
    v = np.broadcast_to(np.asarray(v0, dtype=np.int64), (N,)).copy()
    ref = np.broadcast_to(np.asarray(r0, dtype=np.int64), (N,)).copy()
    lo, hi, F = _lo(p), _hi(p), p.frac_bits
    spikes = np.zeros((T, N), dtype=np.uint8)
    vs = np.zeros((T, N), dtype=np.int64)
    sats = np.zeros((T, N), dtype=bool)
    for t in range(T):
        pre = p.v_rest + ((lk[t] * (v - p.v_rest)) >> F) + ((gk[t] * I[t]) >> F) + nz[t]
        vsat = np.clip(pre, lo, hi)
        active = ref == 0
        s = active & (vsat >= p.v_threshold)
        sats[t] = active & (vsat != pre)
        v = np.where(s | ~active, p.v_reset, vsat)
        ref = np.where(s, p.refractory, np.where(active, 0, ref - 1))
        spikes[t], vs[t] = s, v
    return spikes, vs, sats


def pack_out(p: ScLifParams, spike, v):
    """m_out tdata {v, spike}: bit 0 = spike, bits [W:1] = v (two's complement)."""
    return ((np.asarray(v, dtype=np.int64) & ((1 << p.width) - 1)) << 1) \
        | np.asarray(spike, dtype=np.int64)


def run(p: ScLifParams, beats) -> tuple[list[int], list[int]]:
    """One neuron fed packed s_in beats: (m_out tdata per beat, sticky status_sat per beat)."""
    f = np.array([unpack_in(p, b) for b in beats], dtype=np.int64).reshape(-1, 4)
    s, v, sat = run_population(p, f[:, 2:3], f[:, 0:1], f[:, 1:2], f[:, 3:4])
    return ([int(x) for x in pack_out(p, s[:, 0], v[:, 0])],
            [int(x) for x in np.logical_or.accumulate(sat[:, 0])])

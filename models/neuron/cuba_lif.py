# SPDX-License-Identifier: Apache-2.0
"""Current-based LIF with the Loihi integer contract: the bit-true specification of
``neuron.cuba_lif``.

It reproduces Lava's ``PyLifModelBitAcc`` (lava-nc/lava:src/lava/proc/lif/models.py, the
``AbstractPyLifModelFixed.subthr_dynamics`` / ``run_spk`` pair), operation for operation.  One
timestep with synaptic input ``a_in`` (signed 16 bits, already weighted):

    ku     = 4096 - (du + 1)                       ds_offset = 1: du = 4095 clears u each step
    u_dec  = sgn(u ku) * (|u ku| >> 12)            magnitude shift: rounds toward zero
    u_sum  = u_dec + (a_in << 6)                   a_in MSB-aligned by 6 bits (act_shift)
    u'     = u_sum - 2^24  if u_sum >  2^23        wrap, exactly as Lava writes it (so u lives
             u_sum + 2^24  if u_sum <= -2^23        in the window -2^23 < u <= 2^23)
             u_sum         otherwise
    kv     = 4096 - dv                             dm_offset = 0: dv = 0 is no leak
    v_dec  = sgn(v kv) * (|v kv| >> 12)
    v_sum  = v_dec + u' + (bias_mant << bias_exp)  the *new* current feeds the voltage
    v_clp  = clip(v_sum, -(2^23 - 1), 2^23 - 1)    saturate (status_sat)
    spike  = v_clp > (vth << 6)                    strict; threshold MSB-aligned by 6 bits
    v'     = 0 if spike else v_clp                 reset to 0; no refractory period, no delay

Notes on the transcription (each is Lava's behaviour, reproduced, not a choice):

- Lava's comment says "wrapping around modulo 2**23", but the code subtracts/adds 2^24 with the
  asymmetric tests ``> 2^23`` and ``<= -2^23``, so the current's range is -2^23+1 .. +2^23 (one
  value more than 24-bit two's complement holds on the positive side, one less on the negative
  side).  The RTL keeps u in 25 bits so the value +2^23 survives to the next step exactly.
  A single correction suffices: |u_dec| < 2^23 and |a_in << 6| <= 2^21.
- The synaptic input port is declared ``precision=16`` (int16).  ``a_in << 6`` is exact (Lava
  receives the input as int32 from its Dense process, so the shift does not overflow int16).
- ``bias_exp`` is Lava's unsigned 3-bit exponent (0..7); the effective bias is recomputed every
  step but is constant.
- Reset zeroes only v; u keeps integrating (Lava's reset_voltage).

Widths: input 16, v 24 (saturating, -(2^23-1) .. 2^23-1), u 25 (Lava's wrap window), decays
12 bits, vth 17 bits unsigned, bias mantissa 13 bits signed.  ``status_sat`` flags the voltage
clip; the current's wrap is Lava's declared policy and is visible in the u field of m_out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neurohdl.params import Params, pfield

from ._common import (check_inputs, from_bits, NeuronType, pack_out, population, reachable,
                      states_step, sticky, to_bits, unpack_out)

IN_WIDTH = 16                 # a_in: int16, precision 16
V_WIDTH = 24                  # v: 24-bit signed, saturating
U_WIDTH = 25                  # u: Lava's wrap window -2^23+1 .. 2^23 needs 25 bits
OUT_WIDTH = 1 + V_WIDTH + U_WIDTH
DECAY_SHIFT = 12              # decays are 12-bit fractions of 4096
DECAY_UNITY = 1 << DECAY_SHIFT
DS_OFFSET = 1                 # Loihi 1-bit offsets added to du, dv
DM_OFFSET = 0
ACT_SHIFT = 6                 # synaptic input MSB alignment
VTH_SHIFT = 6                 # threshold MSB alignment
MAX_UV = 1 << 23
U_MIN, U_MAX = -MAX_UV + 1, MAX_UV
V_MIN, V_MAX = -MAX_UV + 1, MAX_UV - 1
A_MIN, A_MAX = -(1 << (IN_WIDTH - 1)), (1 << (IN_WIDTH - 1)) - 1


@dataclass(frozen=True)
class CubaLifParams(Params):
    """Loihi/Lava bit-accurate CUBA-LIF: u, v 24-bit, 12-bit decays, v > vth << 6, v <- 0."""

    du: int = pfield(409, "current decay (12-bit): u *= (4096 - (du + 1)) / 4096 per step",
                     lo=0, hi=4095)
    dv: int = pfield(409, "voltage decay (12-bit): v *= (4096 - dv) / 4096 per step",
                     lo=0, hi=4095)
    bias_mant: int = pfield(0, "bias mantissa, signed 13-bit", lo=-4096, hi=4095)
    bias_exp: int = pfield(0, "bias exponent, unsigned 3-bit: bias = bias_mant << bias_exp",
                           lo=0, hi=7)
    vth: int = pfield(1000, "threshold, unsigned 17-bit: spike when v > vth << 6",
                      lo=0, hi=(1 << 17) - 1)

    def derive(self):
        self.set_derived("in_width", IN_WIDTH)
        self.set_derived("v_width", V_WIDTH)
        self.set_derived("u_width", U_WIDTH)
        self.set_derived("out_width", OUT_WIDTH)
        self.set_derived("ku", DECAY_UNITY - (self.du + DS_OFFSET))
        self.set_derived("kv", DECAY_UNITY - (self.dv + DM_OFFSET))
        self.set_derived("bias", self.bias_mant << self.bias_exp)
        self.set_derived("vth_eff", self.vth << VTH_SHIFT)


class CubaLifState(NamedTuple):
    u: int = 0
    v: int = 0


def init(p: CubaLifParams | None = None) -> CubaLifState:
    """The reset state (Lava's default u = v = 0)."""
    return CubaLifState(0, 0)


def _decay(x: int, k: int) -> int:
    """sgn(x k) * (|x k| >> 12) on Python ints."""
    prod = int(x) * k
    return -((-prod) >> DECAY_SHIFT) if prod < 0 else prod >> DECAY_SHIFT


def step(p: CubaLifParams, state: CubaLifState, a_in: int):
    """One timestep on Python ints: returns (state', (spike, v', sat)); v' is after the reset,
    sat is this step's clip (status_sat is the running OR)."""
    check_inputs(p, np.asarray([a_in]))
    u, v = int(state[0]), int(state[1])
    s = _decay(u, p.ku) + (int(a_in) << ACT_SHIFT)
    if s > MAX_UV:
        s -= 2 * MAX_UV
    elif s <= -MAX_UV:
        s += 2 * MAX_UV
    u = s
    w = _decay(v, p.kv) + u + p.bias
    sat = w < V_MIN or w > V_MAX
    w = min(max(w, V_MIN), V_MAX)
    spike = w > p.vth_eff
    v = 0 if spike else w
    return CubaLifState(u, v), (int(spike), v, bool(sat))


def run_population_states(p: CubaLifParams, I, state0=None) -> dict:
    """N independent neurons over T steps, vectorised over N (the engine's reference).

    I: (T, N) inputs a_in (a 1-D sequence is one neuron); state0: optional (u, v) arrays.
    Returns a dict of (T, N) arrays after each step: ``spike`` (uint8), ``v``, ``u`` (int64),
    ``sat`` (bool, this step clipped v).  Same arithmetic as :func:`step`, bit for bit."""
    a, (u, v) = population(p, I, state0, 2)
    T, N = a.shape
    out = {"u": np.zeros((T, N), dtype=np.int64), "v": np.zeros((T, N), dtype=np.int64),
           "spike": np.zeros((T, N), dtype=np.uint8), "sat": np.zeros((T, N), dtype=bool)}
    ku, kv = np.int64(p.ku), np.int64(p.kv)
    for t in range(T):
        prod = u * ku
        s = np.sign(prod) * (np.abs(prod) >> DECAY_SHIFT) + (a[t] << ACT_SHIFT)
        u = np.where(s > MAX_UV, s - 2 * MAX_UV, np.where(s <= -MAX_UV, s + 2 * MAX_UV, s))
        prod = v * kv
        w = np.sign(prod) * (np.abs(prod) >> DECAY_SHIFT) + u + p.bias
        sat = (w < V_MIN) | (w > V_MAX)
        w = np.clip(w, V_MIN, V_MAX)
        spike = w > p.vth_eff
        v = np.where(spike, 0, w)
        out["u"][t], out["v"][t], out["spike"][t], out["sat"][t] = u, v, spike, sat
    return out


def run_population(p: CubaLifParams, I, state0=None):
    """(spikes uint8 (T, N), v int64 (T, N) after each step, sat bool (T, N) per-step clip
    events); status_sat after step t is ``sticky(sat)[t]``."""
    r = run_population_states(p, I, state0)
    return r["spike"], r["v"], r["sat"]


def pack(spike, v, u):
    """m_out tdata: bit 0 spike, [24:1] v (two's complement), [49:25] u (25-bit two's
    complement).  Scalars give an int, arrays uint64."""
    return pack_out(V_WIDTH, spike, v) | (to_bits(u, U_WIDTH) << (1 + V_WIDTH))


def unpack(tdata):
    """(spike, v, u) of m_out tdata (int or uint64 array)."""
    spike, v = unpack_out(V_WIDTH, tdata)
    if np.ndim(tdata) == 0 and not isinstance(tdata, np.ndarray):
        return spike, v, from_bits(int(tdata) >> (1 + V_WIDTH), U_WIDTH)
    return spike, v, from_bits(np.asarray(tdata, dtype=np.uint64) >> np.uint64(1 + V_WIDTH),
                               U_WIDTH)


def run_tdata(p: CubaLifParams, inputs, state0=None):
    """One neuron: (m_out tdata per beat as uint64, status_sat after each beat)."""
    r = run_population_states(p, np.asarray(inputs, dtype=np.int64).reshape(-1, 1), state0)
    return (pack(r["spike"][:, 0], r["v"][:, 0], r["u"][:, 0]), sticky(r["sat"][:, 0]))


def to_tdata(inputs) -> list[int]:
    """s_in tdata words (16-bit two's complement patterns) of signed inputs."""
    return [int(x) for x in to_bits(np.asarray(inputs, dtype=np.int64).ravel(), IN_WIDTH)]


def engine_constraint(p: CubaLifParams, in_width: int):
    if in_width > IN_WIDTH:
        return "in_width", in_width, (f"2..{IN_WIDTH} for neuron = 'cuba_lif' (its input a_in "
                                      "is int16)")
    return None


NEURON = NeuronType(
    name="cuba_lif", params=CubaLifParams,
    layout=lambda p: (("v", V_WIDTH), ("u", U_WIDTH)), reset=lambda p: {"u": 0, "v": 0},
    step_population=states_step(run_population_states, ("u", "v")),
    input_width=lambda p, iw: IN_WIDTH, constraint=engine_constraint,
    random_in_width=lambda rng: rng.choice([2, 16, rng.randint(2, 16)]),
    random_cell=lambda rng, e, pins: reachable(
        rng, e, pins, CubaLifParams.random(rng, **pins), "vth",
        lambda r, reach, q: r.randint(0, max(0, reach // 8))))


__all__ = ["NEURON", "CubaLifParams", "CubaLifState", "init", "step", "run_population",
           "run_population_states", "run_tdata", "pack", "unpack", "to_tdata"]

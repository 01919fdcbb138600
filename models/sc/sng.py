# SPDX-License-Identifier: Apache-2.0
"""Comparator stochastic number generator: the bit-true specification of ``sc.sng``.

Each accepted input x (an unsigned ``width``-bit integer) consumes the next random number r of
the source and produces one output bit

    bit = 1 if r < x else 0          (unsigned, strict)

The source is a pluggable function of the Params (``source``; see :data:`SOURCES`); the
numbers never rewind between inputs (only reset returns the source to its start):

- ``"lfsr"``: the states of the Galois LFSR ``sc.lfsr`` with taps ``lfsr_taps`` starting at
  ``lfsr_seed``, exactly ``models.sc.lfsr.run``;
- ``"sobol"``: Sobol dimension ``sobol_dim`` (``sc.sobol``, Gray-code order) from index ``skip``;
- ``"halton"``: base-2 van der Corput (``sc.halton``, bit-reversed counter) from index ``skip``.

Probability (unipolar).  A maximal LFSR visits every state 1 .. 2^w - 1 once per period, so over
one full period the fraction of ones is exactly

    P(x) = max(x - 1, 0) / (2^w - 1)          (lfsr)
    P(x) = x / 2^w                            (sobol, halton: every value 0 .. 2^w - 1 once)

x = 0 always gives 0.  P = 1 cannot be produced: it would need x >= 2^w, which does not fit in
``width`` bits (the largest values are (2^w - 2)/(2^w - 1) and (2^w - 1)/2^w).  Low-discrepancy
sources also spread the ones evenly over every aligned prefix of length 2^k, which is why their
error falls as ~1/N instead of ~1/sqrt(N) (docs/sc.md).

Bipolar mode (``bipolar=True``).  A value v in [-1, 1] is carried as the unipolar probability
p = (v + 1)/2 (:func:`bipolar_to_prob`), i.e. v = 2p - 1.  The input tdata is then a
two's-complement integer v_int in -2^(w-1) .. 2^(w-1) - 1 standing for v = v_int / 2^(w-1), and the
comparator uses the offset-binary value x = v_int + 2^(w-1) = tdata XOR 2^(w-1) (the MSB
inverted): bit = (r < (tdata ^ 2^(w-1))).  With a Sobol or Halton source P = (v + 1)/2 exactly
over 2^w numbers.  :func:`encode_bipolar` gives the tdata for a real v.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np

from neurohdl import ParamError
from neurohdl.models.sc import halton, lfsr, sobol
from neurohdl.models.sc.halton import HaltonParams
from neurohdl.models.sc.joe_kuo import MAX_DIM
from neurohdl.models.sc.lfsr import MAXIMAL_TAPS, MAX_WIDTH, MIN_WIDTH, LfsrParams
from neurohdl.models.sc.sobol import SobolParams
from neurohdl.params import Params, pfield

ROUNDINGS = ("nearest", "truncate")


def lfsr_params(owner: Params, width: int, taps: int, seed: int, taps_name: str,
                seed_name: str) -> LfsrParams:
    """Build the LfsrParams an owner's ``*_taps``/``*_seed`` fields stand for.

    Validation is LfsrParams' own (so the rules and wording are identical); an error is re-raised
    naming the owner's field, e.g. ``SngParams.lfsr_taps = ...: allowed a maximal-length mask``.
    """
    try:
        return LfsrParams(width=width, taps=taps, seed=seed)
    except ParamError as e:
        cls = type(owner).__name__
        msg = (str(e).replace("LfsrParams.taps", f"{cls}.{taps_name}")
               .replace("LfsrParams.seed", f"{cls}.{seed_name}")
               .replace(", or allow_nonmaximal=True", ""))
        raise ParamError(msg) from None


def taps_field(width: str, doc: str):
    """An owner's ``*_taps`` field of an embedded LFSR as wide as its field ``width``: None (a
    default resolved in ``derive``, see :func:`resolve_lfsr`) or a toggle mask with bit
    width-1 set."""
    return pfield(None, doc, optional=True, lo=lambda p: 1 << (getattr(p, width) - 1),
                  hi=lambda p: (1 << getattr(p, width)) - 1)


def seed_field(width: str, doc: str):
    """An owner's ``*_seed`` field of an embedded LFSR as wide as its field ``width``: None or a
    non-zero reset state."""
    return pfield(None, doc, optional=True, lo=1, hi=lambda p: (1 << getattr(p, width)) - 1)


def resolve_lfsr(owner: Params, width: int, taps_name: str, seed_name: str, default_taps: int,
                 default_seed: int) -> LfsrParams:
    """In ``owner.derive()``: resolve its None ``taps_name``/``seed_name`` fields to the
    defaults, then validate them as :func:`lfsr_params` does."""
    if getattr(owner, taps_name) is None:
        owner.resolve(taps_name, default_taps)
    if getattr(owner, seed_name) is None:
        owner.resolve(seed_name, default_seed)
    return lfsr_params(owner, width, getattr(owner, taps_name), getattr(owner, seed_name),
                       taps_name, seed_name)


def random_taps(rng, width: int):
    """A random draw of a taps field: None, the table's maximal mask or its reciprocal."""
    t = MAXIMAL_TAPS[width]
    return rng.choice([None, t, lfsr.reciprocal_taps(t, width)])


class LfsrOwner:
    """Mixin of a Params class with one embedded LFSR (``class XParams(LfsrOwner, Params)``):
    ``LFSR`` names its (width, taps, seed) fields (declare the last two with
    :func:`taps_field` and :func:`seed_field`); :meth:`resolve_lfsr` goes in ``derive``;
    ``random()`` draws the taps field with :func:`random_taps`."""

    LFSR = ("width", "lfsr_taps", "lfsr_seed")

    def lfsr(self) -> LfsrParams:
        """The embedded LFSR's LfsrParams (what the RTL instantiates)."""
        w, t, s = (getattr(self, n) for n in self.LFSR)
        return LfsrParams(width=w, taps=t, seed=s)

    def resolve_lfsr(self, default_taps: int, default_seed: int) -> LfsrParams:
        """:func:`resolve_lfsr` of this owner's LFSR fields."""
        w, t, s = self.LFSR
        return resolve_lfsr(self, getattr(self, w), t, s, default_taps, default_seed)

    @classmethod
    def _random_field(cls, f, rng, partial):
        if f.name == cls.LFSR[1]:
            return random_taps(rng, getattr(partial, cls.LFSR[0]))
        return super()._random_field(f, rng, partial)

@dataclass(frozen=True)
class SngParams(LfsrOwner, Params):
    """Comparator SNG: bit = (r < x) with r the next number of the source."""

    width: int = pfield(16, "width of x and of the random numbers, bits", lo=MIN_WIDTH,
                        hi=MAX_WIDTH)
    source: str = pfield("lfsr", "random source: 'lfsr' (Galois LFSR, sc.lfsr), 'sobol' "
                         "(sc.sobol dimension sobol_dim), 'halton' (base-2 van der Corput)",
                         choices=("lfsr", "sobol", "halton"))
    lfsr_taps: int | None = taps_field("width", "LFSR toggle mask (maximal, bit width-1 set); "
                                       "None = built-in maximal taps for the width (0xB400 at "
                                       "16)")
    lfsr_seed: int | None = seed_field("width", "LFSR reset state (non-zero); None = 0xACE1 "
                                       "reduced to the width")
    sobol_dim: int = pfield(1, "Sobol dimension of the 'sobol' source (Joe-Kuo, 1 = van der "
                            "Corput)", lo=1, hi=MAX_DIM)
    skip: int = pfield(0, "start index of the 'sobol'/'halton' source after reset", lo=0,
                       hi=lambda p: (1 << p.width) - 1)
    bipolar: bool = pfield(False, "input tdata is a two's-complement bipolar value; the "
                           "comparator inverts its MSB (offset binary)")

    def derive(self):
        lp = self.resolve_lfsr(MAXIMAL_TAPS[self.width], lfsr.default_seed(self.width))
        if self.source == "lfsr":
            self.set_derived("period", lp.period)
        else:
            self.set_derived("period", 1 << self.width)

    def sobol(self) -> SobolParams:
        """The SobolParams of the ``"sobol"`` source (one dimension)."""
        return SobolParams(width=self.width, dims=1, first_dim=self.sobol_dim, skip=self.skip)

    def halton(self) -> HaltonParams:
        """The HaltonParams of the ``"halton"`` source."""
        return HaltonParams(width=self.width, skip=self.skip)


# ------------------------------------------------------------------ sources ----------------
# A source is numbers(p, n, state) -> (n random numbers as uint64, state after them); state None
# means the reset state.  A new source (Sobol, Halton) adds an entry here, a "source" choice in
# SngParams, its probability rule in PROBABILITY and its RTL block in rtl_py/sc/sng.py.

def _lfsr_numbers(p: SngParams, n: int, state: int | None) -> tuple[np.ndarray, int]:
    lp = p.lfsr()
    s = lp.seed if state is None else int(state)
    per = lp.period
    if n > per:  # periodic: one period, tiled (identical to lfsr.run, O(period))
        out = np.resize(lfsr.run(lp, per, s), n)
    else:
        out = lfsr.run(lp, n, s)
    nxt = s if n == 0 else lfsr.step(lp, int(out[-1]))[0]
    return out, nxt


def _lfsr_probability(p: SngParams, x):
    x = np.asarray(x, dtype=np.int64)
    return np.maximum(x - 1, 0) / float((1 << p.width) - 1)


def _sobol_numbers(p: SngParams, n: int, state: int | None) -> tuple[np.ndarray, int]:
    arr, nxt = sobol.numbers(p.sobol(), n, state)
    return arr[:, 0], nxt


def _halton_numbers(p: SngParams, n: int, state: int | None) -> tuple[np.ndarray, int]:
    return halton.numbers(p.halton(), n, state)


def _ld_probability(p: SngParams, x):
    return np.asarray(x, dtype=np.int64) / float(1 << p.width)


SOURCES: dict[str, Callable] = {"lfsr": _lfsr_numbers, "sobol": _sobol_numbers,
                                "halton": _halton_numbers}
PROBABILITY: dict[str, Callable] = {"lfsr": _lfsr_probability, "sobol": _ld_probability,
                                    "halton": _ld_probability}


def comparand(p: SngParams, tdata):
    """The unsigned value the comparator uses: tdata, or tdata with its MSB inverted (bipolar)."""
    t = np.asarray(tdata, dtype=np.uint64)
    return t ^ np.uint64(1 << (p.width - 1)) if p.bipolar else t


def numbers(p: SngParams, n: int, state=None) -> tuple[np.ndarray, object]:
    """The next n random numbers of p's source from ``state`` (None: reset), and the state after."""
    return SOURCES[p.source](p, int(n), state)


# ------------------------------------------------------------------ the model --------------

def step(p: SngParams, state, x: int) -> tuple[object, int]:
    """One accepted x: returns (source state after, output bit)."""
    r, nxt = numbers(p, 1, state)
    return nxt, int(int(r[0]) < int(comparand(p, x)))


def run(p: SngParams, xs, state=None) -> np.ndarray:
    """Output bits (uint8) for the accepted inputs ``xs``, the source starting at ``state``."""
    xs = comparand(p, np.asarray(xs, dtype=np.uint64))
    r, _ = numbers(p, len(xs), state)
    return (r < xs).astype(np.uint8)


def probability(p: SngParams, x):
    """Exact fraction of ones over one full source period of the comparand x (the unsigned value
    compared, see :func:`comparand`): max(x - 1, 0) / (2^w - 1) (LFSR), x / 2^w (Sobol, Halton).

    Vectorised over x; a float (numpy float64 array for array input)."""
    out = PROBABILITY[p.source](p, x)
    return float(out) if np.ndim(out) == 0 else out


def encode(p: SngParams, prob, rounding: str = "nearest"):
    """The x whose probability is nearest (or, ``rounding="truncate"``, the largest not above)
    ``prob`` in [0, 1].

    Representable probabilities are k/(2^w - 1) for k = 0 .. 2^w - 2 (x = k + 1; k = 0 gives
    x = 0).  'nearest' rounds k = prob (2^w - 1) half to even, exactly (Fraction arithmetic);
    prob within half a step of 1 has no code of its own and takes the nearest representable
    value, k = 2^w - 2 (x = 2^w - 1), as :func:`probability` explains.  Out of [0, 1] (or NaN)
    raises ParamError.  Vectorised over prob.
    """
    if rounding not in ROUNDINGS:
        raise ParamError(f"encode: rounding = {rounding!r}: allowed one of "
                         + ", ".join(repr(r) for r in ROUNDINGS))
    if np.ndim(prob):
        return np.array([encode(p, q, rounding) for q in np.asarray(prob).ravel()],
                        dtype=np.uint64).reshape(np.shape(prob))
    q = float(prob)
    if math.isnan(q) or q < 0.0 or q > 1.0:
        raise ParamError(f"encode: prob = {prob!r}: allowed 0..1 (unipolar probability; "
                         "bipolar v in -1..1 maps to (v + 1)/2)")
    if p.source != "lfsr":   # P = x / 2^w, x = 0 .. 2^w - 1
        exact = Fraction(q) * (1 << p.width)
        k = round(exact) if rounding == "nearest" else math.floor(exact)
        return min(k, (1 << p.width) - 1)  # prob = 1: the nearest representable value
    per = (1 << p.width) - 1
    exact = Fraction(q) * per
    k = round(exact) if rounding == "nearest" else math.floor(exact)
    k = min(k, per - 1)  # prob = 1 is not producible: the nearest representable value
    return 0 if k == 0 else k + 1


def encode_bipolar(p: SngParams, v, rounding: str = "nearest"):
    """The tdata (w-bit two's-complement pattern) for bipolar value v in [-1, 1] when
    ``p.bipolar``: the comparand encodes p = (v + 1)/2 (:func:`encode`), tdata = comparand with
    its MSB inverted."""
    if not p.bipolar:
        raise ParamError(f"encode_bipolar: {type(p).__name__}.bipolar = False: allowed True")
    x = encode(p, bipolar_to_prob(v), rounding)
    return np.asarray(x, dtype=np.uint64) ^ np.uint64(1 << (p.width - 1)) if np.ndim(x) \
        else int(x) ^ (1 << (p.width - 1))


def bipolar_to_prob(v):
    """Bipolar value v in [-1, 1] -> unipolar probability p = (v + 1)/2."""
    v = np.asarray(v, dtype=np.float64)
    if np.any(np.isnan(v)) or np.any(v < -1.0) or np.any(v > 1.0):
        raise ParamError(f"bipolar_to_prob: v = {v!r}: allowed -1..1")
    out = (v + 1.0) / 2.0
    return float(out) if out.ndim == 0 else out


def prob_to_bipolar(prob):
    """Unipolar probability p -> bipolar value v = 2p - 1."""
    out = 2.0 * np.asarray(prob, dtype=np.float64) - 1.0
    return float(out) if out.ndim == 0 else out

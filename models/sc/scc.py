# SPDX-License-Identifier: Apache-2.0
"""Correlation monitor: the bit-true specification of ``sc.scc``.

Each accepted beat carries one bit of each of two streams, a = tdata[0] and b = tdata[1].  The
beats are cut into consecutive windows of ``length`` = L beats; at the end of window j the
monitor emits three counts over it:

    na  = sum a_k,    nb = sum b_k,    n11 = sum (a_k AND b_k)        (k over the window)

packed into one beat ``tdata = {n11, nb, na}`` (na in the low bits, each field
``count_width = bits_for(L)`` bits; 0 <= n11 <= min(na, nb) <= L, so nothing overflows).  A
trailing partial window produces nothing until it is completed; L = 1 makes every beat a window.

The hardware emits counts only; the stochastic cross-correlation is computed from them here
(:func:`scc_from_counts`) with the four overlap counts

    #11 = n11,   #10 = na - n11,   #01 = nb - n11,   #00 = L - na - nb + n11

and exactly the formula and zero-denominator rule of :func:`neurohdl.models.sc.bitstream.scc`
(Alaghi & Hayes 2013; SCC = 0 when a or b is constant over the window).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurohdl import ParamError
from neurohdl.fixed import bits_for
from neurohdl.models.sc import bitstream
from neurohdl.params import Params, pfield

MAX_LENGTH = 1 << 20


@dataclass(frozen=True)
class SccParams(Params):
    """{n11, nb, na} = ones of a AND b, of b, of a over each window of ``length`` beats."""

    length: int = pfield(256, "window length L in accepted input beats", lo=1, hi=MAX_LENGTH,
                         rand=(1, 40))

    def derive(self):
        self.set_derived("count_width", bits_for(self.length))
        self.set_derived("index_width", bits_for(self.length - 1))
        self.set_derived("tdata_width", 3 * bits_for(self.length))


def pack_beat(a, b):
    """s_ab tdata of bits a and b: a | b << 1 (ints or arrays)."""
    return (np.asarray(a, dtype=np.uint8) & 1) | ((np.asarray(b, dtype=np.uint8) & 1) << 1)


def step(p: SccParams, state, tdata: int):
    """One accepted beat.  state = (beat index in the window, na, nb, n11) or None (reset);
    returns the new state and (na, nb, n11) if this beat ends a window, else None."""
    idx, na, nb, n11 = state if state is not None else (0, 0, 0, 0)
    a, b = int(tdata) & 1, (int(tdata) >> 1) & 1
    na, nb, n11 = na + a, nb + b, n11 + (a & b)
    if idx == p.length - 1:
        return (0, 0, 0, 0), (na, nb, n11)
    return (idx + 1, na, nb, n11), None


def counts(p: SccParams, a, b) -> np.ndarray:
    """(na, nb, n11) of every complete window of the bit sequences a and b: uint32 array of
    shape (windows, 3); a trailing partial window is dropped."""
    a = np.asarray(a, dtype=np.uint32) & 1
    b = np.asarray(b, dtype=np.uint32) & 1
    if a.shape != b.shape or a.ndim != 1:
        raise ParamError(f"b.shape = {b.shape}: allowed the shape of a, {a.shape} (1-D)")
    k = len(a) // p.length
    a = a[: k * p.length].reshape(k, p.length)
    b = b[: k * p.length].reshape(k, p.length)
    return np.stack([a.sum(axis=1), b.sum(axis=1), (a & b).sum(axis=1)], axis=1).astype(np.uint32)


def run(p: SccParams, beats) -> np.ndarray:
    """Counts (windows, 3) of s_ab tdata beats (bit 0 = a, bit 1 = b)."""
    t = np.asarray(beats, dtype=np.uint32)
    return counts(p, t & 1, (t >> 1) & 1)


def pack_counts(p: SccParams, c) -> list[int]:
    """m_counts tdata words of (na, nb, n11) rows: n11 << 2w | nb << w | na, w = count_width."""
    w = p.count_width
    return [int(n11) << (2 * w) | int(nb) << w | int(na) for na, nb, n11 in np.asarray(c)]


def unpack_counts(p: SccParams, words) -> np.ndarray:
    """(na, nb, n11) rows (uint32) of m_counts tdata words."""
    w, m = p.count_width, (1 << p.count_width) - 1
    return np.array([[int(x) & m, (int(x) >> w) & m, (int(x) >> 2 * w) & m] for x in words],
                    dtype=np.uint32).reshape(-1, 3)


def scc_from_counts(na, nb, n11, length):
    """SCC of a window from the monitor's counts (ints or arrays); 0 when a or b is constant.

    Same formula and zero-denominator rule as :func:`bitstream.scc`."""
    args = {}
    for name, v in (("na", na), ("nb", nb), ("n11", n11), ("length", length)):
        x = np.asarray(v)
        if x.dtype == object or not np.issubdtype(x.dtype, np.integer):
            raise ParamError(f"{name} = {v!r}: allowed integer counts")
        args[name] = x.astype(np.int64)
    na, nb, n11, L = np.broadcast_arrays(args["na"], args["nb"], args["n11"], args["length"])
    bad = (L < 0) | (n11 < 0) | (n11 > np.minimum(na, nb)) | (na + nb - n11 > L)
    if np.any(bad):
        i = tuple(int(k) for k in np.argwhere(bad)[0]) if bad.ndim else ()
        raise ParamError(f"(na, nb, n11, length) = ({int(na[i])}, {int(nb[i])}, {int(n11[i])}, "
                         f"{int(L[i])}){f' at index {i}' if i else ''}: allowed "
                         "0 <= n11 <= min(na, nb) and na + nb - n11 <= length")
    return bitstream.scc_counts(n11, na - n11, nb - n11, L - na - nb + n11)


def run_scc(p: SccParams, beats) -> np.ndarray:
    """SCC (float64) of every complete window of s_ab tdata beats."""
    c = run(p, beats).astype(np.int64)
    return np.atleast_1d(scc_from_counts(c[:, 0], c[:, 1], c[:, 2], p.length))

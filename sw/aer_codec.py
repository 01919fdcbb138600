# SPDX-License-Identifier: Apache-2.0
"""Host side of ``aer.codec``: a recorded spike train (a raster, T timesteps x N neurons) to
the delta-timestamp code words the hardware decoder reads, and the words the hardware encoder
writes back to a raster -- with the model's own functions (models/aer/codec.py), so host and
hardware cannot disagree on the format (docs/cores/aer/codec.md).

The seed's ``AERSpikeCodec(timestamp_bits, neuron_bits)``::

    codec = AerSpikeCodec(timestamp_bits=16)          # neuron_bits 0: sized from N
    data = codec.compress(spikes)                     # bytes: the code words, little-endian
    back = codec.decompress(data, T, N)               # the raster again

A spike of neuron ``i`` is the event word ``i`` (the event format's neuron field, no tile
coordinates, no payload); the neurons of a timestep go out in ascending order.  Words are
``ceil(width / 8)`` bytes each, ``width = timestamp_bits + neuron_bits``.  Bad input is a
one-line ``ParamError``.
"""
from __future__ import annotations

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.models.aer import codec as model, event
from neurohdl.models.aer.codec import CodecParams
from neurohdl.sw._util import integer


class AerSpikeCodec:
    """Delta-timestamp spike-train codec with escape words (``aer.codec``'s format)."""

    def __init__(self, timestamp_bits: int = 16, neuron_bits: int = 0):
        self.timestamp_bits = integer(timestamp_bits, "timestamp_bits")
        self.neuron_bits = integer(neuron_bits, "neuron_bits", 0)
        self.params(max(1, self.neuron_bits))          # a bad width fails here, not later

    def params(self, neuron_bits: int) -> CodecParams:
        """The hardware Params of this format (``direction`` aside)."""
        return CodecParams(timestamp_bits=self.timestamp_bits,
                           event={"neuron_bits": neuron_bits})

    def _bits(self, n: int) -> int:
        need = max(1, (n - 1).bit_length())
        if self.neuron_bits and need > self.neuron_bits:
            raise ParamError(f"spikes: {n} neurons: allowed at most {1 << self.neuron_bits} "
                             f"(neuron_bits = {self.neuron_bits})")
        return self.neuron_bits or need

    def words(self, spikes) -> tuple[CodecParams, list[int]]:
        """(the Params, the code words) of a raster ``spikes`` (T x N, nonzero = a spike)."""
        s = np.asarray(spikes)
        if s.ndim != 2 or s.shape[1] < 1:
            raise ParamError(f"spikes shape = {s.shape}: allowed (T, N) with N >= 1")
        p = self.params(self._bits(s.shape[1]))
        steps = [[int(i) for i in np.flatnonzero(row)] for row in s]
        return p, model.encode(p, event.beats(steps))

    def raster(self, p: CodecParams, words, t: int, n: int) -> np.ndarray:
        """The raster (``t`` x ``n``, uint8) of code words; a spike outside it is an error."""
        out = np.zeros((integer(t, "T", 0), integer(n, "N", 1)), dtype=np.uint8)
        closed, rest = event.timesteps(model.decode(p, words))
        for step, events in enumerate(closed + [rest]):
            for a in events:
                if step >= t or a >= n:
                    raise ParamError(f"code stream: a spike of neuron {a} in timestep {step}: "
                                     f"allowed neurons 0..{n - 1}, timesteps 0..{t - 1}")
                out[step, a] = 1
        return out

    def compress(self, spikes) -> bytes:
        """The code words of a raster as bytes (``ceil(width / 8)`` a word, little-endian)."""
        p, words = self.words(spikes)
        size = -(-p.width // 8)
        return b"".join(w.to_bytes(size, "little") for w in words)

    def decompress(self, data: bytes, t: int, n: int) -> np.ndarray:
        """The raster (``t`` x ``n``) of :meth:`compress`'s bytes."""
        p = self.params(self._bits(integer(n, "N", 1)))
        size = -(-p.width // 8)
        if len(data) % size:
            raise ParamError(f"code stream of {len(data)} bytes: allowed a multiple of {size} "
                             f"({p.width}-bit words)")
        words = [int.from_bytes(data[i:i + size], "little") for i in range(0, len(data), size)]
        bad = [w for w in words if w >> p.width]
        if bad:
            raise ParamError(f"code word = {bad[0]:#x}: allowed 0..{(1 << p.width) - 1:#x} "
                             f"(width = {p.width})")
        return self.raster(p, words, t, n)


__all__ = ["AerSpikeCodec"]

# SPDX-License-Identifier: Apache-2.0
"""Shared piece of the stream cores' declarations (private: the registry skips ``_`` modules)."""
from neurohdl.core import Vectors


def word_vectors(model):
    """``vectors(p, rng, n)`` of a word-preserving stream core (``stream.fifo``,
    ``stream.skid``): n random ``p.width``-bit words on ``s_in``, ``model.run(p, words)`` on
    ``m_out``."""

    def vectors(p, rng, n: int) -> Vectors:
        words = [rng.getrandbits(p.width) for _ in range(n)]
        return Vectors(inputs={"s_in": words}, outputs={"m_out": model.run(p, words)})

    return vectors

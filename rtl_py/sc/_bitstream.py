# SPDX-License-Identifier: Apache-2.0
"""Shared declarations of the one-bit-in, one-bit-out SC cores (``sc.delay``, ``sc.shuffle``,
``sc.regen``, ``sc.fsm_tanh``, ``sc.fsm_exp``) and their stimulus: private (the registry skips
``_`` modules)."""
from neurohdl.core import Vectors, clk_rst, stream


def bit_ports(x_doc: str, y_doc: str):
    """The ``ports(p)`` of such a core: clk, rst, the input bit stream ``s_x`` and the output
    bit stream ``m_y``."""
    return lambda p: clk_rst() + stream("s_x", 1, x_doc) + stream("m_y", 1, y_doc)


def segments(rng, n: int, length) -> list[int]:
    """n stimulus bits in segments of density 0, 1, 1/2 or random; ``length()`` gives a
    segment's length (drawn after its density), the last segment is cut at n."""
    bits = []
    while len(bits) < n:
        d = rng.choice([0.0, 1.0, 0.5, rng.random()])
        bits += [int(rng.random() < d) for _ in range(length())]
    return bits[:n]


def bit_vectors(model, p, bits) -> Vectors:
    """``bits`` on ``s_x``, ``model.run(p, bits)`` on ``m_y``."""
    return Vectors(inputs={"s_x": bits}, outputs={"m_y": [int(b) for b in model.run(p, bits)]})

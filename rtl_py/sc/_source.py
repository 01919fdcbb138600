# SPDX-License-Identifier: Apache-2.0
"""Shared declaration of the always-valid random sources (``sc.lfsr``, ``sc.halton``,
``sc.sobol``): private (the registry skips ``_`` modules).

A source has one output stream ``m_rnd`` (tdata = its state, ``m_rnd_tvalid = !rst``, see
``neurohdl.rtl.common.stage.source``); each transfer advances it.  Embedded in another core it
is a random-number block: ``rnd_tready`` is the advance input, ``rnd_tdata`` the value.
"""
from neurohdl import __version__
from neurohdl.core import CoreDecl, Vectors, clk_rst, stream


def source_core(model, params, top, width, doc: str, description: str, arith: dict,
                tdata=None) -> CoreDecl:
    """The ``CoreDecl`` of source ``sc.<model's module name>``: ports ``m_rnd`` of
    ``width(p)`` bits; vectors = ``tdata(p, n)``, the first n tdata words (default
    ``model.run(p, n)``)."""

    def vectors(p, rng, n: int) -> Vectors:
        words = tdata(p, n) if tdata else [int(x) for x in model.run(p, n)]
        return Vectors(outputs={"m_rnd": words})

    return CoreDecl(name="sc." + model.__name__.rsplit(".", 1)[1], version=__version__,
                    params=params, top=top,
                    ports=lambda p: clk_rst() + stream("m_rnd", width(p), doc),
                    description=description, arith=arith, vectors=vectors)

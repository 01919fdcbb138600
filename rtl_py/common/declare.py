# SPDX-License-Identifier: Apache-2.0
"""A core's declaration with its description and arithmetic table written as text::

    CORE = declare("neuron.alif", AlifParams, stepped_core, ports, '''
        Adaptive-threshold LIF neuron (LSNN/ALIF), theta = threshold + beta_a a,
        multiplicative leak, reset by subtraction or to zero
        leak: exact: v * beta in vw + Fb bits (beta < 2^Fb), magnitude shift by Fb (round
            toward 0); |v_l| <= |v|
        integrate: saturate: ...
        ''', vectors=vectors)

The text's first lines are the description; each line ``node: policy`` (node a lower-case
identifier at the text's indentation) starts an arithmetic node, continued on the lines
indented deeper.  Lines are joined by single spaces.
"""
import re
import textwrap

from neurohdl import __version__
from neurohdl.core import CoreDecl

_NODE = re.compile(r"([a-z][a-z0-9_]*): (.*)")


def description_and_arith(text: str) -> tuple[str, dict[str, str]]:
    """(description, {node: policy}) of a declaration text (module doc)."""
    desc: list[str] = []
    arith: dict[str, list[str]] = {}
    node = None
    for line in textwrap.dedent(text).strip("\n").splitlines():
        m = _NODE.fullmatch(line)
        if m:
            node = m.group(1)
            arith[node] = [m.group(2)]
        elif line.strip():
            (arith[node] if node else desc).append(line.strip())
    return " ".join(desc), {k: " ".join(v) for k, v in arith.items()}


def declare(name: str, params, top, ports, text: str, **fields) -> CoreDecl:
    """The CoreDecl of core ``name`` at the package's version, its description and arith from
    ``text`` (module doc); ``fields``: the CoreDecl's other fields (vectors, bench, ...)."""
    description, arith = description_and_arith(text)
    return CoreDecl(name=name, version=__version__, params=params, top=top, ports=ports,
                    description=description, arith=arith, **fields)


__all__ = ["declare", "description_and_arith"]

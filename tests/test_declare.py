# SPDX-License-Identifier: Apache-2.0
"""``neurohdl.rtl.common.declare``: a core's description and arithmetic table written as one
text block (every neuron, bus, net, SC and stream core declares itself with it)."""
import pytest

from neurohdl.core import DRCError
from neurohdl.rtl.common.declare import declare, description_and_arith

TEXT = '''
    A first line of the description,
    and its second line
    leak: exact: v * beta in vw + Fb bits,
        round toward 0
    integrate: saturate: clipped to vw bits
    '''


def test_description_and_nodes_with_continuation_lines():
    desc, arith = description_and_arith(TEXT)
    assert desc == "A first line of the description, and its second line"
    assert arith == {"leak": "exact: v * beta in vw + Fb bits, round toward 0",
                     "integrate": "saturate: clipped to vw bits"}
    assert list(arith) == ["leak", "integrate"]          # the order of the text


def test_a_description_line_shaped_like_a_node_is_refused():
    """A line ``word: text`` at the text's indentation starts a node; if it was meant as
    description, its 'policy' is no policy and the declaration is refused (not silently
    moved into the arithmetic table)."""
    text = "A core\nnote: this line was meant as description\nadd: wrap: 8 bits\n"
    _, arith = description_and_arith(text)
    assert arith["note"] == "this line was meant as description"
    with pytest.raises(DRCError, match="note"):
        declare("sc.dummy", None, None, lambda p: [], text)


# SPDX-License-Identifier: Apache-2.0
"""neurohdl.rtl: the MyHDL designs.  Importing it makes MyHDL's block elaboration skip its
``inspect.stack()`` source lookups (:mod:`neurohdl.myhdl_speed`; the HDL is byte-identical)."""
from neurohdl.myhdl_speed import install as _install_fast_elaboration

_install_fast_elaboration()

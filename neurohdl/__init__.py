# SPDX-License-Identifier: Apache-2.0
"""neurohdl: bit-true numpy models, MyHDL designs, cocotb verification and FuseSoC packaging
for stochastic-computing and neuromorphic hardware cores."""
__version__ = "0.2.0"   # the package and every core (CoreDecl, .core VLNV): one version
__license__ = "Apache-2.0"  # SPDX identifier: LICENSE, pyproject, generated HDL banners

from .errors import (CoreNotFound, DRCError, IdentifierError, NeurohdlError, ParamError,  # noqa: E402
                     QFormatError, ToolError)
from .fixed import QFormat  # noqa: E402
from .params import Params, pfield  # noqa: E402


def generate(*args, **kwargs):
    """See :func:`neurohdl.convert.generate`."""
    from .convert import generate as _generate
    return _generate(*args, **kwargs)


__all__ = ["__version__", "__license__", "NeurohdlError", "ParamError", "QFormatError", "IdentifierError",
           "DRCError", "CoreNotFound", "ToolError", "QFormat", "Params", "pfield", "generate"]

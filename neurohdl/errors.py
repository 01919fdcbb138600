# SPDX-License-Identifier: Apache-2.0
"""One error family for neurohdl.

Every message names the thing that is wrong, the value and what is allowed, e.g.
``LfsrParams.seed = 0: allowed 1..65535``.
"""


class NeurohdlError(Exception):
    """Base of every error neurohdl raises on purpose."""


class ParamError(NeurohdlError, ValueError):
    """A parameter value is outside its legal range or inconsistent with others."""


class QFormatError(ParamError):
    """A fixed-point format or constant is not representable."""


class IdentifierError(ParamError):
    """A user identifier is not a legal, non-keyword HDL name."""


class DRCError(NeurohdlError):
    """A generated design breaks a design rule (port directions, undeclared arithmetic...)."""


class NirError(NeurohdlError):
    """A NIR graph cannot be read or holds what neurohdl does not support (every unsupported
    node and parameter named in one message, before anything is written)."""


class CoreNotFound(NeurohdlError, KeyError):
    """No core of that name is registered."""

    def __str__(self):  # KeyError quotes its message otherwise
        return str(self.args[0]) if self.args else ""


class ToolError(NeurohdlError, RuntimeError):
    """An external tool (simulator, synthesis, place and route) failed or is missing."""


# ---------------------------------------------------------------- host library (neurohdl.sw) --
class HostError(NeurohdlError):
    """The host library could not complete an access to a device: a link, bus or driver
    failure (neurohdl.sw: uart_protocol.LinkError, snn_soc.SnnSocError, BusError)."""


class BusError(HostError):
    """The device answered an access with an error (Wishbone ERR, AXI SLVERR/DECERR, UART NACK
    BUS_ERR). ``index``: the failing word of a burst (earlier words were done), or None."""

    index: int | None = None


class RegisterError(NeurohdlError, KeyError):
    """No register, field or block of that name in the register table."""

    def __str__(self):  # KeyError quotes its message otherwise
        return str(self.args[0]) if self.args else ""

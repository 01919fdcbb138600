# SPDX-License-Identifier: Apache-2.0
"""Elaboration speed: MyHDL without its ``inspect.stack()`` cost.

MyHDL 0.11 finds the caller of every ``@block`` and every ``@always*``/``@instance`` with
``inspect.stack()``.  That builds a full record for every frame on the stack: it reads each
frame's source file for context lines and maps each frame to its module by scanning
``sys.modules``.  Inside pytest with cocotb, scipy and the rest loaded, elaborating the SNN SoC
spent over 90 % of its conversion time there (100 s of 102 s under cProfile).

Both MyHDL call sites (``myhdl._block._getCallInfo``, ``myhdl._instance._getCallInfo``) use only
two fields of a record: the frame (``[0]``) and the function name (``[3]``).  :func:`install`
gives those two modules an ``inspect`` whose ``stack()`` walks the frame chain and fills exactly
the same frame, file name, line and function fields, without source lookups (``code_context`` and
``index`` are None).  Everything else of ``inspect`` is the standard module.  The converted HDL is
byte-identical (tests/test_myhdl_speed.py compares every core's default configuration with and
without it).  ``neurohdl.rtl`` installs it on import.
"""
from __future__ import annotations

import contextlib
import inspect
import sys
import types

_TARGETS = ("myhdl._block", "myhdl._instance")


def frame_stack(context: int = 1) -> list[tuple]:
    """``inspect.stack()`` of the caller, without source context: (frame, filename, lineno,
    function, None, None) per frame, innermost first."""
    out = []
    f = sys._getframe(1)
    while f is not None:
        out.append((f, f.f_code.co_filename, f.f_lineno, f.f_code.co_name, None, None))
        f = f.f_back
    return out


class _FastInspect(types.ModuleType):
    """The standard ``inspect`` module with :func:`frame_stack` as ``stack``."""

    def __init__(self):
        super().__init__("inspect")

    def __getattr__(self, name):
        return getattr(inspect, name)

    stack = staticmethod(frame_stack)


_FAST = _FastInspect()


def install() -> None:
    """Give MyHDL's two caller-lookup modules the fast ``inspect`` (idempotent)."""
    for name in _TARGETS:
        mod = __import__(name, fromlist=["_"])
        mod.inspect = _FAST


def uninstall() -> None:
    """Give them the standard ``inspect`` back."""
    for name in _TARGETS:
        mod = __import__(name, fromlist=["_"])
        mod.inspect = inspect


def installed() -> bool:
    return all(getattr(__import__(n, fromlist=["_"]), "inspect", None) is _FAST for n in _TARGETS)


@contextlib.contextmanager
def stock_inspect():
    """Run a block of code with MyHDL's own ``inspect.stack()`` (the reference for tests)."""
    was = installed()
    uninstall()
    try:
        yield
    finally:
        if was:
            install()


__all__ = ["frame_stack", "install", "uninstall", "installed", "stock_inspect"]

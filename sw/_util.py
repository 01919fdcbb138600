# SPDX-License-Identifier: Apache-2.0
"""Small helpers shared by the host library's transports and drivers (not a public API).

* :func:`integer` / :func:`word_list`: argument checks that refuse what ``int()`` would silently
  accept (``1.7`` -> 1, ``True`` -> 1, ``"3"`` -> 3) with a one-line :class:`ParamError`;
* :class:`AsyncView`: async methods over a blocking object, and :func:`drive`, which runs a
  coroutine that never suspends without an event loop: one implementation, written as
  coroutines, serves the blocking and the async side (uart_protocol, snn_soc).
"""
from __future__ import annotations

import inspect

import numpy as np

from neurohdl.errors import ParamError


def integer(v, what: str, lo: int | None = None) -> int:
    """``v`` as a Python int: an int or numpy integer (not a bool), at least ``lo``."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise ParamError(f"{what} = {v!r}: allowed an integer")
    if lo is not None and v < lo:
        raise ParamError(f"{what} = {v}: allowed >= {lo}")
    return int(v)


def word_list(words, what: str = "word", bits: int = 32) -> list[int]:
    """A sequence of unsigned ``bits``-bit integers as Python ints (nothing rounded or
    truncated): ``ParamError`` naming the first bad item."""
    if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
        raise ParamError(f"{what}s = {words!r}: allowed a sequence of integers")
    top = (1 << bits) - 1
    out = []
    for i, w in enumerate(words):
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, (int, np.integer)):
            raise ParamError(f"{what} {i} = {w!r}: allowed an integer 0..{top:#x}")
        if not 0 <= int(w) <= top:
            raise ParamError(f"{what} {i} = {int(w):#x}: allowed 0..{top:#x}")
        out.append(int(w))
    return out


class AsyncView:
    """``await view.m(...)`` calls the blocking ``obj.m(...)`` (awaiting its result if that is
    awaitable); attributes the object lacks are missing here too (``hasattr`` works)."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        f = getattr(self._obj, name)
        if not callable(f):
            return f

        async def call(*args, **kwargs):
            r = f(*args, **kwargs)
            return (await r) if inspect.isawaitable(r) else r
        return call


def drive(coro, error: type[Exception], what: str):
    """Run a coroutine that never suspends to completion (no event loop involved); if it does
    suspend (an async transport or pipe behind a blocking API), raise ``error``."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise error(f"{what}: the coroutine suspended, i.e. the transport, pipe or poll_wait is "
                "async; use the async API (AsyncSnnSoc, AsyncUartTransport) instead")

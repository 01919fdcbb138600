# SPDX-License-Identifier: Apache-2.0
"""The grant rules shared by the ``aer`` cores (rtl_py/aer/_arbiter.py implements them).

``lines``: the requesting lines (a bit mask).  'priority': the lowest line.  'round_robin':
the lowest line at or above ``start`` (the line after the last granted), else the lowest: a
line that keeps requesting waits for at most n - 1 grants to other lines.
"""
from __future__ import annotations


def grant(lines: int, start: int, round_robin: bool) -> int | None:
    """The granted line, None when no line requests."""
    if not lines:
        return None
    if round_robin and lines >> start:
        return ((lines >> start) & -(lines >> start)).bit_length() - 1 + start
    return (lines & -lines).bit_length() - 1


def after(line: int, n: int) -> int:
    """The round-robin start after granting ``line`` (wraps to 0 after line n - 1)."""
    return (line + 1) % n

# SPDX-License-Identifier: Apache-2.0
"""Joe-Kuo Sobol direction numbers (data for ``sc.sobol``).

Transcribed from S. Joe and F. Y. Kuo, file ``new-joe-kuo-6.21201``
(https://web.maths.unsw.edu.au/~fkuo/sobol/; "Constructing Sobol sequences with better
two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654), rows d = 2..32, in the
file's own format:

    d   dimension (1-based; dimension 1 is not in the file: it is the van der Corput sequence,
        every m_k = 1)
    s   degree of the primitive polynomial
    a   its inner coefficients a_1 .. a_{s-1}, a_1 the most significant bit of a
    m_i initial direction numbers m_1 .. m_s (odd, m_i < 2^i)

For k > s the direction numbers follow the recurrence (Bratley-Fox / Joe-Kuo):

    m_k = (m_{k-s} << s) ^ m_{k-s} ^ XOR_{j=1}^{s-1} a_j (m_{k-j} << j)

and the W-bit direction number of bit k is v_k = m_k << (W - k), k = 1 .. W.  The rows are checked
against scipy's copy of the same table (``verif/sc/test_sobol.py``).
"""
from __future__ import annotations

from functools import lru_cache

TABLE = """\
d       s       a       m_i
2       1       0       1
3       2       1       1 3
4       3       1       1 3 1
5       3       2       1 1 1
6       4       1       1 1 3 3
7       4       4       1 3 5 13
8       5       2       1 1 5 5 17
9       5       4       1 1 5 5 5
10      5       7       1 1 7 11 19
11      5       11      1 1 5 1 1
12      5       13      1 1 1 3 11
13      5       14      1 3 5 5 31
14      6       1       1 3 3 9 7 49
15      6       13      1 1 1 15 21 21
16      6       16      1 3 1 13 27 49
17      6       19      1 1 1 15 7 5
18      6       22      1 3 1 15 13 25
19      6       25      1 1 5 5 19 61
20      7       1       1 3 7 11 23 15 103
21      7       4       1 3 7 13 13 15 69
22      7       7       1 1 3 13 7 35 63
23      7       8       1 3 5 9 1 25 53
24      7       14      1 3 1 13 9 35 107
25      7       19      1 3 1 5 27 61 31
26      7       21      1 1 5 11 19 41 61
27      7       28      1 3 5 3 3 13 69
28      7       31      1 1 7 13 1 19 1
29      7       32      1 3 7 5 13 19 59
30      7       37      1 1 3 9 25 29 41
31      7       41      1 3 5 13 23 1 55
32      7       42      1 3 7 3 13 59 17
"""


def _parse(text: str) -> dict[int, tuple[int, int, tuple[int, ...]]]:
    out = {1: (0, 0, ())}  # dimension 1: van der Corput (no polynomial; every m_k = 1)
    for line in text.splitlines()[1:]:
        d, s, a, *m = (int(c) for c in line.split())
        out[d] = (s, a, tuple(m))
    return out


ROWS: dict[int, tuple[int, int, tuple[int, ...]]] = _parse(TABLE)
"""dimension -> (s, a, (m_1 .. m_s)); dimension 1 is (0, 0, ())."""
MAX_DIM = max(ROWS)


@lru_cache(maxsize=None)
def m_values(dim: int, count: int) -> tuple[int, ...]:
    """m_1 .. m_count of ``dim`` (1-based): the table's initial values, then the recurrence."""
    if dim not in ROWS:
        raise KeyError(f"Sobol dimension {dim}: the table holds 1..{MAX_DIM}")
    s, a, init = ROWS[dim]
    if s == 0:
        return (1,) * count
    m = list(init[:count])
    for k in range(s, count):           # m[k] is m_{k+1}
        v = (m[k - s] << s) ^ m[k - s]
        for j in range(1, s):
            if a >> (s - 1 - j) & 1:
                v ^= m[k - j] << j
        m.append(v)
    return tuple(m)


@lru_cache(maxsize=None)
def direction_numbers(dim: int, width: int) -> tuple[int, ...]:
    """v_1 .. v_width of ``dim`` as width-bit integers: v_k = m_k << (width - k)."""
    return tuple(mk << (width - k) for k, mk in enumerate(m_values(dim, width), start=1))

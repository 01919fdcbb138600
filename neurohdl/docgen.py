# SPDX-License-Identifier: Apache-2.0
"""Generated docs tables: each core page's ports and Params tables, rendered from the code.

A core's page ``docs/cores/<family>/<core>.md`` holds two generated blocks:

    ## Ports

    <!-- BEGIN generated: ports -->
    ...            (written by `neurohdl docs`; do not edit by hand)
    <!-- END generated: ports -->

    ## Params

    <!-- BEGIN generated: params -->
    ...
    <!-- END generated: params -->

The ports table lists ``CoreDecl.port_list`` at the default Params: name, direction, width (with
the Params expression it comes from, e.g. ``width + 1``, where the code computes it from Params
fields; see :func:`width_exprs`) and the port's doc.  The Params table lists
``Params.describe()``: name (dotted for nested Params), default, what is allowed, meaning.
Everything else on the page (contract, timing, notes under the tables) is hand-written.

Adding a core page (e.g. a new ``stream.fifo``): write the page with ``## Ports`` and
``## Params`` headings (or the four marker lines), then run ``neurohdl docs stream.fifo``: it
puts the markers in place of the first table under each heading (or right under the heading when
there is none) and fills them.  ``neurohdl docs --check`` (and tests/test_docs.py) fails, one
line per page, when a committed page differs from what the code gives; change the docs in the
code (``pfield`` docs, ``Port`` docs), then rerun ``neurohdl docs``.
"""
from __future__ import annotations

import ast
import dataclasses
import operator
import random
import re
from pathlib import Path

from .errors import NeurohdlError

KINDS = ("ports", "params")
HEADINGS = {"ports": "Ports", "params": "Params"}
BEGIN = "<!-- BEGIN generated: {} -->"
END = "<!-- END generated: {} -->"
EXPR_CONFIGS = 8        # random configurations a width expression must also hold for


class DocsError(NeurohdlError):
    """A core page cannot take the generated tables (no heading, broken markers, no page)."""


# ------------------------------------------------------------------ width expressions -----
# operator -> (dunder name, function, binding strength as in Python: shifts below + -)
_OPS = {"+": ("add", operator.add, 1), "-": ("sub", operator.sub, 1),
        "*": ("mul", operator.mul, 2), "//": ("floordiv", operator.floordiv, 2),
        "<<": ("lshift", operator.lshift, 0), ">>": ("rshift", operator.rshift, 0)}


class _Sym(int):
    """An int that remembers the Params expression it was computed from (``expr``: a name,
    a number, or ``(op, left, right)``).  Operations outside + - * // << >> give plain ints,
    so an expression is never claimed for what it does not record."""

    def __new__(cls, value: int, expr):
        obj = super().__new__(cls, value)
        obj.expr = expr
        return obj


def _binary(op: str, swap: bool):
    fn = _OPS[op][1]

    def method(self, other):
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        o = other.expr if isinstance(other, _Sym) else int(other)
        if swap:
            return _Sym(fn(int(other), int(self)), (op, o, self.expr))
        return _Sym(fn(int(self), int(other)), (op, self.expr, o))
    return method


for _op, (_name, _, _) in _OPS.items():
    setattr(_Sym, f"__{_name}__", _binary(_op, swap=False))
    setattr(_Sym, f"__r{_name}__", _binary(_op, swap=True))


class _Traced:
    """A view of Params whose int attributes are :class:`_Sym` named after the attribute."""

    def __init__(self, p):
        self._p = p

    def __getattr__(self, name):
        v = getattr(self._p, name)
        return _Sym(v, name) if type(v) is int else v


def _eval(expr, p) -> int:
    """``expr`` at the Params ``p`` (AttributeError, ValueError, ZeroDivisionError when it has
    no value there)."""
    if isinstance(expr, str):
        return getattr(p, expr)
    if isinstance(expr, int):
        return expr
    op, a, b = expr
    return _OPS[op][1](_eval(a, p), _eval(b, p))


def _text(expr, prec: int = -1, right: bool = False) -> str:
    if not isinstance(expr, tuple):
        return str(expr)
    op, a, b = expr
    mine = _OPS[op][2]
    s = f"{_text(a, mine)} {op} {_text(b, mine, right=True)}"
    return f"({s})" if mine < prec or (right and mine == prec) else s


def _names(expr) -> bool:
    return isinstance(expr, str) or (isinstance(expr, tuple) and (_names(expr[1])
                                                                 or _names(expr[2])))


def width_exprs(decl, p) -> dict[str, str]:
    """Port name -> the Params expression of its width (``'width + 1'``), for the ports whose
    width ``decl.ports`` computes from Params attributes by + - * // << >>.  An expression is
    kept only if it also gives the port's width in EXPR_CONFIGS seeded random configurations
    (a branch or a max() that the trace cannot see drops it)."""
    try:
        traced = list(decl.ports(_Traced(p)))
    except Exception:       # a ports() that needs the real Params object: widths only
        return {}
    plain = {q.name: q.width for q in decl.port_list(p)}
    exprs = {q.name: q.width.expr for q in traced
             if isinstance(q.width, _Sym) and _names(q.width.expr) and plain.get(q.name) == q.width}
    rng = random.Random(f"neurohdl docs {decl.name}")
    for _ in range(EXPR_CONFIGS):
        try:
            q = decl.params.random(rng)
            widths = {port.name: port.width for port in decl.port_list(q)}
        except NeurohdlError:
            continue
        for name, expr in list(exprs.items()):
            try:
                ok = name not in widths or _eval(expr, q) == widths[name]
            except (AttributeError, TypeError, ValueError, ZeroDivisionError):
                ok = False
            if not ok:
                del exprs[name]
    return {name: _text(expr) for name, expr in exprs.items()}


# ------------------------------------------------------------------------- tables -------
def _cell(text) -> str:
    """Text for a Markdown table cell: pipes, emphasis stars and tag brackets escaped."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
            .replace("<", "&lt;").replace("\n", " "))


def _code(text) -> str:
    return f"`{text}`" if "|" not in str(text) and "`" not in str(text) else _cell(text)


_ROLE_DOC = {"tready": "back-pressure of `{}`: the beat transfers on tvalid && tready",
             "tvalid": "transfer on tvalid && tready"}


def ports_table(entry) -> str:
    decl = entry.decl
    p = decl.params()
    exprs = width_exprs(decl, p)
    rows = ["| port | dir | width | meaning |", "|---|---|---|---|"]
    for q in decl.port_list(p):
        width = str(q.width) + (f" = {_code(exprs[q.name])}" if q.name in exprs else "")
        width += ", signed" if q.signed else ""
        doc = _cell(q.doc) if q.doc else _ROLE_DOC.get(q.role, "").format(q.stream or "")
        rows.append(f"| `{q.name}` | {q.direction} | {width} | {doc} |")
    return ("Generated by `neurohdl docs` from the code; widths at the default Params.\n\n"
            + "\n".join(rows))


def _default(v) -> str:
    if v is dataclasses.MISSING:
        return "(see the class)"
    return _code(repr(v))


def _allowed(row: dict, info: dict | None) -> tuple[str, bool]:
    """What a describe() row allows, as a table cell; True when a bound depends on other
    fields (then its value at the defaults is shown, starred)."""
    rng = row["range"]
    dependent = False
    if " | " in rng or rng.startswith("'"):
        text = " \\| ".join(_code(c) for c in rng.split(" | "))
    elif rng and re.fullmatch(r"(f\(\.\.\.\)|.*?)\.\.(.*)", rng) is None:  # a nested Params class
        text = _code(rng)
    elif rng:
        parts = re.fullmatch(r"(f\(\.\.\.\)|.*?)\.\.(.*)", rng).groups()
        shown = []
        for part, key in zip(parts, ("lo", "hi")):
            if part == "f(...)":
                value = info.get(key) if info else None
                dependent |= value is not None
                shown.append(f"{value}\\*" if value is not None else "f(...)")
            else:
                shown.append("" if part == "None" else part)
        text = "..".join(shown)
    else:
        kind = info["kind"] if info else type(row["default"]).__name__
        text = {"bool": "`True` \\| `False`", "str": "text"}.get(kind, "any integer")
    if info and info.get("optional"):
        text += " or `None`"
    return text, dependent


def _holds(when: str, p) -> bool:
    """Whether a describe() row's ``when`` (``"neuron = 'lif'"``, ``"engine.neuron in ('a',
    'b')"``, joined by `` and ``) holds for the Params ``p``."""
    for cond in when.split(" and "):
        m = re.fullmatch(r"(\S+) (=|in) (.+)", cond)
        if m is None:
            return False
        name, op, value = m.groups()
        v = p
        for part in name.split("."):
            v = getattr(v, part)
        wanted = ast.literal_eval(value)
        if not (v == wanted if op == "=" else v in wanted):
            return False
    return True


def params_table(entry) -> str:
    cls = entry.decl.params
    rows = cls.describe()
    if not rows:
        return "This core has no Params."
    # info() resolves callable bounds at the defaults; it has the rows of a nested Params field
    # chosen by another field (describe()'s ``when``) for the default choice only
    p = cls()
    infos = {r["name"]: r for r in p.info()}
    lines = ["| name | default | allowed | meaning |", "|---|---|---|---|"]
    starred, group = False, None
    for row in rows:
        when = row.get("when")
        if when and when != group:
            lines.append(f"| *{_cell('when ' + when)}:* | | | |")
        group = when
        info = infos.get(row["name"]) if not when or _holds(when, p) else None
        allowed, dependent = _allowed(row, info)
        starred |= dependent
        default = f"`{row['default']}`" if info and info["kind"] == "params" else \
            _default(row["default"])
        lines.append(f"| `{row['name']}` | {default} | {allowed} | {_cell(row['doc'])} |")
    legend = [(" \\* marks a bound that depends on other fields (its value at the defaults).",
               starred),
              (" f(...) marks a bound computed from other fields.",
               any("f(...)" in line for line in lines))]
    head = f"Generated by `neurohdl docs` from `{cls.__name__}`." + \
        "".join(text for text, shown in legend if shown)
    return head + "\n\n" + "\n".join(lines)


def block(kind: str, entry) -> str:
    body = ports_table(entry) if kind == "ports" else params_table(entry)
    return f"{BEGIN.format(kind)}\n{body}\n{END.format(kind)}"


# --------------------------------------------------------------------------- pages -------
def page_path(entry, docs: Path) -> Path:
    return docs / "cores" / entry.decl.family / f"{entry.decl.core}.md"


def _place(text: str, kind: str, new: str, where: str) -> str:
    """``text`` with the ``kind`` block set to ``new``: between its markers, else in place of
    the first table under the ``## Ports``/``## Params`` heading, else right under it."""
    begin, end = BEGIN.format(kind), END.format(kind)
    if text.count(begin) != text.count(end) or text.count(begin) > 1:
        raise DocsError(f"{where}: {begin} and {end}: allowed one pair of markers")
    if begin in text:
        i, j = text.index(begin), text.index(end)
        if j < i:
            raise DocsError(f"{where}: {end} comes before {begin}")
        return text[:i] + new + text[j + len(end):]
    lines = text.split("\n")
    title = HEADINGS[kind]
    try:
        h = next(n for n, line in enumerate(lines) if re.match(rf"## {title}\b", line))
    except StopIteration:
        raise DocsError(f"{where}: no '## {title}' heading and no {begin} marker; allowed "
                        "either (the generated table goes there)") from None
    n = h + 1
    while n < len(lines) and not lines[n].startswith("#") and not lines[n].startswith("|"):
        n += 1
    if n < len(lines) and lines[n].startswith("|"):
        m = n
        while m < len(lines) and lines[m].startswith("|"):
            m += 1
        return "\n".join(lines[:n] + [new] + lines[m:])
    return "\n".join(lines[:h + 1] + ["", new] + lines[h + 1:])


def render(entry, text: str, where: str) -> str:
    """The page text with both generated blocks up to date."""
    for kind in KINDS:
        text = _place(text, kind, block(kind, entry), where)
    return text


@dataclasses.dataclass(frozen=True)
class Change:
    """A core page that is not what the code gives: ``tables`` differ ('params table',
    'ports and params tables'), or ``problem`` says why the page cannot take them."""
    page: str
    tables: str = ""
    problem: str = ""

    def __str__(self) -> str:
        if self.problem:
            return f"{self.page}: {self.problem}"
        return f"{self.page}: {self.tables} differ{'' if ' and ' in self.tables else 's'} " \
               "from the code"


def update(entries, docs: Path, write: bool) -> list[Change]:
    """Every core page of ``entries`` under ``docs`` that is not what the code gives.

    ``write``: the pages are rewritten, all or none: a missing page, or one without a place for
    the tables, raises DocsError before anything is written.  Otherwise nothing is written and
    such a page is a Change with a ``problem``."""
    changes, pending = [], []
    for entry in entries:
        path = page_path(entry, docs)
        where = f"docs/cores/{entry.decl.family}/{path.name}"
        try:
            if not path.is_file():
                raise DocsError(f"{where}: no such page; allowed a registered core's page "
                                "(write it with '## Ports' and '## Params' headings first)")
            old = path.read_text(encoding="utf-8")
            new = render(entry, old, where)
        except DocsError as e:
            if write:
                raise
            changes.append(Change(where, problem=str(e).removeprefix(f"{where}: ")))
            continue
        if new != old:
            kinds = [k for k in KINDS if _block_text(old, k) != _block_text(new, k)]
            changes.append(Change(where, " and ".join(kinds) + " table" + "s" * (len(kinds) > 1)))
            pending.append((path, new))
    if write:
        for path, new in pending:
            path.write_text(new, encoding="utf-8")
    return changes


def _block_text(text: str, kind: str) -> str | None:
    begin, end = BEGIN.format(kind), END.format(kind)
    if begin not in text or end not in text:
        return None
    return text[text.index(begin):text.index(end)]


__all__ = ["Change", "DocsError", "block", "page_path", "params_table", "ports_table", "render",
           "update", "width_exprs"]

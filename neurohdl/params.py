# SPDX-License-Identifier: Apache-2.0
"""Params: the frozen, validated dataclass that feeds every consumer of a core.

A core's Params subclass declares its fields with :func:`pfield`, giving each a description and
its legal range (bounds may be callables of the partially built Params, for ranges that depend on
other fields).  ``__post_init__`` here checks every field against its declaration, then calls the
subclass hook ``check()`` for cross-field rules and ``derive()`` to compute derived values once.

    @dataclass(frozen=True)
    class LfsrParams(Params):
        width: int = pfield(16, "register width", lo=3, hi=32)

Errors are :class:`neurohdl.ParamError` naming class, field, value and allowed range.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import random as _random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import NeurohdlError, ParamError

_MISSING = dataclasses.MISSING


def pfield(default: Any, doc: str, *, lo: Any = None, hi: Any = None, choices: Any = None,
           rand: tuple[int, int] | None = None, optional: bool = False,
           text_file: Callable[[str], Any] | None = None) -> Any:
    """Declare a Params field.

    The field's kind (int, str or bool) comes from its annotation (``int | None`` is an int
    field); values of another kind are refused, never converted.
    lo/hi: inclusive bounds for ints (ints or callables ``f(params) -> int``).
    choices: allowed values (for str/bool enums).
    rand: (lo, hi) range that ``random()`` draws from instead of lo..hi, to keep simulations
          short; corners of this range are drawn often.
    optional: None is allowed (meaning "derive it"); ``derive()`` must then resolve it.
    text_file: the value names a UTF-8 text file of at most MAX_FILE_BYTES; the callable
          resolves the name to a path (raising a NeurohdlError when there is none), so the
          field is checked with the same lookup its consumer uses.
    """
    meta = {"doc": doc, "lo": lo, "hi": hi, "choices": choices, "rand": rand, "optional": optional,
            "text_file": text_file}
    return field(default=default, metadata=meta)


MAX_TEXT = 4096            # characters of a text value (a str field or a path)
MAX_NAME = 255             # bytes of one path component (NAME_MAX on Linux and macOS)
MAX_FILE_BYTES = 1 << 20   # a text_file field's file
_INT_TEXT = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0|[1-9][0-9]*)")
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def parse_int(text: str) -> int | None:
    """An integer written in ASCII digits with an optional sign and 0x/0b/0o prefix (no ``1_000``,
    no other scripts' digits); None for anything else."""
    s = text.strip()
    return int(s, 0) if len(s) <= 80 and _INT_TEXT.fullmatch(s) else None


def field_kind(f: dataclasses.Field) -> str:
    """'int', 'str' or 'bool' from the annotation (``int | None`` -> 'int'); fields without a
    usable annotation fall back to the kind of their default (or of their choices)."""
    t = f.type
    names = [t.__name__] if isinstance(t, type) else \
        [x.strip() for x in str(t).replace("typing.", "").split("|")]
    names = [n for n in names if n not in ("None", "NoneType")]
    if len(names) == 1 and names[0] in ("int", "str", "bool"):
        return names[0]
    sample = f.default if f.default is not None else next(iter(f.metadata.get("choices") or ()), 0)
    return "bool" if isinstance(sample, bool) else "str" if isinstance(sample, str) else "int"


def one_line(text: str) -> str:
    """The first line of a message that nests a tool's multi-line report (a compiler's source
    excerpt and caret), parentheses it opened closed again."""
    lines = str(text).strip().splitlines()
    if len(lines) <= 1:
        return str(text).strip()
    first = lines[0].rstrip()
    return first + " ..." + ")" * max(0, first.count("(") - first.count(")"))


def _resolve(bound, obj):
    return bound(obj) if callable(bound) else bound


def _fmt(v):
    """A value as an error message shows it: ints above 255 also in hex, long values cut."""
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        if v.bit_length() > 64:
            return f"an integer of {v.bit_length()} bits"
        return f"{v} ({v:#x})" if v > 255 else repr(v)
    text = repr(v)
    if len(text) <= 80:
        return text
    return f"{text[:60]}...' ({len(v)} characters)" if isinstance(v, str) else text[:60] + "..."


@dataclass(frozen=True)
class Params:
    """Base of every core's parameter set (frozen; validated on construction)."""

    # -- construction -------------------------------------------------------------------
    def __post_init__(self):
        object.__setattr__(self, "_derived", {})
        for f in dataclasses.fields(self):
            self._check_field(f)
        self.check()
        self.derive()

    def check(self) -> None:
        """Cross-field validation hook (raise :meth:`error`)."""

    def derive(self) -> None:
        """Compute derived values with :meth:`set_derived`; called once after checks."""

    # -- helpers for subclasses ------------------------------------------------------------
    def error(self, name: str, value: Any, allowed: str) -> ParamError:
        """The ParamError for field ``name``: one line, naming class, field, value and what is
        allowed (``e.param`` is the field name)."""
        return _param_error(f"{type(self).__name__}.{name} = {_fmt(value)}: allowed "
                            f"{one_line(allowed)}", name)

    def set_derived(self, name: str, value: Any) -> None:
        self._derived[name] = value

    def resolve(self, name: str, value: Any) -> None:
        """Replace an optional (None) field by its resolved value, once, in derive()."""
        object.__setattr__(self, name, value)

    def derived(self) -> dict[str, Any]:
        return dict(self._derived)

    def __getattr__(self, name):
        d = self.__dict__.get("_derived")
        if d is not None and name in d:
            return d[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def _check_field(self, f: dataclasses.Field) -> None:
        m = f.metadata
        v = getattr(self, f.name)
        if v is None and m.get("optional"):
            return
        kind = field_kind(f)
        if kind == "bool":
            if not isinstance(v, bool):
                raise self.error(f.name, v, "True or False")
        elif kind == "str":
            if not isinstance(v, str):
                raise self.error(f.name, v, _choices_text(m).strip() or "a text value")
            if len(v) > MAX_TEXT or any(ord(c) < 0x20 or ord(c) == 0x7F for c in v):
                raise self.error(f.name, v, f"printable text of at most {MAX_TEXT} characters")
        elif isinstance(v, bool) or not isinstance(v, int):
            raise self.error(f.name, v, _choices_text(m).strip() or
                             "an integer" + self._range_text(m))
        choices = m.get("choices")
        if choices is not None:
            if v not in choices:
                raise self.error(f.name, v, _choices_text(m).strip())
            return
        if kind == "int":
            lo, hi = _resolve(m.get("lo"), self), _resolve(m.get("hi"), self)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise self.error(f.name, v, self._range_text(m).strip())
        if m.get("text_file") is not None:
            check_text_file(v, m["text_file"], lambda allowed: self.error(f.name, v, allowed))

    def _range_text(self, m) -> str:
        try:
            lo, hi = _resolve(m.get("lo"), self), _resolve(m.get("hi"), self)
        except Exception:  # bound depends on a field that is itself bad
            return ""
        if lo is None and hi is None:
            return ""
        if hi is None:
            return f" >= {lo}"
        if lo is None:
            return f" <= {hi}"
        return f" {lo}..{hi}"

    # -- identity ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        h = hashlib.sha256(f"{type(self).__name__}:{self.to_json()}".encode())
        return h.hexdigest()[:12]

    def replace(self, **changes) -> "Params":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Params":
        """Build from a mapping of possibly-string values (CLI --set, FuseSoC YAML, JSON).

        Text is parsed strictly by the field's kind (ASCII integers with an optional 0x/0b/0o
        prefix; true/false/yes/no/on/off/1/0 for bools; a text field keeps its text).  An error
        about a field the caller left at its default names the fields the caller set."""
        names = {f.name: f for f in dataclasses.fields(cls)}
        kw = {}
        for k, v in d.items():
            if k not in names:
                near = difflib.get_close_matches(str(k), list(names), n=1)
                hint = f"did you mean {near[0]}? " if near else ""
                raise _param_error(f"{cls.__name__}.{k}: no such parameter; {hint}allowed "
                                   + (", ".join(sorted(names)) or "none (this core has no Params)"),
                                   k)
            kw[k] = cls._coerce(names[k], v)
        try:
            return cls(**kw)
        except ParamError as e:
            bad = getattr(e, "param", None)
            if bad is None or bad in kw or not kw:
                raise
            given = ", ".join(f"{k} = {_fmt(v)}" for k, v in kw.items())
            raise _param_error(f"{e} ({bad} left at its default; set: {given})", bad) from None

    @classmethod
    def from_json(cls, s: str) -> "Params":
        return cls.from_dict(json.loads(s))

    @classmethod
    def _coerce(cls, f: dataclasses.Field, v: Any) -> Any:
        """A text value parsed by the field's kind; other values are returned as they are
        (the field check refuses a value of the wrong kind)."""
        kind = field_kind(f)
        optional = f.metadata.get("optional")
        if v is None and kind == "str" and not optional:
            return ""            # an empty YAML value (``engine:``) of a text field
        if not isinstance(v, str):
            return v
        s = v.strip()
        if kind == "str":
            return None if optional and s.lower() in ("none", "null", "") else v
        if optional and s.lower() in ("none", "null", ""):
            return None
        if kind == "bool":
            if s.lower() in _TRUE + _FALSE:
                return s.lower() in _TRUE
            raise _param_error(f"{cls.__name__}.{f.name} = {_fmt(v)}: allowed true or false",
                               f.name)
        if parse_int(s) is not None:
            return parse_int(s)
        raise _param_error(f"{cls.__name__}.{f.name} = {_fmt(v)}: allowed an integer (ASCII "
                           "digits, optional 0x/0b/0o prefix)" + _choices_text(f.metadata)
                           + (" or none" if optional else ""), f.name)

    # -- docs and random configurations -------------------------------------------------------
    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Rows for docs tables: name, default, range text, description."""
        rows = []
        for f in dataclasses.fields(cls):
            m = f.metadata
            if m.get("choices") is not None:
                rng = " | ".join(repr(c) for c in m["choices"])
            else:
                lo, hi = m.get("lo"), m.get("hi")
                rng = f"{'f(...)' if callable(lo) else lo}..{'f(...)' if callable(hi) else hi}" \
                    if lo is not None or hi is not None else ""
            rows.append({"name": f.name, "default": f.default, "range": rng,
                         "doc": m.get("doc", "")})
        return rows

    def info(self) -> list[dict[str, Any]]:
        """One row per field for ``neurohdl info``: kind, default, this configuration's value,
        the range with callable bounds resolved against this configuration, and the doc."""
        rows = []
        for f in dataclasses.fields(self):
            m = f.metadata
            lo, hi = _resolve(m.get("lo"), self), _resolve(m.get("hi"), self)
            rows.append({"name": f.name, "kind": field_kind(f), "default": f.default,
                         "value": getattr(self, f.name), "lo": lo, "hi": hi,
                         "choices": list(m["choices"]) if m.get("choices") else None,
                         "optional": bool(m.get("optional")), "doc": m.get("doc", "")})
        return rows

    @classmethod
    def random(cls, rng: _random.Random, **fixed) -> "Params":
        """A random legal configuration; each field's min and max are drawn often.

        Fields are drawn in declaration order so callable bounds can see earlier fields.
        ``fixed`` pins fields.  Subclasses override ``_random_field`` for special fields.
        """
        for _attempt in range(200):
            kw: dict[str, Any] = {}
            for f in dataclasses.fields(cls):
                if f.name in fixed:
                    kw[f.name] = fixed[f.name]
                    continue
                kw[f.name] = cls._random_field(f, rng, _Partial(kw))
            try:
                return cls(**kw)
            except ParamError:
                continue
        raise ParamError(f"{cls.__name__}.random: no legal configuration found with {fixed}")

    @classmethod
    def _random_field(cls, f: dataclasses.Field, rng: _random.Random, partial: "_Partial") -> Any:
        m = f.metadata
        if m.get("choices") is not None:
            return rng.choice(list(m["choices"]))
        if isinstance(f.default, bool):
            return rng.random() < 0.5
        if m.get("optional") and rng.random() < 0.6:
            return None
        lo, hi = m.get("rand") or (m.get("lo"), m.get("hi"))
        try:
            lo, hi = _resolve(lo, partial), _resolve(hi, partial)
        except (AttributeError, TypeError):
            return f.default
        if lo is None or hi is None:
            return f.default
        r = rng.random()
        if r < 0.2:
            return lo
        if r < 0.4:
            return hi
        return rng.randint(lo, hi)


def check_text_file(v: str, resolve: Callable[[str], Any], error: Callable[[str], Exception]) -> Path:
    """``v`` names a UTF-8 text file of at most MAX_FILE_BYTES, found by ``resolve``; returns its
    path.  ``error(allowed)`` builds the exception that names the field or argument."""
    if not v:
        raise error("the path of a file")
    if max(len(x.encode()) for x in v.replace("\\", "/").split("/")) > MAX_NAME:
        raise error(f"a path whose names have 1..{MAX_NAME} bytes")
    try:
        path = Path(resolve(v))
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except NeurohdlError as e:
        raise error(f"an existing file ({e})") from None
    except OSError as e:
        raise error(f"a readable file ({e.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise error(f"a text file of at most {MAX_FILE_BYTES} bytes ({size} bytes)")
    try:
        data.decode("utf-8")
        binary = b"\0" in data
    except UnicodeDecodeError:
        binary = True
    if binary:
        raise error("a UTF-8 text file (this one is binary)")
    return path


def _param_error(message: str, name: str) -> ParamError:
    """A one-line ParamError remembering the field it is about in ``e.param``."""
    e = ParamError(one_line(message))
    e.param = name
    return e


def _choices_text(m) -> str:
    choices = m.get("choices")
    return "" if choices is None else " one of " + ", ".join(repr(c) for c in choices)


class _Partial:
    """Attribute view of the fields drawn so far (for callable bounds during random())."""

    def __init__(self, d):
        self.__dict__.update(d)
        self._d = d

    def __getattr__(self, name):
        raise AttributeError(name)


def check_choice(p: Params, name: str, value: Any, choices) -> None:
    if value not in choices:
        raise p.error(name, value, "one of " + ", ".join(repr(c) for c in choices))


__all__ = ["Params", "pfield", "check_choice", "check_text_file", "field_kind", "one_line",
           "parse_int", "dataclass"]

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
import hashlib
import json
import random as _random
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ParamError

_MISSING = dataclasses.MISSING


def pfield(default: Any, doc: str, *, lo: Any = None, hi: Any = None, choices: Any = None,
           rand: tuple[int, int] | None = None, optional: bool = False) -> Any:
    """Declare a Params field.

    lo/hi: inclusive bounds for ints (ints or callables ``f(params) -> int``).
    choices: allowed values (for str/bool enums).
    rand: (lo, hi) range that ``random()`` draws from instead of lo..hi, to keep simulations
          short; corners of this range are drawn often.
    optional: None is allowed (meaning "derive it"); ``derive()`` must then resolve it.
    """
    meta = {"doc": doc, "lo": lo, "hi": hi, "choices": choices, "rand": rand, "optional": optional}
    return field(default=default, metadata=meta)


def _resolve(bound, obj):
    return bound(obj) if callable(bound) else bound


def _fmt(v):
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int) and v > 255:
        return f"{v} ({v:#x})"
    return repr(v)


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
        return ParamError(f"{type(self).__name__}.{name} = {_fmt(value)}: allowed {allowed}")

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
        cls = type(self).__name__
        choices = m.get("choices")
        default = f.default
        if choices is not None:
            if v not in choices:
                raise ParamError(f"{cls}.{f.name} = {_fmt(v)}: allowed one of "
                                 + ", ".join(repr(c) for c in choices))
            return
        if isinstance(default, bool) or (default is None and isinstance(v, bool)):
            if not isinstance(v, bool):
                raise ParamError(f"{cls}.{f.name} = {_fmt(v)}: allowed True or False")
            return
        if isinstance(default, int) or m.get("lo") is not None or default is None:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ParamError(f"{cls}.{f.name} = {v!r}: allowed an integer"
                                 + self._range_text(m))
            lo, hi = _resolve(m.get("lo"), self), _resolve(m.get("hi"), self)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                raise ParamError(f"{cls}.{f.name} = {_fmt(v)}: allowed{self._range_text(m)}")

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
        """Build from a mapping of possibly-string values (CLI --set, FuseSoC YAML, JSON)."""
        names = {f.name: f for f in dataclasses.fields(cls)}
        kw = {}
        for k, v in d.items():
            if k not in names:
                raise ParamError(f"{cls.__name__}.{k}: no such parameter; allowed "
                                 + (", ".join(sorted(names)) or "none (this core has no Params)"))
            kw[k] = cls._coerce(names[k], v)
        return cls(**kw)

    @classmethod
    def from_json(cls, s: str) -> "Params":
        return cls.from_dict(json.loads(s))

    @staticmethod
    def _coerce(f: dataclasses.Field, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        s = v.strip()
        if s.lower() in ("none", "null", ""):
            return None
        choices = f.metadata.get("choices")
        if choices is not None and all(isinstance(c, str) for c in choices):
            return s
        if isinstance(f.default, bool) or s.lower() in ("true", "false"):
            if s.lower() in ("true", "1", "yes"):
                return True
            if s.lower() in ("false", "0", "no"):
                return False
            return s
        try:
            return int(s, 0)
        except ValueError:
            return s

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


__all__ = ["Params", "pfield", "check_choice", "dataclass"]

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

Nested Params.  :func:`pfield_params` declares a field whose value is itself a Params: of one
class, or of the class a lookup table gives for another field's value (``choose_by``)::

    engine: EngineParams = pfield_params(EngineParams, "the engine", bind={"n": "n_neurons"})
    cell: Params | None = pfield_params(CELLS, "the neuron's own Params", choose_by="neuron",
                                        bind={"in_width": "in_width"})

``CELLS`` maps each value of ``neuron`` to a Params class (or to None: no nested Params for that
value); it may be a zero-argument callable returning that mapping (a registry filled later).
``bind`` names nested fields that always take an outer field's value (they are not set
separately).  The field's value may be given as an instance of the chosen class, as a mapping
of its fields, or as None / left out: the chosen class's defaults (so changing ``neuron`` alone
gives the new type's defaults).  Rules, recursively at every depth:

* fields are checked in declaration order; ``choose_by`` and ``bind`` name earlier fields;
* errors name the full dotted path from the outermost class
  (``SnnSocParams.engine.cell.du = 5000: allowed 0..4095``); a value of the wrong class says
  which class the chooser allows;
* ``from_dict`` takes nested mappings and dotted keys (``{"engine.cell.vth": "80"}``), merged in
  order, a later key winning; ``to_dict``/``to_json`` are nested (bound fields left out);
  ``digest`` covers every nested value; ``random`` draws nested Params of the chosen class;
  ``describe``/``info`` add one row for the nested field and its class's rows with dotted names
  (``describe`` rows of a chosen class carry ``when``: e.g. ``"neuron = 'alif'"``);
  ``replace`` takes dotted names too; ``pinned`` gives the values at dotted names for
  ``random(**fixed)``.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import random as _random
import re
from collections.abc import Mapping
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


def pfield_params(classes: Any, doc: str, *, choose_by: str | None = None,
                  bind: Mapping[str, str] | None = None) -> Any:
    """Declare a field whose value is a Params (module docstring: "Nested Params").

    classes: the field's Params subclass; with ``choose_by`` (the name of an earlier field), a
          mapping {value of that field: Params subclass, or None for "no nested Params"} or a
          zero-argument callable returning that mapping (looked up at use, so a registry may
          fill it after this declaration).
    bind: {nested field: outer field}: the nested field always takes the outer field's value
          (where the chosen class has that field); it is not set separately.
    The field's default is None: the (chosen) class's defaults.
    """
    if choose_by is None and not (isinstance(classes, type) and issubclass(classes, Params)):
        raise TypeError(f"pfield_params({classes!r}): allowed a Params subclass, or choose_by= "
                        "with a mapping {value: Params subclass or None}")
    if choose_by is not None and (isinstance(classes, type) or not (
            isinstance(classes, Mapping) or callable(classes))):
        raise TypeError(f"pfield_params({classes!r}, choose_by={choose_by!r}): allowed a mapping "
                        "{value: Params subclass or None} or a callable returning one")
    spec = _Nested(classes, choose_by, dict(bind or {}))
    return field(default=None, metadata={"doc": doc, "nested": spec})


class _Nested:
    """How a nested Params field finds its class: fixed, or looked up by another field."""

    def __init__(self, classes, choose_by: str | None, bind: dict[str, str]):
        self.classes, self.choose_by, self.bind = classes, choose_by, bind

    def table(self) -> dict[Any, Any]:
        """{chooser value: class or None}; {None: class} for a fixed class."""
        if self.choose_by is None:
            return {None: self.classes}
        return dict(self.classes if isinstance(self.classes, Mapping) else self.classes())

    def lookup(self, key: Any) -> tuple[bool, Any]:
        """(known, class or None) for the chooser's value ``key``."""
        if self.choose_by is None:
            return True, self.classes
        table = self.table()
        try:
            return (True, table[key]) if key in table else (False, None)
        except TypeError:                        # an unhashable value: not a known choice
            return False, None

    def when(self, key: Any) -> str:
        return "" if self.choose_by is None else f" for {self.choose_by} = {key!r}"

    def allowed(self) -> str:
        """What the field allows, as ``neurohdl info`` and docs tables show it."""
        if self.choose_by is None:
            return self.classes.__name__
        return " | ".join(f"{k!r}: {c.__name__ if c else 'none'}" for k, c in self.table().items())

    def default_name(self, owner: type) -> str | None:
        """The class name of the default value (the chooser at its default)."""
        if self.choose_by is None:
            return self.classes.__name__
        _, c = self.lookup(owner.__dataclass_fields__[self.choose_by].default)
        return c.__name__ if c else None


def _nested(f: dataclasses.Field) -> _Nested | None:
    return f.metadata.get("nested")


def _merge(d: Mapping, out: dict | None = None) -> dict:
    """``d`` deep-merged into ``out`` (a new dict by default) in order, dotted keys split into
    nested mappings, a later value winning over an earlier one at the same name; a Params met on
    the way is opened into its ``to_dict()``.  The input mappings are never changed."""
    out = {} if out is None else out
    for k, v in d.items():
        *path, leaf = k.split(".") if isinstance(k, str) else [k]
        node = out
        for part in path:
            cur = node.get(part)
            node[part] = cur = cur.to_dict() if isinstance(cur, Params) else \
                cur if isinstance(cur, dict) else {}
            node = cur
        if isinstance(v, Mapping):
            cur = node.get(leaf)
            node[leaf] = _merge(v, cur.to_dict() if isinstance(cur, Params) else
                                cur if isinstance(cur, dict) else {})
        else:
            node[leaf] = v
    return out


def _leaves(tree: Mapping, prefix: str = "") -> dict[str, Any]:
    """{dotted name: value} of a nested mapping (an empty mapping is a leaf)."""
    out = {}
    for k, v in tree.items():
        if isinstance(v, Mapping) and v:
            out.update(_leaves(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _an(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


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
    usable annotation fall back to the kind of their default (or of their choices); 'params'
    for a nested Params field (:func:`pfield_params`)."""
    if "nested" in f.metadata:
        return "params"
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
    if isinstance(v, Params):
        return f"{type(v).__name__}(...)"
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
            if _nested(f) is not None:
                self._build_nested(f)
            else:
                self._check_field(f)
        self.check()
        self.derive()

    def check(self) -> None:
        """Cross-field validation hook (raise :meth:`error`)."""

    def derive(self) -> None:
        """Compute derived values with :meth:`set_derived`; called once after checks."""

    # -- helpers for subclasses ------------------------------------------------------------
    def error(self, name: str, value: Any, allowed: str) -> ParamError:
        """The ParamError for field ``name`` (a dotted name for a nested Params' field, e.g.
        ``engine.w_width``): one line, naming class, field, value and what is allowed
        (``e.param`` is ``name``, ``e.owner`` this class's name)."""
        return _param_error(f"{type(self).__name__}.{name} = {_fmt(value)}: allowed "
                            f"{one_line(allowed)}", name, type(self).__name__)

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

    def _build_nested(self, f: dataclasses.Field) -> None:
        """A nested Params field: its class (fixed or chosen), its value built from None (the
        class's defaults) or a mapping, bound fields set; errors renamed with this field."""
        spec = _nested(f)
        _check_order(type(self), f, spec)
        v = getattr(self, f.name)
        key = getattr(self, spec.choose_by) if spec.choose_by else None
        known, sub = spec.lookup(key)
        if not known:
            raise self.error(spec.choose_by, key, "one of " + ", ".join(
                repr(k) for k in spec.table()) + f" (it chooses the class of {f.name})")
        if sub is None:
            if v is not None:
                raise self.error(f.name, v, f"none{spec.when(key)} (no nested Params)")
            return
        if v is not None and not isinstance(v, Mapping) and type(v) is not sub:
            raise self.error(f.name, v, f"{_an(sub.__name__)}{spec.when(key)} or a mapping of "
                             "its fields")
        bound = {k: getattr(self, src) for k, src in spec.bind.items()
                 if k in sub.__dataclass_fields__}
        try:
            tree = sub._normalize(_merge(v), sub.__name__, "", bound=bound) \
                if isinstance(v, Mapping) else None
        except ParamError as e:
            raise self._nested_error(f.name, e) from None
        for k, b in bound.items():
            if tree is not None and k in tree and tree[k] != b:
                raise self.error(f"{f.name}.{k}", tree[k], f"{_fmt(b)}, the value of "
                                 f"{spec.bind[k]} (bound to it)")
        try:
            if tree is not None:
                v = sub(**{**tree, **bound})
            elif v is None:
                v = sub(**bound)
            elif any(getattr(v, k) != b for k, b in bound.items()):
                v = dataclasses.replace(v, **bound)
        except ParamError as e:
            raise self._nested_error(f.name, e) from None
        object.__setattr__(self, f.name, v)

    def _nested_error(self, name: str, e: ParamError) -> ParamError:
        """The error of nested field ``name``'s Params, named from this class:
        ``AlifParams.du = 5000: ...`` -> ``EngineParams.cell.du = 5000: ...``."""
        owner, param, text = getattr(e, "owner", None), getattr(e, "param", None), str(e)
        me = type(self).__name__
        if owner and param and text.startswith(f"{owner}.{param}"):
            return _param_error(f"{me}.{name}.{param}{text[len(owner) + len(param) + 1:]}",
                                f"{name}.{param}", me)
        return _param_error(f"{me}.{name}: {text}", name, me)

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
        """{field: value}; a nested Params as its own to_dict() without its bound fields."""
        out = {}
        for f in dataclasses.fields(self):
            v, spec = getattr(self, f.name), _nested(f)
            if spec is not None and isinstance(v, Params):
                v = {k: x for k, x in v.to_dict().items() if k not in spec.bind}
            out[f.name] = v
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        h = hashlib.sha256(f"{type(self).__name__}:{self.to_json()}".encode())
        return h.hexdigest()[:12]

    def replace(self, **changes) -> "Params":
        """A copy with ``changes``; dotted names change nested fields
        (``p.replace(**{"engine.cell.vth": 80})``).  A changed chooser gives its nested field
        the newly chosen class's defaults unless that field is changed too."""
        plain: dict[str, Any] = {}
        dotted: dict[str, dict[str, Any]] = {}
        for k, v in changes.items():
            head, dot, rest = k.partition(".")
            if dot:
                dotted.setdefault(head, {})[rest] = v
            else:
                plain[k] = v
        for f in dataclasses.fields(self):
            spec = _nested(f)
            if spec is None or f.name in plain:
                if spec is not None and f.name in dotted:
                    raise TypeError(f"{type(self).__name__}.replace: {f.name} given whole and "
                                    "by dotted names")
                continue
            sub = dotted.pop(f.name, None)
            if spec.choose_by in plain and \
                    spec.lookup(plain[spec.choose_by])[1] is not type(getattr(self, f.name)):
                plain[f.name] = sub                     # None: the new class's defaults
            elif sub is not None and getattr(self, f.name) is None:
                plain[f.name] = sub
            elif sub is not None:                   # the nested Params' own replace, with the
                cur = getattr(self, f.name)         # new values of its bound fields
                sub.update({k: plain[src] for k, src in spec.bind.items()
                            if src in plain and k in cur.__dataclass_fields__})
                try:
                    plain[f.name] = cur.replace(**sub)
                except ParamError as e:
                    raise self._nested_error(f.name, e) from None
        if dotted:
            raise TypeError(f"{type(self).__name__}.replace: no nested Params field "
                            + ", ".join(sorted(dotted)))
        return dataclasses.replace(self, **plain)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Params":
        """Build from a mapping of possibly-string values (CLI --set, FuseSoC YAML, JSON).

        Text is parsed strictly by the field's kind (ASCII integers with an optional 0x/0b/0o
        prefix; true/false/yes/no/on/off/1/0 for bools; a text field keeps its text).  Nested
        Params come as nested mappings or dotted keys (``{"engine.cell.vth": "80"}``), merged in
        order (a later key wins); an empty text, none or null is the nested class's defaults.
        An error about a field the caller left at its default names the fields the caller set."""
        if not isinstance(d, Mapping):
            raise _param_error(f"{cls.__name__}: parameters = {_fmt(d)}: allowed a mapping of "
                               "names to values", "", cls.__name__)
        tree = cls._normalize(_merge(d), cls.__name__, "")
        try:
            return cls(**tree)
        except ParamError as e:
            bad, given = getattr(e, "param", None), _leaves(tree)
            if bad is None or not given or any(
                    g == bad or g.startswith(bad + ".") or bad.startswith(g + ".") for g in given):
                raise
            text = ", ".join(f"{k} = {_fmt(v)}" for k, v in given.items())
            raise _param_error(f"{e} ({bad} left at its default; set: {text})", bad,
                               getattr(e, "owner", None)) from None

    @classmethod
    def _normalize(cls, tree: dict, owner: str, prefix: str, of: str = "",
                   bound: Mapping[str, Any] = ()) -> dict:
        """``tree`` (a merged mapping) with names checked and text parsed by kind, nested
        mappings by their (chosen) class; errors name ``owner`` + ``prefix`` + the field.
        ``of`` tells which class a nested level is; ``bound`` fields are not offered."""
        names = {f.name: f for f in dataclasses.fields(cls)}
        out = {}
        for k, v in tree.items():
            f = names.get(k)
            if f is None:
                offered = sorted(n for n in names if n not in bound)
                near = difflib.get_close_matches(str(k), offered, n=1)
                hint = f"did you mean {prefix}{near[0]}? " if near else ""
                raise _param_error(f"{owner}.{prefix}{k}: no such parameter{of}; {hint}allowed "
                                   + (", ".join(prefix + n for n in offered)
                                      or "none (this core has no Params)"), f"{prefix}{k}", owner)
            if _nested(f) is None and isinstance(v, Mapping) and v:
                raise _param_error(f"{owner}.{prefix}{k}.{next(iter(v))}: no such parameter "
                                   f"({prefix}{k} is {_an(field_kind(f))} field, not nested "
                                   "Params)", f"{prefix}{k}", owner)
            out[k] = cls._coerce(f, v, owner, prefix)
        for k, v in out.items():
            spec = _nested(names[k])
            if spec is None or not isinstance(v, Mapping):
                continue
            key = None
            if spec.choose_by:
                key = out.get(spec.choose_by, names[spec.choose_by].default)
            known, sub = spec.lookup(key)
            if known and sub is not None:          # else the construction names the chooser
                by = f" for {prefix}{spec.choose_by} = {key!r}" if spec.choose_by else ""
                out[k] = sub._normalize(v, owner, f"{prefix}{k}.", f" of {sub.__name__}{by}",
                                        {n: None for n in spec.bind})
        return out

    @classmethod
    def from_json(cls, s: str) -> "Params":
        return cls.from_dict(json.loads(s))

    @classmethod
    def _coerce(cls, f: dataclasses.Field, v: Any, owner: str | None = None,
                prefix: str = "") -> Any:
        """A text value parsed by the field's kind; other values are returned as they are
        (the field check refuses a value of the wrong kind).  Errors name ``owner`` (this class
        by default) + ``prefix`` + the field."""
        owner = owner or cls.__name__
        name = prefix + f.name
        kind = field_kind(f)
        if kind == "params":
            return None if isinstance(v, str) and v.strip().lower() in ("", "none", "null") else v
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
            raise _param_error(f"{owner}.{name} = {_fmt(v)}: allowed true or false", name, owner)
        if parse_int(s) is not None:
            return parse_int(s)
        raise _param_error(f"{owner}.{name} = {_fmt(v)}: allowed an integer (ASCII "
                           "digits, optional 0x/0b/0o prefix)" + _choices_text(f.metadata)
                           + (" or none" if optional else ""), name, owner)

    # -- docs and random configurations -------------------------------------------------------
    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Rows for docs tables: name, default, range text, description.  A nested Params field
        has its own row (default: its class's name; range: the class, or each chooser value's
        class), then its class's rows with dotted names (bound fields left out); the rows of a
        chosen class carry ``when`` (e.g. ``"neuron = 'alif'"``, ``"neuron in ('a', 'b')"``)."""
        return [{k: (" and ".join(v) if k == "when" else v) for k, v in r.items()}
                for r in cls._rows()]

    @classmethod
    def _rows(cls) -> list[dict[str, Any]]:
        """describe() with ``when`` as a list of conditions (joined by describe)."""
        rows = []
        for f in dataclasses.fields(cls):
            m, spec = f.metadata, _nested(f)
            if spec is not None:
                rows.append({"name": f.name, "default": spec.default_name(cls),
                             "range": spec.allowed(), "doc": m.get("doc", "")})
                by_class: dict[type, list] = {}
                for key, sub in spec.table().items():
                    if sub is not None:
                        by_class.setdefault(sub, []).append(key)
                for sub, keys in by_class.items():
                    cond = [] if spec.choose_by is None else \
                        [f"{spec.choose_by} = {keys[0]!r}" if len(keys) == 1 else
                         f"{spec.choose_by} in ({', '.join(repr(k) for k in keys)})"]
                    for r in sub._rows():
                        if r["name"].split(".")[0] not in spec.bind:
                            rows.append(dict(r, name=f"{f.name}.{r['name']}", when=cond + [
                                f"{f.name}.{c}" for c in r.get("when", [])]))
                continue
            if m.get("choices") is not None:
                rng = " | ".join(repr(c) for c in m["choices"])
            else:
                lo, hi = m.get("lo"), m.get("hi")
                rng = f"{'f(...)' if callable(lo) else lo}..{'f(...)' if callable(hi) else hi}" \
                    if lo is not None or hi is not None else ""
            rows.append({"name": f.name, "default": f.default, "range": rng,
                         "doc": m.get("doc", "")})
        return [r if r.get("when") else {k: v for k, v in r.items() if k != "when"}
                for r in rows]

    def info(self) -> list[dict[str, Any]]:
        """One row per field for ``neurohdl info``: kind, default, this configuration's value,
        the range with callable bounds resolved against this configuration, and the doc.  A
        nested Params field's row has kind 'params', its class's name as default and value,
        ``allowed`` (what describe() calls range) and ``chosen_by`` (the chooser or None); its
        class's rows follow with dotted names (bound fields left out)."""
        rows = []
        for f in dataclasses.fields(self):
            m, spec, v = f.metadata, _nested(f), getattr(self, f.name)
            if spec is not None:
                rows.append({"name": f.name, "kind": "params",
                             "default": spec.default_name(type(self)),
                             "value": type(v).__name__ if v is not None else None,
                             "lo": None, "hi": None, "choices": None, "optional": False,
                             "doc": m.get("doc", ""), "allowed": spec.allowed(),
                             "chosen_by": spec.choose_by})
                if v is not None:
                    rows += [dict(r, name=f"{f.name}.{r['name']}") for r in v.info()
                             if r["name"].split(".")[0] not in spec.bind]
                continue
            lo, hi = _resolve(m.get("lo"), self), _resolve(m.get("hi"), self)
            rows.append({"name": f.name, "kind": field_kind(f), "default": f.default,
                         "value": v, "lo": lo, "hi": hi,
                         "choices": list(m["choices"]) if m.get("choices") else None,
                         "optional": bool(m.get("optional")), "doc": m.get("doc", "")})
        return rows

    def pinned(self, names) -> dict[str, Any]:
        """This configuration's values at the dotted ``names`` as a nested mapping for
        ``random(**fixed)``, with the chooser of each chosen nested Params on the way (so a
        random draw keeps the class those values belong to)."""
        out: dict[str, Any] = {}
        for name in names:
            p, node = self, out
            parts = str(name).split(".")
            for i, part in enumerate(parts):
                v, spec = getattr(p, part), _nested(p.__dataclass_fields__[part])
                if i == len(parts) - 1 or not isinstance(v, Params):
                    node[part] = v
                    break
                if spec.choose_by:
                    node[spec.choose_by] = getattr(p, spec.choose_by)
                if isinstance(node.get(part), Params):
                    break                       # pinned whole already
                node, p = node.setdefault(part, {}), v
        return out

    @classmethod
    def random(cls, rng: _random.Random, **fixed) -> "Params":
        """A random legal configuration; each field's min and max are drawn often.

        Fields are drawn in declaration order so callable bounds can see earlier fields.
        ``fixed`` pins fields (dotted names and nested mappings pin nested fields; the rest of
        that nested Params is drawn).  Subclasses override ``_random_field`` for special fields
        and ``_random_nested`` for a nested Params' draw.
        """
        fixed = cls._pin_bound(_merge(fixed))
        for _attempt in range(200):
            kw: dict[str, Any] = {}
            try:                    # a nested draw may find no legal value with these fields
                for f in dataclasses.fields(cls):
                    if f.name in fixed:
                        v = fixed[f.name]
                        if _nested(f) is not None and isinstance(v, Mapping):
                            v = cls._random_nested(f, rng, _Partial(kw), v)
                        kw[f.name] = v
                        continue
                    kw[f.name] = cls._random_field(f, rng, _Partial(kw))
                return cls(**kw)
            except ParamError:
                continue
        raise ParamError(f"{cls.__name__}.random: no legal configuration found with {fixed}")

    @classmethod
    def _pin_bound(cls, fixed: dict[str, Any]) -> dict[str, Any]:
        """A pinned nested field that is bound to an outer field (``cell.in_width`` of an
        engine) pins the outer field instead (``in_width``); pinned to another value than the
        outer field's pin, it is the one-line error that construction would give."""
        out = dict(fixed)
        for f in dataclasses.fields(cls):
            spec = _nested(f)
            if spec is None or not isinstance(out.get(f.name), Mapping):
                continue
            sub = dict(out[f.name])
            for k, src in spec.bind.items():
                if k not in sub:
                    continue
                v = sub.pop(k)
                if src in out and str(out[src]) != str(v):
                    raise ParamError(f"{cls.__name__}.{f.name}.{k} = {_fmt(v)}: allowed "
                                     f"{_fmt(out[src])}, the value of {src} (bound to it)")
                out.setdefault(src, v)
            out[f.name] = sub
        return out

    @classmethod
    def _random_nested(cls, f: dataclasses.Field, rng: _random.Random, partial: "_Partial",
                       fixed: Mapping[str, Any]) -> Any:
        """A random Params of the class nested field ``f`` takes with the fields drawn so far
        (None where the chooser gives none), ``fixed`` and the bound fields pinned."""
        spec = _nested(f)
        known, sub = spec.lookup(getattr(partial, spec.choose_by, None)
                                 if spec.choose_by else None)
        if not known or sub is None:
            return None                         # the construction names a bad chooser
        bound = {k: getattr(partial, src) for k, src in spec.bind.items()
                 if k in sub.__dataclass_fields__ and hasattr(partial, src)}
        return sub.random(rng, **{**fixed, **bound})

    @classmethod
    def _random_field(cls, f: dataclasses.Field, rng: _random.Random, partial: "_Partial") -> Any:
        m = f.metadata
        if _nested(f) is not None:
            return cls._random_nested(f, rng, partial, {})
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


def _param_error(message: str, name: str, owner: str | None = None) -> ParamError:
    """A one-line ParamError remembering the field it is about in ``e.param`` (a dotted path
    for nested Params) and the class the message names it from in ``e.owner``."""
    e = ParamError(one_line(message))
    e.param = name
    e.owner = owner
    return e


_ORDER_OK: set[tuple[type, str]] = set()


def _check_order(cls: type, f: dataclasses.Field, spec: _Nested) -> None:
    """A nested field's chooser and bound fields are declared before it (a developer's error,
    checked once per class and field)."""
    if (cls, f.name) in _ORDER_OK:
        return
    names = [x.name for x in dataclasses.fields(cls)]
    for src in ([spec.choose_by] if spec.choose_by else []) + list(spec.bind.values()):
        if src not in names[:names.index(f.name)]:
            raise TypeError(f"{cls.__name__}.{f.name}: pfield_params names {src!r}, allowed a "
                            "field declared before it")
    _ORDER_OK.add((cls, f.name))


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


__all__ = ["Params", "pfield", "pfield_params", "check_choice", "check_text_file", "field_kind",
           "one_line", "parse_int", "dataclass"]

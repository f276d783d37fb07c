"""Constructors generated per record type: validation at the cost of a few comparisons.

attrs builds an ``__init__`` that calls each field's converter and validator, two
Python calls per field and more inside them. :func:`compile_init` builds, once per
class, an ``__init__`` that checks the common values inline (``metadata["fast"]``
in :mod:`exchange.fields` names them: an ``int`` in range, a ``date``, a short clean
``str``, a member of the vocabulary, an empty list) and hands anything else to the
field's own converter and validator, in attrs' order (every converter, then every
validator, then ``__attrs_post_init__``). So a record refuses exactly what it refused
before, with the same message, and a valid one is built without a call per field.

:func:`trusted_init` builds the other way in: a function that sets decoded stored
values directly, for rows the store itself wrote (:func:`exchange.codec.from_row`).
:func:`attrs_init` keeps attrs' own constructor, for tests that compare the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

_NOTHING = attrs.NOTHING
_ATTRS_INITS: dict[type, Callable[..., None]] = {}


def _unicode(text: str) -> bool:
    """Whether ``text`` encodes to UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean(limit: int, subject: str = "x") -> str:
    """True when the text ``subject`` (then bound to ``x``) is within ``limit``, has no NUL
    and is valid Unicode: what the text validator asks of a ``str``."""
    return f'len({subject}) <= {limit} and "\\x00" not in x and (x.isascii() or _unicode(x))'


def _guard(fast: tuple[Any, ...], i: int, namespace: dict[str, Any]) -> str:
    """An expression, of the argument ``x``, true when ``x`` may skip the converter and
    validator; it may rebind ``x`` to the converted value (stripped text, a member)."""
    kind = fast[0]
    if kind == "name":
        return f'type(x) is str and (x := x.strip()) != "" and {_clean(fast[1])}'
    if kind == "text":
        return f"type(x) is str and {_clean(fast[1], '(x := x.strip())')}"
    if kind == "optional":
        return f'x is None or (type(x) is str and (x := x.strip()) != "" and {_clean(fast[1])})'
    if kind == "date":
        return "type(x) is _date" if fast[1] else "x is None or type(x) is _date"
    if kind == "int":
        _, low, high, required = fast
        check = f"(type(x) is int and {low} <= x <= {high})"
        return check if required else f"(x is None or {check})"
    if kind == "bool":
        return "x is True or x is False"
    if kind == "enum":
        namespace[f"E{i}"], namespace[f"M{i}"] = fast[1], fast[1].spellings()
        return f"type(x) is E{i} or (type(x) is str and type(x := M{i}.get(x, x)) is E{i})"
    if kind == "empty":
        return "type(x) is tuple and not x"
    raise ValueError(kind)


def _default(field: attrs.Attribute[Any]) -> tuple[bool, Any]:
    """Whether the field's default can be set as it stands, and the converted value."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.factory is not tuple or default.takes_self:
            return False, None
        default = ()
    return True, default if field.converter is None else field.converter(default)  # type: ignore[operator]


def _field_source(field: attrs.Attribute[Any], i: int, namespace: dict[str, Any]) -> list[str]:
    """The lines that take argument ``a<i>`` through field ``i`` and set it."""
    namespace[f"A{i}"], namespace[f"V{i}"] = field, field.validator
    namespace[f"C{i}"] = field.converter or (lambda value: value)
    lines = [f"    x = a{i}"]
    slow = f"x = C{i}(x); slow.append((V{i}, A{i}, x))" if field.validator else f"x = C{i}(x)"
    branch = "if"
    if field.default is not _NOTHING:
        constant, value = _default(field)
        namespace[f"D{i}"] = value if constant else field.default.factory  # type: ignore[union-attr]
        fill = f"x = D{i}" if constant else f"x = D{i}(); {slow}"
        lines.append(f"    if x is _NOTHING: {fill}")
        branch = "elif"
    fast = field.metadata.get("fast")
    if fast is not None and field.validator is not None:
        lines.append(f"    {branch} {_guard(fast, i, namespace)}: pass")
        lines.append(f"    else: {slow}")
    else:
        lines.append(f"    {'else' if branch == 'elif' else 'if True'}: {slow}")
    lines.append(f"    _set(self, {field.name!r}, x)")
    return lines


def _signature(fields: tuple[attrs.Attribute[Any], ...]) -> str:
    """``id=_NOTHING, name, ...``: keyword parameters named as attrs names them, required
    ones (no default) without one, so a missing or unknown argument reads as before."""
    return ", ".join(
        f"{f.alias}=_NOTHING" if f.default is not _NOTHING else str(f.alias) for f in fields
    )


def compile_init(cls: type[Any]) -> None:
    """Give the attrs class ``cls`` a generated ``__init__`` with inline checks."""
    fields = attrs.fields(cls)
    namespace: dict[str, Any] = {
        "_NOTHING": _NOTHING,
        "_set": object.__setattr__,
        "_date": dt.date,
        "_unicode": _unicode,
    }
    if not all(f.init for f in fields):
        return  # attrs sets fields left out of __init__; keep its constructor
    names = ", ".join(str(f.alias) for f in fields)
    renamed = ", ".join(f"a{i}" for i in range(len(fields)))
    body = [f"    {renamed}, = {names},", "    slow = []"]
    for i, field in enumerate(fields):
        body += _field_source(field, i, namespace)
    body.append("    for check, field, value in slow: check(self, field, value)")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    self.__attrs_post_init__()")
    source = f"def __init__(self, *, {_signature(fields)}):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<generated __init__ of {cls.__qualname__}>", "exec"), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    _ATTRS_INITS[cls] = cls.__init__
    cls.__init__ = init


def attrs_init(cls: type[Any]) -> Callable[..., None]:
    """The ``__init__`` attrs built for ``cls``, before :func:`compile_init` replaced it."""
    init: Callable[..., None] = _ATTRS_INITS.get(cls, cls.__init__)
    return init


def trusted_init(cls: type[Any], decoders: list[Callable[[Any], Any] | None]) -> Callable[..., Any]:
    """A function of a stored row (one value per field, in field order) that builds a
    ``cls`` with each value decoded by its decoder (``None``: as it is; ``None`` stays
    ``None``), setting the fields directly: no converter, validator or post-init runs."""
    fields = attrs.fields(cls)
    namespace: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "cls": cls}
    body = ["    self = _new(cls)"]
    for i, (field, decoder) in enumerate(zip(fields, decoders, strict=True)):
        value = f"row[{i}]"
        if decoder is not None:
            namespace[f"d{i}"] = decoder
            value = f"(None if {value} is None else d{i}({value}))"
        body.append(f"    _set(self, {field.name!r}, {value})")
    body.append("    return self")
    source = f"def build(row):\n    if len(row) != {len(fields)}: raise ValueError(row)\n"
    source += "\n".join(body) + "\n"
    exec(compile(source, f"<trusted build of {cls.__qualname__}>", "exec"), namespace)
    build: Callable[..., Any] = namespace["build"]
    return build

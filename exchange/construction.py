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
import functools
import types
from collections.abc import Callable
from typing import Any

import attrs

_NOTHING = attrs.NOTHING
_ATTRS_INITS: dict[type, Callable[..., None]] = {}


def _clean(limit: int, subject: str = "x") -> str:
    """True when the text ``subject`` (then bound to ``x``) is within ``limit``, has no NUL
    and is valid Unicode: what the text validator asks of a ``str``."""
    # printable text has no lone surrogates, zero-width characters or direction marks
    # (none is printable): any other text takes the converter, which removes the marks
    clean = "x.isascii() or x.isprintable()"
    return f'len({subject}) <= {limit} and "\\x00" not in x and ({clean})'


def _guard(fast: tuple[Any, ...], i: int, namespace: dict[str, Any]) -> str:
    """An expression, of the argument ``x``, true when ``x`` may skip the converter and
    validator; it may rebind ``x`` to the converted value (stripped text, a member)."""
    kind = fast[0]
    if kind == "name":
        return f'type(x) is str and (x := x.strip()) != "" and {_clean(fast[1])}'
    if kind == "text":
        return f"type(x) is str and {_clean(fast[1], '(x := x.strip())')}"
    if kind == "ref":  # ASCII as it stands; other text is folded (NFKC) by the converter
        stripped = f'(x := x.strip()) != "" and {_clean(fast[1])}'
        return f"x is None or (type(x) is str and x.isascii() and {stripped})"
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
        check = f"type(x) is E{i} or (type(x) is str and type(x := M{i}.get(x, x)) is E{i})"
        return check if len(fast) == 2 else f"x is None or {check}"
    if kind == "empty":
        return "type(x) is tuple and not x"
    if kind == "words":
        return f"type(x) is tuple and (not x or _words(x, {fast[1]}))"
    if kind == "terms":
        namespace[f"E{i}"] = fast[1]
        return f"type(x) is tuple and (not x or _terms(x, E{i}))"
    raise ValueError(kind)


def _words(values: tuple[Any, ...], limit: int) -> bool:
    """Whether ``values`` are distinct, stripped, non-empty clean texts within ``limit``:
    what the words converter leaves as they are and its validator accepts."""
    for x in values:
        if not (type(x) is str and x and x == x.strip() and len(x) <= limit):
            return False
        if "\x00" in x or not (x.isascii() or x.isprintable()):
            return False
    return len(set(values)) == len(values)


def _terms(values: tuple[Any, ...], vocabulary: type[Any]) -> bool:
    """Whether ``values`` are distinct members of ``vocabulary``."""
    return all(type(x) is vocabulary for x in values) and len(set(values)) == len(values)


def _default(field: attrs.Attribute[Any]) -> tuple[bool, Any]:
    """Whether the field's default can be set as it stands, and the converted value."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.factory is not tuple or default.takes_self:
            return False, None
        default = ()
    return True, default if field.converter is None else field.converter(default)  # type: ignore[operator]


def _field_source(field: attrs.Attribute[Any], i: int, namespace: dict[str, Any]) -> list[str]:
    """The lines that take the argument of field ``i`` through its checks and set it."""
    namespace[f"A{i}"], namespace[f"V{i}"] = field, field.validator
    namespace[f"C{i}"] = field.converter or (lambda value: value)
    lines = [f"    x = {field.alias}"]
    slow = f"x = C{i}(x); _slow.append((V{i}, A{i}, x))" if field.validator else f"x = C{i}(x)"
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
    lines.append(f"    {_setter(field.name, i, namespace)}(self, x)")
    return lines


def _setter(name: str, i: int, namespace: dict[str, Any]) -> str:
    """``S<i>``, the slot's own setter (half the cost of ``object.__setattr__``), or a
    call of ``object.__setattr__`` with the name when the class has no slot for it."""
    cls = namespace["cls"]
    slot = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
    if isinstance(slot, types.MemberDescriptorType):
        namespace[f"S{i}"] = slot.__set__
        return f"S{i}"
    namespace[f"S{i}"] = functools.partial(_set_named, name)
    return f"S{i}"


def _set_named(name: str, instance: Any, value: Any) -> None:
    object.__setattr__(instance, name, value)


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
        "cls": cls,
        "_NOTHING": _NOTHING,
        "_date": dt.date,
        "_words": _words,
        "_terms": _terms,
    }
    if not all(f.init for f in fields):
        return  # attrs sets fields left out of __init__; keep its constructor
    body = ["    _slow = []"]
    for i, field in enumerate(fields):
        body += _field_source(field, i, namespace)
    body.append("    for _check, _field, _value in _slow: _check(self, _field, _value)")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    self.__attrs_post_init__()")
    source = f"def __init__(self, *, {_signature(fields)}):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<generated __init__ of {cls.__qualname__}>", "exec"), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    _ATTRS_INITS.setdefault(cls, cls.__init__)
    cls.__init__ = init


def compile_on_first_use(cls: type[Any]) -> None:
    """Give ``cls`` an ``__init__`` that runs :func:`compile_init` on its first call and
    then the compiled one: compiling every type when the models are imported cost each
    command about 17 ms of start-up, most of them for types it never builds."""
    original = cls.__init__

    def first(self: Any, *args: Any, **kwargs: Any) -> None:
        cls.__init__ = original
        compile_init(cls)
        cls.__init__(self, *args, **kwargs)

    first.__wrapped__ = original  # type: ignore[attr-defined]  # inspect.signature follows it
    first.__doc__ = original.__doc__
    _ATTRS_INITS.setdefault(cls, original)
    cls.__init__ = first


def attrs_init(cls: type[Any]) -> Callable[..., None]:
    """The ``__init__`` attrs built for ``cls``, before :func:`compile_init` replaced it."""
    init: Callable[..., None] = _ATTRS_INITS.get(cls, cls.__init__)
    return init


def trusted_init(cls: type[Any], decoders: list[Callable[[Any], Any] | None]) -> Callable[..., Any]:
    """A function of a stored row (one value per field, in field order) that builds a
    ``cls`` with each value decoded by its decoder (``None``: as it is; ``None`` stays
    ``None``), setting the fields directly: no converter, validator or post-init runs."""
    fields = attrs.fields(cls)
    namespace: dict[str, Any] = {"_new": object.__new__, "cls": cls}
    body = ["    self = _new(cls)"]
    for i, (field, decoder) in enumerate(zip(fields, decoders, strict=True)):
        value = f"row[{i}]"
        if decoder is not None:
            namespace[f"d{i}"] = decoder
            value = f"(None if {value} is None else d{i}({value}))"
        body.append(f"    {_setter(field.name, i, namespace)}(self, {value})")
    body.append("    return self")
    source = f"def build(row):\n    if len(row) != {len(fields)}: raise ValueError(row)\n"
    source += "\n".join(body) + "\n"
    exec(compile(source, f"<trusted build of {cls.__qualname__}>", "exec"), namespace)
    build: Callable[..., Any] = namespace["build"]
    return build

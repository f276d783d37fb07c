"""Filters and measures for ``find``, ``count`` and ``aggregate``.

A filter maps a field name to a value (equality; ``None`` matches an empty
field) or to an operator::

    tracker.find(Secondment, teacher_id=7, starts_on=le(date(2025, 1, 1)))
    tracker.find(Teacher, roles=has(Role.BACKBONE))

Values pass through the field's converter, so ``kind="支教"`` and
``starts_on="2025-01-01"`` work. Backends receive filters already normalised by
:func:`normalize`: a dict of field name to :class:`Op`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from .errors import ExchangeError, InvalidRecord
from .i18n import message, noun

OpName = Literal["eq", "ne", "lt", "le", "gt", "ge", "between", "in", "has"]
ORDERED_KINDS = frozenset({"id", "int", "link", "text", "date", "money", "enum", "datetime"})


@attrs.frozen
class Op:
    """A comparison of a field with a value.

    ``eq`` with ``None`` matches empty fields; ``ne`` keeps empty fields;
    ``lt``/``le``/``gt``/``ge`` never match an empty field, nor does ``between``,
    which takes a ``(low, high)`` pair and includes both; ``in`` takes a tuple;
    ``has`` tests that a list field (roles, subjects) contains the value.
    """

    op: OpName
    value: Any


def ne(value: Any) -> Op:
    """Not equal (empty fields match)."""
    return Op("ne", value)


def lt(value: Any) -> Op:
    """Less than."""
    return Op("lt", value)


def le(value: Any) -> Op:
    """Less than or equal."""
    return Op("le", value)


def gt(value: Any) -> Op:
    """Greater than."""
    return Op("gt", value)


def ge(value: Any) -> Op:
    """Greater than or equal."""
    return Op("ge", value)


def between(low: Any, high: Any) -> Op:
    """From ``low`` to ``high``, both included."""
    return Op("between", (low, high))


def one_of(*values: Any) -> Op:
    """Equal to any of ``values``."""
    return Op("in", tuple(values))


def has(value: Any) -> Op:
    """A list field (``roles``, ``subjects``) contains ``value``."""
    return Op("has", value)


Filters = Mapping[str, Op]
"""Normalised filters, as backends receive them."""


@attrs.frozen
class Measure:
    """An aggregate over a field: ``count`` (of records, or of non-empty ``field``),
    ``sum`` (0 over no records), ``min`` or ``max`` (``None`` over no records)."""

    func: Literal["count", "sum", "min", "max"]
    field: str | None = None


def count(field: str | None = None) -> Measure:
    """Count records, or the records where ``field`` is not empty."""
    return Measure("count", field)


def total(field: str) -> Measure:
    """Sum of a number or money field."""
    return Measure("sum", field)


def smallest(field: str) -> Measure:
    """Minimum of a field."""
    return Measure("min", field)


def largest(field: str) -> Measure:
    """Maximum of a field."""
    return Measure("max", field)


def _fields(cls: type) -> dict[str, attrs.Attribute[Any]]:
    return {f.name: f for f in attrs.fields(cls)}


def _field(cls: type, name: str) -> attrs.Attribute[Any]:
    known = _fields(cls)
    if name not in known:
        raise InvalidRecord(
            message(
                "{kind} has no field {name!r}; fields: {names}",
                kind=noun(cls),
                name=name,
                names=", ".join(known),
            )
        )
    return known[name]


_INVALID = object()


_TYPES: dict[str, type] = {
    "id": int,
    "int": int,
    "link": int,
    "bool": bool,
    "date": dt.date,
    "datetime": dt.datetime,
}


def _convert(cls: type, field: attrs.Attribute[Any], value: Any) -> Any:
    kind = field.metadata["kind"]
    if value is None:
        return value
    try:
        if kind == "json":
            enum_cls = field.metadata.get("enum")
            return enum_cls.parse(value) if enum_cls else value
        converted = value if field.converter is None else field.converter(value)  # type: ignore[operator]
    except ExchangeError:
        raise
    except Exception:
        converted = _INVALID
    expected = _TYPES.get(kind)
    if converted is _INVALID or (expected is not None and type(converted) is not expected):
        raise InvalidRecord(
            message(
                "{value!r} is not a valid {kind} {field_name}",
                value=value,
                kind=noun(cls),
                field_name=field.name,
            )
        )
    return converted


def normalize(cls: type, filters: Mapping[str, Any]) -> dict[str, Op]:
    """Check filter names against ``cls`` and convert values to field types."""
    out: dict[str, Op] = {}
    for name, raw in filters.items():
        field = _field(cls, name)
        kind = field.metadata["kind"]
        op = raw if isinstance(raw, Op) else Op("eq", raw)
        if op.op == "has" and kind == "json" and "encode" in field.metadata:
            raise InvalidRecord(
                message("has() works on lists of words or terms; {name} is neither", name=name)
            )
        if (op.op == "has") != (kind == "json"):
            raise InvalidRecord(
                message("{name} is a list field: filter it with has()", name=name)
                if kind == "json"
                else message("has() works on list fields; {name} is not one", name=name)
            )
        if op.op == "in":
            value: Any = tuple(_convert(cls, field, v) for v in op.value)
        elif op.op == "between":
            if not isinstance(op.value, tuple | list) or len(op.value) != 2:
                raise InvalidRecord(
                    message(
                        "between takes two values (low, high), not {op_value!r}", op_value=op.value
                    )
                )
            value = tuple(_convert(cls, field, v) for v in op.value)
        else:
            value = _convert(cls, field, op.value)
        bounds = value if op.op == "between" else (value,)
        if op.op in ("lt", "le", "gt", "ge", "between") and (
            kind not in ORDERED_KINDS or None in bounds
        ):
            raise InvalidRecord(
                message(
                    "{name} cannot be compared with {op} {op_value!r}",
                    name=name,
                    op=op.op,
                    op_value=op.value,
                )
            )
        out[name] = Op(op.op, value)
    return out


def check_order(cls: type, order_by: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """``["-starts_on", "id"]`` → ``(("starts_on", True), ("id", False))``; names checked."""
    out = []
    for key in order_by:
        descending = key.startswith("-")
        name = key.lstrip("-")
        if _field(cls, name).metadata["kind"] == "json":
            raise InvalidRecord(message("cannot order by the list field {name}", name=name))
        out.append((name, descending))
    return tuple(out)


YEAR = ".year"
"""Suffix of a group key that groups a date field by its calendar year: ``"held_on.year"``."""


def group_field(key: str) -> tuple[str, bool]:
    """``"held_on.year"`` → ``("held_on", True)``; ``"kind"`` → ``("kind", False)``."""
    if key.endswith(YEAR):
        return key[: -len(YEAR)], True
    return key, False


def check_measures(cls: type, group_by: Sequence[str], measures: Mapping[str, Measure]) -> None:
    """Refuse unknown fields, sums of non-numbers and names that clash.

    A group key is a field name, or a date field's name followed by ``.year``
    to group by calendar year (the group value is then an ``int``).
    """
    for key in group_by:
        name, by_year = group_field(key)
        kind = _field(cls, name).metadata["kind"]
        if kind == "json":
            raise InvalidRecord(message("cannot group by the list field {name}", name=name))
        if by_year and kind != "date":
            raise InvalidRecord(message("cannot group {name} by year: it is not a date", name=name))
    for label, measure in measures.items():
        if label in group_by:
            raise InvalidRecord(
                message("measure {label!r} has the name of a grouped field", label=label)
            )
        if measure.field is None:
            if measure.func != "count":
                raise InvalidRecord(
                    message(
                        "measure {label!r}: {func} needs a field", label=label, func=measure.func
                    )
                )
            continue
        kind = _field(cls, measure.field).metadata["kind"]
        if measure.func == "sum" and kind not in ("int", "money"):
            raise InvalidRecord(
                message("measure {label!r}: cannot sum {field}", label=label, field=measure.field)
            )
        if measure.func in ("min", "max") and kind not in ORDERED_KINDS:
            raise InvalidRecord(
                message(
                    "measure {label!r}: cannot take {func} of {field}",
                    label=label,
                    func=measure.func,
                    field=measure.field,
                )
            )

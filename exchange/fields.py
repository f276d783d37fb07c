"""Field helpers for the record classes.

Each helper returns an ``attrs.field`` whose converter normalises what a caller
typed (``"2024-12-01"`` → a ``date``, ``"100000"`` → ``Decimal("100000")``) and
whose validator refuses what is wrong with an :class:`~exchange.errors.InvalidRecord`.
The field's ``metadata["kind"]`` tells backends how to store it; see
:mod:`exchange.codec`. ``metadata["fast"]`` names the common values the converter
leaves alone and the validator accepts, which :mod:`exchange.construction` checks
inline instead of calling the two (anything else still goes through them).
"""

from __future__ import annotations

import datetime as dt
import decimal
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

import attrs

from .errors import InvalidRecord
from .i18n import Message, message, noun
from .money import to_yuan

MAX_NAME = 200
"""Longest name or title, in characters."""
MAX_TEXT = 10_000
"""Longest free text (notes, reasons), in characters."""
MAX_COUNT = 10**12
"""Largest lesson, attendee or day count; far above any real programme."""

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _where(instance: Any, attribute: attrs.Attribute[Any]) -> Message:
    """``secondment starts_on`` in English, 交流开始日期 in Chinese: the record type and
    the field, by the words the column headings use."""
    return message("{kind} {field}", kind=noun(type(instance)), field=message(attribute.name))


def _check_text(limit: int, *, required: bool) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            if required:
                raise InvalidRecord(
                    message("{where} is required", where=_where(instance, attribute))
                )
            return
        if not isinstance(value, str):
            raise InvalidRecord(
                message(
                    "{where} must be text, not {value!r}",
                    where=_where(instance, attribute),
                    value=value,
                )
            )
        if required and not value:
            raise InvalidRecord(
                message("{where} must not be empty", where=_where(instance, attribute))
            )
        if "\x00" in value:
            raise InvalidRecord(
                message("{where} contains a NUL character", where=_where(instance, attribute))
            )
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidRecord(
                    message(
                        "{where} contains characters that are not valid Unicode (a damaged file?)",
                        where=_where(instance, attribute),
                    )
                ) from None
        if len(value) > limit:
            raise InvalidRecord(
                message(
                    "{where} is {value_count:,} characters long; the limit is {limit:,}",
                    where=_where(instance, attribute),
                    value_count=len(value),
                    limit=limit,
                )
            )

    return check


INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
        "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u180e")
)  # fmt: skip
"""Zero-width characters and direction marks, removed from every text: a name made of
them alone is empty, and a ref that differs from another only by them is that ref."""


def _strip(value: Any) -> Any:
    """Text without invisible characters and surrounding space; other values as they are."""
    if not isinstance(value, str):
        return value
    if not (value.isascii() or value.isprintable()):
        value = value.translate(INVISIBLE)
    return value.strip()


def _blank_to_none(value: Any) -> Any:
    value = _strip(value)
    return None if value == "" else value


def to_ref(value: Any) -> Any:
    """A ref in its one written form: compatibility characters folded (NFKC: ＺＦ－０５ is
    ZF-05), invisible ones removed, blank as none."""
    if isinstance(value, str) and not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return _blank_to_none(value)


def name() -> Any:
    """A required, non-empty line of text (a name or a title), stripped."""
    return attrs.field(
        converter=_strip,
        validator=_check_text(MAX_NAME, required=True),
        metadata={"kind": "text", "fast": ("name", MAX_NAME)},
    )


def text(*, limit: int = MAX_TEXT, personal: bool = False) -> Any:
    """Optional free text, stripped; empty by default.

    ``personal`` marks text about a person (notes, a reason for leaving): see
    :func:`is_personal`.
    """
    return attrs.field(
        default="",
        converter=lambda v: "" if v is None else _strip(v),
        validator=_check_text(limit, required=False),
        metadata={"kind": "text", "personal": personal, "fast": ("text", limit)},
    )


def ref() -> Any:
    """The optional external key (a staff number, a school code), unique per record type."""
    return attrs.field(
        default=None,
        converter=to_ref,
        validator=_check_text(MAX_NAME, required=False),
        metadata={"kind": "text", "fast": ("ref", MAX_NAME)},
    )


def optional_text(*, limit: int = MAX_NAME, personal: bool = False) -> Any:
    """Optional short text that is ``None`` when absent (a phone number); ``personal``
    as for :func:`text`."""
    return attrs.field(
        default=None,
        converter=_blank_to_none,
        validator=_check_text(limit, required=False),
        metadata={"kind": "text", "personal": personal, "fast": ("optional", limit)},
    )


def is_personal(field: attrs.Attribute[Any]) -> bool:
    """Whether the field is personal: the one declaration that exports (left out unless
    asked), the change log (sealed per person), purges and retention all read."""
    return bool(field.metadata.get("personal"))


_PERSONAL: dict[type, tuple[str, ...]] = {}


def personal_names(cls: type) -> tuple[str, ...]:
    """The names of the attrs class ``cls``'s personal fields, in field order."""
    names = _PERSONAL.get(cls)
    if names is None:
        names = _PERSONAL[cls] = tuple(f.name for f in attrs.fields(cls) if is_personal(f))
    return names


def _to_date(value: Any) -> Any:
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value  # the validator reports it
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _check_date(required: bool) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and not required:
            return
        if type(value) is not dt.date:
            raise InvalidRecord(
                message(
                    "{where} must be a date such as 2024-12-01, not {value!r}",
                    where=_where(instance, attribute),
                    value=value,
                )
            )

    return check


def day(*, required: bool = True) -> Any:
    """A calendar date; ISO text is accepted."""
    return attrs.field(
        default=attrs.NOTHING if required else None,
        converter=_to_date,
        validator=_check_date(required),
        metadata={"kind": "date", "fast": ("date", required)},
    )


def _to_moment(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # the validator reports it
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        # One form per instant, so stored ISO text compares and round-trips exactly.
        try:
            return value.astimezone(dt.timezone.utc).replace(fold=0)
        except OverflowError:
            raise InvalidRecord(
                message("{value} is outside the years 1 to 9999 in UTC", value=value)
            ) from None
    return value


def _check_moment(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise InvalidRecord(
            message("{where} must be a time with a UTC offset", where=_where(instance, attribute))
        )


def moment() -> Any:
    """A point in time with its UTC offset, kept in UTC; ISO text is accepted."""
    return attrs.field(converter=_to_moment, validator=_check_moment, metadata={"kind": "datetime"})


def _check_money(required: bool) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and not required:
            return
        if not isinstance(value, decimal.Decimal):
            raise InvalidRecord(
                message("{where} must be an amount in yuan", where=_where(instance, attribute))
            )
        if value < 0:
            raise InvalidRecord(
                message(
                    "{where} must not be negative ({value})",
                    where=_where(instance, attribute),
                    value=value,
                )
            )

    return check


def _money_converter(field_name: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        return to_yuan(value, what=field_name)

    return convert


def money(what: str, *, required: bool = True) -> Any:
    """Money in yuan as a ``Decimal`` with at most two places (stored as integer fen)."""
    return attrs.field(
        default=attrs.NOTHING if required else None,
        converter=_money_converter(what),
        validator=_check_money(required),
        metadata={"kind": "money"},
    )


def _check_int(low: int, high: int, required: bool) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and not required:
            return
        if type(value) is not int:
            raise InvalidRecord(
                message("{where} must be a whole number", where=_where(instance, attribute))
            )
        if not low <= value <= high:
            raise InvalidRecord(
                message(
                    "{where} must be between {low:,} and {high:,}, not {value:,}",
                    where=_where(instance, attribute),
                    low=low,
                    high=high,
                    value=value,
                )
            )

    return check


def _to_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool):
        return value  # the validator refuses True/False as counts
    return value


def count() -> Any:
    """A non-negative whole number (lessons, person-times, students); 0 by default."""
    return attrs.field(
        default=0,
        converter=_to_int,
        validator=_check_int(0, MAX_COUNT, required=True),
        metadata={"kind": "int", "fast": ("int", 0, MAX_COUNT, True)},
    )


def number(low: int, high: int, *, required: bool = True) -> Any:
    """A whole number within ``low..high`` (a year, a version); ``None`` when not required."""
    return attrs.field(
        default=attrs.NOTHING if required else None,
        converter=_to_int,
        validator=_check_int(low, high, required=required),
        metadata={"kind": "int", "fast": ("int", low, high, required)},
    )


def link(table: str, *, required: bool = True) -> Any:
    """The id of a record in another table (a foreign key)."""
    return attrs.field(
        default=attrs.NOTHING if required else None,
        converter=_to_int,
        validator=_check_int(1, 2**63 - 1, required=required),
        metadata={"kind": "link", "table": table, "fast": ("int", 1, 2**63 - 1, required)},
    )


def identity() -> Any:
    """The record's integer id, assigned by the backend."""
    return attrs.field(
        default=None,
        converter=_to_int,
        validator=_check_int(1, 2**63 - 1, required=False),
        metadata={"kind": "id", "fast": ("int", 1, 2**63 - 1, False)},
    )


def revision() -> Any:
    """How many times the stored record has changed since it was added (0 until then)."""
    return attrs.field(
        default=0,
        converter=_to_int,
        validator=_check_int(0, 2**63 - 1, required=True),
        metadata={"kind": "int", "fast": ("int", 0, 2**63 - 1, True)},
    )


def _check_flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not bool:
        raise InvalidRecord(
            message(
                "{where} must be true or false, not {value!r}",
                where=_where(instance, attribute),
                value=value,
            )
        )


def flag(default: bool = False) -> Any:
    """A yes/no field."""
    return attrs.field(
        default=default, validator=_check_flag, metadata={"kind": "bool", "fast": ("bool",)}
    )


def _check_member(enum_cls: type[Enum]) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, enum_cls):
            raise InvalidRecord(
                message(
                    "{where} must be a {name}",
                    where=_where(instance, attribute),
                    name=enum_cls.__name__,
                )
            )

    return check


def to_percent(value: Any) -> Any:
    """``10``, ``"10"``, ``"10 %"``, ``Decimal("12.5")`` → a Decimal; anything else is kept
    for a validator to refuse (floats included: 10.1 is not exactly 10.1)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return decimal.Decimal(value)
    if isinstance(value, str):
        try:
            return decimal.Decimal(value.strip().rstrip("%％").strip())
        except decimal.InvalidOperation:
            return value
    return value


def is_percent(value: Any) -> bool:
    """Whether ``value`` is a Decimal above 0 and at most 100."""
    return isinstance(value, decimal.Decimal) and value.is_finite() and 0 < value <= 100


def choice(enum_cls: Any, default: Any = attrs.NOTHING, *, required: bool = True) -> Any:
    """One member of a vocabulary; its value, name or Chinese term are accepted. When
    not ``required`` the field may be empty (``None``, or blank text), its default."""
    if not required:
        return attrs.field(
            default=None,
            converter=_optional_member(enum_cls),
            validator=attrs.validators.optional(_check_member(enum_cls)),
            metadata={"kind": "enum", "enum": enum_cls, "fast": ("enum", enum_cls, False)},
        )
    return attrs.field(
        default=default,
        converter=enum_cls.parse,
        validator=_check_member(enum_cls),
        metadata={"kind": "enum", "enum": enum_cls, "fast": ("enum", enum_cls)},
    )


def _optional_member(enum_cls: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return enum_cls.parse(value)

    return convert


def _tuple_of(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(values: Any) -> Any:
        if values is None:
            return ()
        if isinstance(values, str):
            values = [v for v in values.replace("，", ",").split(",") if v.strip()]
        if not isinstance(values, Iterable):
            return values  # the validator reports it
        return tuple(dict.fromkeys(parse(v) for v in values))

    return convert


def _check_items(item: Validator) -> Validator:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise InvalidRecord(
                message("{where} must be a list", where=_where(instance, attribute))
            )
        for element in value:
            item(instance, attribute, element)

    return check


def terms(enum_cls: Any) -> Any:
    """Several members of a vocabulary, without repeats, in the order given."""
    return attrs.field(
        factory=tuple,
        converter=_tuple_of(enum_cls.parse),
        validator=_check_items(_check_member(enum_cls)),
        metadata={"kind": "json", "enum": enum_cls, "fast": ("terms", enum_cls)},
    )


def words() -> Any:
    """Several short texts (subjects), without repeats, in the order given."""
    return attrs.field(
        factory=tuple,
        converter=_tuple_of(_strip),
        validator=_check_items(_check_text(MAX_NAME, required=True)),
        metadata={"kind": "json", "fast": ("words", MAX_NAME)},
    )


def _part_to_json(part: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in attrs.fields(type(part)):
        value = getattr(part, field.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        out[field.name] = getattr(value, "value", value)
    return out


def parts(part_cls: type[Any]) -> Any:
    """A list of small frozen attrs values (milestones, extensions), stored as JSON objects.

    Plain dicts are accepted and built into ``part_cls``, so its own converters
    and validators apply to each item.
    """

    def convert(values: Any) -> Any:
        if values is None:
            return ()
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            return values  # the validator reports it
        built = []
        for value in values:
            if isinstance(value, Mapping):
                try:
                    value = part_cls(**value)
                except TypeError as error:
                    raise InvalidRecord(
                        message(
                            "{kind}: {error}",
                            kind=part_cls.__name__.lower(),
                            error=str(error).replace("__init__() ", ""),
                        )
                    ) from None
            built.append(value)
        return tuple(built)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, part_cls) for v in value):
            raise InvalidRecord(
                message(
                    "{where} must be a list of {kind}s",
                    where=_where(instance, attribute),
                    kind=part_cls.__name__.lower(),
                )
            )

    return attrs.field(
        factory=tuple,
        converter=convert,
        validator=check,
        metadata={
            "kind": "json",
            "fast": ("empty",),
            "encode": lambda values: [_part_to_json(v) for v in values],
            "decode": lambda data: tuple(part_cls(**item) for item in data),
        },
    )

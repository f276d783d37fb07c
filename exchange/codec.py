"""Turning records into storable values and back, for backend authors.

A record's fields each have a *kind* (``exchange.fields`` sets it). Backends that
store rows use :func:`columns` to lay out a table, :func:`to_row` to write a
record and :func:`from_row` to read one, so every backend agrees on what a
stored record looks like:

========  ===================================  ====================
kind      Python value                         stored value
========  ===================================  ====================
id, int   ``int``                              integer
link      ``int`` (id of a record in *table*)  integer
text      ``str``                              text
bool      ``bool``                             integer 0/1
date      ``datetime.date``                    ISO text ``YYYY-MM-DD``
datetime  aware ``datetime.datetime`` (UTC)    ISO text with offset
money     ``Decimal`` yuan                     integer fen
enum      a :class:`~exchange.enums.Term`      its English value
json      tuple or nested records              JSON text (UTF-8, not escaped)
========  ===================================  ====================
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from .construction import trusted_init
from .models import Stored
from .money import from_fen, to_fen


@attrs.frozen
class Column:
    """One stored field of a record type."""

    name: str
    kind: str
    required: bool
    """False when the field may be ``None`` (stored as NULL)."""
    table: str | None = None
    """For ``link`` columns, the table the id points into."""


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every row (``json.dumps`` with options builds one per call)."""
_QUOTE: Callable[[str], str] = json.encoder.encode_basestring


def _texts(values: Any) -> str:
    """A list of texts (subjects, vocabulary values) as :data:`_JSON` writes it, quoted
    by json's own string encoder without the general encoder's per-call set-up."""
    if all(type(value) is str for value in values):  # subjects: no member to unwrap
        return f"[{','.join(map(_QUOTE, values))}]"
    items = [getattr(v, "value", v) for v in values]
    if all(type(item) is str for item in items):
        return f"[{','.join(map(_QUOTE, items))}]"
    return _JSON.encode(items)


def _json_encoder(meta: Any) -> Callable[[Any], Any]:
    encode = meta.get("encode")
    if encode is None:
        return _texts
    dumps = _JSON.encode
    return lambda value: dumps(encode(value))


def _json_decoder(meta: Any) -> Callable[[Any], Any]:
    decode = meta.get("decode") or tuple
    return lambda text: decode(json.loads(text))


def _date_decoder(value: Any) -> Any:
    if type(value) is str:  # SQLite's ISO text: most rows
        return _from_iso(value)
    return value if isinstance(value, dt.date) else _from_iso(value)


_from_iso = dt.date.fromisoformat


_ENCODERS: dict[str, Callable[[Any], Any] | None] = {
    "id": None,
    "int": None,
    "link": None,
    "text": None,
    "bool": int,
    "date": dt.date.isoformat,
    "money": to_fen,
    "enum": operator.attrgetter("_value_"),
    "datetime": dt.datetime.isoformat,
}
_DECODERS: dict[str, Callable[[Any], Any] | None] = {
    "id": None,
    "int": None,
    "link": None,
    "text": None,
    "bool": bool,
    "date": _date_decoder,
    "money": from_fen,
}


F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S", bound=Stored)


def per_type(function: F) -> F:
    """Memoise a function of one record type (``functools.cache`` with a typed signature)."""
    return functools.cache(function)  # type: ignore[return-value]


@per_type
def columns(cls: type[Stored]) -> tuple[Column, ...]:
    """The stored columns of ``cls``, ``id`` first."""
    result = []
    for field in attrs.fields(cls):
        meta = field.metadata
        result.append(
            Column(
                name=field.name,
                kind=meta["kind"],
                required=field.default is not None,
                table=meta.get("table"),
            )
        )
    return tuple(result)


@per_type
def _codecs(cls: type[Stored]) -> tuple[tuple[str, Any, Any], ...]:
    out = []
    for field in attrs.fields(cls):
        kind = field.metadata["kind"]
        enc: Callable[[Any], Any] | None
        dec: Callable[[Any], Any] | None
        if kind == "json":
            enc, dec = _json_encoder(field.metadata), _json_decoder(field.metadata)
        elif kind in ("enum", "datetime"):
            enc, dec = _ENCODERS[kind], field.converter  # the converter parses stored text
        else:
            enc, dec = _ENCODERS[kind], _DECODERS[kind]
        out.append((field.name, enc, dec))
    return tuple(out)


def encode(cls: type[Stored], name: str, value: Any) -> Any:
    """The stored form of ``value`` for field ``name`` of ``cls`` (``None`` stays ``None``)."""
    for field_name, enc, _ in _codecs(cls):
        if field_name == name:
            return value if value is None or enc is None else enc(value)
    raise KeyError(name)


def decode(cls: type[Stored], name: str, value: Any) -> Any:
    """The Python value of a stored ``value`` of field ``name`` of ``cls``."""
    for field_name, _, dec in _codecs(cls):
        if field_name == name:
            if value is None or dec is None:
                return value
            return dec(value)
    raise KeyError(name)


def to_row(record: Stored) -> tuple[Any, ...]:
    """The stored values of ``record``, in :func:`columns` order."""
    return row_encoder(type(record))(record)


@per_type
def row_encoder(cls: type[Stored]) -> Callable[[Stored], tuple[Any, ...]]:
    """:func:`to_row` for records of one type, compiled once (bulk paths call it per row)."""
    namespace: dict[str, Any] = {}
    parts = []
    for i, ((name, enc, _), column) in enumerate(zip(_codecs(cls), columns(cls), strict=True)):
        if enc is None:
            parts.append(f"r.{name}")
            continue
        namespace[f"e{i}"] = enc
        call = f"e{i}(r.{name})"
        if column.kind == "json":  # most lists are empty: their stored text, made once
            namespace[f"empty{i}"] = enc(())
            call = f"(empty{i} if r.{name} == () else {call})"
        parts.append(call if column.required else f"(None if r.{name} is None else {call})")
    source = f"def encode_row(r):\n    return ({', '.join(parts)},)\n"
    exec(source, namespace)  # the same technique attrs uses for __init__
    encode_row: Callable[[Stored], tuple[Any, ...]] = namespace["encode_row"]
    return encode_row


def from_row(cls: type[Stored], row: Sequence[Any]) -> Stored:
    """Build a ``cls`` record from stored values in :func:`columns` order, trusting them.

    The values are the ones :func:`to_row` gave when the record was stored, so they
    are decoded and set without running the field checks again (the conformance kit
    compares this with :func:`from_row_checked` on every type).
    """
    return row_decoder(cls)(row)


def from_row_checked(cls: type[S], row: Sequence[Any]) -> S:
    """:func:`from_row` through the record's constructor: every converter, validator and
    cross-field check runs, so a row that no valid record gives is refused."""
    kwargs = {}
    for (name, _, dec), value in zip(_codecs(cls), row, strict=True):
        kwargs[name] = value if dec is None or value is None else dec(value)
    return cls(**kwargs)


@per_type
def row_decoder(cls: type[Stored]) -> Callable[[Sequence[Any]], Stored]:
    """:func:`from_row` for records of one type, compiled once."""
    decoders = []
    for field, (_, enc, dec) in zip(attrs.fields(cls), _codecs(cls), strict=True):
        kind = field.metadata["kind"]
        if kind == "enum":
            dec = _enum_decoder(field.metadata["enum"])
        elif kind == "json":
            dec = _trusted_json(dec, field.converter, enc(()))
        decoders.append(dec)
    return trusted_init(cls, decoders)


def _enum_decoder(enum_cls: Any) -> Callable[[Any], Any]:
    members = enum_cls.spellings()
    return lambda value: members.get(value) or enum_cls.parse(value)


def _trusted_json(decode: Callable[[Any], Any], convert: Any, empty: str) -> Callable[[Any], Any]:
    """A JSON column's decoder that gives ``()`` for the stored text of an empty list
    (``empty``) without parsing, and runs the field's converter (vocabulary terms back to
    members) on the rest."""

    def decoded(text: Any) -> Any:
        return () if text == empty else convert(decode(text))

    return decoded


def row_without(
    cls: type[Stored], dropped: Iterable[str]
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """A function that leaves the columns named ``dropped`` out of a stored row of
    ``cls`` (``None`` when none of them is a column: the row as it is)."""
    gone = set(dropped)
    keep = [i for i, column in enumerate(columns(cls)) if column.name not in gone]
    if len(keep) == len(columns(cls)):
        return None
    return operator.itemgetter(*keep)  # a tuple: ``id`` and more are always kept

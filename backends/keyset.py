"""The condition of a keyset page, whatever the SQL dialect: the records strictly after
a position (:mod:`exchange.paging`) in the order ``find`` uses.

For keys ``k1 … kn`` (the last is the id) the condition is written so that the
first key bounds an index range:
``from(k1) AND (beyond(k1) OR (from(k2) AND (beyond(k2) OR … beyond(kn))))``,
where ``from`` means "at or after" and ``beyond`` "strictly after" for that key
alone. Each piece is built by the dialect's own filter conditions
(``where({name: gt(value)})``), so values compare exactly as filters compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from exchange.codec import columns
from exchange.models import Stored
from exchange.paging import Order, keys
from exchange.query import Filters, Op

from .conditions import Where

Dialect = Callable[[type[Stored], Filters], Where]
"""A dialect's ``where``: the SQL of normalised filters."""


def after(
    cls: type[Stored],
    order_by: Order,
    position: Sequence[Any],
    where: Dialect,
    literals: tuple[str, str],
) -> Where:
    """The records of ``cls`` that come after ``position`` (values of :func:`keys`);
    ``literals`` are the dialect's true and false."""
    required = {c.name for c in columns(cls) if c.required or c.kind == "id"}
    steps = list(zip(keys(order_by), position, strict=True))
    sql, params = "", []
    for (name, descending), value in reversed(steps):
        beyond, start = _bounds(descending, value, name in required)
        later = _any(cls, name, beyond, where, literals[1])
        if not sql:
            sql, params = later.sql, later.params
            continue
        at = _any(cls, name, start, where, literals[0]) if start is not None else None
        sql = f"{later.sql} OR {sql}" if at is None else f"{at.sql} AND ({later.sql} OR {sql})"
        params = [*(at.params if at else []), *later.params, *params]
    return Where(sql or literals[0], params, [])


def _any(cls: type[Stored], name: str, ops: list[Op], where: Dialect, none: str) -> Where:
    """``name`` passes one of ``ops``, in parentheses; ``none`` when there are none."""
    parts = [where(cls, {name: op}) for op in ops]
    sql = " OR ".join(p.sql for p in parts) or none
    return Where(f"({sql})", [x for p in parts for x in p.params], [])


def _bounds(descending: bool, value: Any, required: bool) -> tuple[list[Op], list[Op] | None]:
    """Filters, joined by OR, for "strictly after ``value``" and "at or after ``value``"
    (``None``: every record) on one key; empty values sort first ascending, last
    descending."""
    if value is None:
        return ([], [Op("eq", None)]) if descending else ([Op("ne", None)], None)
    empty = [] if required else [Op("eq", None)]
    if descending:
        return [Op("lt", value), *empty], [Op("le", value), *empty]
    return [Op("gt", value)], [Op("ge", value)]


def narrowed(
    condition: Where,
    cls: type[Stored],
    order_by: Order,
    position: Sequence[Any] | None,
    where: Dialect,
    literals: tuple[str, str],
) -> Where:
    """``condition``, and past ``position`` when there is one (see :func:`after`)."""
    if position is None:
        return condition
    past = after(cls, order_by, position, where, literals)
    sql = f"{condition.sql} AND ({past.sql})"
    return Where(sql, [*condition.params, *past.params], condition.guards)


def window(limit: int | None, offset: int, found: Callable[[], int]) -> tuple[int | None, int]:
    """``LIMIT`` (``None``: all) and ``OFFSET`` taking the slice ``[offset:offset + limit]``
    of the answer, as memory does; ``found`` counts the answer when a bound is negative."""
    if offset >= 0 and (limit is None or limit >= 0):
        return limit, offset
    taken = range(found())[offset : None if limit is None else offset + limit]
    return len(taken), taken.start

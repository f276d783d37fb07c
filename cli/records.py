"""Command factories shared by the record groups: ``list`` and ``show``.

A group module (``cli/schools.py`` …) writes its own ``add`` and lifecycle
commands, which call one :class:`exchange.Tracker` operation each, and builds
``list`` and ``show`` here so every record type lists and shows the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import click

from exchange.i18n import noun, pmessage

from .help import LocalizedCommand
from .i18n import _
from .output import emit, named_report, output_options, record_detail
from .state import State, pass_state


class Filter(NamedTuple):
    """A list option (``--region``) and the tracker filters it stands for."""

    option: str
    help: str
    filters: Callable[[Any], Mapping[str, Any]]
    type: Any = str


def field(option: str, name: str, help: str, type: Any = str) -> Filter:
    """``--option VALUE`` keeps records whose ``name`` equals the value (ids or refs for links)."""
    return Filter(option, help, lambda value: {name: value}, type)


def has_term(name: str) -> Callable[[Any], Mapping[str, Any]]:
    """Filters keeping records whose list field ``name`` contains the value."""

    def filters(value: Any) -> Mapping[str, Any]:
        from exchange.query import has

        return {name: has(value)}

    return filters


def year_between(option: str, start: str, end: str, help: str) -> Filter:
    """``--year N`` keeps records whose ``start``…``end`` period shares a day with the year."""

    def filters(year: int) -> Mapping[str, Any]:
        import datetime as dt

        from exchange.query import ge, le

        return {start: le(dt.date(year, 12, 31)), end: ge(dt.date(year, 1, 1))}

    return Filter(option, help, filters, click.IntRange(1900, 2999))


def list_command(
    cls_name: str, fields: Sequence[str], filters: Sequence[Filter] = (), example: str = ""
) -> click.Command:
    """``list``: the records of a type as a table (or --json, --csv, --format), sorted
    by an indexed field, a page at a time with ``--limit`` and ``--after``."""

    @click.command(
        cls=LocalizedCommand, name="list", help=_help(f"List {cls_name} records.", example)
    )
    @click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
    @click.option("--archived", is_flag=True, help="Include archived records.")
    @click.option("--sort", "sort", multiple=True, help=_sort_help(cls_name))
    @click.option(
        "--after",
        metavar="CURSOR",
        help="Show the page after this cursor (printed after a full page of --limit).",
    )
    @output_options
    @pass_state
    def command(state: State, /, output: str, **options: Any) -> None:
        wanted: dict[str, Any] = {}
        for spec in filters:
            value = options.get(_param(spec.option))
            if value is not None:
                wanted.update(spec.filters(value))
        _list_page(state, cls_name, fields, output, wanted, options)

    for spec in reversed(filters):
        command = click.option(spec.option, type=spec.type, help=spec.help)(command)
    return command


def _sort_help(cls_name: str) -> str:
    from exchange.paging import SORTABLE

    fields = ", ".join(SORTABLE.get(cls_name, ("id",)))
    return f"Sort by this field ({fields}); -FIELD sorts descending. Repeat for ties."


def _list_page(
    state: State,
    cls_name: str,
    fields: Sequence[str],
    output: str,
    wanted: Mapping[str, Any],
    options: Mapping[str, Any],
) -> None:
    """Emit one page of a list; after a full page, say on stderr how to get the next."""
    from exchange.models import record_type
    from exchange.paging import Cursor, check_sortable
    from exchange.query import check_order

    cls = record_type(cls_name)
    order_by = options["sort"]
    check_sortable(cls_name, order_by)
    found = _Last(
        state.tracker().find(
            cls,
            order_by=order_by,
            limit=options["limit"],
            after=options["after"],
            include_archived=options["archived"],
            **wanted,
        )
    )
    emit(state, named_report(state.tracker(), cls, found, fields), output)
    if found.last is not None and found.count == options["limit"]:
        token = Cursor.of(found.last, check_order(cls, order_by)).token()
        click.echo(_("next page: --after {cursor}", cursor=token), err=True)


class _Last:
    """Passes records through, remembering how many and the last."""

    def __init__(self, records: Iterator[Any]) -> None:
        self._records = records
        self.count = 0
        self.last: Any = None

    def __iter__(self) -> Iterator[Any]:
        for record in self._records:
            self.count += 1
            self.last = record
            yield record


def show_command(cls_name: str, example: str = "") -> click.Command:
    """``show KEY``: every field of one record named by id or ref."""

    @click.command(
        cls=LocalizedCommand, name="show", help=_help(f"Show one {cls_name} by id or ref.", example)
    )
    @click.argument("key")
    @output_options
    @pass_state
    def command(state: State, key: str, output: str) -> None:
        from exchange.models import record_type

        record = state.tracker().get(record_type(cls_name), key)
        emit(state, record_detail(record), output)

    return command


def _param(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _help(text: str, example: str) -> str:
    return f"{text}\n\n\b\nExample:\n    {example}" if example else text


R = TypeVar("R")


def make(cls: type[R], **values: Any) -> R:
    """Build a record from command-line text; its field converters parse dates and terms."""
    return cls(**values)


_VERBS = {
    verb.template: verb
    for verb in (
        pmessage("done", "added"),
        pmessage("done", "logged"),
        pmessage("done", "paired"),
        pmessage("done", "ended"),
        pmessage("done", "completed"),
        pmessage("done", "proposed"),
        pmessage("done", "approved"),
        pmessage("done", "started"),
        pmessage("done", "cancelled"),
        pmessage("done", "withdrew"),
        pmessage("done", "extended"),
        pmessage("done", "updated"),
    )
}
"""The verbs :func:`done` says, as messages (``msgctxt "done"`` in the catalogue)."""


def done(record: Any, verb: str) -> None:
    """Confirm a stored record on stdout: ``added school 3 (HY-BD) 惠阳区半岛学校``."""
    name = getattr(record, "name", None) or getattr(record, "title", None) or ""
    ref = f" ({record.ref})" if getattr(record, "ref", None) else ""
    line = _(
        "{verb} {kind} {id}{ref} {name}",
        verb=_VERBS.get(verb, verb),
        kind=noun(type(record)),
        id=record.id,
        ref=ref,
        name=name,
    )
    click.echo(line.rstrip())

"""Revisions: how a change made from a stale read is refused.

Every record carries a ``revision``, the number of times it has changed since it
was added. :meth:`~exchange.backend.Backend.update` writes a changed copy only
while the stored revision is still the one the copy was made from; the
:class:`~exchange.Tracker` checks the same inside its write transaction and, when
the copy is stale, says from the change log what changed since, when and by whom.
"""

from __future__ import annotations

from . import backend as backend_
from .backend import Backend
from .changelog import Change
from .codec import columns, decode
from .errors import StaleRecord
from .i18n import message, noun
from .models import Stored
from .query import Op


def last_change(backend: Backend, record: Stored) -> Change | None:
    """The newest change-log entry about ``record``."""
    about = {"record_type": Op("eq", record.table), "record_id": Op("eq", record.id)}
    return next(backend.find(Change, about, order_by=(("id", True),), limit=1), None)


def stale(backend: Backend, stored: Stored, read: int) -> StaleRecord:
    """The refusal of a change made from revision ``read`` of ``stored``'s record, saying
    from the change log what changed since, when and by whom."""
    entry = last_change(backend, stored)
    if entry is None:  # changed behind the library's back: say what the backend says
        return backend_.stale(type(stored), stored.id, read, getattr(stored, "revision", 0))
    where = {
        "kind": noun(type(stored)),
        "name": getattr(stored, "ref", None) or stored.id,
        "actor": entry.actor,
        "at": entry.at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    if entry.action == "archive":
        text = message(
            "{kind} {name} was archived by {actor} at {at} after you read it; read it again",
            **where,
        )
    else:
        text = message(
            "{kind} {name} was changed ({fields}) by {actor} at {at} after you "
            "read it; read it again",
            fields=_changed(backend, type(stored), entry),
            **where,
        )
    return StaleRecord(text)


def _changed(backend: Backend, cls: type[Stored], entry: Change) -> str:
    """``status: approved, ends_on: 2025-07-15``: the fields an update entry changed, as a
    reader knows them (money in yuan, yes/no as true/false). A personal field is
    compared opened (it is sealed anew on every write) and named without its value."""
    from .fields import personal_names
    from .sealing import Sealer

    sealer = Sealer(backend)
    before, after = sealer.opened(cls.table, entry.before), sealer.opened(cls.table, entry.after)
    personal = personal_names(cls)
    return ", ".join(
        name if name in personal else f"{name}: {_shown(cls, name, value)}"
        for name, value in after.items()
        if name != "revision" and before.get(name) != value
    )


def _shown(cls: type[Stored], name: str, value: object) -> str:
    kinds = {column.name: column.kind for column in columns(cls)}
    if value is None or kinds.get(name) in (None, "json", "text"):
        return str(value)
    decoded = decode(cls, name, value)
    return str(getattr(decoded, "value", decoded))

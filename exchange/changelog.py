"""The append-only, hash-chained change log.

Every change the :class:`~exchange.Tracker` makes is written as a :class:`Change`
in the same transaction as the change itself. Each entry carries the hash of the
entry before it, so editing, inserting or removing an entry anywhere but at the
very end breaks the chain, and :func:`verify` names the first entry that does not
match. A bulk load is one entry: how many rows, the id range and a digest of the
rows.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from . import fields
from .codec import columns, row_without, to_row
from .errors import ChainBroken
from .i18n import message
from .models import Stored

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

ACTIONS = ("add", "update", "archive", "delete", "bulk", "export", "purge", "code")


@attrs.frozen(kw_only=True)
class Change(Stored):
    """One entry of the change log."""

    table: ClassVar[str] = "changes"

    at: dt.datetime = fields.moment()
    """When, in UTC."""
    actor: str = fields.name()
    """Who: the actor given to the tracker, or the operating-system user."""
    action: str = fields.name()
    """One of ``add``, ``update``, ``archive``, ``delete``, ``bulk``, ``export`` (personal
    fields read out: ``after`` names them and the filters), ``purge`` (personal fields
    blanked) or ``code`` (a meeting's confirmation code issued: ``after`` holds its
    salted digest, under the record type ``meeting_codes``)."""
    record_type: str = fields.name()
    """The table of the record changed, e.g. ``secondments``."""
    record_id: int | None = attrs.field(default=None, metadata={"kind": "int"})
    """The id of the record changed (``None`` for a bulk load)."""
    before: str | None = fields.optional_text(limit=2**31)
    """The record before the change, as canonical JSON (``None`` for an add)."""
    after: str | None = fields.optional_text(limit=2**31)
    """The record after the change; for a bulk load, the count, id range and digest."""
    prev_hash: str = fields.name()
    hash: str = fields.name()

    def content(self) -> dict[str, Any]:
        """The hashed fields, as plain data."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "before": self.before,
            "after": self.after,
        }


def canonical(data: Any) -> str:
    """Compact JSON with sorted keys and unescaped Chinese: the form that is hashed."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and this entry's content."""
    from hashlib import sha256  # here: OpenSSL's load is a good part of a listing's start-up

    return sha256((prev_hash + "\n" + canonical(content)).encode()).hexdigest()


def snapshot(record: Stored | None) -> str | None:
    """A record's stored values as canonical JSON, for ``before`` and ``after``."""
    if record is None:
        return None
    names = [c.name for c in columns(type(record))]
    return canonical(dict(zip(names, to_row(record), strict=True)))


UNDIGESTED = "not digested"
"""A bulk-load entry's ``personal`` when its digest leaves the personal fields out
(every load since personal values could be purged; earlier ones digested them)."""


def bulk_after(cls: type[Stored], result: Any) -> str:
    """The ``after`` of a bulk-load entry: the :class:`~exchange.backend.BulkResult`,
    and for a type with personal fields, that its digest leaves them out."""
    after = attrs.asdict(result)
    if fields.personal_names(cls):
        after["personal"] = UNDIGESTED
    return canonical(after)


def default_actor() -> str:
    """The operating-system user, or ``unknown`` where there is none."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # getuser raises OSError, KeyError or ImportError by platform
        return "unknown"


def make_change(
    *,
    prev_hash: str,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | None,
    before: str | None,
    after: str | None,
    at: dt.datetime | None = None,
) -> Change:
    """A new, unsaved entry chained to ``prev_hash``."""
    entry = Change(
        at=at or dt.datetime.now(dt.timezone.utc),
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        before=before,
        after=after,
        prev_hash=prev_hash,
        hash=GENESIS,
    )
    return attrs.evolve(entry, hash=chain_hash(prev_hash, entry.content()))


def verify(entries: Iterable[Change]) -> int:
    """Check the chain; return how many entries verified, or raise :class:`ChainBroken`."""
    prev = GENESIS
    n = 0
    for entry in entries:
        if entry.prev_hash != prev:
            raise ChainBroken(
                message(
                    "change log entry {entry_id} does not follow the entry before it "
                    "(an entry was removed, inserted or edited)",
                    entry_id=entry.id,
                )
            )
        if chain_hash(prev, entry.content()) != entry.hash:
            raise ChainBroken(
                message(
                    "change log entry {entry_id} was edited after it was written", entry_id=entry.id
                )
            )
        prev = entry.hash
        n += 1
    return n


class RowDigest:
    """A running SHA-256 over stored rows, for the bulk-load entry. Given the rows'
    type, it leaves their personal fields out (:func:`exchange.fields.is_personal`):
    a purge blanks them, and the load must still verify."""

    def __init__(self, cls: type[Stored] | None = None) -> None:
        from hashlib import sha256

        self._hash = sha256()
        self._keep = None if cls is None else row_without(cls, fields.personal_names(cls))

    def add(self, row: tuple[Any, ...]) -> None:
        """Fold one stored row (from :func:`exchange.codec.to_row`) into the digest."""
        if self._keep is not None:
            row = self._keep(row)
        self._hash.update(repr(row).encode())

    def hexdigest(self) -> str:
        """The digest so far."""
        return self._hash.hexdigest()

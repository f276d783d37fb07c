"""The :class:`Tracker`: one open store, its rules, its change log and its plugins."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import changelog, revisions, rules, urls, users
from .access import Access
from .backend import Backend, BulkResult
from .changelog import Change
from .codec import columns, row_encoder
from .errors import InvalidRecord, NotFound, NotPermitted
from .fields import to_ref
from .i18n import message, noun
from .mentoring import Mentoring
from .models import Grant, Meeting, Record, Stored, record_type
from .operations import Operations
from .paging import Cursor, position
from .plugins import Plugins, default_plugins
from .progress import Progress, Told
from .query import Measure, Op, check_measures, check_order, normalize
from .report import Report
from .sealing import Sealer
from .users import Users

if TYPE_CHECKING:
    import datetime as dt

    from .audit import RecordCheck
    from .matching.plan import MentorPlan, PlacementPlan
    from .matching.settings import MatchSettings
    from .models import Mentorship, Secondment
    from .purging import Purged

R = TypeVar("R", bound=Record)
Key = int | str | Record
"""A record named by id (``int``), ref (``str``) or the record itself."""


class Tracker(Operations, Mentoring, Users):
    """The facade over one store. Open it with :meth:`open`; close it (or use ``with``).

    Every write runs the integrity rules and the policy plugins inside a
    transaction and appends to the change log in the same transaction.
    """

    def __init__(self, backend: Backend, *, plugins: Plugins, actor: str | None = None) -> None:
        self.backend = backend
        self.plugins = plugins
        self._actor = actor
        self._depth = 0
        self._pending: list[Change] = []
        self._sealer = Sealer(backend)
        self._access: Access | None = None
        self._vouched: set[int | None] = set()
        """Meetings a confirmation code vouched for in this transaction."""

    @classmethod
    def open(
        cls,
        url: str | os.PathLike[str] | None = None,
        *,
        plugins: Plugins | None = None,
        actor: str | None = None,
    ) -> Tracker:
        """Open the store at ``url`` (``sqlite:///bureau.db``, ``memory:``, a plugin's scheme,
        or a bare file path, as text or a :class:`pathlib.Path`); without one, ``EXCHANGE_DB``
        or the default file in the user data directory. ``actor`` is recorded in the change
        log (default: the OS user)."""
        plugins = plugins or default_plugins()
        where = urls.resolve(url)
        if where.source == "default":
            urls.default_path().parent.mkdir(parents=True, exist_ok=True)
        spec = plugins.backends.get(urls.scheme(where.url))
        return cls(spec.open(where.url), plugins=plugins, actor=actor)

    @property
    def url(self) -> str:
        """The store's URL, password removed."""
        return urls.redact(self.backend.url)

    @property
    def actor(self) -> str:
        """Who the change log records as making changes: the actor given to :meth:`open`,
        else the login the database authenticated (for backends that have one, such as
        ``postgresql:``), else the operating-system user."""
        if self._actor is None:
            login = getattr(self.backend, "login", None)
            self._actor = login() if login is not None else changelog.default_actor()
        return self._actor

    def backup(self, destination: str) -> None:
        """Write a consistent copy of the store to the new SQLite file ``destination``:
        the backend's own ``backup`` where it has one (``sqlite:``), else a copy of every
        record and the change log (:mod:`exchange.backup`)."""
        from .backup import backup

        backup(self, destination)

    def close(self) -> None:
        """Close the store."""
        self.backend.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tracker]:
        """All or nothing; nestable. Plugins hear of changes after the outermost commit."""
        self._depth += 1
        mark = len(self._pending)
        try:
            with self.backend.transaction():
                yield self
        except BaseException:
            del self._pending[mark:]
            self._sealer.forget()  # a key made in the block undone is gone
            raise
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._access = None  # read again by the next transaction
                self._vouched.clear()
        if self._depth == 0:
            self._sealer.forget()
            committed, self._pending = self._pending, []
            self.plugins.changes_committed(committed)

    @property
    def access(self) -> Access:
        """What the actor may write (:mod:`exchange.access`), read once per transaction."""
        if self._access is None:
            self._require_own_name()
            self._access = Access.load(self.backend, self.actor)
        return self._access

    def _require_own_name(self) -> None:
        """Refuse an actor given to a tracker whose database binds its login to its own
        name (a PostgreSQL login row-level security binds: :mod:`exchange.access`)."""
        bound = getattr(self.backend, "bound_login", None)
        login = bound() if bound is not None and self._actor is not None else None
        if login is not None and login != self._actor:
            raise NotPermitted(
                message(
                    "the database authenticated {login}, who writes as {login}, not as {actor}",
                    login=login,
                    actor=self._actor,
                )
            )

    def _permit(self, before: Record | None, after: Record | None, lookup: rules.Lookup) -> None:
        """Refuse the write unless the actor's grants allow it; a write of a grant
        keeps a coordinator of every programme among the users."""
        record = after if after is not None else before
        if isinstance(record, Meeting) and record.id in self._vouched:
            return  # confirmed with the code issued for it
        access = self.access
        access.check(before, after, lookup)
        if isinstance(before, Grant) or isinstance(after, Grant):
            users.keep_a_coordinator(self.backend, access, before, after)
            self._access = None  # the actor's own grants may have changed

    def _snapshot(self, record: Stored) -> str | None:
        """``record`` as the change log keeps it: personal values sealed
        (:mod:`exchange.sealing`)."""
        return self._sealer.snapshot(record)

    def _log(
        self,
        action: str,
        cls: type[Stored],
        record_id: int | None,
        before: str | None,
        after: str | None,
    ) -> None:
        self._note(action, cls.table, record_id, before, after)

    def _note(
        self,
        action: str,
        record_type: str,
        record_id: int | None,
        before: str | None,
        after: str | None,
    ) -> None:
        """Append an entry to the change log, in the transaction the caller holds."""
        entry = changelog.make_change(
            prev_hash=self.head(),
            actor=self.actor,
            action=action,
            record_type=record_type,
            record_id=record_id,
            before=before,
            after=after,
        )
        self._pending.append(self.backend.add(entry))

    # -- reads ------------------------------------------------------------------

    def get(self, cls: type[R] | str, key: Key) -> R:
        """The record named by id, ref or itself; :class:`NotFound` if there is none.

        Text is a ref; text of digits that is no record's ref is taken as an id, so
        ``"12"`` typed on a command line finds record 12 unless a ref ``"12"`` exists.
        """
        kind: type[Any] = record_type(cls)
        if isinstance(key, Record):
            key = key.id if key.id is not None else -1
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise InvalidRecord(
                message(
                    "{kind} must be named by id or ref, not {key!r}",
                    kind=noun(kind),
                    key=key,
                )
            )
        if isinstance(key, str):
            ref = to_ref(key) or ""  # in the one form refs are kept in
            found = next(self.backend.find(kind, {"ref": Op("eq", ref)}, limit=1), None)
            if found is None and key.strip().isascii() and key.strip().isdigit():
                found = self.backend.get(kind, int(key))  # text as typed on a command line
        else:
            found = self.backend.get(kind, key)
        if found is None:
            if not isinstance(key, str):
                text = message("no {kind} with id {key!r}", kind=noun(kind), key=key)
            elif key.strip().isdigit():
                text = message("no {kind} with ref or id {key!r}", kind=noun(kind), key=key)
            else:
                text = message("no {kind} with ref {key!r}", kind=noun(kind), key=key)
            raise NotFound(text)
        result: R = found
        return result

    def current(self, cls: type[R] | str, key: Key) -> R:
        """:meth:`get`, and when ``key`` is a record (a copy read earlier), refuse it with
        :class:`~exchange.errors.StaleRecord` unless it is still the stored revision.
        Inside a :meth:`transaction` the answer holds until the transaction ends."""
        stored: R = self.get(cls, key)
        if isinstance(key, Record) and key.revision != stored.revision:
            raise revisions.stale(self.backend, stored, key.revision)
        return stored

    def find(
        self,
        cls: type[R] | str,
        *,
        order_by: Sequence[str] = (),
        limit: int | None = None,
        offset: int = 0,
        after: Record | Cursor | str | None = None,
        include_archived: bool = False,
        **filters: Any,
    ) -> Iterator[R]:
        """Records matching every filter (see :mod:`exchange.query`), archived ones on request.

        ``after`` reads the next page of a list at any depth (:mod:`exchange.paging`):
        the last record of the page before, its :class:`~exchange.paging.Cursor`, or
        the cursor's token; only records after it in the ``order_by`` order are found.
        """
        kind: type[Any] = record_type(cls)
        if (limit is not None and limit < 0) or offset < 0:
            raise InvalidRecord(message("limit and offset must not be negative"))
        order = check_order(kind, order_by)
        return self.backend.find(
            kind,
            self._filters(kind, filters, include_archived),
            order_by=order,
            limit=limit,
            offset=offset,
            after=None if after is None else position(kind, order, after),
        )

    def count(
        self, cls: type[Record] | str, *, include_archived: bool = False, **filters: Any
    ) -> int:
        """How many records match every filter."""
        kind = record_type(cls)
        return self.backend.count(kind, self._filters(kind, filters, include_archived))

    def aggregate(
        self,
        cls: type[Record] | str,
        *,
        group_by: Sequence[str] = (),
        measures: Mapping[str, Measure],
        include_archived: bool = False,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """Group-by with count/sum/min/max, computed where the data lives."""
        kind = record_type(cls)
        check_measures(kind, group_by, measures)
        return self.backend.aggregate(
            kind, list(group_by), measures, self._filters(kind, filters, include_archived)
        )

    def _filters(
        self, kind: type[Stored], filters: Mapping[str, Any], archived: bool
    ) -> dict[str, Op]:
        if not archived and "archived" not in filters:
            filters = {**filters, "archived": False}
        links = {c.name: c.table for c in columns(kind) if c.kind == "link"}
        return normalize(
            kind,
            {
                name: self._link_filter(rules.TABLES[links[name] or ""], value)
                if name in links
                else value
                for name, value in filters.items()
            },
        )

    def _link_filter(self, target: type[Stored], value: Any) -> Any:
        """A link filter may name the linked record by ref or by the record itself."""
        if isinstance(value, Op):
            inner = value.value
            if value.op == "in":
                return Op("in", tuple(self._link_filter(target, v) for v in inner))
            return Op(value.op, self._link_filter(target, inner))
        if isinstance(value, Record):
            return value.id
        if isinstance(value, str) and issubclass(target, Record):
            return self.get(target, value).id
        return value

    def changes(self, **filters: Any) -> Iterator[Change]:
        """The change log, oldest first."""
        return self.backend.find(Change, normalize(Change, filters))

    def head(self) -> str:
        """The hash of the newest change-log entry (``0`` × 64 for an empty log): kept
        outside the store, it lets ``audit verify --head`` prove no entry was removed
        since, and a report carries the head it was computed at."""
        last = next(self.backend.find(Change, {}, order_by=(("id", True),), limit=1), None)
        return last.hash if last else changelog.GENESIS

    def report(self, name: str, /, **parameters: Any) -> Report:
        """Build the registered report ``name`` (``summary``, a plugin's …) with
        ``parameters`` (its filters, e.g. ``year=2025``), carrying in
        :attr:`Report.head <exchange.report.Report.head>` the head read before
        the build, so the head is never newer than the data."""
        spec = self.plugins.reports.get(name)
        head = self.head()
        return attrs.evolve(spec.build(self, **parameters), head=head)

    def verify_log(self, *, on_row: Progress | None = None) -> int:
        """Check the change log's hash chain; return the number of entries, or raise
        :class:`~exchange.errors.ChainBroken` naming the first bad one. ``on_row`` hears
        how many entries were checked, every 1,000."""
        told = Told(on_row)
        checked = changelog.verify(told(self.changes()))
        told.finish()
        return checked

    def verify_head(self, head: str) -> None:
        """Check that ``head`` (an earlier :meth:`head`, kept outside the store) is still
        the hash of an entry of the log; raise :class:`~exchange.errors.ChainBroken` if
        not (entries after it were removed, or the log was rewritten). With
        :meth:`verify_log`, this proves no entry up to ``head`` changed."""
        from .audit import check_head  # the audit's modules load only for an audit

        check_head(self.backend, head)

    def verify_records(self, *, on_row: Progress | None = None) -> RecordCheck:
        """Compare every live record with what the change log last recorded of it, and the
        rows of each bulk load with the load's digest, streaming. Iterate over the result
        for the findings (:class:`~exchange.audit.Finding`; none when all match);
        its ``records`` is then how many live records were read, which ``on_row`` hears
        every 1,000."""
        from .audit import RecordCheck

        return RecordCheck(self.backend, on_row=on_row)

    # -- matching (see exchange.matching) ----------------------------------------

    def match_mentors(
        self,
        programme: str,
        *,
        criteria: MatchSettings | Mapping[str, Any] | str | None = None,
        starts_on: dt.date | str | None = None,
    ) -> MentorPlan:
        """The optimal plan of new mentor pairs for ``programme``, as data: ``criteria``
        is a :class:`~exchange.matching.settings.MatchSettings`, a mapping shaped like
        the criteria file, or the path of one (TOML). Nothing is stored; review the
        plan, then :meth:`apply_mentor_plan`."""
        from .matching import planner

        return planner.match_mentors(
            self,
            programme,
            settings=planner.as_settings(criteria),
            starts_on=planner.day(starts_on),
        )

    def apply_mentor_plan(self, plan: MentorPlan) -> list[Mentorship]:
        """Store a plan's pairs in one transaction, through the rules of every write;
        :class:`~exchange.errors.StaleRecord` if a record it read changed since."""
        from .matching import planner

        return planner.apply_mentor_plan(self, plan)

    def match_placements(
        self,
        year: int,
        *,
        programme: str | None = None,
        criteria: MatchSettings | Mapping[str, Any] | str | None = None,
    ) -> PlacementPlan:
        """The optimal plan of secondments for ``year``: teachers who applied to the
        needs host schools stated (of ``programme``, or of every programme), each need
        up to its places, each sending school keeping its ``keep_at_home`` teachers at
        home. ``criteria`` as for :meth:`match_mentors`. Nothing is stored; review the
        plan, then :meth:`apply_placement_plan`."""
        from .matching import placing, planner

        return placing.match_placements(
            self, year, programme=programme, settings=planner.as_settings(criteria)
        )

    def apply_placement_plan(self, plan: PlacementPlan) -> list[Secondment]:
        """Store a placement plan's secondments (proposed, each filling its need) in one
        transaction, through the rules of every write; :class:`~exchange.errors.StaleRecord`
        if a record it read changed since."""
        from .matching import placing

        return placing.apply_placement_plan(self, plan)

    # -- writes -----------------------------------------------------------------

    def _check(
        self, record: Stored, lookup: rules.Lookup, *, bulk: bool = False, policies: bool = True
    ) -> None:
        """Every rule for ``record``, and the policy plugins' unless ``policies`` is false
        (a bulk load asks the plugin manager once whether there are any)."""
        if isinstance(record, Change) or not isinstance(record, Record):
            raise InvalidRecord(message("the change log is written by the tracker alone"))
        rules.check(record, lookup, self.backend, bulk=bulk)
        if policies and self.plugins.has_validators:
            self.plugins.validate(record, self)

    def add(self, record: R) -> R:
        """Store a new record after checking every rule; return it with its id."""
        if record.id is not None:
            raise InvalidRecord(
                message(
                    "{kind} already has id {record_id}",
                    kind=noun(type(record)),
                    record_id=record.id,
                )
            )
        if record.revision:
            record = attrs.evolve(record, revision=0)  # a copy of a stored record starts anew
        with self.transaction():
            lookup = rules.Lookup(self.backend)
            self._check(record, lookup)
            self._permit(None, record, lookup)
            stored = self.backend.add(record)
            self._log("add", type(record), stored.id, None, self._snapshot(stored))
        return stored

    def update(self, record: R) -> R:
        """Replace the stored record with the same id (make it with ``attrs.evolve``);
        :class:`~exchange.errors.StaleRecord` if it changed since ``record`` was read."""
        with self.transaction():
            before = self.current(type(record), record)
            lookup = rules.Lookup(self.backend)
            self._check(record, lookup)
            self._permit(before, record, lookup)
            stored = self.backend.update(record)
            self._log(
                "update",
                type(record),
                record.id,
                self._snapshot(before),
                self._snapshot(stored),
            )
        return stored

    def archive(self, cls: type[R] | str, key: Key) -> R:
        """Mark a record archived: kept for history, left out of lists."""
        with self.transaction():
            before: R = self.current(cls, key)
            after = attrs.evolve(before, archived=True)
            self._permit(before, after, rules.Lookup(self.backend))
            stored = self.backend.update(after)
            self._log(
                "archive",
                type(before),
                before.id,
                self._snapshot(before),
                self._snapshot(stored),
            )
        return stored

    def delete(self, cls: type[Record] | str, key: Key) -> None:
        """Remove a record no other record links to (archive it otherwise)."""
        with self.transaction():
            before = self.current(cls, key)
            self._permit(before, None, rules.Lookup(self.backend))
            self.backend.delete(type(before), before.id or 0)
            self._log("delete", type(before), before.id, self._snapshot(before), None)

    def log_disclosure(
        self, cls: type[Record], personal: Sequence[str], filters: Mapping[str, Any]
    ) -> None:
        """Record in the change log that the actor read out the ``personal`` fields of
        ``cls`` records (an export ``with_personal``), and by which filters."""
        after = changelog.canonical({"fields": list(personal), "filters": sorted(filters)})
        with self.transaction():
            self._log("export", cls, None, None, after)

    def purge(self, teacher: Key) -> Purged:
        """Erase the teacher's personal data everywhere, the change log included
        (:mod:`exchange.purging`); :class:`~exchange.purging.NothingToPurge` if none is
        left. ``verify_log`` and ``verify_records`` still pass afterwards."""
        from .purging import purge

        return purge(self, teacher)

    def bulk_add(self, records: Iterable[R], *, batch_size: int = 10_000) -> BulkResult:
        """Store many new records of one type in one transaction, streaming.

        Every row is checked like :meth:`add`; the change log gets one entry with
        the count, the id range and a digest of the rows.
        """
        stream = iter(records)
        first = next(stream, None)
        if first is None:
            return BulkResult(count=0, first_id=None, last_id=None, digest="")
        cls = type(first)
        with self.transaction():
            lookup = rules.Lookup(self.backend)
            if cls in rules.READS_OWN_TYPE:
                result = self._add_one_by_one(cls, itertools.chain([first], stream))
            else:
                result = self.backend.bulk_insert(
                    cls,
                    self._checked(cls, itertools.chain([first], stream), lookup, bulk=True),
                    batch_size=batch_size,
                )
            self._log("bulk", cls, None, None, changelog.bulk_after(cls, result))
        return result

    def _checked(
        self, cls: type[R], records: Iterable[R], lookup: rules.Lookup, *, bulk: bool
    ) -> Iterator[R]:
        policies = self.plugins.has_validators
        checked = not (self.access.everything and cls is not Grant)  # an add is no confirmation
        for record in records:
            if type(record) is not cls:
                raise InvalidRecord(
                    message(
                        "a bulk load takes one record type; got a {found} among {expected} records",
                        found=type(record).__name__,
                        expected=cls.__name__,
                    )
                )
            if record.id is not None:
                raise InvalidRecord(
                    message(
                        "{kind} already has id {record_id}",
                        kind=noun(cls),
                        record_id=record.id,
                    )
                )
            if record.revision:
                record = attrs.evolve(record, revision=0)
            self._check(record, lookup, bulk=bulk, policies=policies)
            if checked:
                self._permit(None, record, lookup)
            yield record

    def _add_one_by_one(self, cls: type[R], records: Iterable[R]) -> BulkResult:
        digest, encode = changelog.RowDigest(cls), row_encoder(cls)
        ids = []
        for record in self._checked(cls, records, rules.Lookup(self.backend), bulk=False):
            digest.add(encode(record))
            ids.append(self.backend.add(record).id)
        return BulkResult(
            count=len(ids), first_id=ids[0], last_id=ids[-1], digest=digest.hexdigest()
        )

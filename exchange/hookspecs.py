"""Every hook a plugin can implement, in one place.

Plugins write ``from exchange import hookimpl`` and decorate functions whose
names match the specs below. The ``register_*`` hooks receive a typed
:class:`~exchange.registry.Registry` and call ``registry.add(Spec(...))``; a name
registered twice is an error that names both plugins. Each plugin's
implementation is called on its own, so an exception is reported with the
plugin's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .changelog import Change
    from .matching.criteria import MatchCriterion, PlacementCriterion
    from .models import Record
    from .registry import BackendSpec, FormatSpec, ImporterSpec, Registry, ReportSpec
    from .tariffs import TariffSpec
    from .tracker import Tracker

PROJECT = "teacher_exchange"
"""The pluggy project name and the entry-point group third-party plugins use."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- registries: called once, when the registry is first needed ---------------


@hookspec
def register_backends(registry: Registry[BackendSpec]) -> None:
    """Add storage backends, one URL scheme each.

    :param registry: call ``registry.add(BackendSpec(scheme=..., open=...))``;
        ``open`` receives the whole URL and returns an :class:`exchange.backend.Backend`.

    Called the first time a tracker is opened with this plugin manager.
    """


@hookspec
def register_reports(registry: Registry[ReportSpec]) -> None:
    """Add named reports.

    :param registry: call ``registry.add(ReportSpec(name=..., build=...))``;
        ``build(tracker, **parameters)`` returns an :class:`exchange.report.Report`.
    """


@hookspec
def register_formats(registry: Registry[FormatSpec]) -> None:
    """Add report formats.

    :param registry: call ``registry.add(FormatSpec(name=..., render=...))``;
        ``render(report, stream)`` writes the report to a text (or, for
        ``binary=True``, a bytes) stream.
    """


@hookspec
def register_importers(registry: Registry[ImporterSpec]) -> None:
    """Add readers for spreadsheet and data files.

    :param registry: call ``registry.add(ImporterSpec(name=..., extensions=..., read=...))``;
        ``read(path)`` yields one ``dict`` per row (header → cell text).
    """


@hookspec
def register_tariffs(registry: Registry[TariffSpec]) -> None:
    """Add per-day allowance tariffs for secondments.

    :param registry: call ``registry.add(TariffSpec(name=..., versions=..., classify=...))``;
        the versions must follow each other without a gap.

    Called the first time a tariff is looked up (``Tracker.cost``).
    """


@hookspec
def register_match_criteria(registry: Registry[MatchCriterion]) -> None:
    """Add criteria that matching weighs (subject fit, stage fit, a plugin's own …).

    :param registry: call ``registry.add(MatchCriterion(name=..., score=..., weight=...))``;
        ``score(mentor, mentee)`` receives two :class:`exchange.matching.criteria.Profile`
        and returns a value from 0 to 1.

    Called the first time a plan is computed (``Tracker.match_mentors``).
    """


@hookspec
def register_placement_criteria(registry: Registry[PlacementCriterion]) -> None:
    """Add criteria that placement plans weigh (subject fit, schools already paired …).

    :param registry: call ``registry.add(PlacementCriterion(name=..., score=..., weight=...))``;
        ``score(need, applicant)`` receives an :class:`exchange.matching.criteria.Opening`
        and a :class:`exchange.matching.criteria.Profile` and returns a value from 0 to 1.

    Called the first time a placement plan is computed (``Tracker.match_placements``).
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add commands to the ``exchange`` command line.

    :param cli: the root ``click.Group``; call ``cli.add_command(...)`` or use
        ``@cli.command()``.

    Called once per process, when the command line first needs the plugins'
    commands: for a command name that is not a built-in one, for ``exchange --help``
    and for shell completion. Plugin commands are listed in ``--help`` under their
    own heading; a command reaches the chosen store through ``cli.state.pass_tracker``.
    """


# -- events: called for every record or change --------------------------------


@hookspec
def validate_record(record: Record, tracker: Tracker) -> list[str] | None:
    """Policy rules: return problems with ``record`` (empty or ``None`` if none).

    :param record: the record about to be added or updated (``id`` is ``None`` for an add).
    :param tracker: the tracker, for looking up other records; the check runs
        inside the write transaction.

    Called before every add and update, and for every row of a bulk load. The
    problems of all plugins are collected; any problem refuses the change with
    :class:`exchange.errors.RuleViolation` and nothing is written.
    """


@hookspec
def record_changed(change: Change) -> None:
    """React to a committed change: audit copies, notifications.

    :param change: the change-log entry, after the transaction committed.

    Called once per change, in order, after the outermost transaction commits;
    never for a change that was rolled back. Exceptions are reported naming the
    plugin; the change stays committed.
    """

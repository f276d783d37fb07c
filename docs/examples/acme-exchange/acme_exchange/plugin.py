"""The hook implementations of the acme-exchange plugin.

teacher-exchange imports this module through the entry point ``acme`` in the
group ``teacher_exchange`` and calls every function marked ``@hookimpl`` whose
name matches a hook in ``exchange.hookspecs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import click

from backends.memory import MemoryBackend
from cli.i18n import localized
from cli.state import pass_tracker
from exchange import School, Stage, Teacher, Tracker, hookimpl
from exchange.i18n import Catalogue
from exchange.registry import BackendSpec, FormatSpec, Registry, ReportOption, ReportSpec
from exchange.report import Column, Report, Table

# The plugin's own translations: acme_exchange/locale/zh_CN/LC_MESSAGES/acme_exchange.mo.
# Messages made with _() are shown in Chinese under --lang zh.
ACME = Catalogue("acme_exchange", Path(__file__).parent / "locale")
_ = ACME.message


# -- a backend: acme: -----------------------------------------------------------


class AcmeBackend(MemoryBackend):
    """The memory backend under its own scheme: ``acme:`` or ``acme:NAME``.

    Records live in memory and are gone on close; ``name`` is the part of the
    URL after the colon, kept only to show how a backend reads its URL. It has no
    ``backup`` method of its own: ``exchange backup`` copies it into a new SQLite file.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.name = url.partition(":")[2] or "default"


@hookimpl
def register_backends(registry: Registry[BackendSpec]) -> None:
    """``acme:`` — an in-memory store."""
    registry.add(BackendSpec(scheme="acme", open=AcmeBackend, description="acme's in-memory store"))


# -- a report with an option of its own: acme-stages ------------------------------


def schools_per_stage(tracker: Tracker, *, region: str | None = None, at_least: int = 1) -> Report:
    """Schools per stage, leaving out stages with fewer than ``at_least`` schools.

    ``region`` is a shared filter (``--region``); ``at_least`` is this report's own
    option (``--at-least``), declared on its ``ReportSpec``.
    """
    where = {} if region is None else {"region": region}
    counts = [(stage, tracker.count(School, stage=stage, **where)) for stage in Stage]
    table = Table(
        name="stages",
        columns=[
            Column(key="stage", label=_("stage")),
            Column(key="n", label=_("schools"), type="int"),
        ],
        rows=[(stage, n) for stage, n in counts if n and n >= at_least],
    )
    return Report(
        title=_("Schools per stage"),
        parameters={"region": region, "at_least": at_least},
        tables=[table],
    )


AT_LEAST = ReportOption(
    name="at_least", type="int", help=_("Leave out stages with fewer schools than this.")
)
"""The report's own option: ``exchange report acme-stages --at-least N``."""


@hookimpl
def register_reports(registry: Registry[ReportSpec]) -> None:
    """``acme-stages`` — schools per stage, with the option ``--at-least N``."""
    stages = ReportSpec(
        name="acme-stages",
        build=schools_per_stage,
        description=_("schools per stage"),
        options=[AT_LEAST],
    )
    registry.add(stages)


# -- a format: acme-text ------------------------------------------------------------


def render_text(report: Report, stream: IO[str]) -> None:
    """Write the report as plain text: the title, then each table as ``label: value`` lines."""
    stream.write(f"{report.title}\n")
    for table in report.tables:
        stream.write(f"\n[{table.name}]\n")
        for row in table.rows:
            cells = (
                f"{column.label}: {value}" for column, value in zip(table.columns, row, strict=True)
            )
            stream.write("; ".join(cells) + "\n")
        if table.totals is not None:
            stream.write("total: " + "; ".join(str(v) for v in table.totals) + "\n")


@hookimpl
def register_formats(registry: Registry[FormatSpec]) -> None:
    """``acme-text`` — plain text, one line per row."""
    registry.add(
        FormatSpec(
            name="acme-text",
            render=render_text,
            extension="txt",
            description="plain text, one line per row",
        )
    )


# -- a command: exchange acme-census ------------------------------------------------


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``exchange acme-census`` — how many schools and teachers the store holds."""

    @cli.command(name="acme-census")
    @pass_tracker
    def census(tracker: Tracker) -> None:
        """Count the schools and teachers in the store --db chose.

        \b
        Example:
            exchange --db bureau.db acme-census
        """
        line = _(
            "{url} holds {schools} schools and {teachers} teachers",
            url=tracker.url,
            schools=tracker.count(School),
            teachers=tracker.count(Teacher),
        )
        click.echo(localized(line))

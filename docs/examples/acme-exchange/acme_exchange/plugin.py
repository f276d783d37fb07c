"""The hook implementations of the acme-exchange plugin.

teacher-exchange imports this module through the entry point ``acme`` in the
group ``teacher_exchange`` and calls every function marked ``@hookimpl`` whose
name matches a hook in ``exchange.hookspecs``.
"""

from __future__ import annotations

from typing import IO

from backends.memory import MemoryBackend
from exchange import hookimpl
from exchange.registry import BackendSpec, FormatSpec, Registry
from exchange.report import Report


class AcmeBackend(MemoryBackend):
    """The memory backend under its own scheme: ``acme:`` or ``acme:NAME``.

    Records live in memory and are gone on close; ``name`` is the part of the
    URL after the colon, kept only to show how a backend reads its URL.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.name = url.partition(":")[2] or "default"


@hookimpl
def register_backends(registry: Registry[BackendSpec]) -> None:
    """``acme:`` — an in-memory store."""
    registry.add(BackendSpec(scheme="acme", open=AcmeBackend, description="acme's in-memory store"))


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

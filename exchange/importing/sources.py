"""Opening an import file through the importer plugins (``register_importers``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExchangeError
from ..i18n import message
from .columns import guess
from .problems import ReadError

if TYPE_CHECKING:
    from ..plugins import Plugins
    from ..registry import ImporterSpec
    from .check import Source


def importer_for(
    plugins: Plugins, path: str | os.PathLike[str], name: str | None = None
) -> ImporterSpec:
    """The importer called ``name``, or the one that reads files ending like ``path``."""
    if name is not None:
        return plugins.importers.get(name)
    ending = Path(path).suffix.lower().lstrip(".")
    fitting = [spec for spec in plugins.importers if ending in spec.extensions]
    if len(fitting) == 1:
        return fitting[0]
    known = ", ".join(f"{s.name} (.{', .'.join(s.extensions)})" for s in plugins.importers)
    if fitting:
        names = ", ".join(s.name for s in fitting)
        raise ReadError(
            message(
                "several importers read .{ending} files ({names}); choose one",
                ending=ending,
                names=names,
            )
        )
    raise ReadError(
        message(
            "no importer reads {name!r}; the importers are: {importers}",
            name=Path(path).name,
            importers=known or message("none"),
        )
    )


def reader(
    path: str | os.PathLike[str], *, plugins: Plugins | None = None, importer: str | None = None
) -> Source:
    """A function that opens the rows of the file at ``path`` each time it is called.

    The importer is chosen by ``importer`` or by the file's ending. Whatever it
    raises reaches the caller as a :class:`ReadError` naming the file.
    """
    if plugins is None:
        from ..plugins import default_plugins

        plugins = default_plugins()
    spec = importer_for(plugins, path, importer)
    where = os.fspath(path)

    def rows() -> Iterator[dict[str, Any]]:
        try:
            yield from spec.read(where)
        except ReadError:
            raise
        except ExchangeError as error:
            raise ReadError(error.args[0] if len(error.args) == 1 else str(error)) from error
        except OSError as error:
            raise ReadError(
                message("cannot read {where}: {value}", where=where, value=error.strerror or error)
            ) from error
        except Exception as error:
            raise ReadError(
                message(
                    "importer {spec_name!r} failed on {where}: {error}",
                    spec_name=spec.name,
                    where=where,
                    error=error,
                )
            ) from error

    return rows


def guess_kind(headers: Iterable[str]) -> str | None:
    """The table the headers fit best (``teachers``), or ``None`` when no single one fits."""
    found = guess(headers)
    return None if found is None else found.table


def estimated_rows(path: str | os.PathLike[str], importer: str | None = None) -> int | None:
    """How many rows a CSV file holds below its header, counted by line ends (a cell
    with a line break in it counts twice), for a progress bar's total; ``None`` for
    other formats."""
    name = os.fspath(path)
    if (importer or os.path.splitext(name)[1].lstrip(".").lower()) != "csv":
        return None
    lines = 0
    with open(name, "rb") as file:
        while chunk := file.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)

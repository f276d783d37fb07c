"""``exchange backup`` for any backend: a copy of the store in a new SQLite file.

A backend that can copy itself (:class:`exchange.backend.BacksUp`, such as
``sqlite:`` with SQLite's online backup API) does so; any other store, ``memory:``,
``postgresql:`` or a plugin's, is copied record by record into a new ``sqlite:``
store by :func:`exchange.copying.copy`, ids and change log included, so that
``exchange audit verify`` passes on the copy and ``exchange copy`` brings it back.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from .backend import BacksUp
from .errors import BackendError
from .i18n import message

if TYPE_CHECKING:
    from .tracker import Tracker


def backup(tracker: Tracker, destination: str) -> None:
    """Write a consistent copy of ``tracker``'s store to the new SQLite file ``destination``.

    An existing file is not replaced; the copy is written beside it and renamed into
    place, so a failure leaves no file behind.
    """
    if isinstance(tracker.backend, BacksUp):
        tracker.backend.backup(destination)
        return
    target = new_file(destination)
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy_into(tracker, partial)
        partial.rename(target)
    except OSError as error:
        raise BackendError(
            message("cannot write the backup {path}: {error}", path=target, error=error)
        ) from None
    finally:
        for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


def new_file(destination: str) -> Path:
    """``destination`` as a path, once it is known not to exist in a folder that does."""
    target = Path(destination)
    if target.exists():
        raise BackendError(
            message("{path} already exists; choose a new file for the backup", path=target)
        )
    if not target.parent.is_dir():
        raise BackendError(
            message("cannot write the backup: folder {folder} does not exist", folder=target.parent)
        )
    return target


def _copy_into(tracker: Tracker, path: Path) -> None:
    from .copying import copy
    from .tracker import Tracker

    path.unlink(missing_ok=True)  # left by a backup that was killed
    with Tracker.open(f"sqlite:///{path}", plugins=tracker.plugins, actor=tracker.actor) as copied:
        copy(tracker, copied)

"""Whether an installed distribution may declare entry points in a group, known cheaply.

``importlib.metadata`` costs a good part of a command's start-up (it imports
``email``, ``zipfile``, ``csv`` … and reads every distribution's metadata), and
most installations have no third-party plugin. :func:`may_declare` reads what the
standard path finder of ``importlib.metadata`` would read: the ``entry_points.txt``
of each ``*.dist-info`` and ``*.egg-info`` folder in each folder on ``sys.path``
(and ``EGG-INFO`` of an ``.egg`` folder on it). It says ``False`` only when none
names the group and everything it met was such a folder; anything else (a zip file
on the path, an unreadable folder, another kind of metadata finder) is ``True``,
and the caller asks ``importlib.metadata``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

_METADATA = (".dist-info", ".egg-info")


class _Unsure(Exception):
    """Something on the path that only importlib.metadata reads right."""


def may_declare(group: str) -> bool:
    """False when no distribution on ``sys.path`` can declare an entry point in ``group``."""
    if any(_other_finder(finder) for finder in sys.meta_path):
        return True
    header = f"[{group}]"
    try:
        return any(_declares(path, header) for path in _entry_point_files())
    except _Unsure:
        return True


def _other_finder(finder: object) -> bool:
    """A finder besides the standard path finder that can list distributions."""
    from importlib.machinery import PathFinder

    return finder is not PathFinder and hasattr(finder, "find_distributions")


def _entry_point_files() -> Iterator[str]:
    """The ``entry_points.txt`` files importlib.metadata's path finder would read."""
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                raise _Unsure(folder)  # a zip file: importlib.metadata reads inside it
            continue
        if folder.lower().endswith(".egg"):
            yield os.path.join(folder, "EGG-INFO", "entry_points.txt")
        try:
            names = os.listdir(folder)
        except OSError as error:
            raise _Unsure(folder) from error
        for name in names:
            if name.lower().endswith(_METADATA):
                yield os.path.join(folder, name, "entry_points.txt")


def _declares(path: str, header: str) -> bool:
    """True when the entry-point file at ``path`` has the section ``header``."""
    try:
        with open(path, encoding="utf-8") as file:
            return any(line.strip() == header for line in file)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, UnicodeDecodeError) as error:
        raise _Unsure(path) from error

"""Which store to open: ``--db``/argument, then ``EXCHANGE_DB``, then the default file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@attrs.frozen
class Location:
    """A resolved store URL and where it came from (``argument``, ``EXCHANGE_DB``, ``default``)."""

    url: str
    source: str


def default_path() -> Path:
    """The embedded default: ``exchange.db`` in the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("teacher-exchange", appauthor=False)) / "exchange.db"


def resolve(url: str | os.PathLike[str] | None = None) -> Location:
    """The URL to open and its source; bare paths (text or :class:`os.PathLike`) become
    ``sqlite:///`` URLs."""
    if isinstance(url, os.PathLike):
        return Location(f"sqlite:///{os.fspath(url)}", "argument")
    if url:
        return Location(normalise(url), "argument")
    env = os.environ.get("EXCHANGE_DB")
    if env:
        return Location(normalise(env), "EXCHANGE_DB")
    return Location(f"sqlite:///{default_path()}", "default")


def normalise(url: str) -> str:
    """``bureau.db`` → ``sqlite:///bureau.db``; URLs with a scheme are kept."""
    url = url.strip()
    match = _SCHEME.match(url)
    if match and len(match.group(1)) > 1:  # "C:\\..." is a Windows path, not a scheme
        return url
    return f"sqlite:///{url}"


def scheme(url: str) -> str:
    """The scheme of a normalised URL (``sqlite``, ``memory``, ``postgresql``)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite:///`` URL names (``~`` expanded, options dropped); ``None`` for
    an in-memory database or any other kind of store."""
    from urllib.parse import unquote

    full = normalise(url)
    rest = full.partition(":")[2].partition("?")[0]
    if scheme(full) != "sqlite" or not rest.startswith("///") or rest == "///:memory:":
        return None
    return Path(unquote(rest[3:])).expanduser()


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)

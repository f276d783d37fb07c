"""Reading ``sqlite:`` URLs into a file location and connection options."""

from __future__ import annotations

import os
import urllib.parse

import attrs

from exchange.errors import ConfigurationError
from exchange.i18n import message

MEMORY = ":memory:"
"""The path of an in-memory database."""

DEFAULT_TIMEOUT = 5.0
"""Seconds a write waits for another program's lock before giving up."""

_FORMS = (
    "sqlite:///relative/path.db, sqlite:////absolute/path.db "
    "or sqlite:///:memory: (options: ?mode=ro, ?timeout=SECONDS)"
)


@attrs.frozen
class Location:
    """Where a ``sqlite:`` URL points and how to open it."""

    path: str
    """A file path, or ``:memory:``."""
    read_only: bool = False
    timeout: float = DEFAULT_TIMEOUT
    """The busy timeout, in seconds."""

    @property
    def in_memory(self) -> bool:
        """True for a database that lives only as long as its connection."""
        return self.path == MEMORY


def parse(url: str) -> Location:
    """Turn a ``sqlite:`` URL into a :class:`Location`; a bad URL is a ConfigurationError."""
    scheme, _, rest = url.partition(":")
    if scheme != "sqlite":
        raise ConfigurationError(
            message("{url!r} is not a sqlite URL; use {forms}", url=url, forms=_FORMS)
        )
    rest, _, query = rest.partition("?")
    if rest in ("", "//"):
        path = MEMORY
    elif rest.startswith("///") and rest != "///":
        path = urllib.parse.unquote(rest[3:])
    else:
        raise ConfigurationError(
            message("cannot read the sqlite URL {url!r}; use {forms}", url=url, forms=_FORMS)
        )
    read_only, timeout = _options(url, query)
    if path != MEMORY:
        path = _check_directory(url, os.path.expanduser(path))
    return Location(path=path, read_only=read_only, timeout=timeout)


def _options(url: str, query: str) -> tuple[bool, float]:
    read_only, timeout = False, DEFAULT_TIMEOUT
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if key == "mode" and value in ("ro", "rw", "rwc"):
            read_only = value == "ro"
        elif key == "timeout":
            timeout = _seconds(url, value)
        else:
            raise ConfigurationError(
                message(
                    "unknown option {key}={value} in the sqlite URL {url!r}",
                    key=key,
                    value=value,
                    url=url,
                )
            )
    return read_only, timeout


def _seconds(url: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigurationError(
            message(
                "timeout={value} in the sqlite URL {url!r} must be a number of seconds (0 to 3600)",
                value=value,
                url=url,
            )
        )
    return seconds


def _check_directory(url: str, path: str) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ConfigurationError(
            message(
                "cannot open {url}: the directory {folder} does not exist; create it first",
                url=url,
                folder=directory,
            )
        )
    return path

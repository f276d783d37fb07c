"""What one command invocation shares: the chosen store, opened on first use.

This is the public way for a plugin's command to reach the store the user chose
(``--db``, else ``EXCHANGE_DB``, else the default file) with the ``--actor`` and
``--lang`` of the invocation: decorate the command with :func:`pass_tracker` to
receive the open :class:`~exchange.Tracker`, or with :func:`pass_state` to receive
the :class:`State` (its tracker, its plugins and its language).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from exchange import Tracker
    from exchange.plugins import Plugins
    from exchange.urls import Location


class State:
    """The root options (``--db``, ``--actor``, ``--lang``, ``--quiet``) and the
    tracker, opened lazily and closed at exit."""

    def __init__(
        self, *, db: str | None, actor: str | None, lang: str | None = None, quiet: bool = False
    ) -> None:
        self.db = db
        self.actor = actor
        self.language = lang
        self.quiet = quiet
        """``--quiet``: no progress bars."""
        self._tracker: Tracker | None = None

    def lang(self) -> str:
        """``en`` or ``zh``: ``--lang``, else from the ``LANG`` environment variables."""
        from exchange.i18n import language

        return language(self.language)

    def location(self) -> Location:
        """Which store the options and environment select."""
        from exchange.urls import resolve

        return resolve(self.db)

    def plugins(self) -> Plugins:
        """The process's plugins."""
        from exchange.plugins import default_plugins

        return default_plugins()

    def tracker(self) -> Tracker:
        """The open tracker."""
        if self._tracker is None:
            from exchange import Tracker

            self._tracker = Tracker.open(self.db, plugins=self.plugins(), actor=self.actor)
        return self._tracker

    def close(self) -> None:
        """Close the tracker if one was opened."""
        if self._tracker is not None:
            self._tracker.close()


F = TypeVar("F", bound=Callable[..., Any])

pass_state = click.make_pass_decorator(State)
"""Give a command the invocation's :class:`State` as its first argument."""


def pass_tracker(command: F) -> F:
    """Give a command the tracker of the store the invocation chose as its first
    argument: opened on first use, closed when the command line ends."""

    @pass_state
    @functools.wraps(command)
    def with_tracker(state: State, *args: Any, **kwargs: Any) -> Any:
        return command(state.tracker(), *args, **kwargs)

    return with_tracker  # type: ignore[return-value]

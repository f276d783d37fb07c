"""What one command invocation shares: the chosen store, opened on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


pass_state = click.make_pass_decorator(State)

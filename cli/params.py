"""Parameter types shared by the commands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from .i18n import localized

if TYPE_CHECKING:
    _DayType = click.ParamType[dt.date]
else:  # generic only in newer releases of click
    _DayType = click.ParamType


class Day(_DayType):
    """A calendar day in any form an import takes: 2025-09-01, 2025/9/1, 2025.9.1,
    2025年9月1日 or 20250901 (full-width digits too). A wrong one is refused naming
    the option, before anything is written."""

    name = "day"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        from exchange.errors import InvalidRecord
        from exchange.importing.cells import day

        try:
            return day(value)
        except InvalidRecord as refused:
            self.fail(localized(refused), param, ctx)


DAY = Day()
"""The :class:`Day` every date option uses."""

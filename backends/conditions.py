"""What the SQL backends' ``where`` modules build, whatever the dialect: the conditions
for normalised filters, their parameters, and the guards that raise the ``TypeError``
``memory:`` would raise."""

from __future__ import annotations

from typing import Any

import attrs


class _NoMatch:
    """Stands for a filter value no stored value can equal."""


NO_MATCH = _NoMatch()
"""What a dialect's ``stored`` returns for a value no stored value can equal."""


@attrs.frozen
class Guard:
    """Rows that, in ``memory:``, would compare a value with one Python cannot order it by."""

    condition: str
    params: list[Any]
    message: str
    """The ``TypeError`` message to raise when such a row exists."""


@attrs.frozen
class Where:
    """``WHERE`` conditions joined by ``AND`` (always true for none), their parameters,
    and guards."""

    sql: str
    params: list[Any]
    guards: list[Guard]
    """Checked before the query runs: ``memory:`` raises ``TypeError`` when a guard matches."""

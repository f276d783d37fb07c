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


def valid_unicode(value: Any) -> bool:
    """Whether ``value`` is not text, or text a store can hold: no lone surrogate
    (U+D800 to U+DFFF), which UTF-8 cannot encode."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ordered_text(text: str, op: str, *, nul: bool) -> tuple[str, str]:
    """``text`` and comparison ``op`` (lt, le, gt, ge) that order stored text as ``text``
    orders it in Python, when stored text holds neither a lone surrogate nor (``nul``)
    a NUL. Past a prefix ``p``, a stored ``s`` is below ``p`` + NUL + … exactly when
    ``s <= p``, and below ``p`` + a surrogate + … exactly when ``s < p + U+E000``, the
    first character past the surrogates."""
    for i, char in enumerate(text):
        if char == "\x00" and nul:
            return text[:i], "le" if op in ("lt", "le") else "gt"
        if "\ud800" <= char <= "\udfff":
            return text[:i] + "\ue000", "lt" if op in ("lt", "le") else "ge"
    return text, op

"""Definitions kept in files: rubric trees in TOML or JSON.

A tree is awkward to type on a command line, so a rubric is written as a file
(``exchange/data/rubrics/exchange-teacher.toml`` is the shipped example) and
read here into the arguments of :meth:`exchange.Tracker.define_rubric`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InvalidRecord
from .i18n import message
from .models import Criterion, GradeBand

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

SHIPPED_RUBRICS = Path(__file__).parent / "data" / "rubrics"
"""Rubric files that come with the package, named by their stem (``exchange-teacher``)."""

_RUBRIC_KEYS = {"name", "target", "criteria", "bands", "ref"}
_CRITERION_KEYS = {
    "key",
    "name",
    "weight",
    "max_score",
    "min_score",
    "levels",
    "combine",
    "children",
}


def shipped_rubrics() -> list[str]:
    """Names of the rubric files shipped with the package."""
    return sorted(p.stem for p in SHIPPED_RUBRICS.glob("*.toml"))


def read_file(source: str | Path) -> dict[str, Any]:
    """The table in a ``.toml`` or ``.json`` file, or in a shipped rubric named by its stem."""
    path = Path(source)
    if not path.exists() and str(source) in shipped_rubrics():
        path = SHIPPED_RUBRICS / f"{source}.toml"
    if not path.is_file():
        shipped = ", ".join(shipped_rubrics())
        raise InvalidRecord(
            message(
                "no file {source!r} (shipped rubrics: {shipped})",
                source=str(source),
                shipped=shipped,
            )
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except UnicodeDecodeError:
        raise InvalidRecord(message("{path}: not UTF-8 text", path=path)) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise InvalidRecord(message("{path}: {error}", path=path, error=error)) from None
    if not isinstance(data, dict):
        raise InvalidRecord(message("{path}: expected a table of settings at the top", path=path))
    return data


def unknown_keys(where: str, data: Mapping[str, Any], known: set[str]) -> None:
    """Refuse ``data`` naming its keys outside ``known`` (``where`` says what it is)."""
    extra = sorted(set(data) - known)
    if extra:
        raise InvalidRecord(
            message(
                "{where}: unknown keys {extra}; known: {known}",
                where=where,
                extra=extra,
                known=sorted(known),
            )
        )


def _check_criterion(data: Any, where: str) -> None:
    if not isinstance(data, Mapping):
        raise InvalidRecord(
            message("{where}: expected a table with key, name and weight", where=where)
        )
    unknown_keys(where, data, _CRITERION_KEYS)
    missing = [k for k in ("key", "name") if k not in data]
    if missing:
        raise InvalidRecord(
            message("{where}: missing {names}", where=where, names=", ".join(missing))
        )
    for i, child in enumerate(data.get("children", ())):
        _check_criterion(child, f"{where} > sub-criterion {i + 1}")


def rubric_arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for :meth:`~exchange.Tracker.define_rubric` from a rubric file."""
    unknown_keys("rubric file", data, _RUBRIC_KEYS)
    for key in ("name", "target", "criteria"):
        if key not in data:
            raise InvalidRecord(message("rubric file: missing {key!r}", key=key))
    for i, criterion in enumerate(data["criteria"]):
        _check_criterion(criterion, f"criterion {i + 1}")
    criteria = [Criterion.from_json(c) for c in data["criteria"]]
    out: dict[str, Any] = {"name": data["name"], "target": data["target"], "criteria": criteria}
    if "bands" in data:
        try:
            out["bands"] = [GradeBand.from_json(b) for b in data["bands"]]
        except (KeyError, TypeError):
            raise InvalidRecord(
                message("rubric file: each band needs a grade and a min_total")
            ) from None
    if "ref" in data:
        out["ref"] = data["ref"]
    return out

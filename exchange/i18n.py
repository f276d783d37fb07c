"""English and Simplified Chinese through gettext catalogues.

Code is written in English; ``exchange/locale/zh_CN/LC_MESSAGES/exchange.po``
holds the Chinese, compiled to the ``.mo`` file beside it (``make catalogues``;
a test checks the compiled file matches its source). Vocabulary values
(:class:`~exchange.enums.Term` members) are looked up by their English value,
so a report in Chinese says 支教 where the English one says ``teaching``.
"""

from __future__ import annotations

import enum
import functools
import gettext
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import ExchangeError

DOMAIN = "exchange"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"en": "English", "zh": "简体中文"}
"""The languages of the catalogues, by the code ``--lang`` takes."""

_CATALOGUES = {"zh": "zh_CN"}


def language(lang: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``en`` or ``zh``: ``lang`` when given (``zh``, ``zh_CN.UTF-8``, ``en-GB`` …),
    else the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is
    set, else ``en``. An unknown ``lang`` is an error; an unknown locale is ``en``."""
    if lang is not None:
        code = _code(lang)
        if code is None:
            raise ExchangeError(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
        return code
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return _code(value.split(":")[0]) or "en"
    return "en"


def _code(text: str) -> str | None:
    head = text.strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    if head in LANGUAGES:
        return head
    return "en" if head in ("c", "posix") else None


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (``en`` has none: text stays as written)."""
    folder = _CATALOGUES.get(lang)
    if folder is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder], fallback=True)


def translator(lang: str) -> Callable[[str], str]:
    """``gettext`` for ``lang`` (``en`` or ``zh``); untranslated text comes back unchanged."""
    return catalogue(lang).gettext


class Phrase(str):
    """Text a report builder writes in English that :meth:`Report.localized`
    translates when it stands in a cell, e.g. ``Phrase("no partnership")``."""

    __slots__ = ()


def table_name(table: str, lang: str) -> str:
    """The name of a record table (``schools``, ``secondments`` …) in ``lang``."""
    return catalogue(lang).pgettext("table", table)


def word(value: Any, lang: str) -> str:
    """A vocabulary value in ``lang``: an enum member by its value, looked up in the
    context of its enum's name (``SecondmentStatus`` ``active`` is 在岗,
    ``MentorshipStatus`` ``active`` 进行中), a bool as yes/no."""
    if isinstance(value, bool):
        return translator(lang)("yes" if value else "no")
    if isinstance(value, enum.Enum):
        return catalogue(lang).pgettext(type(value).__name__, str(value.value))
    return translator(lang)(str(value))  # a Phrase

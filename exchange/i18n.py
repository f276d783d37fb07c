"""English and Simplified Chinese through gettext catalogues.

Code is written in English; ``exchange/locale/zh_CN/LC_MESSAGES/exchange.po``
holds the Chinese, compiled to the ``.mo`` file beside it (``make catalogues``;
a test checks the compiled file matches its source). Vocabulary values
(:class:`~exchange.enums.Term` members) are looked up by their English value,
so a report in Chinese says 支教 where the English one says ``teaching``.

Messages (an error's text, a line the CLI prints) are built with :func:`message`:
the result is the English text, and it remembers its template and values so
that :func:`localize` can give it in another language later, where the reader is
known (the CLI knows ``--lang``; the library does not)::

    raise NotFound(message("school {ref!r} does not exist", ref=ref))

``pybabel extract -k message`` finds the templates for the catalogue.
"""

from __future__ import annotations

import enum
import functools
import gettext
import os
from collections.abc import Callable, Iterable, Mapping
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


class Message(str):
    """English text that remembers how it was made: ``template`` (a :meth:`str.format`
    template, the catalogue's msgid) and ``params`` (the values put in), so
    :func:`localize` can put the same values into the template's translation.

    It is a ``str`` (the English text), so code that only prints or compares it, or
    joins it into bigger text, needs to know nothing of languages. Build one with
    :func:`message`."""

    template: str
    params: Mapping[str, Any]
    context: str | None = None
    """The catalogue's ``msgctxt`` for the template, when it needs one (:func:`noun`)."""
    catalogue: Catalogue | None = None
    """The plugin catalogue the template is translated in (:meth:`Catalogue.message`);
    ``None`` for the library's own."""


def message(template: str, /, **params: Any) -> Message:
    """``template.format(**params)`` as a :class:`Message`. ``template`` is a literal
    (``pybabel extract -k message`` reads it into the catalogue); ``params`` are the
    values, e.g. ``message("teacher {id} does not exist", id=7)``."""
    text = Message(template.format(**params))
    text.template = template
    text.params = dict(params)
    return text


class Catalogue:
    """A plugin's own translations: the gettext catalogue ``DOMAIN.mo`` under
    ``DIRECTORY/zh_CN/LC_MESSAGES/``, shipped inside the plugin's package.

    Build the plugin's messages with :meth:`message` (or :meth:`pmessage`): they are
    translated in this catalogue first and, for a template it lacks, in the
    library's. An error, a report title or heading, a report option's help or a
    line a command prints, made this way, is shown in Chinese under ``--lang zh``::

        ACME = Catalogue("acme_exchange", Path(__file__).parent / "locale")
        _ = ACME.message
        raise PluginError(_("the acme store {name} is full", name=name))
    """

    def __init__(self, domain: str, directory: str | os.PathLike[str]) -> None:
        self.domain = domain
        self.directory = Path(directory)
        self._loaded: dict[str, gettext.NullTranslations] = {}

    def __repr__(self) -> str:
        return f"Catalogue({self.domain!r}, {str(self.directory)!r})"

    def translations(self, lang: str) -> gettext.NullTranslations:
        """The compiled catalogue of ``lang``, falling back to the library's."""
        if lang not in self._loaded:
            folder = _CATALOGUES.get(lang)
            found = (
                gettext.translation(self.domain, self.directory, languages=[folder], fallback=True)
                if folder is not None
                else gettext.NullTranslations()
            )
            found.add_fallback(catalogue(lang))
            self._loaded[lang] = found
        return self._loaded[lang]

    def message(self, template: str, /, **params: Any) -> Message:
        """:func:`message`, translated in this catalogue."""
        text = message(template, **params)
        text.catalogue = self
        return text

    def pmessage(self, context: str, template: str, /, **params: Any) -> Message:
        """:func:`pmessage`, translated in this catalogue."""
        text = pmessage(context, template, **params)
        text.catalogue = self
        return text


def translated(value: str, lang: str) -> str:
    """A title or heading in ``lang``: a :class:`Message` through its catalogue, other
    text looked up in the library's catalogue as it is."""
    if isinstance(value, Message):
        return localize(value, lang)
    return translator(lang)(value)


def pmessage(context: str, template: str, /, **params: Any) -> Message:
    """:func:`message` with a ``msgctxt``, for a short template that means different
    things in different places (``pmessage("done", "added")``; extracted with
    ``pybabel extract -k pmessage:1c,2``)."""
    text = message(template, **params)
    text.context = context
    return text


def joined(separator: str, parts: Iterable[object]) -> Message:
    """``separator.join(parts)`` as a message whose parts are each localized in turn
    (a list of problems, each a :class:`Message`)."""
    items = list(parts)
    escaped = separator.replace("{", "{{").replace("}", "}}")
    template = escaped.join(f"{{part{i}}}" for i in range(len(items)))
    return message(template, **{f"part{i}": part for i, part in enumerate(items)})


def noun(cls: type) -> Message:
    """The name of a record type as a message: ``school`` for :class:`~exchange.models.School`,
    学校 in Chinese (``msgctxt "record"`` in the catalogue)."""
    return pmessage("record", cls.__name__.lower())


def noun_named(name: str) -> Message:
    """:func:`noun` for a type known by its lower-case name (``school``)."""
    return pmessage("record", name)


def table_noun(table: str) -> Message:
    """The name of a record table (``schools``) as a message: 学校 in Chinese
    (``msgctxt "table"``, as :func:`table_name` gives it at once)."""
    return pmessage("table", table)


def scrubbed(text: str, secret: str, mask: str = "***") -> str:
    """``text`` with ``secret`` replaced by ``mask``; a :class:`Message` stays one,
    with ``secret`` replaced in each of its values (and in the English text, should
    it straddle a value and the template)."""
    if not secret or secret not in text:
        return text
    if isinstance(text, Message) and text.template:
        params = {
            key: scrubbed(value, secret, mask) if isinstance(value, str) else value
            for key, value in text.params.items()
        }
        rebuilt = message(text.template, **params)
        rebuilt.context, rebuilt.catalogue = text.context, text.catalogue
        if secret not in rebuilt:
            return rebuilt
    return str(text).replace(secret, mask)


def localize(text: object, lang: str) -> str:
    """``text`` in ``lang``: a :class:`Message` (or an exception whose one argument is
    a Message) as its template's translation filled with its values; vocabulary values
    (enums) among them in ``lang`` too (:func:`word`), messages and exceptions among
    them localized in turn, and anything else formatted as in English (so
    ``{amount:,}`` keeps its digits grouped). Any other text comes back as it is:
    text joined from messages loses their templates and stays English, never fails.
    A translation that does not fit its values falls back to the English text."""
    if isinstance(text, BaseException) and len(text.args) == 1:
        return localize(text.args[0], lang)
    if not isinstance(text, Message) or lang == "en" or not text.template:
        return str(text)
    params = {key: _localized_value(value, lang) for key, value in text.params.items()}
    found = catalogue(lang) if text.catalogue is None else text.catalogue.translations(lang)
    if text.context is None:
        template = found.gettext(text.template)
    else:
        template = found.pgettext(text.context, text.template)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return str(text)


def _localized_value(value: Any, lang: str) -> Any:
    if isinstance(value, enum.Enum):
        return word(value, lang)
    if isinstance(value, (Message, BaseException)):
        return localize(value, lang)
    return value

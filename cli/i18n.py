"""The language of one ``exchange`` invocation: its own messages and click's.

The language is ``--lang`` when given, else the ``LANGUAGE``/``LC_ALL``/
``LC_MESSAGES``/``LANG`` environment (:func:`exchange.i18n.language`). It is
chosen once, from the command line, when :meth:`ExchangeGroup.main
<cli.main.ExchangeGroup.main>` starts, and held in a context variable for that
call only, so usage errors found before ``--lang`` is even parsed are in it too,
and one ``CliRunner`` invocation never leaks its language into the next.

Our messages go through :func:`_` (``_("exported {kind} to {path}", kind=…)``,
a :class:`~exchange.i18n.Message` localized at once) and :func:`localized` (an
error's message from the library). ``pybabel extract -k _`` reads the templates
into the ``exchange`` catalogue.

click's own text ("Usage:", "Error: …", "No such option", the ``--help``
headings) is a separate matter: click translates it by calling the standard
``gettext.gettext``/``ngettext`` (bound as ``_``/``ngettext`` in each click
module), that is through the process-wide text domain and the environment's
locale. Changing that global domain would change every program that embeds the
library or click, and would follow ``LANG`` but not ``--lang``. Instead
:func:`speaking` points those click module names, once, at two functions that
use our own ``click`` catalogue (``exchange/locale/zh_CN/LC_MESSAGES/click.po``)
while an ``exchange`` invocation runs and otherwise call the standard functions
exactly as before. So a program that uses the library, or click, without running
``exchange`` sees no change; nor does anything outside an invocation.

The help of our own commands (a command's docstring, each option's ``help``) is
a third catalogue, ``help`` (``help.po``), whose msgids are the English texts as
click holds them. Commands made with :class:`LocalizedCommand` and
:class:`LocalizedGroup` (every command of ``exchange``; a test walks the tree)
show it in the invocation's language when their ``--help`` page or a group's
command list is written, and English where the catalogue has no translation.
Their objects always hold the English text: nothing changes outside that writing.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import importlib
import importlib.util
import inspect
import os
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import click

# Nothing from the ``exchange`` package at import time: ``exchange --help`` must stay
# fast, without loading the library (tests/test_cli.py checks it).

CLICK_DOMAIN = "click"
"""The catalogue of click's messages (``exchange/locale/*/LC_MESSAGES/click.po``)."""

HELP_DOMAIN = "help"
"""The catalogue of our commands' help texts (``exchange/locale/*/LC_MESSAGES/help.po``)."""

_LANG: ContextVar[str | None] = ContextVar("exchange_cli_lang", default=None)

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)
"""The click modules that bind ``gettext``/``ngettext`` at import (click 8.1 – 8.x)."""

_ROOT_OPTIONS_WITH_VALUE = ("--db", "--actor")


LANGUAGES = ("en", "zh")
"""What ``--lang`` takes (as :data:`exchange.i18n.LANGUAGES`)."""


def current() -> str:
    """``en`` or ``zh``: the running invocation's language, else the environment's."""
    return _LANG.get() or environment_language()


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """:func:`exchange.i18n.language` of the environment, without importing the library
    (a test checks the two agree)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            head = value.split(":")[0].strip().replace("-", "_").split("_")[0]
            head = head.split(".")[0].lower()
            return head if head in LANGUAGES else "en"
    return "en"


def _(template: str, /, **params: Any) -> str:
    """``template.format(**params)`` in the invocation's language; ``template`` is
    the English text and the catalogue's msgid (``pybabel extract -k _``)."""
    from exchange.i18n import localize, message

    return localize(message(template, **params), current())


def localized(text: object) -> str:
    """A :class:`~exchange.i18n.Message` (or an error carrying one) in the
    invocation's language; other text unchanged."""
    from exchange.i18n import localize

    return localize(text, current())


def language_in(args: Sequence[str]) -> str:
    """The language a command line asks for: the root ``--lang`` option if it is given
    (and valid) before the command name, else the environment's."""
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(items):
            if items[i + 1] in LANGUAGES:
                return items[i + 1]
            break
        if arg.startswith("--lang="):
            if arg[len("--lang=") :] in LANGUAGES:
                return arg[len("--lang=") :]
            break
        if arg in _ROOT_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if not arg.startswith("-"):
            break  # the command name: what follows is the command's
        i += 1
    return environment_language()


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Run the body as an invocation in ``lang``: our messages and click's in it."""
    _route_click_gettext()
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def click_catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of click's messages in ``lang`` (``en``: none)."""
    return _catalogue(CLICK_DOMAIN, lang)


def help_catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of our commands' help texts in ``lang`` (``en``: none)."""
    return _catalogue(HELP_DOMAIN, lang)


@functools.cache
def _catalogue(domain: str, lang: str) -> gettext.NullTranslations:
    """A compiled catalogue of ``exchange/locale``, read once (``en``: none)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(
        domain, _locale_dir(), languages=["zh_CN" if lang == "zh" else lang], fallback=True
    )


def _locale_dir() -> Path:
    """``exchange/locale``, found without importing the ``exchange`` package."""
    spec = importlib.util.find_spec("exchange")
    if spec is None or spec.origin is None:  # pragma: no cover - the CLI needs the library
        return Path(__file__).resolve().parent.parent / "exchange" / "locale"
    return Path(spec.origin).parent / "locale"


def click_text(text: str) -> str:
    """One of click's own messages (``"Commands"``) in the invocation's language."""
    return _click_gettext(text)


def _click_gettext(text: str) -> str:
    lang = _LANG.get()
    if lang is None:
        return gettext.gettext(text)
    return click_catalogue(lang).gettext(text)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    lang = _LANG.get()
    if lang is None:
        return gettext.ngettext(singular, plural, n)
    return click_catalogue(lang).ngettext(singular, plural, n)


def _route_click_gettext() -> None:
    """Point click's ``_``/``ngettext`` at :func:`_click_gettext`/:func:`_click_ngettext`
    (once; a module whose names someone else already changed is left alone)."""
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without this module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


_CLICK_HELP = ("Show this message and exit.", "Show the version and exit.")
"""Help texts click writes into options it makes, in the language of the moment."""

_english_help: weakref.WeakKeyDictionary[click.Parameter, str] = weakref.WeakKeyDictionary()


def _click_original(help_text: str | None) -> str | None:
    """The English of one of :data:`_CLICK_HELP`, given it in any language (an option
    first made during a Chinese invocation holds the Chinese), else ``None``."""
    for english in _CLICK_HELP:
        if help_text in (english, click_catalogue("zh").gettext(english)):
            return english
    return None


def localize_help_options(command: click.Command, ctx: click.Context) -> None:
    """Give ``--help``/``--version`` of ``command`` and its subcommands their help
    text in the invocation's language. click makes those options once per command
    and keeps them, with the text of the language current then; this puts the
    right one back each time a command is about to be used."""
    help_option = command.get_help_option(ctx)  # made now if not yet
    for param in [*command.params, *([help_option] if help_option else [])]:
        original = _english_help.get(param)
        if original is None:
            found = _click_original(getattr(param, "help", None))
            if found is None:
                continue
            original = _english_help[param] = found
        param.help = _click_gettext(original)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize_help_options(sub, ctx)


def localized_help(text: str) -> str:
    """A help text of ours, as click holds it in English (a command's docstring after
    :func:`inspect.cleandoc`, an option's ``help``), in the invocation's language: from
    the ``help`` catalogue, else unchanged. Outside an invocation, and in English, the
    text itself."""
    lang = _LANG.get()
    if not text or lang is None or in_english():
        return text
    return help_catalogue(lang).gettext(text)


def in_english() -> bool:
    """Whether help is shown as written: in an English invocation, or outside one."""
    return _LANG.get() in (None, "en")


def localized_short_help(text: str, limit: int) -> str | None:
    """The short help, in the invocation's language, of a command whose help is ``text``
    (``None`` when it has no translation): the first sentence of the translation's
    first paragraph, cut to ``limit`` columns."""
    english = inspect.cleandoc(text)
    found = localized_help(english)
    if found == english:
        return None
    lines = found.partition("\n\n")[0].splitlines()
    if lines and lines[0].strip() == "\b":
        lines = lines[1:]
    first = " ".join(line.strip() for line in lines)
    head, stop, _rest = first.partition("。")
    return _cut(head + stop, limit)


def _cut(text: str, limit: int) -> str:
    """``text``, or as much of it as fits in ``limit`` columns and then ``…``: up to the
    last clause that fits (before a ，；： mark outside brackets) if that keeps half of
    it at least."""
    if display_width(text) <= limit:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > limit - 1:
            break
        kept += char
    clauses = [
        i
        for i, char in enumerate(kept)
        if char in "，；：" and kept[:i].count("（") == kept[:i].count("）")
    ]
    if clauses and display_width(kept[: clauses[-1]]) >= limit // 2:
        kept = kept[: clauses[-1]]
    return kept.rstrip().rstrip("，、；：" + "".join(_NO_LINE_END)).rstrip() + "…"


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


_NO_LINE_START = frozenset("，。、；：？！）》」』”’…,.;:?!)]")
"""Punctuation that closes what comes before it: never the first on a line."""

_NO_LINE_END = frozenset("（《「『“‘([")
"""Punctuation that opens what comes after it: never the last on a line."""

_WIDE = (
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
"""The blocks of wide (CJK) characters, between any two of which a line may break."""

_WORDS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
"""The pieces a line may break between: each wide character, each run of spaces, each
run of other characters (an English word, ``--option``)."""


def wrap_wide(text: str, width: int, indent: str = "") -> list[str]:
    """One paragraph of text mixing Chinese and English as lines of at most ``width``
    columns (indent included), broken between Chinese characters or at spaces, never
    before a closing punctuation mark or after an opening one (the character before
    goes down with it); a word longer than a line has a line of its own."""
    room = max(width - display_width(indent), 10)
    lines: list[str] = []
    line: list[str] = []
    for word in _WORDS.findall(text):
        if word.isspace() and not line:
            continue  # a line starts with a word
        if line and not word.isspace() and display_width("".join([*line, word])) > room:
            line.append(word)
            cut = _break(line)
            if cut:
                lines.append(indent + "".join(line[:cut]).rstrip())
                del line[:cut]
            continue
        line.append(word)
    if line:
        lines.append(indent + "".join(line).rstrip())
    return lines


def _break(pieces: list[str]) -> int:
    """Where a line that overflows with its last piece breaks: the last place before
    that piece where the next line would start with a word that is not a closing mark
    and this one not end with an opening mark; 0 if there is none (it stays long)."""
    for cut in range(len(pieces) - 1, 0, -1):
        first, before = pieces[cut], pieces[cut - 1]
        if first.isspace() or first[0] in _NO_LINE_START:
            continue
        if not before.isspace() and before[-1] in _NO_LINE_END:
            continue
        return cut
    return 0


def wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """``text`` as click's help wraps it (paragraphs apart, each indented as its first
    line, a ``\\b`` paragraph left as written), but measured in columns by
    :func:`wrap_wide`, so that Chinese lines are as wide as English ones."""
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    blocks = []
    for lines in filter(None, paragraphs):
        inner = indent + " " * (len(lines[0]) - len(lines[0].lstrip()))
        if lines[0].strip() == "\b":
            blocks.append("\n".join(inner + line for line in lines[1:]))
        else:
            joined = " ".join(line.strip() for line in lines)
            blocks.append("\n".join(wrap_wide(joined, width, inner)))
    return "\n\n".join(blocks)


class WideHelpFormatter(click.HelpFormatter):
    """click's help formatter measuring text in terminal columns (:func:`wrap_paragraphs`),
    for the help pages of a Chinese invocation."""

    def write_text(self, text: str) -> None:
        self.write(wrap_paragraphs(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        margin = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + margin)
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_paragraphs(second, text_width).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{margin}{line}\n" if line else "\n")


class LocalizedContext(click.Context):
    """A context whose help pages are laid out by :class:`WideHelpFormatter` in a
    Chinese invocation (by click's own formatter otherwise)."""

    def make_formatter(self) -> click.HelpFormatter:
        if in_english():
            return super().make_formatter()
        return WideHelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


class LocalizedCommand(click.Command):
    """The class of every ``exchange`` command (``cls=``; groups are
    :class:`LocalizedGroup`): its ``--help`` page and its short help in a group's list
    of commands are in the invocation's language (:func:`localized_help`)."""

    context_class = LocalizedContext

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's page, written while this command and its parameters hold their help
        in the invocation's language (put back after; English: nothing changes)."""
        if in_english():
            return super().format_help(ctx, formatter)
        held: list[tuple[object, str, str]] = [
            (self, name, text)
            for name in ("help", "epilog")
            if isinstance(text := getattr(self, name), str) and text
        ]
        held += [
            (param, "help", text)
            for param in self.get_params(ctx)
            if isinstance(text := getattr(param, "help", None), str) and text
        ]
        try:
            for owner, name, text in held:
                english = inspect.cleandoc(text) if owner is self else text
                setattr(owner, name, localized_help(english))
            super().format_help(ctx, formatter)
        finally:
            for owner, name, text in held:
                setattr(owner, name, text)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The short help of a group's command list, in the invocation's language: the
        translation of ``short_help`` if the command sets one, else the first sentence of
        its help's translation; English (as click makes it) if there is none."""
        if not self.deprecated:
            if self.short_help:
                found = localized_help(inspect.cleandoc(self.short_help))
                if found != inspect.cleandoc(self.short_help):
                    return _cut(found, limit)
            elif self.help:
                short = localized_short_help(self.help, limit)
                if short is not None:
                    return short
        return super().get_short_help_str(limit)


class LocalizedGroup(LocalizedCommand, click.Group):
    """The class of every ``exchange`` group; the commands and groups made with its
    ``command``/``group`` decorators are localized too."""

    command_class = LocalizedCommand
    group_class: type[click.Group] | type[type] | None = type


def source_name(source: str) -> str:
    """Where a store's URL came from (a :class:`~exchange.urls.Location` source), in the
    invocation's language."""
    from exchange.i18n import pmessage

    words = {
        "argument": pmessage("source", "--db"),
        "default": pmessage("source", "the default location"),
        "temporary": pmessage("source", "a temporary file"),
    }
    return localized(words.get(source, source))

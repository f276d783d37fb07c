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

The help of our own commands is a third catalogue, ``help`` (``help.po``), shown by
:mod:`cli.help`.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import importlib
import importlib.util
import os
import weakref
from collections.abc import Iterator, Mapping, Sequence
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


def invocation_language() -> str | None:
    """The language of the running ``exchange`` invocation; ``None`` outside one."""
    return _LANG.get()


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

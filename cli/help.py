"""Help pages in the invocation's language.

The help of our own commands (a command's docstring, each option's ``help``) is the
``help`` catalogue (``exchange/locale/*/LC_MESSAGES/help.po``), whose msgids are the
English texts as click holds them. Commands made with :class:`LocalizedCommand` and
:class:`LocalizedGroup` (every command of ``exchange``; a test walks the tree) show it
in the invocation's language (:mod:`cli.i18n`) when their ``--help`` page or a group's
command list is written, and English where the catalogue has no translation. Their
objects always hold the English text: nothing changes outside that writing. In
Chinese, :class:`WideHelpFormatter` lays the page out by terminal columns, two for a
Chinese character, as click counts one.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Iterable

import click

from .i18n import help_catalogue, invocation_language


def localized_help(text: str) -> str:
    """A help text of ours, as click holds it in English (a command's docstring after
    :func:`inspect.cleandoc`, an option's ``help``), in the invocation's language: from
    the ``help`` catalogue, else unchanged. Outside an invocation, and in English, the
    text itself."""
    lang = invocation_language()
    if not text or lang is None or in_english():
        return text
    return help_catalogue(lang).gettext(text)


def in_english() -> bool:
    """Whether help is shown as written: in an English invocation, or outside one."""
    return invocation_language() in (None, "en")


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

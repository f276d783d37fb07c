"""The help texts of the ``exchange`` commands: the msgids of the ``help`` catalogue.

:func:`help_texts` walks the command tree (every built-in command and group, the
commands built-in plugins add, every parameter) and gives each help text as click
holds it, with where it is shown. ``python -m cli.helptexts -o build/help.pot``
(run by ``make catalogues``) writes them as a template: a new command or option
has its English there, to copy into ``exchange/locale/zh_CN/LC_MESSAGES/help.po``
with its Chinese. tests/test_cli_help_zh.py names each text the catalogue lacks
and each entry no command uses any more.

Not imported by the ``exchange`` command itself: it imports every command module.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from .i18n import _click_original


def commands(
    root: click.Command | None = None, path: str = "exchange"
) -> Iterator[tuple[str, click.Command]]:
    """``(path, command)`` for ``root`` (default: the ``exchange`` group) and every command
    below it, in the order of ``--help``; a third-party plugin's commands are left out
    (their help is the plugin's to translate)."""
    from .main import cli

    command = cli if root is None else root
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path.rsplit(" ", 1)[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and _built_in(sub):
                yield from commands(sub, f"{path} {name}")


def _built_in(command: click.Command) -> bool:
    """Whether a command comes with this distribution: the CLI's or a built-in plugin's."""
    from exchange.plugins import BUILTIN_PLUGINS

    module = getattr(command.callback, "__module__", None) or ""
    return any(module == top or module.startswith(f"{top}.") for top in ("cli", *BUILTIN_PLUGINS))


def help_texts(root: click.Command | None = None) -> dict[str, list[str]]:
    """Each help text of the tree under ``root`` (English, as the msgid) → where it is
    shown: ``exchange secondment add`` (its help), ``exchange secondment add --kind``
    (an option's), ``exchange (epilog)``, ``exchange (short help of school)``
    (:data:`~cli.main.LAZY_COMMANDS`, the root's list of commands)."""
    from .main import LAZY_COMMANDS, cli

    found: dict[str, list[str]] = {}

    def add(text: str | None, where: str) -> None:
        if text and _click_original(text) is None:  # click's own are in click.po
            found.setdefault(text, []).append(where)

    for path, command in commands(root):
        add(inspect.cleandoc(command.help or ""), path)
        add(inspect.cleandoc(command.short_help or ""), f"{path} (short help)")
        add(inspect.cleandoc(command.epilog or ""), f"{path} (epilog)")
        if command is cli:
            for name, (_where, summary) in LAZY_COMMANDS.items():
                add(summary, f"{path} (short help of {name})")
        for param in command.params:
            add(getattr(param, "help", None), f"{path} {(param.opts or [param.name])[0]}")
    return found


def main(argv: Sequence[str] | None = None) -> None:
    """Write the help texts as a gettext template (``-o``, default ``build/help.pot``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    parser = argparse.ArgumentParser(prog="python -m cli.helptexts", description=main.__doc__)
    parser.add_argument("-o", "--output", type=Path, default=Path("build/help.pot"))
    args = parser.parse_args(argv)
    template = Catalog(project="teacher-exchange", domain="help")
    for text, places in help_texts().items():
        template.add(text, auto_comments=places)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("wb") as stream:
        write_po(stream, template, omit_header=True, width=0)
    print(f"{len(template)} help texts in {args.output}")


if __name__ == "__main__":  # pragma: no cover
    main()

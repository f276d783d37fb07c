"""A plugin's own gettext catalogue (:class:`exchange.i18n.Catalogue`): its messages,
errors and report headings in Chinese; the library's catalogue behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from cli.main import cli
from exchange import Stage, hookimpl
from exchange.errors import PluginError
from exchange.i18n import Catalogue, localize, scrubbed
from exchange.plugins import default_plugins
from exchange.report import Column, Report, Table

EXAMPLE_LOCALE = (
    Path(__file__).resolve().parent.parent
    / "docs" / "examples" / "acme-exchange" / "acme_exchange" / "locale"
)  # fmt: skip


def compiled(folder: Path, domain: str, entries: dict[str, str]) -> Catalogue:
    """A catalogue of ``entries`` compiled into ``folder``."""
    catalog = Catalog(locale="zh_CN", domain=domain)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    target = folder / "zh_CN" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{domain}.mo").open("wb") as stream:
        write_mo(stream, catalog)
    return Catalogue(domain, folder)


@pytest.fixture
def acme(tmp_path: Path) -> Catalogue:
    return compiled(
        tmp_path / "locale",
        "acme_test",
        {"the acme store {name} is full": "acme 库 {name} 已满", "visits": "走访次数"},
    )


def test_a_plugin_message_is_translated_in_its_own_catalogue(acme: Catalogue) -> None:
    full = acme.message("the acme store {name} is full", name="贞丰")
    assert full == "the acme store 贞丰 is full"
    assert localize(full, "zh") == "acme 库 贞丰 已满"
    assert localize(full, "en") == "the acme store 贞丰 is full"
    assert localize(PluginError(full), "zh") == "acme 库 贞丰 已满"


def test_a_template_the_plugin_lacks_falls_back_to_the_library(acme: Catalogue) -> None:
    assert localize(acme.message("the tracker is closed"), "zh") == "数据库已关闭"
    assert localize(acme.message("no such thing"), "zh") == "no such thing"


def test_a_missing_compiled_catalogue_leaves_the_english(tmp_path: Path) -> None:
    nowhere = Catalogue("acme_missing", tmp_path / "no-locale")
    assert localize(nowhere.message("visits"), "zh") == "visits"


def test_scrubbing_a_secret_keeps_the_catalogue(acme: Catalogue) -> None:
    full = acme.message("the acme store {name} is full", name="s3cret")
    assert localize(scrubbed(full, "s3cret"), "zh") == "acme 库 *** 已满"


def test_report_headings_from_the_plugin_catalogue(acme: Catalogue) -> None:
    table = Table(
        name="visits",
        title=acme.message("visits"),
        columns=[Column(key="stage", label=acme.message("visits"))],
        rows=[(Stage.JUNIOR,)],
    )
    report = Report(title=acme.message("visits"), tables=[table]).localized("zh")
    assert (report.title, report.tables[0].heading) == ("走访次数", "走访次数")
    assert report.tables[0].columns[0].label == "走访次数"
    assert [list(row) for row in report.tables[0].rows] == [["初中"]]


class FullStore:
    """A plugin whose command fails with its own message."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    @hookimpl
    def register_commands(self, cli: object) -> None:
        import click

        catalogue = self.catalogue

        @click.command(name="acme-fill")
        def fill() -> None:
            """Fill the acme store."""
            raise PluginError(catalogue.message("the acme store {name} is full", name="贞丰"))

        cli.add_command(fill)  # type: ignore[attr-defined]


def test_a_plugin_command_error_prints_in_chinese(acme: Catalogue) -> None:
    default_plugins().pm.register(FullStore(acme), name="acme-full")
    cli._plugins_loaded = False  # type: ignore[attr-defined]  # a fresh command line
    try:
        result = CliRunner().invoke(cli, ["--lang", "zh", "acme-fill"])
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1].endswith("acme 库 贞丰 已满")
    finally:
        cli.commands.pop("acme-fill", None)
        cli._plugin_commands.discard("acme-fill")  # type: ignore[attr-defined]


def test_the_example_catalogue_is_what_its_po_file_compiles_to() -> None:
    folder = EXAMPLE_LOCALE / "zh_CN" / "LC_MESSAGES"
    with (folder / "acme_exchange.po").open(encoding="utf-8") as stream:
        source = read_po(stream, locale="zh_CN", domain="acme_exchange")
    with (folder / "acme_exchange.mo").open("rb") as stream:
        have = read_mo(stream)
    assert _entries(have) == _entries(source), (
        "run `make catalogues` after editing the example's acme_exchange.po"
    )
    assert all(message.string for message in source if message.id)


def _entries(catalog: Catalog) -> dict[object, object]:
    return {message.id: message.string for message in catalog if message.id}


def test_every_message_of_the_example_has_its_chinese() -> None:
    import re

    plugin = (EXAMPLE_LOCALE.parent / "plugin.py").read_text(encoding="utf-8")
    marked = set(re.findall(r'\b_\(\s*"([^"]+)"', plugin))
    with (EXAMPLE_LOCALE / "zh_CN" / "LC_MESSAGES" / "acme_exchange.po").open("rb") as stream:
        translated = _entries(read_po(stream, locale="zh_CN"))
    assert len(marked) == 6 and marked <= set(translated)

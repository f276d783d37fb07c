"""English and Simplified Chinese: the catalogue and its compiled form, the vocabulary,
every heading of the built-in reports, choosing a language, and ``Report.localized``."""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import io
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import babel.messages.catalog
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import exchange.quotas
from cli.main import cli
from exchange import Tracker, i18n
from exchange.demo import build_demo
from exchange.enums import Term
from exchange.errors import ExchangeError
from exchange.errors import NotFound as NotFoundError
from exchange.models import School
from exchange.plugins import default_plugins
from exchange.report import Chart, Column, Report, Table

FOLDER = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES"
PO, MO = FOLDER / f"{i18n.DOMAIN}.po", FOLDER / f"{i18n.DOMAIN}.mo"
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ZHENFENG = "贵州省黔西南州贞丰县"


def read_catalogue() -> Catalog:
    with PO.open("rb") as stream:
        return read_po(stream, locale="zh_CN", domain=i18n.DOMAIN)


def po_header() -> str:
    """The raw ``msgstr`` of the ``msgid ""`` entry, as written in the .po file."""
    text = PO.read_text(encoding="utf-8")
    match = re.search(r'^msgid ""\nmsgstr ""\n((?:".*"\n)*)', text, re.MULTILINE)
    assert match, f"{PO} has no header entry"
    return match.group(1)


# -- the catalogue ---------------------------------------------------------------------


Entries = dict[tuple[str | None, Any], Any]
"""A catalogue's messages: (context, msgid or plural msgids) → translation(s)."""
HEADERS = ("Language", "Content-Type", "Plural-Forms")
"""The header fields that change what a compiled catalogue does (not who compiled it)."""


def entries(catalogue: Catalog) -> Entries:
    """Every message of ``catalogue`` but the header, as plain values. Compares a .po
    with a .mo by content, whatever version of Babel wrote the .mo (some read a context
    back as bytes)."""
    found: Entries = {}
    for entry in catalogue:
        if not entry.id:
            continue
        context = entry.context
        if isinstance(context, bytes):
            context = context.decode(catalogue.charset)
        key = entry.id if isinstance(entry.id, str) else tuple(entry.id)
        string = entry.string if isinstance(entry.string, str) else tuple(entry.string)
        found[context, key] = string
    return found


def compiled_differences(source: Catalog, compiled: Path) -> list[str]:
    """How the compiled catalogue ``compiled`` differs from what ``source`` compiles to:
    each message missing, extra or translated otherwise, and each header field that
    differs. Empty when the .mo is up to date."""
    with compiled.open("rb") as stream:
        have = read_mo(stream)
    fresh = io.BytesIO()
    write_mo(fresh, source)  # as `pybabel compile` does: fuzzy entries left out
    fresh.seek(0)
    want = read_mo(fresh)
    have_entries, want_entries = entries(have), entries(want)
    problems = [
        f"{key!r}: compiled {have_entries.get(key)!r}, the .po says {want_entries.get(key)!r}"
        for key in sorted(have_entries.keys() | want_entries.keys(), key=repr)
        if have_entries.get(key) != want_entries.get(key)
    ]
    have_headers, want_headers = dict(have.mime_headers), dict(want.mime_headers)
    problems += [
        f"header {name}: compiled {have_headers.get(name)!r}, the .po says "
        f"{want_headers.get(name)!r}"
        for name in HEADERS
        if have_headers.get(name) != want_headers.get(name)
    ]
    return problems


def stale(mo: Path, po: Path) -> str:
    return f"{mo} is not what {po} compiles to: run `make catalogues`"


def test_the_compiled_catalogue_is_what_the_po_file_compiles_to() -> None:
    """Message by message, so that another Babel release (which writes another
    ``Generated-By`` line) does not matter but a stale .mo does."""
    assert compiled_differences(read_catalogue(), MO) == [], stale(MO, PO)


def test_a_translation_changed_without_a_recompile_is_caught() -> None:
    catalogue = read_catalogue()
    entry = next(m for m in catalogue if m.id and isinstance(m.string, str))
    entry.string = f"{entry.string}（改）"
    catalogue.add("a message the .mo lacks", "新消息")
    catalogue.add("a fuzzy one", "模糊", flags=["fuzzy"])  # left out, so not missing
    problems = compiled_differences(catalogue, MO)
    assert len(problems) == 2, problems
    assert str(entry.id) in problems[0] + problems[1]
    assert any("a message the .mo lacks" in p for p in problems)


def test_a_compiled_catalogue_with_another_plural_rule_is_caught() -> None:
    catalogue = read_catalogue()
    catalogue.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n != 1);")]
    assert [p.split(":")[0] for p in compiled_differences(catalogue, MO)] == ["header Plural-Forms"]


def test_compiling_the_catalogue_gives_the_same_bytes_at_any_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`make catalogues` run at another time must not change the .mo file."""

    class Elsewhen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Elsewhen:
            return cls(2001, 2, 3, 4, 5, tzinfo=dt.timezone.utc)

    def compile_now() -> bytes:
        compiled = io.BytesIO()
        write_mo(compiled, read_catalogue())
        return compiled.getvalue()

    today = compile_now()
    monkeypatch.setattr(babel.messages.catalog, "datetime", types.SimpleNamespace(
        **{**vars(dt), "datetime": Elsewhen}
    ))  # fmt: skip
    assert compile_now() == today, (
        f"the compiled header carries the compile time: give {PO} a fixed "
        '"POT-Creation-Date: …" header line'
    )


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = read_catalogue()
    missing = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert (missing, fuzzy) == ([], [])


def terms() -> list[type[Term]]:
    """Every vocabulary (Term subclass), those of exchange.quotas included."""
    assert issubclass(exchange.quotas.QuotaStatus, Term)  # imported, so it is registered
    found: list[type[Term]] = []
    todo = list(Term.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return sorted(found, key=lambda cls: cls.__name__)


def test_the_vocabularies_are_the_known_ones() -> None:
    assert {cls.__name__ for cls in terms()} >= {
        "ActivityKind", "ExpenseCategory", "Grade", "MeetingKind", "MentorshipStatus",
        "PartnershipKind", "QuotaStatus", "Role", "SecondmentKind", "SecondmentStatus",
        "Stage", "Target",
    }  # fmt: skip


@pytest.mark.parametrize("cls", terms(), ids=lambda cls: cls.__name__)
def test_every_term_has_its_chinese_word_in_the_catalogue(cls: type[Term]) -> None:
    catalogue = read_catalogue()
    for member in cls:
        entry = catalogue.get(member.value, context=cls.__name__)
        assert entry is not None, f'{PO}: no msgctxt "{cls.__name__}" msgid "{member.value}"'
        assert entry.string == member.zh, (cls.__name__, member.value)
        assert i18n.word(member, "zh") == member.zh  # through the compiled catalogue
        assert i18n.word(member, "en") == member.value


def test_every_vocabulary_entry_names_a_member() -> None:
    """No entry left behind for a member that was renamed or removed."""
    vocabularies = {cls.__name__: {m.value for m in cls} for cls in terms()}
    stale = [
        (m.context, m.id)
        for m in read_catalogue()
        if m.context in vocabularies and m.id not in vocabularies[m.context]
    ]
    assert stale == []


# -- every heading of every built-in report has a translation ----------------------------

VALUES: dict[str, Any] = {
    "year": 2025,
    "region": ZHENFENG,
    "partnership": "demo:hy-zf",
    "school": "demo:zf-wuzhong",
    "programme": "百千万",
    "rubric": "demo:rubric-exchange-teacher",
    "period": "2023-2024学年",
    "threshold": 100,
}
RANGE = {"since": dt.date(2025, 1, 1), "until": dt.date(2025, 12, 31)}
REQUIRED: dict[str, dict[str, Any]] = {
    "coverage": {"region": ZHENFENG},
    "quotas": {"region": ZHENFENG, "year": 2025},
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("i18n") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
    return path


@pytest.fixture(scope="module")
def demo_reports(demo_db: Path) -> list[Report]:
    """Every built-in report: as is, with every filter it takes, and with a date range."""
    built = []
    with Tracker.open(f"sqlite:///{demo_db}") as tracker:
        for spec in default_plugins().reports:
            if spec.build.__module__.split(".")[0] != "plugins":
                continue  # a third party's report
            taken = inspect.signature(spec.build).parameters
            required = REQUIRED.get(spec.name, {})
            every = {k: v for k, v in VALUES.items() if k in taken}
            ranged = {**{k: v for k, v in RANGE.items() if k in taken}, **required}
            for filters in (required, every, ranged if "since" in taken else None):
                if filters is not None:
                    built.append(spec.build(tracker, **filters).materialized())
    return built


def headings(report: Report) -> Iterator[str]:
    """Every text of a report a reader sees as a heading, not as data."""
    yield report.title
    yield from report.parameters
    for table in report.tables:
        yield table.heading
        yield from (column.label for column in table.columns)
    yield from (chart.title for chart in report.charts)


def test_every_heading_of_the_builtin_reports_has_a_chinese_translation(
    demo_reports: list[Report],
) -> None:
    say = i18n.translator("zh")
    english = {text for report in demo_reports for text in headings(report)}
    english = {text for text in english if not CJK.search(text)}
    assert {"summary", "year", "since", "threshold", "partnership", "rubric"} <= english
    missing = sorted(text for text in english if not CJK.search(say(text)))
    assert missing == [], f"add these to {PO}, then run `make catalogues`"


def test_every_phrase_cell_has_a_chinese_translation(demo_reports: list[Report]) -> None:
    say = i18n.translator("zh")
    phrases = {
        cell
        for report in demo_reports
        for table in report.tables
        for row in (*table.rows, *([table.totals] if table.totals else []))
        for cell in row
        if isinstance(cell, i18n.Phrase)
    }
    assert "no partnership" in phrases
    assert [p for p in sorted(phrases) if not CJK.search(say(p))] == []


# -- choosing a language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("zh", "zh"), ("en", "en"), ("ZH", "zh"), (" zh ", "zh"), ("zh_CN", "zh"),
        ("zh_CN.UTF-8", "zh"), ("zh-CN", "zh"), ("zh_CN.utf8@pinyin", "zh"), ("en-GB", "en"),
        ("en_US.UTF-8", "en"), ("C", "en"), ("POSIX", "en"), ("C.UTF-8", "en"),
    ],
)  # fmt: skip
def test_an_explicit_language(given: str, code: str) -> None:
    assert i18n.language(given, environ={"LANG": "fr_FR.UTF-8"}) == code
    assert i18n.language(given, environ={"LANGUAGE": "zh_CN"}) == code  # given beats the env


@pytest.mark.parametrize("given", ["fr", "fr_FR.UTF-8", "klingon", "", "   ", "中文"])
def test_an_unknown_explicit_language_is_an_error(given: str) -> None:
    with pytest.raises(ExchangeError, match="unknown language") as raised:
        i18n.language(given, environ={})
    assert "en, zh" in str(raised.value)


@pytest.mark.parametrize(
    ("environ", "code"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LANG": "en_US"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN"}, "en"),
        ({"LANGUAGE": "zh_CN", "LC_ALL": "en_US.UTF-8", "LANG": "en_US"}, "zh"),
        ({"LANGUAGE": "en", "LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN"}, "en"),
        ({"LANGUAGE": "zh_CN:en_US", "LANG": "en_US"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty is unset
        ({"LANG": "C"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # an unknown locale is English, not an error
        ({"LANG": "klingon"}, "en"),
    ],
)
def test_the_language_from_the_environment(environ: dict[str, str], code: str) -> None:
    assert i18n.language(environ=environ) == code


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert i18n.language() == "en"


# -- Report.localized ------------------------------------------------------------------


def test_localizing_translates_headings_and_words_and_keeps_the_data(
    demo_reports: list[Report],
) -> None:
    say = i18n.translator("zh")
    for report in demo_reports:
        zh = report.localized("zh")
        assert (report.lang, zh.lang) == ("en", "zh")
        assert zh.title == say(report.title) and CJK.search(zh.title)
        assert list(zh.parameters) == [say(k) for k in report.parameters]
        assert list(zh.parameters.values()) == list(report.parameters.values())
        assert [t.name for t in zh.tables] == [t.name for t in report.tables]
        for before, after in zip(report.tables, zh.tables, strict=True):
            assert after.heading == say(before.heading)
            assert [(c.key, c.type) for c in after.columns] == [
                (c.key, c.type) for c in before.columns
            ]
            assert [c.label for c in after.columns] == [say(c.label) for c in before.columns]
            lines = [*zip(before.rows, after.rows, strict=True)]
            if before.totals is not None:
                assert after.totals is not None
                lines.append((before.totals, after.totals))
            for old, new in lines:
                for a, b in zip(old, new, strict=True):
                    check_cell(a, b)
        assert [(c.kind, c.table, c.x, c.y, c.series) for c in zh.charts] == [
            (c.kind, c.table, c.x, c.y, c.series) for c in report.charts
        ]
        assert [c.title for c in zh.charts] == [say(c.title) for c in report.charts]


def check_cell(before: Any, after: Any) -> None:
    """A vocabulary cell becomes its Chinese word; anything else is left as it was."""
    if isinstance(before, bool):
        assert after == ("是" if before else "否")
    elif isinstance(before, Term):
        assert after == before.zh
    elif isinstance(before, enum.Enum | i18n.Phrase):
        assert isinstance(after, str) and CJK.search(after), before
    else:
        assert after == before and type(after) is type(before), (before, after)


def test_localizing_twice_is_localizing_once_and_english_is_the_identity(
    demo_reports: list[Report],
) -> None:
    for report in demo_reports:
        zh = report.localized("zh")
        assert zh.localized("zh") == zh
        assert report.localized("zh_CN.UTF-8") == zh
        assert report.localized("en") == report
        assert report.localized("en-GB") == report


def test_localizing_a_hand_built_report() -> None:
    from exchange.enums import Grade, SecondmentKind, SecondmentStatus
    from exchange.enums import MentorshipStatus as M

    table = Table(
        name="secondments",
        title="teachers",
        columns=[
            Column(key="teacher", label="teacher"),
            Column(key="kind", label="kind"),
            Column(key="status", label="status"),
            Column(key="pair", label="status"),
            Column(key="starts_on", label="starts", type="date"),
            Column(key="days", label="days served", type="int"),
            Column(key="rural", label="rural"),
            Column(key="grade", label="grade"),
            Column(key="note", label="notes"),
        ],
        rows=[
            ["Li Wei", SecondmentKind.SHADOW, SecondmentStatus.ACTIVE, M.ACTIVE,
             dt.date(2025, 9, 1), 10, True, Grade.GOOD, "yes"],
        ],
        totals=["", None, None, None, None, 10, False, None, i18n.Phrase("no partnership")],
    )  # fmt: skip
    chart = Chart(title="secondment timeline", kind="bar", table="secondments", x="teacher",
                  y=["days"])  # fmt: skip
    report = Report(title="secondments", parameters={"year": 2025}, tables=[table], charts=[chart])
    zh = report.localized("zh")
    say = i18n.translator("zh")
    assert zh.title == say("secondments") and CJK.search(zh.title)
    assert zh.tables[0].rows == (
        ("Li Wei", "跟岗", "在岗", "进行中", dt.date(2025, 9, 1), 10, "是", "良好", "yes"),
    )  # a name, a date, a number and plain text stay; "yes" in data is data
    assert zh.tables[0].totals == ("", None, None, None, None, 10, "否", None, "未归属协作关系")
    assert zh.parameters == {say("year"): 2025} and CJK.search(say("year"))
    assert [c.key for c in zh.tables[0].columns] == [c.key for c in table.columns]
    assert zh.tables[0].name == "secondments" and zh.charts[0].table == "secondments"


# -- the command line ------------------------------------------------------------------


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def clean_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_lang_zh_prints_chinese_headings(demo_db: Path, clean_locale: pytest.MonkeyPatch) -> None:
    english = run(demo_db, "report", "summary")
    assert "partnership" in english and "协作关系" not in english
    chinese = run(demo_db, "--lang", "zh", "report", "summary")
    assert "协作关系" in chinese and "partnership" not in chinese
    assert "支教" in chinese and "support" not in chinese  # vocabulary too
    assert run(demo_db, "report", "summary", "--lang", "zh") == chinese


def test_the_language_comes_from_lang(demo_db: Path, clean_locale: pytest.MonkeyPatch) -> None:
    clean_locale.setenv("LANG", "zh_CN.UTF-8")
    chinese = run(demo_db, "report", "summary")
    assert "协作关系" in chinese
    assert run(demo_db, "--lang", "zh", "report", "summary") == chinese


def test_lang_en_beats_the_environment(demo_db: Path, clean_locale: pytest.MonkeyPatch) -> None:
    clean_locale.setenv("LANG", "zh_CN.UTF-8")
    clean_locale.setenv("LANGUAGE", "zh_CN")
    for args in (["--lang", "en", "report", "summary"], ["report", "summary", "--lang", "en"]):
        english = run(demo_db, *args)
        assert "partnership" in english and "协作关系" not in english


def test_report_lang_beats_the_root_option(demo_db: Path, clean_locale: pytest.MonkeyPatch) -> None:
    out = run(demo_db, "--lang", "zh", "report", "summary", "--lang", "en")
    assert "partnership" in out and "协作关系" not in out


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_an_empty_table_says_so_in_chinese(
    demo_db: Path, clean_locale: pytest.MonkeyPatch, fmt: str
) -> None:
    """A year without data: the one phrase a format adds itself is in the report's language."""
    english = run(demo_db, "report", "budget", "--year", "1999", "--format", fmt)
    chinese = run(demo_db, "--lang", "zh", "report", "budget", "--year", "1999", "--format", fmt)
    assert "结余" in chinese  # a column heading
    said = {"table": "(no rows)", "markdown": "(no rows)", "html": "No data"}[fmt]
    assert said in english
    assert said not in chinese


# -- messages (errors, CLI lines) -----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CLICK_PO = FOLDER / "click.po"
KEYWORDS = {"message": None, "_": None, "pmessage": ((1, "c"), 2)}
"""What `make catalogues` extracts (pybabel extract -k message -k _ -k pmessage:1c,2)."""


def extracted() -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → where, for every message pybabel finds in exchange, cli, plugins
    and backends."""
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[str | None, str], str] = {}
    for package in ("exchange", "cli", "plugins", "backends"):
        for filename, lineno, text, _comments, context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            msgid = text[0] if isinstance(text, tuple) else text
            found.setdefault((context, msgid), f"{package}/{filename}:{lineno}")
    return found


def test_the_code_has_messages_to_translate() -> None:
    found = extracted()
    assert len(found) > 200
    assert (None, "exported {kind} to {path}") in found
    assert ("done", "added") in found


def test_every_message_in_the_code_is_translated() -> None:
    """Every template pybabel extracts is in the .po, translated and not fuzzy."""
    catalogue = read_catalogue()
    missing, empty, fuzzy = [], [], []
    for (context, msgid), where in sorted(extracted().items(), key=lambda item: item[1]):
        entry = catalogue.get(msgid, context=context)
        if entry is None:
            missing.append(f"{where}: {msgid!r}")
        elif not entry.string:
            empty.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
    assert (missing, empty, fuzzy) == ([], [], []), f"add these to {PO}, then `make catalogues`"


def fields(template: str) -> set[str]:
    import string

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name is not None}  # fmt: skip


@pytest.mark.parametrize("po", [PO, CLICK_PO], ids=lambda p: p.name)
def test_translations_use_only_the_values_their_message_has(po: Path) -> None:
    """A translation may leave a value out, never name one its template lacks
    (:func:`exchange.i18n.localize` would fall back to English)."""
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale="zh_CN")
    wrong = []
    for entry in catalogue:
        if not entry.id or "{" not in str(entry.id):
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        allowed = set().union(*(fields(i) for i in ids))
        for text in strings:
            try:
                if not fields(text) <= allowed:
                    wrong.append((entry.id, text))
            except ValueError:
                wrong.append((entry.id, text))
    assert wrong == []


def test_every_record_type_has_its_name_in_the_catalogue() -> None:
    from exchange.models import Record

    catalogue = read_catalogue()
    names = {cls.__name__.lower() for cls in Record.__subclasses__()}
    assert {"school", "secondment", "mentorship"} <= names
    for name in sorted(names):
        entry = catalogue.get(name, context="record")
        assert entry is not None and CJK.search(entry.string), name


def test_the_compiled_click_catalogue_is_what_its_po_file_compiles_to() -> None:
    with CLICK_PO.open("rb") as stream:
        catalogue = read_po(stream, locale="zh_CN", domain="click")
    click_mo = FOLDER / "click.mo"
    assert compiled_differences(catalogue, click_mo) == [], stale(click_mo, CLICK_PO)
    assert [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)] == []


def test_the_click_catalogue_has_the_messages_a_user_meets() -> None:
    with CLICK_PO.open("rb") as stream:
        catalogue = read_po(stream, locale="zh_CN", domain="click")
    for msgid in (
        "Usage:", "Error: {message}", "Try '{command} {option}' for help.",
        "No such command {name!r}.", "Missing argument", "No such option {name!r}.",
        "Invalid value for {param_hint}: {message}", "Aborted!", "Options", "Commands",
        "Show this message and exit.", "Show the version and exit.",
    ):  # fmt: skip
        entry = catalogue.get(msgid)
        assert entry is not None and CJK.search(entry.string), msgid
    plural = catalogue.get("Got unexpected extra argument ({args})")
    assert plural is not None and CJK.search(plural.string[0])


def test_a_message_is_its_english_text() -> None:
    from exchange.enums import SecondmentStatus

    text = i18n.message("secondment {id} is {status} ({note!r})", id=3,
                        status=SecondmentStatus.ACTIVE, note="x")  # fmt: skip
    assert text == "secondment 3 is active ('x')"
    assert isinstance(text, str) and text.template.startswith("secondment {id}")
    assert i18n.localize(text, "en") == text


def test_a_message_in_chinese_puts_its_values_into_the_translation() -> None:
    from exchange.enums import SecondmentStatus

    text = i18n.message("no {kind} with ref {key!r}", kind=i18n.noun(School), key="ZF-05")
    assert i18n.localize(text, "zh") == "没有编号为 'ZF-05' 的学校"
    assert i18n.localize(NotFoundError(text), "zh") == "没有编号为 'ZF-05' 的学校"
    spent = i18n.message("spent ¥{amount:,} (expense {record_id}); ¥{left:,} left",
                         amount=12500, record_id=4, left=87500)  # fmt: skip
    assert i18n.localize(spent, "zh") == "已支出 ¥12,500（支出 4）；余额 ¥87,500"
    # an enum value is said in the language; an unknown template stays English
    assert i18n.localize(i18n.message("{s}!", s=SecondmentStatus.ACTIVE), "zh") == "在岗!"


def test_messages_inside_messages_are_localized_and_joined_text_never_fails() -> None:
    inner = i18n.message("no {kind} with ref {key!r}", kind=i18n.noun(School), key="X")
    outer = i18n.message("{path}: {error}", path="a.toml", error=NotFoundError(inner))
    assert i18n.localize(outer, "zh") == "a.toml：没有编号为 'X' 的学校"
    both = i18n.joined("; ", [inner, "plain"])
    assert both == "no school with ref 'X'; plain"
    assert i18n.localize(both, "zh") == "没有编号为 'X' 的学校; plain"
    assert i18n.localize(inner + " (joined)", "zh") == "no school with ref 'X' (joined)"
    assert i18n.localize("plain text", "zh") == "plain text"
    assert i18n.localize(i18n.joined("; ", []), "zh") == ""


def test_a_translation_that_does_not_fit_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken(i18n.gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "{nothing} {"

    monkeypatch.setattr(i18n, "catalogue", lambda lang: Broken())
    assert i18n.localize(i18n.message("teacher {id}", id=1), "zh") == "teacher 1"


def test_messages_survive_pickling() -> None:
    import pickle

    text = i18n.message("no {kind} with ref {key!r}", kind=i18n.noun(School), key="X")
    again = pickle.loads(pickle.dumps(NotFoundError(text)))
    assert i18n.localize(again, "zh") == "没有编号为 'X' 的学校"


TEMPLATE_PARTS = st.lists(
    st.one_of(
        st.text(st.characters(exclude_characters="{}", exclude_categories=("Cs",)), max_size=8),
        st.sampled_from(["{a}", "{b!r}", "{c:>4}", "{a}", "{{", "}}"]),
    ),
    max_size=8,
)
MESSAGE_VALUES = st.one_of(st.integers(), st.text(max_size=5), st.dates(), st.none())


@given(parts=TEMPLATE_PARTS, a=MESSAGE_VALUES, b=MESSAGE_VALUES, c=st.text(max_size=5))
def test_a_message_in_english_is_its_template_formatted(
    parts: list[str], a: Any, b: Any, c: str
) -> None:
    template = "".join(parts)
    text = i18n.message(template, a=a, b=b, c=c)
    assert text == template.format(a=a, b=b, c=c)
    assert i18n.localize(text, "en") == template.format(a=a, b=b, c=c)
    assert isinstance(i18n.localize(text, "zh"), str)

"""Every report built from a store carries the change-log head it was computed at,
and every built-in format shows it (csv when the report has several tables, as documented).

The head hashes timestamps, so no test here writes a hash down: each compares
with what ``Tracker.head()`` said."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pluggy
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import School, Stage, Tracker, hookimpl
from exchange.exporting import export_report
from exchange.plugins import Plugins, default_plugins, get_plugin_manager
from exchange.registry import Registry, ReportSpec
from exchange.report import Report

FORMATS = sorted(spec.name for spec in default_plugins().formats)
HASH = re.compile(r"\b[0-9a-f]{64}\b")
ZHENFENG = School(name="贞丰县第五中学", region="贵州省黔西南州贞丰县", stage=Stage.JUNIOR)
HUIYANG = School(name="惠阳区半岛学校", region="广东省惠州市惠阳区", stage=Stage.JUNIOR)
EXCHANGE = Path(sys.executable).with_name("exchange")


@pytest.fixture
def tracker() -> Tracker:
    tracker = Tracker.open("memory:")
    tracker.add(ZHENFENG)
    return tracker


def rendered(report: Report, fmt: str) -> bytes:
    spec = default_plugins().formats.get(fmt)
    stream: Any = io.BytesIO() if spec.binary else io.StringIO()
    report.render(fmt, stream)
    value = stream.getvalue()
    return value if isinstance(value, bytes) else value.encode("utf-8")


def heads_shown(fmt: str, data: bytes) -> set[str]:
    """Every head a rendered report shows, wherever its format puts it."""
    if fmt == "json":
        head = json.loads(data)["head"]
        return set() if head is None else {head}
    if fmt != "xlsx":
        return set(HASH.findall(data.decode("utf-8")))
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {p.value for p in book.custom_doc_props.props if p.name == "change log head"}
    for sheet in book.worksheets:
        found |= set(HASH.findall(sheet.oddFooter.center.text or ""))
    return found


def test_a_report_carries_the_head_read_before_it_was_built(tracker: Tracker) -> None:
    head = tracker.head()
    report = tracker.report("summary")
    assert report.head == head != "0" * 64
    assert report.localized("zh").head == head


def test_the_head_changes_after_a_write(tracker: Tracker) -> None:
    before = tracker.report("summary")
    tracker.add(HUIYANG)
    after = tracker.report("summary")
    assert after.head == tracker.head() != before.head


class WritingReport:
    """A report plugin that writes while it builds: its head must be the earlier one."""

    @hookimpl
    def register_reports(self, registry: Registry[ReportSpec]) -> None:
        registry.add(ReportSpec(name="writes", build=self.build))

    @staticmethod
    def build(tracker: Tracker, **parameters: Any) -> Report:
        tracker.add(HUIYANG)
        return Report(title="writes", parameters=parameters)


def test_a_plugin_report_gets_the_head_never_newer_than_its_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "")
    pm: pluggy.PluginManager = get_plugin_manager()
    pm.register(WritingReport(), name="writes")
    with Tracker.open("memory:", plugins=Plugins(pm)) as tracker:
        head = tracker.head()
        report = tracker.report("writes", year=2025)
        assert report.head == head != tracker.head()
        assert report.parameters == {"year": 2025}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "jsonl"])  # rows only, below
def test_every_format_shows_the_head(tracker: Tracker, fmt: str, lang: str) -> None:
    head = tracker.head()
    report = tracker.report("summary", year=2025).localized(lang)
    shown = heads_shown(fmt, rendered(report, fmt))
    assert len(report.tables) > 1 and shown == {head}


def test_json_lines_hold_the_rows_only(tracker: Tracker) -> None:
    """jsonl is one object per row, to stream into another program: no head, no title."""
    report = tracker.report("summary", year=2025)
    lines = rendered(report, "jsonl").decode("utf-8").splitlines()
    assert not heads_shown("jsonl", rendered(report, "jsonl"))
    assert len(lines) == sum(len(t.rows.materialize()) for t in report.tables)


def test_a_single_table_csv_stays_a_plain_table(tracker: Tracker) -> None:
    """An export (one table) in CSV carries no head, so it reads back as rows only."""
    report = export_report(tracker, "schools")
    assert report.head is not None
    assert rendered(report, "csv") == rendered(attrs.evolve(report, head=None), "csv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_without_a_head_shows_none(tracker: Tracker, fmt: str) -> None:
    report = attrs.evolve(tracker.report("summary"), head=None)
    data = rendered(report, fmt)
    assert heads_shown(fmt, data) == set()
    assert b"change log head" not in data


def test_an_export_carries_the_head(tracker: Tracker) -> None:
    head = tracker.head()
    assert export_report(tracker, "schools").head == head


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "head.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        tracker.add(ZHENFENG)
    return path


def head_of(db: Path) -> str:
    with Tracker.open(f"sqlite:///{db}") as tracker:
        return tracker.head()


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "change log head: "), ("zh", "变更日志头：")], ids=["en", "zh"]
)
def test_the_report_command_prints_the_head(db: Path, lang: str, label: str) -> None:
    args = ["--db", str(db), "--lang", lang, "report", "summary", "--year", "2025"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith(label + head_of(db))


def test_a_listing_not_made_from_the_store_has_no_head(db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "formats"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "change log head" not in result.stdout and not HASH.search(result.stdout)


def installed(db: Path, *args: str) -> str:
    """What the installed ``exchange`` command prints for ``args`` on ``db``."""
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    done = subprocess.run(
        [str(EXCHANGE), "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.mark.skipif(not EXCHANGE.exists(), reason=f"no installed command at {EXCHANGE}")
def test_the_installed_command_prints_the_head(db: Path) -> None:
    first = head_of(db)
    printed = installed(db, "report", "summary", "--year", "2025", "--json")
    assert json.loads(printed)["head"] == first
    with Tracker.open(f"sqlite:///{db}") as tracker:
        tracker.add(HUIYANG)
    text = installed(db, "report", "summary", "--year", "2025")
    assert text.rstrip().endswith(f"change log head: {head_of(db)}")
    assert head_of(db) != first

"""``exchange export``: every record type, private by default, formula-safe CSV, the BOM."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import School, Teacher, Tracker
from exchange.demo import build_demo
from exchange.exporting import export_report
from exchange.fields import is_personal
from exchange.models import RECORD_TYPES
from exchange.plugins import default_plugins


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        school = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
        tracker.add(
            Teacher(
                name='=HYPERLINK("http://x")',
                school_id=school.id or 0,
                phone="13800000000",
                notes="家访记录",
                subjects=("数学", "心理健康"),
                ref="T-1",
            )
        )
    return path


def export(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_csv_neutralises_formulas_and_keeps_the_fields(db: Path) -> None:
    code, out, _ = export(db, "teachers", "--with-personal")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert (rows[0]["phone"], rows[0]["subjects"]) == ("13800000000", "数学, 心理健康")


@pytest.mark.parametrize("args", [[], ["--redact"]], ids=["default", "redact"])
def test_personal_fields_are_left_out_unless_asked(db: Path, args: list[str]) -> None:
    with Tracker.open(f"sqlite:///{db}") as tracker:
        entries = tracker.verify_log()
    header = next(csv.reader(io.StringIO(export(db, "teachers", *args)[1])))
    assert "phone" not in header and "notes" not in header and "name" in header
    with Tracker.open(f"sqlite:///{db}") as tracker:
        assert tracker.verify_log() == entries  # nothing personal read out: nothing logged


def test_an_export_with_personal_fields_is_logged_with_its_actor(db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--actor", "贞丰县教育局", "export", "teachers", "--with-personal"]
    )
    assert result.exit_code == 0 and "13800000000" in result.stdout
    with Tracker.open(f"sqlite:///{db}") as tracker:
        last = list(tracker.changes())[-1]
        assert (last.action, last.actor, last.record_type) == ("export", "贞丰县教育局", "teachers")
        assert json.loads(last.after or "") == {"fields": ["phone", "notes"], "filters": []}
        assert tracker.verify_log() and not list(tracker.verify_records())


def test_schools_have_nothing_personal_so_nothing_is_logged(db: Path) -> None:
    with Tracker.open(f"sqlite:///{db}") as tracker:
        entries = tracker.verify_log()
    assert export(db, "schools", "--with-personal")[0] == 0
    with Tracker.open(f"sqlite:///{db}") as tracker:
        assert tracker.verify_log() == entries


def test_bom_and_file_output(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    code, _, err = export(db, "teachers", "--bom", "-o", str(target))
    assert code == 0 and "exported teachers" in err
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,ref,")


def test_json_export(db: Path) -> None:
    data = json.loads(export(db, "schools", "--format", "json")[1])
    table = data["tables"][0]
    keys = [column["key"] for column in table["columns"]]
    assert dict(zip(keys, table["rows"][0], strict=True))["name"] == "贞丰县第五中学"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nosuch"], "unknown record type"),
        (["teachers", "--format", "pdf"], "unknown format"),
        (["teachers", "--format", "json", "--bom"], "--bom"),
        (["teachers", "-o", "/no/such/dir/t.csv"], "cannot write"),
        (["teachers", "--with-personal", "-o", "/no/such/dir/t.csv"], "cannot write"),
        (["teachers", "--with-personal", "--redact"], "contradict"),
    ],
)
def test_bad_exports_are_one_line(db: Path, args: list[str], needle: str) -> None:
    code, _, err = export(db, *args)
    assert code in (1, 2) and needle in err and "Traceback" not in err
    with Tracker.open(f"sqlite:///{db}") as tracker:
        assert not [c for c in tracker.changes() if c.action == "export"]


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.table)
def test_every_record_type_exports(cls: type) -> None:
    from exchange.testing.strategies import samples

    tracker = Tracker.open("memory:")
    for record in samples():
        if not hasattr(record, "actor"):
            tracker.backend.add(record)
    report = export_report(tracker, cls)
    assert len(report.tables[0].rows.materialize()) == 2
    for fmt in ("csv", "json", "table", "markdown"):
        report.render(fmt, io.StringIO())


PERSONAL = {
    cls.table: [f.name for f in attrs.fields(cls) if is_personal(f)] for cls in RECORD_TYPES
}
"""Each record type's fields declared personal: what the test reads, not a list kept by hand."""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
        teacher = next(tracker.find(Teacher))
        tracker.update(attrs.evolve(teacher, phone="13912345678", notes="家访记录：母亲住院"))
    return path


FORMATS = sorted(spec.name for spec in default_plugins().formats)
"""Every registered format: what the test reads, not a list kept by hand."""


@pytest.mark.parametrize("table", sorted(t for t, names in PERSONAL.items() if names))
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", [[], ["--redact"]], ids=["default", "redact"])
def test_every_personal_field_is_left_out_of_every_format_by_default(
    demo_db: Path, tmp_path: Path, table: str, fmt: str, args: list[str]
) -> None:
    """Neither the personal columns nor any of their stored values are in the file."""
    target = tmp_path / f"{table}.{fmt}"
    code, _, err = export(demo_db, table, *args, "--format", fmt, "-o", str(target))
    assert code == 0, err
    with Tracker.open(f"sqlite:///{demo_db}") as tracker:
        cls = next(c for c in RECORD_TYPES if c.table == table)
        values = {
            str(getattr(record, name))
            for record in tracker.find(cls, include_archived=True)
            for name in PERSONAL[table]
            if getattr(record, name)
        }
    text = _text(target, fmt)
    assert not [name for name in PERSONAL[table] if f'"{name}"' in text or f",{name}" in text]
    assert not [value for value in values if value in text]


def test_the_personal_fields_and_formats_read_are_the_registry_s() -> None:
    assert {"teachers", "secondments", "assessments"} <= {t for t, n in PERSONAL.items() if n}
    assert {"csv", "json", "xlsx", "html", "markdown", "table"} <= set(FORMATS)


def _text(path: Path, fmt: str) -> str:
    if fmt != "xlsx":
        return path.read_text(encoding="utf-8")
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).active
    assert sheet is not None
    return "\n".join(
        ",".join(json.dumps(c) if isinstance(c, str) else str(c) for c in row)
        for row in sheet.iter_rows(values_only=True)
    )

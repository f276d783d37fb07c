"""The readable export: the import headers in the user's language, refs and words, and
a file `exchange import` reads back into another store as the same records."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from test_cli_records import invoke

ORDER = ["schools", "partnerships", "pairings", "teachers", "secondments", "mentorships",
         "activities", "allocations"]  # fmt: skip
"""Record types in the order their links need them."""


def exact(db: Path, kind: str) -> list[dict[str, str]]:
    code, out, err = invoke(db, "export", kind)
    assert code == 0, err
    return [
        {k: v for k, v in row.items() if k != "revision"}
        for row in csv.DictReader(io.StringIO(out))
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_readable_export_imports_back_as_the_same_records(
    db: Path, tmp_path: Path, lang: str, fmt: str
) -> None:
    copy = tmp_path / "copy.db"
    for kind in ORDER:
        file = tmp_path / f"{kind}.{fmt}"
        code, _, err = invoke(
            db, "--lang", lang, "export", kind, "--readable", "--format", fmt, "-o", str(file)
        )
        assert code == 0, err
        code, _, err = invoke(copy, "import", str(file), "--type", kind)
        assert code == 0, (kind, err)
    for kind in ORDER:
        assert exact(db, kind), kind  # the set-up stores each type
        assert exact(copy, kind) == exact(db, kind), kind


def test_the_chinese_readable_form_reads_as_a_clerk_would_write_it(db: Path) -> None:
    code, out, err = invoke(db, "--lang", "zh", "export", "secondments", "--readable")
    assert code == 0, err
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["教师工号"] == "T-1" and row["接收学校"] == "ZF-05"
    assert (row["类型"], row["状态"], row["开始日期"]) == ("支教", "已批准", "2025-09-01")
    code, out, _ = invoke(db, "--lang", "zh", "export", "teachers", "--readable")
    first = next(csv.DictReader(io.StringIO(out)))
    assert (first["教师姓名"], first["角色"]) == ("陈志强", "名师")
    code, out, _ = invoke(db, "--lang", "zh", "export", "allocations", "--readable")
    assert next(csv.DictReader(io.StringIO(out)))["金额"] == "100000.00"


def test_the_english_readable_form_uses_english_headers_and_codes(db: Path) -> None:
    code, out, err = invoke(db, "export", "secondments", "--readable")
    assert code == 0, err
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["teacher"], row["host_school"], row["kind"], row["status"]) == (
        "T-1", "ZF-05", "support", "approved",
    )  # fmt: skip


def test_redact_leaves_personal_fields_out_of_the_readable_form_too(db: Path) -> None:
    code, out, _ = invoke(db, "--lang", "zh", "export", "teachers", "--readable", "--redact")
    header = out.splitlines()[0].split(",")
    assert code == 0 and "联系电话" not in header and "备注" not in header


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx"])
def test_the_exact_export_imports_back_into_an_empty_store_as_the_same_records(
    db: Path, tmp_path: Path, fmt: str
) -> None:
    assert invoke(db, "mentor", "end", "M-1", "--on", "2025-12-31")[0] == 0
    with sqlite3.connect(db) as conn:  # an archived record keeps its flag
        conn.execute("UPDATE teachers SET archived = 1 WHERE ref = 'T-3'")
    copy = tmp_path / "copy.db"
    for kind in ORDER:
        file = tmp_path / f"{kind}.{fmt}"
        code, _, err = invoke(db, "export", kind, "--format", fmt, "-o", str(file))
        assert code == 0, err
        code, _, err = invoke(copy, "import", str(file), "--type", kind)
        assert code == 0, (kind, err)
    for kind in ORDER:
        assert exact(copy, kind) == exact(db, kind), kind
    assert exact(copy, "teachers")[2]["archived"] == "yes"


def test_json_and_json_lines_keep_a_list_a_list(db: Path) -> None:
    code, out, _ = invoke(db, "export", "teachers", "--format", "jsonl")
    first = json.loads(out.splitlines()[0])
    assert code == 0 and (first["subjects"], first["roles"]) == (["数学"], ["famous"])
    code, out, _ = invoke(db, "export", "teachers", "--format", "json")
    (table,) = json.loads(out)["tables"]
    roles = [c["key"] for c in table["columns"]].index("roles")
    assert table["rows"][0][roles] == ["famous"]
    code, out, _ = invoke(db, "export", "teachers")
    assert next(csv.DictReader(io.StringIO(out)))["roles"] == "famous"

"""``-o FILE`` without ``--format``: the file is written in the format its ending names
(an ``.xlsx`` is a workbook, not CSV text under that name)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli as run


def kind_of(path: Path) -> str:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        return "xlsx"
    text = data.decode("utf-8")
    if text.lstrip().startswith("<!DOCTYPE html") or "<html" in text[:200]:
        return "html"
    if text.startswith("{"):
        json.loads(text)
        return "json"
    if text.startswith("# "):
        return "markdown"
    ruled = any(line and set(line) <= {"-", " "} for line in text.splitlines())
    return "table" if ruled else "csv"  # the table format rules its header off


@pytest.mark.parametrize(
    ("args", "name", "expected"),
    [
        (["export", "teachers"], "t.xlsx", "xlsx"),
        (["export", "teachers", "--readable"], "t.XLSX", "xlsx"),
        (["export", "teachers"], "t.json", "json"),
        (["export", "teachers"], "t.csv", "csv"),
        (["export", "teachers"], "t.dat", "csv"),  # not a format's ending: the default
        (["report", "summary"], "s.xlsx", "xlsx"),
        (["report", "summary"], "s.html", "html"),
        (["report", "summary"], "s.md", "markdown"),
        (["report", "summary"], "s.out", "table"),
        (["report", "summary", "--format", "csv"], "s.html", "csv"),  # asked for: kept
    ],
)
def test_the_ending_of_the_file_names_the_format(
    db: Path, tmp_path: Path, args: list[str], name: str, expected: str
) -> None:
    target = tmp_path / name
    code, _, err = run(db, *args, "-o", str(target))
    assert code == 0, err
    assert kind_of(target) == expected

"""One rounding rule for totals: ``assess``, the report and the demo show the same figure."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from test_cli_records import SETUP, invoke

from exchange.scoring import shown


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (89.125, "89.13"),  # an exact half rounds up
        (89.135, "89.14"),  # and not to even
        (89.1249, "89.12"),
        (0.005, "0.01"),
        (100.0, "100.00"),
        (0.0, "0.00"),
    ],
)
def test_a_total_is_shown_to_hundredths_with_halves_up(total: float, expected: str) -> None:
    assert shown(total) == Decimal(expected) and str(shown(total)) == expected


def test_assess_and_the_report_show_the_same_total(tmp_path: Path) -> None:
    db = tmp_path / "bureau.db"
    for args in SETUP:
        assert invoke(db, *args)[0] == 0, args
    assert invoke(db, "rubric", "add", "exchange-teacher")[0] == 0
    code, out, err = invoke(
        db, "assess", "1", "S-1", "--period", "2025", "--assessor", "贞丰县教育局",
        "--on", "2026-01-20", "--score", "lessons=优秀", "--score", "results=88",
        "--score", "leadership=良好", "--score", "collaboration=9",
    )  # fmt: skip
    assert code == 0, err
    said = re.search(r"total (\S+),", out)
    assert said is not None
    code, report, err = invoke(db, "report", "assessments", "--json")
    assert code == 0, err
    (table,) = [t for t in json.loads(report)["tables"] if t["name"] == "rubric_1"]
    total = [c["key"] for c in table["columns"]].index("total")
    assert str(table["rows"][0][total]) == said.group(1) == "89.13"

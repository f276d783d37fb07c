"""The built-in ``budget`` and ``quotas`` reports, through the API and ``exchange report``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Allocation, Expense, Tracker
from exchange.demo import build_demo
from exchange.plugins import default_plugins


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
    return path


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_budget_totals_equal_a_recount(demo_db: Path) -> None:
    with Tracker.open(f"sqlite:///{demo_db}") as tracker:
        built = default_plugins().reports.get("budget").build(tracker, year=2019)
        table = built.tables[0]
        grants = list(tracker.find(Allocation, year=2019))
        spent = sum(
            (e.amount for e in tracker.find(Expense, include_archived=True)
             if e.allocation_id in {g.id for g in grants}),
            Decimal(0),
        )  # fmt: skip
    assert len(table.rows) == len(grants)
    assert table.totals is not None
    assert table.totals[3:6] == (
        sum(g.amount for g in grants),
        spent,
        sum(g.amount for g in grants) - spent,
    )


def test_report_command_prints_and_saves(demo_db: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        demo_db, "report", "quotas", "--region", "贵州省黔西南州贞丰县", "--year", "2025", "--csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["status"] for r in rows] == ["met", "not met", "met", "not met"]
    target = tmp_path / "budget.xlsx"
    code, _, _ = run(demo_db, "report", "budget", "--format", "xlsx", "-o", str(target))
    assert code == 0 and target.read_bytes()[:2] == b"PK"
    names = run(demo_db, "reports")[1]
    assert "quotas: each policy quota of a region and year" in names
    assert "--region TEXT     (required) A region" in names


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["report", "nosuch"], "unknown report"),
        (["report", "quotas", "--year", "2025"], "needs --region"),
        (["report", "budget", "--since", "2025-01-01"], "takes no --since"),
        (["report", "quotas", "--region", "火星", "--year", "2025"], "火星"),
        (["report", "budget", "--format", "xlsx"], "xlsx"),
    ],
)
def test_bad_report_requests(demo_db: Path, args: list[str], needle: str) -> None:
    code, _, err = run(demo_db, *args)
    assert code in (1, 2) and needle in err and "Traceback" not in err

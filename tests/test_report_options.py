"""A report's own options (``ReportOption``): declared by a plugin, listed by
``exchange reports``, parsed and converted by ``exchange report NAME``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Tracker, hookimpl
from exchange.plugins import default_plugins
from exchange.registry import Registry, ReportOption, ReportSpec
from exchange.report import Column, Report, Table

SEEN: list[dict[str, Any]] = []


def echo(tracker: Tracker, *, year: int | None = None, **given: Any) -> Report:
    """A report that shows what it was given."""
    SEEN.append({"year": year, **given})
    rows = [(key, str(value)) for key, value in sorted(given.items())]
    columns = [Column(key="option", label="option"), Column(key="value", label="value")]
    return Report(title="echo", tables=[Table(name="given", columns=columns, rows=rows)])


def picky(tracker: Tracker, *, colour: str, year: int | None = None) -> Report:
    """A report whose ``build`` needs a keyword argument no option gives."""
    return echo(tracker, colour=colour, year=year)


def bare(tracker: Tracker) -> Report:
    """A report that takes no option at all."""
    return Report(title="bare")


class EchoReports:
    """A plugin with reports that declare options of every type."""

    @hookimpl
    def register_reports(self, registry: Registry[ReportSpec]) -> None:
        options = [
            ReportOption(name="min_days", type="int", help="Days at least.", required=True),
            ReportOption(name="share", type="number", help="A share."),
            ReportOption(name="on", type="date", help="A day."),
            ReportOption(name="rural_only", type="flag", help="Rural hosts only."),
            ReportOption(name="kind", type="choice", choices=["support", "visit"]),
            ReportOption(name="note", help="Any text."),
        ]
        registry.add(ReportSpec(name="echo", build=echo, options=options))
        registry.add(ReportSpec(name="picky", build=picky))
        registry.add(ReportSpec(name="bare", build=bare, description="no options at all"))
        registry.add(ReportSpec(name="clash", build=echo, options=[ReportOption(name="lang")]))


@pytest.fixture(autouse=True)
def plugin(tmp_path: Path) -> None:
    default_plugins().pm.register(EchoReports(), name="echo-reports")
    SEEN.clear()


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_the_options_reach_build_converted_to_their_types() -> None:
    result = invoke("report", "echo", "--min-days", "30", "--share", "0.25", "--on",
                    "2025-09-01", "--rural-only", "--kind", "visit", "--note", "贞丰",
                    "--year", "2025", "--csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [
        {
            "year": 2025,
            "min_days": 30,
            "share": Decimal("0.25"),
            "on": dt.date(2025, 9, 1),
            "rural_only": True,
            "kind": "visit",
            "note": "贞丰",
        }
    ] == SEEN


def test_options_left_out_are_not_passed() -> None:
    assert invoke("report", "echo", "--min-days", "1").exit_code == 0
    assert SEEN == [{"year": None, "min_days": 1}]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["report", "echo"], "Missing option '--min-days'"),
        (["report", "echo", "--min-days", "x"], "'x' is not a valid integer"),
        (["report", "echo", "--min-days", "1", "--share", "a lot"], "'a lot' is not a number"),
        (["report", "echo", "--min-days", "1", "--kind", "trip"], "'trip' is not one of"),
        (["report", "summary", "--min-days", "1"], "No such option"),  # click words it by version
        (["report", "picky"], "report 'picky' needs --colour"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], needle: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2 and needle in result.stderr, result.stderr
    assert SEEN == []


def test_an_option_the_command_has_already_is_the_plugins_error() -> None:
    result = invoke("report", "clash")
    assert result.exit_code == 1
    assert "report 'clash' declares the option --lang, which `exchange report` already has" in (
        result.stderr
    )


def test_reports_lists_declared_options_and_not_other_keyword_parameters() -> None:
    result = invoke("reports", "--json")
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    echo_options = [(o["option"], o["type"], o["required"]) for o in listed["echo"]["options"]]
    assert echo_options[-6:] == [
        ("--min-days", "int", True),
        ("--share", "number", False),
        ("--on", "date", False),
        ("--rural-only", "flag", False),
        ("--kind", "choice", False),
        ("--note", "text", False),
    ]
    assert listed["echo"]["options"][-2]["choices"] == ["support", "visit"]
    assert [o["option"] for o in listed["picky"]["options"]] == ["--year"]  # not --colour
    text = invoke("reports").stdout
    line = next(line for line in text.splitlines() if "--min-days" in line)
    assert line.split() == ["--min-days", "INT", "(required)", "Days", "at", "least."]
    assert "…" not in text
    assert "bare: no options at all\n\n" in text


def test_a_report_option_is_checked_when_it_is_declared() -> None:
    with pytest.raises(ValueError, match="lower-case Python name"):
        ReportOption(name="min-days")
    with pytest.raises(ValueError, match="unknown type 'integer'"):
        ReportOption(name="n", type="integer")
    with pytest.raises(ValueError, match="choices go with type 'choice' only"):
        ReportOption(name="n", type="text", choices=["a"])
    assert ReportOption(name="min_days").flag == "--min-days"

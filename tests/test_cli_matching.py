"""``exchange match``: the plan in every format and both languages, ``why``, and
``--apply`` (with ``--expect``) after which ``exchange report mentoring`` shows the pairs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli as run

from cli.main import cli
from exchange import Mentorship, Tracker
from exchange.demo import DEMO_MATCH

PROGRAMME = DEMO_MATCH["programme"]
REGIONS = [
    "--mentor-region",
    DEMO_MATCH["criteria"]["mentors"]["region"],
    "--mentee-region",
    DEMO_MATCH["criteria"]["mentees"]["region"],
]
PLAN = ["match", "mentors", "--programme", PROGRAMME, *REGIONS, "--from", "2026-03-01"]


def pairs_count(db: Path) -> int:
    with Tracker.open(f"sqlite:///{db}") as tracker:
        return tracker.count(Mentorship)


def test_the_plan_prints_with_scores_reasons_and_its_digest(demo_db: Path) -> None:
    code, out, err = run(demo_db, *PLAN)
    assert code == 0, err
    assert "proposed pairs" in out and "left out" in out and "criteria" in out
    line = next(line for line in out.splitlines() if line.startswith("田静"))
    assert "林晓雯" in line and "5.6" in line
    assert "陈志强" in out and "every mentee who fits is better placed" in out
    assert err.startswith("plan ") and "--apply --expect" in err


def test_the_plan_as_json_and_csv(demo_db: Path) -> None:
    code, out, _ = run(demo_db, *PLAN, "--json")
    document = json.loads(out)
    assert code == 0 and document["title"] == "mentor plan"
    code, out, _ = run(demo_db, *PLAN, "--csv")
    assert code == 0 and "田静" in out


@pytest.mark.parametrize("form", ["html", "xlsx", "markdown"])
def test_the_plan_in_a_file_in_any_format(demo_db: Path, tmp_path: Path, form: str) -> None:
    target = tmp_path / f"plan.{form}"
    code, _, err = run(demo_db, *PLAN, "--format", form, "-o", str(target), "--lang", "zh")
    assert code == 0, err
    data = target.read_bytes()
    assert data[:2] == b"PK" if form == "xlsx" else "拟结对" in data.decode()


def test_the_plan_in_chinese(demo_db: Path) -> None:
    code, out, err = run(demo_db, "--lang", "zh", *PLAN)
    assert code == 0 and "拟结对" in out and "符合条件的徒弟与其他导师结对更优" in out
    assert err.startswith("方案 ")


def test_apply_then_the_mentoring_report_shows_the_pair(demo_db: Path) -> None:
    before = pairs_count(demo_db)
    digest = run(demo_db, *PLAN)[2].split()[1].rstrip(":")
    code, _, err = run(demo_db, *PLAN, "--apply", "--expect", digest)
    assert code == 0, err
    assert err.startswith(f"stored 1 mentor pairs of plan {digest}")
    assert pairs_count(demo_db) == before + 1
    code, out, _ = run(demo_db, "report", "mentoring", "--programme", PROGRAMME, "--csv")
    rows = list(csv.DictReader(io.StringIO(out.split("mentor pairs\n", 1)[1])))
    assert ("林晓雯", "田静", "2026-03-01") in {
        (r["mentor"], r["mentee"], r["starts"]) for r in rows
    }
    assert "田静" not in run(demo_db, *PLAN)[1]  # has a mentor now


def test_apply_refuses_a_plan_other_than_the_one_reviewed(demo_db: Path) -> None:
    before = pairs_count(demo_db)
    code, out, err = run(demo_db, *PLAN, "--apply", "--expect", "0123456789abcdef")
    assert code == 1 and out == ""
    assert err.startswith("Error: the plan is now ") and "not 0123456789abcdef" in err
    assert len(err.strip().splitlines()) == 1
    assert pairs_count(demo_db) == before


def test_why_a_pair_was_not_chosen(demo_db: Path) -> None:
    code, out, err = run(
        demo_db, "match", "why", "demo:t-zf-tian", "demo:t-hy-chen", "--programme", PROGRAMME,
        *REGIONS,
    )  # fmt: skip
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("a better plan leaves it out: with it the plan would make 1 pairs")
    assert "what forcing the pair would change" in out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["match", "mentors", "--programme", "火星"], 1, "Error: no programme named '火星'"),
        ([*PLAN, "--weight", "subject"], 2, "'subject' is not NAME=NUMBER"),
        ([*PLAN, "--weight", "humour=1"], 1, "unknown matching criterion 'humour'"),
        ([*PLAN, "--expect", "abc"], 2, "--expect goes with --apply"),
        ([*PLAN, "--format", "xlsx"], 2, "format 'xlsx' writes a file; add -o FILE"),
        ([*PLAN, "--criteria", "missing.toml"], 2, "missing.toml"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_db: Path, args: list[str], code: int, says: str
) -> None:
    before = pairs_count(demo_db)
    found, out, err = run(demo_db, *args)
    assert (found, out) == (code, "")
    assert says in err
    assert pairs_count(demo_db) == before


def test_a_bad_criteria_file_names_itself(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('within = "village"\n', encoding="utf-8")
    code, _, err = run(demo_db, *PLAN, "--criteria", str(path))
    assert code == 1
    assert err.strip() == "Error: within must be one of province, prefecture, county, not 'village'"


def test_the_demo_prints_a_plan_and_how_to_store_it() -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "demo"])
    assert result.exit_code == 0, result.output
    plan = result.stdout.split("== mentor plan ", 1)[1]
    assert "田静" in plan and "林晓雯" in plan
    assert f"exchange match mentors --programme {PROGRAMME}" in plan

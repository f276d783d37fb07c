"""``exchange match placements``: the plan in every format and both languages, ``why
--year``, and ``--apply --expect`` (through the installed command too), after which
``exchange secondment list`` shows the proposed secondments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli as run

from exchange import Secondment, Tracker

PLAN = ["match", "placements", "--year", "2026", "--must", "subject"]


def secondments(db: Path) -> int:
    with Tracker.open(f"sqlite:///{db}") as tracker:
        return tracker.count(Secondment)


def test_the_plan_prints_placements_reasons_senders_and_its_digest(demo_db: Path) -> None:
    code, out, err = run(demo_db, *PLAN)
    assert code == 0, err
    assert "proposed secondments" in out and "sending schools" in out
    line = next(line for line in out.splitlines() if line.startswith("林晓雯"))
    assert "贞丰县第五中学" in line and "心理健康" in line and "7.6" in line
    assert "their school sends as many as it may" in out  # 陈志强: 半岛学校 keeps one home
    assert "the need's dates fall outside" in out  # 刘海峰
    assert err.startswith("plan ") and "--apply --expect" in err


def test_the_plan_in_chinese_and_as_json(demo_db: Path) -> None:
    code, out, _ = run(demo_db, "--lang", "zh", *PLAN)
    assert code == 0 and "拟派交流" in out and "其所在学校在本方案中已派满可派人数" in out
    code, out, _ = run(demo_db, *PLAN, "--json")
    document = json.loads(out)
    assert code == 0 and document["title"] == "placement plan"


@pytest.mark.parametrize("form", ["html", "xlsx", "csv"])
def test_the_plan_in_a_file_in_any_format(demo_db: Path, tmp_path: Path, form: str) -> None:
    target = tmp_path / f"plan.{form}"
    code, _, err = run(demo_db, *PLAN, "--format", form, "-o", str(target), "--lang", "zh")
    assert code == 0, err
    data = target.read_bytes()
    assert data[:2] == b"PK" if form == "xlsx" else "拟派交流" in data.decode("utf-8-sig")


def test_why_a_placement_was_not_chosen(demo_db: Path) -> None:
    args = ["match", "why", "demo:t-hy-chen", "demo:n-zf-wuzhong-math", "--year", "2026"]
    code, out, err = run(demo_db, *args, "--must", "subject")
    assert code == 0, err
    assert out.splitlines()[0].startswith("a better plan leaves it out")
    assert "what forcing the pair would change" in out
    code, _, err = run(demo_db, "match", "why", "demo:t-hy-chen", "demo:t-zf-luo")
    assert code == 2 and "give --programme for a mentor pair, or --year for a placement" in err


def test_apply_refuses_another_plan_then_stores_the_reviewed_one(demo_db: Path) -> None:
    before = secondments(demo_db)
    code, out, err = run(demo_db, *PLAN, "--apply", "--expect", "0123456789abcdef")
    assert (code, out) == (1, "") and err.startswith("Error: the plan is now ")
    assert secondments(demo_db) == before
    digest = run(demo_db, *PLAN)[2].split()[1].rstrip(":")
    code, _, err = run(demo_db, *PLAN, "--apply", "--expect", digest)
    assert code == 0, err
    assert err.startswith(f"stored 4 proposed secondments of plan {digest}")
    assert secondments(demo_db) == before + 4
    code, out, _ = run(demo_db, "secondment", "list", "--status", "proposed", "--csv")
    assert code == 0 and out.count("\n") == 5
    assert ",26,通道二完小,support,proposed,2026-09-01" in out  # the host's name beside its id


def test_the_installed_command_applies_a_plan(demo_db: Path) -> None:
    exe = Path(sys.executable).parent / "exchange"
    env = {**os.environ, "EXCHANGE_DB": f"sqlite:///{demo_db}", "LANG": "en_US.UTF-8"}
    reviewed = subprocess.run([exe, *PLAN], capture_output=True, text=True, env=env, check=True)
    digest = reviewed.stderr.split()[1].rstrip(":")
    applied = subprocess.run(
        [exe, *PLAN, "--apply", "--expect", digest], capture_output=True, text=True, env=env
    )
    assert applied.returncode == 0, applied.stderr
    assert "stored 4 proposed secondments" in applied.stderr
    again = subprocess.run(
        [exe, *PLAN, "--apply", "--expect", digest], capture_output=True, text=True, env=env
    )
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert again.stderr.startswith("Error: the plan is now ")


def test_a_criteria_file_pins_and_forbids_placements(demo_db: Path, tmp_path: Path) -> None:
    criteria = tmp_path / "criteria.toml"
    criteria.write_text(
        'pinned = [["demo:t-hy-chen", "demo:n-zf-wuzhong-math"]]\n'
        'forbidden = [["demo:t-cs-peng", "demo:n-hh-xupu-teshu"]]\n',
        encoding="utf-8",
    )
    code, out, err = run(demo_db, *PLAN, "--criteria", str(criteria), "--json")
    assert code == 0, err
    tables = {t["name"]: t["rows"] for t in json.loads(out)["tables"]}
    [pinned] = [row for row in tables["placements"] if row[-1] is True]
    assert pinned[:4] == ["陈志强", "惠阳区半岛学校", "贞丰县第五中学", "数学"]
    assert not any(row[0] == "彭静" for row in tables["placements"])
    why = ["match", "why", "demo:t-hy-chen", "demo:n-zf-wuzhong-math", "--year", "2026"]
    code, out, _ = run(demo_db, *why, "--criteria", str(criteria))
    assert code == 0 and out.splitlines()[0] == "the criteria pin this pair"


def test_a_pin_that_breaks_a_constraint_is_one_line_in_chinese(
    demo_db: Path, tmp_path: Path
) -> None:
    criteria = tmp_path / "criteria.toml"
    criteria.write_text(
        'pinned = [["demo:t-hy-chen", "demo:n-zf-wuzhong-psy"]]\n', encoding="utf-8"
    )
    before = secondments(demo_db)
    args = [*PLAN, "--criteria", str(criteria), "--apply", "--expect", "0123456789abcdef"]
    code, out, err = run(demo_db, "--lang", "zh", *args)
    assert (code, out) == (1, "")
    assert err.strip() == (
        "错误：无法将 陈志强 (demo:t-hy-chen) 指定到岗位需求 贞丰县第五中学 心理健康 "
        "(demo:n-zf-wuzhong-psy)：不满足必须满足的指标 subject"
    )
    assert secondments(demo_db) == before


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["match", "placements"], 2, "Missing option '--year'"),
        ([*PLAN, "--weight", "humour=1"], 1, "unknown placement criterion 'humour'"),
        ([*PLAN, "--expect", "abc"], 2, "--expect goes with --apply"),
        ([*PLAN, "--format", "xlsx"], 2, "format 'xlsx' writes a file; add -o FILE"),
        (
            ["match", "why", "demo:t-hy-chen", "nope", "--year", "2026"],
            1,
            "no need with ref 'nope'",
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_db: Path, args: list[str], code: int, says: str
) -> None:
    before = secondments(demo_db)
    found, out, err = run(demo_db, *args)
    assert (found, out) == (code, "")
    assert says in err
    assert secondments(demo_db) == before


def test_a_secondment_added_by_hand_may_fill_a_need_within_its_places(demo_db: Path) -> None:
    add = ["secondment", "add", "--kind", "支教", "--from", "2026-09-01", "--to", "2027-01-15"]
    need = ["--need", "demo:n-zf-wuzhong-math"]
    code, _, err = run(demo_db, *add, "demo:t-hy-chen", "demo:zf-wuzhong", *need)
    assert code == 0, err
    code, out, err = run(demo_db, *add, "demo:t-hy-lin", "demo:zf-wuzhong", *need)
    assert (code, out) == (1, "") and err.strip() == "Error: need 2 has 1 places, all taken"
    code, out, _ = run(demo_db, *PLAN, "--json")
    tables = {t["name"]: t["rows"] for t in json.loads(out)["tables"]}
    offered = [r for r in (*tables["placements"], *tables["unplaced"]) if "数学" in str(r)]
    assert code == 0 and offered == []  # the need is filled: neither placed nor left empty

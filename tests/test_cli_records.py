"""The record commands, driven through click's CliRunner as an administrator would."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange.backend import SCHEMA_VERSION

SETUP = [
    ["school", "add", "惠阳区半岛学校", "--region", "惠阳区", "--stage", "初中", "--ref", "HY-BD"],
    ["school", "add", "贞丰县第五中学", "--region", "贞丰县", "--stage", "初中", "--rural",
     "--ref", "ZF-05"],
    ["partnership", "add", "惠阳—贞丰", "--supporting", "惠阳区", "--supported", "贞丰县",
     "--kind", "东西部协作", "--ref", "HY-ZF"],
    ["pairing", "add", "HY-BD", "ZF-05", "--signed", "2025-03-26", "--partnership", "HY-ZF",
     "--budget", "100000", "--ref", "P-1"],
    ["teacher", "add", "陈志强", "--school", "HY-BD", "--subject", "数学", "--role", "名师",
     "--ref", "T-1"],
    ["teacher", "add", "罗明", "--school", "ZF-05", "--subject", "数学", "--ref", "T-2"],
    ["teacher", "add", "田静", "--school", "ZF-05", "--role", "心理教师", "--ref", "T-3"],
    ["secondment", "add", "T-1", "ZF-05", "--kind", "支教", "--from", "2025-09-01",
     "--to", "2026-01-16", "--pairing", "P-1", "--ref", "S-1"],
    ["secondment", "approve", "S-1"],
    ["programme", "add", "百千万", "--targets", "100,1000,10000", "--capacity", "10"],
    ["mentor", "add", "T-1", "T-2", "--programme", "百千万", "--from", "2025-03-26",
     "--ref", "M-1"],
    ["activity", "add", "培训", "教师素质能力提升培训班", "--on", "2025-03-26",
     "--partnership", "HY-ZF", "--ref", "A-1"],
    ["budget", "allocate", "P-1", "--year", "2025", "--amount", "100000", "--ref", "B-2025"],
]  # fmt: skip


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def test_adding_prints_what_was_stored(tmp_path: Path) -> None:
    code, out, _ = invoke(tmp_path / "x.db", *SETUP[0])
    assert (code, out) == (0, "added school 1 (HY-BD) 惠阳区半岛学校\n")


def test_lists_print_tables_json_and_csv(db: Path) -> None:
    code, out, _ = invoke(db, "school", "list")
    lines = out.splitlines()
    header = ["id", "ref", "name", "region", "stage", "rural", "kind"]
    assert code == 0 and lines[0].split() == header
    assert "贞丰县第五中学" in lines[3]
    data = json.loads(invoke(db, "school", "list", "--json", "--region", "贞丰县")[1])
    assert [row[2] for row in data["tables"][0]["rows"]] == ["贞丰县第五中学"]
    rows = list(csv.reader(io.StringIO(invoke(db, "teacher", "list", "--csv")[1])))
    assert rows[0][:3] == ["id", "ref", "name"] and len(rows) == 4
    assert (
        len(
            list(csv.reader(io.StringIO(invoke(db, "teacher", "list", "--csv", "--limit", "1")[1])))
        )
        == 2
    )
    roles = invoke(db, "teacher", "list", "--role", "心理教师", "--csv")[1]
    assert "田静" in roles and "罗明" not in roles
    assert "T-1" in invoke(db, "teacher", "list", "--school", "HY-BD")[1]


def test_show_names_a_record_by_id_or_ref(db: Path) -> None:
    by_ref = invoke(db, "secondment", "show", "S-1")[1]
    assert by_ref == invoke(db, "secondment", "show", "1")[1]
    assert "approved" in by_ref and "2026-01-16" in by_ref


def test_a_secondment_through_its_lifecycle(db: Path) -> None:
    assert invoke(db, "secondment", "start", "S-1")[1] == "started secondment 1 (S-1)\n"
    assert (
        invoke(db, "secondment", "extend", "S-1", "--to", "2026-07-10", "--reason", "延长一学期")[0]
        == 0
    )
    shown = invoke(db, "secondment", "show", "S-1")[1]
    assert "previous_end=2026-01-16" in shown and "new_end=2026-07-10" in shown
    code, _, _ = invoke(
        db, "secondment", "withdraw", "S-1", "--reason", "病假", "--returned", "2025-12-31"
    )
    assert code == 0
    listed = invoke(db, "secondment", "list", "--status", "提前返回", "--year", "2025", "--csv")[1]
    assert "S-1" in listed
    assert "S-1" not in invoke(db, "secondment", "list", "--year", "2027", "--csv")[1]


def test_mentoring_commands(db: Path) -> None:
    code, out, _ = invoke(
        db, "mentor", "meet", "M-1", "--on", "2025-03-27", "--minutes", "90", "--kind", "听课"
    )
    assert code == 0 and out.startswith("logged meeting 1")
    assert invoke(db, "mentor", "confirm", "1", "--by", "T-2")[1].endswith(
        "the pair has 90 confirmed minutes\n"
    )
    levels = json.loads(invoke(db, "mentor", "tree", "--programme", "百千万", "--json")[1])
    assert levels["tables"][0]["rows"] == [[0, 1, 100], [1, 1, 1000], [2, 0, 10000]]
    assert (
        invoke(db, "mentor", "end", "M-1", "--on", "2025-12-31")[1]
        == "completed mentorship 1 (M-1)\n"
    )


def test_activity_budget_and_rubric_commands(db: Path) -> None:
    assert invoke(db, "activity", "attend", "A-1", "T-3")[1] == "recorded 1 participants\n"
    spent = invoke(db, "budget", "spend", "B-2025", "2400.50", "--category", "差旅补助",
                   "--on", "2025-09-01")[1]  # fmt: skip
    assert spent == "spent ¥2,400.50 (expense 1); ¥97,599.50 left\n"
    status = list(csv.reader(io.StringIO(invoke(db, "budget", "status", "--csv")[1])))
    header = status.index(["year", "supporting school", "supported school", "allocated", "spent",
                           "left", "approved overspend", "overspent"])  # fmt: skip
    assert status[header + 1][3:] == ["100000.00", "2400.50", "97599.50", "0.00", "no"]
    assert ["2025", "惠阳区半岛学校", "贞丰县第五中学", "travel", "2400.50"] in status
    code, out, _ = invoke(db, "rubric", "add", "exchange-teacher")
    assert code == 0 and "version 1" in out and "lessons (示范课、公开课质量)" in out
    code, out, _ = invoke(
        db, "assess", "1", "1", "--period", "2025", "--assessor", "贞丰县教育局",
        "--on", "2026-01-20", "--score", "lessons=优秀", "--score", "results=88",
        "--score", "leadership=良好", "--score", "collaboration=9",
    )  # fmt: skip
    assert code == 0 and out.startswith("assessment 1: total ")
    assert "贞丰县教育局" in invoke(db, "assessment", "list", "--period", "2025")[1]
    assert invoke(db, "rubric", "add", "exchange-teacher")[1].startswith("defined rubric 2:")


def test_backup_copies_the_store(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert invoke(db, "backup", str(copy))[0] == 0
    assert dump(copy) == dump(db)
    code, _, err = invoke(db, "backup", str(copy))
    assert code == 1 and "already exists" in err


def test_formats_lists_the_registered_formats(db: Path) -> None:
    out = invoke(db, "formats", "--csv")[1]
    assert {row[0] for row in csv.reader(io.StringIO(out))} >= {"name", "json", "table", "csv"}


BAD = [
    (["school", "add", "某校", "--region", "贞丰县", "--stage", "大学预科"], "大学预科"),
    (["school", "add", "某校", "--region", "贞丰县", "--stage", "初中", "--ref", "ZF-05"], "ZF-05"),
    (["school", "add", "", "--region", "贞丰县", "--stage", "初中"], "name"),
    (["school", "add", "某\x00校", "--region", "贞丰县", "--stage", "初中"], "NUL"),
    (["school", "show", "NO-SUCH"], "NO-SUCH"),
    (["teacher", "add", "李老师", "--school", "NO-SUCH"], "NO-SUCH"),
    (["teacher", "add", "李老师", "--school", "HY-BD", "--role", "校董"], "校董"),
    (["pairing", "add", "HY-BD", "HY-BD", "--signed", "2025-01-01"], "itself"),
    (["pairing", "add", "HY-BD", "ZF-05", "--signed", "2025-02-30"], "2025-02-30"),
    (["pairing", "add", "HY-BD", "ZF-05", "--signed", "2025-01-01", "--budget", "-5"], "negative"),
    (["secondment", "add", "T-1", "ZF-05", "--kind", "支教", "--from", "2025-09-01",
      "--to", "2025-08-01"], "before"),
    (["secondment", "add", "T-1", "HY-BD", "--kind", "支教", "--from", "2027-09-01",
      "--to", "2027-10-01"], "own school"),
    (["secondment", "add", "T-1", "ZF-05", "--kind", "度假", "--from", "2027-09-01",
      "--to", "2027-10-01"], "度假"),
    (["secondment", "complete", "S-1"], "cannot become completed"),
    (["secondment", "extend", "S-1", "--to", "2025-10-01", "--reason", "x"], "must end after"),
    (["secondment", "withdraw", "S-1", "--reason", "x", "--returned", "2025-10-01"], "cannot"),
    (["secondment", "list", "--status", "休假"], "休假"),
    (["secondment", "list", "--year", "20255"], "20255"),
    (["mentor", "add", "T-2", "T-1", "--programme", "百千万", "--from", "2025-04-01"], "cycle"),
    (["mentor", "add", "T-1", "T-1", "--programme", "百千万", "--from", "2025-04-01"],
     "themselves"),
    (["mentor", "end", "M-1", "--on", "2025-01-01"], "before"),
    (["mentor", "meet", "M-1", "--on", "2024-01-01", "--minutes", "30", "--kind", "听课"],
     "outside"),
    (["mentor", "meet", "M-1", "--on", "2025-04-01", "--minutes", "0", "--kind", "听课"], "0"),
    (["mentor", "meet", "M-1", "--on", "2025-04-01", "--minutes", "30", "--kind", "喝茶"], "喝茶"),
    (["mentor", "confirm", "99", "--by", "T-2"], "99"),
    (["programme", "add", "百千万"], "already exists"),
    (["programme", "add", "青蓝", "--targets", "100,abc"], "targets"),
    (["activity", "add", "示范课", "课", "--on", "昨天"], "昨天"),
    (["activity", "attend", "A-1", "T-3", "T-404"], "T-404"),
    (["budget", "allocate", "P-1", "--year", "2025", "--amount", "1"], "already recorded"),
    (["budget", "allocate", "P-1", "--year", "2026", "--amount", "1.005"], "two"),
    (["budget", "spend", "B-2025", "100000.01", "--category", "设备", "--on", "2025-09-01"],
     "exceeds"),
    (["budget", "spend", "B-2025", "10", "--category", "零食", "--on", "2025-09-01"], "零食"),
    (["rubric", "add", "no-such-rubric.toml"], "no file"),
    (["assess", "1", "1", "--period", "2025", "--assessor", "局", "--on", "2025-01-01",
      "--score", "x"], "KEY=VALUE"),
    (["school", "list", "--json", "--csv"], "choose one"),
    (["school", "list", "--format", "pdf"], "pdf"),
    (["school", "list", "--limit", "0"], "0"),
    (["backup", "/no/such/folder/copy.db"], "does not exist"),
]  # fmt: skip


def test_a_second_init_changes_nothing(db: Path) -> None:
    before = dump(db)
    code, out, _ = invoke(db, "init")
    assert code == 0 and f"schema version {SCHEMA_VERSION}" in out
    assert dump(db) == before


def test_a_read_only_store_refuses_writes_in_one_line(db: Path) -> None:
    before = dump(db)
    result = CliRunner().invoke(
        cli, ["--db", f"sqlite:///{db}?mode=ro", "school", "add", "某校", "--region", "贞丰县",
              "--stage", "初中"],
    )  # fmt: skip
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "read-only" in result.stderr or "readonly" in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize(("args", "needle"), BAD, ids=[" ".join(a[:3]) for a, _ in BAD])
def test_bad_input_is_one_line_and_changes_nothing(db: Path, args: list[str], needle: str) -> None:
    before = dump(db)
    code, _, err = invoke(db, *args)
    assert code in (1, 2), err
    assert needle in err, err
    assert "Traceback" not in err
    if code == 1:
        assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert dump(db) == before


def test_where_a_teacher_was_and_who_was_at_a_school_on_a_day(db: Path) -> None:
    """陈志强 (HY-BD) is seconded to ZF-05 from 2025-09-01: away from home that day,
    and listed at the host after its own staff; before it, at home."""
    where = json.loads(invoke(db, "teacher", "where", "T-1", "--on", "2025-10-09", "--json")[1])
    assert where["tables"][0]["rows"] == [
        ["陈志强", "2025-10-09", "贞丰县第五中学", "S-1", "support", "2025-09-01", "2026-01-16",
         "approved"]
    ]  # fmt: skip
    before = invoke(db, "teacher", "where", "T-1", "--on", "2025-08-31", "--csv")[1]
    assert before.splitlines()[1] == "陈志强,2025-08-31,惠阳区半岛学校,,,,,"
    who = list(csv.reader(io.StringIO(invoke(db, "school", "who", "ZF-05", "--on", "2025-10-09",
                                             "--csv")[1])))  # fmt: skip
    assert [row[:3] for row in who] == [
        ["teacher", "home school", "secondment"],
        ["田静", "贞丰县第五中学", ""],
        ["罗明", "贞丰县第五中学", ""],
        ["陈志强", "惠阳区半岛学校", "S-1"],
    ]
    home = invoke(db, "school", "who", "HY-BD", "--on", "2025-10-09", "--csv")[1]
    assert home.splitlines()[1:] == []
    zh = invoke(db, "--lang", "zh", "school", "who", "ZF-05", "--on", "2025-10-09")[1]
    assert zh.splitlines()[0].split() == [
        "教师",
        "派出学校",
        "交流",
        "类型",
        "开始",
        "结束",
        "状态",
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["teacher", "where", "T-9"], "no teacher with ref 'T-9'"),
        (["school", "who", "ZF-05", "--on", "2025-02-30"], "'2025-02-30'"),
        (["school", "who", "NOPE"], "no school with ref 'NOPE'"),
    ],
)
def test_where_and_who_refuse_unknown_names_and_days(db: Path, args: list[str], says: str) -> None:
    before = dump(db)
    code, out, err = invoke(db, *args)
    assert code != 0 and out == "" and says in err
    assert dump(db) == before


def test_a_secondment_without_a_pairing_counts_under_the_partnership_it_names(
    db: Path,
) -> None:
    """广清's 跟岗 teachers come from schools with no pairing: named with --partnership,
    they count under it in every report's partnership filter, received by 广州."""
    for args in (
        ["partnership", "add", "广州—清远", "--supporting", "广州市", "--supported", "清远市",
         "--ref", "GQ"],
        ["school", "add", "广州市第六中学", "--region", "广州市", "--stage", "高中",
         "--ref", "GZ-6"],
        ["school", "add", "连州中学", "--region", "清远市连州市", "--stage", "高中",
         "--ref", "QY-1"],
        *(["teacher", "add", f"清远教师{i}", "--school", "QY-1", "--ref", f"Q-{i}"]
          for i in range(3)),
        *(["secondment", "add", f"Q-{i}", "GZ-6", "--kind", "跟岗", "--from", "2025-04-01",
           "--to", "2025-04-30", "--partnership", "GQ"] for i in range(3)),
    ):  # fmt: skip
        assert invoke(db, *args)[0] == 0, args
    for i in range(3):
        invoke(db, "secondment", "approve", str(2 + i))
        invoke(db, "secondment", "start", str(2 + i))
    roster = json.loads(invoke(db, "report", "secondments", "--partnership", "GQ", "--json")[1])
    assert [row[0] for row in roster["tables"][0]["rows"]] == [
        "清远教师0",
        "清远教师1",
        "清远教师2",
    ]
    summary = json.loads(invoke(db, "report", "summary", "--partnership", "GQ", "--json")[1])
    [overview] = summary["tables"][0]["rows"]
    # received: the host lies in the partnership's supporting region (广州市)
    assert overview[:5] == ["广州—清远", 2025, 0, 0, 3]
    hy_zf = json.loads(invoke(db, "report", "secondments", "--partnership", "HY-ZF", "--json")[1])
    assert [row[0] for row in hy_zf["tables"][0]["rows"]] == ["陈志强"]  # through its pairing


def test_a_partnership_other_than_the_pairings_is_refused(db: Path) -> None:
    invoke(db, "partnership", "add", "广州—清远", "--supporting", "广州市", "--supported", "清远市",
           "--ref", "GQ")  # fmt: skip
    before = dump(db)
    for args in (
        ["secondment", "add", "T-2", "HY-BD", "--kind", "跟岗", "--from", "2026-04-01",
         "--to", "2026-04-30", "--pairing", "P-1", "--partnership", "GQ"],
        ["activity", "add", "示范课", "公开课", "--on", "2025-05-01", "--pairing", "P-1",
         "--partnership", "GQ"],
    ):  # fmt: skip
        code, out, err = invoke(db, *args)
        assert code == 1 and out == "" and err.count("\n") == 1
        assert "names partnership 2, but its pairing 1 belongs to partnership 1" in err
    assert dump(db) == before
    assert invoke(db, "secondment", "add", "T-2", "HY-BD", "--kind", "跟岗", "--from",
                  "2026-04-01", "--to", "2026-04-30", "--pairing", "P-1",
                  "--partnership", "HY-ZF")[0] == 0  # fmt: skip


def test_a_programme_sets_quota_thresholds_from_the_command_line(db: Path) -> None:
    code, out, err = invoke(
        db, "programme", "add", "两个全覆盖", "--quota", "lesson-coverage=100", "--quota",
        "trained-coverage=100",
    )  # fmt: skip
    assert code == 0, err
    assert invoke(db, "programme", "threshold", "两个全覆盖", "lesson-coverage", "90%")[1] == (
        "updated programme 2 两个全覆盖\n"
    )
    before = dump(db)
    for args, says in (
        (["programme", "threshold", "两个全覆盖", "lesson", "90"], "not lesson=90"),
        (["programme", "threshold", "两个全覆盖", "exchange-share", "0"], "exchange-share=0"),
        (["programme", "threshold", "三个全覆盖", "exchange-share", "10"], "no programme named"),
        (["programme", "add", "X", "--quota", "lesson-coverage"], "not MEASURE=PERCENT"),
    ):
        code, out, err = invoke(db, *args)
        assert code != 0 and out == "" and says in err, (args, err)
    assert dump(db) == before
    quotas = json.loads(
        invoke(db, "report", "quotas", "--region", "贞丰县", "--year", "2025", "--programme",
               "两个全覆盖", "--json")[1]
    )  # fmt: skip
    assert [row[5] for row in quotas["tables"][0]["rows"]] == ["10", "20", "100", "90"]


def test_records_name_their_programme_and_reports_keep_its_own(db: Path) -> None:
    """优课解码's training, secondment and expense name it; reports asked for the
    programme count those and leave out the rest; a programme not defined is refused."""
    before = dump(db)
    for args in (
        ["activity", "add", "培训", "优课解码", "--on", "2025-04-01", "--programme", "优课解码"],
        ["budget", "spend", "B-2025", "100", "--category", "培训", "--on", "2025-04-01",
         "--programme", "优课解码"],
    ):  # fmt: skip
        code, out, err = invoke(db, *args)
        assert code == 1 and out == "" and err.count("\n") == 1
        assert err.endswith(
            "programme '优课解码', which is not defined; define it with `exchange programme add`\n"
        )  # the whole message: it says how to mend it
    assert dump(db) == before
    for args in (
        ["programme", "add", "优课解码"],
        ["activity", "add", "培训", "优课解码第一期", "--on", "2025-04-01", "--attendees", "25",
         "--partnership", "HY-ZF", "--programme", "优课解码"],
        ["secondment", "add", "T-3", "HY-BD", "--kind", "跟岗", "--from", "2025-04-01",
         "--to", "2025-04-10", "--programme", "优课解码", "--ref", "S-YK"],
        ["secondment", "approve", "S-YK"], ["secondment", "start", "S-YK"],
        ["budget", "spend", "B-2025", "2400", "--category", "培训", "--on", "2025-04-01",
         "--programme", "优课解码"],
        ["budget", "spend", "B-2025", "600", "--category", "差旅补助", "--on", "2025-04-02"],
    ):  # fmt: skip
        assert invoke(db, *args)[0] == 0, args

    def report(*args: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(invoke(db, "report", *args, "--json")[1])
        return data

    everything = report("summary", "--year", "2025")["tables"][0]["totals"]
    ours = report("summary", "--year", "2025", "--programme", "优课解码")["tables"][0]
    assert [ours["totals"][i] for i in (2, 3, 4, 6, 10)] == [0, 1, 0, 1, 25]  # no pairings
    assert everything[6] == 2  # the other training counts without the filter
    roster = report("secondments", "--programme", "优课解码")["tables"][0]["rows"]
    assert [row[0] for row in roster] == ["田静"]
    budget = report("budget", "--programme", "优课解码")["tables"][0]["rows"]
    assert [row[4] for row in budget] == ["2400.00"]  # spent: its own expense only
    code, _, err = invoke(db, "report", "summary", "--programme", "三个全覆盖")
    assert code == 1 and "no programme named '三个全覆盖'" in err

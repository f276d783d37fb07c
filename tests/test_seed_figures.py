"""The figures the bureaus report upward, loaded as a clerk would and read back.

Each fact comes from the seed articles: 广清's 2017 跟岗 of 12 principals (校长) and 100
teachers from 清远 to 广州's schools, with no school pairing behind them; its 优课解码
training of 25 seed teachers (种子教师) of 25 schools; and 惠阳—贞丰's 两个全覆盖,
whose second half asks for a psychology demonstration lesson at every paired
school; and 成华区教育局's 跟岗 of 30-odd staff of 丹巴县教育和体育局, bureau to
bureau. Schools, teachers and secondments come from CSV files with Chinese
headers, through ``exchange import``; the rest through the commands.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli

GUANGZHOU, QINGYUAN = "广东省广州市天河区", "广东省清远市清城区"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """A CSV as Excel saves it for a clerk: UTF-8 with a byte-order mark."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def report(db: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(db, "report", *args, "--json"))
    return data


def rows(data: dict[str, Any], table: str) -> list[list[Any]]:
    found: list[list[Any]] = next(t["rows"] for t in data["tables"] if t["name"] == table)
    return found


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    path = folder / "province.db"
    run(path, "partnership", "add", "广州—清远教育帮扶", "--supporting", "广东省广州市",
        "--supported", "广东省清远市", "--kind", "对口帮扶", "--ref", "GQ")  # fmt: skip
    schools = [[f"广州名校{i}", GUANGZHOU, "初中", f"GZ-{i}"] for i in range(5)]
    schools += [[f"清远学校{i}", QINGYUAN, "初中", f"QY-{i}"] for i in range(25)]
    run(path, "import", str(write(folder / "学校.csv", ["学校名称", "所属地区", "学段", "学校代码"],
                                  schools)))  # fmt: skip
    staff = [[f"P{i:03}", f"校长{i}", f"QY-{i % 25}", "校长"] for i in range(12)]
    staff += [[f"T{i:03}", f"教师{i}", f"QY-{i % 25}", ""] for i in range(100)]
    staff += [[f"S{i:03}", f"种子教师{i}", f"QY-{i}", "种子教师"] for i in range(25)]
    run(path, "import", str(write(folder / "教师.csv", ["工号", "教师姓名", "所在学校", "职务"],
                                  staff)))  # fmt: skip
    shadowing = [
        [person[0], f"GZ-{n % 5}", "跟岗", "2017-10-09", "2017-10-27", "已完成", "GQ"]
        for n, person in enumerate(staff[:112])
    ]
    header = ["工号", "接收学校", "交流形式", "开始日期", "结束日期", "状态", "协作关系"]
    run(path, "import", str(write(folder / "跟岗名单.csv", header, shadowing)))
    run(path, "activity", "add", "培训", "优课解码项目第一期", "--on", "2017-11-18",
        "--partnership", "GQ", "--ref", "YKJM")  # fmt: skip
    run(path, "activity", "attend", "YKJM", *(f"S{i:03}" for i in range(25)))
    return path


def test_112_shadowing_teachers_count_under_their_partnership(db: Path) -> None:
    roster = report(db, "secondments", "--partnership", "GQ")
    assert len(rows(roster, "secondments")) == 112
    [overview] = rows(report(db, "summary", "--partnership", "GQ"), "overview")
    assert overview[:6] == ["广州—清远教育帮扶", 2017, 0, 0, 112, 112 * 19]  # received by 广州


def test_12_principals_beside_100_teachers(db: Path) -> None:
    by_role = rows(report(db, "summary", "--partnership", "GQ", "--by", "role"), "secondments")
    assert {row[2]: row[4] for row in by_role} == {"principal": 12, "no role": 100}


def test_25_seed_teachers_of_25_schools(db: Path) -> None:
    reach = report(db, "coverage", "--region", "清远市", "--year", "2017", "--partnership", "GQ")
    assert rows(reach, "reach") == [["training", 1, 25, 25]]


def test_the_second_half_of_two_full_coverages(tmp_path: Path) -> None:
    """惠阳—贞丰: a psychology lesson at one of the two paired schools so far."""
    db = tmp_path / "zf.db"
    for args in (
        ["school", "add", "惠阳区半岛学校", "--region", "广东省惠州市惠阳区", "--stage", "初中",
         "--ref", "HY-BD"],
        ["school", "add", "贞丰县第五中学", "--region", "贵州省黔西南州贞丰县", "--stage", "初中",
         "--ref", "ZF-05"],
        ["school", "add", "贞丰县双峰街道第一幼儿园", "--region", "贞丰县", "--stage", "幼儿园",
         "--ref", "ZF-SF"],
        ["pairing", "add", "HY-BD", "ZF-05", "--signed", "2025-03-26"],
        ["pairing", "add", "HY-BD", "ZF-SF", "--signed", "2025-03-26"],
        ["teacher", "add", "田静", "--school", "ZF-05", "--role", "心理教师", "--ref", "T-TJ"],
        ["activity", "add", "示范课", "心理健康示范课", "--on", "2025-04-18", "--school", "ZF-05",
         "--teacher", "T-TJ"],
    ):  # fmt: skip
        run(db, *args)
    quotas = rows(report(db, "quotas", "--region", "贵州省黔西南州", "--year", "2025"), "quotas")
    lesson = next(row for row in quotas if row[0] == "lesson-coverage")
    assert lesson[2:4] == [1, 2] and lesson[-1] == "not met"


def test_30_bureau_staff_shadow_another_bureau(tmp_path: Path) -> None:
    """成华区教育局 received 30-odd staff of 丹巴县教育和体育局 for 跟岗: bureaus employ
    staff and send and host secondments as schools do, and have no stage."""
    db = tmp_path / "cd.db"
    run(db, "partnership", "add", "成华—丹巴教育结对帮扶", "--supporting", "四川省成都市成华区",
        "--supported", "四川省甘孜藏族自治州丹巴县", "--ref", "CH-DB")  # fmt: skip
    for name, region, ref in (
        ("成华区教育局", "四川省成都市成华区", "CH-JYJ"),
        ("丹巴县教育和体育局", "四川省甘孜藏族自治州丹巴县", "DB-JTJ"),
    ):
        run(db, "school", "add", name, "--region", region, "--kind", "教育局", "--ref", ref)
    staff = [[f"DB{i:02}", f"丹巴干部{i}", "DB-JTJ", "干部"] for i in range(31)]
    run(
        db, "import", str(write(tmp_path / "干部.csv", ["工号", "姓名", "工作单位", "职务"], staff))
    )
    header = ["工号", "接收学校", "交流形式", "开始日期", "结束日期", "状态", "协作关系"]
    shadowing = [[row[0], "CH-JYJ", "跟岗", "2023-05-08", "2023-05-19", "已完成", "CH-DB"]
                 for row in staff]  # fmt: skip
    run(db, "import", str(write(tmp_path / "跟岗.csv", header, shadowing)))
    [overview] = rows(report(db, "summary", "--partnership", "CH-DB"), "overview")
    assert overview[3:5] == [0, 31]  # received by 成华, in the supporting region
    by_stage = rows(report(db, "summary", "--by", "stage"), "secondments")
    assert [row[2:4] for row in by_stage] == [["bureau", 0]]
    coverage = report(db, "coverage", "--region", "丹巴县")
    assert rows(coverage, "stages") == [] and rows(coverage, "uncovered") == []


def test_the_files_were_what_a_clerk_makes(db: Path) -> None:
    """The imports above read the BOM-prefixed Chinese headers; nothing else was needed."""
    listed = list(csv.reader(io.StringIO(run(db, "teacher", "list", "--csv", "--role", "校长"))))
    assert len(listed) == 13

"""Chinese output says it all in Chinese: vocabularies, fields, report names, sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli_records import dump, invoke


def zh(db: Path, *args: str) -> tuple[int, str, str]:
    return invoke(db, "--lang", "zh", *args)


def ascii_words(text: str) -> set[str]:
    """Runs of Latin letters, leaving out codes and paths the user typed."""
    return set(re.findall(r"[A-Za-z_]{3,}", text))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["school", "add", "某校", "--region", "贞丰县", "--stage", "初级中学"], "不是有效的学段"),
        (
            [
                "secondment",
                "add",
                "T-3",
                "HY-BD",
                "--kind",
                "轮岗",
                "--from",
                "2025-09-01",
                "--to",
                "2025-12-31",
            ],
            "不是有效的交流类型",
        ),
        (["teacher", "add", "\u200b", "--school", "ZF-05"], "教师名称"),
    ],
)
def test_a_refusal_names_vocabularies_and_fields_in_chinese(
    db: Path, args: list[str], said: str
) -> None:
    before = dump(db)
    code, _, err = zh(db, *args)
    assert code == 1 and said in err
    assert not {"Stage", "SecondmentKind", "teacher", "name"} & ascii_words(err.split("；")[0])
    assert dump(db) == before


def test_a_report_written_to_a_file_is_named_in_chinese(db: Path, tmp_path: Path) -> None:
    code, _, err = zh(db, "report", "summary", "-o", str(tmp_path / "s.csv"))
    assert code == 0 and err.startswith("已将 工作总览 写入")


def test_where_says_where_the_store_came_from_in_chinese(db: Path) -> None:
    code, out, _ = zh(db, "where")
    assert code == 0 and out.rstrip().endswith("（来自 --db 参数）")


def test_the_english_refusal_names_them_in_english(db: Path) -> None:
    code, _, err = invoke(db, "school", "add", "某校", "--region", "贞丰县", "--stage", "初级中学")
    assert code == 1 and "'初级中学' is not a stage; choose one of: kindergarten (幼儿园)" in err

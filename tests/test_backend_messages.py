"""The storage backends' refusals and failures are messages: the same English from
``memory:`` and ``sqlite:``, Chinese through the catalogue (values aside), and the
command line shows them in the invocation's language on one line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from backends.memory import MemoryBackend
from backends.sqlite.store import SQLiteBackend
from cli.main import cli
from exchange.backend import Backend
from exchange.changelog import Change
from exchange.errors import BackendError, DuplicateRef, ExchangeError, NotFound, StillReferenced
from exchange.i18n import Message, localize, message, scrubbed
from exchange.models import School, Teacher

CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
"""An English word of three letters or more (``id`` is also the Chinese text's word)."""


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def school(name: str = "惠阳区半岛学校", **fields: Any) -> School:
    return School(name=name, region="惠州市惠阳区", stage="初中", **fields)


def refusals(backend: Backend) -> list[ExchangeError]:
    """Every refusal the storage contract names, raised by ``backend``."""
    home = backend.add(school(ref="HY-01"))
    teacher = backend.add(Teacher(name="李老师", school_id=home.id))
    attempts: list[Callable[[], object]] = [
        lambda: backend.add(Teacher(name="王老师", school_id=99)),
        lambda: backend.update(attrs.evolve(home, id=42)),
        lambda: backend.delete(School, 42),
        lambda: backend.update(attrs.evolve(teacher, school_id=7)),
        lambda: backend.add(school("另一所学校", ref="HY-01")),
        lambda: backend.delete(School, home.id or 0),
        lambda: backend.add(home),
        lambda: backend.delete(Change, 1),
    ]
    raised = []
    for attempt in attempts:
        with pytest.raises(ExchangeError) as caught:
            attempt()
        raised.append(caught.value)
    backend.close()
    with pytest.raises(BackendError) as closed:
        backend.get(School, 1)
    return [*raised, closed.value]


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend()
    else:
        store = SQLiteBackend(f"sqlite:///{tmp_path / 'store.db'}")
        yield store
        store.close()


def test_every_refusal_is_a_message_in_chinese(backend: Backend) -> None:
    for error in refusals(backend):
        said = error.args[0]
        assert isinstance(said, Message), repr(error)
        chinese = localize(error, "zh")
        assert chinese != str(error) and CJK.search(chinese), str(error)
        assert not ENGLISH_WORD.findall(chinese), chinese


def test_sqlite_refuses_in_the_words_of_memory_in_both_languages(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        sqlite = SQLiteBackend(f"sqlite:///{tmp_path / lang}.db")
        got = [(type(e), localize(e, lang)) for e in refusals(sqlite)]
        want = [(type(e), localize(e, lang)) for e in refusals(MemoryBackend())]
        assert got == want


def test_the_refusals_in_chinese(tmp_path: Path) -> None:
    said = {type(e): localize(e, "zh") for e in refusals(MemoryBackend())[4:6]}
    assert said == {
        DuplicateRef: "学校编号 'HY-01' 已被 id 为 1 的学校使用",
        StillReferenced: "仍有 1 条教师记录通过 school_id 关联学校 1，不能删除；请改为归档",
    }
    missing = refusals(MemoryBackend())[0]
    assert isinstance(missing, NotFound)
    assert localize(missing, "zh") == "教师的 school_id 指向学校 99，但该记录不存在"
    assert str(missing) == "teacher school_id refers to schools 99, which does not exist"


def test_a_scrubbed_message_stays_a_message_without_the_secret() -> None:
    said = message("cannot connect to {where}: {reason}", where="db", reason="bad s3cret!")
    clean = scrubbed(said, "s3cret")
    assert isinstance(clean, Message)
    assert str(clean) == "cannot connect to db: bad ***!"
    assert "s3cret" not in localize(clean, "zh") and CJK.search(localize(clean, "zh"))
    assert scrubbed("plain s3cret", "s3cret") == "plain ***"


# -- through the command line ---------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="exchange")
    return result.exit_code, result.stdout, result.stderr


def one_chinese_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("错误：") and CJK.search(err), err
    return err


def test_a_ref_the_destination_store_holds_is_refused_in_chinese(tmp_path: Path) -> None:
    """``copy --append`` writes straight to the destination's backend, which refuses."""
    source, destination = tmp_path / "county.db", tmp_path / "province.db"
    for path, name in ((source, "惠阳区半岛学校"), (destination, "贞丰县第五中学")):
        code, _, err = invoke(
            "--db", str(path), "school", "add", name, "--region", "惠阳区", "--stage", "初中",
            "--ref", "HY-BD",
        )  # fmt: skip
        assert code == 0, err
    code, out, err = invoke("--lang", "zh", "copy", str(source), str(destination), "--append")
    assert (code, out) == (1, "")
    assert err == "错误：学校编号 'HY-BD' 已被 id 为 1 的学校使用\n"
    code, out, err = invoke("--lang", "en", "copy", str(source), str(destination), "--append")
    assert (code, out) == (1, "")
    assert err == "Error: school ref 'HY-BD' is already used by id 1\n"


def test_a_file_that_is_not_a_database_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    code, out, err = invoke("--db", str(path), "--lang", "zh", "school", "list")
    assert (code, out) == (1, "")
    assert one_chinese_line(err) == f"错误：数据库文件 {path} 不是 SQLite 数据库\n"
    code, _, err = invoke("--db", str(path), "school", "list")
    assert err == f"Error: the database file {path} is not a SQLite database\n"


def test_a_missing_folder_is_refused_in_chinese(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/nowhere/bureau.db"
    code, out, err = invoke("--db", url, "--lang", "zh", "school", "list")
    assert (code, out) == (1, "")
    assert one_chinese_line(err) == (
        f"错误：无法打开 {url}：目录 {tmp_path}/nowhere 不存在；请先创建\n"
    )


def test_a_bad_sqlite_url_option_is_refused_in_chinese(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bureau.db?timeout=soon"
    code, out, err = invoke("--db", url, "--lang", "zh", "school", "list")
    assert (code, out) == (1, "")
    assert one_chinese_line(err) == (
        f"错误：sqlite URL '{url}' 中的 timeout=soon 应为秒数（0 到 3600）\n"
    )


# -- lifecycle: statuses in the reader's words ------------------------------------------

SETUP = [
    ["school", "add", "惠阳区半岛学校", "--region", "惠阳区", "--stage", "初中", "--ref", "HY-BD"],
    ["school", "add", "贞丰县第五中学", "--region", "贞丰县", "--stage", "初中", "--rural",
     "--ref", "ZF-05"],
    ["teacher", "add", "陈志强", "--school", "HY-BD", "--subject", "数学", "--ref", "T-1"],
    ["secondment", "add", "T-1", "ZF-05", "--kind", "支教", "--from", "2025-09-01",
     "--to", "2026-01-16", "--ref", "S-1"],
    ["secondment", "approve", "S-1"],
]  # fmt: skip


def test_a_refused_move_names_the_statuses_in_chinese(tmp_path: Path) -> None:
    db = str(tmp_path / "bureau.db")
    for args in SETUP:
        code, _, err = invoke("--db", db, *args)
        assert code == 0, err
    code, out, err = invoke("--db", db, "--lang", "zh", "secondment", "approve", "S-1")
    assert (code, out) == (1, "")
    assert one_chinese_line(err) == "错误：交流 1 已是“已批准”；可改为：在岗, 已取消\n"
    code, _, err = invoke("--db", db, "secondment", "approve", "S-1")
    assert err == "Error: secondment 1 is already approved (已批准); allowed: active, cancelled\n"

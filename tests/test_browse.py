"""``exchange browse``: Datasette on the store with the project's labels and cells, the
views in plain Datasette without them, and the refusals (another kind of store, no file,
no Datasette)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Tracker
from exchange.demo import build_demo


def need_datasette() -> None:
    """Skip without Datasette (the ``browse`` extra), unless ``CI`` is set: then fail."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        reason = "no Datasette: pip install -e '.[browse]' (the test extra has it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo programme in a SQLite file, named ``demo.db`` (Datasette calls it ``demo``)."""
    path = tmp_path_factory.mktemp("browse") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
    return path


def page(path: Path, lang: str, url: str) -> tuple[int, str]:
    """The status and text of ``url`` from ``exchange browse``'s Datasette, in-process."""
    from exchange.browsing.server import datasette

    instance = datasette(path, lang)
    response = asyncio.run(instance.client.get(url))
    return response.status_code, response.text


def test_the_record_tables_show_yuan_words_and_flags_in_chinese(demo: Path) -> None:
    need_datasette()
    status, text = page(demo, "zh", "/demo/allocations?_size=5")
    assert status == 200 and "¥100,000.00" in text and "1860000" not in text
    assert "<h1>经费拨款</h1>" in text
    status, text = page(demo, "zh", "/demo/secondments?_size=3")
    assert status == 200 and ">已完成<" in text and ">送教<" in text and ">否<" in text
    status, text = page(demo, "en", "/demo/secondments?_size=3")
    assert ">completed<" in text and ">visit<" in text and ">no<" in text


def test_the_views_open_with_labels_and_facets(demo: Path) -> None:
    need_datasette()
    status, text = page(demo, "zh", "/demo/secondment_roster")
    assert status == 200 and "<h1>交流教师名单 (view)</h1>" in text
    assert "<dt>host_school</dt><dd>接收学校</dd>" in text
    status, text = page(demo, "zh", "/demo/secondment_roster.json?kind_zh=支教")
    found = json.loads(text)
    assert sorted(found["facet_results"]) == ["host_school", "kind_zh", "status_zh"]
    assert found["filtered_table_rows_count"] == 5
    status, text = page(demo, "en", "/demo/secondment_roster.json")
    assert sorted(json.loads(text)["facet_results"]) == ["host_school", "kind", "status"]


def test_the_views_work_in_plain_datasette(demo: Path) -> None:
    """``datasette demo.db``, without the project's metadata or cells: the views are in
    the file, with names, words and yuan."""
    need_datasette()
    address = "/demo/secondment_roster.json?_shape=array&host_region__contains={}&kind_zh={}"
    url = address.format(quote("丹巴县"), quote("支教"))
    out = subprocess.run(
        [sys.executable, "-m", "datasette", "serve", str(demo), "--get", url],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert sorted(row["teacher"] for row in json.loads(out)) == ["刘思雨", "王涛", "赵宇航"]
    money = "/demo/allocation_balances.json?_shape=array&_size=1&_sort=id"
    out = subprocess.run(
        [sys.executable, "-m", "datasette", "serve", str(demo), "--get", money],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    [first] = json.loads(out)
    assert (first["amount_yuan"], first["spent_yuan"], first["balance_yuan"]) == (
        100000.0, 60600.0, 39400.0
    )  # fmt: skip


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_browse_refuses_a_store_that_is_not_a_sqlite_file() -> None:
    for url in ("memory:", "postgresql://exchange@db.example/province", "sqlite://"):
        result = run("--db", url, "browse")
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: exchange browse opens SQLite files only; copy {url} to one first: "
            f"exchange copy {url} browse.db\n"
        )
    result = run("--db", "memory:", "--lang", "zh", "browse")
    assert result.stderr == (
        "错误：exchange browse 只能打开 SQLite 文件；请先将 memory: 复制为文件："
        "exchange copy memory: browse.db\n"
    )


def test_browse_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    need_datasette()
    result = run("--db", str(tmp_path / "none.db"), "browse")
    assert result.exit_code == 1
    assert result.stderr == f"Error: no store to browse: {tmp_path / 'none.db'} does not exist\n"
    assert not (tmp_path / "none.db").exists()


def test_browse_without_datasette_names_the_extra(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['datasette'] = None\n"
        "from cli.main import cli\n"
        f"cli.main(['--db', {str(tmp_path / 'x.db')!r}, 'browse'], prog_name='exchange')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == (
        "Error: exchange browse needs Datasette: pip install 'teacher-exchange[browse]' "
        "(or pip install datasette)\n"
    )
    assert not (tmp_path / "x.db").exists()


class _Settings:
    """What the cells read of a Datasette instance: the plugin settings of the metadata."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def plugin_config(self, name: str) -> dict[str, str] | None:
        return None if self.lang is None else {"lang": self.lang}


def test_the_cells_show_money_flags_and_codes_and_leave_the_rest() -> None:
    need_datasette()
    from exchange.browsing.cells import render_cell, shown

    kinds = {("allocations", "amount"), ("pairings", "annual_budget"), ("schools", "rural"),
             ("secondments", "status"), ("expenses", "category")}  # fmt: skip
    assert kinds <= set(shown())
    zh, en, plain = _Settings("zh"), _Settings("en"), _Settings(None)
    assert render_cell(1860050, "amount", "expenses", zh) == "¥18,600.50"
    assert render_cell("active", "status", "secondments", zh) == "在岗"
    assert render_cell("active", "status", "mentorships", zh) == "进行中"
    assert render_cell(1, "archived", "schools", zh) == "是"
    assert render_cell(0, "archived", "schools", en) == "no"
    assert render_cell("active", "status", "secondments", plain) is None  # plain Datasette
    assert render_cell("lost", "status", "secondments", zh) is None  # not a code: as stored
    assert render_cell(None, "returned_on", "secondments", zh) is None
    assert render_cell("陈老师", "name", "teachers", zh) is None
    assert render_cell(5, "amount", "expense_lines", zh) is None  # views show yuan already


def test_browse_get_prints_a_page_and_a_missing_page_in_one_line(demo: Path) -> None:
    result = run("--db", str(demo), "browse", "--get", f"/{demo.stem}/secondment_roster.json")
    assert result.exit_code == 0, result.stderr
    assert '"table": "secondment_roster"' in result.stdout
    result = run("--db", str(demo), "browse", "--get", "/no-such-page")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: /no-such-page: HTTP 404\n"

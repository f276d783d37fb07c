"""``exchange browse`` in a real headless Chromium: the installed command serves the demo
store, the browser opens a view, filters it through Datasette's filter form, follows a
facet link and finds the expected rows (the DevTools harness of ``test_html_browser``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browse import demo, need_datasette  # noqa: F401  (demo is a fixture)
from test_html_browser import DevTools, _chromium, console_errors

SERVER_SECONDS = 30.0

FILTER_JS = """
(() => {
  const form = document.querySelector('form.filters');
  form.querySelector('select[name="_filter_column"]').value = %(column)s;
  form.querySelector('select[name="_filter_op"]').value = %(op)s;
  form.querySelector('input[name="_filter_value"]').value = %(value)s;
  form.querySelector('input[type="submit"]').click();
  return true;
})()
"""

FACET_JS = """
(() => {
  const facet = document.querySelector('.facet-info[data-column=%(column)s]');
  const link = [...facet.querySelectorAll('li a')].find(a => a.textContent.trim() === %(value)s);
  link.click();
  return link.href;
})()
"""

CELLS_JS = """[...document.querySelectorAll('table.rows-and-columns tbody td.col-' + %s)]
  .map(td => td.textContent.trim())"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(demo: Path, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """``exchange --lang zh browse`` on the demo store, as a user starts it; its address."""
    need_datasette()
    exchange = Path(sys.executable).parent / "exchange"
    port = _free_port()
    log = (tmp_path / "browse.log").open("wb")
    process = subprocess.Popen(
        [str(exchange), "--db", str(demo), "--lang", "zh", "browse", "--port", str(port)],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_for(address, process)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for(address: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "exchange browse stopped"
        try:
            with urllib.request.urlopen(f"{address}/-/versions.json", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"exchange browse did not answer within {SERVER_SECONDS} s")


def _navigated(browser: DevTools, script: str) -> None:
    """Run ``script`` (which loads another page) and wait until that page has loaded."""
    browser.events.clear()
    browser.deadline = time.monotonic() + 20
    browser.evaluate(script)
    browser.wait_for("Page.loadEventFired")


def test_a_view_is_filtered_and_faceted_in_chromium(server: str, tmp_path: Path) -> None:
    """The 丹巴 secondments (five), then the 支教 ones among them by the facet: three."""
    browser = DevTools(_chromium(), tmp_path, dict(os.environ))
    try:
        browser.open(f"{server}/demo/secondment_roster")
        assert browser.evaluate("document.querySelector('h1').textContent.trim()") == (
            "交流教师名单 (view)"
        )
        loaded = console_errors(browser.events)
        fill = {"column": "host_region", "op": "contains", "value": "丹巴县"}
        _navigated(browser, FILTER_JS % {k: json.dumps(v) for k, v in fill.items()})
        filtered = browser.evaluate(CELLS_JS % json.dumps("teacher"))
        assert sorted(filtered) == ["刘思雨", "孙建国", "王涛", "赵宇航", "陈欣"]
        facet = {"column": json.dumps("kind_zh"), "value": json.dumps("支教")}
        _navigated(browser, FACET_JS % facet)
        url = browser.evaluate("location.href")
        teachers = browser.evaluate(CELLS_JS % json.dumps("teacher"))
        kinds = browser.evaluate(CELLS_JS % json.dumps("kind_zh"))
        (tmp_path / "faceted.png").write_bytes(browser.screenshot())
    finally:
        log = browser.close()
    assert loaded == [], log[-2000:]
    assert "host_region__contains=" in url and "kind_zh=" in url
    assert sorted(teachers) == ["刘思雨", "王涛", "赵宇航"] and set(kinds) == {"支教"}

"""The ``html`` page opened in a real headless Chromium: no console errors, a
screenshot, and Chinese drawn in glyphs, not boxes (the sample report of
``test_html_format``)."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_html_format import REPORT, page_of

# -- in a real browser ----------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_SECONDS = 20.0
HAN = r"\p{Script=Han}"
UNASSIGNED = "\u0378"
"""A code point no font has a glyph for: a browser draws it as a box (tofu)."""

PROBES = ("h1", "h2", "figcaption", "thead th", "svg .legend text", "svg .labels text")
"""Where the tofu check looks: one element with Chinese text of each kind."""


def _chromium() -> str:
    """The Chromium to test with: skip without one, unless ``CI`` is set (then fail)."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"no Chromium at {CHROMIUM}: run .ci/chromium "
        "(Debian packages chromium and fonts-wqy-microhei)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


class DevTools:
    """Chromium's DevTools protocol over ``--remote-debugging-pipe``: JSON messages
    ending in NUL, commands written to the browser's fd 3, answers and events
    read from its fd 4. Standard library only; every wait ends at ``deadline``."""

    def __init__(self, executable: str, folder: Path, env: dict[str, str]) -> None:
        """Start ``executable`` with its profile and log (standard error) in ``folder``."""
        self.log = folder / "chromium.log"
        self.deadline = time.monotonic() + BROWSER_SECONDS
        to_browser, self._commands = self._pipe()
        self._answers, from_browser = self._pipe()
        # A tiny Python trampoline puts the pipe ends on fds 3 and 4, then execs Chromium.
        trampoline = (
            "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
            "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w); "
            "os.execv(sys.argv[3], sys.argv[3:])"
        )
        flags = [
            "--headless",
            "--no-sandbox",  # needed as root, harmless otherwise: the page is our own file
            "--disable-gpu",
            f"--user-data-dir={folder / 'profile'}",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1200,900",
            "about:blank",
        ]
        command = [sys.executable, "-c", trampoline, str(to_browser), str(from_browser)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, executable, *flags],
                pass_fds=(to_browser, from_browser),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    @staticmethod
    def _pipe() -> tuple[int, int]:
        """A pipe whose ends are numbered 5 or more, clear of the fds 3 and 4 they go to."""
        ends = []
        for end in os.pipe():
            ends.append(fcntl.fcntl(end, fcntl.F_DUPFD, 5))
            os.close(end)
        os.set_inheritable(ends[0], True)
        os.set_inheritable(ends[1], True)
        return ends[0], ends[1]

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            ready, _, _ = select.select([self._answers], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError(f"Chromium did not answer within {BROWSER_SECONDS} s")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command (to the attached page, once there is one); its result."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result
            self.events.append(answer)

    def wait_for(self, event: str) -> None:
        """Read messages until ``event`` arrives."""
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._receive())

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        answer = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def open(self, url: str) -> None:
        """Attach to the first tab, switch on the events the checks read, load ``url``."""
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page", "DOM", "CSS"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => document.fonts.status)")

    def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        """A PNG of ``clip`` (x, y, width, height in CSS pixels) or of the whole page."""
        if clip is None:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
        shot = self.call(
            "Page.captureScreenshot",
            format="png",
            clip={**clip, "scale": 1},
            captureBeyondViewport=True,
        )
        return base64.b64decode(shot["data"])

    def close(self) -> str:
        """Close the browser (kill it if it hangs); what it wrote to its log."""
        try:
            self.session = ""
            self.call("Browser.close")
        except (OSError, TimeoutError, EOFError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)
        return self.log.read_text(errors="replace")


def console_errors(events: list[dict[str, Any]]) -> list[str]:
    """Console messages, uncaught exceptions and error log entries among ``events``."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            found.append(f"console.{params['type']}: {params['args']}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails']}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(f"log: {params['entry']['text']} ({params['entry'].get('url', '')})")
    return found


def requested(events: list[dict[str, Any]]) -> list[str]:
    """Every URL the page asked for."""
    return [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    ]


PROBE_JS = """
(() => {
  const el = [...document.querySelectorAll(%(selector)s)].find(e => /%(han)s/u.test(e.textContent));
  if (!el) return null;
  el.style.whiteSpace = 'nowrap';
  document.querySelectorAll('[data-probe]').forEach(e => e.removeAttribute('data-probe'));
  el.setAttribute('data-probe', '');
  const r = el.getBoundingClientRect();
  return {text: el.textContent, x: r.left + scrollX, y: r.top + scrollY,
          width: Math.max(1, r.width), height: Math.max(1, r.height)};
})()
"""

REPLACE_JS = """
(() => {
  const el = document.querySelector('[data-probe]');
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    walk.currentNode.data = walk.currentNode.data.replace(/%(han)s/gu, %(box)s);
  }
  return el.textContent;
})()
"""


def glyph_check(browser: DevTools, selector: str) -> dict[str, Any] | None:
    """Whether the Chinese text of the first ``selector`` element with any is drawn
    as glyphs: its pixels, then the same element's pixels with every Han
    character swapped for :data:`UNASSIGNED` (which no font has, so it is
    drawn as the missing-glyph box). Equal pixels mean the Chinese was boxes too."""
    where = browser.evaluate(PROBE_JS % {"selector": json.dumps(selector), "han": HAN})
    if where is None:
        return None
    text = where.pop("text")
    document = browser.call("DOM.getDocument")["root"]["nodeId"]
    node = browser.call("DOM.querySelector", nodeId=document, selector="[data-probe]")["nodeId"]
    fonts = browser.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
    chinese = browser.screenshot(where)
    browser.evaluate(REPLACE_JS % {"han": HAN, "box": json.dumps(UNASSIGNED)})
    boxes = browser.screenshot(where)
    return {
        "selector": selector,
        "text": text,
        "fonts": [f"{f['familyName']} ({f['glyphCount']} glyphs)" for f in fonts],
        "glyphs": chinese != boxes,
    }


def open_in_chromium(page: Path, shot: Path, env: dict[str, str]) -> dict[str, Any]:
    """Load ``page`` in headless Chromium, save a screenshot of it as ``shot``,
    run :func:`glyph_check` on :data:`PROBES`; what the browser reported."""
    browser = DevTools(_chromium(), page.parent, env)
    try:
        browser.open(page.as_uri())
        shot.write_bytes(browser.screenshot())
        lang = browser.evaluate("document.documentElement.lang")
        loaded = list(browser.events)  # what the page did, before the probes change it
        checks = [c for c in (glyph_check(browser, s) for s in PROBES) if c is not None]
    finally:
        log = browser.close()
    return {
        "errors": console_errors(loaded),
        "requests": requested(loaded),
        "lang": lang,
        "checks": checks,
        "log": log,
    }


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (which this asserts is one)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_page_renders_in_chromium_without_errors_and_with_chinese_glyphs(
    tmp_path: Path,
) -> None:
    """Open the sample report in Debian's headless Chromium and check what a reader sees.

    The browser is driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``, standard library only), which reports what
    ``--enable-logging`` would print and more:

    - *No console errors*: no ``Runtime.consoleAPICalled``, no
      ``Runtime.exceptionThrown`` and no ``Log.entryAdded`` of level error
      (failed loads and Content-Security-Policy violations land there) while
      the page loads and its fonts settle (``document.fonts.ready``).
    - *Self-contained*: the only request made is for the file itself.
    - *A screenshot*: the whole page, saved under ``tmp_path``, a real PNG.
    - *Chinese, not boxes*: for a heading, a chart title, a table header, a
      chart legend and timeline labels, the element is captured twice, first
      as it is, then with every Han character replaced by an unassigned code
      point (U+0378), which no font covers and Chromium draws as the
      missing-glyph box. If the Chinese had no font, it would be drawn with
      the very same boxes and both captures would be identical pixel for pixel
      (PNG bytes of equal pixels from one encoder are equal); they must differ.
      The fonts Chromium used (``CSS.getPlatformFontsForNode``) are in the
      failure message. The next test runs the same check against a font set
      without CJK and sees the boxes, so the check can fail.
    """
    page = tmp_path / "report.html"
    page.write_text(page_of(REPORT), encoding="utf-8")
    shot = tmp_path / "report.png"
    seen = open_in_chromium(page, shot, dict(os.environ))
    assert seen["errors"] == [], seen["log"][-2000:]
    assert seen["requests"] == [page.as_uri()]
    assert seen["lang"] == "zh-CN"
    width, height = png_size(shot.read_bytes())
    assert width >= 600 and height >= 600
    assert {c["selector"] for c in seen["checks"]} == set(PROBES)
    boxes = [c for c in seen["checks"] if not c["glyphs"]]
    assert boxes == [], "Chinese drawn as boxes: install a CJK font (fonts-wqy-microhei)"


def test_the_harness_hears_console_errors_and_failed_loads(tmp_path: Path) -> None:
    """The control for "no console errors": a page that logs an error, throws
    and asks for a missing image is caught on all three counts."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        '<img src="missing.png"><script>console.error("boom"); nowhere();</script>'
        "</body></html>",
        encoding="utf-8",
    )
    seen = open_in_chromium(page, tmp_path / "bad.png", dict(os.environ))
    errors = "\n".join(seen["errors"])
    assert "console.error" in errors and "boom" in errors
    assert "exception:" in errors and "nowhere" in errors
    assert "ERR_FILE_NOT_FOUND" in errors
    assert (tmp_path / "missing.png").as_uri() in seen["requests"]
    assert seen["checks"] == []


def test_without_chromium_the_browser_tests_skip_but_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"run \.ci/chromium"):
        _chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set but no Chromium"):
        _chromium()


def _latin_font() -> Path | None:
    """A font file without Chinese glyphs, for the control run."""
    for pattern in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"):
        for found in Path("/usr/share/fonts").rglob(pattern):
            return found
    return None


def test_the_glyph_check_sees_boxes_when_no_font_has_chinese(tmp_path: Path) -> None:
    """The control for the test above: Chromium with a fontconfig that knows one
    Latin font only draws the Chinese as boxes, and :func:`glyph_check` says so."""
    _chromium()
    font = _latin_font()
    if font is None:
        pytest.skip("no Latin-only font (DejaVu, Liberation, FreeFont) for the control run")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / font.name).symlink_to(font)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    page = tmp_path / "report.html"
    page.write_text(page_of(REPORT), encoding="utf-8")
    seen = open_in_chromium(
        page, tmp_path / "boxes.png", {**os.environ, "FONTCONFIG_FILE": str(config)}
    )
    assert seen["checks"] and not any(c["glyphs"] for c in seen["checks"]), seen["checks"]

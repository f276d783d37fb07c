"""The Python in the docs runs: every ```python block of README.md and docs/*.md, in
order, one namespace per file, in an empty folder of its own (docs/testing.md, "Code in
the docs", describes the hidden comments that skip a block or give it set-up)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_DIRECTIVE = re.compile(r"<!--\s*doc-test:\s*(skip|setup)\b:?(.*)-->", re.DOTALL)


@attrs.frozen
class Block:
    """One ```python block: where it starts, its code, and what its comment asks."""

    path: Path
    line: int
    code: str
    skip: str | None = None
    """Why the block is not run, when its comment says ``skip``."""
    setup: str = ""
    """Code run just before the block, from a ``setup`` comment."""


def blocks(path: Path) -> list[Block]:
    """The ```python blocks of a Markdown file, each with the directive of the hidden
    comment that ends just before its fence, if any."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = _directive(text[: match.start()].rstrip())
        kind, body = (before.group(1), before.group(2)) if before else ("", "")
        found.append(
            Block(
                path=path,
                line=line,
                code=match.group(1),
                skip=body.strip() if kind == "skip" else None,
                setup=textwrap.dedent(body).strip() + "\n" if kind == "setup" else "",
            )
        )
    return found


def _directive(before: str) -> re.Match[str] | None:
    """The ``doc-test`` comment that ``before`` (the text up to a fence) ends with."""
    if not before.endswith("-->"):
        return None
    return _DIRECTIVE.fullmatch(before[before.rfind("<!--") :])


_SIGNATURE = re.compile(r"def \w+\(.*\) -> .+")
"""A block that is one ``def`` line without a body: a hook's signature, compiled only."""

_RUNNER = """
import json, sys
namespace = {"__name__": "__doc_blocks__", "__file__": "doc_blocks.py"}  # a module of its folder
for where, code in json.load(sys.stdin):
    exec(compile(code, where, "exec"), namespace)
"""
"""Runs the blocks it reads (JSON: ``[where, code]`` pairs) in order, in one namespace."""


def _steps(block: Block) -> list[tuple[str, str]]:
    """What running ``block`` takes: its set-up, if any, then its code."""
    where = f"{block.path.relative_to(ROOT)}:{block.line}"
    if _SIGNATURE.fullmatch(block.code.strip()):
        stub = f"from __future__ import annotations\n{block.code.strip()}: ...\n"
        return [(f"<signature {where}>", stub)]  # annotations left unevaluated
    steps = [(f"<set-up of {where}>", block.setup)] if block.setup.strip() else []
    return [*steps, (f"<{where}>", block.code)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_python_in_the_docs_runs(path: Path, tmp_path: Path) -> None:
    """Each file's blocks in a Python process of their own (a block may set environment
    variables or load plugins), in an empty folder, without ``EXCHANGE_DB``."""
    steps = [step for block in blocks(path) if block.skip is None for step in _steps(block)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXCHANGE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER], input=json.dumps(steps), capture_output=True,
        text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_skip_says_why_and_only_python_blocks_are_read() -> None:
    for path in FILES:
        for block in blocks(path):
            assert block.skip != "", f"{path.name}:{block.line}: say why the block is skipped"
    described = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert "<!-- doc-test: setup" in described and "<!-- doc-test: skip:" in described


def test_the_blocks_are_found_where_the_comment_ends(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n<!-- doc-test: skip: needs a server -->\n```python\nconnect()\n```\n\n"
        "<!-- doc-test: setup\nx = 1\n-->\n```python\nassert x == 1\n```\n\n"
        "```console\n$ exchange init\n```\n\n```python\ny = 2\n```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    assert [(b.line, b.skip, b.setup) for b in found] == [
        (4, "needs a server", ""),
        (11, None, "x = 1\n"),
        (19, None, ""),
    ]

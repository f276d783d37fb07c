"""The README tells the truth: its library example runs, its commands exist."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_fifteen_line_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    section = README.split("## The library in fifteen lines", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 15
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script))
    assert (tmp_path / "bureau.db").exists()


def test_every_command_has_help_with_an_example() -> None:
    def walk(group: object, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        commands = getattr(group, "commands", {})
        found = [path] if path else []
        for name, command in commands.items():
            found += walk(command, (*path, name))
        return found

    for path in walk(cli, ()):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        command = cli
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        if not getattr(command, "commands", None):  # leaf commands show an example
            assert "Example" in result.output, path


def test_the_make_targets_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", README, flags=re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target

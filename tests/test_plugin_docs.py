"""docs/plugins.md is complete: it is checked against the code's own lists — the
backend protocol's methods, the helpers of ``exchange.backend``, the plugins a manager
registers, the constructors of the specs and of a report's parts, the report option
types, and the public ways a command reaches the store and a plugin translates."""

from __future__ import annotations

import ast
import inspect
import json
import re
import typing
from pathlib import Path

import attrs
import pytest

import exchange
from exchange import backend, i18n, registry
from exchange.plugins import get_plugin_manager
from exchange.report import Chart, Column, Report, Table

ROOT = Path(exchange.__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The guide's text under the heading ``title``, up to the next heading of any level."""
    start = re.search(rf"^#+ {re.escape(title)}\n", GUIDE, flags=re.MULTILINE)
    assert start is not None, f"docs/plugins.md has no heading {title!r}"
    following = re.compile(r"^#+ ", re.MULTILINE).search(GUIDE, start.end())
    return GUIDE[start.end() : following.start() if following else len(GUIDE)]


def skeleton() -> str:
    """The code of the guide's backend skeleton."""
    return section("A skeleton").split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("method", backend.PROTOCOL_METHODS)
def test_every_protocol_method_is_in_the_table_and_the_skeleton(method: str) -> None:
    assert f"\n| `{method}(" in section("The methods"), f"{method} is not in the method table"
    assert re.search(rf"^    def {method}\(self", skeleton(), flags=re.MULTILINE), (
        f"{method} is not in the skeleton"
    )


def test_the_method_table_documents_only_protocol_methods() -> None:
    rows = re.findall(r"^\| `(\w+)\(", section("The methods"), flags=re.MULTILINE)
    assert rows == list(backend.PROTOCOL_METHODS)


def _public_names(module: object) -> list[str]:
    """The public names ``module``'s source defines at its top level (not its imports),
    type variables left out."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.append(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.append(node.target.id)
        elif isinstance(node, ast.Assign):
            found += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [
        name
        for name in found
        if not name.startswith("_") and not isinstance(getattr(module, name), typing.TypeVar)
    ]


@pytest.mark.parametrize("name", _public_names(backend))
def test_every_helper_of_exchange_backend_is_documented(name: str) -> None:
    assert f"`{name}" in section("The helpers in `exchange.backend`"), name


def test_the_optional_backup_method_is_documented() -> None:
    methods = section("The methods")
    assert "`backup(destination)`" in methods and "`exchange.backend.BacksUp`" in methods


def test_every_plugin_a_manager_registers_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "")
    names = [name for name, plugin in get_plugin_manager().list_name_plugin() if plugin]
    assert names and [n for n in names if f"`{n}`" not in section("How plugins are found")] == []


def constructor(cls: type) -> str:
    """``Name(field, field=default, …)`` from the attrs fields, as the guide writes it."""
    parts = []
    for field in attrs.fields(cls):
        name = field.alias or field.name
        default = field.default
        if default is attrs.NOTHING:
            parts.append(name)
            continue
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        shown = json.dumps(default) if isinstance(default, str) else repr(default)
        parts.append(f"{name}={shown}")
    return f"{cls.__name__}({', '.join(parts)})"


SPECS = [
    registry.BackendSpec,
    registry.ReportSpec,
    registry.ReportOption,
    registry.FormatSpec,
    registry.ImporterSpec,
    Report,
    Table,
    Column,
    Chart,
]


@pytest.mark.parametrize("cls", SPECS, ids=lambda cls: cls.__name__)
def test_every_constructor_is_documented_with_its_fields(cls: type) -> None:
    assert f"`{constructor(cls)}`" in GUIDE, constructor(cls)


def test_chart_is_documented_with_its_kinds_and_an_example() -> None:
    from exchange.report import CHART_KINDS

    text = section("The parts of a report")
    assert all(f'`kind="{kind}"`' in text for kind in CHART_KINDS)
    assert "chart = Chart(" in text


def test_every_report_option_type_is_documented() -> None:
    text = section("Options of a report's own")
    assert [t for t in sorted(registry.OPTION_TYPES) if f"`{t}`" not in text] == []
    assert "exchange report long-stays --year 2025 --min-days 120" in text


def test_commands_reach_the_store_through_a_documented_public_way() -> None:
    from cli import state

    text = section("register_commands(cli)")
    for name in ("pass_tracker", "pass_state"):
        assert callable(getattr(state, name)) and f"`cli.state.{name}`" in text
    for method in ("tracker", "plugins", "lang", "location"):
        assert callable(getattr(state.State, method)) and f"`state.{method}()`" in text
    assert "@pass_tracker" in text and "Commands from plugins" in text


def test_translating_a_plugin_names_the_catalogue_and_its_methods() -> None:
    text = section("Translating a plugin")
    assert "`exchange.i18n.Catalogue(domain, directory)`" in text
    for method in ("message", "pmessage"):
        assert callable(getattr(i18n.Catalogue, method)) and f"`{method}(" in text


def test_plugins_and_reports_print_json_as_documented() -> None:
    text = section("Listing plugins: `exchange plugins`")
    assert "`exchange plugins --json`" in text and "`exchange reports --json`" in text


def test_the_readme_documents_shell_completion() -> None:
    completion = README.split("## Shell completion\n", 1)[1].split("\n## ", 1)[0]
    for shell in ("bash", "zsh", "fish"):
        assert f"_EXCHANGE_COMPLETE={shell}_source exchange" in completion

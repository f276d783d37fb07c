"""Meta-tests: every hook is documented in docs/plugins.md with its exact signature,
and exercised by a test; the guide's tutorial is the example package the tests install."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import exchange
from exchange import hookspecs

ROOT = Path(exchange.__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "tests"
EXAMPLE = ROOT / "docs" / "examples" / "acme-exchange"

SPECS: dict[str, Callable[..., Any]] = {
    name: function
    for name, function in vars(hookspecs).items()
    if callable(function) and hasattr(function, f"{hookspecs.PROJECT}_spec")
}
HOOKS = sorted(SPECS)
HEADING = re.compile(r"^### (\w+)\((.*)\)$", re.MULTILINE)


def _annotation(annotation: Any) -> str:
    """An annotation as written in the source (they are strings under
    ``from __future__ import annotations``)."""
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def heading(hook: str) -> str:
    """The guide's heading for ``hook``: ``### name(arg, ...)``."""
    return f"### {hook}({', '.join(inspect.signature(SPECS[hook]).parameters)})"


def typed_signature(hook: str) -> str:
    """``def name(arg: Type, ...) -> Result``, as ``hookspecs.py`` declares it."""
    signature = inspect.signature(SPECS[hook])
    arguments = ", ".join(
        f"{p.name}: {_annotation(p.annotation)}" for p in signature.parameters.values()
    )
    return f"def {hook}({arguments}) -> {_annotation(signature.return_annotation)}"


def guide() -> str:
    """The text of docs/plugins.md."""
    return GUIDE.read_text(encoding="utf-8")


def section(hook: str) -> str:
    """The guide's text from ``hook``'s heading up to the next heading."""
    text = guide()
    start = text.index(heading(hook) + "\n")
    following = re.compile(r"^#{1,3} ", re.MULTILINE).search(text, start + 1)
    return text[start : following.start() if following else len(text)]


def test_hookspecs_are_found() -> None:
    assert "register_backends" in HOOKS
    assert "record_changed" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_heading_with_its_signature(hook: str) -> None:
    assert heading(hook) in guide().splitlines()


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_section_shows_its_typed_signature_and_arguments(hook: str) -> None:
    text = section(hook)
    assert f"```python\n{typed_signature(hook)}\n```" in text
    for argument in inspect.signature(SPECS[hook]).parameters:
        assert f"\n- `{argument}`: " in text, f"{hook}: argument {argument} is not described"


def test_the_guide_documents_only_real_hooks_with_their_real_arguments() -> None:
    documented = {match.group(0) for match in HEADING.finditer(guide())}
    assert documented == {heading(hook) for hook in HOOKS}


def _exercised(hook: str, source: str) -> bool:
    implemented = re.search(rf"@hookimpl\b.*\n\s*def {hook}\(", source)
    called = re.search(rf"\.{hook}\(", source)
    return bool(implemented or called)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_exercised_by_a_test(hook: str) -> None:
    sources = [
        path.read_text(encoding="utf-8")
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
    ]
    assert any(_exercised(hook, source) for source in sources), (
        f"no test implements {hook} with @hookimpl or calls it"
    )


TUTORIAL_FILES = [
    "pyproject.toml",
    "acme_exchange/plugin.py",
    "acme_exchange/locale/zh_CN/LC_MESSAGES/acme_exchange.po",
    "try_acme.py",
]


@pytest.mark.parametrize("name", TUTORIAL_FILES)
def test_the_guide_shows_the_example_package_as_it_is(name: str) -> None:
    """tests/test_plugins.py installs and runs the example; the guide must show that code."""
    content = (EXAMPLE / name).read_text(encoding="utf-8")
    language = {"toml": "toml", "po": "po"}.get(name.rpartition(".")[2], "python")
    assert f"```{language}\n{content}```" in guide(), f"docs/plugins.md does not show {name} as is"


def test_the_conformance_kit_has_its_section() -> None:
    assert "\n## Testing your backend with the conformance kit\n" in guide()


def test_the_guide_names_every_built_in_plugin_and_counts_the_registry_hooks() -> None:
    from exchange.plugins import BUILTIN_PLUGINS

    guide = GUIDE.read_text(encoding="utf-8")
    assert [name for name in BUILTIN_PLUGINS if f"`{name}`" not in guide] == []
    registries = [name for name in dir(hookspecs) if re.fullmatch(r"register_\w+", name)]
    registries.remove("register_commands")  # fills no registry
    words = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
    assert f"The {words[len(registries)]} `register_*` hooks that fill a registry" in guide

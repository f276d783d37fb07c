"""Start-up: a command imports the plugins' implementations it uses and no others.

Each command runs in a fresh interpreter, so that what it imports is its own; the
modules left in ``sys.modules`` are the import budget. ``bench/cold_start.py``
measures what the budget buys.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exchange.deferred import deferred
from exchange.entrypoints import may_declare
from exchange.errors import PluginError
from exchange.plugins import GROUP, Plugins, get_plugin_manager

HEAVY = ("numpy", "openpyxl", "psycopg", "psycopg_pool", "scipy", "sqlite_utils")
"""Third-party modules no command imports until it needs them."""

LOADED = """
import json, sys
from cli.main import cli
cli.main(sys.argv[1:], standalone_mode=False)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(*args: str) -> set[str]:
    """The modules imported by ``exchange ARGS`` run in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", LOADED, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def implementations(modules: set[str], package: str) -> set[str]:
    """The submodules of ``package`` among ``modules``."""
    return {m for m in modules if m.startswith(f"{package}.")}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, up-to-date SQLite store."""
    path = tmp_path_factory.mktemp("cold") / "empty.db"
    subprocess.run(
        [sys.executable, "-c", LOADED, "--db", f"sqlite:///{path}", "init"],
        capture_output=True,
        check=True,
    )
    return f"sqlite:///{path}"


def test_a_listing_imports_the_table_format_and_no_report(store: str) -> None:
    modules = loaded_by("--db", store, "school", "list")
    assert implementations(modules, "plugins.formats") == {
        "plugins.formats.table_format",
        "plugins.formats.values",
    }
    assert implementations(modules, "plugins.reports") == set()
    assert not {m for m in modules if m.partition(".")[0] in HEAVY}
    assert "backends.postgresql.store" not in modules
    assert "exchange.audit" not in modules
    assert implementations(modules, "exchange.importing") <= {"exchange.importing.problems"}
    assert implementations(modules, "exchange.matching") == set()  # the criteria plugin too
    assert "exchange.regions" not in modules
    if not importlib.metadata.entry_points(group=GROUP):  # no third-party plugin installed
        assert "importlib.metadata" not in modules


def test_a_listing_loads_no_hash_library_unless_a_dependency_does(store: str) -> None:
    modules = loaded_by("--db", store, "school", "list")
    script = "import json, sys, click, attrs, pluggy, sqlite3; print(json.dumps(list(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    if "hashlib" not in json.loads(out.stdout):
        assert "hashlib" not in modules  # the change log hashes only when it writes or checks


def test_a_report_imports_its_own_module_only(store: str) -> None:
    modules = loaded_by("--db", store, "report", "summary", "--year", "2025", "--format", "json")
    others = ("assessments", "budget", "coverage", "mentoring", "quotas", "roster", "rural")
    assert "plugins.reports.summary" in modules
    assert not {f"plugins.reports.{name}" for name in others} & modules
    assert "plugins.formats.json_format" in modules
    assert "plugins.formats.html_format" not in modules
    assert not {m for m in modules if m.partition(".")[0] in HEAVY}


def test_audit_verify_imports_no_format_and_no_report(store: str) -> None:
    modules = loaded_by("--db", store, "audit", "verify")
    assert implementations(modules, "plugins.formats") == set()
    assert implementations(modules, "plugins.reports") == set()
    assert not {m for m in modules if m.partition(".")[0] in HEAVY}


def test_opening_a_store_that_needs_migrating_still_migrates(tmp_path: Path) -> None:
    modules = loaded_by("--db", f"sqlite:///{tmp_path / 'new.db'}", "school", "list")
    assert "sqlite_utils.migrations" in modules  # sqlite-utils ran the migrations


def test_the_listings_of_formats_and_reports_are_whole() -> None:
    plugins = Plugins(get_plugin_manager())
    names = [f.name for f in plugins.formats]
    assert names == ["csv", "html", "json", "jsonl", "markdown", "table", "xlsx"]
    assert len(plugins.reports) == 8
    for spec in plugins.reports:
        assert inspect.signature(spec.build).parameters  # the real function's, imported


def test_a_deferred_function_is_called_and_signed_as_itself() -> None:
    dumps = deferred("json:dumps")
    assert dumps([1], separators=(",", ":")) == "[1]"
    assert inspect.signature(dumps) == inspect.signature(json.dumps)
    assert (dumps.__module__, dumps.__name__) == ("json", "dumps")
    assert repr(dumps) == "deferred('json:dumps')"


@pytest.mark.parametrize("target", ["json", "json:", ":dumps", "json:not a name"])
def test_a_target_that_is_not_module_colon_function_is_refused(target: str) -> None:
    with pytest.raises(PluginError, match="is not 'module:function'"):
        deferred(target)


@pytest.mark.parametrize("target", ["exchange_no_such_module:f", "json:no_such_function"])
def test_a_target_that_cannot_be_loaded_names_itself_when_first_called(target: str) -> None:
    missing = deferred(target)  # nothing is imported yet
    with pytest.raises(PluginError, match=f"'{target}' cannot be loaded"):
        missing()


LAZY_PACKAGE = """
from exchange.deferred import lazy_exports

__getattr__ = lazy_exports(__name__, {"shape": "shape", "size": "sizes"})
"""


def test_lazy_exports_import_on_first_read_and_keep_names_over_submodules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "lazy_pkg"
    package.mkdir()
    (package / "__init__.py").write_text(LAZY_PACKAGE)
    (package / "shape.py").write_text("def shape():\n    return 'round'\n")
    (package / "sizes.py").write_text("import lazy_pkg.shape\ndef size():\n    return 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("lazy_pkg", "lazy_pkg.shape", "lazy_pkg.sizes"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    lazy_pkg = importlib.import_module("lazy_pkg")
    assert "lazy_pkg.sizes" not in sys.modules
    assert lazy_pkg.size() == 3  # imports sizes, which imports the submodule shape
    assert lazy_pkg.shape() == "round"  # the function, not the module of the same name
    assert lazy_pkg.sizes.__name__ == "lazy_pkg.sizes"  # other submodules are bound as ever
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        lazy_pkg.nothing  # noqa: B018


def dist_info(folder: Path, name: str, entry_points: str | None) -> Path:
    """A ``NAME-1.0.dist-info`` folder in ``folder``, with ``entry_points.txt`` if given."""
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)
    return info


def test_entry_points_are_found_where_importlib_metadata_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist_info(tmp_path, "other", "[console_scripts]\nother = other:main\n")
    dist_info(tmp_path, "bare", None)
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(tmp_path / "missing")])
    assert not may_declare(GROUP)
    assert may_declare("console_scripts")
    dist_info(tmp_path, "acme", f"[{GROUP}]\nacme = acme.plugin\n")
    assert may_declare(GROUP)
    assert [ep.name for ep in importlib.metadata.entry_points(group=GROUP)] == ["acme"]


def test_an_egg_on_the_path_and_a_zip_file_are_looked_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    egg = tmp_path / "acme.egg" / "EGG-INFO"
    egg.mkdir(parents=True)
    (egg / "entry_points.txt").write_text(f"[{GROUP}]\nacme = acme.plugin\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "acme.egg")])
    assert may_declare(GROUP)
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("x.py", "")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert may_declare(GROUP)  # unsure: importlib.metadata reads inside the zip


def test_another_finder_of_distributions_makes_the_look_unsure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Finder:
        def find_distributions(self, context: object = None) -> list[object]:
            return []

    monkeypatch.setattr(sys, "path", [])
    assert not may_declare(GROUP)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert may_declare(GROUP)

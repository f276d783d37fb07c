"""The plugin manager, the typed hook facade, and a real third-party plugin package.

The package is the tutorial in ``docs/examples/acme-exchange``: it is built and
installed with pip once per session and used from fresh interpreters, exactly as
a user would after ``pip install acme-exchange``.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import click
import pluggy
import pytest
from click.testing import CliRunner

import exchange
from exchange import School, Stage, Tracker, hookimpl
from exchange.backend import STORED_TYPES
from exchange.changelog import Change
from exchange.errors import ConfigurationError, PluginError, RuleViolation
from exchange.matching.criteria import MatchCriterion, PlacementCriterion
from exchange.models import Record
from exchange.plugins import BUILTIN_PLUGINS, GROUP, Plugins, default_plugins, get_plugin_manager
from exchange.registry import BackendSpec, FormatSpec, ImporterSpec, Registry, ReportSpec
from exchange.report import Column, Report, Table

ROOT = Path(exchange.__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "acme-exchange"

ZHENFENG = School(
    name="贞丰县第五中学", region="贵州省黔西南州贞丰县", stage=Stage.JUNIOR, rural=True
)
HUIYANG = School(name="惠阳区半岛学校", region="广东省惠州市惠阳区", stage=Stage.JUNIOR)


# -- helpers ------------------------------------------------------------------


def run_python(
    args: Sequence[str],
    *,
    cwd: Path,
    path: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in a fresh interpreter with ``path`` first on ``sys.path``.

    ``cwd`` should be an empty temporary folder: ``python -c`` puts the working
    directory first on the path, and the project root there would hide what the
    test sets up.
    """
    environ = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    environ["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write_distribution(site: Path, name: str, module: str, source: str) -> None:
    """Install by hand a one-module distribution ``name`` whose entry point ``name`` in
    the ``teacher_exchange`` group is ``module``: the files pip would leave in ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{name} = {module}\n")


Install = Callable[[str, str], None]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """``install(name, source)``: an installed plugin distribution in this process,
    its module called ``exchange_test_NAME``; forgotten after the test."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    modules: list[str] = []

    def _install(name: str, source: str) -> None:
        module = f"exchange_test_{name.replace('-', '_')}"
        write_distribution(site, name, module, source)
        modules.append(module)

    yield _install
    for module in modules:
        sys.modules.pop(module, None)


@pytest.fixture
def pm(monkeypatch: pytest.MonkeyPatch) -> pluggy.PluginManager:
    """A plugin manager with the built-ins only, whatever else is installed."""
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "")
    return get_plugin_manager()


def tracker_with(pm: pluggy.PluginManager, *plugins: tuple[str, object]) -> Tracker:
    """A ``memory:`` tracker whose plugin manager also holds ``plugins`` (name, object)."""
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    return Tracker.open("memory:", plugins=Plugins(pm), actor="测试员")


def stored(tracker: Tracker) -> dict[str, list[Any]]:
    """Every stored row of every type: two equal results mean an unchanged store."""
    return {cls.table: list(tracker.backend.find(cls, {})) for cls in STORED_TYPES}


# -- the manager is built lazily, freshly, from module names -------------------

IMPORT_AUDIT = """
import json, sys

noted = []
WATCHED = {"os.mkdir", "os.remove", "os.rename", "shutil.copyfile", "sqlite3.connect",
           "socket.connect", "subprocess.Popen", "os.system"}

def audit(event, args):
    if event == "open":
        path, mode = str(args[0]), args[1]
        code = path.endswith((".py", ".pyc", ".so", ".pth"))
        if not code or mode not in ("r", "rb"):
            noted.append(f"open {path} {mode}")
    elif event in WATCHED:
        noted.append(f"{event} {args[0]}")

sys.addaudithook(audit)
import exchange

watched = ("backends", "plugins", "cli", "sqlite_utils")
print(json.dumps({
    "noted": noted,
    "loaded": sorted(m for m in sys.modules if m.partition(".")[0] in watched),
    "managers": sys.modules["exchange.plugins"].default_plugins.cache_info().currsize,
}))
"""


def test_import_exchange_loads_no_plugin_and_touches_no_file(tmp_path: Path) -> None:
    result = run_python(["-c", IMPORT_AUDIT], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["loaded"] == []
    assert seen["noted"] == []
    assert seen["managers"] == 0


def test_each_call_builds_a_fresh_manager(pm: pluggy.PluginManager) -> None:
    other = get_plugin_manager()
    assert other is not pm
    assert other.hook is not pm.hook
    pm.register(object(), name="only-in-the-first")
    assert other.get_plugin("only-in-the-first") is None


def test_builtins_are_registered_by_module_name(pm: pluggy.PluginManager) -> None:
    names = [name for name, _ in pm.list_name_plugin()]
    assert names == list(BUILTIN_PLUGINS)
    for name in BUILTIN_PLUGINS:
        assert pm.get_plugin(name) is sys.modules[name]


def test_default_plugins_are_built_once_and_forgotten_on_request() -> None:
    first = default_plugins()
    assert default_plugins() is first
    default_plugins.cache_clear()
    assert default_plugins() is not first


def test_describe_lists_the_builtins_with_their_hooks(pm: pluggy.PluginManager) -> None:
    class Auditor:
        @hookimpl
        def record_changed(self, change: Change) -> None: ...

    pm.register(Auditor(), name="auditor")
    described = {info.name: info for info in Plugins(pm).describe()}
    assert list(described) == [*BUILTIN_PLUGINS, "auditor"]
    assert described["backends.memory"].hooks == ("register_backends",)
    assert described["plugins.formats"].hooks == ("register_formats",)
    assert described["auditor"].hooks == ("record_changed",)
    assert described["auditor"].distribution is None


def test_an_unknown_scheme_names_it_and_lists_the_known_ones(pm: pluggy.PluginManager) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Tracker.open("gopher://example.org/records", plugins=Plugins(pm))
    message = str(caught.value)
    assert "'gopher'" in message
    assert "memory" in message
    assert "known:" in message


# -- a real third-party package, installed with pip -------------------------


@pytest.fixture
def script_dir(tmp_path: Path) -> Path:
    """An empty folder to run scripts from (see :func:`run_python`)."""
    folder = tmp_path / "run"
    folder.mkdir()
    return folder


def test_the_example_plugin_opens_its_scheme_and_renders_its_format(
    acme_site: Path, script_dir: Path
) -> None:
    script = shutil.copy(EXAMPLE / "try_acme.py", script_dir)
    result = run_python([str(script)], cwd=script_dir, path=[acme_site])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "opened acme:demo with AcmeBackend",
        "Schools",
        "",
        "[schools]",
        "name: 贞丰县第五中学; region: 贵州省黔西南州贞丰县; stage: junior",
    ]


DESCRIBE = """
from exchange.plugins import default_plugins

plugins = default_plugins()
for info in plugins.describe():
    print(info.name, info.distribution, info.version, ",".join(info.hooks))
print("owner", plugins.backends.owner("acme"), plugins.formats.owner("acme-text"))
"""


def test_the_example_plugin_is_described_with_its_distribution(
    acme_site: Path, script_dir: Path
) -> None:
    result = run_python(["-c", DESCRIBE], cwd=script_dir, path=[acme_site])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    hooks = "register_backends,register_commands,register_formats,register_reports"
    assert f"acme acme-exchange 0.1.0 {hooks}" in lines
    assert "backends.memory None None register_backends" in lines
    assert lines[-1] == "owner acme acme"


OPEN_ACME = """
from exchange import Tracker
from exchange.errors import ConfigurationError

try:
    Tracker.open("acme:")
except ConfigurationError as error:
    print(error)
else:
    print("opened")
"""


@pytest.mark.parametrize("allowed", ["", "other", " , "])
def test_the_example_plugin_is_left_out_unless_allowed(
    allowed: str, acme_site: Path, script_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-site"
    write_distribution(other, "other", "other_plugin", "")
    result = run_python(
        ["-c", OPEN_ACME],
        cwd=script_dir,
        path=[acme_site, other],
        env={"EXCHANGE_LOAD_PLUGINS": allowed},
    )
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert message.startswith("unknown backend scheme 'acme'; known: ")
    assert "memory" in message.partition("known: ")[2]


def test_the_example_plugin_loads_when_named(
    acme_site: Path, script_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-site"
    write_distribution(other, "other", "other_plugin", "")
    result = run_python(
        ["-c", OPEN_ACME],
        cwd=script_dir,
        path=[acme_site, other],
        env={"EXCHANGE_LOAD_PLUGINS": "other, acme"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "opened"


# -- plugins that fail are named -------------------------------------------------


def test_allowing_a_plugin_that_is_not_installed_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "acme-nonesuch")
    with pytest.raises(PluginError, match="acme-nonesuch"):
        get_plugin_manager()


BROKEN_PLUGINS = {
    "import-raises": 'raise RuntimeError("the licence server is down")\n',
    "bad-argument": """
        from exchange import hookimpl

        @hookimpl
        def register_formats(formats):
            pass
    """,
    "bad-syntax": "def register_formats(registry:\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_PLUGINS))
def test_a_plugin_that_fails_to_load_is_named(
    name: str, install: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(name, BROKEN_PLUGINS[name])
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", name)
    with pytest.raises(PluginError, match=f"plugin '{name}'"):
        get_plugin_manager()


def test_a_plugin_is_loaded_without_being_allowed_by_name(install: Install) -> None:
    install("quiet", "from exchange import hookimpl\n")
    pm = get_plugin_manager()
    assert pm.get_plugin("quiet") is sys.modules["exchange_test_quiet"]


def test_a_plugin_blocked_by_the_list_is_not_imported(
    install: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    install("loud", 'raise RuntimeError("imported although not allowed")\n')
    install("quiet", "from exchange import hookimpl\n")
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "quiet")
    pm = get_plugin_manager()
    assert pm.get_plugin("loud") is None
    assert "exchange_test_loud" not in sys.modules


class FormatsRaise:
    """A plugin whose ``register_formats`` raises."""

    @hookimpl
    def register_formats(self, registry: Registry[FormatSpec]) -> None:
        raise RuntimeError("out of ink")


def test_a_plugin_that_raises_in_a_hook_is_named_with_the_hook(
    pm: pluggy.PluginManager,
) -> None:
    pm.register(FormatsRaise(), name="printer")
    with pytest.raises(PluginError) as caught:
        Plugins(pm).formats  # noqa: B018 - the registry is filled on first use
    assert str(caught.value) == "plugin 'printer' failed in register_formats: out of ink"
    assert isinstance(caught.value.__cause__, RuntimeError)


def _render_nothing(report: Report, stream: Any) -> None:
    """A format that writes nothing."""


def _open_nothing(url: str) -> Any:
    """A backend factory never called."""
    raise AssertionError(url)


SPECS: dict[str, tuple[str, Any]] = {
    "register_backends": ("backends", BackendSpec(scheme="twin", open=_open_nothing)),
    "register_reports": (
        "reports",
        ReportSpec(name="twin", build=lambda tracker: Report(title="")),
    ),
    "register_formats": ("formats", FormatSpec(name="twin", render=_render_nothing)),
    "register_importers": ("importers", ImporterSpec(name="twin", read=lambda path: iter(()))),
    "register_match_criteria": (
        "match_criteria",
        MatchCriterion(name="twin", score=lambda mentor, mentee: 0.0),
    ),
    "register_placement_criteria": (
        "placement_criteria",
        PlacementCriterion(name="twin", score=lambda need, applicant: 0.0),
    ),
}


def adder(hook: str, spec: Any) -> object:
    """A plugin object whose ``hook`` adds ``spec`` to the registry it receives."""

    def add(registry: Registry[Any]) -> None:
        registry.add(spec)

    add.__name__ = hook
    plugin = type("Adder", (), {})()
    setattr(plugin, hook, hookimpl(add))
    return plugin


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_a_spec_lands_in_its_registry_owned_by_its_plugin(
    hook: str, pm: pluggy.PluginManager
) -> None:
    attribute, spec = SPECS[hook]
    pm.register(adder(hook, spec), name="acme")
    registry = getattr(Plugins(pm), attribute)
    assert registry.get("twin") is spec
    assert registry.owner("twin") == "acme"


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_a_name_registered_twice_names_both_plugins(hook: str, pm: pluggy.PluginManager) -> None:
    attribute, spec = SPECS[hook]
    pm.register(adder(hook, spec), name="first-plugin")
    pm.register(adder(hook, spec), name="second-plugin")
    with pytest.raises(PluginError) as caught:
        getattr(Plugins(pm), attribute)
    message = str(caught.value)
    assert "'twin'" in message
    assert "'first-plugin'" in message
    assert "'second-plugin'" in message


class Squatter:
    """A backend plugin that claims the built-in ``memory:`` scheme."""

    @hookimpl
    def register_backends(self, registry: Registry[BackendSpec]) -> None:
        registry.add(BackendSpec(scheme="memory", open=_open_nothing))


def test_a_plugin_cannot_take_a_builtin_scheme(pm: pluggy.PluginManager) -> None:
    pm.register(Squatter(), name="squatter")
    with pytest.raises(PluginError) as caught:
        Plugins(pm).backends  # noqa: B018 - the registry is filled on first use
    assert str(caught.value) == (
        "backend scheme 'memory' is registered by both plugin 'squatter' "
        "and plugin 'backends.memory'"
    )


def test_a_hookimpl_that_is_not_a_hook_is_refused(
    install: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(
        "typo",
        """
        from exchange import hookimpl

        @hookimpl
        def register_format(registry):
            pass
        """,
    )
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "typo")
    with pytest.raises(PluginError, match="unknown hook 'register_format'"):
        get_plugin_manager()


# -- the other registries and the command line --------------------------------------


class SchoolCount:
    """A report plugin: how many schools there are, per stage."""

    @hookimpl
    def register_reports(self, registry: Registry[ReportSpec]) -> None:
        registry.add(ReportSpec(name="school-count", build=self.build))

    @staticmethod
    def build(tracker: Tracker, **parameters: Any) -> Report:
        rows = [(stage.value, tracker.count(School, stage=stage)) for stage in Stage]
        table = Table(
            name="stages",
            columns=(Column(key="stage", label="stage"), Column(key="n", label="n", type="int")),
            rows=tuple(row for row in rows if row[1]),
        )
        return Report(title="Schools", parameters=parameters, tables=(table,))


def test_a_report_plugin_builds_from_the_tracker_and_renders_in_a_builtin_format(
    pm: pluggy.PluginManager,
) -> None:
    tracker = tracker_with(pm, ("counter", SchoolCount()))
    tracker.add(ZHENFENG)
    tracker.add(HUIYANG)
    report = tracker.plugins.reports.get("school-count").build(tracker, year=2025)
    assert report.table("stages").rows == (("junior", 2),)
    out = io.StringIO()
    report.render("json", out, plugins=tracker.plugins)
    assert json.loads(out.getvalue())["tables"][0]["rows"] == [["junior", 2]]


class LinesImporter:
    """An importer plugin: ``name|region`` lines."""

    @hookimpl
    def register_importers(self, registry: Registry[ImporterSpec]) -> None:
        registry.add(ImporterSpec(name="lines", extensions=("txt",), read=self.read))

    @staticmethod
    def read(path: str) -> Iterator[dict[str, Any]]:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                name, region = line.rstrip("\n").split("|")
                yield {"name": name, "region": region}


def test_an_importer_plugin_reads_rows(pm: pluggy.PluginManager, tmp_path: Path) -> None:
    pm.register(LinesImporter(), name="lines")
    path = tmp_path / "schools.txt"
    path.write_text("贞丰县第五中学|贵州省黔西南州贞丰县\n", encoding="utf-8")
    importer = Plugins(pm).importers.get("lines")
    assert importer.extensions == ("txt",)
    assert list(importer.read(str(path))) == [
        {"name": "贞丰县第五中学", "region": "贵州省黔西南州贞丰县"}
    ]


class Greeter:
    """A command plugin: ``hello``."""

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command()
        @click.argument("name")
        def hello(name: str) -> None:
            """Greet NAME."""
            click.echo(f"你好, {name}")


def test_a_command_plugin_adds_a_command(pm: pluggy.PluginManager) -> None:
    pm.register(Greeter(), name="greeter")

    @click.group()
    def root() -> None:
        """A stand-in for the exchange command line."""

    Plugins(pm).register_commands(root)
    result = CliRunner().invoke(root, ["hello", "贞丰"], catch_exceptions=False)
    assert result.output == "你好, 贞丰\n"


# -- validate_record --------------------------------------------------------------


class RuralOnly:
    """A policy plugin: only rural schools, and never in 'Nowhere'."""

    @hookimpl
    def validate_record(self, record: Record, tracker: Tracker) -> list[str] | None:
        if not isinstance(record, School):
            return None
        problems = []
        if not record.rural:
            problems.append(f"{record.name} is not rural")
        if record.region == "Nowhere":
            problems.append("there is no such region")
        return problems


class NoDuplicateNames:
    """A policy plugin that reads the store through the tracker."""

    @hookimpl
    def validate_record(self, record: Record, tracker: Tracker) -> list[str]:
        if isinstance(record, School) and tracker.count(School, name=record.name):
            return [f"a school called {record.name} exists"]
        return []


def test_validate_record_problems_refuse_the_change_and_list_every_problem(
    pm: pluggy.PluginManager,
) -> None:
    tracker = tracker_with(pm, ("rural-only", RuralOnly()), ("no-twins", NoDuplicateNames()))
    tracker.add(ZHENFENG)
    before = stored(tracker)
    with pytest.raises(RuleViolation) as caught:
        tracker.add(School(name=ZHENFENG.name, region="Nowhere", stage=Stage.PRIMARY))
    message = str(caught.value)
    assert message.startswith("school refused: ")
    for problem in ("贞丰县第五中学 is not rural (rural-only)", "there is no such region"):
        assert problem in message
    assert "a school called 贞丰县第五中学 exists (no-twins)" in message
    assert stored(tracker) == before


def test_validate_record_runs_for_updates_and_bulk_loads(pm: pluggy.PluginManager) -> None:
    tracker = tracker_with(pm, ("rural-only", RuralOnly()))
    school = tracker.add(ZHENFENG)
    before = stored(tracker)
    with pytest.raises(RuleViolation, match="is not rural"):
        tracker.update(attrs.evolve(school, rural=False))
    with pytest.raises(RuleViolation, match="惠阳区半岛学校 is not rural"):
        tracker.bulk_add([School(name="甲", region="乙", stage=Stage.PRIMARY, rural=True), HUIYANG])
    assert stored(tracker) == before


def test_a_validate_record_plugin_that_raises_is_named(pm: pluggy.PluginManager) -> None:
    class Crashes:
        @hookimpl
        def validate_record(self, record: Record, tracker: Tracker) -> None:
            raise KeyError("stage")

    tracker = tracker_with(pm, ("crashes", Crashes()))
    with pytest.raises(PluginError, match="plugin 'crashes' failed in validate_record"):
        tracker.add(ZHENFENG)
    assert tracker.count(School) == 0


# -- record_changed -----------------------------------------------------------------


class Recorder:
    """A plugin that keeps every change it hears of."""

    def __init__(self) -> None:
        self.changes: list[Change] = []

    @hookimpl
    def record_changed(self, change: Change) -> None:
        self.changes.append(change)


def test_record_changed_hears_each_change_once_after_the_commit(
    pm: pluggy.PluginManager,
) -> None:
    recorder = Recorder()
    tracker = tracker_with(pm, ("recorder", recorder))
    with tracker.transaction():
        first = tracker.add(ZHENFENG)
        second = tracker.add(HUIYANG)
        assert recorder.changes == []
    assert [(c.action, c.record_type, c.record_id) for c in recorder.changes] == [
        ("add", "schools", first.id),
        ("add", "schools", second.id),
    ]
    assert recorder.changes == list(tracker.changes())
    tracker.archive(School, second.id or 0)
    assert [c.action for c in recorder.changes] == ["add", "add", "archive"]


def test_record_changed_is_not_called_for_rolled_back_changes(
    pm: pluggy.PluginManager,
) -> None:
    recorder = Recorder()
    tracker = tracker_with(pm, ("recorder", recorder))
    with pytest.raises(RuntimeError), tracker.transaction():
        tracker.add(ZHENFENG)
        raise RuntimeError("power cut")
    assert recorder.changes == []
    with tracker.transaction():
        kept = tracker.add(HUIYANG)
        try:
            with tracker.transaction():
                tracker.add(ZHENFENG)
                raise RuntimeError("inner block fails")
        except RuntimeError:
            pass
    assert [c.record_id for c in recorder.changes] == [kept.id]
    assert tracker.count(School) == 1


def test_a_record_changed_plugin_that_raises_is_named_and_the_change_stays(
    pm: pluggy.PluginManager,
) -> None:
    class Mailer:
        @hookimpl
        def record_changed(self, change: Change) -> None:
            raise ConnectionError("mail server unreachable")

    tracker = tracker_with(pm, ("mailer", Mailer()))
    with pytest.raises(PluginError, match="plugin 'mailer' failed in record_changed"):
        tracker.add(ZHENFENG)
    assert tracker.count(School) == 1


# -- a folder that shadows a built-in ------------------------------------------------

BUILD = """
from exchange.errors import PluginError
from exchange.plugins import get_plugin_manager

try:
    get_plugin_manager()
except PluginError as error:
    print(error)
"""


def test_a_folder_shadowing_a_builtin_is_named_in_one_line(tmp_path: Path) -> None:
    host = tmp_path / "host-app"
    (host / "backends").mkdir(parents=True)
    (host / "backends" / "__init__.py").write_text('"""The host application\'s backends."""\n')
    (host / "backends" / "memory.py").write_text('"""Not ours."""\n')
    result = run_python(["-c", BUILD], cwd=tmp_path, path=[host])
    assert result.returncode == 0, result.stderr
    message = result.stdout.rstrip("\n")
    assert "\n" not in message
    assert message.startswith("built-in plugin 'backends.memory' was imported from ")
    assert str(host / "backends" / "memory.py") in message
    assert "a folder named 'backends' on the Python path shadows it" in message


def test_unknown_hook_names_the_plugin(install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install(
        "typo",
        "from exchange import hookimpl\n\n@hookimpl\ndef register_format(registry):\n    pass\n",
    )
    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "typo")
    with pytest.raises(PluginError, match="plugin 'typo' implements a hook that does not exist"):
        get_plugin_manager()


def test_every_plugin_hears_every_change_when_one_fails(pm: pluggy.PluginManager) -> None:
    class Mailer:
        @hookimpl
        def record_changed(self, change: Change) -> None:
            raise ConnectionError("mail server unreachable")

    recorder = Recorder()
    tracker = tracker_with(pm, ("recorder", recorder), ("mailer", Mailer()))
    failed = r"plugin 'mailer' failed in record_changed.*1 more"
    with pytest.raises(PluginError, match=failed), tracker.transaction():
        tracker.add(ZHENFENG)
        tracker.add(HUIYANG)
    assert len(recorder.changes) == 2


def test_a_plugin_cannot_replace_a_command(pm: pluggy.PluginManager) -> None:
    pm.register(Greeter(), name="greeter")

    @click.group()
    def root() -> None:
        """Root."""

    @root.command()
    def hello() -> None:
        """The built-in hello."""

    with pytest.raises(PluginError, match="plugin 'greeter' tried to replace the command"):
        Plugins(pm).register_commands(root)
    assert root.commands["hello"] is hello


def test_report_parts_accept_lists() -> None:
    table = Table(name="t", columns=[Column(key="a", label="A")], rows=[["x"]])
    assert table.rows == (("x",),)


def test_help_looks_for_plugin_commands_only_where_a_plugin_can_add_them(
    pm: pluggy.PluginManager,
) -> None:
    """``exchange --help`` and shell completion load the plugins only when some installed
    distribution declares the group: the built-ins add no command."""
    from cli.main import PLUGIN_GROUP, plugins_may_add_commands

    assert PLUGIN_GROUP == GROUP
    assert pm.hook.register_commands.get_hookimpls() == []
    assert plugins_may_add_commands() is bool(importlib.metadata.entry_points(group=GROUP))


def test_no_plugin_commands_when_no_plugin_may_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.main import plugins_may_add_commands

    monkeypatch.setenv("EXCHANGE_LOAD_PLUGINS", "")
    assert plugins_may_add_commands() is False

"""Shared test set-up: hypothesis profiles, an isolated environment per test, and the
PostgreSQL server that tests marked ``postgresql`` need."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from exchange import Tracker

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
# Mutation runs (`make mutate`): the same examples every run, so a mutant's verdict
# does not depend on luck, and no example database shared between mutants.
settings.register_profile(
    "mutate",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the default database and user data at ``tmp_path``; forget cached plugins."""
    from exchange.plugins import default_plugins

    monkeypatch.setenv("EXCHANGE_DB", f"sqlite:///{tmp_path / 'default.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("EXCHANGE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("EXCHANGE_RAISE_ERRORS", raising=False)
    default_plugins.cache_clear()
    yield
    default_plugins.cache_clear()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store holding what ``test_cli_records.SETUP`` adds through the command
    line: two schools, a partnership, a pairing, three teachers, a secondment, a pair,
    an activity and an allocation."""
    from test_cli_records import SETUP, invoke

    path = tmp_path / "bureau.db"
    for args in SETUP:
        code, _, err = invoke(path, *args)
        assert code == 0, (args, err)
    return path


# -- PostgreSQL: asked once per run; without a server its tests skip with one reason -------

SKIP_POSTGRESQL = "no PostgreSQL server (the reason is in the header of this run)"


@functools.cache
def find_postgres_server() -> tuple[str | None, str]:
    """The test server's URL, or ``None`` and why there is none."""
    try:
        from backends.postgresql import testing
    except ImportError:
        return None, "psycopg is not installed (the postgresql extra)"
    return testing.find_server()


def pytest_report_header(config: pytest.Config) -> str:
    url, why = find_postgres_server()
    if url is None:
        return f"postgresql: none, so its tests skip: {why}"
    from backends.postgresql.url import redact

    return f"postgresql: {redact(url)}"


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    """The URL of a scratch database on the test server, dropped after the module."""
    from backends.postgresql import testing

    with testing.scratch_database(testing.require_server()) as url:
        yield url


_schemas = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty store that several processes open: a SQLite file, or a
    schema of its own on the test server."""
    return shared_url(request, tmp_path)


def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """:func:`shared_store` for a fixture of another name whose param is ``sqlite`` or
    ``postgresql``."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    from backends.postgresql.testing import with_options

    server: str = request.getfixturevalue("postgres_server")
    return with_options(server, schema=f"store_{next(_schemas)}")


def needs_postgresql(item: pytest.Item) -> bool:
    """Whether ``item`` asks for :func:`postgres_server`, or is marked ``postgresql``
    (a test that reaches the server through ``request.getfixturevalue``)."""
    fixtures = getattr(item, "fixturenames", ())
    return "postgres_server" in fixtures or item.get_closest_marker("postgresql") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that need PostgreSQL when there is no server, all with one short
    reason (pytest folds them into one line per file). In CI (``CI`` set) they run and
    fail instead: CI must never skip them quietly."""
    marked = [item for item in items if needs_postgresql(item)]
    if marked and not os.environ.get("CI") and find_postgres_server()[0] is None:
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=SKIP_POSTGRESQL))


# -- the example programme, for the oracle tests -----------------------------------------


def programme_tracker(url: str = "memory:") -> Tracker:
    """A store holding :func:`exchange.testing.examples.programme` (ids as it says); its
    confirmed meeting is logged, then confirmed by its mentee, as a meeting must be."""
    import attrs

    from exchange import Meeting, Tracker
    from exchange.testing.examples import ADMINISTRATOR
    from exchange.testing.strategies import programme

    tracker = Tracker.open(url, actor=ADMINISTRATOR)
    for record in programme():
        if isinstance(record, Meeting) and record.confirmed_by is not None:
            logged = tracker.add(attrs.evolve(record, confirmed_by=None))
            tracker.confirm_meeting(logged, by=record.confirmed_by)
        else:
            tracker.add(record)
    return tracker


@pytest.fixture(scope="module")
def programme_store() -> Iterator[Tracker]:
    """:func:`programme_tracker` shared by a module's tests, which must not change it."""
    with programme_tracker() as tracker:
        yield tracker


# -- the demo store, for command-line tests ---------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo programme, built once per module."""
    from exchange import Tracker
    from exchange.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo store each test may change."""
    import shutil

    return Path(shutil.copy(demo_file, tmp_path / "demo.db"))


def run_cli(db: Path, *args: str) -> tuple[int, str, str]:
    """``exchange --db DB ARGS`` through click's runner: exit code, stdout, stderr."""
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def apply_at_once(
    url: str, work: Callable[[Tracker, Callable[[], object]], int]
) -> tuple[list[int], list[str]]:
    """Two coordinators at once, each in a thread with a tracker of its own on ``url``:
    ``work(tracker, ready)`` computes a plan, calls ``ready()`` (a barrier that lets
    both go on together) and applies it. The counts stored, and the refusals
    (:class:`~exchange.errors.StaleRecord` messages)."""
    import threading

    from exchange import Tracker, errors

    barrier, outcomes = threading.Barrier(2, timeout=60), []

    def coordinator() -> None:
        with Tracker.open(url) as mine:
            try:
                outcomes.append(work(mine, barrier.wait))
            except errors.StaleRecord as error:
                outcomes.append(str(error))

    workers = [threading.Thread(target=coordinator) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    stored = [o for o in outcomes if isinstance(o, int)]
    return stored, [o for o in outcomes if isinstance(o, str)]


# -- the example plugin package, installed with pip ---------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "acme-exchange"


@pytest.fixture(scope="session")
def acme_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``docs/examples/acme-exchange`` built and installed with pip into a folder, once a
    session; installed by hand from its ``pyproject.toml`` where pip cannot build it."""
    work = tmp_path_factory.mktemp("acme")
    source = work / "acme-exchange"  # a copy, so the build leaves docs/ clean
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = work / "site"
    pip = [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps"]
    pip += ["--no-index", "--quiet", "--target", str(site), str(source)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        warnings.warn(
            "pip could not build docs/examples/acme-exchange (the test environment needs "
            "setuptools and wheel); installed it by hand instead:\n" + result.stderr[-2000:],
            stacklevel=1,
        )
        shutil.rmtree(site, ignore_errors=True)
        install_by_hand(source, site)
    return site


def install_by_hand(source: Path, site: Path) -> None:
    """What pip leaves in ``site`` for the pure-Python project in ``source``: its packages
    and a ``.dist-info`` with its metadata and entry points, read from ``pyproject.toml``."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    meta = project["project"]
    for package in project["tool"]["setuptools"]["packages"]:
        shutil.copytree(source / package, site / package)
    info = site / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n"
    )
    groups = meta.get("entry-points", {})
    (info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
            for group, points in groups.items()
        )
    )

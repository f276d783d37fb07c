"""The plugin manager and the typed facade the core and CLI use to reach hooks.

Nothing here runs at import time. :func:`get_plugin_manager` builds a fresh
manager: first the built-in plugins, listed by module name and loaded exactly
like a third party's, then the entry-point group ``teacher_exchange``
(restricted by ``EXCHANGE_LOAD_PLUGINS``, a comma list of entry-point names;
empty loads none). :func:`default_plugins` keeps one :class:`Plugins` for the
process; tests build their own.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from . import entrypoints, hookspecs
from .errors import ExchangeError, PluginError, RuleViolation
from .i18n import Message, joined, message, noun
from .registry import BackendSpec, FormatSpec, ImporterSpec, Registry, ReportSpec

if TYPE_CHECKING:
    from .changelog import Change
    from .matching.criteria import MatchCriterion, PlacementCriterion
    from .models import Record
    from .tariffs import TariffSpec
    from .tracker import Tracker

GROUP = hookspecs.PROJECT
"""The entry-point group third-party plugins register under."""

BUILTIN_PLUGINS = (
    "backends.memory",
    "backends.sqlite",
    "backends.postgresql",
    "plugins.formats",
    "plugins.importers",
    "plugins.matching",
    "plugins.reports",
)
"""Modules of this distribution that are loaded as plugins, in order."""

_HOME = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def _origin(module: ModuleType) -> Path | None:
    """The file a module was imported from, or the folder of a namespace package."""
    spec = module.__spec__
    if spec is not None and spec.origin and spec.has_location:
        return Path(spec.origin).resolve()
    folders = list(getattr(module, "__path__", ()))
    return Path(folders[0]).resolve() if folders else None


def _shadowed(name: str, where: Path | None) -> PluginError:
    top = name.split(".")[0]
    return PluginError(
        message(
            "built-in plugin {name!r} was imported from {origin}, not from "
            "teacher-exchange ({home}); a folder named {top!r} on the Python "
            "path shadows it",
            name=name,
            origin=where or message("an unknown place"),
            home=_HOME,
            top=top,
        )
    )


def _load_builtin(name: str) -> ModuleType:
    top = name.split(".")[0]
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        package = sys.modules.get(top)
        where = _origin(package) if package is not None else None
        if where is not None and _HOME not in where.parents:
            raise _shadowed(name, where) from error
        raise PluginError(
            message("built-in plugin {name!r} cannot be imported: {error}", name=name, error=error)
        ) from error
    where = _origin(module)
    if where is None or _HOME not in where.parents:
        raise _shadowed(name, where)
    if module.__spec__ is not None and not module.__spec__.has_location:
        raise PluginError(
            message(
                "built-in plugin {name!r} is a folder without __init__.py ({where})",
                name=name,
                where=where,
            )
        )
    return module


def _entry_point_names() -> list[str]:
    wanted = os.environ.get("EXCHANGE_LOAD_PLUGINS")
    chosen = None if wanted is None else [n.strip() for n in wanted.split(",") if n.strip()]
    names = _installed_names() if chosen != [] else []
    if chosen is None:
        return names
    missing = [n for n in chosen if n not in names]
    if missing:
        raise PluginError(
            message(
                "EXCHANGE_LOAD_PLUGINS names {names}, not installed; installed plugins: {value}",
                names=", ".join(missing),
                value=", ".join(names) or "none",
            )
        )
    return chosen


def _installed_names() -> list[str]:
    """The entry points of the group; importlib.metadata is imported only when some
    distribution may declare one (:mod:`.entrypoints`)."""
    if not entrypoints.may_declare(GROUP):
        return []
    import importlib.metadata

    return [ep.name for ep in importlib.metadata.entry_points(group=GROUP)]


def get_plugin_manager() -> pluggy.PluginManager:
    """A new plugin manager with the built-ins and the allowed third-party plugins."""
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(_load_builtin(name), name=name)
    for name in _entry_point_names():
        try:
            pm.load_setuptools_entrypoints(GROUP, name=name)
        except Exception as error:
            raise PluginError(
                message("plugin {name!r} failed to load: {error}", name=name, error=error)
            ) from error
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        name = pm.get_name(error.plugin) or repr(error.plugin)
        raise PluginError(
            message(
                "plugin {name!r} implements a hook that does not exist: {error}",
                name=name,
                error=error,
            )
        ) from error
    return pm


@attrs.frozen
class PluginInfo:
    """A loaded plugin, for ``exchange plugins``."""

    name: str
    hooks: tuple[str, ...]
    distribution: str | None
    version: str | None


class Plugins:
    """Typed access to the hooks of one plugin manager."""

    def __init__(self, pm: pluggy.PluginManager | None = None) -> None:
        self.pm = pm if pm is not None else get_plugin_manager()

    def _each(self, hook_name: str) -> Iterator[tuple[str, Callable[..., Any]]]:
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):  # pluggy's calling order
            yield impl.plugin_name, impl.function

    def _call(self, hook_name: str, plugin: str, function: Callable[..., T], *args: Any) -> T:
        try:
            return function(*args)
        except ExchangeError:
            raise
        except Exception as error:
            raise PluginError(
                message(
                    "plugin {plugin!r} failed in {hook_name}: {error}",
                    plugin=plugin,
                    hook_name=hook_name,
                    error=error,
                )
            ) from error

    def _registry(self, hook_name: str, kind: str) -> Registry[Any]:
        registry: Registry[Any] = Registry(kind)
        for plugin, function in self._each(hook_name):
            registry.current_plugin = plugin
            self._call(hook_name, plugin, function, registry)
        return registry

    @functools.cached_property
    def backends(self) -> Registry[BackendSpec]:
        """Storage backends by URL scheme."""
        return self._registry("register_backends", "backend scheme")

    @functools.cached_property
    def reports(self) -> Registry[ReportSpec]:
        """Reports by name."""
        return self._registry("register_reports", "report")

    @functools.cached_property
    def formats(self) -> Registry[FormatSpec]:
        """Report formats by name."""
        return self._registry("register_formats", "format")

    @functools.cached_property
    def importers(self) -> Registry[ImporterSpec]:
        """File importers by name."""
        return self._registry("register_importers", "importer")

    @functools.cached_property
    def tariffs(self) -> Registry[TariffSpec]:
        """Per-day allowance tariffs by name."""
        return self._registry("register_tariffs", "tariff")

    @functools.cached_property
    def match_criteria(self) -> Registry[MatchCriterion]:
        """Matching criteria by name."""
        return self._registry("register_match_criteria", "matching criterion")

    @functools.cached_property
    def placement_criteria(self) -> Registry[PlacementCriterion]:
        """Placement criteria by name."""
        return self._registry("register_placement_criteria", "placement criterion")

    def register_commands(self, cli: Any) -> None:
        """Let plugins add commands to the root click group; a name already taken is an error."""
        for plugin, function in self._each("register_commands"):
            before = dict(cli.commands)
            self._call("register_commands", plugin, function, cli)
            replaced = sorted(n for n, c in before.items() if cli.commands.get(n) is not c)
            if replaced:
                cli.commands.update(before)
                raise PluginError(
                    message(
                        "plugin {plugin!r} tried to replace the command(s) {names}",
                        plugin=plugin,
                        names=", ".join(replaced),
                    )
                )

    @functools.cached_property
    def has_validators(self) -> bool:
        """True when some plugin implements ``validate_record`` (bulk paths skip it otherwise)."""
        return bool(self.pm.hook.validate_record.get_hookimpls())

    def validate(self, record: Record, tracker: Tracker) -> None:
        """Run every policy plugin; raise :class:`RuleViolation` listing all problems."""
        problems: list[Message] = []
        for plugin, function in self._each("validate_record"):
            found = self._call("validate_record", plugin, function, record, tracker)
            problems.extend(
                message("{problem} ({plugin})", problem=p, plugin=plugin) for p in found or ()
            )
        if problems:
            raise RuleViolation(
                message(
                    "{kind} refused: {problems}",
                    kind=noun(type(record)),
                    problems=joined("; ", problems),
                )
            )

    def changes_committed(self, changes: Sequence[Change]) -> None:
        """Tell every plugin about every committed change, in order, even when one fails;
        then raise a :class:`PluginError` naming the first plugin that failed."""
        failures: list[PluginError] = []
        for change in changes:
            for plugin, function in self._each("record_changed"):
                try:
                    self._call("record_changed", plugin, function, change)
                except ExchangeError as error:
                    failures.append(
                        error
                        if isinstance(error, PluginError)
                        else PluginError(
                            message(
                                "plugin {plugin!r} failed in record_changed: {error}",
                                plugin=plugin,
                                error=error,
                            )
                        )
                    )
        if failures:
            more = f" (and {len(failures) - 1} more failures)" if len(failures) > 1 else ""
            raise PluginError(
                message("{failures}{more}", failures=failures[0], more=more)
            ) from failures[0].__cause__

    def describe(self) -> list[PluginInfo]:
        """The loaded plugins, with their hooks and distribution."""
        dists = {id(p): d for p, d in self.pm.list_plugin_distributions()}
        out = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or ()))
            dist = dists.get(id(plugin))
            out.append(
                PluginInfo(
                    name=name,
                    hooks=hooks,
                    distribution=dist.metadata["name"] if dist else None,
                    version=dist.version if dist else None,
                )
            )
        return out


@functools.cache
def default_plugins() -> Plugins:
    """The process-wide :class:`Plugins`, built on first use.

    Tests and embedding applications that want isolation pass their own
    ``Plugins(get_plugin_manager())`` to :meth:`exchange.Tracker.open`;
    ``default_plugins.cache_clear()`` forgets this one.
    """
    return Plugins()

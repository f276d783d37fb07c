"""Typed registries the ``register_*`` hooks fill, and the specs they hold."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import attrs

from .errors import ConfigurationError, PluginError
from .i18n import message

if TYPE_CHECKING:
    from .backend import Backend
    from .report import Report


class Spec(Protocol):
    """Anything a registry holds: it has a ``name``."""

    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Spec)


@attrs.frozen(kw_only=True)
class BackendSpec:
    """A storage backend: URLs starting ``scheme:`` are opened by ``open(url)``."""

    scheme: str
    open: Callable[[str], Backend]
    description: str = ""

    @property
    def name(self) -> str:
        """The scheme, e.g. ``sqlite``."""
        return self.scheme


OPTION_TYPES = frozenset({"text", "int", "number", "date", "flag", "choice"})
"""The types a :class:`ReportOption` takes: its value reaches ``build`` as ``str``,
``int``, ``decimal.Decimal``, ``datetime.date``, ``bool`` or one of its ``choices``."""


def _option_name(option: ReportOption, _: object, name: str) -> None:
    if not name.isidentifier() or not name.islower() or name.startswith("_"):
        raise ValueError(f"report option {name!r} must be a lower-case Python name")


def _option_type(option: ReportOption, _: object, kind: str) -> None:
    if kind not in OPTION_TYPES:
        raise ValueError(
            f"report option {option.name!r}: unknown type {kind!r}; "
            f"known: {', '.join(sorted(OPTION_TYPES))}"
        )
    if (kind == "choice") != bool(option.choices):
        raise ValueError(f"report option {option.name!r}: choices go with type 'choice' only")


@attrs.frozen(kw_only=True)
class ReportOption:
    """An option of one report, beyond the shared filters (``--year``, ``--region`` …):
    ``exchange report NAME --OPTION VALUE`` passes it to ``build`` as the keyword
    argument ``name`` (``--min-days`` for ``min_days``), converted to its ``type``."""

    name: str = attrs.field(validator=_option_name)
    type: str = attrs.field(default="text", validator=_option_type)
    help: str = ""
    """One line for ``exchange reports`` and ``--help``; a message from the plugin's
    :class:`~exchange.i18n.Catalogue` is shown in the reader's language."""
    required: bool = False
    choices: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @property
    def flag(self) -> str:
        """The command-line option: ``--min-days`` for ``min_days``."""
        return "--" + self.name.replace("_", "-")


@attrs.frozen(kw_only=True)
class ReportSpec:
    """A named report: ``build(tracker, **parameters)`` returns a Report.

    ``options`` are the report's own options (:class:`ReportOption`); the shared
    filters it takes are read from ``build``'s keyword parameters.
    """

    name: str
    build: Callable[..., Report]
    description: str = ""
    options: tuple[ReportOption, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen(kw_only=True)
class FormatSpec:
    """A report format: ``render(report, stream)``."""

    name: str
    render: Callable[[Report, IO[Any]], None]
    description: str = ""
    extension: str = ""
    """File ending without the dot, e.g. ``csv``."""
    binary: bool = False
    """True when ``render`` writes bytes (xlsx)."""


@attrs.frozen(kw_only=True)
class ImporterSpec:
    """A file reader: ``read(path)`` yields one dict per row."""

    name: str
    read: Callable[[str], Iterator[dict[str, Any]]]
    extensions: tuple[str, ...] = ()
    description: str = ""


class Registry(Generic[T]):
    """Named specs of one kind, each added by one plugin."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._specs: dict[str, T] = {}
        self._owners: dict[str, str] = {}
        self.current_plugin = "<direct>"
        """Set by the plugin manager while a plugin's hook runs."""

    def add(self, spec: T) -> None:
        """Register ``spec``; a name already taken is a :class:`PluginError`."""
        name = spec.name
        if name in self._specs:
            raise PluginError(
                message(
                    "{kind} {name!r} is registered by both plugin {owner!r} and "
                    "plugin {current_plugin!r}",
                    kind=self.kind,
                    name=name,
                    owner=self._owners[name],
                    current_plugin=self.current_plugin,
                )
            )
        self._specs[name] = spec
        self._owners[name] = self.current_plugin

    def get(self, name: str) -> T:
        """The spec called ``name``, or a :class:`ConfigurationError` listing the known ones."""
        try:
            return self._specs[name]
        except KeyError:
            known = ", ".join(sorted(self._specs)) or "none"
            raise ConfigurationError(
                message(
                    "unknown {kind} {name!r}; known: {known}",
                    kind=self.kind,
                    name=name,
                    known=known,
                )
            ) from None

    def owner(self, name: str) -> str:
        """The plugin that registered ``name``."""
        return self._owners[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._specs.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._specs)

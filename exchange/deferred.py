"""Importing a plugin's implementation only when it is used, to keep start-up fast.

A ``register_*`` hook runs every time a command needs its registry (``exchange
school list`` needs the ``table`` format and the ``sqlite`` backend), so a plugin
whose module imports its renderers, charts or drivers at the top makes every
command pay for all of them. :func:`deferred` stands in for a function by name::

    registry.add(FormatSpec(name="pdf", render=deferred("acme_exchange.pdf:render_pdf")))

and imports ``acme_exchange.pdf`` on the first call. :func:`lazy_exports` does the
same for the names a package re-exports from its modules.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any, cast

from .errors import PluginError
from .i18n import message


class Deferred:
    """A callable that stands for ``module:attribute`` and imports it on first use.

    Calling it calls the function; ``inspect.signature`` sees the function's own
    signature (through ``__wrapped__``, which imports it); ``__module__`` and
    ``__name__`` are the function's, known without importing. A target that cannot
    be imported is a :class:`~exchange.errors.PluginError` naming it, on first use.
    """

    def __init__(self, target: str) -> None:
        module, _, attribute = target.partition(":")
        if not module or not attribute.isidentifier():
            raise PluginError(message("{target!r} is not 'module:function'", target=target))
        self.target = target
        self.__module__ = module
        self.__name__ = self.__qualname__ = attribute
        self._function: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        """The function itself, imported on the first call."""
        if self._function is None:
            try:
                module = importlib.import_module(self.__module__)
                self._function = getattr(module, self.__name__)
            except (ImportError, AttributeError) as error:
                raise PluginError(
                    message("{target!r} cannot be loaded: {error}", target=self.target, error=error)
                ) from error
        return self._function

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self.resolve()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"deferred({self.target!r})"


def deferred(target: str) -> Deferred:
    """A stand-in for the function ``target`` (``"package.module:function"``) that imports
    its module on the first call: what a plugin registers as a spec's ``render``,
    ``build``, ``read`` or ``open`` to keep its heavy imports off every command."""
    return Deferred(target)


class _Exports(types.ModuleType):
    """A package that re-exports names lazily. Where a name is also a submodule's
    (``exchange.importing.columns``, the function and the module), the import system's
    binding of the submodule is passed over, so the name stays the function, as with an
    eager ``from .columns import columns``."""

    _exports: Mapping[str, str] = {}

    def __setattr__(self, name: str, value: Any) -> None:
        submodule = isinstance(value, types.ModuleType)
        if submodule and name in self._exports and value.__name__ == f"{self.__name__}.{name}":
            return
        super().__setattr__(name, value)


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports each re-exported name's module
    (``exports``: name → submodule, relative to ``package``) when the name is first read."""
    module = sys.modules[package]
    module.__class__ = _Exports
    cast(_Exports, module)._exports = exports

    def __getattr__(name: str) -> Any:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where}"), name)
        setattr(module, name, value)
        return value

    return __getattr__

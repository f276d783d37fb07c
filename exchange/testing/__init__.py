"""The kit for testing backends and plugins: hypothesis strategies and the conformance suite.

``exchange.testing.strategies`` builds valid (and invalid) records and queries;
:class:`BackendConformance` is the pytest class a backend's tests subclass;
:func:`conformance_machine` is its stateful core, usable without pytest.
Importing this package needs hypothesis; pytest is imported only when
:class:`BackendConformance` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import strategies
from .machine import Mismatch, conformance_machine, reference_backend

if TYPE_CHECKING:
    from .conformance import BackendConformance

__all__ = [
    "BackendConformance",
    "Mismatch",
    "conformance_machine",
    "reference_backend",
    "strategies",
]


def __getattr__(name: str) -> Any:
    if name == "BackendConformance":
        from .conformance import BackendConformance

        return BackendConformance
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

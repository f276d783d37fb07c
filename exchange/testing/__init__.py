"""The kit for testing backends and plugins: hypothesis strategies and the conformance suite.

``exchange.testing.strategies`` builds valid (and invalid) records and queries;
:class:`BackendConformance` is the pytest class a backend's tests subclass;
:func:`conformance_machine` is its stateful core, usable without pytest;
:class:`BackendRaces` and :func:`run_race` (``exchange.testing.races``) race
workers released together by a barrier against a backend.
Importing this package needs hypothesis; pytest is imported only when
:class:`BackendConformance` or the races are first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import strategies
from .machine import Mismatch, conformance_machine, reference_backend

if TYPE_CHECKING:
    from .conformance import BackendConformance
    from .races import BackendRaces, run_race

__all__ = [
    "BackendConformance",
    "BackendRaces",
    "Mismatch",
    "conformance_machine",
    "reference_backend",
    "run_race",
    "strategies",
]


def __getattr__(name: str) -> Any:
    if name == "BackendConformance":
        from .conformance import BackendConformance

        return BackendConformance
    if name in ("BackendRaces", "run_race"):
        from . import races

        return getattr(races, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

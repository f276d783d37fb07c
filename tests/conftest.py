"""Shared test set-up: hypothesis profiles and an isolated environment per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
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

"""Shared fixtures: every test starts from the default config (no user rc file or flags)."""

import pytest

from graphlens import config


@pytest.fixture(autouse=True)
def default_config(monkeypatch, tmp_path):
    """Isolate config from the developer's ~/.graphlensrc, ./.graphlensrc and GRAPHLENS_FLAGS."""
    monkeypatch.delenv("GRAPHLENS_FLAGS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config.reload()
    yield
    config.reload()

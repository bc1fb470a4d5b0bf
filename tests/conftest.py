"""Shared fixtures: every test starts from the default config (no user rc file or flags)."""

import os

# One BLAS thread, set before numpy loads: on the shared 2-core machine two BLAS thread pools
# spin against each other and made the convolution tests 10x slower in CPU time (as bench/ does).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

from graphlens import config  # noqa: E402


@pytest.fixture(autouse=True)
def default_config(monkeypatch, tmp_path):
    """Isolate config from the developer's ~/.graphlensrc, ./.graphlensrc, GRAPHLENS_FLAGS and
    Theano's settings (THEANO_FLAGS, ~/.theanorc, THEANORC), which graphlens reads too."""
    for variable in ("GRAPHLENS_FLAGS", "THEANO_FLAGS", "THEANORC"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config.reload()
    yield
    config.reload()

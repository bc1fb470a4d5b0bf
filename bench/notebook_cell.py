"""Bytes a notebook stores for one cell that shows a model's compiled function, by MIME type.

Run from the repository root (the wasm layout, so the numbers are the same on every machine):

    GRAPHLENS_LAYOUT=wasm PYTHONPATH=. python bench/notebook_cell.py [MODEL.py NAME]

Default: the gallery's MLP, `train`. IPython's own display formatter makes the display data,
exactly what a notebook writes into the cell; the total is the size of that data as JSON, as it
sits in the .ipynb file. Also prints how many times the graph was laid out for the cell and the
wall time of the display (after one warm-up layout, so the wasm compile is not counted).
"""

from __future__ import annotations

import json
import runpy
import time
from arguments import script_arguments


def main(model="gallery/mlp.py", name="train"):
    from IPython.core.formatters import DisplayFormatter

    import graphlens.render.layout as layout

    obj = runpy.run_path(model, run_name="__graphlens_bench__")[name]
    layout.render_dot("digraph { a -> b }")            # warm up: compile the wasm module
    layouts = []
    real_render_dot = layout.render_dot

    def counting(dot_text, *args, **kwargs):
        layouts.append(len(dot_text))
        return real_render_dot(dot_text, *args, **kwargs)

    layout.render_dot = counting
    # Both svg.py and jupyter.py reach render_dot through svg.render.
    import graphlens.render.svg as svg_module
    svg_module.render_dot = counting
    start = time.perf_counter()
    data, _ = DisplayFormatter().format(obj)
    elapsed = time.perf_counter() - start
    for mime, value in sorted(data.items()):
        print(f"{mime:15} {len(value.encode('utf-8')):>9,} bytes")
    print(f"{'cell (JSON)':15} {len(json.dumps(data)):>9,} bytes")
    print(f"layouts: {len(layouts)}, display time {elapsed:.2f} s")


if __name__ == "__main__":
    main(*script_arguments(__doc__, None))

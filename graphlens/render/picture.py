"""`pydotprint`: Theano's picture of a graph, plus the before/after view with provenance.

What a picture shows:
- ops as rounded boxes, with the op and its output's type (`float64[?, 10]`: dtype and static
  shape, `?` where unknown), and the output's name when it has one;
- inputs as green ellipses, outputs as blue double ellipses, shared variables as orange
  cylinders (with the shape of their current value), constants as small grey octagons, one per
  use; each shows its name, type and shape; random draws (uniform, binomial, ...) as violet
  hexagons, their stream's state a shared variable with its update like any other;
- argument positions (0, 1, ...) on the edges into ops whose input order matters (Sub, Dot,
  TrueDiv, ...; not Add or Mul); updates as dashed orange edges back to their shared variable;
- after rewrites, each op a rewrite made is filled with that rule's colour (a legend names
  them) and its tooltip lists the rewrites and the nodes they replaced; fused ops open up as a
  box of their inner ops; names with a '/' (`layer1/W`) group into a box per scope;
- above the `fold_threshold` flag's op count, scopes fold into boxes (see `fold` below);
- beyond `max_nodes` ops, the ones nearest the outputs are drawn and one dashed box counts the
  rest by op; in pictures of over 150 ops, an edge crossing more than 8 levels becomes a small
  dashed "see a_n12" tag next to its reader (so do weights read by a fused op far below them).

>>> pydotprint(f, 'train.svg', stage='both')                              # doctest: +SKIP
'train.svg'
"""

from __future__ import annotations

import os

from graphlens.render.dot import to_dot
from graphlens.render.guard import draw
from graphlens.render.html import page

FORMATS = ("svg", "dot", "png", "pdf", "html")

# File name endings that name a format, for `pydotprint(f, 'model.png')`.
SUFFIX_FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png", ".pdf": "pdf",
                  ".html": "html", ".htm": "html"}


def pydotprint(obj, outfile=None, *, format: str | None = None, stage: str = "after",
               max_nodes: int | None = 1000, rankdir: str = "TB", title: str | None = None,
               backend: str | None = None, overlay=None, fold=None, expand=(),
               fold_rules=(), time_budget: float | None = None, report=None):
    """Draw `obj` (a variable, a list of them, a FunctionGraph or a compiled function).

    format: 'svg' (default), 'dot', 'png', 'pdf' or 'html' (a self-contained viewer with pan,
    zoom and a panel of node facts); when None, taken from `outfile`'s ending, else 'svg'.
    png and pdf need the system Graphviz (`dot` on PATH); svg works everywhere.
    stage: 'after' (the optimized graph), 'before' (as given) or 'both' (side by side).
    max_nodes: draw at most this many ops (None: all). rankdir: 'TB' (top to bottom) or 'LR'.
    backend: Graphviz layout backend, 'auto', 'system' or 'wasm' (see graphlens.render.svg).
    overlay: styles laid over the picture (`render.findings.function_findings_overlay`: the
    gradient findings), keyed by the graph's own nodes.
    fold, expand, fold_rules: big graphs (over the `fold_threshold` flag's ops, or with
    fold=True) are drawn folded: a box per scope (`graphlens.name_scope`, or the function or
    method that built the ops: `HiddenLayer_3`), identical repeats once with a count
    (`HiddenLayer ×8`), a scope's gradient inside its box. expand=['encoder'] opens a scope,
    expand=['all'] draws every op; fold_rules=[('Dense', ['Dot', 'Add', 'Tanh'])] folds each
    such chain of ops into one block (render/fold.py).
    time_budget: seconds Graphviz may spend on the layout (the `layout_time_budget` flag when
    None, 0 for no limit); on an overrun the folded summary is drawn instead, with a note.
    report: called with progress lines (counts and elapsed time), as `graphlens show` prints.

    Returns the picture (str for svg, dot and html; bytes for png and pdf) when `outfile` is
    None; otherwise writes it to `outfile` and returns that path.

    >>> svg = pydotprint(T.exp(T.dvector('x')))                            # doctest: +SKIP
    >>> pydotprint(train, 'train.png', stage='both')                      # doctest: +SKIP
    'train.png'
    """
    chosen = _format(format, outfile)
    options = dict(stage=stage, max_nodes=max_nodes, rankdir=rankdir, title=title,
                   overlay=overlay, fold=fold, expand=expand, fold_rules=fold_rules)
    if chosen == "dot":
        picture = to_dot(obj, **options)
    elif chosen == "html":
        laid_out, scene = draw(obj, format="svg", backend=backend, time_budget=time_budget,
                               report=report, **options)
        picture = page(scene, laid_out.decode("utf-8"))
    else:
        picture, _ = draw(obj, format=chosen, backend=backend, time_budget=time_budget,
                          report=report, **options)
        if chosen == "svg":
            picture = picture.decode("utf-8")
    if outfile is None:
        return picture
    if isinstance(picture, str):
        with open(outfile, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(picture)
    else:
        with open(outfile, "wb") as stream:
            stream.write(picture)
    return outfile


def _format(format, outfile) -> str:
    suffix_format = None
    if outfile is not None:
        suffix_format = SUFFIX_FORMATS.get(os.path.splitext(os.fspath(outfile))[1].lower())
    if format is None:
        return suffix_format or "svg"
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}")
    if suffix_format is not None and suffix_format != format:
        raise ValueError(f"format={format!r} but the file name {os.fspath(outfile)!r} ends like "
                         f"a {suffix_format} file; drop format= or rename the file")
    return format

"""`pydotprint`: Theano's picture of a graph, plus the before/after view with provenance.

What a picture shows:
- ops as rounded boxes, with the op and its output's type (`float64[?, 10]`: dtype and static
  shape, `?` where unknown), and the output's name when it has one; an op with several outputs
  (`sigmoid_bce_parts`, a loop) names each in a cell along its lower side, and the edges
  carrying an output leave from its cell; an op that names its inputs (ifelse's cond, then,
  else) has a row of cells along its upper side where their edges end;
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
  dashed "W (drawn above)" tag next to its reader (so do weights read by a fused op far below them).

>>> pydotprint(f, 'train.svg', stage='both')                              # doctest: +SKIP
'train.svg'
"""

from __future__ import annotations

import os

from graphlens.render.branch_overlay import branch_overlay
from graphlens.render.dot import to_dot
from graphlens.render.focus_findings import with_route
from graphlens.render.guard import draw
from graphlens.render.html import laid_out_page
from graphlens.render.profile_overlay import profile_overlay
from graphlens.render.values_overlay import values_overlay

FORMATS = ("svg", "dot", "png", "pdf", "html")

# File name endings that name a format, for `pydotprint(f, 'model.png')`.
SUFFIX_FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png", ".pdf": "pdf",
                  ".html": "html", ".htm": "html"}


def pydotprint(obj, outfile=None, *, format: str | None = None, stage: str = "after",
               max_nodes: int | None = 1000, rankdir: str = "TB", title: str | None = None,
               backend: str | None = None, overlay=None, focus=None, example_inputs=None,
               values: bool = False, fold=None, expand=(), fold_rules=(),
               time_budget: float | None = None, report=None, print_output_file: bool = False,
               return_image: bool = False, profile: bool = False, cond_highlight=None,
               **theano_options):
    """Draw `obj` (a variable, a list of them, a FunctionGraph or a compiled function).

    format: 'svg' (default), 'dot', 'png', 'pdf' or 'html' (a self-contained viewer: pan, zoom,
    search, folding, a minimap, a panel of node facts and a legend; `render/html.py`); when
    None, taken from `outfile`'s ending, else 'svg'.
    Every format works after `pip install graphlens` alone: without the system Graphviz, png
    comes from the SVG through resvg, pdf through Typst (`pip install "graphlens[pdf]"`), both
    drawing text in a font with the metrics the layout measured (render/convert.py).
    stage: 'after' (the optimized graph), 'before' (as given) or 'both' (side by side).
    max_nodes: draw at most this many ops (None: all). rankdir: 'TB' (top to bottom) or 'LR'.
    backend: Graphviz layout backend, 'auto', 'system' or 'wasm' (see graphlens.render.svg).
    overlay: styles laid over the picture (`render.findings.function_findings_overlay`: the
    gradient findings), keyed by the graph's own nodes.
    focus: draw only part of the graph (`graphlens.render.focus.Focus`): `Focus.around(W1,
    hops=2)`, `Focus.route(cost, W1)` (the gradient's route, where it dies marked) or
    `Focus.path(a, b)`; what it leaves out is counted in small dashed boxes.
    example_inputs ({input: value}, a model's `example_inputs`): the inputs' lengths, so
    types read `float64[200, 16]` (test values and shared variables' current values count
    without it). values: evaluate the graph once on example_inputs (else the inputs' test
    values) and write each node's min, max, mean, zeros and NaN count under it
    (render/values_overlay.py).
    profile: for a function compiled with `profile=True` and called, shade each node by its
    share of the run time and write the share and time per call under it
    (render/profile_overlay.py).
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
    None or `return_image` is true; otherwise writes it to `outfile` and returns that path
    (printing "The output file is available at ..." with `print_output_file`, as Theano did).

    Theano's styling keywords are accepted so Theano code runs unchanged (THEANO_STYLE_OPTIONS:
    `compact`, `with_ids`, `high_contrast`, `colorCodes`, `scan_graphs`,
    `var_with_name_simple`, `max_label_size`); graphlens's picture already is what they ask
    for or says it its own way (a legend for colours, loop bodies as clusters).
    cond_highlight: True (every ifelse) or an ifelse's name: borders show the ops that run only
    for its then branch, only for its else branch, or for either (render/branch_overlay.py);
    with no such ifelse, a warning on the 'graphlens.printing' logger, as Theano gave.

    >>> svg = pydotprint(T.exp(T.dvector('x')))                            # doctest: +SKIP
    >>> pydotprint(train, 'train.png', stage='both')                      # doctest: +SKIP
    'train.png'
    """
    unknown = sorted(set(theano_options) - set(THEANO_STYLE_OPTIONS))
    if unknown:
        raise TypeError(f"pydotprint() got unexpected keyword argument(s) {', '.join(unknown)}; "
                        f"graphlens's are format, stage, max_nodes, rankdir, title, backend, "
                        f"overlay, focus, example_inputs, values, fold, expand, fold_rules, "
                        f"time_budget, report, profile, cond_highlight, and Theano's "
                        f"{', '.join(THEANO_STYLE_OPTIONS)}")
    chosen = _format(format, outfile)
    overlay = with_route(obj, focus, overlay)
    if values:
        summaries = values_overlay(obj, example_inputs)
        overlay = summaries if overlay is None else overlay.merged(summaries)
    if cond_highlight not in (None, False):
        branches = branch_overlay(obj, stage, cond_highlight)
        if branches is not None:
            overlay = branches if overlay is None else overlay.merged(branches)
    if profile:
        timed = profile_overlay(obj)
        overlay = timed if overlay is None else overlay.merged(timed)
    options = dict(stage=stage, max_nodes=max_nodes, rankdir=rankdir, title=title,
                   overlay=overlay, focus=focus, example_inputs=example_inputs, fold=fold,
                   expand=expand, fold_rules=fold_rules)
    if chosen == "dot":
        picture = to_dot(obj, **options)
    elif chosen == "html":
        picture = laid_out_page(obj, backend=backend, time_budget=time_budget, report=report,
                                **options)
    else:
        picture, _ = draw(obj, format=chosen, backend=backend, time_budget=time_budget,
                          report=report, **options)
        if chosen == "svg":
            picture = picture.decode("utf-8")
    if outfile is None or return_image:
        return picture
    if isinstance(picture, str):
        with open(outfile, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(picture)
    else:
        with open(outfile, "wb") as stream:
            stream.write(picture)
    if print_output_file:
        print("The output file is available at", outfile)
    return outfile


# Theano's pydotprint styling keywords, accepted and left to graphlens's own picture: it is
# always compact (variables are edges, not nodes), names variables, colours by a legend, and
# draws a loop's body inside its node.
THEANO_STYLE_OPTIONS = ("compact", "with_ids", "high_contrast", "colorCodes", "scan_graphs",
                        "var_with_name_simple", "max_label_size")


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

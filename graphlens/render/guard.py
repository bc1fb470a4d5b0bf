"""The size guard: a picture is built, folded by size, and laid out under a time budget.

`draw` is the one path from a graph to a laid-out picture (pydotprint, to_svg, to_html and
`graphlens show` take it):

1. the scene is built whole when the graph is small, folded (render/fold.py) above the
   `fold_threshold` flag, or as asked (`fold=`, `expand=`, `fold_rules=`);
2. Graphviz lays it out within `time_budget` seconds (the `layout_time_budget` flag; 0 or None
   for no limit). A layout still running then is stopped (or one Graphviz gives up on), and
   the folded summary (every scope closed, at most FALLBACK_MAX_NODES ops drawn) is laid out
   instead, with a note in the picture saying so. It never hangs: the summary has the same
   budget, and a second failure is an error saying what to do;
3. `report(message)` (the command line prints it on stderr) is told the counts and the
   elapsed time of each step: ops walked, boxes drawn, nodes and edges laid out.

>>> picture, scene = draw(f, format="svg", time_budget=3)                # doctest: +SKIP
>>> scene.notes
['folded: 3,120 ops in 24 boxes; open one with --expand HiddenLayer ...']
"""

from __future__ import annotations

import time

from graphlens.compile.hooks import waiting
from graphlens.config import config
from graphlens.errors import LayoutError, LayoutTimeoutError
from graphlens.render.dot import RANKDIRS, scene_to_dot
from graphlens.render.framing import scene_of
from graphlens.render.fold import EXPAND_ALL
from graphlens.render.layout import render_dot
from graphlens.render.subject import views

# The fallback summary draws at most this many ops besides its folded boxes.
FALLBACK_MAX_NODES = 300
# ... and at least this many, however small the picture that failed.
MIN_FALLBACK_NODES = 50
# What Graphviz lays out in a second, roughly (docs/performance.md: 1,000-op training steps in
# 0.7 s, 10,000-node trees in 4 s): a picture asking for many times its budget's worth is not
# built at all, the summary is drawn at once.
OPS_PER_SECOND = 2_000


def chosen_backend(backend: str | None) -> str | None:
    """The backend to ask `render_dot` for: the argument, else a non-'auto' `config.layout`."""
    if backend is not None:
        return backend
    configured = getattr(config, "layout", "auto")
    return None if configured == "auto" else configured


def draw(obj, *, format="svg", stage="after", max_nodes=1000, rankdir="TB", title=None,
         backend=None, overlay=None, fold=None, expand=(), fold_rules=(), time_budget=None,
         report=None, focus=None, example_inputs=None):
    """(picture bytes, scene) of `obj` laid out in `format` (svg, png or pdf) within the time
    budget, falling back to the folded summary on an overrun (see the module docstring)."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    budget = config.layout_time_budget if time_budget is None else time_budget
    budget = float(budget) or None
    say = report or (lambda message: None)
    note_of = getattr(report, "note", say)
    told = set()

    def tell(note):
        # The summary repeats notes of the picture that failed (its folds): each said once.
        if note not in told:
            told.add(note)
            note_of(note)
    start = time.perf_counter()
    options = dict(stage=stage, title=title, overlay=overlay, fold_rules=fold_rules,
                   focus=focus, example_inputs=example_inputs)
    asked = _asked_ops(obj, stage, max_nodes, fold, expand)
    failed_ops = None
    if budget is not None and asked > budget * OPS_PER_SECOND:
        # Far more than Graphviz places in the budget: building that scene alone takes long.
        reason = (f"has {asked:,} ops, more than a {budget:g} s layout can place (about "
                  f"{OPS_PER_SECOND:,} ops a second)")
        fix = "--time-budget SECONDS, or max_nodes, to draw more"
    else:
        scene = scene_of(obj, max_nodes=max_nodes, fold=fold, expand=expand, **options)
        say(_scene_line(scene, start))
        for note in scene.notes:
            tell(note)
        try:
            return _laid_out(scene, format, rankdir, backend, budget, say), scene
        except LayoutError as exc:
            failed_ops = _drawn_ops(scene)
            # A layout past its budget, or one Graphviz gives up on (the wasm build exhausts
            # its stack on some huge pictures): the summary is small enough for both.
            if _is_summary(scene, fold, expand, max_nodes):
                raise
            if isinstance(exc, LayoutTimeoutError):
                reason = f"did not lay out within {budget:g} s"
                fix = "--time-budget SECONDS gives more time"
            else:
                reason = "could not be laid out by Graphviz"
                fix = f"Graphviz said: {str(exc)[:120]}"
    say(f"the full picture {reason}: drawing the folded summary instead")
    summary = scene_of(obj, max_nodes=_fallback_max(max_nodes, failed_ops, stage), fold=True,
                       expand=(), **options)
    note = f"the full picture {reason}: this is the folded summary ({fix})"
    summary.notes.append(note)
    summary.title = f"{summary.title}\n{note}" if summary.title else note
    say(_scene_line(summary, start))
    for line in summary.notes:
        tell(line)
    return _laid_out(summary, format, rankdir, backend, budget, say), summary


def _asked_ops(obj, stage, max_nodes, fold, expand) -> int:
    """How many ops a picture drawn with every scope open would draw (0 when it folds)."""
    if fold is not False and EXPAND_ALL not in (expand or ()):
        return 0
    total = sum(view.op_count() for view in views(obj, stage))
    return total if max_nodes is None else min(total, max_nodes * (2 if stage == "both" else 1))


def _laid_out(scene, format, rankdir, backend, budget, say) -> bytes:
    dot_text = scene_to_dot(scene, rankdir=rankdir)
    start = time.perf_counter()
    with waiting("laying out", {"nodes": len(scene.nodes), "edges": len(scene.edges)}):
        picture = render_dot(dot_text, format=format, backend=chosen_backend(backend),
                             time_budget=budget)
    say(f"laid out {len(scene.nodes):,} nodes and {len(scene.edges):,} edges in "
        f"{time.perf_counter() - start:.1f} s")
    return picture


def _drawn_ops(scene) -> int:
    return sum(1 for node in scene.nodes if node.kind in ("op", "random"))


def _scene_line(scene, start) -> str:
    folds = [cluster for cluster in scene.clusters if cluster.folded]
    ops = _drawn_ops(scene)
    text = f"picture: {ops:,} ops drawn"
    if folds:
        text += (f", {sum(len(c.members) for c in folds):,} more folded into "
                 f"{len(folds):,} boxes")
    return f"{text} ({time.perf_counter() - start:.1f} s)"


def _is_summary(scene, fold, expand, max_nodes) -> bool:
    """True when `scene` already is what the fallback would draw."""
    folded = any(cluster.folded for cluster in scene.clusters)
    return folded and not expand and max_nodes is not None \
        and max_nodes <= FALLBACK_MAX_NODES


def _fallback_max(max_nodes, failed_ops=None, stage="after") -> int:
    """The summary's max_nodes (per graph drawn): at most FALLBACK_MAX_NODES, and when a
    picture already failed, a quarter of the ops it drew, split between its graphs. A folded
    picture that failed (a model of loops, whose steps are drawn open) must not be tried again
    as it was: a smaller max_nodes also draws the bigger steps closed (render/collapse.py)."""
    limit = FALLBACK_MAX_NODES if max_nodes is None else min(max_nodes, FALLBACK_MAX_NODES)
    if failed_ops is not None:
        graphs = 2 if stage == "both" else 1
        limit = min(limit, max(MIN_FALLBACK_NODES, failed_ops // (4 * graphs)))
    return limit

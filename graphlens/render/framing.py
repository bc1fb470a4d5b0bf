"""From what a picture's caller asked for to its scene: the views, the folds, the overlay.

One place reads the folding arguments every picture takes (`to_dot`, `to_svg`, `to_html`,
`pydotprint`, `graphlens show`) and the `fold_threshold` flag.

>>> scene = scene_of(f, expand=['encoder'])                              # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.config import config
from graphlens.render.fold import EXPAND_ALL, FoldOptions
from graphlens.render.overlay import apply_overlay
from graphlens.printer.styled import collector_paused
from graphlens.render.subject import views
from graphlens.render.viewbuilder import build_scene


def fold_options(fold=None, expand=(), fold_rules=()) -> FoldOptions:
    """FoldOptions from a picture's arguments: `expand` names scopes to open ('all': draw
    every op), and naming any folds the picture; the threshold is the config flag.

    >>> fold_options(expand=['encoder']).fold, fold_options(expand='all').fold
    (True, False)
    """
    expand = (expand,) if isinstance(expand, str) else tuple(expand or ())
    if fold is None and expand and EXPAND_ALL not in expand:
        fold = True
    if EXPAND_ALL in expand:
        fold = False
    return FoldOptions(fold, expand, tuple(fold_rules or ()), int(config.fold_threshold))


def scene_of(obj, *, stage="after", max_nodes=1000, title=None, overlay=None, fold=None,
             expand=(), fold_rules=(), focus=None, example_inputs=None):
    """The scene of `obj` with its folds, focus, known shapes and overlay (no layout)."""
    # The walk allocates per node and frees nothing until it returns: collections would only
    # rescan the graph (a 20,000-op picture spent most of its time in them).
    with collector_paused():
        scene = build_scene(views(obj, stage), max_nodes=max_nodes, title=title,
                            folds=fold_options(fold, expand, fold_rules), focus=focus,
                            example_inputs=example_inputs)
    if overlay is not None:
        apply_overlay(scene, overlay)
    return scene

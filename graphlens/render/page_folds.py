"""A big graph's HTML page: the whole graph, opened folded by the page itself.

Above the `fold_threshold` flag a picture is drawn folded on the server (render/fold.py): the
ops inside a folded box are not in the scene, so a page of that picture cannot open them. Up
to PAGE_MAX_OPS ops the page instead holds every op with its scope boxes, and starts with the
outermost boxes folded (the viewer's own fold state, `viewer/fold.js`): the reader opens any
layer in place, and the page lays the picture out again with its WebAssembly Graphviz. Above
that, the page shows the server's summary and says how to open a box (`--expand`).

The first picture is laid out from the same DOT the page would put together for that fold
state (`dot.assemble_dot`, the twin of `assembleDot` in fold.js; a test compares the two).

>>> opened = folded_page_scene(f, stage='both', max_nodes=1000)          # doctest: +SKIP
>>> opened.folded[:2]
['cluster_a_s0', 'cluster_a_s1']
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.config import config
from graphlens.render.framing import scene_of
from graphlens.render.subject import views

# The most ops a page holds whole. Measured (docs/performance.md): a 40-layer MLP's training
# step, 2,300 nodes, lays out in about 6 s in the page when fully unfolded, and opening one
# layer of it folded takes well under a second; past a few thousand ops "unfold all" would
# keep the reader waiting for tens of seconds, and the page's data grows past several MB.
PAGE_MAX_OPS = 3000


@dataclass
class FoldedPage:
    """The whole graph's scene and the boxes the page starts with folded (outermost first)."""

    scene: object
    folded: list


def folded_page_scene(obj, *, stage, max_nodes, title=None, overlay=None, fold=None,
                      expand=(), fold_rules=(), focus=None, example_inputs=None,
                      foldable=("scope", "fused", "loop")):
    """A FoldedPage when `obj` would be drawn folded on the server yet is small enough for the
    page to hold whole (see the module docstring); else None (draw as before)."""
    if fold is not None or expand or fold_rules or focus is not None:
        return None          # the caller chose how to fold: do exactly that
    total = sum(view.op_count() for view in views(obj, stage))
    if not int(config.fold_threshold) < total <= PAGE_MAX_OPS:
        return None
    scene = scene_of(obj, stage=stage, max_nodes=max_nodes, title=title, overlay=overlay,
                     fold=False, example_inputs=example_inputs)
    folded = outermost(scene, foldable)
    if not any(scene_cluster.kind == "scope" for scene_cluster in scene.clusters
               if scene_cluster.key in folded):
        return None          # no scopes to fold by: the server's summary says more
    note = (f"{total:,} ops, opened folded: double-click a box (or select it and press "
            f"Enter) to open it in place; e opens everything")
    scene.notes.append(note)
    scene.title = f"{scene.title}\n{note}" if scene.title else note
    return FoldedPage(scene, folded)


def outermost(scene, foldable) -> list:
    """Keys of the foldable clusters inside no other foldable cluster, in scene order (what
    the page's "Fold all" folds)."""
    kinds = {cluster.key: cluster for cluster in scene.clusters}
    found = []
    for cluster in scene.clusters:
        if cluster.kind not in foldable:
            continue
        parent = cluster.parent
        while parent is not None and kinds[parent].kind not in foldable:
            parent = kinds[parent].parent
        if parent is None:
            found.append(cluster.key)
    return found

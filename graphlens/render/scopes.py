"""Scope boxes: the drawn ops and roots of a scope sit inside a box labelled with its name.

The scope of a node is `graph.scopes.scope_of` (the one rule): a `name_scope`, a name with a
'/' (`layer1/W`, TensorFlow's convention: everything before the last '/'; each part a plain
word, so `x / y` is just a name), or the function that built it (`HiddenLayer_3`). Scopes
nest (`enc/layer1/W` is in `layer1`, inside `enc`).

Scopes the user wrote (name_scope, names) are strong: an unnamed op without one joins a scope
when the drawn ops using its result that are in a strong scope are all in that one scope, so
`tanh(dot(x, W) + b)` named `layer1/h` pulls its Dot, Add and DimShuffle into `layer1` (even
when a gradient also reads the Add); graph outputs stay outside. Inferred scopes are drawn as
boxes only when the picture holds two or more of them: a graph built in one function draws no
box around everything.

>>> scope_path('enc/layer1/W'), scope_path('W'), scope_path('/W'), scope_path('x / y')
('enc/layer1', None, None, None)
"""

from __future__ import annotations

from collections import Counter

from graphlens.graph.scopes import SEPARATOR, is_backward, is_inferred, layer_paths, scope_of
from graphlens.graph.scopes import name_scope_path as scope_path   # noqa: F401 (the name rule)
from graphlens.render.labels import is_constant, printable
from graphlens.render.scene import SceneCluster

__all__ = ["assign_scopes", "scope_path"]


def _named_calls(items, path_of) -> dict:
    """{inferred call scope (`HiddenLayer_3`): the scope the user wrote in a name made in that
    call (`layer1`)}, from items whose scope is a name the user wrote."""
    alias = {}
    for item in items:
        var = item.outputs[0] if hasattr(item, "outputs") else item
        tag = getattr(var, "scope", None)
        if tag is not None and tag.path is None and tag.name and not is_inferred(item):
            alias.setdefault(tag.name.split(SEPARATOR)[0], path_of[item])
    return alias


def assign_scopes(nodes, view, prefix, parent_cluster, scene, extra_paths=(),
                  folded=None, steps=None, loose=(), is_drawn=None) -> tuple:
    """({Apply or root variable: cluster key}, {scope path: cluster key}) for the scoped ones
    among `nodes` (drawn, in topological order) and the view's roots; adds the scope clusters
    to `scene`. `extra_paths` are scopes drawn open around folded boxes, `folded` the
    roots drawn inside those boxes, `steps` the update steps in a parameter's scope
    (fold.py), `loose` the update steps a picture drawn whole leaves out of every box, and
    `is_drawn(root)` says whether a root is drawn (a focus draws some): the others still count
    as the scopes the graph holds, but get no box of their own."""
    ends = {var.owner for var in list(view.outputs) + [value for _, value in view.updates]
            if var.owner is not None}
    drawn = set(nodes)
    users = {}
    for node in nodes:
        for var in node.inputs:
            if var.owner in drawn:
                users.setdefault(var.owner, []).append(node)
    path_of, weak = {}, {}
    # Users come after their inputs, so the reversed order meets every user first.
    steps = steps or {}
    for node in reversed(nodes):
        path = steps.get(node) or scope_of(node)
        if path is not None and is_inferred(node) and node not in steps:
            weak[node], path = path, None
        if path is None and node not in ends:
            # Unscoped readers (a gradient, say) neither pull the op out nor into a scope.
            user_paths = {path_of[user] for user in users.get(node, ()) if user in path_of}
            if len(user_paths) == 1:
                path = user_paths.pop()
        if path is not None:
            path_of[node] = path
    roots = []
    seen = set()
    for node in nodes:
        for var in node.inputs:
            if var.owner is None and var not in seen:
                seen.add(var)
                roots.append(var)
    for var in list(view.inputs) + [shared for shared, _ in view.updates]:
        if var not in seen:
            seen.add(var)
            roots.append(var)
    for var in roots:
        path = None if is_constant(var) or var in (folded or ()) else scope_of(var)
        if path is not None and is_inferred(var):
            weak[var], path = path, None
        if path is not None:
            path_of[var] = path
    # Weights the user named `layer1/W` inside a call whose scope is inferred (the tutorial's
    # HiddenLayer_3) name that call: its ops draw in `layer1` too, one layer one box.
    # A call that built the graph's outputs is the model's builder, not a layer: its name
    # stays its own.
    alias = _named_calls(list(path_of), path_of)
    for end in ends:
        if is_inferred(end):
            alias.pop(scope_of(end).split(SEPARATOR)[0], None)
    for item, path in list(weak.items()):
        if item not in path_of and path in alias and item not in ends:
            path_of[item] = alias[path] + path[len(path.split(SEPARATOR)[0]):]
            del weak[item]
    weak = {item: path for item, path in weak.items() if item not in path_of}
    # A lone parameter whose inferred scope built no drawn forward op (a helper
    # `shared_normal(shape, 'W_z')` made it) gets no box, nor does the sum of its gradient
    # (grad builds it in the weight's scope): a box around one weight says nothing its name
    # does not. Two or more (the dA's W and b after their ops were rewritten away) keep it.
    kept = layer_paths((item, path) for items in (path_of, weak)
                       for item, path in items.items() if hasattr(item, "op"))
    roots_in = Counter(path for item, path in weak.items() if not hasattr(item, "op"))
    kept |= {path for path, count in roots_in.items() if count > 1}
    weak = {item: path for item, path in weak.items() if path in kept}
    written = {path for path in path_of.values()}       # by name_scope or a `layer1/W` name
    # In a folded picture every open scope is drawn as a box: it was opened by name.
    if folded or len({path.split(SEPARATOR)[0] for path in weak.values()}) > 1:
        path_of.update(weak)
    # In a picture drawn whole, a scope's box holds its forward ops only: with its gradient
    # too, the forward ops at the top and their gradient at the bottom stretch every box over
    # the whole picture, and the boxes stand side by side as tall columns (the dA tutorial's
    # picture: 3,618 pt wide, half of it empty; 2,748 pt without). So do the update steps
    # (`W - lr * gW`, at the bottom) in the box of the function that built the updates. A
    # box opened in a folded picture keeps both, as its folded box counts them (fold.py).
    if not folded:
        for item in [item for item in path_of
                     if item not in steps and (is_backward(item) or item in loose)]:
            del path_of[item]
    if is_drawn is not None:
        # A focus on one layer keeps its box (the graph holds others), never empty ones.
        path_of = {item: path for item, path in path_of.items()
                   if hasattr(item, "op") or is_drawn(item)}
    if not path_of and not extra_paths:
        return {}, {}
    cluster_of_path = {}
    for path in sorted(set(path_of.values()) | set(extra_paths)):
        parts = path.split(SEPARATOR)
        for depth in range(1, len(parts) + 1):
            sub = SEPARATOR.join(parts[:depth])
            if sub in cluster_of_path:
                continue
            key = f"cluster_{prefix}_s{len(cluster_of_path)}"
            cluster_of_path[sub] = key
            parent = cluster_of_path.get(SEPARATOR.join(parts[:depth - 1]), parent_cluster)
            scene.clusters.append(SceneCluster(key, "scope", printable(parts[depth - 1]), parent,
                                               tooltip=_tooltip(sub, written, not folded)))
    return ({item: cluster_of_path[path] for item, path in path_of.items()}, cluster_of_path)


def _tooltip(path, written, whole) -> str:
    """What a scope box is: a name scope the user wrote, or the code of the model that built
    its ops (`dA.get_cost_updates`), which in a picture drawn whole holds its forward ops.

    >>> _tooltip('dA.get_cost_updates', set(), False)
    'ops built by the code dA.get_cost_updates (no name_scope)'
    """
    if any(name == path or name.startswith(path + SEPARATOR) for name in written):
        return f"name scope {printable(path)}"
    text = f"ops built by the code {printable(path)} (no name_scope)"
    if whole:
        text += ": the forward ones (gradients and update steps stand outside the boxes)"
    return text

"""Name scopes: variables named `layer1/W` are drawn inside a box labelled `layer1`.

The convention is the one TensorFlow made familiar: the scope of a name is everything before its
last '/', and scopes nest (`enc/layer1/W` is in `layer1`, inside `enc`). Each scope part must be
a plain word (letters, digits, '_', '-', '.'), so a name like `a</b` or `x / y` is just a name.
An unnamed op joins a scope when the drawn ops using its result that are in a scope are all in
that one scope, so `tanh(dot(x, W) + b)` named `layer1/h` pulls its Dot, Add and DimShuffle into
`layer1` (even when a gradient also reads the Add); graph outputs stay outside.

>>> scope_path('enc/layer1/W'), scope_path('W'), scope_path('/W'), scope_path('x / y')
('enc/layer1', None, None, None)
"""

from __future__ import annotations

import re

from graphlens.render.labels import is_constant, printable
from graphlens.render.scene import SceneCluster

SEPARATOR = "/"
_SCOPE_PART = re.compile(r"[\w.-]+")


def scope_path(name) -> str | None:
    """The scope part of a variable name (before the last '/'), or None when it has none."""
    if not name or SEPARATOR not in name:
        return None
    path = name.rsplit(SEPARATOR, 1)[0]
    if not all(_SCOPE_PART.fullmatch(part) for part in path.split(SEPARATOR)):
        return None
    return path


def assign_scopes(nodes, view, prefix, parent_cluster, scene) -> dict:
    """{Apply or root variable: cluster key} for the scoped ones among `nodes` (drawn, in
    topological order) and the view's roots; adds the scope clusters to `scene`."""
    ends = {var.owner for var in list(view.outputs) + [value for _, value in view.updates]
            if var.owner is not None}
    drawn = set(nodes)
    users = {}
    for node in nodes:
        for var in node.inputs:
            if var.owner in drawn:
                users.setdefault(var.owner, []).append(node)
    path_of = {}
    # Users come after their inputs, so the reversed order meets every user first.
    for node in reversed(nodes):
        path = scope_path(node.outputs[0].name)
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
        path = None if is_constant(var) else scope_path(var.name)
        if path is not None:
            path_of[var] = path
    if not path_of:
        return {}
    cluster_of_path = {}
    for path in sorted(set(path_of.values())):
        parts = path.split(SEPARATOR)
        for depth in range(1, len(parts) + 1):
            sub = SEPARATOR.join(parts[:depth])
            if sub in cluster_of_path:
                continue
            key = f"cluster_{prefix}_s{len(cluster_of_path)}"
            cluster_of_path[sub] = key
            parent = cluster_of_path.get(SEPARATOR.join(parts[:depth - 1]), parent_cluster)
            scene.clusters.append(SceneCluster(key, "scope", printable(parts[depth - 1]), parent,
                                               tooltip=f"name scope {printable(sub)}"))
    return {item: cluster_of_path[path] for item, path in path_of.items()}

"""Folds drawn into a scene: each FoldUnit (fold.py) as one box, wired to what it reads.

The scene keeps a fold as a `SceneCluster` of kind 'fold' (`folded=True`, a stable key
`cluster_b_fold3`, `members`: the walk keys its ops have in the unfolded picture, `count`:
the identical repeats, `node`: the key of its box) and one `SceneNode` of kind 'fold'
drawing it, labelled with its name, op counts (forward, backward, update steps), the shapes
entering and leaving it and its parameters. A viewer can open it in place; DOT writes only
the box. Edges into a box that carry a gradient are of kind 'gradient'.

>>> draw_folds(builder, plan, numbers, scope_clusters)                    # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.graph.scopes import SEPARATOR, is_backward
from graphlens.render import labels
from graphlens.render.scene import SceneCluster, SceneEdge, SceneNode

# The most shapes and parameter names a box lists before "...".
_LIST_LIMIT = 3


def unit_label(unit, inputs, outputs, steps=()) -> str:
    """The box's text: name, op counts (forward, backward, update steps), shapes in and out,
    parameters."""
    backward = sum(1 for node in unit.members if is_backward(node))
    stepping = sum(1 for node in unit.members if node in steps)
    forward = len(unit.members) - backward - stepping
    each = unit.count
    lines = [labels.printable(unit.title.rsplit(SEPARATOR, 1)[-1])]
    if each > 1:
        first, last = (labels.printable(path.rsplit(SEPARATOR, 1)[-1])
                       for path in (unit.scopes[0], unit.scopes[-1]))
        lines.append(f"{first}, ..., {last}" if each > 2 else f"{first}, {last}")
    if unit.kind == "rule":
        lines.append(" -> ".join(type(node.op).__name__ for node in unit.members[:4])
                     + (" ..." if len(unit.members) > 4 else ""))
    else:
        ops = f"{forward // each:,} op{'s' if forward // each != 1 else ''}"
        if backward:
            ops += f" + {backward // each:,} backward"
        if stepping:
            ops += f" + {stepping // each:,} update"
        lines.append(ops + (" each" if each > 1 else ""))
    if inputs:
        lines.append("in: " + _listed(inputs))
    if outputs:
        lines.append("out: " + _listed(outputs))
    names = list(dict.fromkeys(labels.printable(root.name.rsplit(SEPARATOR, 1)[-1])
                               for root in unit.roots if root.name))
    if names:
        lines.append("params: " + _listed(names))
    return "\n".join(lines)


def _listed(items) -> str:
    items = list(dict.fromkeys(items))
    text = ", ".join(items[:_LIST_LIMIT])
    return text + (", ..." if len(items) > _LIST_LIMIT else "")


def draw_folds(builder, plan, numbers, scope_clusters):
    """Add each unit's folded cluster and its box to the builder's scene; every op and root a
    unit stands for then draws as (and wires to) that box."""
    scene, prefix = builder.scene, builder.prefix
    for name in plan.unknown:
        # A misspelt --expand would otherwise just draw the summary again, silently.
        listed = ", ".join(plan.scopes[:8]) + (", ..." if len(plan.scopes) > 8 else "")
        note = (f"--expand {name}: no scope of that name in this graph"
                + (f" (its scopes: {listed})" if listed else " (it has no scopes)"))
        if note not in scene.notes:
            scene.notes.append(note)
    ins, outs = _boundary(builder.view, numbers, plan)
    for number, unit in enumerate(plan.units):
        cluster_key = f"cluster_{prefix}_fold{number}"
        node_key = f"{prefix}_f{number}"
        parent = scope_clusters.get(unit.parent, builder.cluster)
        in_types = [builder.type_text(var) for var in ins.get(number, ())]
        out_types = [builder.type_text(var) for var in outs.get(number, ())]
        label = unit_label(unit, in_types, out_types, plan.steps)
        what = "fold rule" if unit.kind == "rule" else "scope"
        names = ", ".join(labels.printable(path) for path in unit.scopes[:8])
        tooltip = (f"{what} {labels.printable(unit.title)}: {len(unit.members):,} ops folded"
                   + (f" ({names}{', ...' if len(unit.scopes) > 8 else ''})"
                      if unit.count > 1 else "")
                   + "\nexpand: --expand " + (labels.printable(unit.scopes[0])
                                              if unit.scopes else "all"))
        member_keys = [f"{prefix}_n{numbers[node]}" for node in unit.members]
        scene.clusters.append(SceneCluster(
            cluster_key, "fold", labels.printable(unit.title), parent, tooltip, folded=True,
            members=member_keys, count=unit.count, node=node_key,
            subjects=list(unit.members) + list(unit.roots)))
        backward = sum(1 for node in unit.members if is_backward(node))
        stepping = sum(1 for node in unit.members if node in plan.steps)
        scene.add_node(SceneNode(node_key, "fold", label, tooltip, parent, info={
            "kind": "fold", "title": labels.printable(unit.title), "fold": cluster_key,
            "scopes": [labels.printable(path) for path in unit.scopes], "count": unit.count,
            "ops": len(unit.members), "backward_ops": backward, "update_ops": stepping,
            "members": member_keys,
            "inputs": in_types, "outputs": out_types}))
        builder.scene_titles[node_key] = labels.printable(unit.title)
        for node in unit.members:
            builder.op_keys[node] = node_key
        for root in unit.roots:
            builder.root_keys[root] = node_key


def _boundary(view, numbers, plan) -> tuple:
    """({unit number: [variables entering]}, {unit number: [variables leaving]})."""
    index = {id(unit): number for number, unit in enumerate(plan.units)}
    unit_of = plan.unit_of
    ins, outs = {}, {}
    for node in numbers:
        unit = unit_of.get(node)
        here = None if unit is None else index[id(unit)]
        for var in node.inputs:
            if labels.is_constant(var):
                continue
            source_unit = unit_of.get(var.owner if var.owner is not None else var)
            there = None if source_unit is None else index[id(source_unit)]
            if there == here:
                continue
            if here is not None:
                ins.setdefault(here, {}).setdefault(var, None)
            if there is not None:
                outs.setdefault(there, {}).setdefault(var, None)
    ends = [(None, var) for var in view.outputs] + list(view.updates)
    for shared, var in ends:
        unit = unit_of.get(var.owner)
        # A layer's own parameter step stays inside its box.
        if unit is not None and unit_of.get(shared) is not unit:
            outs.setdefault(index[id(unit)], {}).setdefault(var, None)
    return ({k: list(v) for k, v in ins.items()}, {k: list(v) for k, v in outs.items()})


def wire_folds(builder, plan):
    """The edges into each folded box from what it reads outside itself (once per source)."""
    drawn = set()
    for unit in plan.units:
        members = set(unit.members) | set(unit.roots)
        head = builder.op_keys[unit.members[0]] if unit.members else builder.root_keys[
            unit.roots[0]]
        cluster = None      # sources are never constants here, so no node is made in it
        for node in unit.members:
            for var in node.inputs:
                source = var.owner if var.owner is not None else var
                if source in members or labels.is_constant(var):
                    continue
                tail = builder._outer_source(var, cluster)
                if tail == head or (tail, head) in drawn:
                    continue
                drawn.add((tail, head))
                # Between boxes, a gradient flows up against the forward data: say which.
                if is_backward(var):
                    builder.scene.edges.append(SceneEdge(
                        tail, head, "gradient", tooltip="gradient (the backward pass)"))
                else:
                    builder.scene.edges.append(SceneEdge(tail, head, "data"))


def add_fold_note(scene):
    """Say in the picture's title, and in `scene.notes` (the command line prints them), what
    was folded and how to open it."""
    folds = [cluster for cluster in scene.clusters if cluster.folded]
    if not folds:
        return
    ops = sum(len(cluster.members) for cluster in folds)
    first = next((c for c in folds if c.kind == "fold"), folds[0])
    scope = first.tooltip.rsplit("--expand ", 1)[-1]
    note = (f"folded: {ops:,} ops in {len(folds)} box{'es' if len(folds) != 1 else ''}; "
            f"open one with --expand {scope} (expand=['{scope}']), all with --expand all")
    scene.notes.append(note)
    scene.title = f"{scene.title}\n{note}" if scene.title else note

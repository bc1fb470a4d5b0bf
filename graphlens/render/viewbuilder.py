"""One view (a graph before or after its rewrites) added to a scene: its roots, ops, outputs,
updates and provenance, each with stable keys from the walk (`a_n12`: the 12th op of "after").

`scene.py` says what a picture shows; this is the walk that does it, once, over the view's
iterative toposort, and `build_scene` puts one or two views side by side. `fused.py` (fused
ops drawn open), `scopes.py` (name scopes) and `collapse.py` (max_nodes, long edges) each
handle one part of it.

>>> ViewBuilder(scene, view, 1000, {}, {}, {}, in_cluster=False).build()   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses

from graphlens.render import boundary, labels
from graphlens.render.collapse import (LARGE_GRAPH, MAX_OPEN_FUSED, MAX_SPAN, cuts_long_edges,
                                       drawn_open, inner_count, is_long, levels, summary_text,
                                       visible_nodes)
from graphlens.printer.forms import inner_graph
from graphlens.printer.naming import graph_names
from graphlens.render.focus import select
from graphlens.render.fused import add_fused
from graphlens.render.origins import inner_origins, origins_of
from graphlens.render.scene import (STAGE_TITLES, Scene, SceneCluster, SceneEdge, SceneNode,
                                    order_matters)
from graphlens.render.fold import open_step_scopes, plan_for, update_steps
from graphlens.render.fold_boxes import add_fold_note, draw_folds, wire_folds
from graphlens.render.scopes import assign_scopes, scope_path
from graphlens.render.style import rule_colors
from graphlens.tensor.static_shape import static_shapes

# A node whose inputs' known shapes do not fit its op: the picture marks where a call will fail.
CONFLICT_STYLE = {"color": "#d62728", "penwidth": "2.6"}


class ViewBuilder:
    """Adds one view's nodes, edges and clusters to a scene."""

    def __init__(self, scene, view, max_nodes, origins, colors, before_keys, in_cluster,
                 focus=None, example_inputs=None, folds=None, names=None):
        self.scene, self.view, self.max_nodes = scene, view, max_nodes
        self.focus = focus           # a focus.Focus: draw only part of the view
        self.selection = None        # what the focus keeps (focus.Selection)
        self.stub_count = 0          # boxes standing for what the focus leaves out
        self.stub_keys = {}
        self.folds = folds           # fold.FoldOptions, or None: every op drawn
        # Each variable's known shape: declared, refined by example inputs, test values and
        # shared variables' current values (tensor/static_shape.py); types stay as declared.
        self.shapes = static_shapes(list(view.outputs) + [value for _, value in view.updates],
                                    example_inputs)
        # The roots' names, as pp and the trace give them (`W_2`, `s1`): printer/naming.py.
        self.names = names if names is not None else graph_names(view.outputs, view.inputs)
        self.origins, self.colors, self.before_keys = origins, colors, before_keys
        self.prefix = {"before": "b", "after": "a", "graph": "g"}[view.stage]
        self.cluster = f"cluster_{self.prefix}" if in_cluster else None
        self.op_keys = {}        # Apply -> key of its box (or of its fused cluster's output)
        self.root_keys = {}      # input or shared variable -> key
        self.summary_key = None
        self.constant_count = 0
        self.reference_count = 0
        self.scopes = {}
        self.scope_paths = set()     # the scopes drawn as boxes
        self.levels = {}             # {drawn node or root: level}, see collapse.levels
        self.cut_long_edges = False  # a large picture: long edges become tags
        self.consumer_level = None   # level of the op whose inputs are being drawn
        self.inside_fused = False    # drawing the inner ops of a fused op
        # {inner input: the outer value it stands for}, while a fused op's inner ops are drawn.
        self.outer_values = {}
        # {inner input of a loop's step: its name, `h[t-1]`}: an edge from outside the loop's
        # box into a step op carries one step's value of its source, and says which.
        self.step_inputs = {}
        self.fused_tags = {}         # (target key, fused cluster) -> its tag
        self.scene_titles = {}       # node key -> short title, for reference tags
        # Many nodes share an op or a type: their texts are made once per picture.
        self._op_texts = {}
        self._type_texts = {}

    def op_text(self, op) -> str:
        """`labels.op_text(op)`, computed once per distinct op."""
        text = self._op_texts.get(op)
        if text is None:
            text = self._op_texts[op] = labels.op_text(op)
        return text

    def type_info(self, var) -> dict:
        """`_type_info(var)`, computed once per distinct type and known shape (a fresh dict
        each call)."""
        key = (var.type, self.shapes.shape(var))
        info = self._type_texts.get(key)
        if info is None:
            info = self._type_texts[key] = _type_info(var, self.shapes)
        return dict(info)

    def type_text(self, var) -> str:
        """`float64[256, 784]`: the variable's type with its known shape."""
        return self.type_info(var)["type"]

    def build(self):
        """Add the view's stage cluster, scopes, roots, ops, outputs and updates."""
        nodes = all_nodes = self.view.nodes()
        if self.focus is not None:
            self.selection = select(self.focus, self.view, nodes=all_nodes)
            nodes = [node for node in nodes if node in self.selection.nodes]
        plan = plan_for(self.view, nodes, self.folds, all_nodes)
        candidates = [node for node in nodes if node not in plan.unit_of]
        visible = visible_nodes(self.view, candidates, self.max_nodes)
        shown = [node for node in candidates if node in visible]
        self.scopes, scope_clusters = assign_scopes(
            shown, self.view, self.prefix, self.cluster, self.scene,
            extra_paths={unit.parent for unit in plan.units if unit.parent},
            folded=plan.unit_of, steps=open_step_scopes(plan),
            loose=update_steps(self.view, shown, all_nodes) if not plan.unit_of else (),
            is_drawn=self._drawn if self.selection is not None else None)
        self.scope_paths = set(scope_clusters)
        self.levels = levels(shown, self.max_nodes)
        self.cut_long_edges = cuts_long_edges(len(shown))
        if self.cluster:
            self._add_stage_cluster(nodes)
        # Keys number the whole view's walk, focused or not: `b_n5` is one node everywhere.
        numbers = {node: number for number, node in enumerate(all_nodes)}
        # Folded boxes first: the ops and roots they stand for then resolve to them.
        draw_folds(self, plan, numbers, scope_clusters)
        for var in self.view.inputs:
            if self._drawn(var):
                self._root_key(var)
        if len(shown) < len(candidates):
            self._add_summary(candidates, visible)
        for node in shown:
            self.consumer_level = self.levels[node]
            key = f"{self.prefix}_n{numbers[node]}"
            self._add_op(node, key, self.scopes.get(node, self.cluster), self._outer_source)
            if self.selection is not None:
                drawn_key = self.op_keys[node]
                boundary.reader_stub(self, node, drawn_key, self._cluster_of(
                    drawn_key, self.scopes.get(node, self.cluster)))
        self.consumer_level = None
        wire_folds(self, plan)
        for position, var in enumerate(self.view.outputs):
            if self._drawn(var):
                self._add_output(position, var)
        drawn_updates = set()
        for shared, value in self.view.updates:
            if not (self._drawn(value) and self._drawn(shared)):
                continue
            tail = self._outer_source(value, self.cluster)
            head, kind = self._root_key(shared), "update"
            if head == tail or (tail, head) in drawn_updates:
                continue        # a folded layer's own step, or one already drawn between boxes
            drawn_updates.add((tail, head))
            if self.cut_long_edges and is_long(self.levels.get(shared, 0),
                                               self.levels.get(value.owner, 0)):
                # The arrow ends at a tag just below the op computing the new value (an
                # ordinary edge: a tag held only by a non-ranking edge would float to the top).
                head, kind = self._reference(shared, head, self.cluster), "update_tag"
            name = self.names.name(shared)
            self.scene.edges.append(SceneEdge(tail, head, kind,
                                              tooltip=f"update: the new value of {name}",
                                              output=output_of_several(value)))

    def _cluster_of(self, key, default):
        """The box node `key`, just added, is drawn in: for a fused op's result, its fused box.
        A "... read by" box goes there, beside it: Graphviz places a node on its neighbour's
        rank next to it only when both share a box."""
        for scene_node in reversed(self.scene.nodes):
            if scene_node.key == key:
                return scene_node.cluster
        return default

    def _drawn(self, var) -> bool:
        """False for a root or value the focus leaves out (always True without a focus)."""
        return self.selection is None or not boundary.is_cut(self.selection, var)

    def _add_stage_cluster(self, nodes):
        stage = self.view.stage
        label = f"{STAGE_TITLES[stage]}: {_plural(len(nodes), 'op')}"
        if self.selection is not None:
            label += " in the focus"
        if stage == "after" and self.view.function is not None:
            label += f", {_plural(len(self.view.function.rewrite_log), 'replacement')}"
        self.scene.clusters.append(SceneCluster(self.cluster, "stage", label))

    def _add_summary(self, nodes, visible):
        label, tooltip, counts = summary_text(nodes, visible, self.max_nodes)
        self.summary_key = self.scene.add_node(SceneNode(
            f"{self.prefix}_more", "summary", label, tooltip, self.cluster,
            info={"kind": "summary", "title": label.split("\n")[0][4:], "counts": counts}))
        drawn_roots = set()
        for node in nodes:
            if node in visible:
                continue
            for var in node.inputs:
                if var.owner is None and not labels.is_constant(var) and var not in drawn_roots:
                    drawn_roots.add(var)
                    self.scene.edges.append(SceneEdge(self._root_key(var), self.summary_key,
                                                      "summary"))

    def _outer_source(self, var, cluster):
        """The key of the node that draws `var`'s value for a reader in `cluster`: its own
        node, or in a large picture a reference tag when that node is too far above."""
        if self.selection is not None and boundary.is_cut(self.selection, var):
            return boundary.variable_stub(self, var, cluster)
        if var.owner is None:
            if labels.is_constant(var):
                return self._constant_node(var, cluster)
            key = self._root_key(var)
        else:
            key = self.op_keys.get(var.owner)
            if key is None:
                key = self.summary_key
        # A fused op's box reads roots from far above through tags too, in any picture:
        # otherwise the box stretches from the weights at the top to the gradient at the bottom.
        cut = self.cut_long_edges or (self.inside_fused and var.owner is None)
        source = var if var.owner is None else var.owner
        if cut and self.consumer_level is not None and is_long(self.levels.get(source, 0),
                                                               self.consumer_level):
            return self._reference(var, key, cluster)
        return key

    def _reference(self, var, target, cluster):
        """A small dashed tag standing for node `target` (which draws `var`) far away; inside
        a fused op's box, one tag per target serves every inner op reading it."""
        if self.inside_fused and (target, cluster) in self.fused_tags:
            return self.fused_tags[target, cluster]
        title = self.scene_titles.get(target, target)
        key = f"{self.prefix}_r{self.reference_count}"
        self.reference_count += 1
        tooltip = (f"{title}: drawn far above; the edge from there is cut "
                   f"(edges crossing over {MAX_SPAN} levels are cut in pictures over "
                   f"{LARGE_GRAPH} ops, and into fused ops from inputs and shared variables)")
        self.scene.add_node(SceneNode(
            key, "reference", f"{title}\n(drawn above)", tooltip, cluster,
            info={"kind": "reference", "title": title, "refers_to": target}))
        if self.inside_fused:
            self.fused_tags[target, cluster] = key
        return key

    def _constant_node(self, var, cluster):
        key = f"{self.prefix}_c{self.constant_count}"
        self.constant_count += 1
        text = labels.constant_text(var)
        tooltip = f"constant {text}\n{self.type_text(var)}"
        return self.scene.add_node(SceneNode(
            key, "constant", text, tooltip, cluster,
            info={"kind": "constant", "title": text, **self.type_info(var)}))

    def _root_key(self, var):
        key = self.root_keys.get(var)
        if key is not None:
            return key
        key = f"{self.prefix}_v{len(self.root_keys)}"
        self.root_keys[var] = key
        kind = "shared" if labels.is_shared(var) else "input"
        name = self.display_name(var)
        label = f"{name or f'<{kind}>'}\n{self.type_text(var)}"
        info = {"kind": kind, "title": labels.printable(self.names.name(var)),
                **self.type_info(var),
                "source": labels.source_text(var)}
        tooltip = f"{kind} {info['title']}: {self.type_text(var)}"
        # The label's type already shows the current value's lengths; the tooltip says that
        # they are the current value's (set_value may change them), not declared.
        value_shape = labels.shared_value_shape(var) if kind == "shared" else None
        if value_shape is not None and value_shape != "()":
            info["value_shape"] = value_shape
            tooltip += f", value shape {value_shape}"
        tooltip += f"\nbuilt at {info['source']}"
        self.scene.add_node(SceneNode(key, kind, label, tooltip,
                                      self.scopes.get(var, self.cluster), info=info,
                                      subject=var))
        self.scene_titles[key] = info["title"]
        return key

    def _add_output(self, position, var):
        key = f"{self.prefix}_o{position}"
        name = labels.printable(var.name) if var.name else f"output {position}"
        label = f"{name}\n{self.type_text(var)}"
        tooltip = f"output {position}: {name if var.name else '(unnamed)'}, {self.type_text(var)}"
        info = {"kind": "output", "title": name, "position": position, **self.type_info(var),
                "source": labels.source_text(var)}
        self.scene.add_node(SceneNode(key, "output", label, tooltip, self.cluster, info=info))
        self.scene.edges.append(SceneEdge(self._outer_source(var, self.cluster), key,
                                          output=output_of_several(var)))

    def count_rule(self, rule):
        """Count one more drawn node (or fused cluster) made by `rule`, for the legend."""
        self.scene.rule_counts[rule] = self.scene.rule_counts.get(rule, 0) + 1

    def display_name(self, var) -> str | None:
        """`var`'s name as drawn: inside its scope's box, without the scope (`W`, not
        `layer1/W`: the box says `layer1`)."""
        if var.owner is None and not labels.is_constant(var):
            name = self.names.name(var)      # a root: named as in every other view
        elif var.name:
            name = var.name
        else:
            return None
        path = scope_path(name)
        if path is not None and path in self.scope_paths:
            return labels.printable(name.rsplit("/", 1)[1])
        return labels.printable(name)

    def _add_op(self, node, key, cluster, source_of, extra_info=None):
        """Draw `node` as a box (or, for a fused op, as a cluster of its inner ops)."""
        origin = self.origins.get(node)
        # In a focused picture a loop stays closed: its step's ops are not the focus, and each
        # value the step reads from outside would need a box of its own.
        graph = inner_graph(node.op)
        loop_in_focus = (self.selection is not None and graph is not None
                         and not graph.substitutable)
        if drawn_open(node, self.max_nodes) and not loop_in_focus:
            # Nesting of fused ops inside fused ops is shallow (a few levels), never graph depth.
            self.op_keys[node] = add_fused(self, node, key, cluster, source_of, origin)
            return
        out = node.outputs[0]
        op_text = self.op_text(node.op)
        closed = inner_count(node.op)
        if closed:
            # Too many inner ops to draw open: one box, its formula in the tooltip.
            extra_info = {**(extra_info or {}),
                          "fused_closed": labels.printable(node.op.label, limit=200)}
            graph = inner_graph(node.op)
            title = labels.printable(graph.title or type(node.op).__name__)
            op_text = f"{title}: {graph.ops_text(closed)}"
        type_facts = self.type_info(out)
        type_line = type_facts["type"]
        if out.name:
            type_line = f"{self.display_name(out)}: {type_line}"
        label = "\n".join(labels.wrap(labels.cut(op_text)) + [type_line])
        info = {"kind": "op", "title": op_text, **type_facts,
                "source": self.source_line(node, origin)}
        if out.name:
            info["name"] = labels.printable(out.name)
        if extra_info:
            info.update(extra_info)
        tooltip = [op_text, f"output: {type_line}", f"built at {info['source']}"]
        fill = None
        if origin is not None:
            tooltip.extend(self._origin_lines(origin, info))
            if origin.rule is not None:
                fill = self.colors.get(origin.rule)
                self.count_rule(origin.rule)
        if extra_info and "fused_in" in extra_info:
            tooltip.append(f"inside fused op {extra_info['fused_in']}")
        if closed:
            limit = min(MAX_OPEN_FUSED, self.max_nodes or MAX_OPEN_FUSED)
            why = (f"more than {limit:,} fused ops do not fit in one box" if not loop_in_focus
                   else "a loop is drawn closed in a focused picture")
            tooltip += [extra_info["fused_closed"], f"drawn closed: {why}"]
        # A random draw keeps the op's facts but its own shape: a reader spots the noise.
        kind = "random" if node.op.draws_random else "op"
        if kind == "random":
            tooltip.insert(1, "random draw: new samples on every call")
        conflict = self.shapes.conflicts.get(node)
        if conflict is not None:
            info["shape_conflict"] = labels.printable(conflict, limit=300)
            tooltip.append(f"SHAPES DO NOT FIT: {info['shape_conflict']}")
            # The label says it too: a red border alone has no legend to explain it.
            label += "\nshapes do not fit"
        # Several outputs: a box names each on a port its edges leave from (a hexagon has none).
        ports = (tuple(output_of_several(var)[1] for var in node.outputs)
                 if kind == "op" and len(node.outputs) > 1 else ())
        # An op may name its inputs for pictures (ifelse: cond, then, else): a box names each
        # on a port its edge enters; else positions are shown where order matters.
        names = getattr(node.op, "input_labels", None)
        in_ports = (tuple(labels.printable(name) for name in names)
                    if kind == "op" and names and len(names) == len(node.inputs) else ())
        self.scene.add_node(SceneNode(key, kind, label, "\n".join(tooltip), cluster, fill, info,
                                      subject=node,
                                      attrs=dict(CONFLICT_STYLE) if conflict else {},
                                      ports=ports, in_ports=in_ports))
        self.op_keys[node] = key
        self.scene_titles[key] = op_text
        ordered = names is not None or (order_matters(node.op) and len(node.inputs) > 1)
        cut = {}
        if self.selection is not None and not self.inside_fused:
            cut = boundary.cut_inputs(self.selection, node)
        stub = boundary.input_stub(self, node, key, cut, cluster) if cut else None
        step_inputs = self.step_inputs
        for position, var in enumerate(node.inputs):
            label = (names[position] if names else str(position)) if ordered else None
            step = step_inputs.get(var) if step_inputs else None
            if step is not None:
                label = step if label is None else f"{label}: {step}"
            if position in cut:
                if position != min(cut):
                    continue
                # One edge from the box for all the inputs it stands for: `0, 2-14`.
                label = boundary.positions_text(cut, names) if ordered else None
            tail = stub if position in cut else source_of(var, cluster)
            self.scene.edges.append(SceneEdge(tail, key, "data", label,
                                              subject=(node, position), output=output_of_several(
                                                  self.outer_values.get(var, var)),
                                              input=position if position not in cut else None))

    def source_line(self, node, origin) -> str:
        """The user's line(s) behind `node`: where its output was built, or, for a node a
        rewrite made (while compiling), where the nodes it replaced were built."""
        if origin is None or origin.rule is None or not origin.sources:
            return labels.source_text(node.outputs[0])
        lines = list(dict.fromkeys(labels.source_text(source.outputs[0])
                                   for source in origin.sources))
        return _shortened(lines, limit=4)

    def _before_text(self, node) -> str:
        """`Exp at model.py:12`: a before-graph node as its op and the user's line."""
        line = labels.source_text(node.outputs[0])
        return self.op_text(node.op) + ("" if line == "<unknown>" else f" at {line}")

    def _origin_lines(self, origin, info) -> list:
        """Tooltip lines for a node's provenance; fills the HTML facts in `info` on the way."""
        # Named as a user knows them: the op and the line that built it, never a picture key.
        sources = [self._before_text(node) for node in origin.sources]
        info["sources"] = [self.before_keys[node] for node in origin.sources
                           if node in self.before_keys]
        info["from_before"] = sources
        if origin.rule is None and not origin.rules:
            return [f"unchanged from before-graph node {_shortened(sources)}"] if sources else []
        lines = []
        rules = [labels.printable(rule) for rule in origin.rules]
        if origin.rule is not None:
            info["rule"] = labels.printable(origin.rule)
            info["rule_location"] = labels.printable(origin.location, limit=200)
            lines.append(f"made by rewrite {info['rule']}"
                         + (f" ({info['rule_location']})" if origin.location else ""))
        info["rules"] = rules
        if rules and rules != [info.get("rule")]:
            lines.append("rewrites in its ancestry: " + _shortened(rules))
        if sources:
            lines.append("from before-graph nodes: " + _shortened(sources))
        return lines


def _type_info(var, shapes) -> dict:
    shape = shapes.shape(var)
    info = {"type": labels.printable(shapes.type_text(var), limit=200)}
    if shape is not None:
        info["dtype"] = labels.printable(getattr(var.type, "dtype", var.type))
        info["shape"] = "(" + ", ".join("?" if d is None else str(d) for d in shape) + (
            ",)" if len(shape) == 1 else ")")
    return info


def _shortened(items, limit: int = 8) -> str:
    text = ", ".join(items[:limit])
    return text + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def build_scene(views, *, max_nodes: int | None = 1000, title: str | None = None,
                focus=None, example_inputs=None, folds=None) -> Scene:
    """The scene for one or two views (side by side, each in its own cluster when two);
    `folds` (a fold.FoldOptions) folds scopes into boxes, None draws every op; `focus` (a
    focus.Focus) draws only part of each view, whole (a focus is small: it never folds).

    `example_inputs` ({input: value}) gives the inputs' lengths, so the types drawn read
    `float64[200, 16]`; test values and shared variables' values count too.

    >>> scene = build_scene(views(T.exp(x), 'after'))                     # doctest: +SKIP
    >>> [node.kind for node in scene.nodes]
    ['input', 'op', 'output']
    """
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    scene = Scene(title=title if title is not None else _default_title(views))
    if focus is not None:
        scene.title = "\n".join(filter(None, [scene.title, focus.describe()]))
        folds = None
    if folds is not None and folds.fold is None:
        # One decision for the picture, by all it would draw: side by side, both halves fold
        # or neither does.
        folds = dataclasses.replace(folds, fold=folds.folds(sum(view.op_count()
                                                                for view in views)))
    colors = {}
    # One naming for both halves, from the graph as the user built it (as pp names them).
    function = views[0].function
    names = (graph_names(function.fgraph_before.outputs, function.fgraph_before.inputs)
             if function is not None else graph_names(views[0].outputs))
    for view in views:
        origins = origins_of(view.function) if view.stage == "after" else {}
        if origins:
            # Inner graphs rewritten on their own (a loop's step) keep their provenance too.
            origins = {**inner_origins(view.nodes()), **origins}
        colors = rule_colors(origin.rule for origin in origins.values() if origin.rule)
        # Before-graph nodes are named by their walk position (b_n5) whether or not the before
        # picture is drawn, so a tooltip's "from Log (b_n5)" means the same in every picture.
        before_keys = {}
        if origins:
            before_keys = {node: f"b_n{number}" for number, node
                           in enumerate(view.function.fgraph_before.toposort())}
        builder = ViewBuilder(scene, view, max_nodes, origins, colors, before_keys,
                               in_cluster=len(views) > 1, focus=focus,
                               example_inputs=example_inputs, folds=folds, names=names)
        builder.build()
    add_fold_note(scene)
    _add_legend(scene, colors, views)
    _add_random_legend(scene)
    return scene


def _default_title(views) -> str:
    function = views[0].function
    if function is None:
        return ""
    # Quoted by hand: repr() would double a backslash, and DOT's own escaping doubles it again.
    given = function.given_name
    name = f"function '{labels.printable(given)}'" if given else "function"
    before, after = len(function.fgraph_before.apply_nodes), len(function.fgraph.apply_nodes)
    if len(views) > 1:
        return f"{name}: before and after rewrites ({before} ops -> {after})"
    if views[0].stage == "before":
        return f"{name}: before rewrites, {before} ops"
    return (f"{name}: after rewrites, {after} ops (from {before}), "
            f"{len(function.rewrite_log)} replacements")


def _add_legend(scene, colors, views):
    if not scene.rule_counts:
        return
    scene.clusters.append(SceneCluster("cluster_legend", "legend",
                                       "colour = the rewrite that made the node"))
    replacements = views[-1].function.rewrite_log.counts()
    for number, rule in enumerate(sorted(scene.rule_counts)):
        count = scene.rule_counts[rule]
        label = f"{labels.printable(rule)}\n{count} node{'s' if count != 1 else ''}"
        total = replacements.get(rule, 0)
        tooltip = (f"rewrite {labels.printable(rule)}: made {count} of the drawn nodes; "
                   f"{total} replacement{'' if total == 1 else 's'} in all")
        scene.add_node(SceneNode(f"legend{number}", "legend", label, tooltip,
                                 "cluster_legend", colors.get(rule),
                                 {"kind": "legend", "title": labels.printable(rule)}))


def _add_random_legend(scene):
    """A key for the random draws' hexagon, in pictures that have one: a reader who meets a
    shape of its own should not have to guess it."""
    count = sum(1 for node in scene.nodes if node.kind == "random")
    if not count:
        return
    scene.clusters.append(SceneCluster("cluster_random_legend", "legend", "shape"))
    tooltip = (f"{count} random draw{'s' if count != 1 else ''} drawn: fresh samples on every "
               f"call; each stream's state is a shared variable whose update moves it on")
    scene.add_node(SceneNode("legend_random", "random", "random draw\nnew samples every call",
                             tooltip, "cluster_random_legend",
                             info={"kind": "legend", "title": "random draw"}))


def output_of_several(var) -> tuple | None:
    """(index, name) of `var` among the outputs of its node when that node has several
    (`sigmoid(-z)`, or `out 2`), else None: the node is drawn once for all of them, and the
    edges carrying `var` say which it is (from its port, or with its name).

    >>> output_of_several(sigmoid_bce_parts(z, t)[2])                   # doctest: +SKIP
    (2, 'sigmoid(-z)')
    """
    owner = var.owner
    if owner is None:
        return None
    shown = len(owner.outputs) - owner.op.hidden_outputs
    if shown == 1 and (not var.index or var.index >= shown):
        # One output shown: a random draw's samples; its next state (hidden) leaves only on
        # the dashed update edge, which says what it is.
        return None
    index = owner.outputs.index(var)
    names = getattr(owner.op, "output_labels", None)
    return index, labels.printable(names[index] if names else f"out {index}")

"""Folding: a scope drawn as one box, repeats drawn once with a count, op patterns as blocks.

What `plan_folds` decides, for one view:

- each scope (graph/scopes.py `scope_of`: a `name_scope`, a `layer1/W` name, or the function
  that built the op, `HiddenLayer_3`) folds into one box labelled with its name, its op count
  (forward and backward: `grad` builds a layer's gradient in the layer's scope), the shapes
  entering and leaving it and its parameters; a scope named in `expand` opens, showing its
  own ops in a scope box and its sub-scopes folded; `expand=['all']` opens everything;
- sibling scopes of one family (`HiddenLayer`, `HiddenLayer_2`, ...) with identical structure
  (the same ops, types and wiring, in order) are drawn once, `HiddenLayer ×8`;
- an op used only to compute a scoped shared variable's update (`W - lr * gW`) belongs to
  that variable's scope: a layer's step folds with it;
- `fold_rules=[("Dense", ["Dot", "Add", "Tanh"])]` folds each chain of ops of those classes
  (each op the only reader of the one before; helpers reading only roots, such as the bias's
  DimShuffle, go with it) into one block labelled "Dense", in the parts still drawn.

`fold_boxes.py` draws the plan into the scene. Everything is decided in one pass over the
view's toposort.

>>> plan = plan_folds(view, view.nodes(), expand=())                     # doctest: +SKIP
>>> [unit.title for unit in plan.units]
['HiddenLayer ×8', 'LogisticRegression']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphlens.graph.scopes import SEPARATOR, is_backward, is_inferred, layer_paths, scope_of
from graphlens.render import labels

EXPAND_ALL = "all"
_NUMBER_SUFFIX = re.compile(r"_\d+$")


@dataclass
class FoldUnit:
    """One box of a folded picture: the ops and roots it stands for."""

    title: str
    scopes: list                 # the scope paths folded here (several for a repeat)
    members: list = field(default_factory=list)      # Apply nodes, in toposort order
    roots: list = field(default_factory=list)        # shared variables (parameters) inside
    kind: str = "scope"          # 'scope' or 'rule' (a user fold rule)
    parent: str | None = None    # the expanded scope path drawn around it, if any

    @property
    def count(self) -> int:
        """How many identical scopes the box stands for (1 unless a repeat)."""
        return len(self.scopes) if self.kind == "scope" else 1


@dataclass
class FoldPlan:
    """`unit_of`: {Apply or root variable: its FoldUnit}, for everything folded; `steps`: the
    ops computing a parameter's update (`W - lr * gW`), folded with the parameter."""

    units: list
    unit_of: dict
    steps: dict = field(default_factory=dict)    # {update-step op: its parameter's scope}
    unknown: list = field(default_factory=list)  # names in `expand` that are no scope here
    scopes: list = field(default_factory=list)   # the outermost scopes, for that message


def plan_folds(view, nodes, expand=(), fold_rules=(), view_nodes=None) -> FoldPlan:
    """The folds of `view` (its drawn `nodes` in toposort order; `view_nodes` all of its
    ops when a focus or max_nodes draws fewer); see the module's docstring."""
    expand = set(expand)
    steps = {}
    path_of = _paths(view, nodes, steps, nodes if view_nodes is None else view_nodes)
    _keep_steps_of_layers(nodes, path_of, steps)
    units, unit_of = [], {}
    opened_alone = set()
    if EXPAND_ALL not in expand:
        opened_alone = _lone_scopes(path_of, nodes, expand)
        expand |= opened_alone
        by_path = {}
        # Items in walk order: ops in toposort order (the signatures read inputs first).
        order = {node: number for number, node in enumerate(nodes)}
        items = sorted(path_of, key=lambda item: order.get(item, -1))
        for item in items:
            path = path_of[item]
            folded = _fold_path(path, expand)
            if folded is not None:
                by_path.setdefault(folded, []).append(item)
        for path in sorted(by_path, key=natural_key):
            items = by_path[path]
            members = [i for i in items if hasattr(i, "op")]
            if all(is_backward(i) for i in members):
                # Only parameters, made by a helper (`shared_normal(shape, 'W_z')`, lstm.py's
                # `init_params`), and the sums of their gradients: no layer, and folding it
                # would hide which weight each op reads. They are drawn by their names.
                continue
            unit = FoldUnit(path, [path], members,
                            [i for i in items if not hasattr(i, "op")],
                            parent=_parent(path))
            units.append(unit)
        units = _merge_repeats(units, nodes)
        for unit in units:
            for item in unit.members + unit.roots:
                unit_of[item] = unit
    if fold_rules:
        drawn = [node for node in nodes if node not in unit_of]
        for unit in _rule_units(drawn, fold_rules):
            units.append(unit)
            for item in unit.members:
                unit_of[item] = unit
    known = {SEPARATOR.join(path.split(SEPARATOR)[:depth])
             for path in set(path_of.values())
             for depth in range(1, path.count(SEPARATOR) + 2)}
    unknown = sorted(name for name in expand if name not in known and name != EXPAND_ALL
                     and name not in opened_alone)
    tops = sorted({path.split(SEPARATOR)[0] for path in known}, key=natural_key)
    return FoldPlan(units, unit_of, steps, unknown, tops)


def _paths(view, nodes, steps, view_nodes) -> dict:
    """{Apply or shared root: scope path} for the scoped ones among `nodes` (those drawn);
    graph inputs stay drawn. `view_nodes`: every op of the view, whose readers say which ops
    only compute an update."""
    path_of = {}
    for node in nodes:
        path = scope_of(node)
        if path is not None:
            path_of[node] = path
    inputs = set(view.inputs)
    for node in nodes:
        for var in node.inputs:
            if var.owner is None and var not in inputs and var not in path_of \
                    and not labels.is_constant(var):
                path = scope_of(var)
                if path is not None:
                    path_of[var] = path
    for shared, _ in view.updates:
        if shared not in path_of and scope_of(shared) is not None:
            path_of[shared] = scope_of(shared)
    _adopt_update_steps(view, nodes, path_of, steps, view_nodes)
    return path_of


def _adopt_update_steps(view, nodes, path_of, steps, view_nodes):
    """Ops of `nodes` that only compute a scoped shared variable's new value (`W - lr * gW`)
    join its scope, when they have none or only the one inferred from the function building
    the updates (a `build_train()`): a layer's step folds with the layer."""
    # Readers in the whole view: a focus draws part of it, and an op whose other readers the
    # focus leaves out (a layer's forward Dot) still computes more than the update.
    readers = {}
    for node in view_nodes:
        for var in node.inputs:
            if var.owner is not None:
                readers.setdefault(var.owner, []).append(node)
    ends = {var.owner for var in list(view.outputs) + [value for _, value in view.updates]
            if var.owner is not None}
    def settled(node):
        return node in path_of and (node in steps or not is_inferred(node)
                                    or is_backward(node))

    for shared, value in view.updates:
        path = path_of.get(shared)
        if path is None or value.owner is None or settled(value.owner) \
                or path_of.get(value.owner) == path:
            continue
        stack, private = [value.owner], set()
        while stack:
            node = stack.pop()
            if node in private or settled(node) or (node in ends and node is not value.owner):
                continue
            if node is not value.owner and any(r not in private for r in readers.get(node, ())):
                continue
            private.add(node)
            stack.extend(var.owner for var in node.inputs if var.owner is not None)
        drawn = set(nodes) if view_nodes is not nodes else None
        for node in private:
            if drawn is None or node in drawn:
                path_of[node] = steps[node] = path


def _keep_steps_of_layers(nodes, path_of, steps):
    """Update steps stay in their parameter's scope only when that scope is a layer (it built
    forward ops). A scope that only made parameters (a helper `shared_normal(shape, 'W_z')`)
    is none: folded with its steps, eight such calls would be one box `shared_normal ×8`
    hiding which weight each op reads; the steps go back to where they were built (the
    `rmsprop` that wrote them)."""
    layers = layer_paths(((node, path_of.get(node)) for node in nodes), skip=steps)
    for node, path in list(steps.items()):
        if path not in layers:
            del steps[node]
            built = scope_of(node)
            if built is None:
                del path_of[node]
            else:
                path_of[node] = built


def _lone_scopes(path_of, nodes, expand) -> set:
    """Scopes to open because folding them would draw one box standing for every op: a
    model built inside one function folds by the layers it calls instead, and a graph with
    no smaller scope is drawn as it is."""
    opened = set()
    if any(node not in path_of for node in nodes):
        return opened
    paths = {path_of[node] for node in nodes}
    while True:
        tops = {_fold_path(path, expand | opened) for path in paths}
        if len(tops) != 1 or None in tops:
            return opened
        opened |= tops


def _fold_path(path, expand) -> str | None:
    """The outermost scope of `path` that is not expanded (None: every level is open)."""
    parts = path.split(SEPARATOR)
    for depth in range(1, len(parts) + 1):
        prefix = SEPARATOR.join(parts[:depth])
        if prefix not in expand:
            return prefix
    return None


def _parent(path) -> str | None:
    return path.rsplit(SEPARATOR, 1)[0] if SEPARATOR in path else None


def natural_key(path) -> tuple:
    """Sort key putting `HiddenLayer_2` before `HiddenLayer_10`."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", path))


def family(path) -> str:
    """`HiddenLayer` for `HiddenLayer_3` (and for `HiddenLayer`): what repeats are named by."""
    last = path.rsplit(SEPARATOR, 1)[-1]
    return _NUMBER_SUFFIX.sub("", last)


def _merge_repeats(units, nodes) -> list:
    """Runs of consecutive sibling units of one family with identical structure become one
    unit with a count. Consecutive in data order (where each unit's first op sits in the
    toposort): layers 2 to 5 before an odd layer and 7 to 15 after it stay two boxes, so the
    picture's arrows still follow the data."""
    position = {node: number for number, node in enumerate(nodes)}
    op_labels = {}      # op -> label, computed once per distinct op

    def start(unit):
        return min((position[node] for node in unit.members), default=len(position))

    runs = []
    for unit in sorted(units, key=start):
        key = (unit.parent, family(unit.scopes[0]), _signature(unit, op_labels))
        if runs and runs[-1][0] == key:
            runs[-1][1].append(unit)
        else:
            runs.append((key, [unit]))
    merged = []
    for _, group in runs:
        if len(group) < 2:
            merged.append(group[0])
            continue
        first = group[0]
        members = sorted((n for u in group for n in u.members), key=position.__getitem__)
        title = f"{family(first.scopes[0])} ×{len(group)}"
        merged.append(FoldUnit(title, [u.scopes[0] for u in group], members,
                               [r for u in group for r in u.roots], parent=first.parent))
    return merged


def _signature(unit, op_labels) -> tuple:
    """The unit's structure, whatever order its ops were walked in: the multiset of its ops,
    each labelled by its op, output types, direction and, recursively, where each input comes
    from (an op of the unit by its label, one of its roots by type, a constant, or outside)."""
    cached = getattr(unit, "_signature", None)
    if cached is not None:
        return cached
    roots = set(unit.roots)
    label = {}
    for node in unit.members:           # in toposort order: inputs are labelled first
        sources = []
        for var in node.inputs:
            if var.owner in label:
                sources.append(("op", label[var.owner], var.index))
            elif var in roots:
                sources.append(("root", str(var.type)))
            elif labels.is_constant(var):
                sources.append(("const", str(var.type)))
            else:
                sources.append(("in", str(var.type)))
        # By the op's label: two fused ops of one formula are distinct objects but the same.
        op_label = op_labels.get(node.op)
        if op_label is None:
            op_label = op_labels[node.op] = node.op.label
        label[node] = hash((op_label, tuple(str(out.type) for out in node.outputs),
                            is_backward(node), tuple(sources)))
    signature = (tuple(sorted(label.values())), tuple(sorted(str(r.type) for r in roots)))
    unit._signature = signature
    return signature


def _rule_units(nodes, fold_rules) -> list:
    """A unit for each chain of ops matching a rule (op class names, first to last)."""
    readers = {}
    for node in nodes:
        for var in node.inputs:
            if var.owner is not None:
                readers.setdefault(var.owner, []).append(node)
    drawn = set(nodes)
    taken, units = set(), []
    for title, pattern in fold_rules:
        pattern = list(pattern)
        if not pattern:
            raise ValueError(f"fold rule {title!r} has no op names")
        for node in nodes:
            chain = _match_chain(node, pattern, readers, drawn, taken)
            if chain is None:
                continue
            members = set(chain)
            # Helpers that only feed the chain and read only roots (the bias's DimShuffle).
            for member in chain:
                for var in member.inputs:
                    helper = var.owner
                    if helper is not None and helper in drawn and helper not in taken \
                            and helper not in members \
                            and all(r in members for r in readers.get(helper, ())) \
                            and all(v.owner is None for v in helper.inputs):
                        members.add(helper)
            ordered = [n for n in nodes if n in members]
            taken |= members
            units.append(FoldUnit(str(title), [], ordered, kind="rule"))
    return units


def _match_chain(last, pattern, readers, drawn, taken):
    """[op, ..., last] whose classes are `pattern`, each the only reader of the one before."""
    if type(last.op).__name__ != pattern[-1] or last in taken:
        return None
    chain = [last]
    for name in reversed(pattern[:-1]):
        found = None
        for var in chain[-1].inputs:
            owner = var.owner
            if owner is not None and owner in drawn and owner not in taken \
                    and type(owner.op).__name__ == name and readers.get(owner) == [chain[-1]]:
                found = owner
                break
        if found is None:
            return None
        chain.append(found)
    return chain[::-1]


@dataclass
class FoldOptions:
    """How a picture folds: `fold` True, False or None (above `threshold` ops), the scopes to
    `expand` ('all' for everything), and the user's `fold_rules` [(label, [op class, ...])]."""

    fold: bool | None = None
    expand: tuple = ()
    fold_rules: tuple = ()
    threshold: int = 300

    def folds(self, op_count: int) -> bool:
        """True when a view of `op_count` ops is drawn folded."""
        if self.fold is None:
            return op_count > self.threshold
        return self.fold


def plan_for(view, nodes, options, view_nodes=None) -> FoldPlan:
    """The fold plan of `view` under `options` (an empty plan when it is drawn whole), for
    its drawn `nodes` (`view_nodes`: all its ops, when a focus draws fewer)."""
    if options is None:
        return FoldPlan([], {})
    rules = tuple(options.fold_rules)
    if not options.folds(len(nodes)):
        return (plan_folds(view, nodes, (EXPAND_ALL,), rules, view_nodes) if rules
                else FoldPlan([], {}))
    return plan_folds(view, nodes, options.expand, rules, view_nodes)


def update_steps(view, nodes, view_nodes=None) -> set:
    """The ops of `nodes` (drawn) that only compute a scoped parameter's update
    (`W - lr * gW`), found as a folded picture finds them (`_adopt_update_steps`);
    `view_nodes`: all the view's ops, when a focus or max_nodes draws fewer."""
    steps = {}
    _paths(view, nodes, steps, nodes if view_nodes is None else view_nodes)
    return set(steps)


def open_step_scopes(plan) -> dict:
    """{update-step op: scope} for the steps drawn open (their scope expanded): they sit in
    their parameter's scope box as they would in its folded box."""
    return {node: path for node, path in plan.steps.items() if node not in plan.unit_of}

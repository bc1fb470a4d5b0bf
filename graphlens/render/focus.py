"""Focus: draw only the part of a big graph a question is about.

Three questions, each a `Focus`:

- `Focus.around(W1, hops=2)`: the neighbourhood of a variable, every op and input within
  `hops` steps of it (a step goes from an op to an op or input it reads, or to a reader);
- `Focus.route(cost, W1)`: the gradient's route, every op on a path from the parameter to the
  cost (the forward graph) or to the parameter's new value (the gradient graph of a training
  function); where the gradient dies is marked from `trace.vanishing`'s findings;
- `Focus.path(a, b)`: every op on a path between two variables (either may be the upstream one);
  when neither is computed from the other (two weights), the paths from both down to the first
  ops that read both.

What a focused picture leaves out is never silent: an op whose inputs come from outside the
focus gets a small dashed "... 2 more inputs" box, and one whose result is read outside it a
"... read by 3 more ops" box (their tooltips say which ops). Inputs, shared variables and
constants read by the ops of a route or a path are drawn as they are (they are leaves: drawing
them costs one node each and tells what a `dot` multiplies); a neighbourhood draws only those
within its hops. Every walk is one linear pass over the view's topological order.

Variables are named by object or by name (`'W1'`, `'W_2'`, a name the model binds: `bindings`),
see `lookup.py`.

>>> svg = pydotprint(train, focus=Focus.route(cost, W1))                 # doctest: +SKIP
>>> dot = to_dot(train, focus=Focus.around('W1', hops=1))                  # doctest: +SKIP
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from graphlens.errors import FocusError
from graphlens.graph.basic import Constant, Variable
from graphlens.render import labels
from graphlens.render.lookup import find_variable, locate, view_variables
from graphlens.render.subject import views
from graphlens.trace.naming import short_expression

KINDS = ("around", "route", "path")
HOPS = 2


@dataclass(frozen=True)
class Focus:
    """What part of the graph to draw; build one with `around`, `route` or `path`.

    targets: variables (of the user's graph, or of the drawn one) or their names.
    bindings: {name: Variable} the model file binds, for names no variable carries (`cost`).
    """

    kind: str
    targets: tuple
    hops: int = HOPS
    bindings: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"focus kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not isinstance(self.hops, int) or self.hops < 0:
            raise ValueError(f"hops must be an int >= 0, got {self.hops!r}")

    @classmethod
    def around(cls, var, hops: int = HOPS, *, bindings=None) -> "Focus":
        """The ops and inputs within `hops` steps of `var`.

        >>> Focus.around('W1', hops=1).kind
        'around'
        """
        return cls("around", (var,), hops, bindings or {})

    @classmethod
    def route(cls, cost, param, *, bindings=None) -> "Focus":
        """The gradient's route from `cost` to `param` (forward and gradient graph).

        >>> Focus.route('cost', 'W1').targets
        ('cost', 'W1')
        """
        return cls("route", (cost, param), HOPS, bindings or {})

    @classmethod
    def path(cls, first, second, *, bindings=None) -> "Focus":
        """The ops on a path between `first` and `second`.

        >>> Focus.path('cost', 'W1').kind
        'path'
        """
        return cls("path", (first, second), HOPS, bindings or {})

    def names(self) -> list[str]:
        """The targets as a person reads them: `['cost', 'W1']`."""
        return [target if isinstance(target, str) else
                labels.printable(target.name) if target.name else
                labels.cut(short_expression(target, depth=2), 40)
                for target in self.targets]

    def describe(self) -> str:
        """One line saying what the focused picture shows.

        >>> Focus.around('W1', hops=3).describe()
        'focus: within 3 hops of W1'
        """
        names = self.names()
        if self.kind == "around":
            return f"focus: within {self.hops} hop{'' if self.hops == 1 else 's'} of {names[0]}"
        if self.kind == "route":
            return f"focus: the gradient's route from {names[0]} to {names[1]}"
        return f"focus: the path between {names[0]} and {names[1]}"


@dataclass
class Selection:
    """The part of one view a focus keeps: `nodes` (Apply) and `roots` (the input and shared
    variables drawn), `readers` ({variable: its readers in the view}) for the boundary boxes,
    and `found` (the located targets)."""

    nodes: set
    roots: set
    readers: dict
    found: list


def select(focus: Focus, view, what: str | None = None, nodes=None) -> Selection:
    """The part of `view` (a `subject.GraphView`) that `focus` keeps; `nodes` is the view's
    topological order when the caller has it already. `what` names the view in messages
    (default: `describe_view`).

    Raises FocusError when a target is not in the view or, for `path` and `route`, when no
    path joins the two. A route's cost may be missing from the view (a training function that
    returns other values than the cost): the route then ends at the parameter's new value, and
    `found[0]` is None.

    >>> x = T.dvector('x'); out = T.log(T.exp(x)); view = views(out, 'after')[0]
    >>> sorted(type(n.op).__name__ for n in select(Focus.path(x, out), view).nodes)
    ['Exp', 'Log']                                                       # doctest: +SKIP
    """
    nodes = view.nodes() if nodes is None else nodes
    what = describe_view(view) if what is None else what
    members = view_variables(view, nodes)
    readers = _readers(nodes)
    if focus.kind == "route":
        return _route(focus, view, what, nodes, members, readers)
    found = [_resolve(target, focus, view, members, what, nodes) for target in focus.targets]
    if focus.kind == "around":
        kept, roots = _around(found[0], focus.hops, readers)
        return Selection(kept, roots, readers, found)
    first, second = found
    if first is second:
        raise FocusError(f"--path needs two different variables; both name "
                         f"{focus.names()[0]}")
    kept = ops_between(nodes, [first], [second]) or ops_between(nodes, [second], [first])
    if kept:
        # The op computing the upstream variable belongs to the path too.
        kept.update(var.owner for var in found if var.owner is not None)
    else:
        # Neither is computed from the other (two weights, say): draw both paths down to the
        # ops where they first meet, i.e. that read both.
        kept = _meeting(nodes, first, second)
        kept.update(var.owner for var in found if var.owner is not None and kept)
    if not kept:
        raise FocusError(f"no path joins {focus.names()[0]} and {focus.names()[1]} in {what}: "
                         f"neither is computed from the other, and no op reads both")
    return Selection(kept, _leaves(kept, found), readers, found)


def _route(focus, view, what, nodes, members, readers) -> Selection:
    cost_name, param_name = focus.names()
    param = _resolve(focus.targets[1], focus, view, members, what, nodes)
    try:
        cost = _resolve(focus.targets[0], focus, view, members, what, nodes)
    except FocusError:
        cost = None
    new_value = {shared: value for shared, value in view.updates}.get(param)
    ends = [var for var in (cost, new_value) if var is not None]
    if not ends:
        raise FocusError(f"neither {cost_name} nor a new value of {param_name} is computed in "
                         f"{what}, so no gradient's route runs through it")
    kept = ops_between(nodes, [param], ends)
    if not kept:
        raise FocusError(f"{param_name} is on no path to {cost_name} in {what}: the cost does "
                         f"not depend on it")
    found = [cost, param]
    return Selection(kept, _leaves(kept, found), readers, found)


def describe_view(view) -> str:
    """The drawn graph, for messages: `function 'train' before rewrites`, `the graph`.

    >>> describe_view(views(train, 'before')[0])                          # doctest: +SKIP
    "function 'train' before rewrites"
    """
    function = view.function
    given = function.given_name if function is not None else None
    name = f"function {labels.printable(given)!r}" if given else "the graph"
    titles = {"before": "before rewrites", "after": "after rewrites"}
    return f"{name} {titles[view.stage]}" if view.stage in titles else name


def _leaves(kept, found) -> set:
    """The inputs and shared variables a route or path draws: the targets, and those its ops
    read (one node each; they say what a `dot` multiplies)."""
    roots = {var for var in found if var is not None and var.owner is None}
    roots.update(var for node in kept for var in node.inputs
                 if var.owner is None and not isinstance(var, Constant))
    return roots


def _resolve(target, focus, view, members, what, nodes):
    if isinstance(target, str):
        try:
            return find_variable(target, view, focus.bindings, what, nodes)
        except FocusError:
            if view.stage != "after" or view.function is None:
                raise
            # A name the rewrites dropped (its op fused away): found in the graph as given,
            # then located among the compiled ops descending from it.
            before = find_variable(target, _before_view(view), focus.bindings, what)
            located = locate(before, view, members)
            if located is None:
                raise
            return located
    if not isinstance(target, Variable):
        raise FocusError(f"a focus names a variable or its name, got {target!r:.60}")
    located = locate(target, view, members)
    if located is None:
        name = labels.printable(target.name) if target.name else "the variable"
        raise FocusError(f"{name} is not part of {what}")
    return located


def _before_view(view):
    return views(view.function, "before")[0]


def _readers(nodes) -> dict:
    """{variable: [ops of `nodes` reading it, in order]} (an op reading it twice, once)."""
    readers = {}
    for node in nodes:
        for var in node.inputs:
            users = readers.setdefault(var, [])
            if not users or users[-1] is not node:
                users.append(node)
    return readers


def ops_between(nodes, sources, ends) -> set:
    """The ops of `nodes` (a topological order) on a path from a variable of `sources` to one
    of `ends`: one forward pass marks what depends on the sources, one backward pass what the
    ends depend on.

    >>> ops_between(toposort([out]), [x], [out])                          # doctest: +SKIP
    {Exp(x), Log(Exp.out)}
    """
    below = set().union(*(_below(nodes, source) for source in sources))
    needed = set(ends)
    kept = set()
    for node in reversed(nodes):
        if any(var in needed for var in node.outputs):
            needed.update(node.inputs)
            if node in below:
                kept.add(node)
    return kept


def _meeting(nodes, first, second) -> set:
    """The ops on paths from `first` and from `second` to the first ops depending on both."""
    of_first, of_second = _below(nodes, first), _below(nodes, second)
    both = of_first & of_second
    meets = [node for node in nodes if node in both
             and not any(var.owner in both for var in node.inputs)]
    if not meets:
        return set()
    ends = [node.outputs[0] for node in meets]
    return ops_between(nodes, [first], ends) | ops_between(nodes, [second], ends)


def _below(nodes, var) -> set:
    """The ops that depend on `var`, in one forward pass."""
    downstream, below = {var}, set()
    for node in nodes:
        if any(source in downstream for source in node.inputs):
            below.add(node)
            downstream.update(node.outputs)
    return below


def _around(var, hops, readers) -> tuple[set, set]:
    """(ops, roots) within `hops` steps of `var`: breadth first over ops and root variables,
    a step going to what an op reads or to what reads a value."""
    start = var.owner if var.owner is not None else var
    depth = {start: 0}
    queue = deque([start])
    while queue:
        item = queue.popleft()
        if depth[item] == hops:
            continue
        for neighbour in _neighbours(item, readers):
            if neighbour not in depth:
                depth[neighbour] = depth[item] + 1
                queue.append(neighbour)
    kept = {item for item in depth if not isinstance(item, Variable)}
    roots = {item for item in depth if isinstance(item, Variable)}
    return kept, roots


def _neighbours(item, readers):
    if isinstance(item, Variable):
        return readers.get(item, ())
    sources = [var.owner if var.owner is not None else var for var in item.inputs
               if not isinstance(var, Constant)]
    users = [user for out in item.outputs for user in readers.get(out, ())]
    return sources + users


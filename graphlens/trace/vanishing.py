"""Static zero-gradient analysis: which parameters the cost cannot teach, and which ops stop it.

`vanishing(cost, wrt)` reads the graph only (no values). It marks every variable the gradient of
the cost can reach by walking backward from the cost over edges that carry a gradient; an edge
that cannot (sgn's input, a cast to int, switch's condition, zero_grad, ...) is a *blocker*. The
blockers on the frontier of that reachable region are the reasons a parameter's gradient is zero.

Linear in the graph's size: one forward pass computes, as a bit mask per variable, which
parameters each variable depends on; one backward pass finds the reachable region and records the
frontier. No path is ever enumerated.

>>> report = vanishing(cost, [W1, W2])          # doctest: +SKIP
>>> print(report)                               # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlens.errors import GraphlensTypeError, ShapeError, describe, where
from graphlens.graph.basic import toposort
from graphlens.graph.types import is_discrete
from graphlens.tensor.variable import TensorVariable, as_tensor_variable
from graphlens.printer.naming import graph_names
from graphlens.trace.naming import op_title, short_expression
from graphlens.trace.remedies import KIND_REMEDIES, remedy_for
from graphlens.trace.report import format_vanishing, rich_vanishing

# Blocks that only choose or test (see `Op.selector`): reported only when they block a parameter
# completely.
_SELECTING_KINDS = ("switch_condition", "shape", "straight_through")


@dataclass(frozen=True)
class Blocker:
    """One op that stops the gradient on its way from the cost to some parameters.

    kind: 'zero_gradient' (the op's `zero_gradient_reason`), 'switch_condition',
    'gradient_stop' (zero_grad, disconnected_grad), 'straight_through' (its forward argument),
    'constant' (consider_constant), 'constant_zero' (a product with the constant 0), 'dtype'
    (a float turned into an integer or bool by an op without a stated reason) or 'shape' (the
    cost reads only the value's shape).
    """

    op: str                 # the op's label: 'Sgn', "Cast{dtype='int32'}"
    title: str              # what a person calls it: 'sgn', 'cast to int32'
    kind: str
    input_index: int        # the input of the op that the gradient cannot enter
    expression: str         # the blocking op's output as a short formula: 'sgn(X @ W1)'
    where: str              # the user's line that built the op: 'model.py:14'
    reason: str
    remedy: str
    selects: bool           # only selects or tests: reported only when it blocks completely
    node: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    """A parameter whose gradient is zero on some or all paths, and the blockers responsible.

    status: 'blocked' (every path blocked: the gradient is identically zero), 'partly_blocked'
    (the gradient flows, but some paths to the cost are blocked), 'disconnected' (the cost does
    not use the parameter at all) or 'integer' (an integer parameter never gets a gradient).
    """

    parameter: str
    type: str
    where: str
    status: str
    blockers: tuple = ()
    remedy: str = ""        # for statuses without blockers ('disconnected', 'integer')
    variable: object = field(default=None, compare=False, repr=False)


@dataclass
class VanishingReport:
    """The result of `vanishing`: `findings` (data), `str(report)` and rich rendering.

    `flowing` names the parameters whose gradient reaches them on every path.
    """

    cost: str
    cost_where: str
    parameters: list
    findings: list
    flowing: list
    blocked_variables: set = field(default_factory=set, repr=False)
    reachable_variables: set = field(default_factory=set, repr=False)
    cost_variable: object = field(default=None, compare=False, repr=False)

    @property
    def clean(self) -> bool:
        """True when every parameter gets a gradient along every path."""
        return not self.findings

    def finding(self, parameter) -> Finding | None:
        """The finding for a parameter (its name or the variable itself), or None if clean."""
        for item in self.findings:
            if item.variable is parameter or item.parameter == parameter:
                return item
        return None

    def __str__(self):
        return format_vanishing(self)

    def __rich__(self):
        return rich_vanishing(self)


def vanishing(cost, wrt, consider_constant=None) -> VanishingReport:
    """Where the gradient of `cost` with respect to each of `wrt` is zero, why, and what to do.

    >>> h = T.dot(X, W1); cost = T.sqr(T.dot(T.sgn(h), W2) - X).mean()   # doctest: +SKIP
    >>> vanishing(cost, [W1, W2]).finding(W1).blockers[0].title          # doctest: +SKIP
    'sgn'
    """
    cost = as_tensor_variable(cost)
    if cost.ndim != 0:
        raise ShapeError(f"vanishing: the cost must be a scalar, got {describe(cost)}")
    params = [wrt] if not isinstance(wrt, (list, tuple)) else list(wrt)
    for var in params:
        if not isinstance(var, TensorVariable):
            raise GraphlensTypeError(f"vanishing: wrt must be symbolic tensors, got {var!r:.60}")
    constants = set(consider_constant or ())
    nodes = toposort([cost])
    depends = _dependency_masks(nodes, params)
    reachable, frontier = _reverse_reachability(cost, nodes, depends, constants)
    order = {node: position for position, node in enumerate(nodes)}
    frontier.sort(key=lambda item: (order[item[0]], item[1]))
    # One naming for the report, pp's (printer/naming.py): parameters and roots in formulas.
    table = graph_names([cost], nodes=nodes)
    names = [table.name(var) for var in params]
    blockers = [(_blocker(node, index, kind, reason, table), depends[node.inputs[index]])
                for node, index, kind, reason in frontier]
    cost_mask = depends.get(cost, 0)
    findings, flowing = [], []
    for position, var in enumerate(params):
        bit = 1 << position
        finding = _finding(var, names[position], bit, cost_mask, var in reachable, blockers)
        if finding is None:
            flowing.append(names[position])
        else:
            findings.append(finding)
    blocked = {node.inputs[index] for node, index, _, _ in frontier}
    return VanishingReport(cost=short_expression(cost, names=table), cost_where=where(cost),
                           parameters=names,
                           findings=findings, flowing=flowing, blocked_variables=blocked,
                           reachable_variables=reachable, cost_variable=cost)


def _dependency_masks(nodes, params) -> dict:
    """{variable: int}: bit i set when the variable depends on params[i] (or is it)."""
    depends = {}
    for position, var in enumerate(params):
        depends[var] = depends.get(var, 0) | (1 << position)
    for node in nodes:
        mask = 0
        for var in node.inputs:
            mask |= depends.get(var, 0)
        for out in node.outputs:
            combined = mask | depends.get(out, 0)
            if combined:
                depends[out] = combined
    return depends


def _reverse_reachability(cost, nodes, depends, constants):
    """The variables the cost's gradient reaches, and the blocked edges at their frontier.

    Integer and bool variables carry no gradient, but the reason lies upstream, where a float
    became discrete (a cast, a comparison): the walk looks through them (`seeking`) to that op.
    """
    reachable = {cost} if not is_discrete(cost.dtype) else set()
    seeking = set() if reachable else {cost}
    frontier = []
    for node in reversed(nodes):
        live = any(out in reachable for out in node.outputs)
        seek = not live and any(out in seeking for out in node.outputs)
        if not (live or seek):
            continue
        for index, var in enumerate(node.inputs):
            if not depends.get(var, 0):
                continue
            block = _edge_block(node, index, var, constants) if live else None
            if block is not None:
                frontier.append((node, index) + block)
            elif is_discrete(var.dtype):
                seeking.add(var)
            elif live:
                reachable.add(var)
            else:
                frontier.append((node, index) + _conversion(node))
    return reachable, frontier


def _edge_block(node, index, var, constants):
    """(kind, reason) if the gradient of `node`'s output cannot enter input `index`, else None.

    The op says so itself: `gradient_block` for a block by its structure (a gradient stop, the
    condition of switch, a zero factor), `zero_gradient_reason` for a zero derivative.
    """
    op = node.op
    if var in constants:
        return "constant", "listed in consider_constant: gradients treat it as a constant"
    block = op.gradient_block(node, index)
    if block is not None:
        return block
    if is_discrete(var.dtype):
        return None
    reason = op.zero_gradient_reason   # read from the instance: Cast's depends on its dtype
    if reason:
        return "zero_gradient", reason
    return None


def _conversion(node):
    """(kind, reason) for an op that turns a float input into an integer or bool output."""
    op = node.op
    if op.reads_only_shape:
        return "shape", f"{op_title(op)} reads only the shape of its input, never its values"
    reason = op.zero_gradient_reason
    if reason:
        return "zero_gradient", reason
    return "dtype", (f"{op_title(op)} turns a float into {node.outputs[0].dtype}: integer and "
                     f"bool values carry no gradient")


def _blocker(node, index, kind, reason, names=None) -> Blocker:
    op = node.op
    if kind == "constant":
        remedy = KIND_REMEDIES["constant"]
    elif kind == "constant_zero":
        remedy = KIND_REMEDIES["constant_zero"]
    else:
        remedy = remedy_for(op)
    selects = kind in _SELECTING_KINDS or (kind == "zero_gradient" and op.selector)
    title = "the condition of switch" if kind == "switch_condition" else op_title(op)
    return Blocker(op=op.label, title=title, kind=kind, input_index=index,
                   expression=short_expression(node.outputs[0], names=names),
                   where=where(node.outputs[0]),
                   reason=reason, remedy=remedy, selects=selects, node=node)


def _finding(var, name, bit, cost_mask, reached, blockers) -> Finding | None:
    kind, site = str(var.type), where(var)
    if is_discrete(var.dtype):
        return Finding(name, kind, site, "integer", remedy=KIND_REMEDIES["integer_parameter"],
                       variable=var)
    if not cost_mask & bit:
        return Finding(name, kind, site, "disconnected", remedy=KIND_REMEDIES["not_an_ancestor"],
                       variable=var)
    mine = _unique_by_node([blocker for blocker, mask in blockers if mask & bit])
    if not reached:
        return Finding(name, kind, site, "blocked", tuple(mine), variable=var)
    partial = [blocker for blocker in mine if not blocker.selects]
    if partial:
        return Finding(name, kind, site, "partly_blocked", tuple(partial), variable=var)
    return None


def _unique_by_node(blockers):
    # An op blocking two inputs that both lead to the parameter is one reason, not two.
    seen, result = set(), []
    for blocker in blockers:
        if blocker.node not in seen:
            seen.add(blocker.node)
            result.append(blocker)
    return result

"""Runtime gradient statistics: the gradient graph evaluated on a real batch, node by node.

`gradient_stats(cost, wrt, inputs)` differentiates the cost with respect to the parameters *and*
every intermediate value that depends on them, evaluates all of it once on the given batch, and
reports per node: the norm, the fraction of exact zeros and the largest magnitude of the value
and of its gradient, the saturation of sigmoid and tanh units, dead ReLU units over the batch,
and non-finite or exploding values. The thresholds are parameters; `report.suspects` ranks what
looks wrong, most serious first.

>>> report = gradient_stats(cost, params, {x: batch_x, y: batch_y})     # doctest: +SKIP
>>> print(report.suspects[0])                                           # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphlens.backprop import grad
from graphlens.compile.function import function
from graphlens.errors import GraphlensTypeError, MissingInputError, ShapeError, describe, where
from graphlens.graph.basic import Constant, graph_inputs, toposort
from graphlens.graph.types import is_discrete
from graphlens.tensor.compare import Maximum
from graphlens.tensor.math import Tanh
from graphlens.tensor.nnet import Relu, Sigmoid
from graphlens.tensor.variable import TensorVariable, as_tensor_variable, constant
from graphlens.printer.naming import graph_names
from graphlens.trace.naming import op_title, short_expression
from graphlens.trace.report import format_stats, rich_stats
from graphlens.trace.steps import step_gradients
from graphlens.trace.vanishing import _dependency_masks, vanishing
from graphlens.trace.zeros import ZeroContext, zero_gradient_cause

# Suspect kinds, most serious first: the rank orders the report.
SUSPECT_KINDS = ("nonfinite", "zero_gradient", "exploding", "vanishing", "dead_units",
                 "saturated")


@dataclass(frozen=True)
class ArrayStats:
    """Norm, exact zeros, largest magnitude and non-finite count of one array."""

    shape: tuple
    norm: float               # over the finite entries
    zero_fraction: float
    max_abs: float            # over the finite entries
    nonfinite: int

    def __str__(self):
        text = f"norm {self.norm:.3g}, max |.| {self.max_abs:.3g}, zeros {self.zero_fraction:.0%}"
        return text + (f", {self.nonfinite} NaN/Inf" if self.nonfinite else "")


def array_stats(value) -> ArrayStats:
    """ArrayStats of a numpy array (float or not), or of a scipy.sparse matrix (from its
    stored values: the others are zeros)."""
    if hasattr(value, "tocoo"):
        stored = array_stats(np.asarray(value.data))
        size = max(value.shape[0] * value.shape[1], 1)
        zeros = stored.zero_fraction * value.data.size + size - value.data.size
        return ArrayStats(shape=tuple(value.shape), norm=stored.norm,
                          zero_fraction=float(zeros / size), max_abs=stored.max_abs,
                          nonfinite=stored.nonfinite)
    array = np.asarray(value)
    finite_mask = np.isfinite(array) if array.dtype.kind in "fc" else np.ones(array.shape, bool)
    finite = np.abs(array[finite_mask]).astype(np.float64)
    size = max(array.size, 1)
    return ArrayStats(shape=tuple(array.shape),
                      norm=float(np.sqrt(np.sum(finite * finite))),
                      zero_fraction=float(np.count_nonzero(array == 0) / size),
                      max_abs=float(finite.max()) if finite.size else 0.0,
                      nonfinite=int(array.size - np.count_nonzero(finite_mask)))


@dataclass(frozen=True)
class NodeStats:
    """One variable of the forward graph: its value's statistics and its gradient's.

    `saturated` is the fraction of saturated sigmoid/tanh outputs (None for other ops);
    `dead_units` / `units` count ReLU units that are 0 for every example of the batch.
    """

    name: str                 # the user's name, or a short formula
    op: str                   # the op's label ('' for a parameter)
    where: str
    value: ArrayStats
    gradient: ArrayStats | None     # None when no gradient flows to it
    is_parameter: bool = False
    saturated: float | None = None
    dead_units: int | None = None
    units: int | None = None
    variable: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Suspect:
    """Something that looks wrong, with the numbers that say so."""

    kind: str                 # one of SUSPECT_KINDS
    subject: str              # a parameter's name or a node's short formula
    where: str
    message: str
    score: float              # within a kind, larger is worse
    variable: object = field(default=None, compare=False, repr=False)

    def __str__(self):
        return f"{self.kind.replace('_', ' ')}: {self.subject} at {self.where}: {self.message}"


@dataclass(frozen=True)
class Thresholds:
    """When a number becomes a suspect; every one is a keyword of `gradient_stats`."""

    saturation: float = 0.99          # |tanh| or |2 sigmoid - 1| at least this: saturated
    saturated_fraction: float = 0.5   # flag a sigmoid/tanh node with at least this many saturated
    dead_fraction: float = 0.25       # flag a relu node with at least this fraction of dead units
    exploding: float = 1e3            # largest gradient magnitude above this: exploding
    vanishing: float = 1e-7           # a parameter gradient norm below this: vanishing
    vanishing_ratio: float = 1e-4     # ... or below this times the largest parameter's


@dataclass
class GradientStats:
    """The result of `gradient_stats`: `parameters`, `nodes` (NodeStats), ranked `suspects`."""

    cost: str
    cost_value: float
    batch: dict               # input name -> shape
    parameters: list
    nodes: list
    suspects: list
    thresholds: Thresholds
    steps: list = field(default_factory=list)    # StepGradients per loop state (trace/steps.py)

    def node(self, variable) -> NodeStats | None:
        """The NodeStats of a variable (or parameter), or None if it was not watched."""
        for item in self.parameters + self.nodes:
            if item.variable is variable:
                return item
        return None

    def __str__(self):
        return format_stats(self)

    def __rich__(self):
        return rich_stats(self)


def gradient_stats(cost, wrt, inputs, *, mode=None, saturation=0.99, saturated_fraction=0.5,
                   dead_fraction=0.25, exploding=1e3, vanishing=1e-7,
                   vanishing_ratio=1e-4) -> GradientStats:
    """Evaluate the cost's gradient graph on `inputs` ({variable: value}) and report per node.

    Keys of `inputs` are the graph's symbolic inputs; a shared variable among them is replaced
    by the given value for this evaluation only.

    >>> stats = gradient_stats(cost, [W, b], {x: batch})        # doctest: +SKIP
    >>> [s.kind for s in stats.suspects]                        # doctest: +SKIP
    ['vanishing', 'saturated']
    """
    thresholds = Thresholds(saturation, saturated_fraction, dead_fraction, exploding, vanishing,
                            vanishing_ratio)
    cost = as_tensor_variable(cost)
    if cost.ndim != 0:
        raise ShapeError(f"gradient_stats: the cost must be a scalar, got {describe(cost)}")
    params = [wrt] if not isinstance(wrt, (list, tuple)) else list(wrt)
    for var in params:
        if not isinstance(var, TensorVariable):
            raise GraphlensTypeError(f"gradient_stats: wrt must be symbolic tensors, got "
                                     f"{var!r:.60}")
    explicit, values, givens = split_inputs(inputs)
    _check_complete(cost, explicit)
    watched = watched_variables(cost, params)
    gradients = grad(cost, params + watched, disconnected_inputs="ignore",
                     return_disconnected="None")
    outputs = [cost] + params + watched + [g for g in gradients if g is not None]
    evaluate = function(explicit, outputs, givens=givens, mode=mode, on_unused_input="ignore")
    results = evaluate(*values)
    cost_value, rest = results[0], results[1:]
    value_of = dict(zip(params + watched, rest[:len(params) + len(watched)]))
    grad_values = iter(rest[len(params) + len(watched):])
    grad_of = {var: (next(grad_values) if g is not None else None)
               for var, g in zip(params + watched, gradients)}
    # One naming for the whole report, the one pp uses (printer/naming.py): a parameter, an
    # input and a root inside a formula are called alike on every line.
    names = graph_names([cost])
    param_stats = [_node_stats(var, value_of[var], grad_of[var], thresholds, names.name(var))
                   for var in params]
    node_stats = [_node_stats(var, value_of[var], grad_of[var], thresholds, names=names)
                  for var in watched]
    causes = _zero_causes(cost, params, param_stats, value_of, grad_of, node_stats, names)
    suspects = _suspects(param_stats, node_stats, thresholds, causes)
    # Loops: the gradient norm of each state at each step, back through time.
    steps = step_gradients(cost, dict(zip(explicit, values)), givens=givens, mode=mode)
    rank = {kind: position for position, kind in enumerate(SUSPECT_KINDS)}
    suspects = sorted(_step_suspects(steps, thresholds) + suspects,
                      key=lambda suspect: rank[suspect.kind])
    return GradientStats(cost=short_expression(cost, names=names), cost_value=float(cost_value),
                         batch={names.name(var): tuple(np.shape(value))
                                for var, value in zip(explicit, values)},
                         parameters=param_stats, nodes=node_stats, suspects=suspects,
                         thresholds=thresholds, steps=steps)


def _step_suspects(steps, thresholds) -> list:
    """A loop state whose gradient falls below `vanishing_ratio` of its largest, steps back."""
    found = []
    for loop in steps:
        back = loop.vanishes_after(thresholds.vanishing_ratio)
        if back is None:
            continue
        found.append(Suspect(
            "vanishing", loop.name, loop.where,
            f"its gradient through time falls below {thresholds.vanishing_ratio:g} of its "
            f"largest {back} steps back ({len(loop.norms)} steps ran): earlier steps barely "
            f"learn (see the per-step plot)", float(back), loop.variable))
    return found


def split_inputs(inputs):
    """(explicit inputs, their values, givens replacing shared variables by given values)."""
    if not isinstance(inputs, dict):
        raise GraphlensTypeError("gradient_stats: inputs must be a dict {symbolic input: value}")
    explicit, values, givens = [], [], {}
    for var, value in inputs.items():
        if getattr(var, "is_shared", False):
            givens[var] = constant(np.asarray(value, dtype=var.dtype))
        else:
            explicit.append(var)
            values.append(value)
    return explicit, values, givens


def _check_complete(cost, explicit):
    given = set(explicit)
    missing = [var for var in graph_inputs([cost]) if var not in given
               and not isinstance(var, Constant) and not getattr(var, "is_shared", False)]
    if missing:
        raise MissingInputError(f"gradient_stats: the cost depends on "
                                f"{', '.join(describe(var) for var in missing)}; give a value "
                                f"for each in inputs ({{variable: value}})")


def watched_variables(cost, params) -> list:
    """The float node outputs that depend on a parameter, in topological order: the nodes
    `gradient_stats` reports on. One forward pass.

    >>> [v.owner.op.label for v in watched_variables(T.sum(T.tanh(w)), [w])]   # doctest: +SKIP
    ['Tanh', 'Sum{axis=0}']
    """
    nodes = toposort([cost])
    depends = _dependency_masks(nodes, params)
    chosen = set(params)
    watched = []
    for node in nodes:
        for out in node.outputs:
            if depends.get(out) and not is_discrete(out.dtype) and out not in chosen:
                chosen.add(out)
                watched.append(out)
    return watched


def _node_stats(var, value, gradient, thresholds, parameter_name=None, names=None) -> NodeStats:
    owner = var.owner
    is_parameter = parameter_name is not None
    name = parameter_name if is_parameter else (var.name or short_expression(var, names=names))
    saturated = dead = units = None
    op = owner.op if owner is not None and not is_parameter else None
    # A scipy.sparse value is summarized as it is (array_stats reads its stored values).
    array = value if hasattr(value, "tocoo") else np.asarray(value)
    if isinstance(op, (Sigmoid, Tanh)):
        centred = 2 * array - 1 if isinstance(op, Sigmoid) else array
        saturated = float(np.mean(np.abs(centred) >= thresholds.saturation)) if array.size \
            else 0.0
    elif isinstance(op, Relu) or (isinstance(op, Maximum) and _has_zero_input(owner)):
        dead, units = _dead_units(array)
    return NodeStats(name=name, op=op.label if op is not None else "", where=where(var),
                     value=array_stats(array),
                     gradient=array_stats(gradient) if gradient is not None else None,
                     is_parameter=is_parameter, saturated=saturated, dead_units=dead,
                     units=units, variable=var)


def _has_zero_input(node) -> bool:
    return any(isinstance(var, Constant) and not np.any(np.asarray(var.data))
               for var in node.inputs)


def _dead_units(array):
    """(dead, units): a unit is a position of the non-batch axes (axis 0 is the batch)."""
    if array.ndim == 0:
        return int(array == 0), 1
    if array.ndim == 1:
        return int(np.count_nonzero(array == 0)), int(array.size)
    alive = np.any(array != 0, axis=0)
    return int(alive.size - np.count_nonzero(alive)), int(alive.size)


def _zero_causes(cost, params, param_stats, value_of, grad_of, node_stats, names=None) -> dict:
    """{parameter: ZeroCause} for the parameters whose gradient is all zeros: an op that
    blocks it (structural) or the batch's values (trace/zeros.py)."""
    zero = [position for position, item in enumerate(param_stats) if _is_zero(item.gradient)]
    if not zero:
        return {}
    nodes = toposort([cost])
    context = ZeroContext(nodes, _dependency_masks(nodes, params), value_of, grad_of,
                          {item.variable: item for item in node_stats},
                          vanishing(cost, params), names)
    return {params[position]: zero_gradient_cause(params[position], position, context)
            for position in zero}


def _is_zero(gradient) -> bool:
    return gradient is None or (gradient.zero_fraction == 1.0 and not gradient.nonfinite)


def _suspects(param_stats, node_stats, thresholds, causes=None) -> list:
    suspects = []
    largest = max((p.gradient.norm for p in param_stats if p.gradient is not None), default=0.0)
    for item in param_stats + node_stats:
        suspects.extend(_item_suspects(item, thresholds, largest, (causes or {}).get(
            item.variable)))
    rank = {kind: position for position, kind in enumerate(SUSPECT_KINDS)}
    ordered = sorted(enumerate(suspects),
                     key=lambda item: (rank[item[1].kind], -item[1].score, item[0]))
    return [suspect for _, suspect in ordered]


def _item_suspects(item, thresholds, largest, cause=None):
    subject, site, var = item.name, item.where, item.variable
    found = []
    if item.value.nonfinite or (item.gradient is not None and item.gradient.nonfinite):
        which = "value" if item.value.nonfinite else "gradient"
        count = item.value.nonfinite if item.value.nonfinite else item.gradient.nonfinite
        found.append(Suspect("nonfinite", subject, site, f"its {which} has {count} NaN/Inf "
                             f"entries (where it is born: trace.nan_flow, or `graphlens "
                             f"trace --stats`)",
                             float(count), var))
    gradient = item.gradient
    if item.is_parameter:
        if _is_zero(gradient):
            why = f": {cause}" if cause is not None else ""
            found.append(Suspect("zero_gradient", subject, site,
                                 f"its gradient is exactly 0{why}", 1.0, var))
        elif gradient.norm < thresholds.vanishing or \
                gradient.norm < thresholds.vanishing_ratio * largest:
            found.append(Suspect("vanishing", subject, site, f"gradient norm {gradient.norm:.3g}"
                                 f", {gradient.norm / largest if largest else 0:.2g} of the "
                                 f"largest parameter gradient ({largest:.3g})",
                                 -np.log10(max(gradient.norm, 1e-300)), var))
    if gradient is not None and gradient.max_abs > thresholds.exploding:
        found.append(Suspect("exploding", subject, site, f"gradient entries up to "
                             f"{gradient.max_abs:.3g} (threshold {thresholds.exploding:g})",
                             gradient.max_abs, var))
    if item.dead_units is not None and item.units and \
            item.dead_units / item.units >= thresholds.dead_fraction:
        fraction = item.dead_units / item.units
        found.append(Suspect("dead_units", subject, site, f"{item.dead_units} of {item.units} "
                             f"units ({fraction:.0%}) are 0 for every example of the batch; "
                             f"they pass no gradient and never recover", fraction, var))
    if item.saturated is not None and item.saturated >= thresholds.saturated_fraction:
        kind = op_title(item.variable.owner.op)
        found.append(Suspect("saturated", subject, site, f"{item.saturated:.0%} of its {kind} "
                             f"outputs are saturated (|{'2s - 1' if kind == 'sigmoid' else 't'}| "
                             f">= {thresholds.saturation:g}), where the derivative is near 0",
                             item.saturated, var))
    return found

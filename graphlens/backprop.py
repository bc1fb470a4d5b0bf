"""Reverse-mode differentiation: `grad` and the gradient stops (`zero_grad`, `disconnected_grad`,
`straight_through`).

Gradients are ordinary graphs, so they print, rewrite and draw like any other expression. The
walk is iterative (100,000-node graphs) and visits only nodes between the cost and `wrt`.
This module sits below `rewrite/` (a fused op's gradient, the rules that drop gradient stops)
and imports nothing of `compile/`; what must compile a function to work (`jacobian`, `hessian`,
`verify_grad`) lives above, and `graphlens/gradient.py` gathers them all at Theano's path.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from graphlens.errors import (DisconnectedInputError, GradientCountError, GraphlensTypeError,
                              ShapeError, UndefinedGradientError, describe)
from graphlens.errors import BulkBuild, InvalidArgumentError, creation_frame, is_graphlens_code
from graphlens.errors import RankError
from graphlens.errors import check_policy, raise_or_warn
from graphlens.graph.basic import Apply, Variable, toposort
from graphlens.graph.collector import paused_collector
from graphlens.graph.gradient_costs import remember_cost
from graphlens.graph.markers import disconnected, is_disconnected, is_undefined, undefined
from graphlens.graph.notation import Func
from graphlens.graph import scopes
from graphlens.graph.op import Op, SharedBuild
from graphlens.graph.types import is_discrete
from graphlens.tensor.basic import cast
from graphlens.tensor.compare import clip
from graphlens.tensor.math import add
from graphlens.tensor.fill import fill, zeros_like
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, as_tensor_variable, constant
from graphlens.config import config


@paused_collector
def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True,
         known_grads=None, return_disconnected="zero", null_gradients="raise"):
    """Symbolic gradient of a scalar `cost` with respect to `wrt` (a variable or a list).

    consider_constant: variables whose value is used but not differentiated through.
    disconnected_inputs: 'raise' (default), 'warn' or 'ignore' when the cost does not depend on
    a `wrt`; such a gradient is then zeros, None or a `disconnected` marker (return_disconnected
    'zero', 'None' or 'disconnected'). known_grads: {variable: its gradient} to start from, with
    or without a cost. add_names: name each gradient '(dcost/dx)' when the cost and x have
    names, as Theano. null_gradients: 'raise' (default) refuses an undefined gradient,
    'return' gives its marker. An integer cost is accepted, as in Theano: its gradient seed is a
    floatX 1, and integer operations pass zeros (grad(i, i) is 1.0, grad(i + j, i) is 0.0).

    >>> x = T.dscalar('x'); g = grad(x ** 2, x)        # a graph: 2 * x
    """
    check_policy("grad", "disconnected_inputs", disconnected_inputs)
    if null_gradients not in ("raise", "return"):
        raise ValueError("null_gradients must be 'raise' or 'return'")
    # Theano's spellings, in any case ('Disconnected' in its own OpFromGraph tests).
    return_disconnected = {"zero": "zero", "none": "None", "disconnected": "disconnected"}.get(
        str(return_disconnected).lower(), return_disconnected)
    if return_disconnected not in ("zero", "None", "disconnected"):
        raise ValueError("return_disconnected must be 'zero', 'None' or 'disconnected'")
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    for var in wrt_list:
        # A tensor, or a variable of another numeric type (a sparse matrix).
        if not isinstance(var, Variable) or not hasattr(var.type, "dtype"):
            raise GraphlensTypeError(f"grad: wrt must be symbolic tensors, got {var!r:.60}")
    seeds = {}
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            # A TypeError as Theano's too (RankError is both).
            raise RankError(f"grad: the cost must be a scalar, got {describe(cost)}. Reduce it "
                             f"first, e.g. cost.sum() or cost.mean()")
        # Theano's _float_ones_like: an integer cost's seed is a floatX one.
        seeds[cost] = constant(1, dtype=config.floatX if is_discrete(cost.dtype) else cost.dtype)
    for var, g in (known_grads or {}).items():
        if isinstance(g, Variable) and is_disconnected(g):
            # Theano's DisconnectedType()(): nothing flows back from var (OpFromGraph and scan
            # pass their output gradients on this way).
            seeds.pop(var, None)
            continue
        if not (isinstance(g, Variable) and is_undefined(g)):
            g = as_tensor_variable(g)
            if g.ndim == 0 and var.ndim > 0:
                g = fill(var, g)        # one number for every element, as Theano's ops took it
            if g.ndim != var.ndim:
                raise ShapeError(f"grad: known_grads gives {describe(var)} a gradient of rank "
                                 f"{g.ndim}; it needs rank {var.ndim}")
        # A known gradient of the cost itself replaces its seed of 1 (as Theano's).
        seeds[var] = g
    if not seeds and known_grads:      # every known gradient disconnected: so is every wrt
        results = [_disconnected_result(var, cost, disconnected_inputs, return_disconnected)
                   for var in wrt_list]
        return results[0] if single else results
    if not seeds:
        raise InvalidArgumentError("grad needs a cost or known_grads, got cost=None and no "
                                   "known_grads")
    if isinstance(consider_constant, Variable):
        consider_constant = [consider_constant]
    grads = backpropagate(seeds, wrt_list, set(consider_constant or ()))
    results = []
    for var in wrt_list:
        g = grads.get(var)
        if g is None:
            results.append(_disconnected_result(var, cost, disconnected_inputs,
                                                return_disconnected))
        elif is_undefined(g):
            if null_gradients == "return":
                results.append(g)
                continue
            raise UndefinedGradientError(
                f"grad: the gradient with respect to {describe(var)} is undefined: "
                f"{g.type.reason}")
        else:
            if (add_names and cost is not None and cost.name and var.name
                    and g.owner is not None and g.name is None):
                g.name = f"(d{cost.name}/d{var.name})"     # Theano's name of a gradient
            if cost is not None and g is not var:
                # It reads the cost's inputs, as Theano's gradients did through their seed
                # fill(cost, 1.0): function() counts them used (graph/gradient_costs.py).
                remember_cost(g, cost)
            results.append(g)
    return results[0] if single else results


def _disconnected_result(var, cost, policy, return_disconnected):
    what = (f"the cost, {describe(cost)}, does" if cost is not None
            else "the variables in known_grads do")
    integer = (" (an integer: as an index or slice bound, or through integer operations, its "
               "value moves the cost by steps, with no derivative)"
               if is_discrete(getattr(var, "dtype", "float64")) else "")
    message = (f"grad: {what} not depend on {describe(var)}{integer}. If that is expected, pass "
               f"disconnected_inputs='ignore' or 'warn'")
    raise_or_warn(policy, DisconnectedInputError, message)
    if return_disconnected == "None":
        return None
    if return_disconnected == "disconnected":
        return disconnected(var)
    if not isinstance(var, TensorVariable):
        return var.zeros_like()         # a sparse matrix's zero stores no entries
    return zeros_like(var, dtype=var.dtype if not is_discrete(var.dtype) else _float_x())


def _float_x():
    return config.floatX


def backpropagate(seeds: dict, wrt: list, constants: set) -> dict:
    """{variable: gradient} for `wrt`, given the gradients `seeds` of some outputs.

    Only nodes on a path from `wrt` to a seed are differentiated; gradient terms of a variable
    used several times are summed once, when all its consumers have been visited.

    Integer and bool variables carry no float gradient: an op with such an output is piecewise
    constant, so it is differentiated with a zero output gradient (its float inputs receive an
    honest zero). An integer `wrt` gets float zeros, or the undefined marker an op gave it (an
    index, say), which `grad` raises.
    """
    # Every variable built here stands for the user's line that asked for the gradient: found
    # once, not by a walk of the stack per variable (errors.BulkBuild). The same op on the
    # same inputs is built once and equal constants are one (graph/op.py SharedBuild): each sum
    # of one value would otherwise get its own g.dimshuffle('x'), each tanh its own 1, for
    # merge to undo one replacement at a time when the gradient compiles.
    with BulkBuild(creation_frame()), SharedBuild():
        return _backpropagate(seeds, wrt, constants)


def _backpropagate(seeds, wrt, constants):
    nodes = toposort(list(seeds))
    wanted = set(wrt)
    # Forward: which variables depend on some wrt through non-constant paths. A wanted variable
    # held constant still gets its own gradient (Theano's rule, which subgraph_grad relies on:
    # the gradient at the `end` it stops at); it only passes none on to its own inputs.
    depends = set(wanted)
    for node in nodes:
        for var in node.inputs:
            if var in depends:
                depends.update(_depending_outputs(node, depends, constants))
                break
    terms = {}
    for var, g in seeds.items():
        if var in depends:
            terms.setdefault(var, []).append(g)
    results = {}
    for node in reversed(nodes):
        outputs = node.outputs
        if outputs[0] not in terms and (len(outputs) == 1 or
                                        not any(out in terms for out in outputs)):
            continue
        # The gradient of a node is built in its scope, marked backward (graph/scopes.py):
        # a folded layer then holds its own backward ops.
        scopes.push(scopes.backward_tag(node))
        try:
            _differentiate(node, terms, wanted, depends, results, constants)
        finally:
            scopes.pop()
    for var in wrt:
        if var in terms:
            scopes.push(scopes.backward_tag(var))
            try:
                results[var] = _total(var, terms.pop(var))
            finally:
                scopes.pop()
    for var, g in list(results.items()):
        if g is _DISCRETE_ZERO:
            results[var] = zeros_like(var, dtype=_float_x())
    return results


def _depending_outputs(node, depends, constants):
    """The outputs of `node` that depend on an input in `depends`: all of them, unless the op
    says otherwise by Theano's `connection_pattern(node)` ([input][output] booleans), which
    keeps an undefined gradient on an unconnected output from spoiling the others."""
    pattern = getattr(node.op, "connection_pattern", None)
    outputs = node.outputs
    if pattern is None:
        return [out for out in outputs if out not in constants]
    pattern = pattern(node)
    reached = [False] * len(outputs)
    for var, row in zip(node.inputs, pattern):
        if var in depends:
            reached = [seen or bool(linked) for seen, linked in zip(reached, row)]
    return [out for out, seen in zip(outputs, reached) if seen and out not in constants]


def _differentiate(node, terms, wanted, depends, results, constants):
    """Sum the gradient terms of `node`'s outputs and send its inputs their terms."""
    totals = []
    flowing = False
    for out in node.outputs:
        total = _total(out, terms.pop(out)) if out in terms else None
        if total is not None:
            if out in wanted:
                results[out] = total
            # An output held constant was differentiated only because it is wanted: nothing
            # flows on.
            if out in constants:
                total = None
            else:
                flowing = True
        totals.append(total)
    if not flowing:
        return
    needing = [var in depends for var in node.inputs]
    if True not in needing:
        return
    for var, g in zip(node.inputs, _input_gradients(node, totals, needing)):
        if g is not None:
            found = terms.get(var)
            if found is None:
                terms[var] = [g]
            else:
                found.append(g)


def _input_gradients(node, totals, needing):
    """The gradient terms `node` sends to its inputs (None where nothing flows)."""
    inputs = node.inputs
    # The first undefined gradient of a float output, and of a discrete one (a shape, an index).
    undefined_float = undefined_discrete = None
    for out, g in zip(node.outputs, totals):
        if g is not None and g is not _DISCRETE_ZERO and is_undefined(g):
            if not is_discrete(out.dtype):
                if undefined_float is None:
                    undefined_float = g
            elif undefined_discrete is None:
                undefined_discrete = g
    if undefined_float is not None:
        grads = [undefined_float] * len(inputs)
    else:
        # A discrete output's gradient is an honest zero, whatever its consumers sent.
        output_grads = [zeros_like(out) if g is None or g is _DISCRETE_ZERO
                        or is_discrete(out.dtype) else g
                        for out, g in zip(node.outputs, totals)]
        op = node.op
        if _graphlens_gradient(type(op)):
            # Only the inputs on a path from wrt want a gradient: an op may build no other.
            grads = op.L_op_needed(list(inputs), node.outputs, output_grads, needing)
        else:
            # The user's own op: variables its gradient builds are sited in its code, as ever.
            # Nor is what it builds shared: the user's gradient code runs as written.
            with BulkBuild(None), SharedBuild(False):
                grads = op.L_op(list(inputs), node.outputs, output_grads)
        if len(grads) != len(inputs):
            raise GradientCountError(f"{node.op.label}.grad returned {len(grads)} gradients "
                                     f"for {len(inputs)} inputs")
    # An undefined integer output (a shape, an index) leaves its integer inputs undefined too;
    # its float inputs still get the op's honest zero.
    result = []
    for var, needed, g in zip(inputs, needing, grads):
        if not needed or g is None:
            result.append(None)
        elif g.type is var.type and not is_discrete(var.type.dtype):
            result.append(g)        # the usual case: a float gradient of the input's own type
        elif is_disconnected(g):
            result.append(None)
        elif is_discrete(var.dtype):
            # As Theano ("DO NOT force integer variables to have zero grad"): an integer input
            # of an op with float outputs gets the op's float gradient (grad wrt an imatrix X
            # of dot(X, W) is the float one); through integer outputs only, zero.
            if undefined_discrete is not None:
                result.append(undefined_discrete)
            elif is_undefined(g):
                result.append(g)
            elif (all(is_discrete(out.dtype) for out, total in zip(node.outputs, totals)
                      if total is not None) or is_discrete(getattr(g, "dtype", "int64"))):
                result.append(_DISCRETE_ZERO)
            else:
                result.append(g)
        elif not is_undefined(g) and g.type.dtype != var.type.dtype:
            result.append(cast(g, var.type.dtype))
        else:
            result.append(g)
    return result


# The gradient term of an integer variable: zero, never materialised unless asked for.
_DISCRETE_ZERO = object()


def _total(var, grad_terms):
    if len(grad_terms) == 1:
        # One term is the total whatever it is (undefined, an integer's zero, a seed).
        return grad_terms[0]
    if not grad_terms:
        return None
    undefined_terms = [g for g in grad_terms if g is not _DISCRETE_ZERO and is_undefined(g)]
    if undefined_terms:
        return undefined_terms[0]
    if is_discrete(var.dtype):
        # Ops send integers an honest zero; only a seed (an integer cost's 1, a known_grads
        # entry) is a real term, and it is the gradient, as in Theano (grad(i, i) is 1.0).
        grad_terms = [g for g in grad_terms if g is not _DISCRETE_ZERO]
        if not grad_terms:
            return _DISCRETE_ZERO
    if len(grad_terms) == 1:
        return grad_terms[0]
    if all(isinstance(g, TensorVariable) for g in grad_terms):
        return add(*grad_terms)
    # Terms of a variable of another type (sparse): each operand's own `+` picks the op.
    return functools.reduce(operator.add, grad_terms)


@dataclass(frozen=True)
class GradientStop(Op):
    """Identity in value; base of ops that change only how gradients flow through them."""

    view_map = {0: [0]}          # perform returns its input itself

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [inputs[0]]


@dataclass(frozen=True)
class ZeroGrad(GradientStop):
    """zero_grad(x): the value of x, a gradient of exactly zero."""

    notation = Func("zero_grad")
    gradient_remedy = "remove zero_grad() if this parameter should learn through this path"
    zero_gradient_reason = "zero_grad() sets the gradient to 0 on purpose"

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]

    def gradient_block(self, node, index):
        return "gradient_stop", self.zero_gradient_reason

@dataclass(frozen=True)
class DisconnectedGrad(GradientStop):
    """disconnected_grad(x): the value of x; gradients treat x as a constant."""

    notation = Func("disconnected_grad")
    gradient_remedy = "remove disconnected_grad() if this parameter should learn through this path"
    zero_gradient_reason = "disconnected_grad() treats its input as a constant on purpose"

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]

    def connection_pattern(self, node):
        """Theano's: the output is not connected to the input, for gradients."""
        return [[False]]

    def gradient_block(self, node, index):
        return "gradient_stop", self.zero_gradient_reason

@dataclass(frozen=True)
class UndefinedGrad(GradientStop):
    """undefined_grad(x): the value of x; a gradient through it is undefined (an error names
    this node), as Theano's. Compiled functions drop it, as every gradient stop."""

    notation = Func("undefined_grad")
    gradient_remedy = "remove undefined_grad() if a gradient should flow through this path"
    zero_gradient_reason = "undefined_grad() marks the gradient as undefined on purpose"

    def grad(self, inputs, output_grads):
        return [undefined(inputs[0], "undefined_grad() marks it undefined on purpose")]

    def connection_pattern(self, node):
        """Theano's: connected (so asking for the gradient raises, not 'disconnected')."""
        return [[True]]

    def gradient_block(self, node, index):
        return "gradient_stop", self.zero_gradient_reason


def undefined_grad(x):
    """x in value; asking for a gradient through it raises NullTypeGradError.

    >>> y = undefined_grad(T.dvector('x')) * 2; grad(y.sum(), x)   # raises  # doctest: +SKIP
    """
    return UndefinedGrad()(x)


@dataclass(frozen=True)
class StraightThrough(Op):
    """straight_through(forward, surrogate): forward's value, surrogate's gradient."""

    notation = Func("straight_through")
    gradient_remedy = ("straight_through(forward, surrogate) sends gradients only into its "
                       "surrogate; make the parameter reach the surrogate argument")
    view_map = {0: [0]}          # perform returns forward itself

    def make_node(self, forward, surrogate):
        forward, surrogate = as_tensor_variable(forward), as_tensor_variable(surrogate)
        if forward.ndim != surrogate.ndim:
            raise ShapeError(f"straight_through: {describe(forward)} and {describe(surrogate)} "
                             f"need one rank")
        dtype = surrogate.dtype if not is_discrete(surrogate.dtype) else forward.dtype
        if forward.dtype != dtype:
            forward = cast(forward, dtype)
        return Apply(self, [forward, surrogate], [TensorType(dtype, forward.type.shape)()])

    def perform(self, node, inputs):
        forward, surrogate = inputs
        if forward.shape != surrogate.shape:
            raise ShapeError(f"straight_through: forward has shape {forward.shape}, surrogate "
                             f"{surrogate.shape}")
        return [forward]

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0]), output_grads[0]]

    def gradient_block(self, node, index):
        if index == 0:
            return ("straight_through", "straight_through(forward, surrogate) takes only the "
                    "surrogate's gradient; its forward argument gets none")
        return None

@dataclass(frozen=True)
class GradClip(GradientStop):
    """grad_clip(x, lower, upper): the value of x; the gradient reaching x clipped to
    [lower, upper], elementwise (Theano's, for exploding gradients in recurrent nets)."""

    lower: float = -1.0
    upper: float = 1.0
    notation = Func("grad_clip", params=("lower", "upper"))

    def __post_init__(self):
        if not self.lower <= self.upper:
            raise InvalidArgumentError(f"grad_clip: lower bound {self.lower} is above the upper "
                                       f"bound {self.upper}")

    def grad(self, inputs, output_grads):
        return [clip(output_grads[0], self.lower, self.upper)]


@dataclass(frozen=True)
class GradScale(GradientStop):
    """grad_scale(x, multiplier): the value of x; the gradient reaching x times `multiplier`."""

    multiplier: float = 1.0
    notation = Func("grad_scale", params=("multiplier",))

    def grad(self, inputs, output_grads):
        return [output_grads[0] * self.multiplier]


def zero_grad(x):
    """x in value; its gradient is exactly zero (the tracer reports it as a block)."""
    return ZeroGrad()(x)


def disconnected_grad(x):
    """x in value; gradients do not flow into it (it acts as a constant)."""
    return DisconnectedGrad()(x)


@dataclass(frozen=True)
class ConsiderConstant(ZeroGrad):
    """consider_constant(x): the value of x, a gradient of zeros (Theano's ConsiderConstant:
    connected, so `grad(consider_constant(x).sum(), x)` is zeros, not an error)."""

    notation = Func("consider_constant")
    gradient_remedy = "remove consider_constant() if this parameter should learn through this path"
    zero_gradient_reason = "consider_constant() treats its input as a constant on purpose"


def consider_constant(x):
    """x in value, its gradient zero, as Theano's consider_constant (a connected zero; see
    disconnected_grad for a gradient that does not flow at all)."""
    return ConsiderConstant()(x)


def grad_clip(x, lower_bound, upper_bound):
    """x in value; its gradient clipped elementwise to [lower_bound, upper_bound].

    >>> h = grad_clip(T.dot(h_prev, U), -1.0, 1.0)                # doctest: +SKIP
    """
    return GradClip(float(lower_bound), float(upper_bound))(x)


def grad_scale(x, multiplier):
    """x in value; its gradient multiplied by `multiplier` (a number).

    >>> y = grad_scale(x, 0.1)          # the gradient into x is a tenth  # doctest: +SKIP
    """
    return GradScale(float(multiplier))(x)


def straight_through(forward, surrogate):
    """The value of `forward` with the gradient of `surrogate`: `straight_through(T.sgn(h), h)`.

    The classic remedy when a piecewise-constant op (sgn, round) blocks the gradient.
    """
    return StraightThrough()(forward, surrogate)


# Op class -> whether its L_op and grad are graphlens's own code (no user code runs in them).
_GRAPHLENS_GRADIENT = {}


def _graphlens_gradient(op_class) -> bool:
    known = _GRAPHLENS_GRADIENT.get(op_class)
    if known is None:
        known = _GRAPHLENS_GRADIENT[op_class] = (is_graphlens_code(op_class.L_op)
                                                 and is_graphlens_code(op_class.grad)
                                                 and is_graphlens_code(op_class.L_op_needed))
    return known

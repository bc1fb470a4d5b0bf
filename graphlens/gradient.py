"""Reverse-mode differentiation: `grad`, `jacobian`, `hessian`, gradient stops, `verify_grad`.

Gradients are ordinary graphs, so they print, rewrite and draw like any other expression. The
walk is iterative (100,000-node graphs) and visits only nodes between the cost and `wrt`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from graphlens.errors import (DisconnectedInputError, GraphlensTypeError, ShapeError,
                              UndefinedGradientError, describe)
from graphlens.graph.basic import Apply, toposort
from graphlens.graph.markers import disconnected, is_disconnected, is_undefined, undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.basic import cast
from graphlens.tensor.math import add, zeros_like
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, as_tensor_variable, constant


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", known_grads=None,
         return_disconnected="zero"):
    """Symbolic gradient of a scalar `cost` with respect to `wrt` (a variable or a list).

    >>> x = T.dscalar('x'); g = grad(x ** 2, x)        # a graph: 2 * x
    """
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError("disconnected_inputs must be 'raise', 'warn' or 'ignore'")
    if return_disconnected not in ("zero", "None", "disconnected"):
        raise ValueError("return_disconnected must be 'zero', 'None' or 'disconnected'")
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    for var in wrt_list:
        if not isinstance(var, TensorVariable):
            raise GraphlensTypeError(f"grad: wrt must be symbolic tensors, got {var!r:.60}")
    seeds = {}
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            raise ShapeError(f"grad: the cost must be a scalar, got {describe(cost)}. Reduce it "
                             f"first, e.g. cost.sum() or cost.mean()")
        if is_discrete(cost.dtype):
            raise GraphlensTypeError(f"grad: the cost {describe(cost)} is an integer; its "
                                     f"gradient is zero everywhere. Cast it to a float first")
        seeds[cost] = constant(1, dtype=cost.dtype)
    for var, g in (known_grads or {}).items():
        seeds[var] = as_tensor_variable(g)
    if not seeds:
        raise ValueError("grad needs a cost or known_grads")
    grads = backpropagate(seeds, wrt_list, set(consider_constant or ()))
    results = []
    for var in wrt_list:
        g = grads.get(var)
        if g is None:
            results.append(_disconnected_result(var, cost, disconnected_inputs,
                                                return_disconnected))
        elif is_undefined(g):
            raise UndefinedGradientError(
                f"the gradient with respect to {describe(var)} is undefined: {g.type.reason}")
        else:
            results.append(g)
    return results[0] if single else results


def _disconnected_result(var, cost, policy, return_disconnected):
    message = (f"grad: the cost {describe(cost) if cost is not None else ''} does not depend on "
               f"{describe(var)}. If that is expected, pass disconnected_inputs='ignore' or "
               f"'warn'")
    if policy == "raise":
        raise DisconnectedInputError(message)
    if policy == "warn":
        warnings.warn(message, stacklevel=3)
    if return_disconnected == "None":
        return None
    if return_disconnected == "disconnected":
        return disconnected(var)
    return zeros_like(var, dtype=var.dtype if not is_discrete(var.dtype) else _float_x())


def _float_x():
    from graphlens.compile.config import config
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
    nodes = toposort(list(seeds))
    wanted = set(wrt)
    # Forward: which variables depend on some wrt through non-constant paths.
    depends = {var for var in wanted if var not in constants}
    for node in nodes:
        if any(var in depends for var in node.inputs):
            for out in node.outputs:
                if out not in constants:
                    depends.add(out)
    terms = {}
    for var, g in seeds.items():
        if var in depends:
            terms.setdefault(var, []).append(g)
    results = {}
    for node in reversed(nodes):
        if not any(out in terms for out in node.outputs):
            continue
        output_totals = []
        for out in node.outputs:
            total = _total(out, terms.pop(out, None))
            if out in wanted and total is not None:
                results[out] = total
            output_totals.append(total)
        output_grads = output_totals
        inputs_needing = [var in depends for var in node.inputs]
        if not any(inputs_needing):
            continue
        undefined_grads = [g for out, g in zip(node.outputs, output_grads)
                           if g is not None and not is_discrete(out.dtype) and is_undefined(g)]
        if undefined_grads:
            input_grads = undefined_grads[:1] * len(node.inputs)
        else:
            # A discrete output's gradient is an honest zero, whatever its consumers sent.
            output_grads = [zeros_like(out) if g is None or is_discrete(out.dtype) else g
                            for out, g in zip(node.outputs, output_grads)]
            input_grads = node.op.grad(list(node.inputs), output_grads)
            if len(input_grads) != len(node.inputs):
                raise GraphlensTypeError(f"{node.op.label}.grad returned {len(input_grads)} "
                                         f"gradients for {len(node.inputs)} inputs")
        # An undefined integer output (a shape, an index) leaves its integer inputs undefined
        # too; its float inputs still get the op's honest zero.
        undefined_discrete = [g for out, g in zip(node.outputs, output_totals)
                              if is_discrete(out.dtype) and g is not _DISCRETE_ZERO
                              and g is not None and is_undefined(g)]
        for var, needed, g in zip(node.inputs, inputs_needing, input_grads):
            if not needed or g is None or is_disconnected(g):
                continue
            if undefined_discrete and is_discrete(var.dtype):
                g = undefined_discrete[0]
            if is_discrete(var.dtype) and not is_undefined(g):
                g = _DISCRETE_ZERO          # no float gradient flows into an integer
            elif not is_undefined(g) and g.dtype != var.dtype:
                g = cast(g, var.dtype)
            terms.setdefault(var, []).append(g)
    for var in wrt:
        if var in terms:
            results[var] = _total(var, terms.pop(var))
    for var, g in list(results.items()):
        if g is _DISCRETE_ZERO:
            results[var] = zeros_like(var, dtype=_float_x())
    return results


# The gradient term of an integer variable: zero, never materialised unless asked for.
_DISCRETE_ZERO = object()


def _total(var, grad_terms):
    if not grad_terms:
        return None
    undefined_terms = [g for g in grad_terms if g is not _DISCRETE_ZERO and is_undefined(g)]
    if undefined_terms:
        return undefined_terms[0]
    if is_discrete(var.dtype):
        return _DISCRETE_ZERO
    return grad_terms[0] if len(grad_terms) == 1 else add(*grad_terms)


@dataclass(frozen=True)
class GradientStop(Op):
    """Identity in value; base of ops that change only how gradients flow through them."""

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [inputs[0]]


@dataclass(frozen=True)
class ZeroGrad(GradientStop):
    """zero_grad(x): the value of x, a gradient of exactly zero."""

    notation = Func("zero_grad")
    zero_gradient_reason = "zero_grad() sets the gradient to 0 on purpose"
    view_map = {0: [0]}

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class DisconnectedGrad(GradientStop):
    """disconnected_grad(x): the value of x; gradients treat x as a constant."""

    notation = Func("disconnected_grad")
    zero_gradient_reason = "disconnected_grad() treats its input as a constant on purpose"
    view_map = {0: [0]}

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


@dataclass(frozen=True)
class StraightThrough(Op):
    """straight_through(forward, surrogate): forward's value, surrogate's gradient."""

    notation = Func("straight_through")

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


def zero_grad(x):
    """x in value; its gradient is exactly zero (the tracer reports it as a block)."""
    return ZeroGrad()(x)


def disconnected_grad(x):
    """x in value; gradients do not flow into it (it acts as a constant)."""
    return DisconnectedGrad()(x)


def consider_constant(x):
    """Theano's name for disconnected_grad."""
    return disconnected_grad(x)


def straight_through(forward, surrogate):
    """The value of `forward` with the gradient of `surrogate`: `straight_through(T.sgn(h), h)`.

    The classic remedy when a piecewise-constant op (sgn, round) blocks the gradient.
    """
    return StraightThrough()(forward, surrogate)


@dataclass(frozen=True)
class Jacobian(Op):
    """Rows of d expression[i] / d wrt, computed by one gradient pass per element of expression.

    Inputs: the expression, then every root its gradient graph reads. `inner` holds the gradient
    graph (seeded by `seed`), compiled on first use.
    """

    inner: "JacobianGraph" = field(compare=True)
    notation = Func("jacobian")

    def make_node(self, expression, *roots):
        inner = self.inner
        shape = inner.expression.type.shape + inner.wrt.type.shape
        return Apply(self, [expression, *roots], [TensorType(inner.wrt.dtype, shape)()])

    def perform(self, node, inputs):
        expression, *roots = inputs
        compiled = self.inner.compiled()
        rows = []
        seed = np.zeros(expression.shape, dtype=expression.dtype)
        for i in range(expression.size):
            seed.flat[i] = 1
            rows.append(compiled(seed, *roots))
            seed.flat[i] = 0
        wrt_shape = rows[0].shape if rows else ()
        if not rows:
            return [np.zeros(expression.shape + (0,) * self.inner.wrt.ndim,
                             dtype=node.outputs[0].type.dtype)]
        out = np.stack(rows).reshape(expression.shape + wrt_shape)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        return [undefined(v, "graphlens does not differentiate a jacobian again (third "
                             "derivatives); build the expression you need with grad")
                for v in inputs]


class JacobianGraph:
    """The gradient graph of `expression` w.r.t. `wrt` under a seed; compared by identity."""

    def __init__(self, expression, wrt):
        self.expression = expression
        self.wrt = wrt
        self.seed = expression.type("seed")
        self.gradient = grad(None, wrt, known_grads={expression: self.seed},
                             disconnected_inputs="ignore")
        from graphlens.graph.basic import graph_inputs
        self.roots = [v for v in graph_inputs([self.gradient])
                      if v is not self.seed and not _is_constant_or_shared(v)]
        self._compiled = None

    def compiled(self):
        """The compiled gradient function (seed, *roots) -> gradient."""
        if self._compiled is None:
            from graphlens.compile.function import function
            self._compiled = function([self.seed, *self.roots], self.gradient,
                                      on_unused_input="ignore")
        return self._compiled

    def __repr__(self):
        return f"d({self.expression!r})/d({self.wrt!r})"


def _is_constant_or_shared(var):
    from graphlens.graph.basic import Constant
    return isinstance(var, Constant) or getattr(var, "is_shared", False)


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """d expression / d wrt, of shape expression.shape + wrt.shape: `T.jacobian(x ** 2, x)`."""
    expression = as_tensor_variable(expression)
    single = not isinstance(wrt, (list, tuple))
    results = []
    for var in ([wrt] if single else wrt):
        if expression.ndim == 0:
            results.append(grad(expression, var, consider_constant, disconnected_inputs))
            continue
        if not _depends_on(expression, var):
            if disconnected_inputs == "raise":
                raise DisconnectedInputError(f"jacobian: {describe(expression)} does not depend "
                                             f"on {describe(var)}")
        inner = JacobianGraph(expression, var)
        results.append(Jacobian(inner)(expression, *inner.roots))
    return results[0] if single else results


def _depends_on(expression, var):
    from graphlens.graph.basic import ancestors
    return var in set(ancestors([expression]))


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """Matrix of second derivatives of a scalar cost: `T.hessian(cost, x)` for a vector x."""
    single = not isinstance(wrt, (list, tuple))
    results = []
    for var in ([wrt] if single else wrt):
        if var.ndim != 1:
            raise ShapeError(f"hessian: wrt must be a vector, got {describe(var)}; flatten it")
        g = grad(cost, var, consider_constant, disconnected_inputs)
        results.append(jacobian(g, var, consider_constant, disconnected_inputs="ignore"))
    return results[0] if single else results


# Finite-difference steps and tolerances by dtype (Theano's values).
_EPS = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}
_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


class GradientCheckError(AssertionError):
    """verify_grad found the symbolic and the numeric gradient apart."""


def verify_grad(fn, points, eps=None, rel_tol=None, abs_tol=None, rng=None):
    """Check `grad` of `fn` against finite differences at `points`, along a random direction.

    `fn` takes symbolic tensors and returns a tensor; the cost is its sum weighted by a random
    projection. A failure shows both gradients and the worst element.

    >>> verify_grad(lambda x: T.tanh(x) * 2, [np.array([0.1, -0.3])])
    """
    from graphlens.compile.function import function
    rng = rng if rng is not None else np.random.default_rng(42)
    points = [np.asarray(p) for p in points]
    inputs = [TensorType(p.dtype, (None,) * p.ndim)(f"input{i}") for i, p in enumerate(points)]
    output = as_tensor_variable(fn(*inputs))
    dtype = output.dtype
    eps = eps or _EPS.get(dtype, 1e-7)
    rel_tol = rel_tol or _TOL.get(dtype, 1e-4)
    abs_tol = abs_tol or _TOL.get(dtype, 1e-4)
    f_out = function(inputs, output, on_unused_input="ignore")
    projection = rng.uniform(0.5, 1.5, size=np.shape(f_out(*points))).astype(dtype)
    cost = (output * constant(projection)).sum() if output.ndim else output * float(projection)
    grads = grad(cost, inputs, disconnected_inputs="ignore")
    f_cost = function(inputs, cost, on_unused_input="ignore")
    f_grad = function(inputs, grads, on_unused_input="ignore")
    analytic = [np.asarray(g, dtype=np.float64) for g in f_grad(*points)]
    for i, point in enumerate(points):
        direction = rng.standard_normal(point.shape)
        shifted = [p.copy() for p in points]
        shifted[i] = (point + eps * direction).astype(point.dtype)
        plus = float(f_cost(*shifted))
        shifted[i] = (point - eps * direction).astype(point.dtype)
        minus = float(f_cost(*shifted))
        numeric = (plus - minus) / (2 * eps)
        symbolic = float(np.sum(analytic[i] * direction))
        error = abs(numeric - symbolic)
        if error > abs_tol and error > rel_tol * max(abs(numeric), abs(symbolic)):
            raise GradientCheckError(_explain(f_cost, points, i, analytic[i], eps, numeric,
                                              symbolic))


def _explain(f_cost, points, index, analytic, eps, numeric, symbolic):
    """Elementwise finite differences of input `index`, to show where the gradients part."""
    point = points[index]
    elementwise = np.zeros(point.shape)
    for position in np.ndindex(point.shape):
        shifted = [p.copy() for p in points]
        shifted[index][position] += eps
        plus = float(f_cost(*shifted))
        shifted[index][position] -= 2 * eps
        minus = float(f_cost(*shifted))
        elementwise[position] = (plus - minus) / (2 * eps)
    worst = np.unravel_index(np.argmax(np.abs(elementwise - analytic)), point.shape) \
        if point.size else ()
    return (f"verify_grad: the symbolic gradient of input {index} disagrees with finite "
            f"differences (directional derivative {symbolic:.6g} vs {numeric:.6g}).\n"
            f"symbolic gradient:\n{analytic}\nnumeric gradient:\n{elementwise}\n"
            f"worst element {tuple(int(i) for i in worst)}: symbolic "
            f"{analytic[worst] if point.size else analytic} vs numeric "
            f"{elementwise[worst] if point.size else elementwise}")



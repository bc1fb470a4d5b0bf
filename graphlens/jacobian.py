"""`jacobian` and `hessian`: full derivative matrices, one gradient pass per output element.

They compile the gradient graph (seeded by one output element at a time) into a function, so
they sit above `compile/`, while `grad` (graphlens/backprop.py) sits below `rewrite/`.
Why the rows are a loop of compiled gradient passes rather than one vectorised graph is written
in docs/architecture.md.

>>> x = T.dvector('x'); J = jacobian(x ** 2, x)      # diag(2 * x) when evaluated
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphlens.backprop import grad
from graphlens.compile.function import function
from graphlens.errors import DisconnectedInputError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant, ancestors, graph_inputs
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


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

    def __init__(self, expression, wrt, consider_constant=None):
        self.expression = expression
        self.wrt = wrt
        self.seed = expression.type("seed")
        self.gradient = grad(None, wrt, consider_constant=consider_constant,
                             known_grads={expression: self.seed}, disconnected_inputs="ignore")
        self.roots = [v for v in graph_inputs([self.gradient])
                      if v is not self.seed and not _is_constant_or_shared(v)]
        self._compiled = None

    def compiled(self):
        """The compiled gradient function (seed, *roots) -> gradient."""
        if self._compiled is None:
            self._compiled = function([self.seed, *self.roots], self.gradient,
                                      on_unused_input="ignore")
        return self._compiled

    def __repr__(self):
        return f"d({self.expression!r})/d({self.wrt!r})"


def _is_constant_or_shared(var):
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
        inner = JacobianGraph(expression, var, consider_constant)
        results.append(Jacobian(inner)(expression, *inner.roots))
    return _as_given(wrt, results)


def _as_given(wrt, results):
    # Theano's format_as: one variable for one, a tuple for a tuple, a list for a list.
    if not isinstance(wrt, (list, tuple)):
        return results[0]
    return tuple(results) if isinstance(wrt, tuple) else results


def _depends_on(expression, var):
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
    return _as_given(wrt, results)

"""Jacobian products: `Lop` (vector times Jacobian) and `Rop` (Jacobian times vector), Theano's
`theano.gradient.Lop` / `Rop`, also at `T.Lop` / `T.Rop`.

For f(wrt) with Jacobian J: `Lop(f, wrt, v)` is v^T J (what backpropagation computes, one graph
of the size of f's), and `Rop(f, wrt, v)` is J v (the directional derivative of f along v).

>>> x = T.dvector('x'); W = T.dmatrix('W'); y = T.dot(W, x)
>>> jv = Rop(y, x, T.dvector('v'))        # W v, without building J
"""

from __future__ import annotations

import contextlib
import contextvars

from graphlens.errors import (DisconnectedInputError, GraphlensTypeError, ShapeError,
                              UndefinedGradientError, UndefinedRopError, describe)
from graphlens.backprop import grad
from graphlens.graph.types import is_discrete
from graphlens.graph.basic import Constant, ancestors, clone_graph, graph_inputs
from graphlens.tensor.variable import TensorVariable, as_tensor_variable


# True while Rop pulls u^T J back through f (its first pass): an op whose user gave its own
# Jacobian-vector product (OpFromGraph's rop_overrides) answers with that product's transpose
# then, so J v comes out of the user's R_op, as Theano's forward-mode Rop used it.
_ROP_PASS = contextvars.ContextVar("graphlens_rop_pass", default=False)


def in_rop_pass() -> bool:
    """True while `Rop` computes u^T J (ops with their own R_op read it: compile/builders.py)."""
    return _ROP_PASS.get()


@contextlib.contextmanager
def rop_pass(active: bool):
    """Within: `in_rop_pass()` is `active` (a transposed R_op differentiates normally)."""
    token = _ROP_PASS.set(active)
    try:
        yield
    finally:
        _ROP_PASS.reset(token)


def _listed(value):
    return (list(value), False) if isinstance(value, (list, tuple)) else ([value], True)


def _pairs(outputs, points, what):
    if len(outputs) != len(points):
        raise ShapeError(f"{what}: {len(outputs)} expressions but {len(points)} eval_points; "
                         f"give one point per expression")
    pairs = []
    for out, point in zip(outputs, points):
        out, point = as_tensor_variable(out), as_tensor_variable(point)
        if point.ndim != out.ndim:
            raise ShapeError(f"{what}: the eval_point {describe(point)} must have the rank of "
                             f"{describe(out)}")
        pairs.append((out, point))
    return pairs


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """v^T J: the gradient of sum(f * eval_points) with respect to `wrt`, as Theano's Lop.

    `f` and `eval_points` are a variable each or lists of the same length; the result has the
    structure of `wrt` (a variable or a list).

    >>> g = Lop(T.tanh(x), x, T.ones_like(x))     # (1 - tanh(x)**2) elementwise
    """

    outputs, _ = _listed(f)
    points, _ = _listed(eval_points)
    known = dict(_pairs(outputs, points, "Lop"))
    return grad(None, wrt, consider_constant=consider_constant,
                disconnected_inputs=disconnected_inputs, known_grads=known)


def _still_inputs(outputs, directions) -> list:
    """f's other float inputs, which Theano's Rop moves along a zero direction.

    So J v is built at f's whole point: `Rop(dot(x, W), W, V)` reads x and W, and
    `function([W, V, x], JV)` finds W used. The zero terms cost nothing once compiled
    (products with zeros are rewritten away).
    """
    return [var for var in graph_inputs(outputs)
            if var not in directions and isinstance(var, TensorVariable)
            and not isinstance(var, Constant) and var.dtype.startswith("float")]


def Rop(f, wrt, eval_points, disconnected_outputs="raise"):
    """J v: the derivative of `f` along the direction `eval_points` of `wrt`, as Theano's Rop.

    `wrt` and `eval_points` are a variable each or lists of the same length; the result has the
    structure of `f`. Built from two Lops: g(u) = u^T J is linear in a stand-in u, and its
    gradient with respect to u along v is J v, which no longer depends on u.

    >>> jv = Rop(T.dot(W, x), x, v)               # equals T.dot(W, v)
    """

    outputs, single_output = _listed(f)
    wrt_list, _ = _listed(wrt)
    points, _ = _listed(eval_points)
    for var in wrt_list:
        if not isinstance(var, TensorVariable):
            raise GraphlensTypeError(f"Rop: wrt must be symbolic tensors, got {var!r:.60}")
    directions = dict(_pairs(wrt_list, points, "Rop"))
    outputs = [as_tensor_variable(out) for out in outputs]
    stand_ins = [out.type() for out in outputs]
    # One backward pass gives u^T J for wrt (along v) and for f's other inputs (along zeros).
    still = _still_inputs(outputs, directions)
    try:
        with rop_pass(True):
            pulled = grad(None, wrt_list + still, known_grads=dict(zip(outputs, stand_ins)),
                          disconnected_inputs="ignore", return_disconnected="None")
    except UndefinedGradientError as error:
        # Theano's Rop found no R_op result past such an op and raised a ValueError.
        raise UndefinedRopError(f"Rop: J v is undefined: {error}") from None
    connected = [(g, directions[var]) for g, var in zip(pulled, wrt_list) if g is not None]
    connected += [(g, var.zeros_like()) for g, var in zip(pulled[len(wrt_list):], still)
                  if g is not None] if connected else []
    # One gradient may serve two inputs (through SpecifyShape, x's gradient is wrt's): its
    # directions add up, where a dict would keep only the last (a zero one).
    directions_of = {}
    for g, direction in connected:
        directions_of[g] = direction if g not in directions_of else directions_of[g] + direction
    results = [None] * len(outputs)
    if connected:
        results = list(grad(None, stand_ins, known_grads=directions_of,
                            disconnected_inputs="ignore", return_disconnected="None"))
    # As Theano: an output built by float ops that do not reach wrt has J v = 0; an integer one
    # (x.shape[0], argmax) or an input that is not in wrt has none, and raises a ValueError.
    for position, (out, result) in enumerate(zip(outputs, results)):
        if result is None:
            if disconnected_outputs == "raise" and (is_discrete(out.dtype) or out.owner is None):
                raise DisconnectedInputError(
                    f"Rop: {describe(out)} does not depend on any of wrt (or only through "
                    f"integer values, whose derivative is zero)")
            results[position] = out.zeros_like()
    # J v does not depend on the stand-ins' values; if one still appears (an op whose gradient
    # reads its input without needing it), zeros of the output's shape take its place.
    used = set(ancestors(results))
    leftovers = {u: out * 0 for u, out in zip(stand_ins, outputs) if u in used}
    if leftovers:
        results, _ = clone_graph(results, replace=leftovers)
    if single_output:
        return results[0]
    return tuple(results) if isinstance(f, tuple) else list(results)

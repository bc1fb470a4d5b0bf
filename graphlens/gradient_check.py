"""verify_grad: a symbolic gradient checked against finite differences, with dtype-aware steps.

>>> verify_grad(lambda x: T.tanh(x) * 2, [np.array([0.1, -0.3])])
"""

from __future__ import annotations

import numpy as np

from graphlens.backprop import grad
from graphlens.compile.function import function
from graphlens.errors import GradientCheckError, GraphlensTypeError
from graphlens.tensor.basic import cast
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

# Finite-difference steps and tolerances by dtype (Theano's values).
_EPS = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}
_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None,
                rel_tol=None, mode=None, cast_to_output_type=False, no_debug_ref=True):
    """Check `grad` of `fun` against finite differences at the points `pt`, along `n_tests`
    random directions (Theano's signature; `out_type`, `cast_to_output_type` and
    `no_debug_ref` are accepted for Theano code and change nothing here).

    `fun` takes symbolic tensors (one per point) and returns a tensor; the cost is its sum
    weighted by a random projection. Integer and bool points are held fixed (indices, say).
    The step and tolerances follow the least precise float dtype involved. `rng`: a numpy
    RandomState or Generator (seeded by default). `mode`: the compile mode of the functions
    compared. A failure raises GradientCheckError (also `verify_grad.E_grad`) showing both
    gradients and the worst element.

    >>> verify_grad(lambda x: T.tanh(x) * 2, [np.array([0.1, -0.3])])
    """
    rng = rng if rng is not None else np.random.default_rng(42)
    points = [np.asarray(p) for p in pt]
    inputs = [TensorType(p.dtype, (None,) * p.ndim)(f"input{i}") for i, p in enumerate(points)]
    output = as_tensor_variable(fun(*inputs))
    checked = [i for i, p in enumerate(points) if p.dtype.kind == "f"]
    if not checked:
        raise GraphlensTypeError("verify_grad needs at least one float point to perturb")
    coarsest = max([str(points[i].dtype) for i in checked]
                   + ([output.dtype] if output.dtype in _EPS else []),
                   key=lambda dtype: _EPS.get(dtype, 1e-7))
    eps = eps or _EPS.get(coarsest, 1e-7)
    rel_tol = rel_tol or _TOL.get(coarsest, 1e-4)
    abs_tol = abs_tol or _TOL.get(coarsest, 1e-4)
    options = {"on_unused_input": "ignore"} if mode is None else {
        "on_unused_input": "ignore", "mode": mode}
    # The projection is an input, so each of the n_tests draws a new one without compiling
    # again. The cost is summed in float64, so float32 rounding of a long sum does not drown
    # the difference between the two shifted costs.
    projection = TensorType("float64", (None,) * output.ndim)("projection")
    cost = (cast(output, "float64") * projection).sum()
    grads = grad(cost, [inputs[i] for i in checked], disconnected_inputs="ignore")
    f_cost = function(inputs + [projection], cost, **options)
    f_grad = function(inputs + [projection], grads, **options)
    shape = np.shape(function(inputs, output, **options)(*points))
    for _ in range(max(int(n_tests), 1)):
        weights = rng.uniform(0.5, 1.5, size=shape)
        _compare(lambda *values: f_cost(*values, weights), f_grad(*points, weights), points,
                 checked, rng, eps, rel_tol, abs_tol)


# Theano code catches the failure by this name: `except verify_grad.E_grad`.
verify_grad.E_grad = GradientCheckError


def _compare(cost_at, analytic, points, checked, rng, eps, rel_tol, abs_tol):
    """Each checked point moved along one random direction: the change of the cost against
    the symbolic gradient's prediction; raises GradientCheckError on a mismatch."""
    analytic = [np.asarray(g, dtype=np.float64) for g in analytic]
    for i, symbolic_grad in zip(checked, analytic):
        point = points[i]
        direction = rng.standard_normal(point.shape)
        shifted = list(points)
        plus_point = (point + eps * direction).astype(point.dtype)
        minus_point = (point - eps * direction).astype(point.dtype)
        shifted[i] = plus_point
        plus = float(cost_at(*shifted))
        shifted[i] = minus_point
        minus = float(cost_at(*shifted))
        # Per unit step, measured on the points actually evaluated (after dtype rounding).
        step = plus_point.astype(np.float64) - minus_point.astype(np.float64)
        numeric = (plus - minus) / (2 * eps)
        symbolic = float(np.sum(symbolic_grad * step)) / (2 * eps)
        error = abs(numeric - symbolic)
        # A NaN or inf fails every comparison, so it would pass the one below: a check that
        # cannot compare the two gradients is a failure, not a success.
        if not np.isfinite(error) or (
                error > abs_tol and error > rel_tol * max(abs(numeric), abs(symbolic))):
            raise GradientCheckError(_explain(cost_at, points, i, symbolic_grad, eps, numeric,
                                              symbolic))


def _explain(f_cost, points, index, analytic, eps, numeric, symbolic):
    """Elementwise finite differences of input `index`, to show where the gradients part."""
    point = points[index]
    elementwise = np.zeros(point.shape)
    for position in np.ndindex(point.shape):
        shifted = list(points)
        shifted[index] = point.copy()
        shifted[index][position] += eps
        plus = float(f_cost(*shifted))
        shifted[index][position] -= 2 * eps
        minus = float(f_cost(*shifted))
        elementwise[position] = (plus - minus) / (2 * eps)
    if point.size:
        worst = np.unravel_index(np.argmax(np.abs(elementwise - analytic)), point.shape)
        worst_text = (f"worst element {tuple(int(i) for i in worst)}: symbolic "
                      f"{analytic[worst]:.6g} vs numeric {elementwise[worst]:.6g}")
    else:
        worst_text = f"symbolic {float(analytic):.6g} vs numeric {float(elementwise):.6g}"
    return (f"verify_grad: the symbolic gradient of input {index} disagrees with finite "
            f"differences (directional derivative {symbolic:.6g} vs {numeric:.6g}).\n"
            f"symbolic gradient:\n{analytic}\nnumeric gradient:\n{elementwise}\n{worst_text}")

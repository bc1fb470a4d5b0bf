"""verify_grad: a symbolic gradient checked against finite differences, with dtype-aware steps;
numeric_grad: Theano's elementwise finite differences of a Python function.

>>> verify_grad(lambda x: T.tanh(x) * 2, [np.array([0.1, -0.3])])
>>> numeric_grad(lambda x: (x ** 2).sum(), np.array([1.0, 2.0])).gf    # ~ [2, 4]
"""

from __future__ import annotations

import numpy as np

from graphlens.backprop import grad
from graphlens.compile.function import function
from graphlens.errors import (GradientCheckError, GraphlensTypeError, InvalidArgumentError,
                              ShapeError)
from graphlens.tensor.basic import cast
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

# Tolerances by dtype (Theano's values); the steps are numeric_grad.type_eps.
_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


class numeric_grad:  # noqa: N801 (Theano's name)
    """The gradient of a scalar-valued Python function `f` at `pt` (an ndarray, or a list or
    tuple of them) by one-sided finite differences, element by element:
    `gf[i] = (f(pt + eps e_i) - f(pt)) / eps` (Theano's `theano.gradient.numeric_grad`).

    `gf` is one array per point (a single array when `pt` was one). The work is done in the
    most precise dtype among the points, the step `eps` defaults to the largest of their
    `type_eps`; `out_type` 'complex64'/'complex128' keeps a complex gradient. `f` is called
    once more than there are elements, with fresh arrays each time.

    >>> ng = numeric_grad(lambda x: (x ** 2).sum(), np.array([1.0, 2.0]))
    >>> np.round(ng.gf, 4)
    array([2., 4.])
    """

    # The finite-difference step by dtype (Theano's values), keyed by name and by numpy dtype
    # as Theano's (`type_eps[p.dtype]`); verify_grad reads it too.
    type_eps = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}
    type_eps.update({np.dtype(name): step for name, step in type_eps.items()})

    def __init__(self, f, pt, eps=None, out_type=None):
        packed = not isinstance(pt, (list, tuple))
        points = [np.array(p) for p in ([pt] if packed else pt)]
        dtypes = [str(p.dtype) for p in points]
        for i, dtype in enumerate(dtypes):
            if dtype not in self.type_eps:
                raise GraphlensTypeError(
                    f"numeric_grad: point {i} has dtype {dtype}; finite differences need "
                    f"float16, float32 or float64 points (cast it, e.g. "
                    f"np.asarray(p, 'float64'))")
        working = min(dtypes, key=self.type_eps.__getitem__)
        if eps is None:
            eps = max(self.type_eps[dtype] for dtype in dtypes)
        grad_dtype = out_type if out_type and str(out_type).startswith("complex") else working
        # One flat buffer holds every point: element i of the whole input moves at step i,
        # and each point is a reshaped view of its slice.
        sizes = [p.size for p in points]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        flat = np.concatenate([p.ravel() for p in points]).astype(working) if points else \
            np.zeros(0, working)
        gradient = np.zeros(flat.size, dtype=grad_dtype)

        def call(values):
            return f(*[values[offsets[k]:offsets[k + 1]].reshape(p.shape).copy()
                       for k, p in enumerate(points)])

        at_pt = call(flat)
        for i in range(flat.size):       # one call of f per element: f is a black box
            moved = flat.copy()
            moved[i] += eps
            gradient[i] = (call(moved) - at_pt) / eps
        self.gf = [gradient[offsets[k]:offsets[k + 1]].reshape(p.shape)
                   for k, p in enumerate(points)]
        if packed:
            self.gf = self.gf[0]

    @staticmethod
    def abs_rel_err(a, b):
        """(abs_err, rel_err) of two arrays elementwise: |a - b| and |a - b| / (|a| + |b|),
        the denominator kept at least 1e-8 so two zeros compare as equal.

        >>> numeric_grad.abs_rel_err(np.array([1.0]), np.array([3.0]))
        (array([2.]), array([0.5]))
        """
        abs_err = np.asarray(abs(a - b))     # asarray: a scipy.sparse difference is a matrix
        rel_err = np.asarray(abs_err / np.maximum(abs(a) + abs(b), 1e-8))
        return abs_err, rel_err

    def abs_rel_errors(self, g_pt):
        """[(abs_err, rel_err)] of each array of the gradient `g_pt` against `gf`; ValueError
        when `g_pt` has another number of arrays, or an array another shape.

        >>> ng.abs_rel_errors([np.array([2.0, 4.0])])                # doctest: +SKIP
        """
        mine = self.gf if isinstance(self.gf, list) else [self.gf]
        if len(g_pt) != len(mine):
            raise InvalidArgumentError(f"numeric_grad.abs_rel_errors: got {len(g_pt)} gradient "
                                       f"arrays, the numeric gradient has {len(mine)}")
        errors = []
        for i, (a, b) in enumerate(zip(g_pt, mine)):
            a = np.asarray(a)
            if a.shape != b.shape:
                raise ShapeError(f"numeric_grad.abs_rel_errors: gradient array {i} has shape "
                                 f"{a.shape}, the numeric gradient {b.shape}")
            errors.append(self.abs_rel_err(a, b))
        return errors

    def max_err(self, g_pt, abs_tol=None, rel_tol=None):
        """The worst element of `g_pt` against `gf`, measured as min(abs_err / abs_tol,
        rel_err / rel_tol) (above 1: both tolerances exceeded). Returns (which array, its flat
        position, abs_err there, rel_err there). The tolerances default to verify_grad's for
        the gradient's dtype; a NaN or inf error raises ValueError.

        >>> ng.max_err([np.array([2.0, 4.1])], 1e-4, 1e-4)          # doctest: +SKIP
        (0, 1, 0.1, 0.0122)
        """
        mine = self.gf if isinstance(self.gf, list) else [self.gf]
        dtype = str(mine[0].dtype) if mine else "float64"
        abs_tol = _TOL.get(dtype, 1e-4) if abs_tol is None else abs_tol
        rel_tol = _TOL.get(dtype, 1e-4) if rel_tol is None else rel_tol
        worst = []           # (scaled error, position, abs_err, rel_err) per array
        for abs_err, rel_err in self.abs_rel_errors(g_pt):
            if not (np.all(np.isfinite(abs_err)) and np.all(np.isfinite(rel_err))):
                raise InvalidArgumentError(f"numeric_grad.max_err: the error is not finite "
                                           f"(abs_err {abs_err!r})")
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol).ravel()
            if not scaled.size:                      # an empty array has no error
                worst.append((0.0, 0, 0.0, 0.0))
                continue
            position = int(scaled.argmax())
            worst.append((float(scaled[position]), position, float(abs_err.ravel()[position]),
                          float(rel_err.ravel()[position])))
        arg = int(np.argmax([w[0] for w in worst]))
        return arg, worst[arg][1], worst[arg][2], worst[arg][3]


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
    # Theano's rule: an axis of length 1 in the point is broadcastable in the input, so a
    # (1, n) mean broadcasts against an (m, n) batch as it did in Theano's verify_grad.
    inputs = [TensorType(p.dtype, tuple(1 if n == 1 else None for n in p.shape))(f"input{i}")
              for i, p in enumerate(points)]
    output = as_tensor_variable(fun(*inputs))
    checked = [i for i, p in enumerate(points) if p.dtype.kind == "f"]
    if not checked:
        raise GraphlensTypeError("verify_grad needs at least one float point to perturb")
    coarsest = max([str(points[i].dtype) for i in checked]
                   + ([output.dtype] if output.dtype in numeric_grad.type_eps else []),
                   key=lambda dtype: numeric_grad.type_eps.get(dtype, 1e-7))
    eps = eps or numeric_grad.type_eps.get(coarsest, 1e-7)
    rel_tol = rel_tol or _TOL.get(coarsest, 1e-4)
    abs_tol = abs_tol or _TOL.get(coarsest, 1e-4)
    # accept_inplace as Theano's: an op that overwrites its input (tensor.inplace) is checked
    # like any other; the function's own inputs stay protected.
    options = {"on_unused_input": "ignore", "accept_inplace": True}
    if mode is not None:
        options["mode"] = mode
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
    # A gradient may be sparse though its input is dense (sparse_grad(W[rows])): compared as
    # the dense matrix it stands for (read by duck type: scipy stays unloaded until used).
    analytic = [np.asarray(g.toarray() if hasattr(g, "toarray") else g, dtype=np.float64)
                for g in analytic]
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
    """Elementwise finite differences of input `index` (numeric_grad), to show where the
    gradients part."""
    point = points[index]

    def cost_of(value):
        return float(f_cost(*points[:index], value, *points[index + 1:]))
    elementwise = np.asarray(numeric_grad(cost_of, point, eps).gf, dtype=np.float64)
    if point.size:
        worst = np.unravel_index(np.argmax(np.abs(elementwise - analytic)), point.shape)
        worst_text = (f"worst element {tuple(int(i) for i in worst)}: symbolic "
                      f"{analytic[worst]:.6g} vs numeric {elementwise[worst]:.6g}")
    else:
        worst_text = f"symbolic {float(analytic):.6g} vs numeric {float(elementwise):.6g}"
    return (f"verify_grad: the symbolic gradient of input {index} disagrees with finite "
            f"differences (directional derivative {symbolic:.6g} vs {numeric:.6g}).\n"
            f"symbolic gradient:\n{analytic}\nnumeric gradient:\n{elementwise}\n{worst_text}")

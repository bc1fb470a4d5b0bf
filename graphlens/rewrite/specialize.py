"""Specialization: general ops replaced by cheaper ones for the cases at hand.

x ** 2 is a multiplication, not a call to pow; dot(x, W) + b is one matrix product written into
its own result, not a product and then a second array for the sum; a reduction of a reduction
(a squared error summed per example, then averaged over the batch) is one pass over the array.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe, where
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func, Special
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete, upcast
from graphlens.rewrite.pattern import Const, Pat, Var, constant_value, fits, rewrite
from graphlens.tensor.blas import Dot, dot
from graphlens.tensor.basic import cast
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.fill import fill
from graphlens.tensor.math import Add, Mul, Pow, sqr, sqrt
from graphlens.tensor.reduce import AxisSize, Mean, Reduce, Sum, accumulator_dtype, expand_reduced
from graphlens.tensor.special import inv
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

SPECIAL = ("specialize",)


@rewrite("specialize", Pat(Pow, Var("x"), Const("exponent"), name="old"), tags=SPECIAL)
def pow_to_arithmetic(x, exponent, old):
    """x ** 2 -> sqr(x), x ** 0.5 -> sqrt(x), x ** -1 -> 1 / x: no call to pow for the usual
    powers (x ** 1 and x ** 0 are gone already, see canonicalize.pow_identity)."""
    value = constant_value(exponent)
    if value.size != 1 or x.dtype != old.dtype:
        return None
    value = value.reshape(()).item()
    replacement = {2: lambda: sqr(x), 0.5: lambda: sqrt(x), 1: lambda: x,
                   -1: lambda: inv(x)}.get(value)
    return None if replacement is None else fits(replacement(), old)


@dataclass(frozen=True)
class Dot22(Op):
    """A product of matrices, each maybe read transposed, plus maybe a bias row added in place:
    `Dot22(True, False, True)(a, b, v)` is a.T @ b + v[None, :], with one array for the result."""

    transpose_a: bool = False
    transpose_b: bool = False
    bias: bool = False
    notation = Special("product")        # prints as `x.T @ W + b` (printer/forms.py)

    def make_node(self, a, b, *bias):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        bias = [as_tensor_variable(v) for v in bias]
        if a.ndim != 2 or b.ndim != 2 or len(bias) != int(self.bias) or any(
                v.ndim != 1 for v in bias):
            raise ShapeError(f"{self.label} takes two matrices" + (" and a bias vector"
                             if self.bias else "") + f", got {describe(a)}, {describe(b)}")
        left = a.type.shape[::-1] if self.transpose_a else a.type.shape
        right = b.type.shape[::-1] if self.transpose_b else b.type.shape
        if None not in (left[1], right[0]) and left[1] != right[0]:
            raise ShapeError(f"{self.label}: inner lengths differ, {left[1]} and {right[0]}")
        columns = right[1] if right[1] is not None else (bias[0].type.shape[0] if bias else None)
        dtype = upcast(a.dtype, b.dtype, *(v.dtype for v in bias))
        return Apply(self, [a, b, *bias], [TensorType(dtype, (left[0], columns))()])

    def perform(self, node, inputs):
        a, b, *bias = inputs
        left = a.T if self.transpose_a else a
        right = b.T if self.transpose_b else b
        if left.shape[1] != right.shape[0]:
            raise ShapeError(f"dot: inner lengths differ, x has shape {left.shape} and y "
                             f"{right.shape}")
        out = np.matmul(left, right)     # BLAS as np.dot, a little faster on transposes
        out = np.asarray(out, dtype=node.outputs[0].type.dtype)
        if bias:
            (vector,) = bias
            if vector.shape != out.shape[1:]:
                raise ShapeError(f"{self.label}: a bias of shape {vector.shape} for a product "
                                 f"of shape {out.shape}, built at {where(node.outputs[0])}")
            out += vector
        return [out]

    def direct_perform(self, node):
        """A product without bias whose inputs have the output's dtype: matmul of the two
        arrays as read (transposed where the op says), the lengths checked as perform does."""
        dtype = node.outputs[0].type.dtype
        if self.bias or any(var.dtype != dtype for var in node.inputs):
            return None
        transpose_a, transpose_b, matmul = self.transpose_a, self.transpose_b, np.matmul

        def product(a, b):
            left = a.T if transpose_a else a
            right = b.T if transpose_b else b
            if left.shape[1] != right.shape[0]:
                raise ShapeError(f"dot: inner lengths differ, x has shape {left.shape} and y "
                                 f"{right.shape}")
            return matmul(left, right)
        return product

    def grad(self, inputs, output_grads):
        (a, b, *bias), (gz,) = inputs, output_grads
        left = a.T if self.transpose_a else a
        right = b.T if self.transpose_b else b
        grad_left, grad_right = dot(gz, right.T), dot(left.T, gz)
        grads = [grad_left.T if self.transpose_a else grad_left,
                 grad_right.T if self.transpose_b else grad_right]
        return grads + [gz.sum(axis=0)] * len(bias)


@dataclass(frozen=True)
class Gemv(Op):
    """A matrix times a vector, the matrix maybe read transposed: `Gemv(True)(a, v)` is
    a.T @ v, one BLAS gemv call. Theano named it so (its CGemv), and Theano code that checks
    for it in a compiled graph (its tutorial's "Used the cpu") finds it."""

    transpose_a: bool = False
    notation = Special("product")        # prints as `x @ w`, `x.T @ g`

    def make_node(self, a, v):
        a, v = as_tensor_variable(a), as_tensor_variable(v)
        if a.ndim != 2 or v.ndim != 1:
            raise ShapeError(f"{self.label} takes a matrix and a vector, got {describe(a)}, "
                             f"{describe(v)}")
        rows, inner = a.type.shape[::-1] if self.transpose_a else a.type.shape
        if None not in (inner, v.type.shape[0]) and inner != v.type.shape[0]:
            raise ShapeError(f"{self.label}: inner lengths differ, {inner} and "
                             f"{v.type.shape[0]}")
        return Apply(self, [a, v], [TensorType(upcast(a.dtype, v.dtype), (rows,))()])

    def perform(self, node, inputs):
        return [np.asarray(self.direct_perform(node)(*inputs), node.outputs[0].type.dtype)]

    def direct_perform(self, node):
        """matmul of the matrix (as read) and the vector, the lengths checked first."""
        transpose, matmul, dtype = self.transpose_a, np.matmul, node.outputs[0].type.dtype
        exact = all(var.dtype == dtype for var in node.inputs)

        def product(a, v):
            left = a.T if transpose else a
            if left.shape[1] != v.shape[0]:
                raise ShapeError(f"dot: inner lengths differ, x has shape {left.shape} and y "
                                 f"{v.shape}")
            out = matmul(left, v)
            return out if exact else np.asarray(out, dtype)
        return product

    def grad(self, inputs, output_grads):
        (a, v), (gz,) = inputs, output_grads
        left = a.T if self.transpose_a else a
        # d(left @ v)/d left is the outer product gz v^T; d/dv is left^T gz.
        grad_left = dot(gz.dimshuffle(0, "x"), v.dimshuffle("x", 0))
        return [grad_left.T if self.transpose_a else grad_left, dot(left.T, gz)]


def _matrix_transpose(var):
    """x if var is x.T (a DimShuffle{1,0} of a matrix), else None."""
    node = var.owner
    if node is not None and isinstance(node.op, DimShuffle) and node.op.new_order == (1, 0):
        return node.inputs[0]
    return None


@rewrite("specialize", Pat(Dot, Var("a"), Var("b"), name="old"), tags=SPECIAL + ("blas",))
def dot_of_matrices(a, b, old):
    """dot(a.T, b) of matrices -> dot22(a, b, transpose_a=True): BLAS reads a transposed in
    place, and no node is spent on the transpose."""
    if a.ndim != 2 or b.ndim != 2:
        return None
    base_a, base_b = _matrix_transpose(a), _matrix_transpose(b)
    op = Dot22(base_a is not None, base_b is not None)
    return fits(op(base_a if base_a is not None else a, base_b if base_b is not None else b),
                old)


@rewrite("specialize", Pat(Dot, Var("a"), Var("b"), name="old"), tags=SPECIAL + ("blas",))
def dot_of_matrix_and_vector(a, b, old):
    """dot(a, v) of a matrix and a vector -> gemv(a, v); dot(a.T, v) and dot(v, a) (which is
    a.T @ v) -> gemv(a, v, transpose_a=True): BLAS reads a transposed in place, and no node is
    spent on the transpose."""
    if a.ndim == 2 and b.ndim == 1:
        matrix, vector, transposed = a, b, False
    elif a.ndim == 1 and b.ndim == 2:
        matrix, vector, transposed = b, a, True
    else:
        return None
    base = _matrix_transpose(matrix)
    if base is not None:
        matrix, transposed = base, not transposed
    return fits(Gemv(transposed)(matrix, vector), old)


def _row_of_vector(var):
    """v if var is v[None, :] (a DimShuffle{x,0} of a vector), else None."""
    node = var.owner
    if node is not None and isinstance(node.op, DimShuffle) and node.op.new_order == ("x", 0):
        return node.inputs[0]
    return None


# needs: one term must be a Dot22's output, so a graph without one is declined at once.
@rewrite("specialize", Pat(Add, rest="terms", name="old"), tags=SPECIAL + ("blas",),
         needs=(Dot22,))
def dot_plus_bias(terms, old):
    """dot(x, W) + b[None, :] -> dot22(x, W, b, bias=True): the bias is added in place."""
    if len(terms) != 2 or old.ndim != 2:
        return None
    for product, row in (terms, terms[::-1]):
        node = product.owner
        vector = _row_of_vector(row)
        if node is not None and isinstance(node.op, Dot22) and not node.op.bias \
                and vector is not None and vector.dtype == product.dtype:
            op = Dot22(node.op.transpose_a, node.op.transpose_b, True)
            return fits(op(*node.inputs, vector), old)
    return None


def _one_element(var) -> bool:
    """True when `var` is declared of length 1 on every axis (a scalar, a count, 2.0)."""
    return all(length == 1 for length in var.type.shape)


def _leads_with_one_element_pair(node) -> bool:
    # The rule's first test, made before it is called: most sums and products (a gradient is
    # mostly products of two arrays) do not start with two one-element terms.
    inputs = node.inputs
    return len(inputs) > 2 and _one_element(inputs[0]) and _one_element(inputs[1])


@rewrite("specialize", Pat((Add, Mul), rest="terms", op_name="op", name="old",
                           where=_leads_with_one_element_pair), tags=SPECIAL)
def one_element_terms_first(terms, op, old):
    """a * b * X -> (a * b) * X for one-element a, b leading an n-ary + or *: the fold computes
    a * b first either way (same values, bit for bit), but as its own node the one-element part
    is done once on single values, and the fused node makes one pass over X's array, not two.
    The gradient of a mean, 1 / n * 2.0 * e, is then e * (2.0 / n), as a person writes it."""
    leading = 0
    while leading < len(terms) and _one_element(terms[leading]):
        leading += 1
    if leading < 2 or leading == len(terms) or any(t.dtype != old.dtype for t in terms):
        return None
    return fits(op(op(*terms[:leading]), *terms[leading:]), old)


@dataclass(frozen=True)
class SumMean(Reduce):
    """The sum of x over `axis`, divided by the lengths of the `mean_over` axes among them (axes
    of x): mean(sum(x, axis=1), axis=0) is `SumMean((0, 1), (0,))(x)`, sum(x) / rows.

    One reduction over the whole block, where the two reductions sum each short row first
    (numpy's slowest case: 64 rows of 8 cost as much as 1,000 values in one run) and then
    average the row sums. Equal up to rounding: the additions are grouped differently.

    >>> x = T.dmatrix('x')
    >>> SumMean((0, 1), (0,))(x).eval({x: np.ones((4, 3))})       # three per row
    array(3.)
    """

    mean_over: tuple = ()
    notation = Func("sum_mean", params=("axis", "mean_over"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not set(self.mean_over) <= set(self.axis) or not all(
                0 <= a < x.ndim for a in self.axis):
            raise ShapeError(f"{self.label}: axes of {describe(x)} that include the averaged "
                             f"ones, got {self.axis} and {self.mean_over}")
        shape = tuple(d for i, d in enumerate(x.type.shape) if i not in self.axis)
        return Apply(self, [x], [TensorType(self.output_dtype(x.dtype), shape)()])

    def output_dtype(self, dtype):
        # Integers average in float64, as Mean's do (and are summed in it).
        return "float64" if is_discrete(dtype) else dtype

    def reduce(self, x, axis, dtype):
        count = math.prod(x.shape[a] for a in self.mean_over)
        if count == 0:      # no rows to average: numpy's NaN and warning, as the two reductions
            return self._in_two(x, axis, dtype)
        return np.add.reduce(x, axis, accumulator_dtype(dtype)) / count

    def _in_two(self, x, axis, dtype):
        summed = tuple(a for a in axis if a not in self.mean_over)
        kept = [a for a in range(x.ndim) if a not in summed]
        averaged = tuple(kept.index(a) for a in self.mean_over)
        return np.mean(np.add.reduce(x, summed, accumulator_dtype(dtype)), axis=averaged)

    def direct_perform(self, node):
        """The one reduction and the division, for one averaged axis (the usual batch)."""
        if len(self.mean_over) != 1:
            return None
        (averaged,), axis = self.mean_over, self.axis
        dtype, reduce, asarray, in_two = node.outputs[0].type.numpy_dtype, np.add.reduce, \
            np.asarray, self._in_two

        def direct(x, wide=np.dtype(accumulator_dtype(dtype.name))):
            count = x.shape[averaged]
            if count:
                return asarray(reduce(x, axis, wide) / count, dtype)
            return asarray(in_two(x, axis, dtype), dtype)
        return direct

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        count = cast(AxisSize(self.mean_over)(x), gz.dtype)
        return [fill(x, expand_reduced(gz, self.axis, x.ndim)) / count]


def _merged_axes(inner_axes, outer_axes, ndim):
    """The axes of x that reducing x over `inner_axes` and the result over `outer_axes` spans,
    and those of them the outer reduction covered (as axes of x)."""
    kept = [a for a in range(ndim) if a not in inner_axes]
    outer = tuple(kept[a] for a in outer_axes)
    return tuple(sorted(set(inner_axes) | set(outer))), tuple(sorted(outer))


def _float_sum(var, fgraph):
    """x when `var` is sum(x, ...) of floats (the sum's own dtype) read by one node only."""
    node = var.owner
    if node is None or type(node.op) is not Sum or var.dtype[:5] != "float" \
            or node.inputs[0].dtype != var.dtype or len(fgraph.clients.get(var, ())) != 1:
        return None
    return node.inputs[0]


@rewrite("fusion", Pat((Sum, Mean), Var("total"), op_name="op", name="old"), tags=SPECIAL)
def reduction_of_a_sum(total, op, old, fgraph):
    """mean(sum(x, axis=1), axis=0) -> sum_mean(x): sum(x) / rows, and sum(sum(x, 1), 0) ->
    sum(x, (0, 1)): one pass over x, not a sum of each (short) row and a second reduction.
    Only when nothing else reads the inner sum (else both would be computed). Runs after the
    'specialize' phase, when a length read from the inner sum was moved to x."""
    x = _float_sum(total, fgraph)
    if x is None or type(op) not in (Sum, Mean) or old.dtype != total.dtype:
        return None
    axes, outer = _merged_axes(total.owner.op.axis, op.axis, x.ndim)
    return fits(Sum(axes)(x) if type(op) is Sum else SumMean(axes, outer)(x), old)

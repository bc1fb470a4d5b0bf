"""numpy's linear algebra, at Theano's path `theano.tensor.nlinalg`: inverse, determinant,
pseudo-inverse, eigen- and singular-value decompositions, QR, trace, norms.

>>> from graphlens.tensor import nlinalg
>>> A = T.dmatrix('A'); A_inv = nlinalg.matrix_inverse(A); d = nlinalg.det(A)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, RankError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import is_disconnected, undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.basic import eye
from graphlens.tensor.blas import dot
from graphlens.tensor.diagonal import AllocDiag as AnyRankAllocDiag
from graphlens.tensor.diagonal import ExtractDiag
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import same_shape_as_input
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.math import abs as tensor_abs
from graphlens.tensor.math import sqrt
from graphlens.tensor.reduce import max as tensor_max
from graphlens.tensor.reduce import min as tensor_min
from graphlens.tensor.reduce import sum as tensor_sum
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.linalg_base import check_square, float_dtype, matrix_input
from graphlens.tensor.decompositions import (QR, SVD, Eig, Eigh, EighGrad,  # noqa: F401
                                             _shorter, eig, eigh, qr, svd)  # Theano's path
from graphlens.tensor.compare import neq
from graphlens.tensor.shape import reshape
from graphlens.tensor.slinalg import solve



@dataclass(frozen=True)
class AllocDiag(AnyRankAllocDiag):
    """Theano's `nlinalg.AllocDiag`: a vector on the diagonal of a square matrix, as numpy.diag.
    Vectors only, as Theano's (`T.AllocDiag` takes any rank and an offset): a matrix is a
    RankError, also the TypeError Theano raised.

    >>> nlinalg.alloc_diag(T.dvector('v')).ndim
    2
    """

    def make_node(self, v):
        v = as_tensor_variable(v)
        if v.ndim != 1:
            # Theano's nlinalg op took vectors only; a matrix would silently build rank 3.
            raise RankError(f"nlinalg.alloc_diag at {call_site()} takes a vector, got "
                            f"{describe(v)} (T.AllocDiag takes any rank)")
        return super().make_node(v)


extract_diag = ExtractDiag()        # Theano's names for the diagonal ops (tensor/diagonal.py)
alloc_diag = AllocDiag()


def diag(x):
    """Theano's `nlinalg.diag`: a vector gives the matrix with it on its diagonal
    (nlinalg.AllocDiag), a matrix gives its diagonal (ExtractDiag); other ranks are a RankError
    (a TypeError, as Theano's). No `k`: T.diag takes one.

    >>> nlinalg.diag(T.dvector('v')).ndim, nlinalg.diag(T.dmatrix('m')).ndim
    (2, 1)
    """
    x = as_tensor_variable(x)
    if x.ndim == 1:
        return alloc_diag(x)
    if x.ndim == 2:
        return extract_diag(x)
    raise RankError(f"nlinalg.diag at {call_site()} takes a vector or a matrix, got "
                    f"{describe(x)}")


@dataclass(frozen=True)
class MatrixInverse(Op):
    """The inverse of a square matrix, as numpy.linalg.inv."""

    notation = Func("matrix_inverse")

    def make_node(self, x):
        x = matrix_input(x, "matrix_inverse")
        return Apply(self, [x], [TensorType(float_dtype(x), x.type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        check_square(inputs[0], "matrix_inverse")
        return [np.linalg.inv(inputs[0]).astype(node.outputs[0].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # d(A^-1) = -A^-1 dA A^-1, whose adjoint is -A^-T G A^-T.
        inverse_t = outputs[0].T
        return [-dot(dot(inverse_t, output_grads[0]), inverse_t)]


@dataclass(frozen=True)
class Det(Op):
    """The determinant of a square matrix, as numpy.linalg.det."""

    notation = Func("det")

    def make_node(self, x):
        x = matrix_input(x, "det")
        return Apply(self, [x], [TensorType(float_dtype(x), ())()])

    def infer_shape(self, node, input_shapes):
        return [()]

    def perform(self, node, inputs):
        check_square(inputs[0], "det")
        return [np.asarray(np.linalg.det(inputs[0]), dtype=node.outputs[0].dtype)]

    def L_op(self, inputs, outputs, output_grads):
        # Jacobi's formula: d det(A) = det(A) tr(A^-1 dA).
        return [output_grads[0] * outputs[0] * matrix_inverse(inputs[0]).T]


@dataclass(frozen=True)
class MatrixPinv(Op):
    """The Moore-Penrose pseudo-inverse of a matrix (any shape), as numpy.linalg.pinv."""

    notation = Func("pinv")

    def make_node(self, x):
        x = matrix_input(x, "pinv", square=False)
        rows, cols = x.type.shape
        return Apply(self, [x], [TensorType(float_dtype(x), (cols, rows))()])

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        return [(cols, rows)]

    def perform(self, node, inputs):
        return [np.linalg.pinv(inputs[0]).astype(node.outputs[0].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # Golub & Pereyra: dX = -X dA X + X X^T dA^T (I - A X) + (I - X A) dA^T X^T X, for A
        # of constant rank; the last two terms vanish for a square invertible A.
        (a,), (x,), (g,) = inputs, outputs, output_grads
        left = eye(a.shape[0], dtype=x.dtype) - dot(a, x)       # I - A X, m x m
        right = eye(a.shape[1], dtype=x.dtype) - dot(x, a)      # I - X A, n x n
        return [-dot(dot(x.T, g), x.T) + dot(dot(left, g.T), dot(x, x.T))
                + dot(dot(x.T, x), dot(g.T, right))]


def trace(X):
    """The sum of the main diagonal of the matrix X, as Theano's nlinalg.trace.

    >>> nlinalg.trace(T.dmatrix('m'))       # m[0, 0] + m[1, 1] + ...      # doctest: +SKIP
    """
    X = as_tensor_variable(X)
    if X.ndim != 2:
        raise ShapeError(f"trace at {call_site()} takes a matrix, got {describe(X)}")
    return extract_diag(X).sum()


def matrix_dot(*args):
    """The product of the matrices in order: matrix_dot(A, B, C) is A @ B @ C.

    >>> nlinalg.matrix_dot(A, B, C)       # doctest: +SKIP
    """
    if not args:
        raise InvalidArgumentError(f"matrix_dot at {call_site()} needs at least one matrix")
    product = as_tensor_variable(args[0])
    for factor in args[1:]:
        product = dot(product, factor)
    return product


def matrix_power(M, n):
    """M multiplied by itself n times (an int; 0 gives the identity, a negative n powers the
    inverse), as numpy.linalg.matrix_power, by repeated squaring: about 2 log2(n) products.

    >>> nlinalg.matrix_power(M, 3)       # M @ M @ M      # doctest: +SKIP
    """
    M = matrix_input(M, "matrix_power")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InvalidArgumentError(f"matrix_power at {call_site()}: n must be an int, got {n!r}")
    if n == 0:
        return eye(M.shape[0], dtype=M.dtype)
    base, n = (matrix_inverse(M), -int(n)) if n < 0 else (M, int(n))
    result = None
    while n:                      # the bits of n, lowest first
        if n & 1:
            result = base if result is None else dot(result, base)
        n >>= 1
        if n:
            base = dot(base, base)
    return result


def _vector_norm(x, ord):
    magnitude = tensor_abs(x)
    if ord is None or ord == 2:
        return sqrt(tensor_sum(x * x))
    if ord in ("inf", math.inf):
        return tensor_max(magnitude)
    if ord in ("-inf", -math.inf):
        return tensor_min(magnitude)
    if ord == 0:
        return tensor_sum(neq(x, 0))
    if isinstance(ord, (int, float, np.integer, np.floating)) and not isinstance(ord, bool):
        return tensor_sum(magnitude ** ord) ** (1.0 / ord)
    raise InvalidArgumentError(f"norm at {call_site()}: {ord!r} is not a norm order for the "
                               f"vector {describe(x)}")


def _matrix_norm(x, ord):
    if ord is None or ord == "fro":
        return sqrt(tensor_sum(x * x))
    if ord in ("inf", math.inf, "-inf", -math.inf):       # the largest/smallest row sum
        rows = tensor_sum(tensor_abs(x), axis=1)
        return tensor_max(rows) if ord in ("inf", math.inf) else tensor_min(rows)
    if ord in (1, -1):                                     # the largest/smallest column sum
        columns = tensor_sum(tensor_abs(x), axis=0)
        return tensor_max(columns) if ord == 1 else tensor_min(columns)
    if ord in (2, -2, "nuc"):                              # from the singular values
        values = SVD(full_matrices=False, compute_uv=False)(x)
        return {2: tensor_max, -2: tensor_min, "nuc": tensor_sum}[ord](values)
    raise InvalidArgumentError(f"norm at {call_site()}: {ord!r} is not a norm order for the "
                               f"matrix {describe(x)}; use None, 'fro', inf, -inf, 1, -1, 2, "
                               f"-2 or 'nuc'")


def norm(x, ord=None):
    """The vector or matrix norm of x, as numpy.linalg.norm(x, ord): for vectors None/2, inf,
    -inf, 0, 1 or any p; for matrices None/'fro', inf, -inf (row sums), 1, -1 (column sums),
    2, -2 (singular values) and 'nuc'. Theano's strings 'inf' and '-inf' are taken too.

    >>> nlinalg.norm(T.dmatrix('m'), 'fro')       # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    if x.ndim == 1:
        return _vector_norm(x, ord)
    if x.ndim == 2:
        return _matrix_norm(x, ord)
    raise ShapeError(f"norm at {call_site()} takes a vector or a matrix, got {describe(x)}")


@dataclass(frozen=True)
class Lstsq(Op):
    """numpy.linalg.lstsq(a, b, rcond): the least-squares solution x of a x = b, the
    residuals, the rank of a (int64) and its singular values, as Theano's four outputs."""

    notation = Func("lstsq")

    def make_node(self, a, b, rcond=-1):
        a, b = matrix_input(a, "lstsq", square=False), as_tensor_variable(b)
        rcond = as_tensor_variable(rcond)
        if b.ndim not in (1, 2):
            raise ShapeError(f"lstsq at {call_site()}: b must be a vector or a matrix, got "
                             f"{describe(b)}")
        dtype = float_dtype(a)
        return Apply(self, [a, b, rcond], [
            TensorType(dtype, a.type.shape[1:] + b.type.shape[1:])(),
            TensorType(dtype, (None,))(), TensorType("int64", ())(),
            TensorType(dtype, (_shorter(*a.type.shape),))()])

    def perform(self, node, inputs):
        a, b, rcond = inputs
        # rcond < 0 means machine precision, as in Theano's days (numpy still takes -1).
        results = np.linalg.lstsq(a, b, rcond=float(rcond))
        return [np.asarray(r, dtype=out.dtype) for r, out in zip(results, node.outputs)]

    def grad(self, inputs, output_grads):
        reason = ("lstsq has no gradient here (Theano's had none either); pinv(a).dot(b) is "
                  "the same solution for a of full column rank, and differentiable")
        return [undefined(v, reason) for v in inputs]


def lstsq(*args):
    """numpy.linalg.lstsq(a, b, rcond) as four outputs (Lstsq). Theano's `lstsq` was the op
    class, so `lstsq()(a, b, rcond)` builds the same node as `lstsq(a, b, rcond)`.

    >>> x, residuals, rank, s = nlinalg.lstsq(a, b, -1)                 # doctest: +SKIP
    """
    return Lstsq()(*args) if args else Lstsq()


def _product(lengths):
    total = 1
    for length in lengths:
        total = total * length
    return total


@dataclass(frozen=True)
class TensorInv(Op):
    """numpy.linalg.tensorinv(a, ind) as one op: the inverse of a under tensordot over its
    first `ind` axes, of shape a.shape[ind:] + a.shape[:ind]. Its gradient is matrix_inverse's,
    on a viewed as the (prod(a.shape[:ind]), prod(a.shape[ind:])) matrix.

    >>> TensorInv(ind=2)(T.dtensor4('a'))                               # doctest: +SKIP
    """

    ind: int = 2
    notation = Func("tensorinv", params=("ind",))

    def make_node(self, a):
        a = as_tensor_variable(a)
        ind = self.ind
        if isinstance(ind, bool) or not isinstance(ind, (int, np.integer)) or \
                not 0 < ind < a.ndim:
            raise InvalidArgumentError(f"tensorinv at {call_site()}: ind must be an int between "
                                       f"1 and {a.ndim - 1} for {describe(a)}, got {ind!r}")
        shape = a.type.shape[ind:] + a.type.shape[:ind]
        return Apply(self, [a], [TensorType(float_dtype(a), shape)()])

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0][self.ind:]) + tuple(input_shapes[0][:self.ind])]

    def perform(self, node, inputs):
        (a,) = inputs
        front, back = a.shape[:self.ind], a.shape[self.ind:]
        if math.prod(front) != math.prod(back):
            raise ShapeError(f"tensorinv: a of shape {a.shape} with ind={self.ind} is not "
                             f"'square': prod{front} != prod{back}")
        return [np.linalg.tensorinv(a, self.ind).astype(node.outputs[0].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # As matrices, Y = M^-1 with M = a reshaped (p, q); gM = -Y^T gY Y^T, reshaped back.
        (a,), (y,), (gy,) = inputs, outputs, output_grads
        front = _product([a.shape[i] for i in range(self.ind)])
        back = _product([a.shape[i] for i in range(self.ind, a.ndim)])
        inverse_t = reshape(y, (back, front)).T
        g_matrix = -dot(dot(inverse_t, reshape(gy, (back, front))), inverse_t)
        return [reshape(g_matrix, a.shape)]


def tensorinv(a, ind=2):
    """The inverse of a under tensordot over its first `ind` axes, as numpy.linalg.tensorinv:
    tensordot(tensorinv(a, ind), a, ind) is the identity. Differentiable (TensorInv).

    >>> nlinalg.tensorinv(T.dtensor4('a'))   # a.shape[2:] + a.shape[:2]     # doctest: +SKIP
    """
    return TensorInv(ind)(a)


def _zero_disconnected(outputs, grads):
    """Theano's helper for multi-output gradients: each disconnected gradient in `grads`
    becomes zeros shaped like its output, so one formula can read all of them.

    >>> _zero_disconnected([w, v], [gw, disconnected()])    # [gw, zeros_like(v)]  # doctest: +SKIP
    """
    return [zeros_like(o) if is_disconnected(g) else g for o, g in zip(outputs, grads)]


def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) = b, as numpy.linalg.tensorsolve: `axes` of a move to
    the end first. Built from reshapes around slinalg.solve, so it is differentiable.

    >>> x = nlinalg.tensorsolve(a, b)    # a (6, 2, 3), b (6,): x (2, 3)     # doctest: +SKIP
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if axes is not None:
        moved = [axis % a.ndim for axis in axes]
        a = a.transpose([i for i in range(a.ndim) if i not in moved] + moved)
    if a.ndim <= b.ndim:
        raise ShapeError(f"tensorsolve at {call_site()}: a {describe(a)} needs more axes than "
                         f"b {describe(b)}")
    solution = [a.shape[i] for i in range(b.ndim, a.ndim)]
    rows = _product([a.shape[i] for i in range(b.ndim)])
    x = solve(reshape(a, (rows, _product(solution))), reshape(b, (rows,)))
    return reshape(x, solution)


matrix_inverse = MatrixInverse()
det = Det()
pinv = MatrixPinv()

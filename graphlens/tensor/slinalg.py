"""scipy's linear algebra, at Theano's path `theano.tensor.slinalg`: Cholesky, solves with a
structured matrix, symmetric (and generalized) eigenvalues, the matrix exponential, kron.

>>> from graphlens.tensor import slinalg
>>> L = slinalg.cholesky(K); alpha = slinalg.solve_lower_triangular(L, y)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.blas import dot
from graphlens.tensor.compare import invert, switch
from graphlens.tensor.float_checks import isnan
from graphlens.tensor.reduce import any as tensor_any
from graphlens.tensor.diagonal import diag, tril, triu
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import same_shape_as_input
from graphlens.tensor.lazy_scipy import scipy_linalg
from graphlens.tensor.linalg_base import (check_square, float_dtype, fold_onto_triangle,
                                          matrix_input)
from graphlens.tensor.shape import reshape
from graphlens.tensor.tensordot import outer
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Cholesky(Op):
    """The Cholesky factor of a symmetric positive definite matrix, as scipy.linalg.cholesky:
    lower (L L^T = a) by default, upper with lower=False; it reads only that triangle of a.
    on_error='nan' gives a matrix of NaN for a matrix that is not positive definite."""

    lower: bool = True
    on_error: str = "raise"
    notation = Func("cholesky", params=("lower",))

    def make_node(self, x):
        if self.on_error not in ("raise", "nan"):
            raise InvalidArgumentError(f"cholesky at {call_site()}: on_error must be 'raise' or "
                                       f"'nan', got {self.on_error!r}")
        x = matrix_input(x, "cholesky")
        return Apply(self, [x], [TensorType(float_dtype(x), x.type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        check_square(inputs[0], "cholesky")
        try:
            factor = scipy_linalg().cholesky(inputs[0], lower=self.lower)
        except np.linalg.LinAlgError as exc:
            if self.on_error == "nan":
                return [np.full(inputs[0].shape, np.nan, dtype=node.outputs[0].dtype)]
            # numpy's LinAlgError, as Theano raised (the evaluator adds the node and line).
            raise np.linalg.LinAlgError(f"cholesky: the matrix of shape {inputs[0].shape} is "
                                        f"not positive definite ({exc})") from exc
        return [factor.astype(node.outputs[0].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # Murray (2016), unblocked: with Phi = the lower triangle with half its diagonal,
        # s = L^-T Phi(L^T G) L^-1, and the gradient folds s's symmetric part onto the
        # triangle scipy read.
        factor, g = outputs[0], output_grads[0]
        if self.on_error == "nan":
            # A factor of NaN (not positive definite) would make the solves below fail: solve
            # with 1 instead and answer NaN, as Theano did.
            ok = invert(tensor_any(isnan(factor)))
            factor, g = switch(ok, factor, 1), switch(ok, g, 1)
        if not self.lower:                  # a = U^T U: L = U^T, and G likewise
            factor, g = factor.T, g.T
        product = dot(factor.T, g)
        phi = tril(product) - diag(diag(product) / 2)
        s = solve_upper_triangular(factor.T, solve_upper_triangular(factor.T, phi.T).T)
        symmetric = s + s.T
        half = tril(symmetric) if self.lower else triu(symmetric)
        if self.on_error == "nan":
            return [switch(ok, half - diag(diag(s)), np.nan)]
        return [half - diag(diag(s))]


@dataclass(frozen=True)
class CholeskyGrad(Op):
    """Theano's one-node Cholesky gradient: CholeskyGrad(lower)(x, L, dz) is the gradient with
    respect to x of a cost whose gradient through L = cholesky(x) is dz, on the triangle
    cholesky read (the other triangle 0). Cholesky's own gradient is built symbolically (the
    same value, differentiable again); this op is the form Theano programs may build.

    >>> CholeskyGrad(lower=True)(x, cholesky(x), dz)                    # doctest: +SKIP
    """

    lower: bool = True
    notation = Func("cholesky_grad", params=("lower",))

    def make_node(self, x, l, dz):
        inputs = [as_tensor_variable(t) for t in (x, l, dz)]
        for t, name in zip(inputs, ("x", "L", "dz")):
            if t.ndim != 2:
                raise ShapeError(f"CholeskyGrad at {call_site()}: {name} must be a matrix, got "
                                 f"{describe(t)}")
        return Apply(self, inputs, [TensorType(float_dtype(inputs[0]), inputs[0].type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        _, factor, dz = inputs
        if not self.lower:                  # x = U^T U: work with L = U^T and dz^T
            factor, dz = factor.T, dz.T
        # Murray (2016): s = L^-T Phi(L^T dz) L^-1, Phi = the lower triangle, diagonal halved.
        product = factor.T @ dz
        phi = np.tril(product) - np.diag(np.diag(product) / 2)
        solve_triangular = scipy_linalg().solve_triangular
        inner = solve_triangular(factor.T, phi.T, lower=False)
        s = solve_triangular(factor.T, inner.T, lower=False)
        triangle = np.tril if self.lower else np.triu
        return [np.asarray(triangle(s + s.T) - np.diag(np.diag(s)),
                           dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        reason = ("CholeskyGrad has no gradient of its own; T.grad of a cost through "
                  "cholesky builds its gradient symbolically, which can be differentiated again")
        return [undefined(t, reason) for t in inputs]


A_STRUCTURES = ("general", "lower_triangular", "upper_triangular", "symmetric")
TRANSPOSED = {"lower_triangular": "upper_triangular", "upper_triangular": "lower_triangular"}


@dataclass(frozen=True)
class Solve(Op):
    """x with A x = b, for b a vector or a matrix of right-hand sides, as scipy.linalg.solve.

    A_structure tells what scipy may assume of A: 'general', 'lower_triangular' or
    'upper_triangular' (only that triangle is read), 'symmetric' (only the triangle `lower`
    names is read). Theano's overwrite_A/overwrite_b are taken and ignored: inputs stay intact.
    """

    A_structure: str = "general"
    lower: bool = False
    overwrite_A: bool = False
    overwrite_b: bool = False
    notation = Func("solve", params=("A_structure",))

    def make_node(self, A, b):
        if self.A_structure not in A_STRUCTURES:
            raise InvalidArgumentError(f"Solve at {call_site()}: A_structure must be one of "
                                       f"{A_STRUCTURES}, got {self.A_structure!r}")
        A, b = matrix_input(A, "solve"), as_tensor_variable(b)
        if b.ndim not in (1, 2):
            raise ShapeError(f"solve at {call_site()}: b must be a vector or a matrix, got "
                             f"{describe(b)}")
        side, rows = A.type.shape[0], b.type.shape[0]
        if side is not None and rows is not None and side != rows:
            raise ShapeError(f"solve at {call_site()}: A {describe(A)} has {side} rows, b "
                             f"{describe(b)} has {rows}")
        dtype = upcast(float_dtype(A), float_dtype(b))
        return Apply(self, [A, b], [TensorType(dtype, (A.type.shape[1],) + b.type.shape[1:])()])

    def infer_shape(self, node, input_shapes):
        a_shape, b_shape = input_shapes
        return [(a_shape[1],) + tuple(b_shape[1:])]

    def perform(self, node, inputs):
        A, b = inputs
        check_square(A, "solve")
        if A.shape[0] != b.shape[0]:
            raise ShapeError(f"solve: A of shape {A.shape} and b of shape {b.shape} differ in "
                             f"rows")
        linalg = scipy_linalg()
        if self.A_structure in TRANSPOSED:
            x = linalg.solve_triangular(A, b, lower=self.A_structure == "lower_triangular")
        elif self.A_structure == "symmetric":
            x = linalg.solve(A, b, assume_a="sym", lower=self.lower)
        else:
            x = linalg.solve(A, b)
        return [x.astype(node.outputs[0].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # x = A^-1 b: gb = A^-T gx, gA = -gb x^T, kept to the part of A the solve read.
        (A, b), (x,), (gx,) = inputs, outputs, output_grads
        transposed = Solve(TRANSPOSED.get(self.A_structure, self.A_structure), not self.lower)
        gb = transposed(A.T, gx)
        gA = -outer(gb, x) if x.ndim == 1 else -dot(gb, x.T)
        if self.A_structure == "lower_triangular":
            gA = tril(gA)
        elif self.A_structure == "upper_triangular":
            gA = triu(gA)
        elif self.A_structure == "symmetric":
            gA = fold_onto_triangle(gA, self.lower)
        return [gA, gb]


solve = Solve()
solve_lower_triangular = Solve("lower_triangular", lower=True)
solve_upper_triangular = Solve("upper_triangular", lower=False)
solve_symmetric = Solve("symmetric")
cholesky = Cholesky()


@dataclass(frozen=True)
class Eigvalsh(Op):
    """Eigenvalues (ascending) of the symmetric a, or of the generalized problem a v = w b v
    for a symmetric positive definite b, as scipy.linalg.eigvalsh, reading the `lower` (or
    upper) triangle of each."""

    lower: bool = True
    notation = Func("eigvalsh")

    def make_node(self, a, b=None):
        a = matrix_input(a, "eigvalsh")
        inputs = [a] if b is None else [a, matrix_input(b, "eigvalsh")]
        if b is not None and None not in (a.type.shape[0], inputs[1].type.shape[0]) \
                and a.type.shape != inputs[1].type.shape:
            raise ShapeError(f"eigvalsh at {call_site()}: a {describe(a)} and b "
                             f"{describe(inputs[1])} differ in shape")
        dtype = upcast(*(float_dtype(v) for v in inputs))
        return Apply(self, inputs, [TensorType(dtype, a.type.shape[:1])()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0][:1]]

    def perform(self, node, inputs):
        for matrix in inputs:
            check_square(matrix, "eigvalsh")
        if len(inputs) == 2 and inputs[0].shape != inputs[1].shape:
            raise ShapeError(f"eigvalsh: a of shape {inputs[0].shape} and b of shape "
                             f"{inputs[1].shape} differ")
        values = scipy_linalg().eigvalsh(*inputs, lower=self.lower)
        return [values.astype(node.outputs[0].dtype, copy=False)]

    def grad(self, inputs, output_grads):
        grads = EigvalshGrad(self.lower)(*inputs, output_grads[0])
        return grads if isinstance(grads, list) else [grads]


@dataclass(frozen=True)
class EigvalshGrad(Op):
    """The gradient of eigvalsh: with b-normalised eigenvectors v (v^T b v = I), dw_k =
    v_k^T (da - w_k db) v_k, so ga = V diag(gw) V^T and gb = -V diag(gw w) V^T, each folded
    onto the triangle scipy read."""

    lower: bool = True
    notation = Func("eigvalsh_grad")

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(v) for v in inputs]
        return Apply(self, inputs, [TensorType(float_dtype(v), v.type.shape)()
                                    for v in inputs[:-1]])

    def infer_shape(self, node, input_shapes):
        return list(input_shapes[:-1])

    def perform(self, node, inputs):
        *matrices, gw = inputs
        w, v = scipy_linalg().eigh(*matrices, lower=self.lower)
        grads = [(v * gw) @ v.T]
        if len(matrices) == 2:
            grads.append(-(v * (gw * w)) @ v.T)
        fold = (np.tril, np.triu) if self.lower else (np.triu, np.tril)
        return [(fold[0](g) + fold[1](g, 1 if self.lower else -1).T).astype(out.dtype)
                for g, out in zip(grads, node.outputs)]

    def grad(self, inputs, output_grads):
        return [undefined(v, "eigvalsh's second derivative is not built") for v in inputs]


def eigvalsh(a, b=None, lower=True):
    """Eigenvalues of the symmetric a (or of a v = w b v), ascending, as scipy's eigvalsh;
    reads the lower triangles (upper with lower=False). Differentiable in a and b (distinct
    eigenvalues).

    >>> w = slinalg.eigvalsh(K)       # doctest: +SKIP
    """
    return Eigvalsh(bool(lower))(a) if b is None else Eigvalsh(bool(lower))(a, b)


@dataclass(frozen=True)
class Expm(Op):
    """The matrix exponential of a square matrix, as scipy.linalg.expm."""

    notation = Func("expm")

    def make_node(self, x):
        x = matrix_input(x, "expm")
        return Apply(self, [x], [TensorType(float_dtype(x), x.type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        check_square(inputs[0], "expm")
        return [scipy_linalg().expm(inputs[0]).astype(node.outputs[0].dtype, copy=False)]

    def grad(self, inputs, output_grads):
        return [ExpmGrad()(inputs[0], output_grads[0])]


@dataclass(frozen=True)
class ExpmGrad(Op):
    """The gradient of expm: the adjoint of its Fréchet derivative L(A, .), which is
    L(A^T, .), so ga = L(A^T, G) (scipy.linalg.expm_frechet), exact up to rounding."""

    notation = Func("expm_grad")

    def make_node(self, x, g):
        x, g = as_tensor_variable(x), as_tensor_variable(g)
        return Apply(self, [x, g], [TensorType(float_dtype(x), x.type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        x, g = inputs
        frechet = scipy_linalg().expm_frechet(x.T, g, compute_expm=False)
        return [frechet.astype(node.outputs[0].dtype, copy=False)]

    def grad(self, inputs, output_grads):
        return [undefined(v, "expm's second derivative is not built") for v in inputs]


expm = Expm()


def kron(a, b):
    """The Kronecker product of two vectors or matrices, as numpy.kron (a vector beside a
    matrix counts as one row); built from a broadcast product and a reshape.

    >>> slinalg.kron(T.eye(2), B)         # blockdiag(B, B)       # doctest: +SKIP
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    for v in (a, b):
        if v.ndim not in (1, 2):
            raise ShapeError(f"kron at {call_site()} takes vectors and matrices, got "
                             f"{describe(v)}")
    if a.ndim == 1 and b.ndim == 1:
        return reshape(a.dimshuffle(0, "x") * b.dimshuffle("x", 0), (a.shape[0] * b.shape[0],))
    a = a if a.ndim == 2 else a.dimshuffle("x", 0)
    b = b if b.ndim == 2 else b.dimshuffle("x", 0)
    # blocks[i, k, j, l] = a[i, j] b[k, l]: row i*p + k, column j*q + l of the product.
    blocks = a.dimshuffle(0, "x", 1, "x") * b.dimshuffle("x", 0, "x", 1)
    return reshape(blocks, (a.shape[0] * b.shape[0], a.shape[1] * b.shape[1]))

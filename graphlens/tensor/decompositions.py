"""Matrix decompositions at Theano's path `theano.tensor.nlinalg` (re-exported there): eigh,
eig, svd and qr, each with its gradient where one exists.

>>> w, v = eigh(A); u, s, vt = svd(M)                            # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.basic import eye
from graphlens.tensor.blas import dot
from graphlens.tensor.diagonal import AllocDiag, ExtractDiag, diag
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import same_shape_as_input
from graphlens.graph.types import upcast
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.type import TensorType
from graphlens.tensor.linalg_base import check_square, float_dtype, fold_onto_triangle, matrix_input
from graphlens.tensor.compare import minimum

extract_diag = ExtractDiag()        # Theano's names for the diagonal ops (tensor/diagonal.py)
alloc_diag = AllocDiag()


def _shorter(rows, cols):
    return None if rows is None or cols is None else min(rows, cols)


def _eigen_node(op, x, name):
    """An Apply of eig or eigh: eigenvalues (a vector) and eigenvectors (the matrix's shape)."""
    x = matrix_input(x, name)
    dtype = float_dtype(x)
    return Apply(op, [x], [TensorType(dtype, x.type.shape[:1])(),
                           TensorType(dtype, x.type.shape)()])


def _eigen_shapes(self, node, input_shapes):
    """Eigenvalues: the matrix's first length; eigenvectors: the matrix's lengths."""
    return [input_shapes[0][:1], input_shapes[0]]


@dataclass(frozen=True)
class Eigh(Op):
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, as
    numpy.linalg.eigh, which reads only the `UPLO` triangle ('L' lower, 'U' upper)."""

    UPLO: str = "L"
    notation = Func("eigh", params=("UPLO",))

    def make_node(self, x):
        if self.UPLO not in ("L", "U"):
            raise InvalidArgumentError(f"eigh at {call_site()}: UPLO must be 'L' or 'U', got "
                                       f"{self.UPLO!r}")
        return _eigen_node(self, x, "eigh")

    infer_shape = _eigen_shapes

    def perform(self, node, inputs):
        check_square(inputs[0], "eigh")
        w, v = np.linalg.eigh(inputs[0], UPLO=self.UPLO)
        return [w.astype(node.outputs[0].dtype, copy=False),
                v.astype(node.outputs[1].dtype, copy=False)]

    def L_op(self, inputs, outputs, output_grads):
        # For distinct eigenvalues: dw_k = v_k^T dA v_k and dv_k = sum_j v_j (v_j^T dA v_k) /
        # (w_k - w_j), so the gradient is V (diag(gw) + F * V^T gV) V^T, F[j, k] = 1/(w_k - w_j)
        # off the diagonal; folded onto the triangle numpy read.
        (w, v), (gw, gv) = outputs, output_grads
        identity = eye(w.shape[0], dtype=w.dtype)
        gaps = w.dimshuffle("x", 0) - w.dimshuffle(0, "x") + identity   # no 0 to divide by
        inner = diag(gw) + (1 - identity) / gaps * dot(v.T, gv)
        return [fold_onto_triangle(dot(dot(v, inner), v.T), self.UPLO == "L")]


@dataclass(frozen=True)
class EighGrad(Op):
    """Theano's gradient op for eigh: EighGrad(UPLO)(x, w, v, gw, gv) is the gradient with
    respect to x of a cost whose gradients through (w, v) = eigh(x, UPLO) are (gw, gv), folded
    onto the triangle eigh read. eigh's own gradient is built symbolically instead (the same
    value, and differentiable again); this op is the one-node form Theano programs may build.

    >>> EighGrad('L')(x, w, v, gw, gv)    # a matrix shaped like x       # doctest: +SKIP
    """

    UPLO: str = "L"
    notation = Func("eigh_grad", params=("UPLO",))

    def make_node(self, x, w, v, gw, gv):
        inputs = [as_tensor_variable(t) for t in (x, w, v, gw, gv)]
        for t, rank, name in zip(inputs, (2, 1, 2, 1, 2), ("x", "w", "v", "gw", "gv")):
            if t.ndim != rank:
                raise ShapeError(f"EighGrad at {call_site()}: {name} must have {rank} axes, "
                                 f"got {describe(t)}")
        dtype = upcast(*(t.dtype for t in inputs))
        return Apply(self, inputs, [TensorType(dtype, inputs[0].type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        _, w, v, gw, gv = inputs
        # V (diag(gw) + F * V^T gV) V^T with F[j, k] = 1/(w_k - w_j) off the diagonal.
        gaps = w[None, :] - w[:, None]
        np.fill_diagonal(gaps, 1.0)
        inner = (v.T @ gv) / gaps
        np.fill_diagonal(inner, gw)
        g = v @ inner @ v.T
        fold = (np.tril(g) + np.triu(g, 1).T) if self.UPLO == "L" else \
            (np.triu(g) + np.tril(g, -1).T)
        return [np.asarray(fold, dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        reason = ("EighGrad has no gradient of its own; T.grad of a cost through eigh builds "
                  "eigh's gradient symbolically, which can be differentiated again")
        return [undefined(t, reason) for t in inputs]


@dataclass(frozen=True)
class Eig(Op):
    """Eigenvalues and right eigenvectors (columns) of a square matrix, as numpy.linalg.eig,
    in the matrix's own (real) dtype as Theano's: complex eigenvalues are refused, not cut."""

    notation = Func("eig")

    def make_node(self, x):
        return _eigen_node(self, x, "eig")

    infer_shape = _eigen_shapes

    def perform(self, node, inputs):
        check_square(inputs[0], "eig")
        w, v = np.linalg.eig(inputs[0])
        if np.iscomplexobj(w) and node.outputs[0].dtype.startswith("float"):
            raise InvalidArgumentError(
                f"eig: the matrix of shape {inputs[0].shape} has complex eigenvalues (e.g. "
                f"{w[np.argmax(abs(w.imag))]}), which a {node.outputs[0].dtype} result cannot "
                f"hold; for a symmetric matrix use eigh")
        return [w.astype(node.outputs[0].dtype, copy=False),
                v.astype(node.outputs[1].dtype, copy=False)]

    def grad(self, inputs, output_grads):
        return [undefined(inputs[0], "eig of a general matrix has no gradient here (Theano's "
                                     "had none either); for a symmetric matrix use eigh, "
                                     "whose gradient is defined")]


@dataclass(frozen=True)
class SVD(Op):
    """The singular value decomposition a = U diag(s) V^T, as numpy.linalg.svd: outputs (U, s,
    V^T) with `compute_uv`, else s alone (descending); `full_matrices` makes U and V^T square."""

    full_matrices: bool = True
    compute_uv: bool = True
    notation = Func("svd", params=("full_matrices", "compute_uv"))

    def make_node(self, x):
        x = matrix_input(x, "svd", square=False)
        dtype, (rows, cols) = float_dtype(x), x.type.shape
        k = _shorter(rows, cols)
        values = TensorType(dtype, (k,))()
        if not self.compute_uv:
            return Apply(self, [x], [values])
        left, right = (rows, cols) if self.full_matrices else (k, k)
        return Apply(self, [x], [TensorType(dtype, (rows, left))(), values,
                                 TensorType(dtype, (right, cols))()])

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        k = min(rows, cols) if isinstance(rows, int) and isinstance(cols, int) \
            else minimum(rows, cols)
        if not self.compute_uv:
            return [(k,)]
        left, right = (rows, cols) if self.full_matrices else (k, k)
        return [(rows, left), (k,), (right, cols)]

    def perform(self, node, inputs):
        results = np.linalg.svd(inputs[0], full_matrices=bool(self.full_matrices),
                                compute_uv=bool(self.compute_uv))
        results = results if self.compute_uv else (results,)
        return [r.astype(out.dtype, copy=False) for r, out in zip(results, node.outputs)]

    def L_op(self, inputs, outputs, output_grads):
        (a,) = inputs
        if not self.compute_uv:       # only the values: U diag(gs) V^T, from a thin SVD
            u, _, vh = SVD(full_matrices=False)(a)
            return [dot(u * output_grads[0], vh)]
        (u, s, vh), (gu, gs, gvh) = outputs, output_grads
        if self.full_matrices:
            # The columns of a full U past min(m, n) are any basis of the complement: a cost
            # reading them has no gradient, so only the first k columns (rows of V^T) count.
            k = s.shape[0]
            u, gu, vh, gvh = u[:, :k], gu[:, :k], vh[:k], gvh[:k]
        return [_svd_gradient(a, u, s, vh.T, gu, gs, gvh.T)]


def _svd_gradient(a, u, s, v, gu, gs, gv):
    """Townsend's thin-SVD adjoint (2016): U [F*(U^T gU - gU^T U) S + diag(gs) + S F*(V^T gV -
    gV^T V)] V^T + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T), F[i, j] = 1/(s_j^2 -
    s_i^2); defined for distinct, non-zero singular values."""
    identity = eye(s.shape[0], dtype=s.dtype)
    squares = s * s
    f = (1 - identity) / (squares.dimshuffle("x", 0) - squares.dimshuffle(0, "x") + identity)
    ut_gu, vt_gv = dot(u.T, gu), dot(v.T, gv)
    middle = (f * (ut_gu - ut_gu.T)) * s + diag(gs) + s.dimshuffle(0, "x") * (f * (vt_gv - vt_gv.T))
    inverse_s = 1 / s
    left = gu - dot(u, ut_gu)                 # (I - U U^T) gU
    right = gv - dot(v, vt_gv)                # (I - V V^T) gV
    return (dot(dot(u, middle), v.T) + dot(left * inverse_s, v.T)
            + dot(u * inverse_s, right.T))


QR_MODES = ("reduced", "complete", "r", "raw")


@dataclass(frozen=True)
class QR(Op):
    """The QR decomposition, as numpy.linalg.qr(a, mode): (q, r) for 'reduced' and 'complete',
    r alone for 'r', LAPACK's (h, tau) for 'raw'."""

    mode: str = "reduced"
    notation = Func("qr", params=("mode",))

    def make_node(self, x):
        if self.mode not in QR_MODES:
            raise InvalidArgumentError(f"qr at {call_site()}: mode must be one of {QR_MODES}, "
                                       f"got {self.mode!r}")
        x = matrix_input(x, "qr", square=False)
        dtype, (rows, cols) = float_dtype(x), x.type.shape
        shapes = self._shapes(rows, cols, _shorter(rows, cols))
        return Apply(self, [x], [TensorType(dtype, shape)() for shape in shapes])

    def _shapes(self, rows, cols, k):
        return {"reduced": [(rows, k), (k, cols)], "complete": [(rows, rows), (rows, cols)],
                "r": [(k, cols)], "raw": [(cols, rows), (k,)]}[self.mode]

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        k = min(rows, cols) if isinstance(rows, int) and isinstance(cols, int) \
            else minimum(rows, cols)
        return self._shapes(rows, cols, k)

    def perform(self, node, inputs):
        results = np.linalg.qr(inputs[0], mode=self.mode)
        results = results if isinstance(results, tuple) else (results,)
        return [np.asarray(r, dtype=out.dtype) for r, out in zip(results, node.outputs)]

    def grad(self, inputs, output_grads):
        return [undefined(inputs[0], "qr has no gradient here (Theano's had none either)")]


def eigh(a, UPLO="L"):
    """(w, v): eigenvalues ascending and eigenvectors of the symmetric matrix a, as
    numpy.linalg.eigh, reading only the UPLO triangle; differentiable (distinct eigenvalues).

    >>> w, v = nlinalg.eigh(T.dmatrix('a'))       # doctest: +SKIP
    """
    return Eigh(UPLO)(a)


def svd(a, full_matrices=1, compute_uv=1):
    """(U, s, V^T), or s alone with compute_uv=0, as numpy.linalg.svd.

    >>> U, s, Vt = nlinalg.svd(T.dmatrix('a'), full_matrices=0)       # doctest: +SKIP
    """
    return SVD(bool(full_matrices), bool(compute_uv))(a)


def qr(a, mode="reduced"):
    """numpy.linalg.qr(a, mode): (q, r), or r alone for mode='r'.

    >>> q, r = nlinalg.qr(T.dmatrix('a'))       # doctest: +SKIP
    """
    return QR(mode)(a)


eig = Eig()

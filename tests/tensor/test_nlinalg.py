"""graphlens/tensor/nlinalg.py (Theano's theano.tensor.nlinalg): values against numpy, gradients
against finite differences, infer_shape against perform, and errors naming the op, the shapes
and the user's line."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import (EvaluationError, InvalidArgumentError, ShapeError,
                              UndefinedGradientError)
from graphlens.tensor import nlinalg
from graphlens.tensor.nlinalg import (QR, SVD, Det, Eig, Eigh, MatrixInverse, MatrixPinv)
from op_checks import check, check_grad, check_infer_shape

RNG = np.random.default_rng(3)
SQUARE = RNG.normal(size=(4, 4)) + 4 * np.eye(4)          # well conditioned
TALL = RNG.normal(size=(5, 3))                            # full column rank
SPD = SQUARE @ SQUARE.T                                   # distinct eigenvalues
LOPSIDED = np.tril(SPD) + 10 * np.triu(RNG.normal(size=(4, 4)), 1)   # upper triangle is junk


def test_inverse_det_pinv_match_numpy():
    check(nlinalg.matrix_inverse, np.linalg.inv, SQUARE)
    check(nlinalg.det, np.linalg.det, SQUARE)
    check(nlinalg.pinv, np.linalg.pinv, TALL)
    check(nlinalg.pinv, np.linalg.pinv, TALL.T)
    check(nlinalg.det, np.linalg.det, SQUARE.astype("float32"), rtol=1e-4)


def test_integer_matrices_compute_in_floatx():
    from graphlens.config import config
    out = check(nlinalg.matrix_inverse, np.linalg.inv, np.array([[2, 1], [1, 1]]),
                dtype=config.floatX)
    assert out.dtype == config.floatX


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_reads_only_the_uplo_triangle_as_numpy(UPLO):
    w, v = np.linalg.eigh(LOPSIDED, UPLO=UPLO)
    check(lambda a: nlinalg.eigh(a, UPLO)[0], lambda a: w, LOPSIDED)
    # Eigenvectors up to sign: compare v v^T column by column through |v|.
    check(lambda a: abs(nlinalg.eigh(a, UPLO)[1]), lambda a: abs(v), LOPSIDED)


def test_eig_matches_numpy_and_refuses_complex_eigenvalues():
    upper = np.triu(SQUARE)                         # real eigenvalues: its diagonal
    w, v = np.linalg.eig(upper)
    check(lambda a: nlinalg.eig(a)[0], lambda a: w, upper)
    check(lambda a: abs(nlinalg.eig(a)[1]), lambda a: abs(v), upper)
    x = T.dmatrix("x")
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(EvaluationError, match="complex eigenvalues.*eigh"):
        function([x], nlinalg.eig(x)[0])(rotation)


@pytest.mark.parametrize("full", [0, 1])
def test_svd_matches_numpy(full):
    u, s, vh = np.linalg.svd(TALL, full_matrices=bool(full))
    check(lambda a: nlinalg.svd(a, full)[1], lambda a: s, TALL)
    check(lambda a: nlinalg.svd(a, full, 0), lambda a: s, TALL.T)
    x = T.dmatrix("x")
    U, S, Vh = function([x], nlinalg.svd(x, full))(TALL)
    assert U.shape == u.shape and Vh.shape == vh.shape
    np.testing.assert_allclose((U[:, :3] * S) @ Vh[:3], TALL, atol=1e-12)


@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw"])
def test_qr_matches_numpy_in_every_mode(mode):
    expected = np.linalg.qr(TALL, mode=mode)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for i, part in enumerate(expected):
        check(lambda a: (lambda out: out[i] if isinstance(out, list) else out)(
            nlinalg.qr(a, mode)), lambda a: part, TALL)


def test_trace_matrix_dot_matrix_power():
    check(nlinalg.trace, np.trace, TALL)
    check(lambda a: nlinalg.matrix_dot(a, a.T, a), lambda a: a @ a.T @ a, TALL)
    for n in (0, 1, 2, 5, 6, -3):
        check(lambda a: nlinalg.matrix_power(a, n),
              lambda a: np.linalg.matrix_power(a, n), SQUARE / 4, rtol=1e-10)


@pytest.mark.parametrize("ord", [None, "fro", np.inf, -np.inf, "inf", "-inf", 1, -1, 2, -2,
                                 "nuc"])
def test_matrix_norms_match_numpy(ord):
    numpy_ord = {"inf": np.inf, "-inf": -np.inf}.get(ord, ord) if isinstance(ord, str) else ord
    check(lambda a: nlinalg.norm(a, ord), lambda a: np.linalg.norm(a, numpy_ord), TALL,
          rtol=1e-10)


@pytest.mark.parametrize("ord", [None, 2, np.inf, -np.inf, 0, 1, 3, 0.5])
def test_vector_norms_match_numpy(ord):
    vector = np.array([3.0, -4.0, 0.0, 1.5])
    check(lambda a: nlinalg.norm(a, ord), lambda a: np.linalg.norm(a, ord), vector,
          rtol=1e-10, dtype=None if ord != 0 else "int64")


def test_diagonal_names_are_theanos():
    check(nlinalg.extract_diag, np.diag, SQUARE)
    check(nlinalg.alloc_diag, np.diag, np.arange(3.0))
    check(nlinalg.diag, np.diag, np.arange(3.0))
    check(nlinalg.diag, np.diag, TALL)
    assert type(nlinalg.diag(T.dvector()).owner.op) is nlinalg.AllocDiag
    check_grad(nlinalg.alloc_diag, np.arange(1.0, 4.0))


def test_nlinalg_alloc_diag_takes_vectors_only_as_theanos():
    # Theano's nlinalg.AllocDiag refused a matrix with TypeError; T.AllocDiag takes any rank.
    for build in (nlinalg.alloc_diag, nlinalg.diag):
        with pytest.raises(TypeError, match="vector"):
            build(T.dtensor3() if build is nlinalg.diag else T.dmatrix())
    assert T.AllocDiag()(T.dmatrix()).ndim == 3


FOUR = (RNG.normal(size=(6, 6)) + 4 * np.eye(6)).reshape(2, 3, 2, 3)
THREE = (RNG.normal(size=(6, 6)) + 4 * np.eye(6)).reshape(6, 2, 3)


@pytest.mark.parametrize("b", [TALL[:, 0], TALL[:, :2] * 3], ids=["vector", "matrix"])
def test_lstsq_gives_numpys_four_outputs(b):
    a = RNG.normal(size=(5, 2))
    expected = np.linalg.lstsq(a, b, rcond=-1)
    for i, part in enumerate(expected):
        check(lambda x, y: nlinalg.lstsq(x, y, -1)[i], lambda x, y: part, a, b,
              dtype="int64" if i == 2 else None)


def test_lstsq_gradient_is_undefined_and_names_the_way_around():
    a, b = T.dmatrix("a"), T.dvector("b")
    with pytest.raises(UndefinedGradientError, match="pinv"):
        grad(nlinalg.lstsq(a, b)[0].sum(), a)


def test_tensorinv_and_tensorsolve_match_numpy():
    check(nlinalg.tensorinv, np.linalg.tensorinv, FOUR)
    check(lambda a: nlinalg.tensorinv(a, 1), lambda a: np.linalg.tensorinv(a, 1),
          FOUR.reshape(6, 2, 3))
    check(nlinalg.tensorsolve, np.linalg.tensorsolve, THREE, np.linspace(-1, 2, 6))
    moved = THREE.transpose(1, 0, 2)
    check(lambda a, b: nlinalg.tensorsolve(a, b, axes=(0,)),
          lambda a, b: np.linalg.tensorsolve(a, b, axes=(0,)), moved, np.arange(6.0))
    with pytest.raises(InvalidArgumentError, match="ind must be an int between 1 and 3"):
        nlinalg.tensorinv(T.dtensor4("a"), 4)


GRADIENTS = {
    "tensorinv": (nlinalg.tensorinv, [FOUR]),
    "tensorsolve": (nlinalg.tensorsolve, [THREE, np.arange(6.0)]),
    "matrix_inverse": (nlinalg.matrix_inverse, [SQUARE]),
    "det": (nlinalg.det, [SQUARE]),
    "pinv_tall": (nlinalg.pinv, [TALL]),
    "pinv_wide": (nlinalg.pinv, [TALL.T]),
    "eigh_values": (lambda a: nlinalg.eigh(a)[0], [LOPSIDED]),
    # Squared, so the (arbitrary) sign of each eigenvector does not matter.
    "eigh_vectors": (lambda a: nlinalg.eigh(a)[1] ** 2, [LOPSIDED]),
    "eigh_upper": (lambda a: nlinalg.eigh(a, "U")[0] + nlinalg.eigh(a, "U")[1][0] ** 2,
                   [SPD]),
    "svd_values": (lambda a: nlinalg.svd(a, compute_uv=0), [TALL]),
    "svd_u": (lambda a: nlinalg.svd(a, 0)[0] ** 2, [TALL]),
    "svd_vt": (lambda a: nlinalg.svd(a, 0)[2] ** 2, [TALL.T]),
    "svd_full": (lambda a: nlinalg.svd(a)[1] + nlinalg.svd(a)[0][:, :3].sum(0) ** 2, [TALL]),
    "svd_full_wide": (lambda a: nlinalg.svd(a)[2][:3] ** 2 + nlinalg.svd(a)[1].dimshuffle(0, "x"),
                      [TALL.T]),
    "norm_nuc_and_smallest": (lambda a: nlinalg.norm(a, "nuc") + nlinalg.norm(a, -2), [TALL]),
    "trace": (nlinalg.trace, [TALL]),
    "matrix_power": (lambda a: nlinalg.matrix_power(a, -2), [SQUARE]),
    "norm_2": (lambda a: nlinalg.norm(a, 2), [TALL]),
    "norm_fro": (lambda a: nlinalg.norm(a, "fro"), [TALL]),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradient_agrees_with_finite_differences(name):
    build, points = GRADIENTS[name]
    check_grad(build, *points, dtypes=("float64",))


def test_float32_gradients_agree_with_finite_differences():
    check_grad(nlinalg.matrix_inverse, SQUARE, dtypes=("float32",))
    check_grad(lambda a: nlinalg.eigh(a)[0], SPD / 10, dtypes=("float32",))


def test_eigh_gradient_is_zero_on_the_triangle_numpy_ignores():
    a = T.dmatrix("a")
    g = function([a], grad(nlinalg.eigh(a)[0][-1], a))(LOPSIDED)
    assert np.all(np.triu(g, 1) == 0) and np.any(np.tril(g, -1) != 0)


def test_eig_and_qr_gradients_are_undefined_and_say_why():
    a = T.dmatrix("a")
    with pytest.raises(UndefinedGradientError, match="eigh"):
        grad(nlinalg.eig(a)[0].sum(), a)
    with pytest.raises(UndefinedGradientError, match="qr"):
        grad(nlinalg.qr(a)[1].sum(), a)


# name: (build, arrays, op class whose infer_shape answers)
SHAPES = {
    "matrix_inverse": (nlinalg.matrix_inverse, [SQUARE], MatrixInverse),
    "det": (nlinalg.det, [SQUARE], Det),
    "pinv": (nlinalg.pinv, [TALL], MatrixPinv),
    "eigh_w": (lambda a: nlinalg.eigh(a)[0], [SPD], Eigh),
    "eigh_v": (lambda a: nlinalg.eigh(a)[1], [SPD], Eigh),
    "eig_v": (lambda a: nlinalg.eig(a)[1], [np.triu(SQUARE)], Eig),
    "svd_u_full": (lambda a: nlinalg.svd(a)[0], [TALL], SVD),
    "svd_vt_full": (lambda a: nlinalg.svd(a)[2], [TALL], SVD),
    "svd_u_thin": (lambda a: nlinalg.svd(a, 0)[0], [TALL.T], SVD),
    "svd_s": (lambda a: nlinalg.svd(a, 0, 0), [TALL], SVD),
    "qr_q": (lambda a: nlinalg.qr(a)[0], [TALL], QR),
    "qr_r_complete": (lambda a: nlinalg.qr(a, "complete")[1], [TALL.T], QR),
    "qr_raw_h": (lambda a: nlinalg.qr(a, "raw")[0], [TALL], QR),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_infer_shape_agrees_with_perform_without_running_the_op(name):
    check_infer_shape(*SHAPES[name])


def test_a_non_square_matrix_is_refused_naming_op_shape_and_line():
    wide = T.TensorType("float64", (2, 3))("wide")
    with pytest.raises(ShapeError, match=r"det at \S*test_nlinalg.py:\d+ takes a square matrix, "
                                         r"got 'wide' \(float64\[2, 3\]"):
        nlinalg.det(wide)
    with pytest.raises(ShapeError, match=r"matrix_inverse at \S*test_nlinalg.py:\d+ takes a "
                                         r"matrix, got 'v' \(float64\[\?\]"):
        nlinalg.matrix_inverse(T.dvector("v"))
    x = T.dmatrix("x")
    f = function([x], Eigh()(x)[0])
    with pytest.raises(EvaluationError, match=r"(?s)eigh takes a square matrix, got one of "
                                              r"shape \(2, 3\).*test_nlinalg.py:\d+") as info:
        f(np.ones((2, 3)))
    assert isinstance(info.value, ValueError)


def test_bad_options_are_refused():
    x = T.dmatrix("x")
    with pytest.raises(InvalidArgumentError, match="UPLO"):
        nlinalg.eigh(x, "X")
    with pytest.raises(InvalidArgumentError, match="mode"):
        nlinalg.qr(x, "economic")
    with pytest.raises(InvalidArgumentError, match="'bad' is not a norm order"):
        nlinalg.norm(x, "bad")
    with pytest.raises(ShapeError, match="norm at .* takes a vector or a matrix"):
        nlinalg.norm(T.dtensor3("c"), None)
    with pytest.raises(InvalidArgumentError, match="n must be an int"):
        nlinalg.matrix_power(x, 1.5)

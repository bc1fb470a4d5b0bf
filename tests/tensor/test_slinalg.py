"""graphlens/tensor/slinalg.py (Theano's theano.tensor.slinalg): values against scipy,
finite-difference gradients, infer_shape against perform, errors, and a Gaussian process fitted
by gradient steps on its lengthscale, written as Theano users wrote it."""

import numpy as np
import pytest
import scipy.linalg

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.errors import EvaluationError, InvalidArgumentError, ShapeError
from graphlens.tensor import slinalg
from graphlens.tensor.slinalg import Cholesky, Eigvalsh, Expm, Solve
from op_checks import check, check_grad, check_infer_shape

RNG = np.random.default_rng(5)
SQUARE = RNG.normal(size=(4, 4)) + 4 * np.eye(4)
SPD = SQUARE @ SQUARE.T
SPD_B = (lambda m: m @ m.T + 4 * np.eye(4))(RNG.normal(size=(4, 4)))
LOPSIDED = np.tril(SPD) + 10 * np.triu(RNG.normal(size=(4, 4)), 1)   # junk above
VECTOR = RNG.normal(size=4)
COLUMNS = RNG.normal(size=(4, 2))


@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_matches_scipy_and_reads_one_triangle(lower):
    junk = LOPSIDED if lower else LOPSIDED.T
    check(lambda a: Cholesky(lower)(a), lambda a: scipy.linalg.cholesky(SPD, lower=lower), junk)
    check(slinalg.cholesky, np.linalg.cholesky, SPD.astype("float32"), rtol=1e-4)


def test_cholesky_of_a_matrix_not_positive_definite():
    x = T.dmatrix("x")
    with pytest.raises(EvaluationError, match="not positive definite"):
        function([x], slinalg.cholesky(x))(-SPD)
    assert np.isnan(function([x], Cholesky(on_error="nan")(x))(-SPD)).all()


@pytest.mark.parametrize("b", [VECTOR, COLUMNS], ids=["vector", "matrix"])
def test_solves_match_scipy(b):
    check(slinalg.solve, scipy.linalg.solve, SQUARE, b)
    check(slinalg.solve_lower_triangular,
          lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True), SQUARE, b)
    check(slinalg.solve_upper_triangular,
          lambda a, b: scipy.linalg.solve_triangular(a, b, lower=False), SQUARE, b)
    # The symmetric solve reads one triangle: the junk above the diagonal is never seen.
    check(Solve("symmetric", lower=True), lambda a, b: np.linalg.solve(SPD, b), LOPSIDED, b)
    check(slinalg.solve_symmetric, lambda a, b: np.linalg.solve(SPD, b), LOPSIDED.T, b)


def test_eigvalsh_matches_scipy_plain_and_generalized():
    check(slinalg.eigvalsh, lambda a: np.linalg.eigvalsh(SPD), LOPSIDED)
    check(slinalg.eigvalsh, lambda a, b: scipy.linalg.eigvalsh(SPD, SPD_B), LOPSIDED, SPD_B)
    check(lambda a, b: slinalg.eigvalsh(a, b, lower=False),
          lambda a, b: scipy.linalg.eigvalsh(SPD, SPD_B), LOPSIDED.T, SPD_B)


def test_expm_and_kron_match_scipy_and_numpy():
    check(slinalg.expm, scipy.linalg.expm, SQUARE / 4, rtol=1e-10)
    check(slinalg.kron, np.kron, SQUARE, COLUMNS)
    check(slinalg.kron, np.kron, VECTOR, VECTOR[:3])
    check(slinalg.kron, np.kron, VECTOR, COLUMNS)
    check(slinalg.kron, np.kron, COLUMNS, VECTOR)


GRADIENTS = {
    "cholesky_lower": (slinalg.cholesky, [LOPSIDED]),
    "cholesky_upper": (Cholesky(lower=False), [LOPSIDED.T]),
    "solve_vector": (slinalg.solve, [SQUARE, VECTOR]),
    "solve_matrix": (slinalg.solve, [SQUARE, COLUMNS]),
    "solve_lower": (slinalg.solve_lower_triangular, [SQUARE, COLUMNS]),
    "solve_upper": (slinalg.solve_upper_triangular, [SQUARE, VECTOR]),
    "solve_symmetric_upper": (slinalg.solve_symmetric, [LOPSIDED.T, COLUMNS]),
    "solve_symmetric_lower": (Solve("symmetric", lower=True), [LOPSIDED, VECTOR]),
    "eigvalsh": (slinalg.eigvalsh, [LOPSIDED]),
    "eigvalsh_generalized": (slinalg.eigvalsh, [LOPSIDED, SPD_B]),
    "eigvalsh_upper": (lambda a, b: slinalg.eigvalsh(a, b, lower=False), [LOPSIDED.T, SPD_B]),
    "expm": (slinalg.expm, [SQUARE / 4]),
    "kron": (slinalg.kron, [SQUARE, COLUMNS]),
    "kron_vectors": (slinalg.kron, [VECTOR, VECTOR[:2]]),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradient_agrees_with_finite_differences(name):
    build, points = GRADIENTS[name]
    check_grad(build, *points, dtypes=("float64",))


def test_float32_gradients_agree_with_finite_differences():
    check_grad(slinalg.cholesky, SPD / 10, dtypes=("float32",))
    check_grad(slinalg.solve, SQUARE, COLUMNS, dtypes=("float32",))


def test_triangular_solve_gradient_is_zero_where_a_is_not_read():
    a, b = T.dmatrix("a"), T.dvector("b")
    g = function([a, b], grad(slinalg.solve_lower_triangular(a, b).sum(), a))(SQUARE, VECTOR)
    assert np.all(np.triu(g, 1) == 0) and np.all(np.diag(g) != 0)


SHAPES = {
    "cholesky": (slinalg.cholesky, [SPD], Cholesky),
    "solve_vector": (slinalg.solve, [SQUARE, VECTOR], Solve),
    "solve_matrix": (slinalg.solve_lower_triangular, [SQUARE, COLUMNS], Solve),
    "eigvalsh": (slinalg.eigvalsh, [SPD, SPD_B], Eigvalsh),
    "expm": (slinalg.expm, [SQUARE / 4], Expm),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_infer_shape_agrees_with_perform_without_running_the_op(name):
    check_infer_shape(*SHAPES[name])


def test_bad_inputs_are_refused_naming_op_shapes_and_line():
    A = T.TensorType("float64", (3, 3))("A")
    with pytest.raises(ShapeError, match=r"solve at \S*test_slinalg.py:\d+: A 'A' \(float64"
                                         r"\[3, 3\].* has 3 rows, b 'b' \(float64\[4\]"):
        slinalg.solve(A, T.TensorType("float64", (4,))("b"))
    with pytest.raises(ShapeError, match=r"cholesky at \S*test_slinalg.py:\d+ takes a square"):
        slinalg.cholesky(T.TensorType("float64", (3, 2))("m"))
    with pytest.raises(ShapeError, match=r"b must be a vector or a matrix"):
        slinalg.solve(T.dmatrix("a"), T.dtensor3("c"))
    with pytest.raises(ShapeError, match=r"kron at \S*test_slinalg.py:\d+ takes vectors and "
                                         r"matrices, got 'c'"):
        slinalg.kron(T.dmatrix("a"), T.dtensor3("c"))
    with pytest.raises(InvalidArgumentError, match="A_structure"):
        Solve("banded")(T.dmatrix("a"), T.dvector("b"))
    a, b = T.dmatrix("a"), T.dvector("b")
    with pytest.raises(EvaluationError, match=r"(?s)solve: A of shape \(4, 4\) and b of shape "
                                              r"\(3,\) differ in rows.*test_slinalg.py"):
        function([a, b], slinalg.solve(a, b))(SQUARE, VECTOR[:3])


def _gp_data():
    rng = np.random.default_rng(0)
    inputs = np.sort(rng.uniform(-3, 3, size=(20, 1)), axis=0)
    targets = np.sin(1.5 * inputs[:, 0]) + 0.05 * rng.normal(size=20)
    return inputs, targets


def _numpy_log_marginal_likelihood(inputs, targets, lengthscale, noise=0.05 ** 2):
    distances = (inputs - inputs.T) ** 2
    kernel = np.exp(-0.5 * distances / lengthscale ** 2) + noise * np.eye(len(targets))
    factor = np.linalg.cholesky(kernel)
    alpha = scipy.linalg.solve_triangular(factor, targets, lower=True)
    return (-0.5 * alpha @ alpha - np.log(np.diag(factor)).sum()
            - 0.5 * len(targets) * np.log(2 * np.pi))


def test_gaussian_process_lengthscale_climbs_the_log_marginal_likelihood():
    inputs, targets = _gp_data()
    # As a Theano GP tutorial: the kernel from the lengthscale shared variable, its Cholesky
    # factor, a triangular solve, and gradient ascent on the log marginal likelihood.
    X, y = T.dmatrix("X"), T.dvector("y")
    log_lengthscale = shared(np.log(0.2), name="log_lengthscale")
    lengthscale = T.exp(log_lengthscale)
    squared = T.sum(X ** 2, axis=1)
    distances = squared.dimshuffle(0, "x") + squared.dimshuffle("x", 0) - 2 * T.dot(X, X.T)
    K = T.exp(-0.5 * distances / lengthscale ** 2) + 0.05 ** 2 * T.eye(X.shape[0])
    L = slinalg.cholesky(K)
    alpha = slinalg.solve_lower_triangular(L, y)
    log_likelihood = (-0.5 * T.dot(alpha, alpha) - T.sum(T.log(T.diag(L)))
                      - 0.5 * X.shape[0] * np.log(2 * np.pi))
    # The gradient the steps follow is the slope of the numpy reference.
    slope = function([X, y], grad(log_likelihood, log_lengthscale))(inputs, targets)
    h = 1e-6
    above, below = (_numpy_log_marginal_likelihood(inputs, targets, 0.2 * np.exp(step))
                    for step in (h, -h))
    reference_slope = (above - below) / (2 * h)
    np.testing.assert_allclose(slope, reference_slope, rtol=1e-6)
    step = function([X, y], log_likelihood, updates={
        log_lengthscale: log_lengthscale + 0.01 * grad(log_likelihood, log_lengthscale)})
    history = [step(inputs, targets) for _ in range(15)]
    np.testing.assert_allclose(history[0], _numpy_log_marginal_likelihood(inputs, targets, 0.2),
                               rtol=1e-10)
    assert all(b > a for a, b in zip(history, history[1:])), history
    assert history[-1] > history[0] + 10, history
    # The learnt lengthscale is the one the numpy reference would score as well.
    learnt = float(np.exp(log_lengthscale.get_value()))
    np.testing.assert_allclose(
        function([X, y], log_likelihood)(inputs, targets),
        _numpy_log_marginal_likelihood(inputs, targets, learnt), rtol=1e-10)

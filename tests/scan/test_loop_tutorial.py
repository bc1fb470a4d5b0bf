"""The examples of Theano's loop tutorial, written as Theano users wrote them, with values checked
against numpy: A**k, a polynomial, a tanh RNN, norms, trace, a two-tap recurrence, a jacobian,
a shared counter and the power of a matrix."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import function

RNG = np.random.default_rng(3)


def test_elementwise_tanh_of_each_row():
    X, W, b_sym = T.dmatrix("X"), T.dmatrix("W"), T.dvector("b_sym")
    results, updates = graphlens.scan(lambda v: T.tanh(T.dot(v, W) + b_sym), sequences=X)
    compute_elementwise = function([X, W, b_sym], results)
    x = np.eye(2)
    w = np.ones((2, 2))
    b = np.ones(2)
    b[1] = 2
    np.testing.assert_allclose(compute_elementwise(x, w, b), np.tanh(x.dot(w) + b))


def test_tanh_rnn_with_two_sequences_one_reversed():
    X, W, U, V = T.dvector("X"), T.dmatrix("W"), T.dmatrix("U"), T.dmatrix("V")
    Y, P = T.dmatrix("Y"), T.dmatrix("P")
    results, updates = graphlens.scan(
        lambda y, p, x_tm1: T.tanh(T.dot(x_tm1, W) + T.dot(y, U) + T.dot(p, V)),
        sequences=[Y, P[::-1]], outputs_info=[X])
    compute_seq = function([X, W, Y, U, P, V], results)
    x = np.zeros(2)
    x[1] = 1
    w = np.ones((2, 2))
    y = np.ones((5, 2))
    y[0, :] = -3
    u = np.ones((2, 2))
    p = np.ones((5, 2))
    p[0, :] = 3
    v = np.ones((2, 2))
    x_res = np.zeros((5, 2))
    x_res[0] = np.tanh(x.dot(w) + y[0].dot(u) + p[4].dot(v))
    for i in range(1, 5):
        x_res[i] = np.tanh(x_res[i - 1].dot(w) + y[i].dot(u) + p[4 - i].dot(v))
    np.testing.assert_allclose(compute_seq(x, w, y, u, p, v), x_res)


def test_norms_of_rows_and_columns_and_the_trace():
    X = T.dmatrix("X")
    rows, _ = graphlens.scan(lambda x_i: T.sqrt((x_i ** 2).sum()), sequences=[X])
    cols, _ = graphlens.scan(lambda x_i: T.sqrt((x_i ** 2).sum()), sequences=[X.T])
    floatX = "float64"
    traces, _ = graphlens.scan(lambda i, j, t_f: T.cast(X[i, j] + t_f, floatX),
                               sequences=[T.arange(X.shape[0]), T.arange(X.shape[1])],
                               outputs_info=np.asarray(0.0, dtype=floatX))
    f = function([X], [rows, cols, traces[-1]])
    x = np.diag(np.arange(1, 6, dtype="float64"), 1)
    got_rows, got_cols, got_trace = f(x)
    np.testing.assert_allclose(got_rows, np.sqrt((x ** 2).sum(1)))
    np.testing.assert_allclose(got_cols, np.sqrt((x ** 2).sum(0)))
    y = RNG.normal(size=(5, 5))
    assert float(f(y)[2]) == np.trace(y)


def test_two_tap_recurrence_with_symbolic_n_steps():
    X, W, U, V = T.dmatrix("X"), T.dmatrix("W"), T.dmatrix("U"), T.dmatrix("V")
    b_sym, n_sym = T.dvector("b_sym"), T.iscalar("n_sym")
    results, updates = graphlens.scan(
        lambda x_tm2, x_tm1: T.dot(x_tm2, U) + T.dot(x_tm1, V) + T.tanh(T.dot(x_tm1, W) + b_sym),
        n_steps=n_sym, outputs_info=[dict(initial=X, taps=[-2, -1])])
    compute_seq2 = function([X, U, V, W, b_sym, n_sym], results)
    x = np.zeros((2, 2))
    x[1, 1] = 1
    w = 0.5 * np.ones((2, 2))
    u = 0.5 * (np.ones((2, 2)) - np.eye(2))
    v = 0.5 * np.ones((2, 2))
    n = 10
    b = np.ones(2)
    x_res = np.zeros((10, 2))
    x_res[0] = x[0].dot(u) + x[1].dot(v) + np.tanh(x[1].dot(w) + b)
    x_res[1] = x[1].dot(u) + x_res[0].dot(v) + np.tanh(x_res[0].dot(w) + b)
    for i in range(2, 10):
        x_res[i] = x_res[i - 2].dot(u) + x_res[i - 1].dot(v) + np.tanh(x_res[i - 1].dot(w) + b)
    np.testing.assert_allclose(compute_seq2(x, u, v, w, b, n), x_res)


def test_jacobian_row_by_row_with_grad_inside_the_step():
    v, A = T.dvector("v"), T.dmatrix("A")
    y = T.tanh(T.dot(v, A))
    results, updates = graphlens.scan(lambda i: T.grad(y[i], v),
                                      sequences=[T.arange(y.shape[0])])
    compute_jac_t = function([A, v], results)
    x = np.eye(5)[0]
    w = np.eye(5, 3)
    w[2] = np.ones(3)
    np.testing.assert_allclose(compute_jac_t(w, x),
                               ((1 - np.tanh(x.dot(w)) ** 2) * w).T)


def test_accumulate_the_number_of_loops_in_a_shared_variable():
    k = graphlens.shared(0)
    n_sym = T.iscalar("n_sym")
    results, updates = graphlens.scan(lambda: {k: (k + 1)}, n_steps=n_sym)
    accumulator = function([n_sym], [], updates=updates, allow_input_downcast=True)
    assert int(k.get_value()) == 0
    accumulator(5)
    assert int(k.get_value()) == 5
    accumulator(2)
    assert int(k.get_value()) == 7


def test_power_of_a_vector_and_of_a_matrix():
    k = T.iscalar("k")
    A = T.dvector("A")
    result, updates = graphlens.scan(fn=lambda prior_result, A: prior_result * A,
                                     outputs_info=T.ones_like(A), non_sequences=A, n_steps=k)
    power = function(inputs=[A, k], outputs=result[-1], updates=updates)
    np.testing.assert_allclose(power(range(10), 2), np.arange(10) ** 2)
    M = T.dmatrix("M")
    steps, _ = graphlens.scan(lambda prior, M: T.dot(prior, M), outputs_info=T.eye(M.shape[0]),
                              non_sequences=M, n_steps=k)
    matrix_power = function([M, k], steps[-1])
    m = RNG.normal(size=(4, 4)) / 2
    np.testing.assert_allclose(matrix_power(m, 5), np.linalg.matrix_power(m, 5))


def test_polynomial_from_coefficients():
    coefficients = T.dvector("coefficients")
    x = T.dscalar("x")
    max_coefficients_supported = 10000
    full_range = T.arange(max_coefficients_supported)
    components, updates = graphlens.scan(
        fn=lambda coefficient, power, free_variable: coefficient * (free_variable ** power),
        outputs_info=None, sequences=[coefficients, full_range], non_sequences=x)
    polynomial = components.sum()
    calculate_polynomial = function(inputs=[coefficients, x], outputs=polynomial)
    test_coefficients = np.asarray([1, 0, 2], dtype=np.float64)
    assert float(calculate_polynomial(test_coefficients, 3)) == 19.0
    polynomial_sum, _ = graphlens.reduce(
        lambda coefficient, power, prior, free: prior + coefficient * free ** power,
        sequences=[coefficients, full_range], outputs_info=T.constant(0.0, dtype="float64"),
        non_sequences=x)
    assert float(function([coefficients, x], polynomial_sum)(test_coefficients, 3)) == 19.0

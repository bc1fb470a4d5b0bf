"""Theano's forms of reductions: ProdWithoutZeros, axes given as numpy ints, x.fill(v)."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.gradient import verify_grad
from graphlens.tensor.elemwise import ProdWithoutZeros


def test_prod_without_zeros_multiplies_the_nonzero_elements():
    x = T.dmatrix('x')
    rows = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, 6.0], [0.0, 0.0, 9.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(ProdWithoutZeros(axis=1)(x).eval({x: rows}),
                                  [6.0, 30.0, 9.0, 1.0])
    assert float(ProdWithoutZeros()(x).eval({x: rows})) == 6.0 * 30.0 * 9.0


def test_prod_without_zeros_gradient():
    rng = np.random.RandomState(2)
    verify_grad(ProdWithoutZeros(axis=(1,)), [rng.uniform(0.5, 1.5, (3, 4))], rng=rng)
    x = T.dvector('x')
    g = T.grad(ProdWithoutZeros()(x), x).eval({x: np.array([2.0, 0.0, 3.0])})
    np.testing.assert_array_equal(g, [3.0, 0.0, 2.0])


def test_axes_may_be_numpy_integer_arrays():
    x = T.dmatrix('x')
    value = np.arange(6.0).reshape(2, 3)
    assert float(T.sum(x, axis=[np.array(0), np.array(1)]).eval({x: value})) == 15.0
    np.testing.assert_array_equal(T.max(x, axis=np.array(1)).eval({x: value}), [2.0, 5.0])
    np.testing.assert_array_equal(T.mean(x, axis=np.int64(0)).eval({x: value}), [1.5, 2.5, 3.5])


def test_fill_method_broadcasts_a_value_to_the_variables_shape():
    x = T.dmatrix('x')
    np.testing.assert_array_equal(x.fill(7.0).eval({x: np.zeros((2, 2))}), np.full((2, 2), 7.0))


@pytest.mark.parametrize("mode", ["NONE", "FAST_RUN"])
def test_float32_sums_means_and_products_accumulate_in_float64_as_theano(mode):
    # Theano's default acc_dtype: [1e8, 1, -1e8] in float32 sums to 1 (float32 adds give 0).
    import graphlens
    values = np.asarray([1e8, 1, -1e8], dtype="float32")
    x = graphlens.shared(values)
    m = T.fmatrix("m")
    f = graphlens.function([m], [x.sum(), x.mean(), m.sum(axis=0), m.mean(axis=0),
                                 (x * 2).sum(), T.prod(x / 1e4)], mode=mode)
    column = values[:, None]
    total, mean, col_sum, col_mean, doubled, product = f(column)
    assert [v.dtype for v in (total, mean, col_sum, col_mean, doubled, product)] == \
        [np.float32] * 6
    assert float(total) == 1.0 and float(doubled) == 2.0
    np.testing.assert_allclose([float(mean), float(col_mean[0])], [1 / 3, 1 / 3], rtol=1e-6)
    np.testing.assert_array_equal(col_sum, [1.0])
    np.testing.assert_allclose(float(product), -1e4 * 1e-4 * 1e4, rtol=1e-6)


def test_mean_of_an_integer_dtype_sums_in_it_and_is_float64():
    x = T.fmatrix("x")
    for dtype in ("bool", "int32", "uint8"):
        assert T.mean(x, dtype=dtype).dtype == "float64"
    m = T.mean(x, axis=0, dtype="int32")
    value = np.array([[1.7, 2.2], [3.9, 4.1]], dtype="float32")
    np.testing.assert_allclose(m.eval({x: value}), [2.0, 3.0])     # 1 + 3, 2 + 4 halved
    assert T.mean(x, dtype="float64").dtype == "float64"

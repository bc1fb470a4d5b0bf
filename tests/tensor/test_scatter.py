"""tensor/scatter.py add_rows: np.add.at's sums, bit for bit, in rounds of distinct rows."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.tensor import scatter
from graphlens.tensor.scatter import add_rows


@pytest.mark.parametrize("seed", range(4))
def test_add_rows_gives_np_add_at_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    for trial in range(300):
        n, m = int(rng.integers(1, 9)), int(rng.integers(0, 40))
        out = rng.standard_normal((n, 3))
        rows = rng.integers(-n, n, m)
        y = rng.standard_normal((m, 3)) if trial % 3 else rng.standard_normal(3)
        expected = out.copy()
        np.add.at(expected, rows, y)
        add_rows(out, rows, y)
        np.testing.assert_array_equal(out, expected)


def test_many_repeats_of_one_row_sum_as_np_add_at():
    # More rounds than MAX_ROUNDS: np.add.at itself does the work.
    rng = np.random.default_rng(7)
    out = rng.standard_normal((2, 2))
    rows = np.array([1] * (scatter.MAX_ROUNDS + 2) + [0])
    y = rng.standard_normal((rows.size, 2))
    expected = out.copy()
    np.add.at(expected, rows, y)
    add_rows(out, rows, y)
    np.testing.assert_array_equal(out, expected)


def test_a_row_out_of_bounds_raises_before_writing():
    out = np.zeros((3, 2))
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 0 with size 3"):
        add_rows(out, np.array([0, -4]), np.ones((2, 2)))
    np.testing.assert_array_equal(out, np.zeros((3, 2)))


def test_an_embedding_update_by_repeated_rows_sums_every_increment():
    W = graphlens.shared(np.zeros((5, 2)), name="W")
    idx = T.ivector("idx")
    g = T.dmatrix("g")
    step = graphlens.function([idx, g], [], updates=[(W, T.inc_subtensor(W[idx], g))])
    step(np.array([3, 1, 3, 3], dtype="int32"), np.arange(8.0).reshape(4, 2))
    np.testing.assert_array_equal(W.get_value(), [[0, 0], [2, 3], [0, 0], [0 + 4 + 6, 1 + 5 + 7],
                                                  [0, 0]])

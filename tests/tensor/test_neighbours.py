"""theano.tensor.nnet.neighbours: patches as rows, back to images, and their gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.errors import ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor.nnet.neighbours import images2neibs, neibs2images

RNG = np.random.default_rng(11)


def _reference(x, patch, step, pad=(0, 0)):
    """Patches by explicit slicing, in Theano's row order."""
    x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    rows = []
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(0, x.shape[2] - patch[0] + 1, step[0]):
                for j in range(0, x.shape[3] - patch[1] + 1, step[1]):
                    rows.append(x[n, c, i:i + patch[0], j:j + patch[1]].reshape(-1))
    return np.array(rows)


@pytest.mark.parametrize("patch, step, mode, pad", [((2, 2), None, "valid", (0, 0)),
                                                    ((3, 2), (1, 2), "valid", (0, 0)),
                                                    ((3, 3), (2, 2), "ignore_borders", (0, 0)),
                                                    ((3, 3), (1, 1), "half", (1, 1)),
                                                    ((2, 2), (1, 1), "full", (1, 1))])
def test_patches_match_explicit_slicing(patch, step, mode, pad):
    x = T.dtensor4("x")
    data = RNG.normal(size=(2, 3, 6, 6))
    got = function([x], images2neibs(x, patch, step, mode))(data)
    np.testing.assert_array_equal(got, _reference(data, patch, step or patch, pad))


def test_neibs2images_inverts_tiling_patches_and_static_shapes():
    x = T.TensorType("float64", (2, 3, 4, 6))("x")
    neibs = images2neibs(x, (2, 3))
    assert neibs.type.shape == (2 * 3 * 2 * 2, 6)
    back = neibs2images(neibs, (2, 3), x.shape)
    data = RNG.normal(size=(2, 3, 4, 6))
    np.testing.assert_array_equal(function([x], back)(data), data)


def test_gradients_by_finite_differences_with_overlaps():
    verify_grad(lambda a: T.tanh(images2neibs(a, (2, 2), (1, 1))),
                [RNG.normal(size=(1, 2, 4, 4))], rng=np.random.default_rng(0))
    verify_grad(lambda p: neibs2images(p, (2, 2), (1, 1, 3, 3), neib_step=(1, 1)),
                [RNG.normal(size=(4, 4))], rng=np.random.default_rng(1))


def test_bad_shapes_are_named():
    x = T.dtensor4("x")
    f = function([x], images2neibs(x, (4, 4), (3, 3)))
    with pytest.raises(ValueError, match="must cover images of \\(6, 6\\) exactly"):
        f(np.zeros((1, 1, 6, 6)))
    with pytest.raises(ShapeError, match="must be 4-d"):
        images2neibs(T.dmatrix("m"), (2, 2))
    with pytest.raises(ShapeError, match="wrap_centered"):
        images2neibs(x, (2, 2), mode="wrap_centered")


def test_neib_shape_may_be_a_constant_vector_as_theanos_tests_give_it():
    images = np.arange(2 * 1 * 4 * 4, dtype="float64").reshape(2, 1, 4, 4)
    x = T.dtensor4("x")
    given = images2neibs(x, T.as_tensor_variable((2, 2))).eval({x: images})
    expected = images2neibs(x, (2, 2)).eval({x: images})
    np.testing.assert_array_equal(given, expected)
    assert given.shape == (8, 4)
    np.testing.assert_array_equal(given[0], [0, 1, 4, 5])
    with pytest.raises(TypeError, match="known when the graph is built"):
        images2neibs(x, T.lvector("n"))


@pytest.mark.parametrize("mode", ["valid", "half", "full"])
def test_patches_must_tile_the_padded_image_in_every_mode_but_ignore_borders(mode):
    # Theano raised TypeError for 2x2 patches every 2 over 5x5 images (padded to 7x7 in 'half'
    # and 'full'); graphlens's error is that TypeError and its own ShapeError (a ValueError).
    x = T.dtensor4("x")
    f = function([x], T.sqr(images2neibs(x, (2, 2), mode=mode)))
    with pytest.raises(TypeError, match="must cover images of \\(5, 5\\)") as caught:
        f(np.zeros((2, 3, 5, 5)))
    assert isinstance(caught.value, ValueError)
    # The same patches over 6x6 images (or 6x6 padded to 8x8) tile them: no error.
    rows = {"valid": 9, "half": 16, "full": 16}[mode]
    assert f(np.ones((1, 1, 6, 6))).shape == (rows, 4)
    # 'ignore_borders' drops the leftover instead.
    ignore = function([x], images2neibs(x, (2, 2), mode="ignore_borders"))
    np.testing.assert_array_equal(ignore(np.arange(25.0).reshape(1, 1, 5, 5))[-1],
                                  [12.0, 13.0, 17.0, 18.0])

"""theano.tensor.io: `T.load`, a tensor read from a .npy file each time the function runs."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import Generic, Variable, function


@pytest.fixture
def saved(tmp_path):
    path = str(tmp_path / "data.npy")
    np.save(path, np.arange(5, dtype=np.int32))
    return path


def test_load_reads_the_file_named_at_each_call(saved, tmp_path):
    path = Variable(Generic())
    x = T.load(path, "int32", (False,))
    assert x.type == T.ivector
    f = function([path], x * 2)
    np.testing.assert_array_equal(f(saved), [0, 2, 4, 6, 8])
    other = str(tmp_path / "other.npy")
    np.save(other, np.array([7, 8], dtype=np.int32))
    np.testing.assert_array_equal(f(other), [14, 16])


def test_copy_on_write_map_is_a_memmap_and_leaves_the_file_alone(saved):
    path = Variable(Generic())
    x = T.load(path, "int32", (False,), mmap_mode="c")
    assert type(function([path], x)(saved)) is np.memmap
    # x ** 2 may be computed in place: twice the same result, and the file unchanged.
    f = function([path], (x ** 2).sum())
    assert f(saved) == 30 and f(saved) == 30
    np.testing.assert_array_equal(np.load(saved), np.arange(5))


@pytest.mark.parametrize("mode", ["r+", "r", "w+", "toto"])
def test_modes_that_could_write_the_file_are_refused(mode):
    with pytest.raises(ValueError, match="mmap_mode must be None or 'c'"):
        T.load(Variable(Generic()), "int32", (False,), mode)


def test_a_file_of_another_dtype_or_pattern_is_refused(saved):
    path = Variable(Generic())
    with pytest.raises(TypeError, match="holds int32 values, but the graph was built for "
                                        "float32"):
        function([path], T.load(path, "float32", (False,)))(saved)
    with pytest.raises(ValueError, match="does not fit the broadcast pattern"):
        function([path], T.load(path, "int32", (True,)))(saved)


def test_a_fixed_path_is_a_constant(saved):
    np.testing.assert_array_equal(T.load(saved, "int32", (False,)).eval(), np.arange(5))

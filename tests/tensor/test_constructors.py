"""graphlens/tensor/constructors.py: T.dscalar, T.fmatrix, ... are TensorType instances, as in
Theano, and the plurals follow Theano's rules."""

import pytest

import graphlens.tensor as T
from graphlens import config, function
from graphlens.tensor.type import TensorType

PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32",
            "d": "float64", "c": "complex64", "z": "complex128"}
PATTERNS = {"scalar": (), "vector": (False,), "row": (True, False), "col": (False, True),
            "matrix": (False, False), "tensor3": (False,) * 3, "tensor4": (False,) * 4,
            "tensor5": (False,) * 5}


@pytest.mark.parametrize("rank", PATTERNS)
def test_prefixed_constructors_are_tensor_types_equal_to_theano_patterns(rank):
    for prefix, dtype in PREFIXES.items():
        made = getattr(T, prefix + rank)
        assert isinstance(made, TensorType)
        assert made == T.TensorType(dtype, PATTERNS[rank])
        assert made.broadcastable == PATTERNS[rank]
        x = made("x")
        assert x.type == made and x.name == "x" and x.dtype == dtype


def test_variable_type_compares_with_the_constructor_as_in_theano():
    x = T.dmatrix("x")
    assert x.type == T.dmatrix and x.type != T.fmatrix and x.type != T.dtensor3
    assert T.fvector().type == T.TensorType("float32", (False,))
    assert T.dmatrix(name="w").name == "w"


def test_tensor_type_takes_theano_broadcastable_and_graphlens_shapes():
    typ = T.TensorType("float32", (False, True))
    x = typ("x")
    assert x.type.shape == (None, 1) and x.broadcastable == (False, True) and x.name == "x"
    assert T.TensorType(dtype="float32", broadcastable=(False, True)) == typ
    assert T.TensorType("float32", (None, 1)) == typ
    assert T.TensorType("float64", (None, 784))("img").type.shape == (None, 784)
    assert T.TensorType("float64", (False,), name="weights").name == "weights"
    # A Theano row-typed variable broadcasts against a matrix.
    m = T.dmatrix("m")
    r = T.TensorType("float64", (True, False))("r")
    f = function([m, r], m + r)
    assert f([[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0]]).tolist() == [[11.0, 22.0], [13.0, 24.0]]


def test_plurals_follow_theano_names_counts_and_letters():
    a, b = T.dscalars("a", "b")
    assert (a.name, b.name, a.type) == ("a", "b", T.dscalar)
    single = T.fvectors("v")
    assert single.type == T.fvector and single.name == "v"       # one name: one variable
    three = T.imatrices(3)
    assert [m.type for m in three] == [T.imatrix] * 3 and len({id(m) for m in three}) == 3
    x, y, z = T.dvectors("xyz")                                   # Theano: a letter per variable
    assert [v.name for v in (x, y, z)] == ["x", "y", "z"]
    assert [v.type for v in T.ltensor3s("p", "q")] == [T.ltensor3] * 2


@pytest.mark.parametrize("float_x", ["float64", "float32"])
def test_floatx_plurals_follow_floatx(float_x):
    with config.change_flags(floatX=float_x):
        x, y = T.scalars("x", "y")
        m, n = T.matrices("m", "n")
        v = T.vectors("v")
        r, c = T.rows("r"), T.cols("c")
        t3, t4 = T.tensor3s("t"), T.tensor4s("u")
    assert (x.dtype, y.name, m.dtype, n.ndim, v.dtype) == (float_x, "y", float_x, 2, float_x)
    assert r.type.shape == (1, None) and c.type.shape == (None, 1)
    assert (t3.ndim, t4.ndim, t4.dtype) == (3, 4, float_x)

"""Checks shared by the tests of Theano's extra ops: value and dtype against a numpy reference,
static shape against the computed one, and finite-difference gradients in float64 and float32."""

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.gradient import verify_grad

TOLERANCE = {"float16": 1e-2, "float32": 1e-5, "float64": 1e-12}


def variable_like(array, static=False):
    """A variable of array's dtype and rank; with `static`, its lengths are known too."""
    array = np.asarray(array)
    shape = array.shape if static else tuple(1 if d == 1 else None for d in array.shape)
    return T.TensorType(array.dtype, shape)()


def assert_static_shape_fits(out, value):
    """The static shape the op declared when the graph was built agrees with perform's result."""
    assert len(out.type.shape) == np.ndim(value), (out.type, np.shape(value))
    for declared, actual in zip(out.type.shape, np.shape(value)):
        assert declared is None or declared == actual, (out.type, np.shape(value))


def check(build, reference, *arrays, dtype=None, rtol=None, static=(False, True)):
    """Compile build(*variables) for `arrays`, and compare with reference(*arrays): values,
    dtype (numpy's, or `dtype`), and static shapes for variables with unknown and known lengths.

    Returns the symbolic output of the last build.
    """
    expected = np.asarray(reference(*arrays))
    want_dtype = np.dtype(dtype) if dtype is not None else expected.dtype
    for known in static:
        variables = [variable_like(a, known) for a in arrays]
        out = build(*variables)
        value = function(variables, out)(*arrays)
        assert value.dtype == want_dtype, (value.dtype, want_dtype)
        assert value.shape == expected.shape, (value.shape, expected.shape)
        assert_static_shape_fits(out, value)
        tol = rtol if rtol is not None else TOLERANCE.get(str(want_dtype), 0)
        np.testing.assert_allclose(value, expected.astype(want_dtype), rtol=tol, atol=tol)
    return out


def check_grad(build, *arrays, dtypes=("float64", "float32"), **options):
    """verify_grad of build at `arrays`, cast to each float dtype (integer arrays kept)."""
    for dtype in dtypes:
        cast = [a.astype(dtype) if np.asarray(a).dtype.kind == "f" else a for a in arrays]
        verify_grad(build, cast, rng=np.random.default_rng(7), **options)


def check_infer_shape(build, arrays, op_class):
    """The shape of build(*variables), asked for alone, is what perform gives, and is worked
    out by the op's infer_shape: the compiled shape function never runs `op_class` itself."""
    variables = [variable_like(a) for a in arrays]
    out = build(*variables)
    assert isinstance(out.owner.op, op_class)
    value = function(variables, out)(*arrays)
    shape_of = function(variables, [out.shape] + [out.shape[i] for i in range(out.ndim)],
                        on_unused_input="ignore")
    whole, *entries = shape_of(*arrays)
    assert tuple(whole) == np.shape(value)
    assert tuple(int(e) for e in entries) == np.shape(value)
    computed = {type(node.op) for node in shape_of.fgraph.toposort()}
    assert op_class not in computed, f"{op_class.__name__} was run only for its shape"

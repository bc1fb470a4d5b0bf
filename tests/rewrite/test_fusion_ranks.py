"""Fused kernels agree with the unfused graph on every rank 0 to 3 and on float, integer and bool
dtypes: random elementwise trees (inputs used on several paths, so sums of many terms appear)
and their gradients, compiled FAST_RUN (fusion, in-place) against NONE."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.rewrite.composite import Composite

SHAPES = {0: (), 1: (4,), 2: (3, 4), 3: (2, 3, 4)}

# Ops defined for every numeric dtype, and ops that need a float.
ANY_UNARY = {"neg": lambda a: -a, "sqr": T.sqr, "abs": abs, "times_two": lambda a: a * 2,
             "relu_like": lambda a: T.maximum(a, 0), "cast_back": lambda a: T.cast(
                 T.cast(a, "float64"), a.dtype)}
FLOAT_UNARY = {"tanh": T.tanh, "exp_tanh": lambda a: T.exp(T.tanh(a)),
               "sigmoid": T.nnet.sigmoid, "softplus": T.nnet.softplus,
               "cube": lambda a: a ** 3, "half": lambda a: a * 0.5}
ANY_BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
              "max": T.maximum, "switch": lambda a, b: T.switch(a > b, a, b),
              "add3": lambda a, b: a + b + a}
FLOAT_BINARY = {"div": lambda a, b: a / (1 + abs(b))}

trees = st.recursive(
    st.sampled_from(["x", "y"]),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(ANY_UNARY) + sorted(FLOAT_UNARY)), children),
        st.tuples(st.sampled_from(sorted(ANY_BINARY) + sorted(FLOAT_BINARY)), children,
                  children)),
    max_leaves=8)


def _build(tree, env, floating):
    if isinstance(tree, str):
        return env[tree]
    op, *children = tree
    args = [_build(child, env, floating) for child in children]
    if op in ANY_UNARY:
        return ANY_UNARY[op](*args)
    if op in ANY_BINARY:
        return ANY_BINARY[op](*args)
    if not floating:            # integer trees: the float ops become their plainest neighbour
        return args[0] if len(args) == 1 else args[0] + args[1]
    return (FLOAT_UNARY.get(op) or FLOAT_BINARY[op])(*args)


def _values(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-3, 4, shape).astype(dtype)
    return rng.uniform(-1.5, 1.5, shape).astype(dtype)


def _tolerance(dtype):
    return {"float32": (2e-5, 1e-5)}.get(str(dtype), (1e-10, 1e-12))


@settings(max_examples=70, deadline=None)
@given(tree=trees, rank=st.integers(0, 3),
       dtype=st.sampled_from(["float64", "float32", "int32", "int8"]),
       broadcast_y=st.booleans(), with_gradient=st.booleans())
def test_fused_kernels_agree_with_the_unfused_graph(tree, rank, dtype, broadcast_y,
                                                    with_gradient):
    floating = dtype.startswith("float")
    shape = SHAPES[rank]
    y_pattern = tuple(i == 0 and broadcast_y for i in range(rank))
    x = T.TensorType(dtype, (False,) * rank)("x")
    y = T.TensorType(dtype, y_pattern)("y")
    out = _build(tree, {"x": x, "y": y}, floating)
    outputs = [out + x]             # never a bare input; x feeds one more path
    if with_gradient and floating:
        outputs.append(graphlens.grad(outputs[0].sum(), x))
    y_shape = tuple(1 if b else n for b, n in zip(y_pattern, shape))
    args = _values(dtype, shape, 1), _values(dtype, y_shape, 2)
    fast = function([x, y], outputs, on_unused_input="ignore")
    slow = function([x, y], outputs, on_unused_input="ignore", mode="NONE")
    rtol, atol = _tolerance(outputs[0].dtype)
    for got, want in zip(fast(*args), slow(*args)):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def test_gradient_of_a_scalar_used_on_three_paths_runs_fused():
    # The gradient sums three products of s with itself: one fused n-ary add on 0-d arrays,
    # which used to fail with "return arrays must be of ArrayType".
    s = T.dscalar("s")
    g = graphlens.grad(s * s * s, s)
    f = function([s], g)
    assert any(isinstance(node.op, Composite) for node in f.fgraph.toposort())
    np.testing.assert_allclose(f(0.3), 3 * 0.3 ** 2, rtol=1e-15)
    assert f(-2.0) == 12.0

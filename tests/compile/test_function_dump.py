"""theano.function_dump (graphlens/compile/pickling.py): a function call's arguments pickled, so
`graphlens.function(**pickle.load(f))` compiles the same function elsewhere."""

import pickle

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.errors import InvalidArgumentError


def test_the_dump_loads_into_a_function_that_computes_and_updates_as_the_original(tmp_path):
    rng = np.random.default_rng(3)
    x, t = T.dmatrix("x"), T.dvector("t")
    W = graphlens.shared(rng.standard_normal((3, 2)), name="W")
    b = graphlens.shared(np.zeros(2), name="b")
    rate = T.dscalar("rate")
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p)[T.arange(t.shape[0]), T.cast(t, "int64")])
    gW, gb = graphlens.grad(cost, [W, b])
    W0 = W.get_value()
    path = tmp_path / "func_dump.bin"
    graphlens.function_dump(str(path), [x, t, graphlens.In(rate, value=0.5)], cost,
                            updates=[(W, W - rate * gW), (b, b - rate * gb)],
                            name="train", on_unused_input="raise",
                            extra_tag_to_remove=["note"])
    with open(path, "rb") as f:
        d = pickle.load(f)
    assert sorted(d) == sorted(["inputs", "outputs", "mode", "updates", "givens",
                                "no_default_updates", "accept_inplace", "name",
                                "rebuild_strict", "allow_input_downcast", "profile",
                                "on_unused_input"])
    assert d["name"] == "train" and d["on_unused_input"] == "raise"
    loaded = graphlens.function(**d)
    original = graphlens.function([x, t, graphlens.In(rate, value=0.5)], cost,
                                  updates=[(W, W - rate * gW), (b, b - rate * gb)])
    # The dump holds the shared variables with the values they had, as variables of its own:
    # each function trains its own W, from the same start.
    dumped_W = d["updates"][0][0]
    assert dumped_W is not W and dumped_W.name == "W"
    np.testing.assert_array_equal(dumped_W.get_value(), W.get_value())
    xs, ts = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1.0])
    costs_loaded = [float(loaded(xs, ts)) for _ in range(3)]
    costs_original = [float(original(xs, ts)) for _ in range(3)]
    np.testing.assert_allclose(costs_loaded, costs_original, rtol=1e-12)
    assert costs_loaded[2] < costs_loaded[0]               # the default rate 0.5 came along
    np.testing.assert_allclose(dumped_W.get_value(), W.get_value(), rtol=1e-12)
    assert not np.allclose(W.get_value(), W0)              # both really trained


def test_a_bad_filename_is_named():
    x = T.dscalar("x")
    with pytest.raises(InvalidArgumentError, match="filename must be a path"):
        graphlens.function_dump(3, [x], x * 2)


def test_function_dump_is_at_theanos_paths():
    import importlib

    import graphlens
    import graphlens.compile
    # `graphlens.compile.function` is the function (as Theano's), the module is imported.
    module = importlib.import_module("graphlens.compile.function")
    assert graphlens.function_dump is graphlens.compile.function_dump is module.function_dump

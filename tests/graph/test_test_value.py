"""Test values (`compute_test_value`): nodes evaluated as they are built, errors at the line."""

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.errors import (ConfigError, GraphlensError, GraphlensTypeError,
                              MissingTestValueError, ShapeError, TestValueError,
                              TestValueIndexError, TestValueWarning)
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.graph.test_value import test_value_of
from graphlens.tensor.type import TensorType

HERE = "test_test_value.py"


def line_of(marker):
    """The line number of the line of this file that ends with `# marker`."""
    with open(__file__) as source:
        for number, line in enumerate(source, 1):
            if line.rstrip().endswith("# " + marker):
                return number
    raise AssertionError(marker)


def three_layer_mlp(batch=5):
    """An MLP 784-20-10-3 whose layer 2 weight is (30, 10) instead of (20, 10)."""
    rng = np.random.RandomState(0)
    x = T.dmatrix("x")
    x.tag.test_value = rng.rand(batch, 784)
    W1 = graphlens.shared(rng.randn(784, 20) * 0.01, name="W1")
    b1 = graphlens.shared(np.zeros(20), name="b1")
    W2 = graphlens.shared(rng.randn(30, 10) * 0.1, name="W2")
    W3 = graphlens.shared(rng.randn(10, 3) * 0.1, name="W3")
    h1 = T.tanh(T.dot(x, W1) + b1)
    h2 = T.tanh(T.dot(h1, W2))  # LAYER2
    out = T.nnet.softmax(T.dot(h2, W3))
    return x, out


def test_mlp_wrong_weight_raises_at_the_line_that_wrote_the_dot():
    with config.change_flags(compute_test_value="raise"):
        with pytest.raises(ShapeError) as info:
            three_layer_mlp()
    message = str(info.value)
    assert isinstance(info.value, TestValueError) and isinstance(info.value, ValueError)
    assert f"{HERE}:{line_of('LAYER2')}" in message
    assert "(5, 20)" in message and "(30, 10)" in message
    assert "Dot" in message and "'W2'" in message


def test_mlp_wrong_weight_with_off_fails_at_call_time_naming_the_same_line():
    x, out = three_layer_mlp()                    # builds: nothing is evaluated
    assert not hasattr(out.tag, "test_value")
    f = graphlens.function([x], out)
    with pytest.raises(ValueError) as info:
        f(np.ones((5, 784)))
    assert f"{HERE}:{line_of('LAYER2')}" in str(info.value)


def test_correct_mlp_test_values_match_the_compiled_function():
    rng = np.random.RandomState(1)
    x = T.dmatrix("x")
    x_value = rng.rand(4, 6)
    x.tag.test_value = x_value
    W1 = graphlens.shared(rng.randn(6, 5), name="W1")
    W2 = graphlens.shared(rng.randn(5, 3), name="W2")
    with config.change_flags(compute_test_value="raise"):
        h1 = T.tanh(T.dot(x, W1))
        out = T.nnet.softmax(T.dot(h1, W2))
    expected = graphlens.function([x], out)(x_value)
    assert out.tag.test_value.shape == (4, 3)
    assert out.tag.test_value.dtype == np.float64
    np.testing.assert_allclose(out.tag.test_value, expected, rtol=1e-12)
    np.testing.assert_allclose(h1.tag.test_value, np.tanh(x_value @ W1.get_value()), rtol=1e-12)


def test_off_computes_nothing_and_missing_values_are_fine():
    x = T.dvector("x")
    x.tag.test_value = np.arange(3.0)
    y = T.exp(x) * 2
    assert not hasattr(y.tag, "test_value")
    z = T.dvector("z") + 1                        # no test value anywhere: no complaint
    assert test_value_of(z) is None


def test_ignore_skips_missing_values_silently_and_keeps_computing_others():
    x, y = T.dvector("x"), T.dvector("y")
    x.tag.test_value = np.array([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with config.change_flags(compute_test_value="ignore"):
            skipped = (x + y) * 3
            computed = x * 3
    assert not hasattr(skipped.tag, "test_value")
    np.testing.assert_array_equal(computed.tag.test_value, [3.0, 6.0])


def test_ignore_still_raises_when_an_op_fails():
    x = T.dvector("x")
    x.tag.test_value = np.ones(3)
    W = graphlens.shared(np.ones((4, 2)), name="W")
    with config.change_flags(compute_test_value="ignore"):
        with pytest.raises(TestValueError, match=r"\(3,\).*\n.*\n.*\(4, 2\)"):
            T.dot(x, W)


def test_warn_names_the_missing_input_once_per_node_at_the_users_line():
    y = T.dmatrix("y")
    with config.change_flags(compute_test_value="warn"):
        with pytest.warns(TestValueWarning) as record:
            z = y * 2  # WARNED
    assert len(record) == 1
    warning = record[0]
    assert warning.lineno == line_of("WARNED") and warning.filename.endswith(HERE)
    assert "'y'" in str(warning.message) and "Mul" in str(warning.message)
    assert not hasattr(z.tag, "test_value")


def test_raise_names_the_missing_input_and_its_line():
    y = T.dmatrix("y")  # Y BUILT
    with config.change_flags(compute_test_value="raise"):
        with pytest.raises(MissingTestValueError) as info:
            T.exp(y)
    assert isinstance(info.value, ValueError)      # Theano raised ValueError here
    message = str(info.value)
    assert "'y'" in message and f"{HERE}:{line_of('Y BUILT')}" in message
    assert "Exp" in message


def test_shared_variables_and_constants_are_their_own_test_values():
    W = graphlens.shared(np.arange(6.0).reshape(2, 3), name="W")
    np.testing.assert_array_equal(W.tag.test_value, np.arange(6.0).reshape(2, 3))
    c = T.constant(np.array([1.0, 2.0, 3.0]))
    with config.change_flags(compute_test_value="raise"):
        total = T.dot(W, c) + 1
    np.testing.assert_array_equal(total.tag.test_value, [9.0, 27.0])


def test_an_error_is_also_the_builtin_class_of_its_cause():
    x = T.dvector("x")
    x.tag.test_value = np.ones(3)
    with config.change_flags(compute_test_value="raise"):
        with pytest.raises(IndexError) as info:
            x[7]
    assert isinstance(info.value, TestValueIndexError)
    assert isinstance(info.value, GraphlensError)
    assert "shape (3,)" in str(info.value)


def test_tag_assignment_converts_and_validates():
    x = T.fmatrix("x")
    x.tag.test_value = [[1, 2], [3, 4]]
    assert x.tag.test_value.dtype == np.float32
    np.testing.assert_array_equal(x.tag.test_value, [[1, 2], [3, 4]])
    v = T.dvector("v")  # V BUILT
    with pytest.raises(GraphlensTypeError) as info:
        v.tag.test_value = np.zeros((2, 2))  # V ASSIGNED
    message = str(info.value)
    assert "'v'" in message and "rank 2" in message
    assert f"{HERE}:{line_of('V BUILT')}" in message
    assert f"{HERE}:{line_of('V ASSIGNED')}" in message
    with pytest.raises(TypeError, match="float64.*float32|cast"):
        x.tag.test_value = np.zeros((2, 2))       # float64 into float32 could lose information
    fixed = TensorType("float64", (None, 3))("fixed")
    with pytest.raises(ShapeError, match="'fixed'"):
        fixed.tag.test_value = np.zeros((2, 4))
    assert not hasattr(v.tag, "test_value")       # a failed assignment leaves nothing behind


def test_tag_is_a_scratchpad_for_other_notes():
    x = T.dscalar("x")
    x.tag.trace = "mine"
    assert x.tag.trace == "mine"
    with pytest.raises(AttributeError, match="'x'"):
        x.tag.missing


@dataclass(frozen=True)
class DivMod(Op):
    """Two outputs: x // y and x % y (a small op with several outputs, for this test)."""

    def make_node(self, x, y):
        x, y = T.as_tensor_variable(x), T.as_tensor_variable(y)
        return Apply(self, [x, y], [x.type(), x.type()])

    def perform(self, node, inputs):
        quotient, remainder = np.divmod(*inputs)
        return [quotient, remainder]


def test_each_output_of_a_several_output_op_gets_its_test_value():
    x = T.lvector("x")
    x.tag.test_value = np.array([7, 9, 10])
    with config.change_flags(compute_test_value="raise"):
        quotient, remainder = DivMod()(x, np.int64(4))
    np.testing.assert_array_equal(quotient.tag.test_value, [1, 2, 2])
    np.testing.assert_array_equal(remainder.tag.test_value, [3, 1, 2])


def test_an_op_that_overwrites_its_input_gets_a_copy():
    x = T.dvector("x")
    original = np.array([1.0, 2.0, 3.0])
    x.tag.test_value = original.copy()
    written = T.set_subtensor(x[0], 5.0)
    inplace = dataclasses.replace(written.owner.op, inplace=True)
    assert inplace.destroy_map
    with config.change_flags(compute_test_value="raise"):
        result = inplace(*written.owner.inputs)
    np.testing.assert_array_equal(result.tag.test_value, [5.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.tag.test_value, original)


def test_a_graph_of_ten_thousand_nodes_builds_with_test_values():
    x = T.dvector("x")
    x.tag.test_value = np.array([0.5, -0.25])
    with config.change_flags(compute_test_value="raise"):
        y = x
        for _ in range(5000):
            y = T.sin(y) + 0.001
    expected = np.array([0.5, -0.25])
    for _ in range(5000):
        expected = np.sin(expected) + 0.001
    np.testing.assert_allclose(y.tag.test_value, expected, rtol=1e-12)


def test_the_flag_is_settable_like_every_flag(monkeypatch, tmp_path):
    assert config.compute_test_value == "off"
    config.compute_test_value = "warn"
    assert config.compute_test_value == "warn"
    config.reload()
    monkeypatch.setenv("GRAPHLENS_FLAGS", "compute_test_value=raise")
    config.reload()
    assert config.compute_test_value == "raise"
    monkeypatch.delenv("GRAPHLENS_FLAGS")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".graphlensrc").write_text("[global]\ncompute_test_value = ignore\n")
    config.reload()
    assert config.compute_test_value == "ignore"
    with config.change_flags(compute_test_value="off"):
        assert config.compute_test_value == "off"
    assert config.compute_test_value == "ignore"
    with pytest.raises(ConfigError, match="compute_test_value"):
        config.compute_test_value = "sometimes"


def test_constructors_take_a_test_value():
    x = T.dmatrix("x", test_value=np.ones((2, 3)))
    m = T.matrix("m", test_value=[[1.0, 2.0]])
    t = T.tensor("float32", (None, 4), name="t", test_value=np.zeros((1, 4), dtype="float32"))
    assert x.tag.test_value.shape == (2, 3) and x.tag.test_value.dtype == np.float64
    assert m.tag.test_value.dtype == np.dtype(config.floatX)
    assert t.tag.test_value.shape == (1, 4)
    with pytest.raises(GraphlensTypeError, match="'v'.*rank 2"):
        T.dvector("v", test_value=np.zeros((2, 2)))
    with config.change_flags(compute_test_value="raise"):
        product = T.dot(x, T.dmatrix("w", test_value=np.ones((3, 4))))
    np.testing.assert_array_equal(product.tag.test_value, np.full((2, 4), 3.0))


def test_rewrites_evaluate_nothing_and_the_function_still_runs():
    x = T.dvector("x", test_value=np.array([0.5, -1.0, 2.0]))
    with config.change_flags(compute_test_value="raise"):
        y = T.log(T.nnet.sigmoid(x)).sum()        # stabilize rewrites it into softplus
        f = graphlens.function([x], [y, T.grad(y, x)])
    assert not any(hasattr(out.tag, "test_value")
                   for node in f.fgraph.toposort() for out in node.outputs)
    value, gradient = f(np.array([0.5, -1.0, 2.0]))
    expected = np.log(1 / (1 + np.exp(-np.array([0.5, -1.0, 2.0]))))
    np.testing.assert_allclose(value, expected.sum(), rtol=1e-12)
    np.testing.assert_allclose(gradient, 1 - 1 / (1 + np.exp(-np.array([0.5, -1.0, 2.0]))),
                               rtol=1e-12)


def test_a_chain_built_with_the_flag_off_is_evaluated_iteratively_when_it_is_turned_on():
    x = T.dvector("x", test_value=np.array([1.0, 2.0]))
    y = x
    for _ in range(10_000):                       # deeper than the recursion limit
        y = y + 1.0
    assert not hasattr(y.tag, "test_value")
    with config.change_flags(compute_test_value="raise"):
        z = y * 2.0
    np.testing.assert_array_equal(z.tag.test_value, [20_002.0, 20_004.0])
    np.testing.assert_array_equal(y.tag.test_value, [10_001.0, 10_002.0])


def test_test_values_survive_pickling():
    import pickle
    x = T.dvector("x", test_value=[1.0, 2.0])
    with config.change_flags(compute_test_value="raise"):
        y = T.exp(x)
    copy = pickle.loads(pickle.dumps(y))
    np.testing.assert_allclose(copy.tag.test_value, np.exp([1.0, 2.0]), rtol=1e-15)
    source = copy.owner.inputs[0]
    with pytest.raises(GraphlensTypeError, match="'x'"):
        source.tag.test_value = np.zeros((1, 1))  # still checked after a round trip

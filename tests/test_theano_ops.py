"""Ops written for Theano (graph/theano_style.py, compile/ops.py, graphlens.gof,
graphlens.tests.unittest_tools, gradient.grad_undefined): compared, evaluated, differentiated
and tested the way Theano did it."""

import sys

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.errors import GraphlensTypeError, UndefinedGradientError
from graphlens.graph.basic import Constant, toposort
from graphlens.gof.graph import clone, inputs, io_toposort
from graphlens.gradient import (DisconnectedType, GradientError, NullTypeGradError,
                                grad_undefined, verify_grad)
from graphlens.tests import unittest_tools as utt


class Scale(graphlens.Op):
    __props__ = ("factor",)

    def __init__(self, factor):
        self.factor = factor

    def make_node(self, x, index):
        x, index = T.as_tensor_variable(x), T.as_tensor_variable(index)
        return graphlens.Apply(self, [x, index], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        x, index = inputs
        output_storage[0][0] = x * self.factor
        output_storage[1][0] = x * 0 + x[index:].sum()

    def grad(self, inputs, output_grads):
        x, index = inputs
        return [output_grads[0] * self.factor, grad_undefined(self, 1, index, "an index")]


class AXPB(graphlens.Op):
    """The tutorial's a * x + b."""
    __props__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = self.a * inputs[0] + self.b

    def grad(self, inputs, output_grads):
        return [self.a * output_grads[0]]


class NoProps(graphlens.Op):
    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] + 1


class WrongGrad(graphlens.Op):
    __props__ = ()
    itypes, otypes = [T.dvector], [T.dvector]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] ** 2

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 3 * inputs[0]]          # should be 2 x


class Forgetful(graphlens.Op):
    __props__ = ()
    itypes, otypes = [T.dvector], [T.dvector]

    def perform(self, node, inputs, output_storage):
        pass


class NoInferShape(graphlens.Op):
    __props__ = ()
    itypes, otypes = [T.dvector], [T.dvector]

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0][::-1].copy()


def test_props_decide_equality_and_hash_and_the_label():
    assert Scale(2) == Scale(2) and hash(Scale(2)) == hash(Scale(2))
    assert Scale(2) != Scale(3) and str(Scale(3)) == "Scale{factor=3}"
    one = NoProps()
    assert one == one and one != NoProps()           # no __props__: equal only to itself


def test_storage_writing_perform_gives_every_output_and_merges_equal_ops():
    x, i = T.dvector("x"), T.lscalar("i")
    a, total = Scale(2)(x, i)
    b, _ = Scale(2)(x, i)
    f = function([x, i], [a + b, total])
    doubled, summed = f(np.array([1.0, 2.0]), 0)
    np.testing.assert_array_equal(doubled, [4.0, 8.0])
    assert summed.tolist() == [3.0, 3.0]
    assert sum(isinstance(n.op, Scale) for n in f.maker.fgraph.toposort()) == 1


def test_grad_through_a_theano_op_and_its_undefined_input():
    x, i = T.dvector("x"), T.lscalar("i")
    out, _ = Scale(3)(x, i)
    g = function([x, i], grad(out.sum(), x))(np.array([1.0, 5.0]), 1)
    np.testing.assert_array_equal(g, [3.0, 3.0])
    verify_grad(lambda v: Scale(3)(v, T.constant(0))[0], [np.array([0.5, -1.0])])
    with pytest.raises(NullTypeGradError, match="an index"):
        grad(out.sum(), i)


def test_a_wrong_gradient_is_caught_by_its_theano_name():
    assert GradientError is verify_grad.E_grad is utt.verify_grad.E_grad
    with pytest.raises(verify_grad.E_grad):
        utt.verify_grad(WrongGrad(), [np.array([1.0, 2.0])])
    utt.verify_grad(T.tanh, [np.array([0.3, -0.2])], n_tests=3)


def test_itypes_are_checked_and_a_missing_output_is_named():
    with pytest.raises(GraphlensTypeError, match="input 0 must be of type float64"):
        WrongGrad()(T.fvector("v"))
    with pytest.raises(GraphlensTypeError, match="expects 1 inputs but got 2"):
        WrongGrad()(T.dvector(), T.dvector())
    v = T.dvector("v")
    with pytest.raises(Exception, match="wrote no value"):
        function([v], Forgetful()(v))(np.ones(2))


def test_infer_shape_tester_catches_an_op_run_for_its_shape():
    class Check(utt.InferShapeTester):
        def runTest(self):
            pass
    tester = Check()
    tester.setUp()
    x = T.dvector("x")
    with pytest.raises(AssertionError, match="NoInferShape still runs"):
        tester._compile_and_check([x], [NoInferShape()(x)], [np.arange(3.0)], NoInferShape)
    tester._compile_and_check([x], [NoInferShape()(x)], [np.arange(3.0)], NoInferShape,
                              check_topo=False)


def test_as_op_wraps_a_numpy_function_and_has_no_gradient():
    @graphlens.as_op(itypes=[T.dmatrix], otypes=[T.dvector])
    def row_sums(a):
        return a.sum(axis=1)
    m = T.dmatrix("m")
    np.testing.assert_array_equal(function([m], row_sums(m))(np.ones((2, 3))), [3.0, 3.0])
    assert row_sums == row_sums and "row_sums" in row_sums.label
    with pytest.raises(UndefinedGradientError, match="row_sums"):
        grad(row_sums(m).sum(), m)


@graphlens.as_op([T.dmatrix, T.dmatrix], T.dmatrix)
def elementwise_product(a, b):          # module level, so the op pickles by its name
    return a * b


def test_an_as_op_at_module_level_pickles_by_name_as_theanos():
    import pickle
    x, y = T.dmatrices("x", "y")
    product = pickle.loads(pickle.dumps(elementwise_product(x, y)))
    assert product.owner.op is elementwise_product
    f = pickle.loads(pickle.dumps(function([x, y], elementwise_product(x, y))))
    np.testing.assert_array_equal(f([[2.0]], [[3.0]]), [[6.0]])

    @graphlens.as_op(T.dmatrix, T.dmatrix)
    def local(a):
        return a
    with pytest.raises(pickle.PicklingError, match="local"):
        pickle.dumps(local)


def test_as_op_takes_one_type_for_a_list_of_one_and_is_at_theano_compile():
    from graphlens.compile import as_op

    @as_op(T.dmatrix, T.dvector)                      # Theano's tests write it so
    def flat_cumprod(a):
        return np.cumprod(a)
    m = T.dmatrix("m")
    np.testing.assert_allclose(function([m], flat_cumprod(m))([[1.5, 5.0], [2.0, 2.0]]),
                               [1.5, 7.5, 15.0, 30.0])
    with pytest.raises(TypeError, match="types or lists of types"):
        as_op("dmatrix", T.dvector)


def test_disconnected_type_called_gives_a_marker():
    marker = DisconnectedType()()
    assert isinstance(marker.type, DisconnectedType)


def test_gof_graph_walks_between_given_inputs_and_outputs():
    x = T.dvector("x")
    y = T.exp(x) + 1
    z = T.tanh(y)
    assert [n.op.label for n in io_toposort([y], [z])] == ["Tanh"]
    assert [n.op.label for n in io_toposort([x], [z])] == ["Exp", "Add", "Tanh"]
    assert inputs([z], blockers=[y]) == [y]
    (x2,), (z2,) = clone([x], [z])
    assert x2 is not x and x2.name == "x" and inputs([z2])[0] is x2
    assert graphlens.gof.Op is graphlens.Op and graphlens.gof.Apply is graphlens.Apply


def test_constants_left_together_by_specialize_are_folded_too():
    # d/dx sum(tanh(AXPB(4, 5)(x))) = 4 * fill(tanh, 1) * (1 - tanh**2): the fill sinks into the
    # product in specialize, leaving 4.0 * 1.0 behind, folded there (constant_fold_late).
    x = T.dmatrix("x")
    f = function([x], grad(T.sum(T.tanh(AXPB(4, 5)(x))), x))
    constant_only = []
    for node in f.maker.fgraph.toposort():
        for inner in node.op.inner_graphs:
            constant_only += [n.op.label for n in toposort(list(inner.outputs))
                              if all(isinstance(v, Constant) for v in n.inputs)]
    assert constant_only == []
    value = np.array([[0.1, -0.2]])
    np.testing.assert_allclose(f(value), 4 * (1 - np.tanh(4 * value + 5) ** 2), rtol=1e-12)


def test_get_scalar_constant_value_reads_constants_lengths_and_their_arithmetic():
    assert T.get_scalar_constant_value(T.constant(3) * 2) == 6
    declared = T.TensorType("float32", (128, None))("x")
    assert T.get_scalar_constant_value(declared.shape[0]) == 128
    assert T.get_scalar_constant_value(T.cast(T.constant(2.5), "int32") + 1) == 3
    with pytest.raises(T.NotScalarConstantError, match="length not declared"):
        T.get_scalar_constant_value(declared.shape[1])
    with pytest.raises(T.NotScalarConstantError, match="'s' .* is not a constant"):
        T.get_scalar_constant_value(T.dscalar("s") + 1)


def test_copy_sum_dtype_and_acc_dtype_as_theano():
    x = T.dvector("x")
    y = x.copy("y")
    assert y.name == "y" and y is not x
    value, gradient = function([x], [y, grad((y * 3).sum(), x)])(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(value, [1.0, 2.0])
    np.testing.assert_array_equal(gradient, [3.0, 3.0])
    b = T.bvector("b")
    assert T.sum(b).dtype == "int64"
    total = T.sum(b, acc_dtype="int64", dtype="int32")
    assert total.dtype == "int32"
    big = np.full(200, 100, dtype="int8")                 # 20,000 does not fit in int8
    assert function([b], total)(big) == 20000
    assert T.mean(T.fvector(), dtype="float64").dtype == "float64"
    assert T.fvector().sum(acc_dtype="float64").dtype == "float32"


def test_nan_guard_mode_stops_at_the_first_nan_as_theano_s():
    from graphlens.compile.nanguardmode import NanGuardMode
    from graphlens.errors import NaNError
    x = T.dvector("x")
    f = function([x], T.log(x) * 2, mode=NanGuardMode(nan_is_error=True, inf_is_error=True))
    np.testing.assert_allclose(f(np.array([1.0])), [0.0])
    g = function([x], T.log(x), mode="NanGuardMode")
    with np.errstate(invalid="ignore", divide="ignore"):
        with pytest.raises(NaNError, match="Log"):
            f(np.array([-1.0]))
        with pytest.raises(NaNError):
            g(np.array([0.0]))
        with pytest.raises(AssertionError):         # Theano's NanGuardMode raised this class
            g(np.array([0.0]))
    assert function([x], T.log(x), mode=NanGuardMode().excluding("fusion")).maker is not None


def test_theano_module_paths_hold_their_names():
    import graphlens.compile.function_module as function_module
    import graphlens.gof.utils as gof_utils
    import graphlens.tensor.nnet.nnet as nnet_nnet
    import graphlens.tensor.sharedvar as sharedvar
    from graphlens.tensor.var import TensorVariable     # the module, not the function T.var
    assert isinstance(T.dvector(), TensorVariable) and callable(T.var)
    assert isinstance(graphlens.shared(np.zeros(2)), sharedvar.TensorSharedVariable)
    assert nnet_nnet.softmax is T.nnet.softmax
    assert issubclass(function_module.UnusedInputError, Exception)
    assert issubclass(gof_utils.MethodNotDefined, NotImplementedError)
    assert graphlens.gof.MissingInputError is function_module.MissingInputError
    assert graphlens.printing.pydot_imported is True


def test_shared_takes_theano_s_broadcastable_strict_and_allow_downcast():
    bias = shared(np.zeros((1, 3)), name="bias", broadcastable=(True, False),
                  allow_downcast=True)
    assert bias.type.shape == (1, None)
    x = T.dmatrix("x")
    np.testing.assert_array_equal(function([x], x + bias)(np.ones((2, 3))), np.ones((2, 3)))
    with pytest.raises(Exception, match="does not fit"):
        bias.set_value(np.zeros((2, 3)))
    with pytest.raises(GraphlensTypeError, match="axis 0 is marked broadcastable"):
        shared(np.zeros((2, 3)), broadcastable=(True, False))
    with pytest.raises(GraphlensTypeError, match="strict=True"):
        shared([1.0, 2.0], strict=True)


def test_a_theano_op_s_runtime_error_names_the_line_that_used_it():
    class Refuses(graphlens.Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return graphlens.Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            raise ValueError("my op refuses")

    x = T.dvector("x")
    y = Refuses()(x) * 2; line = sys._getframe().f_lineno  # noqa: E702
    with pytest.raises(ValueError, match=rf"Refuses failed at .*test_theano_ops.py:{line}"):
        function([x], y)(np.ones(2))


def test_extract_constant_gives_the_value_or_the_variable_itself():
    import graphlens.tensor.basic as basic
    assert int(T.extract_constant(T.constant(2) * 3 + 1)) == 7
    x = T.dvector("x")
    assert T.extract_constant(x) is x
    assert T.extract_constant(x.sum()).owner.op == x.sum().owner.op
    # Theano's tensor/basic.py held most of theano.tensor's names; code reads them there.
    assert basic.NotScalarConstantError is T.NotScalarConstantError
    assert basic.get_scalar_constant_value is T.get_scalar_constant_value
    with pytest.raises(basic.NotScalarConstantError):
        basic.get_scalar_constant_value(x.sum())
    with pytest.raises(AttributeError, match="graphlens.tensor.basic"):
        basic.no_such_name


class ScaleReturningItsSecond(Scale):
    """Theano's ops chose the output a call returns by setting `default_output`."""

    def __init__(self, factor):
        super().__init__(factor)
        self.default_output = 1


def test_default_output_picks_the_output_a_call_returns():
    x = T.dvector("x")
    pair = Scale(2.0)(x, 1)
    assert isinstance(pair, list) and len(pair) == 2
    second = ScaleReturningItsSecond(2.0)(x, 1)
    assert second is second.owner.outputs[1]
    np.testing.assert_allclose(function([x], second)(np.array([1.0, 2.0, 3.0])), [5.0, 5.0, 5.0])


def test_an_op_with_generic_params_gets_them_in_perform():
    # Theano's using_params documentation: params_type = Generic(), get_params, and perform
    # taking (inputs, output_storage, params).
    from graphlens.gof import Op as GofOp, Apply as GofApply
    from graphlens.gof.type import Generic

    class ScaleOp(GofOp):
        params_type = Generic()
        __props__ = ("scale",)

        def __init__(self, scale):
            self.scale = float(scale)

        def get_params(self, node):
            return self.scale

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return GofApply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage, params):
            output_storage[0][0] = inputs[0] * params

    x = T.dvector("x")
    f = function([x], ScaleOp(2.5)(x))
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [2.5, 5.0])
    assert ScaleOp(2.5) == ScaleOp(2.5) and ScaleOp(2.5) != ScaleOp(3.0)

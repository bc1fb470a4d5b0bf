"""Theano's scalar layer (graphlens/tensor/scalar_*.py, at graphlens.scalar): scalar types and
variables, the standard scalar ops, user ScalarOps wrapped in T.Elemwise, and Composite. Values
and dtypes are Theano 1.0's (its scalar/basic.py rules: upgrade_to_float, autocast literals,
bool comparisons, numpy scalars out of functions on scalar variables)."""

import numpy as np
import pytest

import graphlens as theano
import graphlens.tensor as T
from graphlens import scalar
from graphlens.errors import GraphlensTypeError
from graphlens.gof.opt import local_optimizer

HERE = r"\S*test_scalar\.py"          # errors name the user's line: this file's


class ScalarSoftsign(scalar.UnaryScalarOp):
    """The softsign of Theano's nnet, written as its scalar op was."""

    @staticmethod
    def static_impl(x):
        return x / (1.0 + abs(x))

    def impl(self, x):
        return ScalarSoftsign.static_impl(x)

    def grad(self, inp, grads):
        (x,), (gz,) = inp, grads
        if "float" in x.type.dtype:
            d = 1.0 + abs(x)
            return [gz / (d * d)]
        return NotImplemented

    def c_code(self, node, name, inp, out, sub):      # ignored, as Theano's Python mode does
        raise AssertionError("c_code is never called")


scalar_softsign = ScalarSoftsign(scalar.upgrade_to_float, name="scalar_softsign")
softsign = T.Elemwise(scalar_softsign, name="softsign")


class SinCos(scalar.ScalarOp):
    """Two outputs, nfunc-less: evaluated per element through np.frompyfunc."""

    nin, nout = 1, 2

    def impl(self, x):
        return np.sin(x), np.cos(x)

    def grad(self, inputs, output_grads):
        (x,), (gs, gc) = inputs, output_grads
        return [gs * scalar.cos(x) - gc * scalar.sin(x)]


sincos = SinCos(scalar.transfer_type(0, 0), name="sincos")


def test_scalar_types_and_variables():
    x = scalar.float64("x")
    assert x.type == scalar.float64 and x.type != T.dscalar and str(x.type) == "float64"
    assert scalar.Scalar("int32") == scalar.int32 and repr(scalar.int8) == "Scalar(int8)"
    assert [c.dtype for c in (scalar.constant(2), scalar.constant(0.5), scalar.constant(0.1))] \
        == ["int8", "float32", "float64"]
    assert scalar.as_scalar(T.dscalar()).type == scalar.float64
    with pytest.raises(GraphlensTypeError, match=rf"as_scalar at {HERE}:\d+.*rank 1"):
        scalar.as_scalar(T.dvector())
    assert T.tensor_from_scalar(x).type == T.dscalar
    assert T.scalar_from_tensor(T.fscalar()).type == scalar.float32


def test_output_type_rules():
    assert scalar.upgrade_to_float(scalar.int32) == (scalar.float64,)
    assert scalar.upgrade_to_float(scalar.int8, scalar.uint8) == (scalar.float32,)
    assert scalar.upgrade_to_float(scalar.bool) == (scalar.float32,)
    assert scalar.upcast_out(scalar.int8, scalar.float32) == (scalar.float32,)
    assert scalar.same_out(scalar.int16) == (scalar.int16,)
    assert scalar.transfer_type(1)(scalar.int8, scalar.float32) == (scalar.float32,)
    assert scalar.specific_out(scalar.int64)(scalar.float32) == (scalar.int64,)
    assert scalar.float_out(scalar.int8) == (scalar.float64,)
    assert scalar.int_out(scalar.float32) == (scalar.int64,)
    with pytest.raises(GraphlensTypeError, match="complex"):
        scalar.upgrade_to_float_no_complex(scalar.complex128)
    assert scalar.upcast("int32", "float32") == "float64"


def test_functions_of_scalar_variables_give_numpy_scalars_of_theanos_dtypes():
    x, n = scalar.float64("x"), scalar.int32("n")
    y = scalar.exp(x) * 2 + 1
    f = theano.function([x], y)
    out = f(0.5)
    assert type(out) is np.float64 and out == pytest.approx(2 * np.exp(0.5) + 1)
    assert (n / 2).type == scalar.float64 and (n // 2).type == scalar.int32
    assert (n < 2).type == scalar.bool and scalar.exp(scalar.int8()).type == scalar.float32
    assert (scalar.float32() * 0.1).type == scalar.float64        # 0.1 is not exact in float32
    assert (scalar.float32() * 0.5).type == scalar.float32
    g = theano.function([n, x], [n // 2, scalar.switch(n < 2, x, 0.0)])(np.int32(7), 1.5)
    assert type(g[0]) is np.int32 and g[0] == 3 and type(g[1]) is np.float64 and g[1] == 0.0
    gx = theano.grad(y, x)
    assert theano.function([x], gx)(0.5) == pytest.approx(2 * np.exp(0.5))


def test_tensor_nodes_answer_their_scalar_op_and_the_functions_are_ops():
    v = T.dvector("v")
    e = T.exp(v)
    assert isinstance(e.owner.op, T.Elemwise)
    assert isinstance(e.owner.op.scalar_op, scalar.Exp) and e.owner.op.scalar_op is scalar.exp
    assert e.owner.op == T.exp and T.Elemwise(scalar.exp) == T.exp
    assert isinstance((v + 1).owner.op.scalar_op, scalar.Add)
    assert isinstance(T.cast(v, "int32").owner.op.scalar_op, scalar.Cast)
    assert T.cast(v, "int32").owner.op.scalar_op.o_type == scalar.int32
    assert isinstance(T.nnet.sigmoid(v).owner.op.scalar_op, scalar.ScalarSigmoid)
    seen = []

    @local_optimizer([T.exp])
    def spy(node):
        seen.append(node.op)
        return False
    from graphlens.gof.opt import replacements_of
    replacements_of(spy, e.owner, None)
    replacements_of(spy, T.log(v).owner, None)
    assert seen == [T.exp]


def test_user_scalar_op_elementwise_values_dtypes_broadcasting_and_grad():
    x = T.fmatrix("x")
    y = softsign(x)
    assert y.type == T.fmatrix and y.owner.op.scalar_op is scalar_softsign
    a = np.random.RandomState(0).randn(3, 4).astype("float32")
    out = theano.function([x], y)(a)
    assert out.dtype == np.float32 and np.allclose(out, a / (1 + np.abs(a)))
    assert T.Elemwise(scalar_softsign)(T.ivector()).dtype == "float64"   # upgrade_to_float
    assert T.Elemwise(scalar_softsign)(T.bvector()).dtype == "float32"
    g = theano.function([x], theano.grad(y.sum(), x))(a)
    assert g.dtype == np.float32 and np.allclose(g, 1 / (1 + np.abs(a)) ** 2, rtol=1e-5)
    row, m = T.drow("row"), T.dmatrix("m")
    z = T.Elemwise(scalar.Composite(*_axpb()))(row, m)      # broadcast row over m
    gr = theano.function([row, m], theano.grad(z.sum(), row))(np.ones((1, 3)), np.ones((2, 3)))
    assert gr.shape == (1, 3) and np.allclose(gr, 2 * (1.0 + np.exp(1.0)))


def _axpb():
    a, b = scalar.float64("a"), scalar.float64("b")
    return [a, b], [a * b + scalar.exp(a)]


def test_verify_grad_of_user_scalar_ops():
    rng = np.random.RandomState(1)
    T.verify_grad(lambda v: T.Elemwise(scalar_softsign)(v), [rng.randn(3, 4)], rng=rng)
    T.verify_grad(lambda v: sum(T.Elemwise(sincos)(v)), [rng.randn(5)], rng=rng)
    comp = scalar.Composite(*_axpb())
    T.verify_grad(lambda p, q: T.Elemwise(comp)(p, q), [rng.randn(2, 3), rng.randn(2, 3)],
                  rng=rng)


def test_two_outputs_and_composite_values():
    v = T.dvector("v")
    s, c = T.Elemwise(sincos)(v)
    data = np.array([0.0, 0.5, 2.0])
    out = theano.function([v], [s, c])(data)
    assert np.allclose(out[0], np.sin(data)) and np.allclose(out[1], np.cos(data))
    comp = scalar.Composite(*_axpb())
    assert comp.impl(2.0, 3.0) == pytest.approx(6 + np.exp(2.0))
    z = T.Elemwise(comp)(T.fvector(), T.fvector())
    assert z.dtype == "float32"                    # rebuilt on the inputs' dtypes, as Theano
    f = theano.function([v], T.Elemwise(comp)(v, v))
    assert np.allclose(f(data), data * data + np.exp(data))


def test_printing_names_the_scalar_op():
    x = T.dvector("x")
    assert theano.pp(softsign(x) + 1) == "softsign(x) + 1.0"
    from graphlens.render.debugprint import debugprint
    text = debugprint(T.Elemwise(scalar_softsign)(x), file="str")
    assert text.splitlines()[0].startswith("Elemwise{scalar_softsign} ")
    assert theano.pp(scalar.exp(scalar.float64("s")) * 2) == "exp(s) * 2"


def test_bad_input_names_the_op_and_the_line():
    with pytest.raises(GraphlensTypeError, match=rf"scalar_softsign at {HERE}:\d+ takes 1"):
        scalar_softsign(scalar.float64(), scalar.float64())
    with pytest.raises(GraphlensTypeError, match=rf"T.Elemwise at {HERE}:\d+ takes a scalar"):
        T.Elemwise(T.exp)

    class NoTypes(scalar.UnaryScalarOp):
        def impl(self, x):
            return x
    with pytest.raises(GraphlensTypeError, match=rf"NoTypes at {HERE}:\d+ has no output"):
        NoTypes()(scalar.float64())


def test_a_subclass_of_a_standard_op_keeps_its_own_impl_and_grad():
    class DoubledExp(scalar.Exp):
        def impl(self, x):
            return 2 * np.exp(x)

        def grad(self, inputs, output_grads):
            (x,), (gz,) = inputs, output_grads
            return [gz * 2 * scalar.exp(x)]
    op = T.Elemwise(DoubledExp(scalar.upgrade_to_float, name="dexp"), inplace_pattern={0: 0})
    assert op.label == "Elemwise{dexp}[(0, 0)]" and op != T.exp
    v = T.dvector("v")
    data = np.array([0.0, 1.0])
    assert np.allclose(theano.function([v], op(v))(data), 2 * np.exp(data))
    assert np.allclose(theano.function([v], theano.grad(op(v).sum(), v))(data), 2 * np.exp(data))
    T.verify_grad(op, [data], rng=np.random.RandomState(2))


class Ramp(scalar.UnaryScalarOp):
    """A per-element impl (a Python branch: it cannot take arrays), run through np.frompyfunc."""

    def impl(self, x):
        return x if x > 0 else 0.0

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (x > 0)]


class Hypot(scalar.BinaryScalarOp):
    """nfunc_spec names numpy's function: T.Elemwise runs it on whole arrays, not impl."""

    nfunc_spec = ("hypot", 2, 1)

    def impl(self, x, y):
        raise AssertionError("the numpy function of nfunc_spec computes this op")


def test_per_element_impls_and_nfunc_spec():
    v = T.fvector("v")
    ramp = T.Elemwise(Ramp(scalar.same_out, name="ramp"))
    data = np.array([-1.5, 0.0, 2.5], dtype="float32")
    out = theano.function([v], ramp(v))(data)
    assert out.dtype == np.float32 and out.tolist() == [0.0, 0.0, 2.5]
    grad = theano.function([v], theano.grad(ramp(v).sum(), v))(data)
    assert grad.dtype == np.float32 and grad.tolist() == [0.0, 0.0, 1.0]
    T.verify_grad(ramp, [np.array([-1.0, 0.5, 2.0])], rng=np.random.RandomState(3))
    hypot = T.Elemwise(Hypot(scalar.upgrade_to_float, name="hypot"))
    h = theano.function([v], hypot(v, 4))(np.array([3.0, 0.0], dtype="float32"))
    assert h.dtype == np.float32 and h.tolist() == [5.0, 4.0]


def test_infer_shape_of_user_scalar_ops_does_not_compute_them():
    from graphlens.tensor.scalar_elemwise import ScalarElemwise
    from tests.tensor.op_checks import check_infer_shape
    rng = np.random.RandomState(4)
    check_infer_shape(lambda m: softsign(m), [rng.randn(3, 4)], ScalarElemwise)
    check_infer_shape(lambda r, m: T.Elemwise(scalar.Composite(*_axpb()))(r, m),
                      [rng.randn(1, 4), rng.randn(3, 4)], ScalarElemwise)


def test_theano_constructor_options_and_tensor_conversion():
    s = scalar.float64("s")
    assert T.as_tensor_variable(s).type == T.dscalar            # tensor_from_scalar, as Theano
    assert isinstance(T.as_tensor_variable(s).owner.op, scalar.TensorFromScalar)
    assert T.as_tensor_variable(scalar.constant(2.0)).data == 2.0   # a constant stays one
    op = T.Elemwise(Hypot(scalar.upgrade_to_float), nfunc_spec=("hypot", 2, 1), openmp=True)
    assert op.nfunc_spec == ("hypot", 2, 1) and dict(T.exp.inplace_pattern) == {}
    v = T.dvector("v")
    assert theano.function([v], op(v, v))(np.array([3.0])).tolist() == [np.hypot(3.0, 3.0)]
    assert theano.function([s], T.exp(s) * 2)(0.0).tolist() == 2.0     # a 0-d array: a tensor


def test_floats_and_ints_make_one_variable_per_letter_as_theano():
    x, y, z = scalar.floats("xyz")
    assert [v.name for v in (x, y, z)] == ["x", "y", "z"] and x.type == scalar.float64
    single = scalar.ints("n")
    assert single.type == scalar.int64 and single.name == "n"
    assert scalar.complexs("c").type == scalar.complex128


def test_div_proxy_divides_as_the_operator_does():
    a, b = scalar.int32("a"), scalar.int32("b")
    quotient = scalar.div_proxy(a, b)
    assert quotient.type == scalar.float64
    assert theano.function([a, b], quotient)(7, 2) == 3.5
    x, y = scalar.floats("xy")
    assert theano.function([x, y], scalar.mul(scalar.add(x, y), scalar.div_proxy(x, y)))(
        3.0, 2.0) == 7.5


def test_complex_remainder_raises_theanos_complex_error():
    from graphlens.errors import ComplexError
    assert scalar.ComplexError is ComplexError
    with pytest.raises(scalar.ComplexError, match="Mod .* not defined for complex"):
        scalar.complex64() % scalar.int32()
    with pytest.raises(NotImplementedError):
        T.cvector() % 2
    with pytest.raises(TypeError):          # graphlens's dtype errors are TypeErrors
        T.cvector() % 2
    with pytest.raises(scalar.ComplexError, match="not defined for complex"):
        scalar.upcast_out_no_complex(scalar.complex64, scalar.float32)


@pytest.mark.parametrize("openlow, openhi, expected", [
    (True, True, [False, False, True, False, False]),
    (False, False, [False, True, True, True, False]),
    (True, False, [False, False, True, True, False]),
])
def test_in_range_with_open_and_closed_bounds(openlow, openhi, expected):
    op = scalar.InRange(openlow, openhi)
    x, low, high = scalar.floats("xyz")
    f = theano.function([x, low, high], op(x, low, high))
    assert [bool(f(v, 1, 5)) for v in (0, 1, 2, 5, 6)] == expected
    # As an elementwise op on a vector, and equal ops for equal bounds.
    v = T.dvector("v")
    got = T.Elemwise(op)(v, 1.0, 5.0).eval({v: [0.0, 1.0, 2.0, 5.0, 6.0]})
    assert got.dtype == bool and got.tolist() == expected
    assert op == scalar.InRange(openlow, openhi) and op != scalar.InRange(not openlow, openhi)


def test_in_range_gradient_is_zero_everywhere_bounds_included():
    x, low, high = (T.fscalar(n) for n in "xlh")
    for op in (scalar.inopenrange, scalar.inclosedrange):
        out = T.Elemwise(op)(x, low, high)
        # A bool result: graphlens's gradient stops there, so x is not read (Theano's read it).
        grads = theano.function([x, low, high], theano.grad(out.sum(), [x, low, high]),
                                on_unused_input="ignore")
        # The op's own gradient, as a user's ScalarOp.grad is called: zeros of each input.
        own = theano.function([x, low, high], op.grad([x, low, high], [T.fscalar("g")]),
                              on_unused_input="ignore")
        for value in (0.0, 1.0, 2.0, 5.0, 6.0):
            assert [float(g) for g in grads(value, 1.0, 5.0)] == [0.0, 0.0, 0.0]
            assert [float(g) for g in own(value, 1.0, 5.0)] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("op, reference", [(scalar.deg2rad, np.deg2rad),
                                           (scalar.rad2deg, np.rad2deg)])
def test_angle_conversions_are_scalar_ops_in_a_float_dtype(op, reference):
    from graphlens.gradient import verify_grad
    xi, xf = scalar.int8("xi"), scalar.float32("xf")
    fi, ff = theano.function([xi], op(xi)), theano.function([xf], op(xf))
    for value in (-127, 0, 45, 127):
        # int8 goes to float32 (Theano's upgrade_to_float), as a float32 input does.
        assert fi(value).dtype == ff(value).dtype == np.float32
        np.testing.assert_allclose(fi(value), reference(np.float32(value)), rtol=1e-6)
    v = T.dvector("v")
    np.testing.assert_allclose(T.Elemwise(op)(v).eval({v: [30.0, -90.0]}),
                               reference([30.0, -90.0]))
    verify_grad(lambda a: T.Elemwise(op)(a), [np.array([0.3, -2.0, 10.0])],
                rng=np.random.default_rng(3))


def test_dual_linker_runs_the_graph_as_theanos_tests_call_it():
    from graphlens.gof import DualLinker, FunctionGraph
    x, y = scalar.floats("xy")
    fn = DualLinker().accept(FunctionGraph([x, y], [scalar.mul(x, scalar.add(x, y))])) \
        .make_function()
    assert fn(2.0, 3.0) == 10.0

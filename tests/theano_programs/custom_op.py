"""Theano 1.0's "Making your own Op" tutorial (python ops, __props__, itypes/otypes, as_op,
and its tests with unittest_tools), the word theano replaced by graphlens. Run by
tests/test_theano_programs.py; every value is checked."""
import unittest

import numpy
import graphlens as theano
from graphlens import gof
from graphlens.compile.ops import as_op
from graphlens.tests import unittest_tools as utt


class DoubleOp1(theano.Op):
    __props__ = ()

    def make_node(self, x):
        x = theano.tensor.as_tensor_variable(x)
        # Note: using x_.type() is dangerous, as it copies x's broadcasting behaviour
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        # R_op can receive None as eval_points.
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


doubleOp1 = DoubleOp1()
x = theano.tensor.matrix()
f = theano.function([x], doubleOp1(x))
inp = numpy.random.rand(5, 4)
out = f(inp)
assert numpy.allclose(inp * 2, out)
print(inp)
print(out)


class DoubleOp2(gof.Op):
    __props__ = ()
    itypes = [theano.tensor.dmatrix]
    otypes = [theano.tensor.dmatrix]

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


doubleOp2 = DoubleOp2()
x = theano.tensor.dmatrix()
f = theano.function([x], doubleOp2(x))
assert numpy.allclose(inp * 2, f(inp))


class AXPBOp(theano.Op):
    """This creates an Op that takes x to a*x+b."""
    __props__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b
        super(AXPBOp, self).__init__()

    def make_node(self, x):
        x = theano.tensor.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = self.a * x + self.b

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [self.a * output_grads[0]]


mult4plus5op = AXPBOp(4, 5)
another_mult4plus5op = AXPBOp(4, 5)
mult2plus3op = AXPBOp(2, 3)
assert mult4plus5op == another_mult4plus5op
assert mult4plus5op != mult2plus3op
x = theano.tensor.matrix()
f = theano.function([x], mult4plus5op(x))
g = theano.function([x], mult2plus3op(x))
inp = numpy.random.rand(5, 4).astype(numpy.float32)
assert numpy.allclose(4 * inp + 5, f(inp))
assert numpy.allclose(2 * inp + 3, g(inp))
assert str(mult4plus5op) == "AXPBOp{a=4, b=5}"
# Equal ops merge: the two applications become one node.
h = theano.function([x], mult4plus5op(x) + another_mult4plus5op(x))
assert sum(isinstance(n.op, AXPBOp) for n in h.maker.fgraph.toposort()) == 1
assert numpy.allclose(h(inp), 2 * (4 * inp + 5))


def infer_shape_numpy_dot(node, input_shapes):
    ashp, bshp = input_shapes
    return [ashp[:-1] + bshp[-1:]]


@as_op(itypes=[theano.tensor.fmatrix, theano.tensor.fmatrix],
       otypes=[theano.tensor.fmatrix], infer_shape=infer_shape_numpy_dot)
def numpy_dot(a, b):
    return numpy.dot(a, b)


a, b = theano.tensor.fmatrix(), theano.tensor.fmatrix()
assert numpy.allclose(theano.function([a, b], numpy_dot(a, b))(inp, inp.T), inp.dot(inp.T))


# The tutorial's tests.
class TestDoubleOp(utt.InferShapeTester):
    def setUp(self):
        super(TestDoubleOp, self).setUp()
        self.op_class = DoubleOp1
        self.op = DoubleOp1()

    def test_basic(self):
        x = theano.tensor.matrix()
        f = theano.function([x], self.op(x))
        inp = numpy.asarray(numpy.random.rand(5, 4), dtype=theano.config.floatX)
        out = f(inp)
        # Compare the result computed to the expected value.
        utt.assert_allclose(inp * 2, out)

    def test_infer_shape(self):
        x = theano.tensor.matrix()
        self._compile_and_check([x],  # theano.function inputs
                                [self.op(x)],  # theano.function outputs
                                # Always use not square matrix!
                                # inputs data
                                [numpy.asarray(numpy.random.rand(5, 4),
                                               dtype=theano.config.floatX)],
                                # Op that should be removed from the graph.
                                self.op_class)

    def test_grad(self):
        utt.verify_grad(self.op, [numpy.random.rand(5, 7, 2)])

    def test_rop(self):
        x, v = theano.tensor.dmatrix(), theano.tensor.dmatrix()
        jv = theano.function([x, v], theano.tensor.Rop(self.op(x), x, v),
                             on_unused_input="ignore")     # 2 v: x is not read
        assert numpy.allclose(jv(numpy.ones((2, 3)), numpy.ones((2, 3))), 2)


result = unittest.TextTestRunner(verbosity=0).run(
    unittest.defaultTestLoader.loadTestsFromTestCase(TestDoubleOp))
assert result.wasSuccessful() and result.testsRun == 4, result
print("custom op tutorial: every value as documented")

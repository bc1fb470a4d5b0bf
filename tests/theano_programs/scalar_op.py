"""A custom activation written as Theano's scalar ops are (theano.scalar.UnaryScalarOp with
impl, grad and an output-type rule, wrapped in theano.tensor.Elemwise), as Theano 1.0 programs
(and its own nnet.softsign) wrote them, the word theano replaced by graphlens; then a small MLP
trained with it by SGD. Run by tests/test_theano_programs.py; every value is checked."""
import numpy

import graphlens as theano
import graphlens.tensor as T
from graphlens import scalar
from graphlens.tensor.elemwise import Elemwise
from graphlens.tests import unittest_tools as utt


class ScalarSoftsign(theano.scalar.UnaryScalarOp):
    @staticmethod
    def static_impl(x):
        return x / (1.0 + abs(x))

    def impl(self, x):
        return ScalarSoftsign.static_impl(x)

    def grad(self, inp, grads):
        x, = inp
        gz, = grads
        if 'float' in x.type.dtype:
            d = (1.0 + abs(x))
            return [gz / (d * d)]
        else:
            return NotImplemented

    def c_code(self, node, name, inp, out, sub):
        x, = inp
        z, = out
        if node.inputs[0].type in [theano.scalar.float32, theano.scalar.float64]:
            return "%(z)s = %(x)s / (1.0+fabs(%(x)s));" % locals()
        raise NotImplementedError('only floating point x is implemented')


scalar_softsign = ScalarSoftsign(theano.scalar.upgrade_to_float, name='scalar_softsign')
softsign = Elemwise(scalar_softsign, name='softsign')

# A scalar Composite too: x * sigmoid(x) ("swish"), built from scalar variables.
s = scalar.float64('s')
swish = T.Elemwise(scalar.Composite([s], [s * scalar.sigmoid(s)]), name='swish')

# The ops behave as Theano's: types, node ops, printing.
x = T.matrix('x')
h = softsign(x)
assert h.type == x.type and isinstance(h.owner.op, T.Elemwise)
assert h.owner.op.scalar_op == scalar_softsign
assert isinstance(T.exp(x).owner.op.scalar_op, theano.scalar.Exp)
assert theano.pp(h) == "softsign(x)", theano.pp(h)
v = numpy.linspace(-3, 3, 7).reshape(1, 7)
assert numpy.allclose(theano.function([x], h)(v), v / (1 + abs(v)))
assert numpy.allclose(theano.function([x], swish(x))(v), v / (1 + numpy.exp(-v)))
rng = numpy.random.RandomState(23455)
utt.verify_grad(softsign, [rng.randn(4, 3)], rng=rng)
utt.verify_grad(swish, [rng.randn(4, 3)], rng=rng)

# A two-layer MLP with softsign hidden units, trained on XOR-like data by SGD.
n_in, n_hidden, n_out = 2, 8, 2
data = rng.uniform(-1, 1, size=(200, n_in))
labels = ((data[:, 0] * data[:, 1]) > 0).astype('int32')
W1 = theano.shared(rng.uniform(-1, 1, (n_in, n_hidden)), name='W1')
b1 = theano.shared(numpy.zeros(n_hidden), name='b1')
W2 = theano.shared(rng.uniform(-1, 1, (n_hidden, n_out)), name='W2')
b2 = theano.shared(numpy.zeros(n_out), name='b2')
y = T.ivector('y')
hidden = softsign(T.dot(x, W1) + b1)
p_y = T.nnet.softmax(T.dot(swish(hidden), W2) + b2)
cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
error = T.mean(T.neq(T.argmax(p_y, axis=1), y))
params = [W1, b1, W2, b2]
grads = T.grad(cost, params)
train = theano.function([x, y], cost, updates=[(p, p - 0.5 * g) for p, g in zip(params, grads)])
test = theano.function([x, y], error)

first = train(data, labels)
for epoch in range(300):
    last = train(data, labels)
print("cost %.4f -> %.4f, training error %.3f" % (first, last, test(data, labels)))
assert last < 0.5 * first, (first, last)
assert test(data, labels) < 0.15

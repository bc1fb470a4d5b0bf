"""A Theano tutorial program with the word theano replaced by graphlens, run unchanged
by tests/test_theano_programs.py (the promise: a Theano 1.0 program runs after the rename)."""
import os
OUT = os.environ.get("PROGRAM_OUT", ".")
import numpy
import graphlens
import graphlens.tensor as T
from graphlens.tensor.signal import pool
from graphlens.tensor.nnet import conv2d
from graphlens.tensor.shared_randomstreams import RandomStreams

class LeNetConvPoolLayer(object):
    def __init__(self, rng, input, filter_shape, image_shape, poolsize=(2, 2)):
        assert image_shape[1] == filter_shape[1]
        self.input = input
        fan_in = numpy.prod(filter_shape[1:])
        fan_out = (filter_shape[0] * numpy.prod(filter_shape[2:]) // numpy.prod(poolsize))
        W_bound = numpy.sqrt(6. / (fan_in + fan_out))
        self.W = graphlens.shared(numpy.asarray(rng.uniform(low=-W_bound, high=W_bound, size=filter_shape), dtype=graphlens.config.floatX), borrow=True)
        b_values = numpy.zeros((filter_shape[0],), dtype=graphlens.config.floatX)
        self.b = graphlens.shared(value=b_values, borrow=True)
        conv_out = conv2d(input=input, filters=self.W, filter_shape=filter_shape, input_shape=image_shape)
        pooled_out = pool.pool_2d(input=conv_out, ws=poolsize, ignore_border=True)
        self.output = T.tanh(pooled_out + self.b.dimshuffle('x', 0, 'x', 'x'))
        self.params = [self.W, self.b]

class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(rng.uniform(low=-numpy.sqrt(6. / (n_in + n_out)), high=numpy.sqrt(6. / (n_in + n_out)), size=(n_in, n_out)), dtype=graphlens.config.floatX)
            if activation == graphlens.tensor.nnet.sigmoid:
                W_values *= 4
            W = graphlens.shared(value=W_values, name='W', borrow=True)
        if b is None:
            b_values = numpy.zeros((n_out,), dtype=graphlens.config.floatX)
            b = graphlens.shared(value=b_values, name='b', borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = (lin_output if activation is None else activation(lin_output))
        self.params = [self.W, self.b]

class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = graphlens.shared(value=numpy.zeros((n_in, n_out), dtype=graphlens.config.floatX), name='W', borrow=True)
        self.b = graphlens.shared(value=numpy.zeros((n_out,), dtype=graphlens.config.floatX), name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])
    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))

rng = numpy.random.RandomState(23455)
batch_size = 20
nkerns = [4, 6]
data_x = graphlens.shared(numpy.asarray(rng.rand(100, 784), dtype=graphlens.config.floatX), borrow=True)
data_y = T.cast(graphlens.shared(numpy.asarray(rng.randint(0, 10, 100), dtype=graphlens.config.floatX)), 'int32')
index = T.lscalar()
x = T.matrix('x')
y = T.ivector('y')
srng = RandomStreams(rng.randint(999999))
layer0_input = x.reshape((batch_size, 1, 28, 28))
layer0 = LeNetConvPoolLayer(rng, input=layer0_input, image_shape=(batch_size, 1, 28, 28), filter_shape=(nkerns[0], 1, 5, 5), poolsize=(2, 2))
layer1 = LeNetConvPoolLayer(rng, input=layer0.output, image_shape=(batch_size, nkerns[0], 12, 12), filter_shape=(nkerns[1], nkerns[0], 5, 5), poolsize=(2, 2))
layer2_input = layer1.output.flatten(2)
mask = srng.binomial(n=1, p=0.5, size=layer2_input.shape, dtype=graphlens.config.floatX)
layer2 = HiddenLayer(rng, input=layer2_input * mask, n_in=nkerns[1] * 4 * 4, n_out=50, activation=T.tanh)
layer3 = LogisticRegression(input=layer2.output, n_in=50, n_out=10)
cost = layer3.negative_log_likelihood(y)
params = layer3.params + layer2.params + layer1.params + layer0.params
grads = T.grad(cost, params)
updates = [(param_i, param_i - 0.1 * grad_i) for param_i, grad_i in zip(params, grads)]
train_model = graphlens.function([index], cost, updates=updates,
    givens={x: data_x[index * batch_size: (index + 1) * batch_size], y: data_y[index * batch_size: (index + 1) * batch_size]})
c = [float(train_model(i % 5)) for i in range(30)]
print("costs", c[0], c[-1])
assert c[-1] < c[0]
print(graphlens.printing.debugprint(train_model, file='str').count('\n'), 'debugprint lines')
graphlens.printing.pydotprint(train_model, outfile=os.path.join(OUT, 'lenet.svg'), var_with_name_simple=True)

"""LeNet, as the convolutional-network tutorial writes it.

Two convolution + max-pooling layers (LeNetConvPoolLayer), a tanh hidden layer and a softmax
output, trained by gradient descent on mini-batches picked from shared data through `givens`.
Small here (4 and 8 filters of 5x5, 32 hidden units) and fed a synthetic digit set, so it draws
and trains in seconds.
"""

import numpy

import graphlens
import graphlens.tensor as T
from graphlens.tensor.nnet import conv2d
from graphlens.tensor.signal import pool

__graphlens__ = ["train_model"]
floatX = graphlens.config.floatX


class LogisticRegression(object):
    """Softmax output layer."""

    def __init__(self, input, n_in, n_out):
        self.W = graphlens.shared(numpy.zeros((n_in, n_out), dtype=floatX), name="W",
                                  borrow=True)
        self.b = graphlens.shared(numpy.zeros((n_out,), dtype=floatX), name="b", borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


class HiddenLayer(object):
    """A fully connected layer with a tanh activation."""

    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            bound = numpy.sqrt(6. / (n_in + n_out))
            W_values = numpy.asarray(rng.uniform(low=-bound, high=bound, size=(n_in, n_out)),
                                     dtype=floatX)
            W = graphlens.shared(value=W_values, name="W", borrow=True)
        if b is None:
            b = graphlens.shared(value=numpy.zeros((n_out,), dtype=floatX), name="b",
                                 borrow=True)
        self.W, self.b = W, b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


class LeNetConvPoolLayer(object):
    """A convolution layer followed by max pooling, then tanh of the biased result."""

    def __init__(self, rng, input, filter_shape, image_shape, poolsize=(2, 2)):
        assert image_shape[1] == filter_shape[1]
        self.input = input
        fan_in = numpy.prod(filter_shape[1:])
        fan_out = filter_shape[0] * numpy.prod(filter_shape[2:]) // numpy.prod(poolsize)
        W_bound = numpy.sqrt(6. / (fan_in + fan_out))
        self.W = graphlens.shared(
            numpy.asarray(rng.uniform(low=-W_bound, high=W_bound, size=filter_shape),
                          dtype=floatX), borrow=True)
        b_values = numpy.zeros((filter_shape[0],), dtype=floatX)
        self.b = graphlens.shared(value=b_values, borrow=True)
        conv_out = conv2d(input=input, filters=self.W, filter_shape=filter_shape,
                          input_shape=image_shape)
        pooled_out = pool.pool_2d(input=conv_out, ws=poolsize, ignore_border=True)
        self.output = T.tanh(pooled_out + self.b.dimshuffle('x', 0, 'x', 'x'))
        self.params = [self.W, self.b]


def synthetic_digits(rng, n, noise=0.35):
    """n 28x28 images of 10 classes (each a fixed blocky template plus noise) and labels."""
    templates = numpy.kron(rng.random((10, 7, 7)) < 0.35, numpy.ones((4, 4)))
    labels = rng.integers(0, 10, size=n).astype("int32")
    images = templates[labels] + noise * rng.standard_normal((n, 28, 28))
    return images.reshape(n, 784).astype(floatX), labels


rng = numpy.random.RandomState(23455)
data_rng = numpy.random.default_rng(0)
batch_size, nkerns, n_hidden, learning_rate = 20, (4, 8), 32, 0.1
train_x, train_y = synthetic_digits(data_rng, 200)
train_set_x = graphlens.shared(train_x, borrow=True)
train_set_y = graphlens.shared(train_y, borrow=True)
n_train_batches = train_x.shape[0] // batch_size

index = T.lscalar()
x = T.matrix('x')
y = T.ivector('y')

layer0_input = x.reshape((batch_size, 1, 28, 28))
layer0 = LeNetConvPoolLayer(rng, input=layer0_input, image_shape=(batch_size, 1, 28, 28),
                            filter_shape=(nkerns[0], 1, 5, 5), poolsize=(2, 2))
layer1 = LeNetConvPoolLayer(rng, input=layer0.output,
                            image_shape=(batch_size, nkerns[0], 12, 12),
                            filter_shape=(nkerns[1], nkerns[0], 5, 5), poolsize=(2, 2))
layer2_input = layer1.output.flatten(2)
layer2 = HiddenLayer(rng, input=layer2_input, n_in=nkerns[1] * 4 * 4, n_out=n_hidden,
                     activation=T.tanh)
layer3 = LogisticRegression(input=layer2.output, n_in=n_hidden, n_out=10)

# The tutorial leaves most parameters unnamed; names let the pictures tell them apart.
for number, layer in enumerate([layer0, layer1, layer2, layer3]):
    layer.W.name, layer.b.name = f"W{number}", f"b{number}"

cost = layer3.negative_log_likelihood(y)
params = layer3.params + layer2.params + layer1.params + layer0.params
grads = T.grad(cost, params)
updates = [(param_i, param_i - learning_rate * grad_i) for param_i, grad_i in zip(params, grads)]

batch = slice(index * batch_size, (index + 1) * batch_size)
train_model = graphlens.function([index], cost, updates=updates,
                                 givens={x: train_set_x[batch], y: train_set_y[batch]})
test_model = graphlens.function([index], layer3.errors(y),
                                givens={x: train_set_x[batch], y: train_set_y[batch]})

if __name__ == "__main__":
    for epoch in range(5):
        losses = [float(train_model(i)) for i in range(n_train_batches)]
        errors = [float(test_model(i)) for i in range(n_train_batches)]
        print(f"epoch {epoch}: loss {numpy.mean(losses):.3f}, error {numpy.mean(errors):.2f}")

"""A deep perceptron: 8 tanh hidden layers and a softmax output, as the MLP tutorial writes them.

`HiddenLayer` and `LogisticRegression` are the tutorial's classes; stacking eight hidden layers
makes a training function of a few hundred ops with its gradient. Its picture is drawn folded:
one box per layer call (`HiddenLayer`, `HiddenLayer_2`, ... inferred from the class that built
the ops), the seven identical middle layers once as `HiddenLayer ×7`, each layer's gradient and
parameter step inside its box. `graphlens show gallery/deep_mlp.py --expand HiddenLayer_2`
opens one layer; `--expand all` draws every op. Set N_LAYERS (environment) to try deeper ones.
"""

import os

import numpy

import graphlens
import graphlens.tensor as T

__graphlens__ = ["train_model"]
floatX = graphlens.config.floatX


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


class LogisticRegression(object):
    """Softmax output layer."""

    def __init__(self, input, n_in, n_out):
        self.W = graphlens.shared(numpy.zeros((n_in, n_out), dtype=floatX), name="W",
                                  borrow=True)
        self.b = graphlens.shared(numpy.zeros((n_out,), dtype=floatX), name="b", borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])


n_layers = int(os.environ.get("N_LAYERS", "8"))
n_in, n_hidden, n_out = 20, 16, 3
rng = numpy.random.RandomState(1234)

x = T.matrix("x")
y = T.ivector("y")
layers = []
layer_input, layer_size = x, n_in
for _ in range(n_layers):
    layer = HiddenLayer(rng, layer_input, layer_size, n_hidden)
    layers.append(layer)
    layer_input, layer_size = layer.output, n_hidden
output_layer = LogisticRegression(layer_input, n_hidden, n_out)

params = [p for layer in layers + [output_layer] for p in layer.params]
cost = output_layer.negative_log_likelihood(y)
grads = T.grad(cost, params)
learning_rate = 0.1
train_model = graphlens.function(
    [x, y], cost, updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
    name="train_model")

data_x = rng.standard_normal((100, n_in)).astype(floatX)
data_y = numpy.argmax(data_x[:, :n_out], axis=1).astype("int32")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    for step in range(100):
        loss = train_model(data_x, data_y)
    print(f"{n_layers} hidden layers: loss {float(loss):.3f}")

"""A denoising autoencoder, as in the Theano dA tutorial: the input corrupted by a random mask.

`train` draws a fresh binomial mask on every call (the violet hexagon: a random draw, its
stream's state a shared variable with a dashed update like the weights'), zeroes 30% of the
input with it, encodes with tied weights (W, then W.T) and learns to reconstruct the clean
input under cross-entropy. The mask is a constant to `grad`: the gradient reaches W, b and
b_prime through the product `mask * x`.

Written the way the tutorial writes it (a `dA` class with `get_corrupted_input`,
`get_hidden_values`, `get_reconstructed_input`, `get_cost_updates`), on a small synthetic set
of noisy bar images instead of MNIST. Run it to see the loss fall.
"""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams


class dA(object):  # noqa: N801  (the tutorial's name)
    """Tied-weight autoencoder whose input is corrupted by a binomial mask before encoding."""

    def __init__(self, numpy_rng, theano_rng=None, input=None, n_visible=36, n_hidden=12,
                 W=None, bhid=None, bvis=None):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if theano_rng is None:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        if W is None:
            bound = 4 * np.sqrt(6. / (n_hidden + n_visible))
            initial_W = np.asarray(numpy_rng.uniform(low=-bound, high=bound,
                                                     size=(n_visible, n_hidden)),
                                   dtype=graphlens.config.floatX)
            W = graphlens.shared(value=initial_W, name='W', borrow=True)
        if bvis is None:
            bvis = graphlens.shared(value=np.zeros(n_visible, dtype=graphlens.config.floatX),
                                    name='b_prime', borrow=True)
        if bhid is None:
            bhid = graphlens.shared(value=np.zeros(n_hidden, dtype=graphlens.config.floatX),
                                    name='b', borrow=True)
        self.W = W
        self.b = bhid
        self.b_prime = bvis
        self.W_prime = self.W.T           # tied weights: the decoder is the encoder transposed
        self.theano_rng = theano_rng
        self.x = T.dmatrix(name='input') if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        """Keep each entry with probability 1 - corruption_level, zero the others."""
        return self.theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level,
                                        dtype=graphlens.config.floatX) * input

    def get_hidden_values(self, input):
        """The code of the (corrupted) input."""
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        """The input reconstructed from its code."""
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        """The mean cross-entropy of the reconstruction, and one step of gradient descent."""
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = -T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [(param, param - learning_rate * gparam)
                   for param, gparam in zip(self.params, gparams)]
        return (cost, updates)


# A synthetic stand-in for MNIST: 6x6 images of one horizontal and one vertical bar, with noise.
data_rng = np.random.RandomState(0)
n_examples, side, batch_size = 200, 6, 20
rows = np.eye(side)[data_rng.randint(side, size=n_examples)]
cols = np.eye(side)[data_rng.randint(side, size=n_examples)]
images = np.maximum(rows[:, :, None], cols[:, None, :]).reshape(n_examples, side * side)
images = np.clip(images + 0.1 * data_rng.rand(n_examples, side * side), 0, 1)
train_set_x = graphlens.shared(np.asarray(images, dtype=graphlens.config.floatX),
                               name='train_set_x', borrow=True)

index = T.lscalar('index')
x = T.matrix('x')
rng = np.random.RandomState(123)
theano_rng = RandomStreams(rng.randint(2 ** 30))
da = dA(numpy_rng=rng, theano_rng=theano_rng, input=x, n_visible=side * side, n_hidden=12)
cost, updates = da.get_cost_updates(corruption_level=0.3, learning_rate=0.1)
params = da.params

train = graphlens.function([index], cost, updates=updates,
                           givens={x: train_set_x[index * batch_size:(index + 1) * batch_size]},
                           name="train")
example_inputs = {x: images[:batch_size]}

if __name__ == "__main__":
    n_batches = n_examples // batch_size
    for epoch in range(30):
        loss = np.mean([train(batch) for batch in range(n_batches)])
        if epoch in (0, 29):
            print(f"epoch {epoch}: mean reconstruction cost {loss:.3f}")

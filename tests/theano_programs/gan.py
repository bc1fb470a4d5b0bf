"""A generative adversarial network in the style of the Theano GAN code of 2015-2016 (DCGAN's
Theano port, its dense variant): a generator and a discriminator, each an MLP with batch
normalisation (`T.nnet.bn.batch_normalization_train`, Theano 1.0) and leaky rectifiers
(`T.nnet.relu(x, alpha)`), binary cross-entropy costs, two Adam updaters over two disjoint
parameter sets, noise drawn from a RandomStreams in the function, the word theano replaced by
graphlens. Target: a 1-d Gaussian N(3, 0.5^2); the generator must move its samples there.
Run by tests/test_theano_programs.py."""
from collections import OrderedDict

import numpy as np
import graphlens as theano
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams

floatX = theano.config.floatX
rng = np.random.RandomState(3)
srng = RandomStreams(seed=11)
batch, n_noise, n_hidden = 128, 4, 32


def dense(n_in, n_out, name):
    W = theano.shared((rng.randn(n_in, n_out) * np.sqrt(2.0 / n_in)).astype(floatX),
                      name=name + "_W")
    b = theano.shared(np.zeros(n_out, dtype=floatX), name=name + "_b")
    return W, b


def bn_params(n, name):
    return (theano.shared(np.ones(n, dtype=floatX), name=name + "_gamma"),
            theano.shared(np.zeros(n, dtype=floatX), name=name + "_beta"))


gW1, gb1 = dense(n_noise, n_hidden, "g1")
g_gamma, g_beta = bn_params(n_hidden, "g1")
gW2, gb2 = dense(n_hidden, 1, "g2")
dW1, db1 = dense(1, n_hidden, "d1")
dW2, db2 = dense(n_hidden, n_hidden, "d2")
dW3, db3 = dense(n_hidden, 1, "d3")
g_params = [gW1, gb1, g_gamma, g_beta, gW2, gb2]
d_params = [dW1, db1, dW2, db2, dW3, db3]


def generator(Z):
    h = T.dot(Z, gW1) + gb1
    h, _, _ = T.nnet.bn.batch_normalization_train(h, g_gamma, g_beta, axes=(0,))
    h = T.nnet.relu(h, 0.2)
    return T.dot(h, gW2) + gb2


def discriminator(X):
    h = T.nnet.relu(T.dot(X, dW1) + db1, 0.2)
    h = T.nnet.relu(T.dot(h, dW2) + db2, 0.2)
    return T.nnet.sigmoid(T.dot(h, dW3) + db3)


def bce(p, target):
    return T.nnet.binary_crossentropy(T.clip(p, 1e-7, 1 - 1e-7), target).mean()


def adam(params, cost, lr=0.002, b1=0.5, b2=0.999, e=1e-8):
    updates = OrderedDict()
    t = theano.shared(np.asarray(1.0, dtype=floatX))
    for p, g in zip(params, T.grad(cost, params)):
        m = theano.shared(np.zeros_like(p.get_value()))
        v = theano.shared(np.zeros_like(p.get_value()))
        m_t = b1 * m + (1 - b1) * g
        v_t = b2 * v + (1 - b2) * g ** 2
        m_hat = m_t / (1 - b1 ** t)
        v_hat = v_t / (1 - b2 ** t)
        updates[m], updates[v] = m_t, v_t
        updates[p] = p - lr * m_hat / (T.sqrt(v_hat) + e)
    updates[t] = t + 1
    return updates


X = T.matrix("X")
Z = srng.uniform((batch, n_noise), -1.0, 1.0, dtype=floatX)
generated = generator(Z)
p_real = discriminator(X)
p_gen = discriminator(generated)
d_cost = bce(p_real, T.ones_like(p_real)) + bce(p_gen, T.zeros_like(p_gen))
g_cost = bce(p_gen, T.ones_like(p_gen))

train_d = theano.function([X], d_cost, updates=adam(d_params, d_cost))
train_g = theano.function([], g_cost, updates=adam(g_params, g_cost))
sample = theano.function([], generated)

before = sample()
for step in range(600):
    real = (3.0 + 0.5 * rng.randn(batch, 1)).astype(floatX)
    dc = train_d(real)
    gc = train_g()
    assert np.isfinite(dc) and np.isfinite(gc), (step, dc, gc)
after = np.concatenate([sample() for _ in range(8)])
print("generated mean %.2f -> %.2f, std %.2f" % (before.mean(), after.mean(), after.std()))
assert abs(before.mean() - 3.0) > 1.5, before.mean()
assert abs(after.mean() - 3.0) < 0.4, after.mean()
assert 0.1 < after.std() < 1.5, after.std()

# The generator's update leaves the discriminator alone, and the other way round.
d_before = [p.get_value().copy() for p in d_params]
train_g()
assert all(np.array_equal(a, p.get_value()) for a, p in zip(d_before, d_params))
g_before = [p.get_value().copy() for p in g_params]
train_d((3.0 + 0.5 * rng.randn(batch, 1)).astype(floatX))
assert all(np.array_equal(a, p.get_value()) for a, p in zip(g_before, g_params))

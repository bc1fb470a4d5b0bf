"""A variational autoencoder as Theano users wrote it in 2015-2016 (the reparameterisation trick
with MRG_RandomStreams, softplus, a KL term in closed form, Adam written out with shared
moments, minibatches taken from a shared dataset by `givens` and a symbolic index), the word
theano replaced by graphlens. Synthetic data: binary images drawn from four prototypes, so a
2-d latent code can tell them apart. Run by tests/test_theano_programs.py."""
from collections import OrderedDict

import numpy as np
import graphlens as theano
import graphlens.tensor as T
from graphlens.sandbox.rng_mrg import MRG_RandomStreams

floatX = theano.config.floatX
rng = np.random.RandomState(1234)
srng = MRG_RandomStreams(seed=1234)

n_in, n_hidden, n_latent, batch_size = 64, 48, 2, 50
prototypes = (rng.uniform(size=(4, n_in)) < 0.5)
labels = rng.randint(4, size=2000)
flips = rng.uniform(size=(2000, n_in)) < 0.05
data = np.logical_xor(prototypes[labels], flips).astype(floatX)
train_set = theano.shared(data[:1600], name="train_set", borrow=True)
valid_set = theano.shared(data[1600:], name="valid_set", borrow=True)


def init_weights(n_from, n_to, name):
    bound = np.sqrt(6.0 / (n_from + n_to))
    W = rng.uniform(-bound, bound, size=(n_from, n_to)).astype(floatX)
    return theano.shared(W, name="W_" + name), theano.shared(np.zeros(n_to, dtype=floatX),
                                                             name="b_" + name)


W_enc, b_enc = init_weights(n_in, n_hidden, "enc")
W_mu, b_mu = init_weights(n_hidden, n_latent, "mu")
W_logvar, b_logvar = init_weights(n_hidden, n_latent, "logvar")
W_dec, b_dec = init_weights(n_latent, n_hidden, "dec")
W_out, b_out = init_weights(n_hidden, n_in, "out")
params = [W_enc, b_enc, W_mu, b_mu, W_logvar, b_logvar, W_dec, b_dec, W_out, b_out]


def encoder(x):
    h = T.nnet.softplus(T.dot(x, W_enc) + b_enc)
    return T.dot(h, W_mu) + b_mu, T.dot(h, W_logvar) + b_logvar


def sampler(mu, log_sigma_sq):
    eps = srng.normal(mu.shape, dtype=floatX)
    return mu + T.exp(0.5 * log_sigma_sq) * eps


def decoder(z):
    h = T.nnet.softplus(T.dot(z, W_dec) + b_dec)
    return T.nnet.sigmoid(T.dot(h, W_out) + b_out)


x = T.matrix("x")
mu, log_sigma_sq = encoder(x)
z = sampler(mu, log_sigma_sq)
reconstructed = decoder(z)
# Clipped, as the usual VAE code did, so a saturated sigmoid gives no log(0).
reconstructed = T.clip(reconstructed, 1e-6, 1 - 1e-6)
log_likelihood = -T.nnet.binary_crossentropy(reconstructed, x).sum(axis=1)
kl = -0.5 * T.sum(1 + log_sigma_sq - T.sqr(mu) - T.exp(log_sigma_sq), axis=1)
lower_bound = T.mean(log_likelihood - kl)
cost = -lower_bound


def adam(cost, params, learning_rate=0.01, b1=0.9, b2=0.999, e=1e-8):
    updates = OrderedDict()
    grads = T.grad(cost, params)
    t = theano.shared(np.asarray(0.0, dtype=floatX), name="t")
    t_new = t + 1
    fix1 = 1.0 - b1 ** t_new
    fix2 = 1.0 - b2 ** t_new
    lr_t = learning_rate * T.sqrt(fix2) / fix1
    for p, g in zip(params, grads):
        m = theano.shared(p.get_value() * 0.0)
        v = theano.shared(p.get_value() * 0.0)
        m_t = b1 * m + (1 - b1) * g
        v_t = b2 * v + (1 - b2) * T.sqr(g)
        updates[m] = m_t
        updates[v] = v_t
        updates[p] = p - lr_t * m_t / (T.sqrt(v_t) + e)
    updates[t] = t_new
    return updates


index = T.lscalar("index")
train = theano.function(
    [index], lower_bound, updates=adam(cost, params),
    givens={x: train_set[index * batch_size:(index + 1) * batch_size]})
validate = theano.function([], lower_bound, givens={x: valid_set})
encode = theano.function([x], mu)

n_batches = train_set.get_value(borrow=True).shape[0] // batch_size
start = validate()
history = []
for epoch in range(30):
    history.append(np.mean([train(i) for i in range(n_batches)]))
end = validate()
print("validation lower bound: %.2f -> %.2f" % (start, end))
assert np.isfinite(history).all()
assert end > start + 15, (start, end)

# The codes of the four prototypes sit apart: each class's mean code is nearer its own
# members than the other classes' means are.
codes = encode(data[1600:])
valid_labels = labels[1600:]
means = np.array([codes[valid_labels == k].mean(axis=0) for k in range(4)])
nearest = np.argmin(((codes[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
accuracy = np.mean(nearest == valid_labels)
print("latent nearest-mean accuracy: %.2f" % accuracy)
assert accuracy > 0.9, accuracy

# The stream moved on: two evaluations of the lower bound differ (new noise each call), and
# the mean code does not depend on the noise at all.
assert validate() != validate()
np.testing.assert_array_equal(encode(data[:5]), encode(data[:5]))

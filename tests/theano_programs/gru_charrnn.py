"""A character-level GRU language model as Theano users wrote one (char-rnn ports of 2015-2016),
the word theano replaced by graphlens: an embedding read by integer indexing, a scan over time
with the GRU's gates, `theano.gradient.grad_clip` on the hidden state, gradient-norm clipping
by hand, RMSprop, `T.nnet.categorical_crossentropy` of a 3-d softmax reshaped to 2-d, a
sampling function whose step draws the next character with `srng.multinomial` inside a second
scan, and the parameters saved and loaded with pickle. Text: a repeating phrase, so the model
must learn it nearly exactly. Run by tests/test_theano_programs.py."""
import os
import pickle
from collections import OrderedDict

import numpy as np
import graphlens as theano
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams

floatX = theano.config.floatX
text = "the quick brown fox jumps over the lazy dog. " * 30
chars = sorted(set(text))
char_to_ix = {c: i for i, c in enumerate(chars)}
vocab, n_hidden, n_embed, seq_len = len(chars), 48, 16, 25
data = np.array([char_to_ix[c] for c in text], dtype="int32")
rng = np.random.RandomState(42)


def shared_normal(shape, name, scale=0.1):
    return theano.shared((scale * rng.randn(*shape)).astype(floatX), name=name)


E = shared_normal((vocab, n_embed), "E")
W_z, W_r, W_h = (shared_normal((n_embed, n_hidden), n) for n in ("W_z", "W_r", "W_h"))
U_z, U_r, U_h = (shared_normal((n_hidden, n_hidden), n) for n in ("U_z", "U_r", "U_h"))
b_z, b_r, b_h = (theano.shared(np.zeros(n_hidden, dtype=floatX), name=n)
                 for n in ("b_z", "b_r", "b_h"))
V = shared_normal((n_hidden, vocab), "V")
c = theano.shared(np.zeros(vocab, dtype=floatX), name="c")
params = [E, W_z, W_r, W_h, U_z, U_r, U_h, b_z, b_r, b_h, V, c]


def gru_step(x_t, h_tm1):
    z = T.nnet.sigmoid(T.dot(x_t, W_z) + T.dot(h_tm1, U_z) + b_z)
    r = T.nnet.sigmoid(T.dot(x_t, W_r) + T.dot(h_tm1, U_r) + b_r)
    h_tilde = T.tanh(T.dot(x_t, W_h) + T.dot(r * h_tm1, U_h) + b_h)
    h_t = (1 - z) * h_tm1 + z * h_tilde
    return theano.gradient.grad_clip(h_t, -5, 5)


X = T.imatrix("X")          # (time, batch) character indices
Y = T.imatrix("Y")          # the next characters
h0 = T.matrix("h0")
embedded = E[X]             # (time, batch, n_embed)
hs, _ = theano.scan(gru_step, sequences=embedded, outputs_info=h0)
logits = T.dot(hs, V) + c   # (time, batch, vocab)
probs = T.nnet.softmax(logits.reshape((-1, vocab)))
cost = T.nnet.categorical_crossentropy(probs, Y.flatten()).mean()

grads = T.grad(cost, params)
norm = T.sqrt(sum(T.sum(g ** 2) for g in grads))
grads = [T.switch(norm > 5.0, g * 5.0 / norm, g) for g in grads]


def rmsprop(params, grads, lr=0.01, rho=0.9, eps=1e-6):
    updates = OrderedDict()
    for p, g in zip(params, grads):
        acc = theano.shared(np.zeros(p.get_value().shape, dtype=floatX))
        acc_new = rho * acc + (1 - rho) * g ** 2
        updates[acc] = acc_new
        updates[p] = p - lr * g / T.sqrt(acc_new + eps)
    return updates


train = theano.function([X, Y, h0], [cost, hs[-1]], updates=rmsprop(params, grads))

# Sampling: each step feeds back the character it drew.
srng = RandomStreams(seed=7)
first = T.iscalar("first")
n_chars = T.iscalar("n_chars")


def sample_step(ix_tm1, h_tm1):
    h_t = gru_step(E[ix_tm1].dimshuffle("x", 0), h_tm1)
    p = T.nnet.softmax(T.dot(h_t, V) + c)
    ix_t = T.argmax(srng.multinomial(pvals=p), axis=1)[0].astype("int32")
    return ix_t, h_t


(sampled, _), sample_updates = theano.scan(
    sample_step, outputs_info=[first, T.zeros((1, n_hidden), dtype=floatX)], n_steps=n_chars)
sample = theano.function([first, n_chars], sampled, updates=sample_updates)

batch = 8
starts = np.arange(batch) * (len(data) // batch)
h = np.zeros((batch, n_hidden), dtype=floatX)
costs = []
position = 0
for iteration in range(100):
    if position + seq_len + 1 >= len(data) // batch:
        position = 0
        h = np.zeros((batch, n_hidden), dtype=floatX)
    idx = starts[None, :] + position + np.arange(seq_len)[:, None]
    loss, h = train(data[idx], data[idx + 1], h)
    costs.append(float(loss))
    position += seq_len
print("cost: %.3f -> %.3f" % (costs[0], np.mean(costs[-10:])))
assert costs[0] > 2.5 and np.mean(costs[-10:]) < 0.6, (costs[0], costs[-10:])

drawn = "".join(chars[i] for i in sample(char_to_ix["t"], 60))
print("sample: t" + drawn)
# Mostly the phrase: most of the sampled bigrams occur in the training text.
text_bigrams = {text[i:i + 2] for i in range(len(text) - 1)}
sampled_text = "t" + drawn
known = np.mean([sampled_text[i:i + 2] in text_bigrams for i in range(len(sampled_text) - 1)])
assert known > 0.9, sampled_text

# A second sample (the stream moved on) is again int32 indices into the vocabulary.
again = sample(char_to_ix["t"], 60)
assert again.dtype == np.int32 and again.max() < vocab and again.min() >= 0

path = os.path.join(os.environ.get("PROGRAM_OUT", "."), "gru.pkl")
with open(path, "wb") as f:
    pickle.dump([p.get_value() for p in params], f, protocol=pickle.HIGHEST_PROTOCOL)
with open(path, "rb") as f:
    for p, value in zip(params, pickle.load(f)):
        p.set_value(value)
loss_after_load, _ = theano.function([X, Y, h0], [cost, hs[-1]])(data[idx], data[idx + 1], h)
assert np.isfinite(loss_after_load) and loss_after_load < 1.0, loss_after_load

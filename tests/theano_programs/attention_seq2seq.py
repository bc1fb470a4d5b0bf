"""An encoder-decoder with attention, as Theano users wrote one (Bahdanau-style NMT code of
2015-2016, dl4mt's shape conventions: time-major (time, batch, features) tensors and masks), the
word theano replaced by graphlens: a GRU encoder scanned over the source with a mask, a decoder
whose scan step attends over every encoder state (a softmax over source positions, masked,
through `dimshuffle`s), teacher forcing, `T.nnet.categorical_crossentropy` on the flattened
outputs, Adam written out with shared moments, gradient clipping by norm, and greedy
decoding by a second scan with `T.argmax`. Task: reverse a sequence of digits. Run by
tests/test_theano_programs.py."""
from collections import OrderedDict

import numpy as np
import graphlens as theano
import graphlens.tensor as T

floatX = theano.config.floatX
rng = np.random.RandomState(5)
vocab, n_embed, n_hidden, n_att = 8, 12, 24, 16      # token 0 is the end/padding token


def param(shape, name, scale=0.2):
    return theano.shared((scale * rng.randn(*shape)).astype(floatX), name=name)


def zeros(n, name):
    return theano.shared(np.zeros(n, dtype=floatX), name=name)


E_src, E_tgt = param((vocab, n_embed), "E_src"), param((vocab, n_embed), "E_tgt")
We, Ue, be = param((n_embed, 2 * n_hidden), "We"), param((n_hidden, 2 * n_hidden), "Ue"), \
    zeros(2 * n_hidden, "be")
Wxe, Uxe, bxe = param((n_embed, n_hidden), "Wxe"), param((n_hidden, n_hidden), "Uxe"), \
    zeros(n_hidden, "bxe")
Wd, Ud, Cd, bd = (param((n_embed, 2 * n_hidden), "Wd"), param((n_hidden, 2 * n_hidden), "Ud"),
                  param((n_hidden, 2 * n_hidden), "Cd"), zeros(2 * n_hidden, "bd"))
Wxd, Uxd, Cxd, bxd = (param((n_embed, n_hidden), "Wxd"), param((n_hidden, n_hidden), "Uxd"),
                      param((n_hidden, n_hidden), "Cxd"), zeros(n_hidden, "bxd"))
Wa_ctx, Wa_dec, va = param((n_hidden, n_att), "Wa_ctx"), param((n_hidden, n_att), "Wa_dec"), \
    param((n_att,), "va")
Wo, Co, bo = param((n_hidden, vocab), "Wo"), param((n_hidden, vocab), "Co"), zeros(vocab, "bo")
params = [E_src, E_tgt, We, Ue, be, Wxe, Uxe, bxe, Wd, Ud, Cd, bd, Wxd, Uxd, Cxd, bxd,
          Wa_ctx, Wa_dec, va, Wo, Co, bo]


def _slice(x, n):
    return x[:, n * n_hidden:(n + 1) * n_hidden]


def encoder_step(m, x_gates, x_cand, h):
    gates = T.nnet.sigmoid(x_gates + T.dot(h, Ue))
    r, u = _slice(gates, 0), _slice(gates, 1)
    cand = T.tanh(x_cand + r * T.dot(h, Uxe))
    new_h = u * h + (1.0 - u) * cand
    return m[:, None] * new_h + (1.0 - m)[:, None] * h


def attend(h, ctx, ctx_proj, ctx_mask):
    energy = T.dot(T.tanh(ctx_proj + T.dot(h, Wa_dec)[None, :, :]), va)      # (src, batch)
    energy = energy - energy.max(axis=0, keepdims=True)
    alpha = T.exp(energy) * ctx_mask
    alpha = alpha / alpha.sum(axis=0, keepdims=True)
    return (ctx * alpha[:, :, None]).sum(axis=0), alpha


def decoder_step(y_emb, h, ctx, ctx_proj, ctx_mask):
    c, _ = attend(h, ctx, ctx_proj, ctx_mask)
    gates = T.nnet.sigmoid(T.dot(y_emb, Wd) + T.dot(h, Ud) + T.dot(c, Cd) + bd)
    r, u = _slice(gates, 0), _slice(gates, 1)
    cand = T.tanh(T.dot(y_emb, Wxd) + r * T.dot(h, Uxd) + T.dot(c, Cxd) + bxd)
    new_h = u * h + (1.0 - u) * cand
    return new_h, c


def encode(x, x_mask):
    emb = E_src[x]                                                     # (src, batch, embed)
    batch = x.shape[1]
    hs, _ = theano.scan(encoder_step,
                        sequences=[x_mask, T.dot(emb, We) + be, T.dot(emb, Wxe) + bxe],
                        outputs_info=T.alloc(np.asarray(0.0, dtype=floatX), batch, n_hidden))
    return hs, T.dot(hs, Wa_ctx)


x = T.lmatrix("x")
x_mask = T.matrix("x_mask")
y = T.lmatrix("y")
y_mask = T.matrix("y_mask")
ctx, ctx_proj = encode(x, x_mask)
h0 = T.tanh((ctx * x_mask[:, :, None]).sum(axis=0) / x_mask.sum(axis=0)[:, None])
# Teacher forcing: the decoder reads the previous target token (0 before the first).
y_prev = T.concatenate([T.zeros_like(y[:1]), y[:-1]], axis=0)
(hs, cs), _ = theano.scan(lambda e, h: decoder_step(e, h, ctx, ctx_proj, x_mask),
                          sequences=E_tgt[y_prev], outputs_info=[h0, None])
logits = T.dot(hs, Wo) + T.dot(cs, Co) + bo                             # (tgt, batch, vocab)
probs = T.nnet.softmax(logits.reshape((-1, vocab)))
nll = T.nnet.categorical_crossentropy(probs, y.flatten())
cost = (nll * y_mask.flatten()).sum() / y_mask.sum()

grads = T.grad(cost, params)
norm = T.sqrt(sum((g ** 2).sum() for g in grads))
grads = [T.switch(T.gt(norm, 1.0), g / norm, g) for g in grads]


def adam(params, grads, lr=0.02, b1=0.9, b2=0.999, eps=1e-8):
    updates = OrderedDict()
    t = theano.shared(np.asarray(0.0, dtype=floatX), name="t")
    t_new = t + 1
    lr_t = lr * T.sqrt(1 - b2 ** t_new) / (1 - b1 ** t_new)
    for p, g in zip(params, grads):
        m = theano.shared(p.get_value() * 0.0)
        v = theano.shared(p.get_value() * 0.0)
        m_t, v_t = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g ** 2
        updates[m], updates[v] = m_t, v_t
        updates[p] = p - lr_t * m_t / (T.sqrt(v_t) + eps)
    updates[t] = t_new
    return updates


train = theano.function([x, x_mask, y, y_mask], cost, updates=adam(params, grads))

# Greedy decoding: each step feeds back its own argmax.
n_steps = T.iscalar("n_steps")


def greedy_step(prev, h, ctx, ctx_proj, ctx_mask):
    new_h, c = decoder_step(E_tgt[prev], h, ctx, ctx_proj, ctx_mask)
    out = T.argmax(T.dot(new_h, Wo) + T.dot(c, Co) + bo, axis=1)
    return out, new_h


(tokens, _), _ = theano.scan(greedy_step,
                             outputs_info=[T.zeros_like(x[0]), h0],
                             non_sequences=[ctx, ctx_proj, x_mask], n_steps=n_steps)
decode = theano.function([x, x_mask, n_steps], tokens)


def batch_of(sequences):
    """Time-major padded arrays and masks (dl4mt's prepare_data); targets end with token 0."""
    longest = max(len(s) for s in sequences) + 1
    xs = np.zeros((longest, len(sequences)), dtype="int64")
    ys = np.zeros_like(xs)
    mask = np.zeros((longest, len(sequences)), dtype=floatX)
    for k, s in enumerate(sequences):
        xs[:len(s), k] = s
        ys[:len(s), k] = s[::-1]
        mask[:len(s) + 1, k] = 1.0
    return xs, mask, ys, mask.copy()


data = [list(rng.randint(1, vocab, size=rng.randint(3, 6))) for _ in range(32)]
costs = []
for epoch in range(40):
    for start in range(0, len(data), 16):
        costs.append(float(train(*batch_of(data[start:start + 16]))))
print("cost: %.3f -> %.3f" % (np.mean(costs[:4]), np.mean(costs[-4:])))
assert np.isfinite(costs).all()
assert np.mean(costs[-4:]) < 0.2 * np.mean(costs[:4]), (costs[:4], costs[-4:])

xs, mask, ys, _ = batch_of(data[:16])
out = decode(xs, mask, xs.shape[0])
correct = np.mean([list(out[:len(s), k]) == s[::-1] for k, s in enumerate(data[:16])])
print("reversed exactly: %.2f" % correct)
tokens_right = np.mean([np.mean(out[:len(s), k] == np.array(s[::-1]))
                        for k, s in enumerate(data[:16])])
print("tokens right: %.2f" % tokens_right)
assert tokens_right > 0.9, tokens_right

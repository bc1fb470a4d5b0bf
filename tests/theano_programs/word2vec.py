"""Skip-gram with negative sampling, written as Theano users wrote word2vec in 2015-2017
(the word theano replaced by graphlens): embeddings in shared matrices, a minibatch of
(center, context, negatives) int32 indices, T.batched_dot for the negatives' scores, and the
Theano FAQ's idiom for updating only the rows a batch touches: grad with respect to the
subtensor W[idx], then inc_subtensor on W (written into W's own array, as Theano did: the
program checks that the embeddings are never copied). A second function updates the negatives'
rows through givens. Run by tests/test_theano_programs.py."""
import numpy as np
import graphlens as theano
import graphlens.tensor as T

rng = np.random.RandomState(1234)
V, D, K, B = 50, 16, 5, 32
floatX = theano.config.floatX

W_in = theano.shared((rng.rand(V, D).astype(floatX) - 0.5) / D, name='W_in')
W_out = theano.shared(np.zeros((V, D), dtype=floatX), name='W_out')

center = T.ivector('center')
context = T.ivector('context')
negatives = T.imatrix('negatives')
lr = T.scalar('lr', dtype=floatX)

c_emb = W_in[center]                       # B x D
pos_emb = W_out[context]                   # B x D
neg_emb = W_out[negatives]                 # B x K x D

pos_score = T.sum(c_emb * pos_emb, axis=1)
neg_score = T.batched_dot(neg_emb, c_emb)  # B x K
cost = -T.mean(T.log(T.nnet.sigmoid(pos_score)) +
               T.sum(T.log(T.nnet.sigmoid(-neg_score)), axis=1))

g_c, g_pos = T.grad(cost, [c_emb, pos_emb])
updates = [
    (W_in, T.inc_subtensor(c_emb, -lr * g_c)),
    (W_out, T.inc_subtensor(pos_emb, -lr * g_pos)),
]
train = theano.function([center, context, negatives, lr], cost, updates=updates,
                        allow_input_downcast=True)
neg_update = theano.function([center, negatives, lr], [],
                             updates=[(W_out, T.inc_subtensor(neg_emb, -lr * T.grad(cost, neg_emb)))],
                             allow_input_downcast=True, on_unused_input='ignore',
                             givens=[(context, center)])

# A corpus where word w is followed by (w + 1) % V: the model should learn these pairs.
pairs = np.array([(w, (w + 1) % V) for w in range(V)] * 40, dtype='int32')
costs = []
W_in_array = W_in.get_value(borrow=True)
for epoch in range(30):
    rng.shuffle(pairs)
    total = 0.0
    for i in range(0, len(pairs), B):
        batch = pairs[i:i + B]
        negs = rng.randint(0, V, size=(len(batch), K)).astype('int32')
        total += train(batch[:, 0], batch[:, 1], negs, 0.5)
        neg_update(batch[:, 0], negs, 0.5)
    costs.append(total)
print("cost first epoch %.3f, last %.3f" % (costs[0], costs[-1]))
# The rows were written into the embedding's own array: 900 steps, no copy of W_in.
assert W_in.get_value(borrow=True) is W_in_array
assert costs[-1] < 0.5 * costs[0], costs

# Nearest context: W_in[w] . W_out should rank (w + 1) % V first for most words.
scores = W_in.get_value().dot(W_out.get_value().T)
hits = np.mean(np.argmax(scores, axis=1) == (np.arange(V) + 1) % V)
print("top-1 next-word accuracy %.2f" % hits)
assert hits > 0.8, hits

# Check the subtensor gradient against numpy on one batch.
f_grad = theano.function([center, context, negatives], T.grad(cost, W_in))
batch = pairs[:B]; negs = rng.randint(0, V, size=(B, K)).astype('int32')
g = f_grad(batch[:, 0], batch[:, 1], negs)
def sig(z): return 1 / (1 + np.exp(-z))
Wi, Wo = W_in.get_value(), W_out.get_value()
ce, pe, ne = Wi[batch[:, 0]], Wo[batch[:, 1]], Wo[negs]
ps = (ce * pe).sum(1); ns = np.einsum('bkd,bd->bk', ne, ce)
gc = -((1 - sig(ps))[:, None] * pe - ((sig(ns))[:, :, None] * ne).sum(1)) / B
expect = np.zeros_like(Wi); np.add.at(expect, batch[:, 0], gc)
np.testing.assert_allclose(g, expect, rtol=1e-4, atol=1e-6)
print("subtensor gradient matches numpy")
text = theano.printing.debugprint(train, file='str')
assert 'AdvancedIncSubtensor' in text, text
print(theano.printing.pp(cost)[:200])

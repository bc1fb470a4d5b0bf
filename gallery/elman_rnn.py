"""An Elman recurrent network over a sentence, written with scan as Theano users wrote it.

The network of the classic "recurrent neural networks with word embeddings" tutorial: each word's
context window of embeddings enters a sigmoid hidden layer that also reads the previous hidden
state; a softmax on every step tags the word. The step function is one loop node whose inner
graph the pictures draw as a box; the gradient is backpropagation through time, a second loop.
`graphlens trace --stats` plots the gradient norm of the hidden state per word: every word's own
loss feeds it, so here it stays within a decade along the sentence.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

from collections import OrderedDict

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import function, shared

rng = np.random.default_rng(5)
nh, nc, ne, de, cs = 16, 5, 40, 8, 3     # hidden units, classes, vocabulary, embedding, window

emb = shared(0.2 * rng.uniform(-1.0, 1.0, (ne + 1, de)), name="embeddings")
wx = shared(0.2 * rng.uniform(-1.0, 1.0, (de * cs, nh)), name="wx")
wh = shared(0.2 * rng.uniform(-1.0, 1.0, (nh, nh)), name="wh")
w = shared(0.2 * rng.uniform(-1.0, 1.0, (nh, nc)), name="w")
bh = shared(np.zeros(nh), name="bh")
b = shared(np.zeros(nc), name="b")
h0 = shared(np.zeros(nh), name="h0")
params = [emb, wx, wh, w, bh, b, h0]

idxs = T.lmatrix("idxs")                 # one sentence: a context window of word ids per word
x = emb[idxs].reshape((idxs.shape[0], de * cs))
y_sentence = T.lvector("y_sentence")


def recurrence(x_t, h_tm1):
    h_t = T.nnet.sigmoid(T.dot(x_t, wx) + T.dot(h_tm1, wh) + bh)
    s_t = T.nnet.softmax(T.dot(h_t, w) + b)
    return [h_t, s_t]


[h, s], _ = graphlens.scan(fn=recurrence, sequences=x, outputs_info=[h0, None],
                           n_steps=x.shape[0], name="elman")
p_y_given_x_sentence = s[:, 0, :]   # softmax of a vector is a 1 x classes row, as in Theano
y_pred = T.argmax(p_y_given_x_sentence, axis=1)
lr = T.dscalar("lr")
cost = -T.mean(T.log(p_y_given_x_sentence)[T.arange(x.shape[0]), y_sentence])
sentence_gradients = T.grad(cost, params)
sentence_updates = OrderedDict((p, p - lr * g) for p, g in zip(params, sentence_gradients))
train = function([idxs, y_sentence, lr], cost, updates=sentence_updates, name="train")

words = rng.integers(0, ne, size=12)
padded = np.concatenate([[ne], words, [ne]])          # id ne pads the windows at the ends
example_idxs = np.stack([padded[i:i + cs] for i in range(len(words))])
example_labels = words % nc
example_inputs = {idxs: example_idxs, y_sentence: example_labels}

if __name__ == "__main__":
    first = float(train(example_idxs, example_labels, 0.5))
    for epoch in range(50):
        loss = float(train(example_idxs, example_labels, 0.5))
    print(f"loss {first:.4f} -> {loss:.4f} after 50 steps")

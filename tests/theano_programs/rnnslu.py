"""The deeplearning.net RNN slot-filling tutorial (rnnslu.py, an Elman network), the word theano
replaced by graphlens: word embeddings indexed by an int matrix of context windows (padding index
-1), a scan whose step returns T.nnet.softmax of a vector (a 1 x n matrix, hence s[:, 0, :]),
per-sentence SGD with a learning rate passed as a Python float, embeddings normalised by an
update-only function, and the early-stopping copy `copy.deepcopy(rnn)`. Synthetic sentences: a
word's label is its class, except after a 'trigger' word. Run by tests/test_theano_programs.py."""
import copy
import random
from collections import OrderedDict

import numpy
import graphlens as theano
from graphlens import tensor as T


def shuffle(lol, seed):
    for l in lol:
        random.seed(seed)
        random.shuffle(l)


def contextwin(l, win):
    assert (win % 2) == 1 and win >= 1
    l = list(l)
    lpadded = win // 2 * [-1] + l + win // 2 * [-1]
    out = [lpadded[i:i + win] for i in range(len(l))]
    assert len(out) == len(l)
    return out


class RNNSLU(object):
    def __init__(self, nh, nc, ne, de, cs):
        self.emb = theano.shared(name='embeddings', value=0.2 * numpy.random.uniform(
            -1.0, 1.0, (ne + 1, de)).astype(theano.config.floatX))  # one more row: padding
        self.wx = theano.shared(name='wx', value=0.2 * numpy.random.uniform(
            -1.0, 1.0, (de * cs, nh)).astype(theano.config.floatX))
        self.wh = theano.shared(name='wh', value=0.2 * numpy.random.uniform(
            -1.0, 1.0, (nh, nh)).astype(theano.config.floatX))
        self.w = theano.shared(name='w', value=0.2 * numpy.random.uniform(
            -1.0, 1.0, (nh, nc)).astype(theano.config.floatX))
        self.bh = theano.shared(name='bh', value=numpy.zeros(nh, dtype=theano.config.floatX))
        self.b = theano.shared(name='b', value=numpy.zeros(nc, dtype=theano.config.floatX))
        self.h0 = theano.shared(name='h0', value=numpy.zeros(nh, dtype=theano.config.floatX))
        self.params = [self.emb, self.wx, self.wh, self.w, self.bh, self.b, self.h0]

        idxs = T.imatrix()
        x = self.emb[idxs].reshape((idxs.shape[0], de * cs))
        y_sentence = T.ivector('y_sentence')

        def recurrence(x_t, h_tm1):
            h_t = T.nnet.sigmoid(T.dot(x_t, self.wx) + T.dot(h_tm1, self.wh) + self.bh)
            s_t = T.nnet.softmax(T.dot(h_t, self.w) + self.b)
            return [h_t, s_t]

        [h, s], _ = theano.scan(fn=recurrence, sequences=x, outputs_info=[self.h0, None],
                                n_steps=x.shape[0])
        p_y_given_x_sentence = s[:, 0, :]
        y_pred = T.argmax(p_y_given_x_sentence, axis=1)
        lr = T.scalar('lr')
        sentence_nll = -T.mean(T.log(p_y_given_x_sentence)[T.arange(x.shape[0]), y_sentence])
        sentence_gradients = T.grad(sentence_nll, self.params)
        sentence_updates = OrderedDict((p, p - lr * g)
                                       for p, g in zip(self.params, sentence_gradients))
        self.classify = theano.function(inputs=[idxs], outputs=y_pred)
        self.probabilities = theano.function(inputs=[idxs], outputs=p_y_given_x_sentence)
        self.sentence_train = theano.function(inputs=[idxs, y_sentence, lr], outputs=sentence_nll,
                                              updates=sentence_updates)
        self.normalize = theano.function(inputs=[], updates={
            self.emb: self.emb / T.sqrt((self.emb ** 2).sum(axis=1)).dimshuffle(0, 'x')})

    def train(self, x, y, window_size, learning_rate):
        cwords = contextwin(x, window_size)
        words = list(map(lambda x: numpy.asarray(x).astype('int32'), cwords))
        labels = y
        nll = self.sentence_train(words, labels, learning_rate)
        self.normalize()
        return nll


# Synthetic ATIS-like data: 12 words in 3 classes (word % 3); word 0 is a trigger after which the
# next word is labelled 3 (a slot only the context window and the recurrence can see).
numpy.random.seed(345)
random.seed(345)
vocsize, nclasses, win = 12, 4, 3


def make_sentence(rng):
    words = list(rng.randint(0, vocsize, size=rng.randint(4, 9)))
    labels = [3 if i > 0 and words[i - 1] == 0 else w % 3 for i, w in enumerate(words)]
    return words, labels


data_rng = numpy.random.RandomState(0)
train_lex, train_y = map(list, zip(*[make_sentence(data_rng) for _ in range(30)]))
test_lex, test_y = map(list, zip(*[make_sentence(data_rng) for _ in range(20)]))
rnn = RNNSLU(nh=16, nc=nclasses, ne=vocsize, de=8, cs=win)

# The first forward pass against numpy, the same Elman recurrence by hand.
emb, wx, wh, w, bh, b, h0 = [p.get_value() for p in rnn.params]
cw = numpy.asarray(contextwin(test_lex[0], win), dtype='int32')
xs, h, expected = emb[cw].reshape(len(cw), -1), h0, []
for x_t in xs:
    h = 1 / (1 + numpy.exp(-(x_t @ wx + h @ wh + bh)))
    a = h @ w + b
    expected.append(numpy.exp(a - a.max()) / numpy.exp(a - a.max()).sum())
probs = rnn.probabilities(cw)
assert probs.dtype == theano.config.floatX and probs.shape == (len(cw), nclasses)
assert numpy.allclose(probs, expected), (probs, expected)


def accuracy(model):
    predictions = [model.classify(numpy.asarray(contextwin(x, win)).astype('int32')) for x in test_lex]
    return numpy.mean(numpy.concatenate(predictions) == numpy.concatenate(test_y))


clr, nlls, best_acc, best_rnn = 0.5, [], -1, None
for e in range(6):
    shuffle([train_lex, train_y], 345 + e)
    nlls.append(numpy.mean([rnn.train(x, y, win, clr) for x, y in zip(train_lex, train_y)]))
    acc = accuracy(rnn)
    print('epoch', e, 'nll', nlls[-1], 'test accuracy', acc)
    if acc > best_acc:
        best_rnn, best_acc = copy.deepcopy(rnn), acc
# Learning: the sentence cost falls and the slots are found.
assert nlls[-1] < 0.5 * nlls[0], nlls
assert best_acc > 0.8, best_acc
# normalize() left every embedding of unit norm, the padding row included.
norms = numpy.sqrt((rnn.emb.get_value() ** 2).sum(axis=1))
assert numpy.allclose(norms, 1.0), norms
# The deep copy carries its own parameters: it keeps its accuracy while the original moves on.
rnn.sentence_train(numpy.asarray(contextwin(test_lex[0], win), 'int32'), test_y[0], 5.0)
assert best_rnn.emb is not rnn.emb and accuracy(best_rnn) == best_acc
assert not numpy.allclose(best_rnn.emb.get_value(), rnn.emb.get_value())

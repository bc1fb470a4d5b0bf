"""A speech-style sequence labeller as a Theano 1.0 user wrote one with warp-ctc, the word theano
replaced by graphlens: an Elman RNN (scan over time, a batch of float32 sequences) emits scores
over an alphabet whose symbol 0 is the blank, `theano.tensor.nnet.ctc.ctc` scores them against
unaligned label sequences padded with -1 (each sequence has its own input length), and SGD
updates through `theano.function(..., updates=...)`. The toy task: each label shows as a one-hot
for two or three steps, with silent gaps between, so the network must learn where labels begin
and end. It asserts that the cost falls and that greedy (best-path) decoding then reads most
sequences right. Run by tests/test_theano_programs.py."""
import numpy
import graphlens as theano
import graphlens.tensor as T
from graphlens.tensor.nnet.ctc import ctc

rng = numpy.random.RandomState(1234)
n_labels, n_in, n_hidden, n_steps, batch = 3, 4, 24, 14, 16
alphabet = n_labels + 1                                # symbol 0 is warp-ctc's blank


def make_batch(rng):
    """Inputs (time, batch, n_in), labels (batch, 3) padded with -1, input lengths (batch,)."""
    x = numpy.zeros((n_steps, batch, n_in), dtype='float32')
    labels = -numpy.ones((batch, 3), dtype='int32')
    lengths = numpy.zeros(batch, dtype='int32')
    for b in range(batch):
        count = rng.randint(1, 4)
        t = rng.randint(0, 2)
        for j in range(count):
            symbol = rng.randint(1, n_labels + 1)
            labels[b, j] = symbol
            hold = rng.randint(2, 4)
            x[t:t + hold, b, symbol] = 1.0
            x[t:t + hold, b, 0] = 0.5                  # a "voice" channel while a label shows
            t += hold + rng.randint(1, 3)
        lengths[b] = min(t, n_steps)
    x += 0.05 * rng.randn(*x.shape).astype('float32')
    return x, labels, lengths


def shared(shape, name, scale=0.3):
    return theano.shared(numpy.asarray(rng.uniform(-scale, scale, shape), dtype='float32'),
                         name=name)


W_in = shared((n_in, n_hidden), 'W_in')
W_rec = shared((n_hidden, n_hidden), 'W_rec', 0.1)
b_h = theano.shared(numpy.zeros(n_hidden, dtype='float32'), name='b_h')
W_out = shared((n_hidden, alphabet), 'W_out')
b_out = theano.shared(numpy.zeros(alphabet, dtype='float32'), name='b_out')
params = [W_in, W_rec, b_h, W_out, b_out]

x = T.ftensor3('x')
y = T.imatrix('y')
x_lengths = T.ivector('x_lengths')
h0 = T.zeros((x.shape[1], n_hidden), dtype='float32')


def step(x_t, h_tm1):
    return T.tanh(T.dot(x_t, W_in) + T.dot(h_tm1, W_rec) + b_h)


h, _ = theano.scan(step, sequences=x, outputs_info=h0)
activations = T.dot(h, W_out) + b_out                 # (time, batch, alphabet), unnormalised
cost = T.mean(ctc(activations, y, x_lengths))
lr = numpy.float32(0.3)
updates = [(p, p - lr * g) for p, g in zip(params, T.grad(cost, params))]
train = theano.function([x, y, x_lengths], cost, updates=updates)
score = theano.function([x, y, x_lengths], cost)
best_path = theano.function([x], T.argmax(activations, axis=2))


def greedy_decode(path, length):
    """Best-path decoding: repeats merged, blanks dropped."""
    out, prev = [], 0
    for symbol in path[:length]:
        if symbol != prev and symbol != 0:
            out.append(int(symbol))
        prev = symbol
    return out


test_x, test_y, test_lengths = make_batch(numpy.random.RandomState(99))
before = float(score(test_x, test_y, test_lengths))
for epoch in range(150):
    train(*make_batch(rng))
after = float(score(test_x, test_y, test_lengths))
paths = best_path(test_x)
right = sum(greedy_decode(paths[:, b], test_lengths[b]) == [s for s in test_y[b] if s >= 0]
            for b in range(batch))
print('ctc cost on held-out sequences: %.3f before training, %.3f after' % (before, after))
print('greedy decoding reads %d of %d held-out sequences right' % (right, batch))
assert numpy.isfinite(after) and after < 0.25 * before, (before, after)
assert right >= batch * 3 // 4, right

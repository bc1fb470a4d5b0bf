"""A Theano 1.0 program using the ops beyond the tutorials (conv3d, bilinear upsampling, mgrid,
choose, unique, unravel_index, confusion_matrix, h_softmax, fft), with the word theano replaced
by graphlens; run unchanged by tests/tensor/test_more_ops_program.py. It checks itself against
numpy and prints what it computed."""
import numpy as np
import graphlens
import graphlens.tensor as T
from graphlens.tensor.nnet.abstract_conv import bilinear_upsampling
from graphlens.tensor.extra_ops import Unique, unravel_index, ravel_multi_index
from graphlens.tensor import fft

rng = np.random.RandomState(1234)
floatX = graphlens.config.floatX

# A 3-d convolution layer and its gradient step.
vol = T.tensor5('vol')
W = graphlens.shared(rng.uniform(-0.1, 0.1, (2, 1, 3, 3, 3)).astype(floatX), name='W')
out = T.nnet.conv3d(vol, W, filter_shape=(2, 1, 3, 3, 3), border_mode='half')
cost = T.sqr(out).mean()
step = graphlens.function([vol], cost, updates=[(W, W - 0.1 * T.grad(cost, W))])
volumes = rng.uniform(size=(2, 1, 5, 5, 5)).astype(floatX)
costs = [float(step(volumes)) for _ in range(5)]
assert costs[-1] < costs[0], costs
print('conv3d costs', np.round(costs, 6))

# Bilinear upsampling of feature maps.
maps = T.tensor4('maps')
up = graphlens.function([maps], bilinear_upsampling(maps, 2))
small = np.arange(4, dtype=floatX).reshape(1, 1, 2, 2)
print('upsampled', up(small)[0, 0].tolist())

# Grids, choose, unique and the index helpers.
rows, cols = T.mgrid[0:2, 0:3]
print('mgrid', graphlens.function([], [rows, cols])())
a = T.imatrix('a')
x, y = T.dmatrix('x'), T.dmatrix('y')
picked = graphlens.function([a, x, y], T.choose(a, [x, y]))
av = np.array([[0, 1], [1, 0]], dtype='int32')
assert np.array_equal(picked(av, np.zeros((2, 2)), np.ones((2, 2))), av)
labels = T.ivector('labels')
values, counts = Unique(False, False, True)(labels)
print('unique', graphlens.function([labels], [values, counts])(np.array([3, 1, 3], dtype='int32')))
m = T.dmatrix('m')
where = graphlens.function([m], list(unravel_index(T.argmax(m), m.shape)))
print('argmax at', [int(i) for i in where(np.array([[0., 5.], [9., 1.]]))])
flat = graphlens.function([labels], ravel_multi_index((labels, labels), (4, 4)))
print('flat', flat(np.array([0, 3], dtype='int32')))

# A classifier's confusion matrix, and a hierarchical softmax over 6 words in 2 classes.
pred = T.ivector('pred')
conf, order = T.nnet.confusion_matrix(labels, pred)
print('confusion', graphlens.function([labels, pred], [conf, order])(
    np.array([0, 1, 1], dtype='int32'), np.array([0, 1, 0], dtype='int32')))
h = T.dmatrix('h')
W1, b1 = graphlens.shared(rng.randn(4, 2)), graphlens.shared(np.zeros(2))
W2, b2 = graphlens.shared(rng.randn(2, 4, 3)), graphlens.shared(np.zeros((2, 3)))
probs = T.nnet.h_softmax(h, 5, 6, 2, 3, W1, b1, W2, b2)
total = graphlens.function([h], probs.sum(axis=1))(rng.randn(5, 4))
assert np.allclose(total, 1), total
print('h_softmax sums', np.round(total, 12))

# The FFT of a batch of signals, in Theano's (real, imaginary) layout.
signals = T.matrix('signals')
spectrum = graphlens.function([signals], fft.rfft(signals, norm='ortho'))
sv = rng.randn(2, 8).astype(floatX)
expected = np.fft.rfft(sv, norm='ortho')
got = spectrum(sv)
assert got.shape == (2, 5, 2) and np.allclose(got[..., 0] + 1j * got[..., 1], expected, atol=1e-5)
print('rfft', got.shape, got.dtype)

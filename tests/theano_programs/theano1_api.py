"""A Theano 1.0 program with the word theano replaced by graphlens, run unchanged by
tests/test_theano_programs.py: topk as Theano 1.0 required it (sorted=False), a shape check with
theano.tensor.opt.Assert, a model saved and reloaded with theano.misc.pkl_utils, and an RNN whose
gradient uses theano.scan_checkpoints."""
import os

import numpy as np
import graphlens
import graphlens.tensor as T
from graphlens.tensor.sort import topk, argtopk
from graphlens.misc.pkl_utils import dump, load

rng = np.random.RandomState(1234)
scores = T.matrix('scores')
best = T.sort(topk(scores, 3, sorted=False), axis=-1)
where = T.sort(argtopk(scores, 3, sorted=False), axis=-1)
f_top = graphlens.function([scores], [best, where], allow_input_downcast=True)
data = rng.rand(4, 10)
values, positions = f_top(data)
assert np.allclose(values, np.sort(data, axis=1)[:, -3:])
assert (positions == np.sort(np.argsort(data, axis=1)[:, -3:], axis=1)).all()
print("topk", values.shape, positions.dtype)

x = T.matrix('x')
y = T.ivector('y')
x_checked = T.opt.Assert("x must have 10 columns")(x, T.eq(x.shape[1], 10))
W = graphlens.shared(np.zeros((10, 3), dtype=graphlens.config.floatX), name='W')
b = graphlens.shared(np.zeros(3, dtype=graphlens.config.floatX), name='b')
p_y = T.nnet.softmax(T.dot(x_checked, W) + b)
cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
gW, gb = T.grad(cost, [W, b])
train = graphlens.function([x, y], cost, updates=[(W, W - 0.5 * gW), (b, b - 0.5 * gb)],
                           allow_input_downcast=True)
labels = data.argmax(axis=1).astype('int32') % 3
for i in range(10):
    train(data, labels)
try:
    train(data[:, :9], labels)
    raise SystemExit("the Assert did not stop a batch of 9 columns")
except AssertionError as e:
    assert "x must have 10 columns" in str(e)
print("assert ok")

path = os.path.join(os.environ.get("PROGRAM_OUT", "."), "model.zip")
with open(path, 'wb') as f:
    dump((train, W, b), f)
with open(path, 'rb') as f:
    train2, W2, b2 = load(f)
archive = np.load(path)          # the weights by name; the function's constants as array_N
assert {'W', 'b', 'pkl'} <= set(archive.keys()) and np.allclose(archive['W'], W.get_value())
for i in range(3):
    assert np.allclose(train(data, labels), train2(data, labels))
assert np.allclose(W.get_value(), W2.get_value())
print("pkl_utils ok")

seq = T.matrix('seq')
h0 = T.vector('h0')
U = graphlens.shared(rng.randn(5, 5).astype(graphlens.config.floatX) * 0.3, name='U')
step = lambda s, h: T.tanh(s + T.dot(h, U))
h_full, _ = graphlens.scan(step, sequences=[seq], outputs_info=[h0])
h_ckpt, _ = graphlens.scan_checkpoints(step, sequences=[seq], outputs_info=[h0],
                                       save_every_N=4)
grads = graphlens.function([seq, h0], [T.grad(h_full[-1].sum(), U),
                                       T.grad(h_ckpt[-1].sum(), U)],
                           allow_input_downcast=True)
g_full, g_ckpt = grads(rng.rand(11, 5), np.zeros(5))
assert np.allclose(g_full, g_ckpt, atol=1e-5)
print("scan_checkpoints ok", g_ckpt.shape)

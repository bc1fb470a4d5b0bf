"""Code in the style of Keras' Theano backend (backend functions over `T`, then a small 3-d
convolutional classifier built from them), with the word theano replaced by graphlens. Our own
code, written the way that backend calls Theano; run by tests/test_theano_programs.py. Every
value is checked against numpy."""
import itertools

import numpy as np

import graphlens as theano
from graphlens import tensor as T
from graphlens.tensor.signal import pool

floatx = theano.config.floatX


# ---- backend functions, as a Theano backend writes them -------------------------------
def variable(value, name=None):
    return theano.shared(np.asarray(value, dtype=floatx), name=name, strict=False)


def reverse(x, axes):
    if isinstance(axes, int):
        axes = [axes]
    slices = [slice(None, None, -1) if i in axes else slice(None, None, None)
              for i in range(x.ndim)]
    return x[slices]                       # a list of slices indexes like a tuple


def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', pool_mode='max'):
    pad = (0, 0, 0)
    if padding == 'same':
        pad = tuple(w - 1 for w in pool_size)
    mode = {'max': 'max', 'avg': 'average_exc_pad'}[pool_mode]
    return pool.pool_3d(x, ws=pool_size, stride=strides, ignore_border=True, pad=pad,
                        mode=mode)


def conv3d(x, kernel, strides=(1, 1, 1), padding='valid'):
    border_mode = 'half' if padding == 'same' else padding
    return T.nnet.conv3d(x, kernel, border_mode=border_mode, subsample=strides,
                         input_shape=None, filter_shape=kernel.get_value().shape,
                         filter_dilation=(1, 1, 1))


def batch_flatten(x):
    return T.reshape(x, (x.shape[0], T.prod(x.shape[1:])))


def categorical_crossentropy(target, output):
    output = T.clip(output, 1e-7, 1.0 - 1e-7)
    return T.nnet.categorical_crossentropy(output, target)


# ---- numpy references --------------------------------------------------------------------
def numpy_pool3d(x, ws, stride, reduce):
    out_lengths = [(n - w) // s + 1 for n, w, s in zip(x.shape[2:], ws, stride)]
    out = np.zeros(x.shape[:2] + tuple(out_lengths))
    for position in itertools.product(*(range(n) for n in out_lengths)):
        window = tuple(slice(i * s, i * s + w) for i, s, w in zip(position, stride, ws))
        out[(Ellipsis,) + position] = reduce(x[(Ellipsis,) + window], axis=(2, 3, 4))
    return out


rng = np.random.RandomState(1234)
volumes = rng.rand(6, 2, 6, 6, 6).astype(floatx)

# 1. pooling the last three axes, every mode a Keras model asks for
x = T.TensorType(floatx, (False,) * 5)('x')
pooled = pool3d(x, (2, 2, 2), strides=(2, 1, 2))
averaged = pool3d(x, (3, 2, 2), strides=(1, 2, 1), pool_mode='avg')
f = theano.function([x], [pooled, averaged])
got_max, got_avg = f(volumes)
assert np.allclose(got_max, numpy_pool3d(volumes, (2, 2, 2), (2, 1, 2), np.max))
assert np.allclose(got_avg, numpy_pool3d(volumes, (3, 2, 2), (1, 2, 1), np.mean))
print('pool3d max', got_max.shape, 'avg', got_avg.shape)

# 2. reverse with a list of slices
rev = theano.function([x], reverse(x, [0, 3]))(volumes)
assert np.array_equal(rev, volumes[::-1, :, :, ::-1])
print('reverse ok')

# 3. a separable convolution (depthwise by num_groups = channels, then pointwise) and
# l2_normalize, as the backend writes them
def separable_conv2d(x, depthwise_kernel, pointwise_kernel, channels):
    depthwise = T.nnet.conv2d(x, depthwise_kernel, input_shape=(None, channels, None, None),
                              filter_shape=depthwise_kernel.get_value().shape,
                              border_mode='half', subsample=(1, 1), filter_dilation=(1, 1),
                              num_groups=channels)
    return T.nnet.conv2d(depthwise, pointwise_kernel, border_mode='valid')


def l2_normalize(x, axis=None):
    square_sum = T.sum(T.square(x), axis=axis, keepdims=True)
    return x / T.sqrt(T.maximum(square_sum, 1e-7))


images = T.tensor4('images')
depthwise_kernel = variable(rng.normal(size=(4, 1, 3, 3)))     # 2 filters per channel
pointwise_kernel = variable(rng.normal(size=(3, 4, 1, 1)))
separable = l2_normalize(separable_conv2d(images, depthwise_kernel, pointwise_kernel, 2), 1)
iv = rng.rand(2, 2, 5, 5).astype(floatx)
got = theano.function([images], separable)(iv)
padded = np.pad(iv, ((0, 0), (0, 0), (1, 1), (1, 1)))
flipped = depthwise_kernel.get_value()[:, 0, ::-1, ::-1]          # conv2d flips its filters
depth = np.zeros((2, 4, 5, 5))
for f_index in range(4):
    channel = f_index // 2                                          # filters 0, 1 read channel 0
    for i, j in itertools.product(range(5), range(5)):
        depth[:, f_index, i, j] = (padded[:, channel, i:i + 3, j:j + 3]
                                   * flipped[f_index]).sum(axis=(1, 2))
point = np.einsum('bfij,of->boij', depth, pointwise_kernel.get_value()[:, :, 0, 0])
want = point / np.sqrt(np.maximum((point ** 2).sum(axis=1, keepdims=True), 1e-7))
assert np.allclose(got, want, atol=1e-5), np.abs(got - want).max()
print('separable conv ok', got.shape)

# 4. a 3-d conv net: conv3d -> relu -> pool3d -> dense -> softmax, trained by SGD
labels = (volumes[:, 0].mean(axis=(1, 2, 3)) > volumes[:, 1].mean(axis=(1, 2, 3)))
targets = np.eye(2, dtype=floatx)[labels.astype(int)]
kernel = variable(rng.normal(0, 0.3, (3, 2, 3, 3, 3)), name='kernel')
dense = variable(rng.normal(0, 0.1, (3 * 2 * 2 * 2, 2)), name='dense')
bias = variable(np.zeros(2), name='bias')
y = T.matrix('y')
hidden = pool3d(T.nnet.relu(conv3d(x, kernel)), (2, 2, 2), strides=(2, 2, 2))
probabilities = T.nnet.softmax(T.dot(batch_flatten(hidden), dense) + bias)
loss = T.mean(categorical_crossentropy(y, probabilities))
params = [kernel, dense, bias]
grads = T.grad(loss, params)
# the gradient through conv3d and pool3d, by finite differences on one kernel entry
cost = theano.function([x, y], loss)
k = kernel.get_value()
analytic = theano.function([x, y], grads[0])(volumes, targets)[1, 0, 2, 1, 0]
step = 1e-3
k[1, 0, 2, 1, 0] += step
kernel.set_value(k)
up = cost(volumes, targets)
k[1, 0, 2, 1, 0] -= 2 * step
kernel.set_value(k)
down = cost(volumes, targets)
k[1, 0, 2, 1, 0] += step
kernel.set_value(k)
assert abs((up - down) / (2 * step) - analytic) < 1e-3 * max(1.0, abs(analytic)), (up, down,
                                                                                   analytic)
print('finite difference agrees', round(float(analytic), 5))

train = theano.function([x, y], loss, updates=[(p, p - 0.2 * g) for p, g in zip(params, grads)])
losses = [float(train(volumes, targets)) for _ in range(20)]
print('losses', ['%.4f' % v for v in losses[::9]])
assert losses[-1] < 0.8 * losses[0], losses

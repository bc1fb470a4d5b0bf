"""Code in the style of Lasagne (layers holding shared parameters, get_output walking them, an
OrderedDict of adam updates), with the word theano replaced by graphlens. Our own code, written
the way Lasagne calls Theano: shared(..., broadcastable=), gof.graph.inputs to collect
parameters, grouped conv2d with positional shape hints, pool_2d, AbstractConv2d_gradInputs for
a transposed convolution, MRG dropout masks, batch normalization's running mean kept by
theano.clone(...).default_update, spatial pyramid pooling with windows taken from the input's
shape, grad_clip in a scan. Run by tests/test_theano_programs.py;
every value is checked against numpy."""
from collections import OrderedDict

import numpy as np

import graphlens as theano
import graphlens.tensor as T
from graphlens.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams
from graphlens.tensor.signal.pool import pool_2d

floatX = theano.config.floatX
rng = np.random.RandomState(42)


def create_param(shape, scale, name):
    value = np.asarray(rng.normal(0, scale, shape), dtype=floatX)
    return theano.shared(value, name=name, broadcastable=tuple(s == 1 for s in shape))


def collect_shared_vars(expressions):
    return [v for v in theano.gof.graph.inputs(expressions)
            if isinstance(v, theano.compile.SharedVariable)]


class Conv2DLayer:
    def __init__(self, input_shape, num_filters, filter_size, num_groups=1,
                 nonlinearity=T.nnet.relu):
        self.input_shape = input_shape
        self.nonlinearity = nonlinearity
        self.W_shape = (num_filters, input_shape[1] // num_groups) + filter_size
        self.W = create_param(self.W_shape, 0.3, 'W')
        self.b = create_param((num_filters,), 0.0, 'b')
        self.num_groups = num_groups

    def get_output_for(self, input):
        extra_kwargs = {'num_groups': self.num_groups} if self.num_groups > 1 else {}
        conved = T.nnet.conv2d(input, self.W, self.input_shape, self.W_shape,
                               subsample=(1, 1), border_mode='half', filter_flip=True,
                               **extra_kwargs)
        return self.nonlinearity(conved + self.b.dimshuffle('x', 0, 'x', 'x'))


class TransposedConv2DLayer:
    def __init__(self, input_shape, num_filters, output_size):
        self.W_shape = (input_shape[1], num_filters, 2, 2)
        self.W = create_param(self.W_shape, 0.3, 'W_t')
        self.output_shape = (input_shape[0], num_filters) + output_size

    def get_output_for(self, input, output_size):
        op = T.nnet.abstract_conv.AbstractConv2d_gradInputs(
            imshp=self.output_shape, kshp=self.W_shape, subsample=(2, 2), border_mode=(0, 0),
            filter_flip=False)
        if isinstance(output_size, T.Variable):
            output_size = T.as_tensor_variable(output_size)
        return op(self.W, input, output_size)


class BatchNormLayer:
    def __init__(self, num_units, alpha=0.5):
        self.running_mean = theano.shared(np.zeros(num_units, dtype=floatX), name='mean')
        self.alpha = alpha

    def get_output_for(self, input, deterministic=False):
        input_mean = input.mean((0, 2, 3))
        if deterministic:
            return input - self.running_mean.dimshuffle('x', 0, 'x', 'x')
        running_mean = theano.clone(self.running_mean, share_inputs=False)
        running_mean.default_update = ((1 - self.alpha) * running_mean
                                       + self.alpha * input_mean)
        input_mean += 0 * running_mean
        return input - input_mean.dimshuffle('x', 0, 'x', 'x')


def dropout(input, p, srng):
    mask = srng.binomial((input.shape[0], input.shape[1], 1, 1), p=1 - p, dtype=input.dtype)
    mask = T.patternbroadcast(mask, (False, False, True, True))
    return input / (1 - p) * mask


def adam(loss, params, learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-8):
    grads = theano.grad(loss, params)
    t_prev = theano.shared(np.asarray(0., dtype=floatX))
    updates = OrderedDict()
    one = T.constant(1)
    t = t_prev + 1
    a_t = learning_rate * T.sqrt(one - beta2 ** t) / (one - beta1 ** t)
    for param, g_t in zip(params, grads):
        value = param.get_value(borrow=True)
        m_prev = theano.shared(np.zeros(value.shape, dtype=value.dtype),
                               broadcastable=param.broadcastable)
        v_prev = theano.shared(np.zeros(value.shape, dtype=value.dtype),
                               broadcastable=param.broadcastable)
        m_t = beta1 * m_prev + (1 - beta1) * g_t
        v_t = beta2 * v_prev + (1 - beta2) * g_t ** 2
        updates[m_prev] = m_t
        updates[v_prev] = v_t
        updates[param] = param - a_t * m_t / (T.sqrt(v_t) + epsilon)
    updates[t_prev] = t
    return updates


images = rng.rand(4, 4, 6, 6).astype(floatX)
input_var = T.TensorType(floatX, [False] * 4)('inputs')

# 1. grouped convolution: each half of the filters sees its half of the channels
conv = Conv2DLayer((None, 4, 6, 6), 6, (3, 3), num_groups=2)
grouped = theano.function([input_var], conv.get_output_for(input_var))(images)
single = Conv2DLayer((None, 2, 6, 6), 3, (3, 3))
one_group = theano.function([input_var], single.get_output_for(input_var))
for group in range(2):
    single.W.set_value(conv.W.get_value()[3 * group:3 * group + 3])
    single.b.set_value(conv.b.get_value()[3 * group:3 * group + 3])
    expected = one_group(images[:, 2 * group:2 * group + 2])
    assert np.allclose(grouped[:, 3 * group:3 * group + 3], expected, atol=1e-6)
print('grouped conv', grouped.shape)

# 2. batch normalization keeps its running mean through default_update
bn = BatchNormLayer(6)
normed = bn.get_output_for(conv.get_output_for(input_var))
f_bn = theano.function([input_var], normed)
channel_means = grouped.mean(axis=(0, 2, 3))
f_bn(images)
f_bn(images)
assert np.allclose(bn.running_mean.get_value(), 0.75 * channel_means, atol=1e-6)
print('running mean', np.round(bn.running_mean.get_value(), 4))

# 3. a network: grouped conv -> bn -> dropout -> pool -> transposed conv, trained by adam
srng = RandomStreams(rng.randint(1, 2147462579))
conv.nonlinearity = T.tanh
hidden = dropout(bn.get_output_for(conv.get_output_for(input_var)), 0.2, srng)
pooled = pool_2d(hidden, ws=(2, 2), stride=(2, 2), ignore_border=True, pad=(0, 0), mode='max')
up = TransposedConv2DLayer((None, 6, 3, 3), 4, (6, 6))
reconstruction = up.get_output_for(pooled, (6, 6))
loss = T.mean((reconstruction - input_var) ** 2)
params = [p for p in collect_shared_vars([loss]) if p.name in ('W', 'b', 'W_t')]
assert {p.name for p in params} == {'W', 'b', 'W_t'} and len(params) == 3
updates = adam(loss, params)
train = theano.function([input_var], loss, updates=updates)
losses = [float(train(images)) for _ in range(30)]
print('losses', ['%.4f' % v for v in losses[::10]])
assert losses[-1] < 0.6 * losses[0], losses

# the transposed convolution is the gradient of a stride-2 convolution, checked on numpy:
# each input pixel spreads its 2x2 block of filter taps (no overlap at stride 2)
h = T.TensorType(floatX, [False] * 4)('h')
spread = theano.function([h], up.get_output_for(h, (6, 6)))
hv = rng.rand(1, 6, 3, 3).astype(floatX)
w = up.W.get_value()
expected = np.einsum('bcij,cduv->bdiujv', hv, w).reshape(1, 4, 6, 6)
assert np.allclose(spread(hv), expected, atol=1e-5)
print('transposed conv ok')

# 4. spatial pyramid pooling of inputs of any size: windows derived from the input's shape
def spatial_pyramid(input, pool_dims=(2, 1)):
    pools = []
    for pool_dim in pool_dims:
        win_size = tuple((i + pool_dim - 1) // pool_dim for i in input.shape[2:])
        str_size = tuple(i // pool_dim for i in input.shape[2:])
        pooled = pool_2d(input, ws=win_size, stride=str_size, mode='max', pad=None,
                         ignore_border=True)
        pools.append(pooled.flatten(3))
    return T.concatenate(pools, axis=2)


spp = theano.function([input_var], spatial_pyramid(input_var))
for rows, cols in [(6, 6), (5, 8)]:
    maps = rng.rand(2, 3, rows, cols).astype(floatX)
    hr, hc = -(-rows // 2), -(-cols // 2)
    sr, sc = rows // 2, cols // 2
    quadrants = [maps[:, :, i * sr:i * sr + hr, j * sc:j * sc + hc].max(axis=(2, 3))
                 for i in range(2) for j in range(2)]
    want = np.concatenate([np.stack(quadrants, axis=2), maps.max(axis=(2, 3))[:, :, None]], 2)
    assert np.allclose(spp(maps), want), (rows, cols)
print('spatial pyramid ok', spp(images).shape)

# 5. a recurrent layer as Lasagne writes it: scan with strict=True and grad_clip
X = T.tensor3('X')
W_hid = create_param((3, 3), 0.5, 'W_hid')


def recurrence(clip):
    def step(input_n, hid_previous, W_hid):
        hid_pre = input_n + T.dot(hid_previous, W_hid)
        if clip:
            hid_pre = theano.gradient.grad_clip(hid_pre, -0.01, 0.01)
        return T.tanh(hid_pre)
    hid_init = T.zeros((X.shape[1], 3))
    out = theano.scan(step, sequences=[X], outputs_info=[hid_init], non_sequences=[W_hid],
                      truncate_gradient=-1, strict=True)[0]
    return out, theano.grad(out[-1].sum(), W_hid)


xs = rng.rand(4, 2, 3).astype(floatX)
hs, g = theano.function([X], list(recurrence(clip=True)))(xs)
unclipped = theano.function([X], recurrence(clip=False)[1])(xs)
h_np = np.zeros((2, 3), dtype=floatX)
for x_t in xs:
    h_np = np.tanh(x_t + h_np @ W_hid.get_value())
assert np.allclose(hs[-1], h_np, atol=1e-6)
# Each step's gradient reaches W_hid clipped to 0.01 per unit: at most 4 steps * 2 sequences
# * 0.01 * |h| < 0.08 per entry, where the unclipped gradient is larger.
assert np.abs(g).max() < 0.08 < np.abs(unclipped).max(), (g, unclipped)
print('recurrent ok', hs.shape)

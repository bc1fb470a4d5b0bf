"""A Theano 1.0 program using the old signal convolution, max_pool_2d_same_size, complex
numbers and tri_gamma, with the word theano replaced by graphlens; run unchanged by
tests/tensor/test_signal_complex_program.py. It checks itself against numpy and scipy and
prints what it computed."""
import numpy as np
import scipy.signal
import scipy.special
import graphlens
import graphlens.tensor as T
from graphlens.tensor.signal import conv
from graphlens.tensor.signal.pool import max_pool_2d_same_size

rng = np.random.RandomState(1234)

# Edges of a stack of images by the old signal convolution (one Sobel filter: a 3-d result).
images = T.dtensor3('images')
sobel = np.array([[1., 0., -1.], [2., 0., -2.], [1., 0., -1.]])
edges = graphlens.function([images], conv.conv2d(images, sobel, border_mode='valid'))
stack = rng.uniform(size=(3, 8, 8))
found = edges(stack)
assert np.allclose(found, [scipy.signal.convolve2d(i, sobel, mode='valid') for i in stack])
print('edges', found.shape)

# A filter bank learnt through signal.conv2d, its maps sparsified by max_pool_2d_same_size.
filters = graphlens.shared(rng.uniform(-0.5, 0.5, (2, 3, 3)), name='filters')
maps = max_pool_2d_same_size(conv.conv2d(images, filters), (2, 2))
target = T.dtensor4('target')
cost = T.sqr(maps - target).mean()
step = graphlens.function([images, target], cost,
                          updates=[(filters, filters - 0.5 * T.grad(cost, filters))])
wanted = np.zeros((3, 2, 6, 6))
costs = [float(step(stack, wanted)) for _ in range(10)]
assert costs[-1] < costs[0], costs
print('same-size pooled conv costs fall', costs[-1] < costs[0])

# A phase fitted through complex numbers: rotate a signal onto a target.
theta = graphlens.shared(0.1, name='theta')
signal = T.zvector('signal')
rotated = signal * T.complex_from_polar(1.0, theta)
loss = T.sqr(abs(rotated - signal * np.exp(0.7j))).sum()
fit = graphlens.function([signal], loss, updates=[(theta, theta - 0.05 * T.grad(loss, theta))])
wave = np.exp(1j * np.linspace(0, 3, 6)) * np.linspace(1, 2, 6)
for _ in range(60):
    fit(wave)
assert abs(theta.get_value() - 0.7) < 1e-3, theta.get_value()
z = T.zvector('z')
parts = graphlens.function([z], [z.real, z.imag, T.angle(z), T.conj(z)])
re, im, phase, conjugate = parts(np.array([1 + 1j, -2j]))
assert np.allclose(phase, [np.pi / 4, -np.pi / 2]) and np.allclose(conjugate, [1 - 1j, 2j])
print('theta', round(float(theta.get_value()), 4))

# Newton's method for the shape of a gamma distribution uses trigamma.
k, s = T.dscalar('k'), T.dscalar('s')
newton = graphlens.function([k, s], k - (T.log(k) - T.psi(k) - s) / (1 / k - T.tri_gamma(k)))
draws = rng.gamma(3.0, 2.0, size=5000)
s_value = np.log(draws.mean()) - np.log(draws).mean()
shape = 1.0
for _ in range(8):
    shape = float(newton(shape, s_value))
assert abs(np.log(shape) - scipy.special.psi(shape) - s_value) < 1e-10
print('gamma shape', round(shape, 2))

"""LeNet-5-sized forward pass plus gradient, graphlens against hand-written numpy im2col.

    OPENBLAS_NUM_THREADS=1 python bench/lenet.py            # float32; --dtype float64 too

The network: batch 64 of 28x28 images, conv 20 filters 5x5, 2x2 max pooling, tanh; conv 50
filters 5x5, 2x2 max pooling, tanh; a 500-unit tanh hidden layer; softmax over 10 classes and
the mean cross-entropy. Both sides compute the cost and the gradients of all eight parameters
(not the images'); the reference keeps each layer's im2col columns from the forward pass for the
filters' gradient, as hand-written code does. Target: a ratio of at most 1.3.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from graphlens.tensor.nnet import conv2d  # noqa: E402
from graphlens.tensor.signal import pool  # noqa: E402
from timing import compare  # noqa: E402

BATCH, KERNELS, HIDDEN, CLASSES = 64, (20, 50), 500, 10


def make_params(rng, dtype):
    """Filters, biases and weights of the network, as float `dtype` arrays."""
    def uniform(shape, fan_in):
        bound = np.sqrt(3.0 / fan_in)
        return rng.uniform(-bound, bound, size=shape).astype(dtype)
    return [uniform((KERNELS[0], 1, 5, 5), 25), np.zeros(KERNELS[0], dtype),
            uniform((KERNELS[1], KERNELS[0], 5, 5), KERNELS[0] * 25), np.zeros(KERNELS[1], dtype),
            uniform((KERNELS[1] * 16, HIDDEN), KERNELS[1] * 16), np.zeros(HIDDEN, dtype),
            uniform((HIDDEN, CLASSES), HIDDEN), np.zeros(CLASSES, dtype)]


def graphlens_step(values, dtype):
    """The compiled function (images, labels) -> [cost, 8 gradients]."""
    params = [shared(v.copy(), name=f"p{i}") for i, v in enumerate(values)]
    x = T.TensorType(dtype, (BATCH, 1, 28, 28))("x")
    y = T.lvector("y")
    h = x
    shapes = [(BATCH, 1, 28, 28), (BATCH, KERNELS[0], 12, 12)]
    for layer in range(2):
        w, b = params[2 * layer], params[2 * layer + 1]
        conv = conv2d(h, w, input_shape=shapes[layer], filter_shape=values[2 * layer].shape)
        h = T.tanh(pool.pool_2d(conv, ws=(2, 2), ignore_border=True)
                   + b.dimshuffle("x", 0, "x", "x"))
    h = T.tanh(T.dot(h.flatten(2), params[4]) + params[5])
    p = T.nnet.softmax(T.dot(h, params[6]) + params[7])
    cost = T.nnet.categorical_crossentropy(p, y).mean()
    return function([x, y], [cost] + grad(cost, params))


def _im2col(x, k):
    """(batch * rows' * cols', channels * k * k) columns of x's k x k windows."""
    windows = sliding_window_view(x, (k, k), axis=(2, 3))          # b, c, oh, ow, k, k
    b, c, oh, ow = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(b * oh * ow, c * k * k), (oh, ow)


def _col2im(dcols, shape, k, out_hw):
    b, c, height, width = shape
    oh, ow = out_hw
    dcols = dcols.reshape(b, oh, ow, c, k, k)
    dx = np.zeros(shape, dtype=dcols.dtype)
    for u in range(k):
        for v in range(k):
            dx[:, :, u:u + oh, v:v + ow] += dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    return dx


def numpy_step(values, x, y):
    """Cost and the 8 gradients, by hand: im2col convolutions (filters flipped, as conv2d)."""
    w0, b0, w1, b1, w2, b2, w3, b3 = values
    caches, h = [], x
    for w, b in ((w0, b0), (w1, b1)):
        flipped = w[:, :, ::-1, ::-1]
        cols, (oh, ow) = _im2col(h, 5)
        conv = (cols @ flipped.reshape(w.shape[0], -1).T).reshape(BATCH, oh, ow, -1)
        conv = conv.transpose(0, 3, 1, 2)
        # 2x2 max pooling as the maximum of the four strided quarters (much faster than a
        # max over the blocks' axes), and the mask of each block's maxima for the gradient.
        pooled = np.maximum(np.maximum(conv[:, :, 0::2, 0::2], conv[:, :, 0::2, 1::2]),
                            np.maximum(conv[:, :, 1::2, 0::2], conv[:, :, 1::2, 1::2]))
        blocks = conv.reshape(BATCH, w.shape[0], oh // 2, 2, ow // 2, 2)
        mask = blocks == pooled[:, :, :, None, :, None]
        out = np.tanh(pooled + b[None, :, None, None])
        caches.append((h, cols, (oh, ow), mask, out, flipped))
        h = out
    flat = h.reshape(BATCH, -1)
    hidden = np.tanh(flat @ w2 + b2)
    logits = hidden @ w3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    cost = -np.log(probs[np.arange(BATCH), y]).mean()
    delta = probs
    delta[np.arange(BATCH), y] -= 1
    delta /= BATCH
    g3, gb3 = hidden.T @ delta, delta.sum(axis=0)
    delta = (delta @ w3.T) * (1 - hidden ** 2)
    g2, gb2 = flat.T @ delta, delta.sum(axis=0)
    delta = (delta @ w2.T).reshape(h.shape)
    conv_grads = []
    for layer in (1, 0):
        h_in, cols, (oh, ow), mask, out, flipped = caches[layer]
        dpre = delta * (1 - out ** 2)
        gb = dpre.sum(axis=(0, 2, 3))
        dconv = (mask * dpre[:, :, :, None, :, None]).reshape(BATCH, -1, oh, ow)
        dflat = dconv.transpose(0, 2, 3, 1).reshape(BATCH * oh * ow, -1)
        gw = (dflat.T @ cols).reshape(flipped.shape)[:, :, ::-1, ::-1]
        conv_grads = [gw, gb] + conv_grads
        if layer:
            dcols = dflat @ flipped.reshape(flipped.shape[0], -1)
            delta = _col2im(dcols, h_in.shape, 5, (oh, ow))
    return [cost] + conv_grads + [g2, gb2, g3, gb3]


def lenet_step(dtype="float32", rounds=21):
    """The LeNet comparison after checking both sides agree: a timing.Comparison."""
    rng = np.random.default_rng(0)
    values = make_params(rng, dtype)
    images = rng.standard_normal((BATCH, 1, 28, 28)).astype(dtype)
    labels = rng.integers(0, CLASSES, BATCH).astype("int64")
    step = graphlens_step(values, dtype)
    ours, reference = step(images, labels), numpy_step(values, images, labels)
    tol = 2e-3 if dtype == "float32" else 1e-9
    for mine, theirs in zip(ours, reference):
        np.testing.assert_allclose(mine, theirs, rtol=tol, atol=tol * 1e-2)
    return compare(lambda: step(images, labels), lambda: numpy_step(values, images, labels),
                   number=3, rounds=rounds)


def benchmarks():
    """{name: callable returning a timing.Comparison} for bench/run.py."""
    return {"LeNet-5 forward + gradient, batch 64, float32, vs numpy im2col": lenet_step}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    result = lenet_step(args.dtype, args.rounds)
    print(f"LeNet-5 forward + gradient, batch {BATCH}, {args.dtype}: graphlens "
          f"{result.ours * 1e3:.1f} ms, numpy im2col {result.reference * 1e3:.1f} ms, "
          f"ratio {result.ratio:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()

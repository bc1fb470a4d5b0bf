"""Theano's `theano.tensor.nnet.bn`: batch normalization, built from ordinary ops (so its
gradient, its printing and its pictures come from theirs).

>>> out, mean, invstd = batch_normalization_train(h, gamma, beta, axes='spatial')  # doctest: +SKIP
>>> y = batch_normalization_test(h, gamma, beta, running_mean, running_var)        # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.tensor.arguments import int_arguments
from graphlens.tensor.basic import cast
from graphlens.tensor.math import sqrt
from graphlens.tensor.reduce import mean as tensor_mean, var as tensor_var
from graphlens.tensor.shape import shape
from graphlens.tensor.variable import as_tensor_variable


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem"):
    """(inputs - mean) * (gamma / std) + beta, with the statistics given (Theano 1.0's).

    `mode` ('low_mem' or 'high_mem') chose a memory trade-off in Theano's C code; the values
    are the same.
    """
    if mode not in ("low_mem", "high_mem"):
        raise InvalidArgumentError(f"batch_normalization: mode must be 'low_mem' or 'high_mem', "
                                   f"got {mode!r:.40}")
    inputs, gamma, beta, mean, std = map(as_tensor_variable, (inputs, gamma, beta, mean, std))
    return (inputs - mean) * (gamma / std) + beta


def _axes(axes, ndim):
    """Theano's axes: 'per-activation' (0,), 'spatial' (0, 2, 3, ...), or a tuple of ints."""
    if axes == "per-activation":
        return (0,)
    if axes == "spatial":
        return (0,) + tuple(range(2, ndim))
    chosen = tuple(sorted(set(int_arguments(axes, "batch normalization", "axes"))))
    if any(not 0 <= a < ndim for a in chosen):
        raise InvalidArgumentError(f"batch normalization: axes {chosen} are out of range for "
                                   f"inputs of rank {ndim}")
    return chosen


def _broadcast_param(param, axes, ndim, what):
    """A parameter shaped like the inputs without `axes` gets those axes back, of length 1."""
    param = as_tensor_variable(param)
    if param.ndim == ndim:
        return param, False
    if param.ndim != ndim - len(axes):
        raise ShapeError(f"batch normalization: {what} {describe(param)} must have the rank of "
                         f"the inputs ({ndim}) or that minus the normalized axes "
                         f"({ndim - len(axes)})")
    pattern, kept = [], iter(range(param.ndim))
    for axis in range(ndim):
        pattern.append("x" if axis in axes else next(kept))
    return param.dimshuffle(pattern), True


def _params_shape(stat, axes, dropped):
    """A statistic computed with keepdims, shaped as the parameters were given."""
    if not dropped:
        return stat
    return stat.dimshuffle([axis for axis in range(stat.ndim) if axis not in axes])


def batch_normalization_train(inputs, gamma, beta, axes="per-activation", epsilon=1e-4,
                              running_average_factor=0.1, running_mean=None, running_var=None):
    """Normalize `inputs` by the batch's own mean and variance over `axes`, then scale by
    `gamma` and shift by `beta`. Returns (out, mean, invstd), and with `running_mean` and
    `running_var` also their updated values (the variance unbiased, as Theano's):
    `running * (1 - factor) + batch * factor`.
    """
    inputs = as_tensor_variable(inputs)
    axes = _axes(axes, inputs.ndim)
    gamma, dropped = _broadcast_param(gamma, axes, inputs.ndim, "gamma")
    beta, _ = _broadcast_param(beta, axes, inputs.ndim, "beta")
    mean = tensor_mean(inputs, axis=axes, keepdims=True)
    var = tensor_var(inputs, axis=axes, keepdims=True)
    invstd = 1.0 / sqrt(var + epsilon)
    out = (inputs - mean) * invstd * gamma + beta
    results = [out, _params_shape(mean, axes, dropped), _params_shape(invstd, axes, dropped)]
    if (running_mean is None) != (running_var is None):
        raise InvalidArgumentError("batch_normalization_train: give running_mean and running_var "
                                   "together, or neither")
    if running_mean is not None:
        factor = running_average_factor
        running_mean, _ = _broadcast_param(running_mean, axes, inputs.ndim, "running_mean")
        running_var, _ = _broadcast_param(running_var, axes, inputs.ndim, "running_var")
        count = cast(shape(inputs)[axes[0]], inputs.dtype)
        for axis in axes[1:]:
            count = count * cast(shape(inputs)[axis], inputs.dtype)
        unbiased = var * (count / (count - 1))
        results += [_params_shape(running_mean * (1 - factor) + mean * factor, axes, dropped),
                    _params_shape(running_var * (1 - factor) + unbiased * factor, axes, dropped)]
    return tuple(results)


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation",
                             epsilon=1e-4):
    """Normalize `inputs` by given statistics (running averages at test time):
    (inputs - mean) * gamma / sqrt(var + epsilon) + beta."""
    inputs = as_tensor_variable(inputs)
    axes = _axes(axes, inputs.ndim)
    gamma, _ = _broadcast_param(gamma, axes, inputs.ndim, "gamma")
    beta, _ = _broadcast_param(beta, axes, inputs.ndim, "beta")
    mean, _ = _broadcast_param(mean, axes, inputs.ndim, "mean")
    var, _ = _broadcast_param(var, axes, inputs.ndim, "var")
    return (inputs - mean) * gamma / sqrt(var + epsilon) + beta

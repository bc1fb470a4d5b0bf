"""Theano's `theano.tensor.nnet.bn`: batch normalization, built from ordinary ops (so its
gradient, its printing and its pictures come from theirs).

>>> out, mean, invstd = batch_normalization_train(h, gamma, beta, axes='spatial')  # doctest: +SKIP
>>> y = batch_normalization_test(h, gamma, beta, running_mean, running_var)        # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.tensor.arguments import int_arguments
from graphlens.tensor.basic import cast
from graphlens.tensor.broadcast import addbroadcast
from graphlens.tensor.math import sqrt
from graphlens.tensor.reduce import mean as tensor_mean, sum as tensor_sum, var as tensor_var
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
        # Length 1 on the normalized axes, broadcasting there (checked when the function
        # runs), as Theano's addbroadcast: a parameter read as (1, channels, 1, 1).
        return addbroadcast(param, *axes), False
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


class _BatchNormBuilder:
    """Theano's abstract batch-normalization op classes, called as Theano's programs and
    tests call them: `AbstractBatchNormTrain(axes)(x, scale, bias, ...)`. Here each call
    builds the same values from ordinary ops, as batch_normalization_train does (Theano's
    optimizer replaced its abstract nodes so): the outputs are differentiable to any order,
    and no node of these classes is ever in a graph. Parameters have the inputs' rank."""

    def __init__(self, axes=(0,)):
        axes = tuple(int(a) for a in int_arguments(axes, type(self).__name__, "axes"))
        if not axes:
            raise InvalidArgumentError(f"{type(self).__name__}: axes must not be empty")
        self.axes = axes

    def __eq__(self, other):
        return type(self) is type(other) and self.axes == other.axes

    def __hash__(self):
        return hash((type(self).__name__, self.axes))

    def __repr__(self):
        return f"{type(self).__name__}{{axes={self.axes}}}"

    def _checked(self, x, *params):
        x = as_tensor_variable(x)
        if max(self.axes) >= x.ndim:
            raise InvalidArgumentError(f"{type(self).__name__}: axes {self.axes} are out of "
                                       f"range for inputs of rank {x.ndim}")
        params = [as_tensor_variable(p) for p in params]
        for param in params:
            if param.ndim != x.ndim:
                raise ShapeError(f"{type(self).__name__}: {describe(param)} must have the "
                                 f"inputs' rank {x.ndim}")
        # The normalized axes of a parameter have length 1 and broadcast (Theano's addbroadcast:
        # checked when the function runs).
        return x, [addbroadcast(p, *self.axes) for p in params]


class AbstractBatchNormTrain(_BatchNormBuilder):
    """`(x, scale, bias, epsilon=1e-4, running_average_factor=0.1, running_mean=None,
    running_var=None)` -> [out, mean, invstd] (+ the updated running_mean and running_var)."""

    def __call__(self, x, scale, bias, epsilon=1e-4, running_average_factor=0.1,
                 running_mean=None, running_var=None):
        x, (scale, bias) = self._checked(x, scale, bias)
        if (running_mean is None) != (running_var is None):
            raise InvalidArgumentError("AbstractBatchNormTrain: give running_mean and "
                                       "running_var together, or neither")
        mean = tensor_mean(x, axis=self.axes, keepdims=True)
        var = tensor_var(x, axis=self.axes, keepdims=True)
        invstd = 1.0 / sqrt(var + epsilon)
        outputs = [(x - mean) * (scale * invstd) + bias, mean, invstd]
        if running_mean is not None:
            _, (running_mean, running_var) = self._checked(x, running_mean, running_var)
            count = cast(shape(x)[self.axes[0]], x.dtype)
            for axis in self.axes[1:]:
                count = count * cast(shape(x)[axis], x.dtype)
            factor = running_average_factor
            outputs += [running_mean * (1.0 - factor) + mean * factor,
                        running_var * (1.0 - factor) + (count / (count - 1)) * var * factor]
        return outputs


class AbstractBatchNormInference(_BatchNormBuilder):
    """`(x, scale, bias, estimated_mean, estimated_variance, epsilon=1e-4)` -> the inputs
    normalized by the given statistics."""

    def __call__(self, x, scale, bias, estimated_mean, estimated_variance, epsilon=1e-4):
        x, (scale, bias, mean, variance) = self._checked(x, scale, bias, estimated_mean,
                                                         estimated_variance)
        return (x - mean) * (scale / sqrt(variance + epsilon)) + bias


class AbstractBatchNormTrainGrad(_BatchNormBuilder):
    """`(x, dy, scale, x_mean, x_invstd, epsilon=1e-4)` -> [d x, d scale, d bias]: the
    gradients of batch normalization in training mode for the output gradient dy."""

    def __call__(self, x, dy, scale, x_mean, x_invstd, epsilon=1e-4):
        x, (scale, x_mean, x_invstd) = self._checked(x, scale, x_mean, x_invstd)
        dy = as_tensor_variable(dy)
        axes = self.axes
        centered = x - x_mean
        mean_dy_centered = tensor_mean(dy * centered, axis=axes, keepdims=True)
        c = dy * x_invstd - centered * mean_dy_centered * x_invstd ** 3
        return [scale * (c - tensor_mean(c, axis=axes, keepdims=True)),
                tensor_sum(dy * x_invstd * centered, axis=axes, keepdims=True),
                tensor_sum(dy, axis=axes, keepdims=True)]

"""What users import as T: `import graphlens.tensor as T`.

>>> x = T.dscalar('x'); y = T.dscalar('y'); z = x + y
"""

from graphlens.tensor import nnet
from graphlens.tensor.basic import (PREFIXED_CONSTRUCTORS, arange, cast, col, eye, matrix, row,
                                    scalar, tensor, tensor3, tensor4, tensor5, vector)
from graphlens.tensor.blas import dot
from graphlens.tensor.compare import (and_, ceil, clip, eq, floor, ge, gt, invert, le, lt,
                                      maximum, minimum, neq, or_, round, sgn, switch, xor)
from graphlens.tensor.join import concatenate, join, stack
from graphlens.tensor.math import (abs, add, arccos, arcsin, arctan, cos, cosh, exp, expm1, fill,
                                   int_div, log, log1p, mod, mul, neg, ones_like, pow, sin, sinh,
                                   sqr, sqrt, sub, tan, tanh, true_div, zeros_like)
from graphlens.tensor.reduce import (all, any, argmax, argmin, max, mean, min, prod, std, sum,
                                     var)
from graphlens.tensor.shape import (alloc, dimshuffle, flatten, make_vector, reshape, shape,
                                    shape_padaxis, shape_padleft, shape_padright, squeeze,
                                    transpose)
from graphlens.tensor.subtensor import getitem, inc_subtensor, set_subtensor
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import (TensorConstant, TensorVariable, as_tensor_variable,
                                       constant)

globals().update(PREFIXED_CONSTRUCTORS)   # bscalar, ivector, fmatrix, dtensor3, ...

as_tensor = as_tensor_variable
concat = concatenate
true_divide = true_div
sigmoid = nnet.sigmoid
softplus = nnet.softplus
relu = nnet.relu
softmax = nnet.softmax


def zeros(shape, dtype=None):
    """A tensor of zeros: `T.zeros((n, 3))`."""
    from graphlens.tensor.basic import _float_x
    return alloc(constant(0, dtype=dtype or _float_x()), *shape)


def ones(shape, dtype=None):
    """A tensor of ones: `T.ones((n, 3))`."""
    from graphlens.tensor.basic import _float_x
    return alloc(constant(1, dtype=dtype or _float_x()), *shape)


def __getattr__(name):
    # T.grad, T.jacobian, ...: Theano users find them here; gradient.py imports this package.
    from graphlens import gradient
    if name in ("grad", "jacobian", "hessian", "zero_grad", "disconnected_grad",
                "consider_constant", "straight_through", "verify_grad"):
        return getattr(gradient, name)
    if name == "shared_randomstreams":       # T.shared_randomstreams.RandomStreams, as Theano's
        import importlib
        return importlib.import_module("graphlens.tensor.shared_randomstreams")
    raise AttributeError(f"module 'graphlens.tensor' has no attribute {name!r}")

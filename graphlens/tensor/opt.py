"""Theano's `theano.tensor.opt`, for registering one's own rewrites: `register_canonicalize`,
`register_stabilize`, `register_specialize` (graphlens/gof/opt.py has them); and its run-time
check, `Assert` / `assert_op` (graphlens/tensor/assertion.py).

>>> @register_canonicalize
... @local_optimizer([MyOp])
... def local_my_op_to_add(node):
...     return [node.inputs[0] + node.inputs[0]]
"""

from graphlens.gof.opt import (  # noqa: F401  (at Theano's path)
    in2out, local_optimizer, out2in, register_canonicalize, register_specialize,
    register_specialize_device, register_stabilize, register_uncanonicalize)
from graphlens.tensor.assertion import Assert, assert_, assert_op  # noqa: F401
# Theano's rewrites read constants with these, and user rewrites import them from here.
from graphlens.errors import NotScalarConstantError  # noqa: F401
from graphlens.tensor.constant_value import get_scalar_constant_value  # noqa: F401
# Theano's symbolic-shape vector (opt.MakeVector(dtype)(a, b), opt.make_vector(a, b)).
from graphlens.tensor.shape import MakeVector, make_vector  # noqa: F401,E402
# Theano's Shape_i(i)(x): the length of axis i, an int64 scalar (one class with a mean's count).
from graphlens.tensor.reduce import AxisSize as Shape_i  # noqa: F401,E402

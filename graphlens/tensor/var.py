"""Theano's `theano.tensor.var`: the tensor variable classes, at the path Theano code imports
them from (they live in tensor/variable.py).

>>> from graphlens.tensor.var import TensorVariable
>>> isinstance(T.dvector(), TensorVariable)
True
"""

from graphlens.errors import AsTensorError  # noqa: F401 (raised by as_tensor_variable)
from graphlens.tensor.variable import TensorConstant, TensorVariable  # noqa: F401

# Theano's mixin of the operators; here TensorVariable carries them itself.
_tensor_py_operators = TensorVariable

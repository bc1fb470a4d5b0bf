"""Theano's `theano.tensor.sharedvar`: the shared tensor variable class, at the path Theano code
imports it from (shared variables live in compile/shared.py).

>>> from graphlens.tensor.sharedvar import TensorSharedVariable
>>> isinstance(graphlens.shared(np.zeros(3)), TensorSharedVariable)
True
"""

from graphlens.compile.shared import SharedVariable, shared  # noqa: F401

# Every shared variable is a tensor here: Theano's tensor subclass is the class itself.
TensorSharedVariable = SharedVariable
ScalarSharedVariable = SharedVariable
tensor_constructor = shared
scalar_constructor = shared

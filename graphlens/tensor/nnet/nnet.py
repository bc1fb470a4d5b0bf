"""Theano's `theano.tensor.nnet.nnet` module path: the softmax, rectifier and cross-entropy
functions Theano code imports from it (they live in tensor/nnet/basic.py, crossentropy.py and
activations.py).

>>> from graphlens.tensor.nnet.nnet import softmax, categorical_crossentropy
"""

from graphlens.tensor.nnet.activations import Softsign, elu, selu, softsign  # noqa: F401
from graphlens.tensor.scalar_standard import scalar_op_lookup
from graphlens.tensor.nnet.basic import (  # noqa: F401
    LogSoftmax, Softmax, binary_crossentropy, categorical_crossentropy, log_softmax, relu,
    sigmoid, sigmoid_binary_crossentropy, softmax, softplus)
from graphlens.tensor.nnet.crossentropy import (  # noqa: F401
    crossentropy_categorical_1hot, crossentropy_softmax_1hot, crossentropy_softmax_1hot_with_bias,
    crossentropy_softmax_argmax_1hot_with_bias, softmax_with_bias)

from graphlens.tensor.nnet.theano_xent_ops import *  # noqa: F401,F403,E402  (Theano's op classes)

logsoftmax = log_softmax
softmax_op, logsoftmax_op = Softmax(), LogSoftmax()

# Theano's `ScalarSoftsign` and `scalar_softsign` (tensor/scalar_special.py makes them).
__getattr__ = scalar_op_lookup(__name__, {"scalar_softsign": Softsign},
                               {"ScalarSoftsign": Softsign})

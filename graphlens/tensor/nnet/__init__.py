"""`graphlens.tensor.nnet`, as Theano's `theano.tensor.nnet`: neural-network functions.

>>> p = T.nnet.softmax(T.dot(x, W) + b); cost = T.nnet.categorical_crossentropy(p, y).mean()
"""

from graphlens.tensor.nnet.basic import (  # noqa: F401  (re-exported at Theano's path)
    AxisNormalization, LogSoftmax, Relu, Sigmoid, Softmax, Softplus, binary_crossentropy,
    categorical_crossentropy, log_softmax, relu, sigmoid, softmax, softplus)
from graphlens.tensor.nnet.basic import (  # noqa: F401
    SigmoidBinaryCrossentropy, sigmoid_binary_crossentropy)

"""`graphlens.tensor.nnet`, as Theano's `theano.tensor.nnet`: neural-network functions.

>>> p = T.nnet.softmax(T.dot(x, W) + b); cost = T.nnet.categorical_crossentropy(p, y).mean()
"""

from graphlens.tensor.nnet.basic import (  # noqa: F401  (re-exported at Theano's path)
    AxisNormalization, LogSoftmax, Relu, Sigmoid, Softmax, Softplus, binary_crossentropy,
    categorical_crossentropy, log_softmax, relu, sigmoid, softmax, softplus)
from graphlens.tensor.nnet import sigm  # noqa: F401,E402  (theano.tensor.nnet.sigm)
from graphlens.tensor.nnet.crossentropy import (  # noqa: F401,E402
    crossentropy_categorical_1hot, crossentropy_softmax_1hot, crossentropy_softmax_1hot_with_bias,
    crossentropy_softmax_argmax_1hot_with_bias, crossentropy_softmax_max_and_argmax_1hot,
    crossentropy_softmax_max_and_argmax_1hot_with_bias, softmax_with_bias)
from graphlens.tensor.nnet.sigm import hard_sigmoid, ultra_fast_sigmoid  # noqa: F401,E402
from graphlens.tensor.nnet.sigm import (sigmoid_inplace,  # noqa: F401,E402
                                        ultra_fast_sigmoid_inplace)
from graphlens.tensor.nnet.activations import elu, selu, softsign  # noqa: F401,E402

logsoftmax = log_softmax          # Theano 1.0's name
from graphlens.tensor.nnet.abstract_conv import conv2d, conv2d_transpose, conv3d  # noqa: E402,F401
from graphlens.tensor.nnet import abstract_conv  # noqa: E402,F401
from graphlens.tensor.nnet import conv  # noqa: E402,F401
from graphlens.tensor.nnet import corr, corr3d  # noqa: E402,F401  (Theano's CorrMM, Corr3dMM)
from graphlens.tensor.nnet import conv3d2d  # noqa: E402,F401  (theano.tensor.nnet.conv3d2d)
from graphlens.tensor.nnet import bn  # noqa: E402,F401  (theano.tensor.nnet.bn)
from graphlens.tensor.nnet.bn import batch_normalization  # noqa: E402,F401  (as Theano's)
from graphlens.tensor.nnet import neighbours  # noqa: E402,F401
from graphlens.tensor.nnet.neighbours import images2neibs, neibs2images  # noqa: E402,F401
from graphlens.tensor.nnet.basic import (  # noqa: F401,E402
    SigmoidBinaryCrossentropy, sigmoid_binary_crossentropy)
from graphlens.tensor.nnet.hierarchical_softmax import (  # noqa: F401,E402
    confusion_matrix, h_softmax)
from graphlens.tensor.nnet import ctc  # noqa: E402,F401  (theano.tensor.nnet.ctc)
from graphlens.tensor.nnet.theano_xent_ops import *  # noqa: F401,F403,E402  (Theano's op classes)
softmax_op, logsoftmax_op = Softmax(), LogSoftmax()     # Theano's instances  # noqa: E305

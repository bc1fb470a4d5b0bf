"""Theano's path `theano.tensor.nnet.corr3d`: Corr3dMM and its gradient ops (corr_ops.py).

>>> from graphlens.tensor.nnet.corr3d import Corr3dMM, Corr3dMM_gradWeights
"""

from graphlens.tensor.nnet.corr_ops import Corr3dMM, Corr3dMM_gradInputs, Corr3dMM_gradWeights

__all__ = ["Corr3dMM", "Corr3dMM_gradInputs", "Corr3dMM_gradWeights"]

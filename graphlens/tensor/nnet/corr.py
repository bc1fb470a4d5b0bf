"""Theano's path `theano.tensor.nnet.corr`: CorrMM and its gradient ops (corr_ops.py).

>>> from graphlens.tensor.nnet.corr import CorrMM, CorrMM_gradWeights, CorrMM_gradInputs
"""

from graphlens.tensor.nnet.corr_ops import CorrMM, CorrMM_gradInputs, CorrMM_gradWeights

__all__ = ["CorrMM", "CorrMM_gradInputs", "CorrMM_gradWeights"]

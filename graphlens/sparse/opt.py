"""Theano's path `theano.sparse.opt`: the ops Theano's optimizer put in place of sparse
products on a csc matrix's arrays. They live in `csc_products.py`.

>>> from graphlens.sparse.opt import StructuredDotCSC, UsmmCscDense, CSMGradC
"""

from graphlens.sparse.csc_products import CSMGradC, StructuredDotCSC, UsmmCscDense

# Theano's instances of them.
sd_csc = StructuredDotCSC()
usmm_csc_dense = UsmmCscDense(inplace=False)
usmm_csc_dense_inplace = UsmmCscDense(inplace=True)
csm_grad_c = CSMGradC()

__all__ = ["CSMGradC", "StructuredDotCSC", "UsmmCscDense", "csm_grad_c", "sd_csc",
           "usmm_csc_dense", "usmm_csc_dense_inplace"]

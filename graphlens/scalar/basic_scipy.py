"""`theano.scalar.basic_scipy` at its path: the special functions' scalar ops.

>>> from graphlens.scalar.basic_scipy import erf, Erf
>>> isinstance(erf, Erf)
True
"""

from graphlens.tensor.scalar_math import (  # noqa: F401  (re-exports at Theano's path)
    Erf, Erfc, Erfcinv, Erfcx, Erfinv, Gamma, GammaLn, Psi, erf, erfc, erfcinv, erfcx, erfinv,
    gamma, gammaln, psi)

"""`theano.scalar.basic_scipy` at its path: the special functions' scalar ops (erf, gamma, ...,
the Bessel functions, chi2sf).

>>> from graphlens.scalar.basic_scipy import erf, Erf
>>> isinstance(erf, Erf)
True
"""

from graphlens.tensor.scalar_math import (  # noqa: F401  (re-exports at Theano's path)
    Erf, Erfc, Erfcinv, Erfcx, Erfinv, Gamma, GammaLn, Psi, erf, erfc, erfcinv, erfcx, erfinv,
    gamma, gammaln, psi)
from graphlens.tensor.scalar_special import (  # noqa: F401
    Chi2SF, I0, I1, Iv, J0, J1, Jv, chi2sf, i0, i1, iv, j0, j1, jv)

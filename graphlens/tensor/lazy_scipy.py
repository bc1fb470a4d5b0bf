"""scipy.special and scipy.linalg, imported when an op first needs them rather than with
graphlens.

Together they take longer to import than all of graphlens's graph-building modules (they pull
scipy's array-API layer, numpy.testing, f2py and LAPACK's wrappers), yet only a graph holding
erf, gamma, a Bessel function, chi2sf or a slinalg op ever calls them. So such an op names its
function here, and the module is imported the first time the op runs or is compiled (when its
`nfunc` is read or its `perform` called), never by `import graphlens`.

>>> class Erf(RealFloatUnaryElemwise):            # doctest: +SKIP
...     nfunc = special_function("erf")
>>> Erf.nfunc is scipy.special.erf                # doctest: +SKIP
True
"""

from __future__ import annotations


def scipy_special():
    """The module scipy.special, imported on the first call (later calls find it loaded).

    >>> float(scipy_special().erf(0.0))
    0.0
    """
    import scipy.special      # heavy and needed by few graphs: loaded on first use
    return scipy.special


def scipy_linalg():
    """The module scipy.linalg, imported on the first call (later calls find it loaded).

    >>> scipy_linalg().cholesky([[4.0]]).tolist()
    [[2.0]]
    """
    import scipy.linalg       # heavy and needed by few graphs: loaded on first use
    return scipy.linalg


class special_function:
    """`nfunc = special_function("erf")` on an op class: reading `op.nfunc` (or `Op.nfunc`)
    gives `scipy.special.erf`, importing scipy.special the first time, as
    `staticmethod(scipy.special.erf)` would give it once imported.

    >>> class Op:
    ...     nfunc = special_function("erfc")
    >>> float(Op().nfunc(0.0))
    1.0
    """

    def __init__(self, name: str):
        self.name = name
        self.function = None

    def __get__(self, instance, owner=None):
        if self.function is None:
            self.function = getattr(scipy_special(), self.name)
        return self.function

    def __repr__(self):
        return f"special_function({self.name!r})"

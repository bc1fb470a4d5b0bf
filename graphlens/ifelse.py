"""`graphlens.ifelse`, as Theano's `theano.ifelse`: the lazy conditional.

>>> from graphlens.ifelse import ifelse
>>> z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))        # doctest: +SKIP
"""

from graphlens.tensor.conditional import IfElse, ifelse  # noqa: F401  (Theano's path)

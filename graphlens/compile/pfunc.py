"""Theano's `theano.compile.pfunc`: `pfunc`, the function `theano.function` called, with the same
arguments in the same order. Here it is `graphlens.function` itself under that name, so code
written against `pfunc` (and Theano's scan, which imported it) compiles the same way.

>>> f = pfunc([x], x + 1)                               # doctest: +SKIP
"""

from graphlens.compile.function import function


def pfunc(params, outputs=None, mode=None, updates=None, givens=None,
          no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
          allow_input_downcast=None, profile=None, on_unused_input=None):
    """Compile `outputs` as a function of `params` (variables or `In`s): `graphlens.function`
    under Theano's older name and argument order.

    >>> pfunc([x], x * 2)(3.0)                           # doctest: +SKIP
    array(6.)
    """
    return function(params, outputs, mode, updates, givens, no_default_updates, accept_inplace,
                    name, rebuild_strict, allow_input_downcast, profile, on_unused_input)


__all__ = ["pfunc"]

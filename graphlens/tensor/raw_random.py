"""`graphlens.tensor.raw_random`, as Theano's: draws from a RandomState variable the user holds
(`random_state_type()`, or `shared(numpy.random.RandomState(s))`), each returning (the state
after the draw, the samples), with Theano's numbers. The code lives in `graphlens/random/raw.py`.

>>> rng = random_state_type(); new_rng, u = uniform(rng, (2, 2))
"""

from graphlens.random.raw import (RandomFunction, RandomStateType,  # noqa: F401  (Theano's path)
                                  _infer_ndim_bcast, binomial, choice, choice_helper,
                                  multinomial, multinomial_helper, normal, permutation,
                                  permutation_helper, poisson, random_integers,
                                  random_integers_helper, random_state_type, uniform)

# Theano's module imported `theano` at its top and had no __all__, so a star import of it (as
# Theano's own raw_random tests do) also gave the package's name; so does this one.
import graphlens  # noqa: E402,F401

"""Theano's path `theano.misc`: `pkl_utils` (saving models and graphs, code in
graphlens/compile/pickling.py).

>>> from graphlens.misc.pkl_utils import dump, load             # doctest: +SKIP
"""

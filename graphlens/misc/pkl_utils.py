"""Theano's path `theano.misc.pkl_utils`: `dump`, `load`, `StripPickler` and the persistence
helpers; the code lives in graphlens/compile/pickling.py.

>>> with open('model.zip', 'wb') as f:                          # doctest: +SKIP
...     dump((train, W), f)
"""

from graphlens.compile.pickling import (  # noqa: F401  (at Theano's path)
    DEFAULT_PROTOCOL, PersistentNdarrayID, PersistentNdarrayLoad, PersistentSharedVariableID,
    StripPickler, dump, load)

__all__ = ["DEFAULT_PROTOCOL", "PersistentNdarrayID", "PersistentNdarrayLoad",
           "PersistentSharedVariableID", "StripPickler", "dump", "load"]

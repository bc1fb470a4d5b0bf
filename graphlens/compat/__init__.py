"""Theano's `theano.compat`: the Python 2/3 names Theano programs import from it
(`from theano.compat import izip, OrderedDict, PY3`). Only Python 3 runs graphlens, so each is
Python 3's own: `izip` is `zip`, `imap` is `map`, `PY3` is True.

>>> from graphlens.compat import izip, OrderedDict
>>> list(OrderedDict(izip("ab", [1, 2])).items())
[('a', 1), ('b', 2)]
"""

import configparser
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, ValuesView
from importlib import reload
from io import BytesIO
from operator import truediv as operator_div

PY3 = True
izip, imap, ifilter = zip, map, filter
next = next  # noqa: PLW0127  (Theano re-exported the builtin)


def b(text):
    """`text` as bytes, latin-1 encoded (six.b).

    >>> b("ab")
    b'ab'
    """
    return text.encode("latin-1")


def cmp(x, y):
    """-1, 0 or 1 as x is less than, equal to or greater than y (Python 2's cmp).

    >>> cmp(1, 2), cmp(2, 2), cmp(3, 2)
    (-1, 0, 1)
    """
    return (x > y) - (x < y)


def exc_message(e):
    """The message of exception `e`, looking through exceptions wrapped as its first argument.

    >>> exc_message(ValueError(KeyError("inner")))
    'inner'
    """
    message = e.args[0]
    while isinstance(message, Exception):
        message = message.args[0]
    return message


def get_unbound_function(unbound):
    """The plain function behind a method (its `__func__`), or `unbound` itself.

    >>> get_unbound_function(dict.get) is dict.get
    True
    """
    return getattr(unbound, "__func__", unbound)


def decode(x):
    """Bytes to str (utf-8)."""
    return x.decode()


def decode_iter(itr):
    """Each bytes of `itr` decoded to str.

    >>> list(decode_iter([b"a", b"b"]))
    ['a', 'b']
    """
    return (x.decode() for x in itr)


def decode_with(x, encoding):
    """Bytes to str in `encoding`."""
    return x.decode(encoding)


class DefaultOrderedDict(OrderedDict):
    """An OrderedDict that makes a missing key's value with `default_factory()`, as
    collections.defaultdict does.

    >>> d = DefaultOrderedDict(list); d["a"].append(1); d
    DefaultOrderedDict(<class 'list'>, {'a': [1]})
    """

    def __init__(self, default_factory=None, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable")
        super().__init__(*args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        self[key] = value = self.default_factory()
        return value

    def __reduce__(self):
        arguments = () if self.default_factory is None else (self.default_factory,)
        return type(self), arguments, None, None, iter(self.items())

    def __repr__(self):
        return f"{type(self).__name__}({self.default_factory!r}, {dict(self)!r})"

    def copy(self):
        return type(self)(self.default_factory, self)

    __copy__ = copy


def maybe_add_to_os_environ_pathlist(var, newpath):
    """Put absolute path `newpath` first in the os.pathsep-separated environment variable
    `var` (PATH) unless it is there already."""
    if os.path.isabs(newpath):
        paths = os.environ.get(var, "").split(os.pathsep)
        if newpath not in paths:
            os.environ[var] = os.pathsep.join([newpath] + [p for p in paths if p])


__all__ = ["PY3", "b", "BytesIO", "Callable", "Iterable", "Mapping", "MutableMapping",
           "ValuesView", "next", "configparser", "reload", "OrderedDict", "DefaultOrderedDict",
           "izip", "imap", "ifilter", "cmp", "operator_div", "exc_message",
           "get_unbound_function", "decode", "decode_iter", "decode_with",
           "maybe_add_to_os_environ_pathlist"]

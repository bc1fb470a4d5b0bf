"""Theano's `theano.configdefaults`: where its flags were declared, and two helpers Theano code
reads: the bit width of Python ints and of the platform's pointers. The flags themselves are in
graphlens/config.py and graphlens/theano_flags.py.

>>> python_int_bitwidth(), local_bitwidth()
(64, 64)
"""

import struct
import sys


def python_int_bitwidth():
    """Bits of a Python int on this platform (Theano: 64 on 64-bit builds); 64 here.

    >>> python_int_bitwidth()
    64
    """
    return sys.maxsize.bit_length() + 1


def local_bitwidth():
    """Bits of a C pointer (the platform's word): 64 on a 64-bit Python.

    >>> local_bitwidth()
    64
    """
    return struct.calcsize("P") * 8


__all__ = ["python_int_bitwidth", "local_bitwidth"]

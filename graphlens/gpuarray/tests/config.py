"""Theano's `theano.gpuarray.tests.config`: Theano's GPU tests import it before anything else,
and without pygpu it skipped them (nose's SkipTest is unittest's). graphlens has no GPU backend,
so importing it always skips, with Theano's reason.

>>> import graphlens.gpuarray.tests.config  # doctest: +SKIP
"""

import unittest

raise unittest.SkipTest("pygpu not installed")

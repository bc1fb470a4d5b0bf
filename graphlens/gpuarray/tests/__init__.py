"""Theano's `theano.gpuarray.tests`: its GPU tests import `config` from here first."""

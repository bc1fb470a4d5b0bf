"""Theano's `theano.gpuarray` (the GPU backend) as Theano had it on a machine without pygpu:
importable, with `pygpu` None and `pygpu_activated` False, so a program that looks for the GPU
backend before using it takes its CPU path, as it did there. graphlens has no GPU backend: none
of Theano's Gpu* ops exist here (docs/theano-compat.md).

>>> from graphlens import gpuarray
>>> gpuarray.pygpu_activated
False
"""

# Theano set these from `import pygpu`; graphlens never loads pygpu, so they never change.
pygpu = None
pygpu_activated = False

"""Compiling graphs into callable functions: function, shared, config, modes and the evaluator."""

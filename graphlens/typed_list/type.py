"""Theano's path `theano.typed_list.type`: `TypedListType` (code in typed_list/basic.py)."""

from graphlens.typed_list.basic import TypedListType  # noqa: F401

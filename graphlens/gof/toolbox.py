"""Theano's `theano.gof.toolbox`: the features optimizers attach to a FunctionGraph.

graphlens checks every replacement as it is made and keeps the rewrite log itself, so these
features have nothing to watch: they exist so that Theano optimizers attach them as written
(`fgraph.attach_feature(toolbox.ReplaceValidate())`).

>>> fgraph.attach_feature(ReplaceValidate())                          # doctest: +SKIP
"""


class Feature:
    """Base of the features: `on_attach(fgraph)` is called when attached."""

    def on_attach(self, fgraph):
        """Told that it was attached to `fgraph`."""


class ReplaceValidate(Feature):
    """Theano's feature behind `fgraph.replace_validate` (graphlens's graphs have it built in)."""


class History(Feature):
    """Theano's undo history; graphlens keeps a rewrite log instead (`f.rewrite_log`)."""


class Validator(Feature):
    """Theano's validation feature; graphlens validates each replacement as it is made."""


class PreserveNames(Feature):
    """Theano's feature keeping variable names across replacements (graphlens's rewrites do)."""

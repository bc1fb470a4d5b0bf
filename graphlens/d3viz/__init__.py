"""Theano's `theano.d3viz`: an interactive HTML picture of a compiled function.

`d3viz(f, 'graph.html')` writes graphlens's self-contained viewer (render/html.py: pan, zoom,
search, folding, a minimap and a panel of each node's facts) of the function as it runs, its
rewritten graph. Theano's page showed a profiled function's time per node: so does this one,
for a function compiled with `profile=True` and called, shading each node by its share of the
run time (render/profile_overlay.py). The page needs nothing beside it: `copy_deps` (Theano
copied its scripts next to the page) has nothing to copy.

>>> import graphlens.d3viz as d3v
>>> d3v.d3viz(f, 'mlp.html')                                          # doctest: +SKIP
"""

from __future__ import annotations

import os

from graphlens.render.picture import pydotprint

__all__ = ["d3viz", "d3write"]


def d3viz(fct, outfile, copy_deps=True, *args, **kwargs):
    """Write the interactive picture of `fct` (a compiled function, or variables) to `outfile`
    (an .html file; its folder is made when missing). Keywords are pydotprint's (`stage`,
    `rankdir`, `max_nodes`, ...); Theano's formatter options (`compact`, ...) are accepted.

    >>> d3viz(train, 'out/train.html')                                  # doctest: +SKIP
    """
    folder = os.path.dirname(os.path.abspath(outfile))
    os.makedirs(folder, exist_ok=True)
    profiled = getattr(getattr(fct, "profile", None), "fct_callcount", 0) > 0
    kwargs.setdefault("profile", profiled)
    pydotprint(fct, outfile, *args, format="html", **kwargs)


def d3write(fct, path, *args, **kwargs):
    """Write the picture of `fct` as Graphviz DOT text to `path` (Theano's d3write wrote the
    graph the page reads).

    >>> d3write(train, 'train.dot')                                     # doctest: +SKIP
    """
    pydotprint(fct, path, *args, format="dot", **kwargs)

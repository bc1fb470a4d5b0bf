"""Theano's `theano.gof.optdb`: `Query`, the tags that choose rewrites from the optimization
database (`optdb.query(Query(include=['fast_run'])).optimize(fgraph)`). graphlens reads a
query as a mode: 'fast_run' and 'fast_compile' name its rewrite sets, other included tags
add rewrites (alone: only those), excluded tags remove them (compile/mode.py).

>>> Query(include=['fast_run']).excluding('inplace').exclude
('inplace',)
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Query:
    """Tags to include, require and exclude, as Theano's; `subquery` and `position_cutoff` are
    kept but choose nothing here (graphlens's phases are whole)."""

    include: tuple = ()
    require: tuple = ()
    exclude: tuple = ()
    subquery: object = None
    position_cutoff: float | None = None

    def __post_init__(self):
        for name in ("include", "require", "exclude"):
            words = getattr(self, name) or ()
            object.__setattr__(self, name, (words,) if isinstance(words, str) else tuple(words))

    def including(self, *tags) -> "Query":
        """This query with more tags included."""
        return replace(self, include=self.include + tags)

    def excluding(self, *tags) -> "Query":
        """This query with tags excluded."""
        return replace(self, exclude=self.exclude + tags)

    def requiring(self, *tags) -> "Query":
        """This query with tags required (here: included)."""
        return replace(self, require=self.require + tags)

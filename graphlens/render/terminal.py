"""Printers in the terminal: colour for ops, names and types through rich, plain text elsewhere.

>>> from rich import print as rprint
>>> rprint(Formula(cost))            # doctest: +SKIP   (colour on a terminal)
>>> rprint(DebugTree(f))             # doctest: +SKIP

`Formula` and `DebugTree` have `__rich__` (rich renders them, in colour when the console allows)
and `__str__` (the plain text of `pp` / `debugprint`). `emit` writes printer lines to a stream:
through rich when it is a terminal, as plain text otherwise, so pipes and files never receive
escape codes. rich also honours NO_COLOR and FORCE_COLOR.
"""

from __future__ import annotations

from graphlens.render.console import RICH_STYLES, emit, rich_text  # noqa: F401
from graphlens.render.debugprint import tree_lines
from graphlens.render.pp import formula_lines
from graphlens.printer.styled import plain_lines


class Formula:
    """`pp(obj)` as a rich renderable: `rich.print(Formula(expr))` prints it in colour."""

    def __init__(self, obj, *, latex=False, stage="after"):
        self.obj, self.latex, self.stage = obj, latex, stage

    def lines(self):
        """The styled lines of the formula."""
        return formula_lines(self.obj, latex=self.latex, stage=self.stage)

    def __rich__(self):
        return rich_text(self.lines())

    def __str__(self):
        return plain_lines(self.lines())


class DebugTree:
    """`debugprint(obj, ...)` as a rich renderable: `rich.print(DebugTree(f, stage='before'))`."""

    def __init__(self, obj, **options):
        self.obj, self.options = obj, options

    def lines(self):
        """The styled lines of the tree."""
        return tree_lines(self.obj, **self.options)

    def __rich__(self):
        return rich_text(self.lines())

    def __str__(self):
        return plain_lines(self.lines())


def print_pp(obj, *, file=None, latex=False, stage="after"):
    """Print `pp(obj)` to `file` (stdout by default), in colour on a terminal."""
    emit(Formula(obj, latex=latex, stage=stage).lines(), file)

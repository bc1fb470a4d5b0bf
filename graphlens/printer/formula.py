"""How formulas are written: Python-like text, with the fewest parentheses that keep the tree.

`pp.py` walks the graph and asks a syntax for each piece (an infix operator, a call, an index);
the syntax decides parentheses from the one precedence table in `graph/notation.py`. A child is
wrapped only when its precedence is lower than its parent's, or equal on the side where the
operator does not associate:

- `a - (b - c)` keeps its parentheses, `(a - b) - c` prints `a - b - c`;
- `a + (b + c)` prints `a + b + c` (the same associative operator), but `a + (b - c)` and
  `a * (b / c)` keep theirs: floating point does not regroup freely, and the text, read back as
  Python, must build the same tree;
- `**` groups from the right: `a ** b ** c`, `(a ** b) ** c`;
- comparisons never chain: `(a < b) < c`;
- a product mixed with `@` keeps its parentheses: `(a * b) @ c`, `(a @ b) * c`;
- a negative operand on the right of an operator is wrapped: `a - (-b)`, `x ** (-1)`.

`latex.py` writes the same pieces as LaTeX.
"""

from __future__ import annotations

from typing import NamedTuple

from graphlens.graph.notation import ATOM, COMPARE, NEG, POSTFIX
from graphlens.printer.styled import Rope, join_ropes


class Shown(NamedTuple):
    """A printed sub-expression: its rope, its precedence, and its Infix notation (if any)."""

    rope: Rope
    precedence: int = ATOM
    head: object = None


def _symbol(notation):
    return getattr(notation, "symbol", None)


class TextSyntax:
    """Python-like formulas: `x @ W + b[None, :]`, `sum(x, axis=1)`, `x[1:3, ::2]`, `x.T`."""

    # Sub-expressions whose text is at most this long are repeated rather than bound to a name.
    short_length = 16
    # A formula wider than this binds its widest sub-expression to a name on a line of its own.
    width = 100

    def leaf(self, text: str, style: str) -> Shown:
        """A name or a constant; a negative number has the precedence of unary minus."""
        return Shown(Rope(text, style), NEG if text.startswith("-") else ATOM)

    def name(self, text: str, style: str = "name") -> Shown:
        """A variable's display name (a user name, `v1`, or a bound name `%3`)."""
        return self.leaf(text, style)

    def parenthesized(self, rope: Rope) -> Rope:
        """`(rope)`."""
        return Rope("(").add_rope(rope).add(")")

    def operand(self, shown: Shown, notation, side: str) -> Rope:
        """`shown` as the left or right operand of an infix `notation`, wrapped if needed."""
        precedence = notation.precedence
        wrap = shown.precedence < precedence
        if shown.precedence == precedence:
            # Notations are class attributes: the same object almost always, compared by `is`
            # first (a dataclass's == costs a call per operand of a 100,000-node formula).
            same = shown.head is notation or shown.head == notation
            if side == "left":
                # `(a * b) @ c` keeps its parentheses: `a * b @ c` is too easily misread.
                mixed = not same and "@" in (notation.symbol, _symbol(shown.head))
                wrap = notation.right_assoc or precedence == COMPARE or mixed
            else:
                same_associative = notation.associative and same
                wrap = not (notation.right_assoc or same_associative) or precedence == COMPARE
        if side == "right" and shown.precedence == NEG and precedence < NEG:
            wrap = True
        return self.parenthesized(shown.rope) if wrap else shown.rope

    def infix(self, notation, operands: list[Shown]) -> Shown:
        """`a + b + c`, `a - b`, `x @ W`."""
        rope = Rope().add_rope(self.operand(operands[0], notation, "left"))
        separator = f" {notation.symbol} "
        for shown in operands[1:]:
            rope.add(separator, "keyword")
            rope.add_rope(self.operand(shown, notation, "right"))
        return Shown(rope, notation.precedence, notation)

    def prefix(self, notation, operand: Shown) -> Shown:
        """`-x`, `~b`; `-(-x)` and `-(a + b)` keep their parentheses."""
        inner = operand.rope
        if operand.precedence <= notation.precedence:
            inner = self.parenthesized(inner)
        return Shown(Rope(notation.symbol, "keyword").add_rope(inner), notation.precedence)

    def call(self, name: str, args: list[Shown], keywords=(), style: str = "op") -> Shown:
        """`exp(x)`, `sum(x, axis=1)`; `keywords` are (name, value text) pairs."""
        parts = [shown.rope for shown in args]
        parts += [Rope(f"{key}=").add(value, "const") for key, value in keywords]
        rope = Rope(name, style).add("(").add_rope(join_ropes(parts, ", ")).add(")")
        return Shown(rope, ATOM)

    def keyword(self, name: str, value: Shown) -> Shown:
        """`size=x.shape`: an input passed by keyword."""
        return Shown(Rope(f"{name}=").add_rope(value.rope), ATOM)

    def postfix_base(self, base: Shown) -> Rope:
        """`base` before `.T` or `[...]`: wrapped unless it binds at least as tightly."""
        return base.rope if base.precedence >= POSTFIX else self.parenthesized(base.rope)

    def index(self, base: Shown, entries: list[Rope]) -> Shown:
        """`x[1:3, ::2]`, `p[arange(n), y]`."""
        rope = Rope().add_rope(self.postfix_base(base)).add("[")
        rope.add_rope(join_ropes(entries, ", ")).add("]")
        return Shown(rope, POSTFIX)

    def broadcast(self, base: Shown, entries: list[Rope]) -> Shown:
        """Axes inserted for broadcasting, written as indexing: `b[None, :]`."""
        return self.index(base, entries)

    def attribute(self, base: Shown, name: str) -> Shown:
        """`x.T`, `x.shape`."""
        return Shown(Rope().add_rope(self.postfix_base(base)).add("." + name, "op"), POSTFIX)

    def method(self, base: Shown, name: str, args: list[str]) -> Shown:
        """`x.transpose(1, 0, 2)`, `x.dimshuffle(1, 'x', 0)`."""
        rope = Rope().add_rope(self.postfix_base(base)).add("." + name, "op")
        return Shown(rope.add("(" + ", ".join(args) + ")"), POSTFIX)

    def vector(self, items: list[Shown]) -> Shown:
        """`[n, 3]`: a vector built from scalars."""
        rope = Rope("[").add_rope(join_ropes([s.rope for s in items], ", ")).add("]")
        return Shown(rope, ATOM)

    def inner_formula(self, label: str, lines: list, args: list[Shown]) -> Shown:
        """A fused op whose inner formula cannot be substituted: `Composite{i0 * i0}(a)`."""
        body = join_ropes(self.lines(lines), "; ")
        rope = Rope(label, "op").add("{").add_rope(body).add("}(")
        rope.add_rope(join_ropes([s.rope for s in args], ", ")).add(")")
        return Shown(rope, ATOM)

    def braces(self, rope: Rope) -> Rope:
        """`{rope}`: a loop's step written inside its call, `scan(fn={h[t] = ...})`."""
        return Rope("{").add_rope(rope).add("}")

    def line(self, target, arrow: str, rhs: Rope) -> Rope:
        """`%1 = rhs`, `W <- rhs`, or `rhs` alone when there is no target."""
        if target is None:
            return rhs
        return Rope().add_rope(target.rope).add(f" {arrow} ").add_rope(rhs)

    def lines(self, lines: list) -> list[Rope]:
        """Each (target Shown or None, arrow, rhs rope) as one rope."""
        return [self.line(target, arrow, rhs) for target, arrow, rhs in lines]

    def document(self, lines: list) -> list[Rope]:
        """The printout's lines, ready to join with newlines."""
        return self.lines(lines)

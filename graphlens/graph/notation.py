"""How an op prints, as plain data, and the one precedence table that decides parentheses.

An op declares `notation = Infix("+", ADD)` and never touches a printer; `render/pp.py` reads this.
A child is wrapped in parentheses only when its precedence is lower than its parent's, or equal on
the side where the operator does not associate (`a - (b - c)`, `(a ** b) ** c`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The precedence table, loosest first (Python's own order, so formulas read as Python).
COMPARE = 10
ADD = 20          # + and binary -
MUL = 30          # * / // % and @ (dot)
NEG = 40          # unary minus
POW = 50          # ** binds tighter than unary minus on its left: -x**2 is -(x**2)
POSTFIX = 60      # x.T, x[1:3], x[:, None]
ATOM = 100        # names, constants, calls f(x)


@dataclass(frozen=True)
class Infix:
    """A binary operator: `Infix("-", ADD, associative=False)` prints `a - b`."""

    symbol: str
    precedence: int
    associative: bool = True      # a + (b + c) == (a + b) + c, so no parentheses on either side
    right_assoc: bool = False     # ** groups from the right


@dataclass(frozen=True)
class Prefix:
    """A unary operator in front: `Prefix("-", NEG)` prints `-x`."""

    symbol: str
    precedence: int = NEG


@dataclass(frozen=True)
class Func:
    """Call syntax: `Func("sum", params=("axis",))` prints `sum(x, axis=1)`."""

    name: str
    params: tuple[str, ...] = ()
    # Inputs printed as keywords, by position: a name prints `name=value`, None hides the input
    # (a random draw's stream state): `binomial(size=x.shape, p=0.7)`.
    keywords: tuple = ()
    # (keyword, value) pairs: a keyword input that is a constant equal to `value` is left out.
    defaults: tuple = ()
    # Props printed first, as positional arguments, always: `polygamma(1, x)` as it is called.
    leading: tuple = ()


@dataclass(frozen=True)
class Special:
    """The op prints itself through a named form the printer knows (indexing, transpose, ...)."""

    form: str

"""`pp(expr, latex=True)`: the same formula as LaTeX, for papers and notebooks.

>>> pp(T.exp(x) / (1 + W1), latex=True)                    # doctest: +SKIP
'\\frac{\\exp\\left(x\\right)}{1 + W_{1}}'

Division becomes a fraction and powers superscripts (their operands need no parentheses);
`x @ W` is a product by juxtaposition and `*` a `\\cdot`; broadcasting (`b[None, :]`) is left
implicit, as in mathematics; several lines make an `aligned` block.
"""

from __future__ import annotations

import re

from graphlens.graph.notation import ATOM, POSTFIX, POW
from graphlens.printer.formula import Shown, TextSyntax
from graphlens.printer.styled import Rope, join_ropes

# Infix symbols in LaTeX; `/` and `**` are written as \frac and superscripts instead.
INFIX = {"*": r" \cdot ", "@": r" \, ", "//": r" \mathbin{//} ", "%": r" \bmod ",
         "<": " < ", ">": " > ", "<=": r" \le ", ">=": r" \ge ", "==": " = ", "!=": r" \ne ",
         "&": r" \land ", "|": r" \lor ", "^": r" \oplus ", "+": " + ", "-": " - "}
PREFIX = {"-": "-", "~": r"\lnot "}
# Functions LaTeX knows by name (upright, with their own spacing).
KNOWN_FUNCTIONS = {"exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin",
                   "arccos", "arctan", "max", "min"}
GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "nu",
         "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}
_SPECIAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
            "_": r"\_", "%": r"\%", "^": r"\^{}", "~": r"\~{}"}


def escape(text: str) -> str:
    """`text` with LaTeX's special characters escaped, for use inside \\mathrm{...}."""
    return "".join(_SPECIAL.get(char, char) for char in text)


def latex_name(name: str) -> str:
    """A variable name as LaTeX: `W1` -> `W_{1}`, `%3` -> `t_{3}`, `alpha` -> `\\alpha`,
    `b_out` -> `b_{\\mathrm{out}}`, `cost` -> `\\mathrm{cost}`."""
    bound = re.fullmatch(r"%(\d+)", name)
    if bound:
        return f"t_{{{bound.group(1)}}}"
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    if match:
        return f"{latex_name(match.group(1))}_{{{match.group(2)}}}"
    match = re.fullmatch(r"([A-Za-z]+)_([A-Za-z0-9]+)", name)
    if match:
        return f"{latex_name(match.group(1))}_{{{latex_name(match.group(2))}}}"
    if name in GREEK:
        return "\\" + name
    if len(name) == 1 and name.isalpha():
        return name
    return rf"\mathrm{{{escape(name)}}}"


def _keyword_value(value: str) -> str:
    """A keyword's value as LaTeX: a quoted string upright without its quotes (a `'` in math
    mode is a prime), anything else escaped as it is."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return rf"\mathrm{{{escape(value[1:-1])}}}"
    return escape(value)


def _power_of_ten(match) -> str:
    mantissa, sign, exponent = match.groups()
    power = f"10^{{{'-' if sign == '-' else ''}{exponent}}}"
    return power if mantissa in ("1", "1.0") else rf"{mantissa} \cdot {power}"


class LatexSyntax(TextSyntax):
    """LaTeX formulas, built from the same pieces as the text form."""

    short_length = 40
    width = 240

    def leaf(self, text, style):
        if style == "const":
            text = {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}.get(text, text)
            text = re.sub(r"(\d(?:\.\d*)?)e([+-]?)0*(\d+)", _power_of_ten, text)
            if "[" in text and not text.startswith("["):
                text = rf"\mathtt{{{escape(text)}}}"        # a large constant: its type
            elif text.startswith("["):
                text = text.replace("[", r"\left[").replace("]", r"\right]")
            return super().leaf(text, style)
        return super().leaf(latex_name(text), style)

    def parenthesized(self, rope):
        return Rope(r"\left(").add_rope(rope).add(r"\right)")

    def infix(self, notation, operands):
        if notation.symbol == "/" and len(operands) == 2:
            numerator, denominator = operands
            rope = Rope(r"\frac{").add_rope(numerator.rope).add("}{")
            return Shown(rope.add_rope(denominator.rope).add("}"), ATOM)
        if notation.symbol == "**" and len(operands) == 2:
            base, exponent = operands
            base_rope = base.rope if base.precedence >= POSTFIX else self.parenthesized(base.rope)
            rope = Rope("{").add_rope(base_rope).add("}^{").add_rope(exponent.rope).add("}")
            return Shown(rope, POW)
        rope = Rope()
        for position, shown in enumerate(operands):
            if position:
                rope.add(INFIX.get(notation.symbol, f" {escape(notation.symbol)} "))
            rope.add_rope(self.operand(shown, notation, "left" if position == 0 else "right"))
        return Shown(rope, notation.precedence, notation)

    def prefix(self, notation, operand):
        inner = operand.rope
        if operand.precedence <= notation.precedence:
            inner = self.parenthesized(inner)
        symbol = PREFIX.get(notation.symbol, escape(notation.symbol))
        return Shown(Rope(symbol).add_rope(inner), notation.precedence)

    def call(self, name, args, keywords=(), style="op"):
        if name == "sqrt" and len(args) == 1:
            return Shown(Rope(r"\sqrt{").add_rope(args[0].rope).add("}"), ATOM)
        if name == "abs" and len(args) == 1:
            return Shown(Rope(r"\left|").add_rope(args[0].rope).add(r"\right|"), ATOM)
        if name == "sqr" and len(args) == 1:
            base = args[0]
            base_rope = base.rope if base.precedence >= POSTFIX else self.parenthesized(base.rope)
            return Shown(Rope("{").add_rope(base_rope).add("}^{2}"), POW)
        head = "\\" + name if name in KNOWN_FUNCTIONS else rf"\operatorname{{{escape(name)}}}"
        parts = [shown.rope for shown in args]
        parts += [Rope(rf"\mathrm{{{escape(key)}}}={_keyword_value(value)}")
                  for key, value in keywords]
        rope = Rope(head).add(r"\left(").add_rope(join_ropes(parts, ", ")).add(r"\right)")
        return Shown(rope, ATOM)

    def keyword(self, name, value):
        return Shown(Rope(rf"\mathrm{{{escape(name)}}}=").add_rope(value.rope), ATOM)

    def index(self, base, entries):
        rope = Rope().add_rope(self.postfix_base(base)).add(r"\left[")
        rope.add_rope(join_ropes(entries, ", ")).add(r"\right]")
        return Shown(rope, POSTFIX)

    def broadcast(self, base, entries):
        return base

    def attribute(self, base, name):
        if name == "T":
            return Shown(Rope("{").add_rope(self.postfix_base(base)).add(r"}^{\top}"), POSTFIX)
        return self.call(name, [base])

    def method(self, base, name, args):
        return self.call(name, [base] + [Shown(Rope(escape(arg))) for arg in args])

    def vector(self, items):
        rope = Rope(r"\left[").add_rope(join_ropes([s.rope for s in items], ", "))
        return Shown(rope.add(r"\right]"), ATOM)

    def inner_formula(self, label, lines, args):
        # Inner lines sit inside \left\{ ... \right\}, not in the aligned block: no `&`.
        body = join_ropes([self.inline(*line) for line in lines], "; ")
        rope = Rope(rf"\operatorname{{{escape(label)}}}\left\{{").add_rope(body)
        rope.add(r"\right\}\left(").add_rope(join_ropes([s.rope for s in args], ", "))
        return Shown(rope.add(r"\right)"), ATOM)

    def inline(self, target, arrow, rhs):
        """A line inside a formula: `u_{1} = rhs`, with no alignment mark."""
        if target is None:
            return rhs
        relation = r" \leftarrow " if arrow == "<-" else " = "
        return Rope().add_rope(target.rope).add(relation).add_rope(rhs)
    def braces(self, rope):
        return Rope(r"\{").add_rope(rope).add(r"\}")

    def line(self, target, arrow, rhs):
        if target is None:
            return Rope("& ").add_rope(rhs)
        relation = r" &\leftarrow " if arrow == "<-" else " &= "
        return Rope().add_rope(target.rope).add(relation).add_rope(rhs)

    def document(self, lines):
        if len(lines) == 1 and lines[0][0] is None:
            return [lines[0][2]]      # one formula: no alignment block
        body = [Rope().add_rope(self.line(*line)).add(r" \\" if i < len(lines) - 1 else "")
                for i, line in enumerate(lines)]
        return [Rope(r"\begin{aligned}")] + body + [Rope(r"\end{aligned}")]


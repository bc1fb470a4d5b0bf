"""`pp(expr, shapes=True)`: each line of a formula printout ends with its value's known shape.

    %1 = tanh(x @ W + b[None, :])   # float64[256, 100]
    softmax(%1 @ V)                 # float64[256, 10]

The printer's lines are (target, arrow, formula) triples; this module finds the variable each
line defines (a bound name, an output, an update, the expression itself) and appends its type
with the lengths `tensor/static_shape.py` knows (declared, test values, shared values). The
printer itself is untouched: one hook after it.

>>> print(pp(T.tanh(x), shapes=True))                                     # doctest: +SKIP
tanh(x)  # float64[256, 784]
"""

from __future__ import annotations

from graphlens.printer.styled import Rope
from graphlens.tensor.static_shape import static_shapes


def shape_annotated(ropes, lines, shown, targets, example_inputs=None) -> list[Rope]:
    """`ropes` (the printout, one per line of `lines`) each followed by `# <type>` of the
    variable the line defines, the comments aligned; a line defining several outputs at once
    (`%1, %2 = ...`) gets none.

    `shown` is the printer's {variable: Shown}, `targets` its [(kind, variable)];
    `example_inputs` ({input: value}) gives the inputs' lengths.
    """
    defines = _line_variables(lines, shown, targets)
    known = static_shapes([var for _, var in targets], example_inputs)
    width = max((rope.length for rope in ropes), default=0)
    annotated = []
    for rope, var in zip(ropes, defines):
        if var is None:
            annotated.append(rope)
            continue
        line = Rope().add_rope(rope).add(" " * (width - rope.length) + "  # ", "mark")
        annotated.append(line.add(known.type_text(var), "type"))
    return annotated


def _line_variables(lines, shown, targets) -> list:
    """The variable each line defines, or None. Bound names and outputs are the very Shown
    objects the printer stored for their variable; expressions and updates come in order."""
    by_target = {id(piece): var for var, piece in shown.items()}
    expressions = iter([var for kind, var in targets if kind == "expr"])
    updates = iter([var for kind, var in targets if kind not in ("expr", "output")])
    found = []
    for target, arrow, _ in lines:
        if target is None:
            found.append(next(expressions, None))
        elif arrow == "<-":
            found.append(next(updates, None))
        else:
            found.append(by_target.get(id(target)))
    return found

"""`pp(expr)`: formulas a person can read, with shared sub-expressions named once.

>>> x, y, z = T.dscalars('x', 'y', 'z')
>>> pp(x + y * z), pp((x + y) * z)
('x + y * z', '(x + y) * z')

The walk is one pass over the iterative toposort. Every printed piece is a rope (`styled.py`), so
the work and the output are linear in the graph's size. A sub-expression used more than once is
bound once (`%1 = tanh(x @ W1 + b1[None, :])`) and referred to by that name, unless its text is
short (`W.T`, `x.shape[0]`); a variable the user named is bound under its own name. How each op
prints is looked up by its class in `forms.py`.
"""

from __future__ import annotations

from graphlens.compile.compiled import Function
from graphlens.graph.basic import Apply, Variable, toposort
from graphlens.graph.fg import FunctionGraph
from graphlens.printer.expression import FormulaPrinter
from graphlens.printer.formula import TextSyntax
from graphlens.printer.naming import NameTable, graph_names
from graphlens.printer.styled import Rope, collector_paused, plain_lines
from graphlens.render.pp_shapes import shape_annotated
from graphlens.render.latex import LatexSyntax


def pp(obj, *, latex: bool = False, stage: str = "after", shapes: bool = False,
       example_inputs=None, custom=None) -> str:
    """A readable formula of a variable, a list of them, a FunctionGraph or a compiled function.

    For a compiled function: its outputs (`out1 = ...`, or the output's name) and its updates
    (`W <- W - 0.1 * %4`), after the rewrites (`stage='before'`: the graph as given).
    `latex=True` writes LaTeX instead. `shapes=True` ends each line with the known type of
    what it defines (`  # float64[256, 100]`: declared, test values, shared values);
    `example_inputs` ({input: value}) gives the inputs' lengths too. `custom`: a function
    (an output, its node's inputs' printed pieces) -> text, or None to print it as usual: how
    `printing.pprint.assign` reaches pp (render/pprinter.py).

    >>> pp(T.exp(x) * 2), pp(T.sum(m, axis=1))              # doctest: +SKIP
    ('exp(x) * 2.0', 'sum(m, axis=1)')
    """
    # One pause around the whole printout, and the ropes dropped inside it: re-enabling the
    # collector while they live would make its next pass scan every one of them.
    with collector_paused():
        lines = _formula_lines(obj, latex, stage, shapes, example_inputs, custom)
        text = plain_lines(lines)
        del lines
    return text


def formula_lines(obj, *, latex: bool = False, stage: str = "after", shapes: bool = False,
                  example_inputs=None) -> list[Rope]:
    """The lines of `pp(obj)` as styled ropes (for colour in a terminal)."""
    with collector_paused():
        return _formula_lines(obj, latex, stage, shapes, example_inputs)


def _formula_lines(obj, latex, stage, shapes=False, example_inputs=None, custom=None):
    if shapes and latex:
        raise ValueError("pp(shapes=True) annotates text lines; LaTeX has no comments to hold "
                         "them: use latex=False")
    syntax = LatexSyntax() if latex else TextSyntax()
    targets, inputs = printable_targets(obj, stage)
    outputs = [var for _, var in targets]
    # One walk serves both the user's names (reserved against generated ones) and the printer.
    nodes = toposort(outputs)
    names = view_names(obj, outputs, inputs, nodes)
    printer = FormulaPrinter(syntax, names, custom=custom)
    lines, shown = printer.print_targets(targets, nodes)
    if shapes:
        return shape_annotated(syntax.document(lines), lines, shown, targets, example_inputs)
    return syntax.document(lines)


def view_names(obj, outputs, inputs, nodes=None) -> NameTable:
    """The names every view of `obj` gives its roots (printer/naming.py `graph_names`). A
    compiled function is named from its graph as the user built it, so its graphs before and
    after the rewrites, and a trace of the same cost, call each variable alike."""
    if isinstance(obj, Function):
        return graph_names(obj.fgraph_before.outputs, obj.fgraph_before.inputs)
    return graph_names(outputs, inputs, nodes)


def printable_targets(obj, stage: str = "after"):
    """([(kind, variable)], inputs) for what `obj` computes; kind is 'expr', 'output' or an
    update's shared variable. `inputs` come first in naming order (a function's signature)."""
    if stage not in ("after", "before"):
        raise ValueError(f"stage must be 'after' or 'before', got {stage!r}")
    if isinstance(obj, Function):
        fgraph = obj.fgraph if stage == "after" else obj.fgraph_before
        count = len(obj.outputs)
        targets = [("output", var) for var in fgraph.outputs[:count]]
        targets += [(shared, var) for (shared, _), var in zip(obj.updates, fgraph.outputs[count:])]
        return targets, list(fgraph.inputs)
    if isinstance(obj, FunctionGraph):
        return [("output", var) for var in obj.outputs], list(obj.inputs)
    if isinstance(obj, Variable):
        return [("expr", obj)], []
    if isinstance(obj, Apply):
        obj = obj.outputs if len(obj.outputs) > 1 else obj.outputs[0]
        return printable_targets(obj, stage)
    if isinstance(obj, (list, tuple)) and all(isinstance(v, Variable) for v in obj) and obj:
        return [("output", var) for var in obj], []
    raise TypeError(f"pp and debugprint print a variable, a list of variables, an Apply node, a "
                    f"FunctionGraph or a compiled function; got {type(obj).__name__} "
                    f"{obj!r:.60}")

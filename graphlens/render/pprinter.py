"""Theano's printer objects: `PPrinter` and the printers a user assigns to ops
(`OperatorPrinter`, `PatternPrinter`, `FunctionPrinter`, `MemberPrinter`, `IgnorePrinter`,
`DefaultPrinter`, `LeafPrinter`), so that

    pprint.assign(my_op, printing.FunctionPrinter('my_op'))

makes `pp` print `my_op(x, y)` for the user's op. Every node no assignment claims prints as
`pp` (render/pp.py) prints it, through the one formula printer: the assignments are asked first,
node by node, during pp's own walk (`FormulaPrinter(custom=...)`), so shared sub-expressions
are still bound once and a graph is still walked without recursion. A Theano printer's
`process(output, pstate)` asks `pstate.pprinter.process(input, pstate)` for its inputs and gets
their already printed text.

>>> pprint.assign(my_op, FunctionPrinter('my_op')); pprint(my_op(x) + 1)  # doctest: +SKIP
'my_op(x) + 1'
"""

from __future__ import annotations

import copy

from graphlens.errors import GraphlensTypeError
from graphlens.graph.notation import ATOM
from graphlens.graph.op import Op
from graphlens.render.pp import pp

# The names LeafPrinter writes as LaTeX letters (Theano's ASCII tables).
greek = {"alpha": "\\alpha", "beta": "\\beta", "gamma": "\\gamma", "delta": "\\delta",
         "epsilon": "\\epsilon"}
special = {"middle_dot": "\\dot", "big_sigma": "\\Sigma"}

# The precedence Theano's printers pass for "no parentheses needed here" (a call's argument).
_LOOSEST = -1000


class PrinterState:
    """The state a printer passes down to its inputs' printers (Theano's scratchpad):
    `pprinter`, `precedence`, and whatever a printer adds; `clone(precedence=...)` copies it.

    >>> PrinterState(pprinter=pprint, precedence=-1000).clone(precedence=0).precedence
    0
    """

    def __init__(self, props=None, **more_props):
        if isinstance(props, PrinterState):
            self.__dict__.update(props.__dict__)
        elif props:
            self.__dict__.update(props)
        self.__dict__.update(more_props)

    def clone(self, props=None, **more_props):
        """A copy with `props` and `more_props` set.

        >>> PrinterState(precedence=0).clone(precedence=-1000).precedence
        -1000
        """
        return PrinterState(self, **dict(props or {}, **more_props))


def _owner(output, what):
    node = output.owner
    if node is None:
        raise GraphlensTypeError(f"{what} prints the result of an operation; {output!r:.40} is "
                                 f"an input or a constant (assign it to op results only)")
    return node


class OperatorPrinter:
    """`(a + b)` for an op with several inputs, `-a` for one: `operator` between the inputs,
    the whole in parentheses (Theano's choice: always parenthesized). `assoc` ('left',
    'right', 'either') says which operand keeps the operator's own precedence.

    >>> pprint.assign(my_add, OperatorPrinter('+', -2, 'either'))          # doctest: +SKIP
    """

    def __init__(self, operator, precedence, assoc="left"):
        self.operator, self.precedence, self.assoc = operator, precedence, assoc

    def process(self, output, pstate):
        node = _owner(output, f"OperatorPrinter({self.operator!r})")
        last = len(node.inputs) - 1
        texts = []
        for i, var in enumerate(node.inputs):
            tighter = (self.assoc == "left" and i != 0) or (self.assoc == "right" and i != last)
            precedence = self.precedence + (1e-6 if tighter else 0)
            texts.append(pstate.pprinter.process(var, pstate.clone(precedence=precedence)))
        body = self.operator + texts[0] if len(texts) == 1 else \
            f" {self.operator} ".join(texts)
        return f"({body})"


class PatternPrinter:
    """A %-pattern per output over the inputs' texts, named by position:
    `PatternPrinter(('%(0)s ** %(1)s', 1, 2))` (pattern, then each input's precedence).

    >>> pprint.assign(my_pow, PatternPrinter(('%(0)s ** %(1)s', 1, 2)))   # doctest: +SKIP
    """

    def __init__(self, *patterns):
        self.patterns = [(p, ()) if isinstance(p, str) else (p[0], tuple(p[1:]))
                         for p in patterns]

    def process(self, output, pstate):
        node = _owner(output, f"PatternPrinter({self.patterns[0][0]!r})")
        pattern, precedences = self.patterns[node.outputs.index(output)]
        precedences = precedences + (1000,) * len(node.inputs)
        return pattern % {str(i): pstate.pprinter.process(var, pstate.clone(precedence=prec))
                          for i, (var, prec) in enumerate(zip(node.inputs, precedences))}


class FunctionPrinter:
    """`name(a, b)`, one name per output of the op.

    >>> pprint.assign(my_op, FunctionPrinter('my_op'))                     # doctest: +SKIP
    """

    def __init__(self, *names):
        self.names = names

    def process(self, output, pstate):
        node = _owner(output, f"FunctionPrinter{self.names}")
        name = self.names[node.outputs.index(output)]
        args = [pstate.pprinter.process(var, pstate.clone(precedence=_LOOSEST))
                for var in node.inputs]
        return f"{name}({', '.join(args)})"


class MemberPrinter:
    """`a.name`: an attribute of the op's first input, one name per output.

    >>> pprint.assign(my_transpose, MemberPrinter('T'))                    # doctest: +SKIP
    """

    def __init__(self, *names):
        self.names = names

    def process(self, output, pstate):
        node = _owner(output, f"MemberPrinter{self.names}")
        name = self.names[node.outputs.index(output)]
        return f"{pstate.pprinter.process(node.inputs[0], pstate.clone(precedence=1000))}.{name}"


class IgnorePrinter:
    """The op's first input, as if the op were not there (a view, a cast).

    >>> pprint.assign(my_view_op, IgnorePrinter())                        # doctest: +SKIP
    """

    def process(self, output, pstate):
        node = _owner(output, "IgnorePrinter")
        return pstate.pprinter.process(node.inputs[0], pstate)


class LeafPrinter:
    """A variable by its name (a Greek letter's name as LaTeX), else its str.

    >>> LeafPrinter().process(T.dscalar('alpha'), None)                   # doctest: +SKIP
    '\\\\alpha'
    """

    def process(self, output, pstate):
        return greek.get(output.name, output.name) if output.name else str(output)


class DefaultPrinter:
    """`Op(a, b)` by the op's str, or a LeafPrinter for an input.

    >>> pprint.assign(lambda pstate, r: r.owner is not None, DefaultPrinter())  # doctest: +SKIP
    """

    def process(self, output, pstate):
        if output.owner is None:
            return LeafPrinter().process(output, pstate)
        args = [pstate.pprinter.process(var, pstate.clone(precedence=_LOOSEST))
                for var in output.owner.inputs]
        return f"{output.owner.op}({', '.join(args)})"


default_printer = DefaultPrinter()
leaf_printer = LeafPrinter()


class PPrinter:
    """A pretty-printer whose output a user customises op by op: `assign(condition, printer)`
    puts `printer` first for the variables `condition` claims (an op, meaning its results; an
    op class, meaning the results of its instances; or a function (pstate, variable) -> bool).
    The latest assignment is asked first; what none claims prints as `pp` prints it.

    Called like Theano's: `pprint(x)` (keywords as `pp`'s: `latex=`, `stage=`, `shapes=`),
    `pprint(x, pstate)`, or `pprint(inputs, outputs, updates)` (`process_graph`).

    >>> printer = PPrinter(); printer.assign(my_op, FunctionPrinter('my_op'))  # doctest: +SKIP
    >>> printer(my_op(x) * 2)                                              # doctest: +SKIP
    'my_op(x) * 2'
    """

    def __init__(self):
        self.printers = []           # (condition, printer), the latest first

    def assign(self, condition, printer):
        """Print what `condition` claims with `printer` (asked before earlier assignments).

        >>> pprint.assign(my_op, FunctionPrinter('my_op'))                 # doctest: +SKIP
        """
        if not hasattr(printer, "process"):
            raise GraphlensTypeError(f"PPrinter.assign: the printer needs a process(output, "
                                     f"pstate) method, got {type(printer).__name__}")
        if isinstance(condition, Op):
            op = condition

            def condition(pstate, r):
                return r.owner is not None and r.owner.op == op
        elif isinstance(condition, type) and issubclass(condition, Op):
            op_class = condition

            def condition(pstate, r):
                return r.owner is not None and isinstance(r.owner.op, op_class)
        elif not callable(condition):
            raise GraphlensTypeError(f"PPrinter.assign: the condition is an op, an op class or "
                                     f"a function (pstate, variable) -> bool, got "
                                     f"{condition!r:.60}")
        self.printers.insert(0, (condition, printer))

    def clone(self):
        """A printer with the same assignments, assigned to apart from this one.

        >>> mine = pprint.clone(); mine.assign(my_op, FunctionPrinter('f'))  # doctest: +SKIP
        """
        twin = copy.copy(self)
        twin.printers = list(self.printers)
        return twin

    def clone_assign(self, condition, printer):
        """`clone()` then `assign(condition, printer)`.

        >>> mine = pprint.clone_assign(my_op, FunctionPrinter('f'))       # doctest: +SKIP
        """
        twin = self.clone()
        twin.assign(condition, printer)
        return twin

    def process(self, r, pstate=None, **pp_options):
        """The text of `r`. Inside a printer (a `pstate` from this printer's walk) the text of
        an input already printed, in parentheses if it is compound and `pstate.precedence` asks
        for an operand; otherwise the whole formula, as pp writes it with the assignments.

        >>> pprint.process(x * 2)                                          # doctest: +SKIP
        'x * 2.0'
        """
        shown = getattr(pstate, "shown", None)
        if shown is not None and r in shown:
            piece = shown[r]
            text = piece.rope.plain()
            wrap = piece.precedence < ATOM and getattr(pstate, "precedence", _LOOSEST) > _LOOSEST
            return f"({text})" if wrap else text
        return pp(r, custom=self._custom_form(pstate) if self.printers else None, **pp_options)

    def _custom_form(self, outer):
        """The function pp's walk asks for each output of each node: the first assigned
        printer whose condition claims it writes it, else None (pp's own form)."""
        base = outer if isinstance(outer, PrinterState) else PrinterState(outer or {})

        def form(output, args):
            node = output.owner
            pstate = base.clone(pprinter=self, shown=dict(zip(node.inputs, args)))
            for condition, printer in self.printers:
                if condition(pstate, output):
                    return printer.process(output, pstate)
            return None
        return form

    def process_graph(self, inputs, outputs, updates=None, display_inputs=False):
        """The lines of a function's graph: `inputs: ...` (with `display_inputs`), the updates
        (`W <- ...`), then the outputs (`return ...` for one, else `name = ...`).

        >>> pprint.process_graph([x], [x * 2], {W: W - 1})                 # doctest: +SKIP
        """
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        updates = dict(updates or {})
        lines = [f"inputs: {', '.join(str(v) for v in inputs + list(updates))}"] \
            if display_inputs else []
        # Theano's order: the updates, then the outputs.
        for shared_var, value in updates.items():
            lines.append(f"{shared_var} <- {self.process(value)}")
        if len(outputs) == 1:
            lines.append(f"return {self.process(outputs[0])}")
        elif outputs:
            lines.append(self.process(outputs))
        return "\n".join(lines)

    def __call__(self, *args, **pp_options):
        if len(args) == 1:
            return self.process(args[0], **pp_options)
        if len(args) == 2 and isinstance(args[1], (PrinterState, dict)):
            return self.process(*args)
        if len(args) > 2 or (len(args) == 2 and isinstance(args[0], (list, tuple))):
            return self.process_graph(*args)
        raise GraphlensTypeError("pprint takes a variable (and a printer state), or inputs, "
                                 "outputs and updates")


pprint = PPrinter()

"""The one formula printer: every view that writes an expression writes it here.

`pp` (render/pp.py) adds bindings across a whole function, colour and LaTeX; a fused op's label
(rewrite/composite.py), the tracer's one-line messages (trace/naming.py) and the pictures
(render/) print through the same `FormulaPrinter`, so one expression reads the same in all of
them: `x * exp(y)` in pp is `Composite{i0 * exp(i1)}` as a label and `x * exp(y)` in a trace.

>>> one_line(T.exp(x) * 2)                     # doctest: +SKIP
'exp(x) * 2.0'
"""

from __future__ import annotations

from graphlens.graph.basic import Constant, toposort
from graphlens.graph.label import default_label
from graphlens.graph.notation import POSTFIX
from graphlens.printer.forms import inner_graph, may_have_inner_graph, show_apply
from graphlens.printer.formula import Shown, TextSyntax
from graphlens.printer.naming import NameTable, constant_text, printable, reserved_names_of
from graphlens.printer.styled import Rope, join_ropes


class FormulaPrinter:
    """Prints the graph of some target variables as binding lines plus their formulas.

    `overrides` maps variables to ready-made Shown pieces: a fused op's inner inputs stand for
    the outer arguments that way. `split=False` never binds a name to shorten a line (for a
    formula substituted into another one, whose lines would be lost). Bound names are
    `bind_prefix` and a number: `%1`, or `u1` inside a fused op's own scope. `custom`: a
    function (output variable, its node's inputs' Shown pieces) -> text or None, asked first
    for each output of each node (the user's `printing.pprint.assign(op, printer)`); None
    leaves it to the op's form.
    """

    def __init__(self, syntax, names: NameTable, overrides=None, split=True, bind_prefix="%",
                 bind=True, custom=None):
        self.syntax = syntax
        self.names = names
        self.split = split
        self.bind = bind         # False: a repeated sub-expression is written out each time
        self.bind_prefix = bind_prefix
        self.overrides = dict(overrides or {})
        self.shown = dict(self.overrides)
        self.bound = set()       # variables printed by a name bound on an earlier line
        self.constants = {}      # constant text -> its Shown piece
        self.custom = custom

    def print_targets(self, targets, nodes=None):
        """(lines, shown) for `targets` [(kind, var)]: lines are (target, arrow, rhs) triples.

        Bindings come in topological order, then the targets in their order: the formula of an
        'expr', `label = formula` for an 'output', `W <- formula` for an update of W. `nodes`:
        the targets' toposort, when the caller has it already.
        """
        if nodes is None:
            nodes = toposort([var for _, var in targets])
        uses = count_uses(nodes)
        labels = self._labels(targets)
        # The first output of each computed variable is defined as `label = formula`. An
        # output of a several-output node is bound as `%1, %2 = ...`; that line alone shows
        # the outputs when they all come from that one node (a loop's), else each is
        # printed as `label = %1` too (a loss among a function's other outputs).
        defined = {}
        owners = {var.owner for kind, var in targets if kind == "output"}
        alone = len(owners) == 1 and None not in owners
        for (kind, var), label in zip(targets, labels):
            if kind == "output" and var.owner is not None and var not in defined \
                    and (alone or _shown_outputs(var.owner) == 1):
                defined[var] = label
        syntax = self.syntax
        lines, deferred = [], {}
        for node in nodes:
            if _shown_outputs(node) > 1:
                self._bind_outputs(node, lines)
                continue
            var = node.outputs[0]
            shown = self._show_within_width(node, lines)
            if var in defined:
                if uses.get(var, 0):
                    # An output other nodes use too: defined where it is first needed.
                    lines.append((defined[var], "=", shown.rope))
                    shown = defined[var]
                    self.bound.add(var)
                else:
                    deferred[var] = shown.rope
            elif self.bind and uses.get(var, 0) > 1 and not _repeatable(node, shown, syntax):
                shown = self._bind(var, shown, lines)
            self.shown[var] = shown
            for hidden in node.outputs[1:]:
                # A random draw's next state, where printed (an update): `uniform(...).next_state`.
                self.shown[hidden] = syntax.attribute(shown, "next_state")
        claimed = set()
        for (kind, var), label in zip(targets, labels):
            if kind == "output" and var in defined and var not in claimed:
                claimed.add(var)
                if var in deferred:
                    lines.append((label, "=", deferred.pop(var)))
                    self.shown[var] = label
                continue
            shown = self.show(var)
            if kind == "expr":
                lines.append((None, "=", shown.rope))
            elif kind == "output":
                lines.append((label, "=", shown.rope))
            else:
                lines.append((syntax.name(self.names.name(kind)), "<-", shown.rope))
        return lines, self.shown

    def _bind(self, var, shown, lines) -> Shown:
        """Emit `%k = formula` (or `name = formula` for a named variable); return the name."""
        syntax = self.syntax
        target = (syntax.name(self.names.name(var)) if var.name
                  else syntax.name(self.names.fresh(self.bind_prefix), "bind"))
        lines.append((target, "=", shown.rope))
        self.bound.add(var)
        return target

    def _show_within_width(self, node, lines) -> Shown:
        """The node's formula; while it is wider than the syntax's width, its widest inline
        sub-expression is bound to a name first, so no line runs off the screen."""
        shown = self.show_node(node)
        # The budget leaves room for the `%12 = ` in front.
        while self.split and shown.rope.length > self.syntax.width - 8:
            widest = None
            for var in node.inputs:
                if var.owner is None or var in self.bound or var in self.overrides:
                    continue
                length = self.shown[var].rope.length
                if length > self.syntax.short_length and (
                        widest is None or length > self.shown[widest].rope.length):
                    widest = var
            if widest is None:
                break
            self.shown[widest] = self._bind(widest, self.shown[widest], lines)
            shown = self.show_node(node)
        return shown

    def _labels(self, targets):
        """The label of each target, in order: an output's own name, else `out1`, `out2`, ...;
        None for an 'expr' or an update."""
        labels = []
        for kind, var in targets:
            if kind != "output":
                labels.append(None)
            elif var.name and var.owner is not None and not self.names.has_name(var):
                labels.append(self.syntax.name(self.names.name(var)))
            else:
                labels.append(self.syntax.name(self.names.fresh("out"), "bind"))
        return labels

    def show(self, var) -> Shown:
        """The Shown piece of a variable already walked, or of a root."""
        shown = self.shown.get(var)
        if shown is not None:
            return shown
        if var.owner is not None:
            raise ValueError(f"internal: {var!r} printed before its node")
        if isinstance(var, Constant):
            # Constants repeat (`y + 1.0` a thousand times): one piece per text. Pieces are
            # never changed once made, so sharing them is safe.
            text = constant_text(var)
            shown = self.constants.get(text)
            if shown is None:
                shown = self.constants[text] = self.syntax.leaf(text, "const")
        elif var.name or hasattr(var.type, "dtype"):
            shown = self.syntax.name(self.names.name(var))
        else:
            shown = self.syntax.leaf(f"<{var.type}>", "mark")
        self.shown[var] = shown
        return shown

    def show_node(self, node) -> Shown:
        """The formula of a one-output node, its inputs already shown."""
        shown = self.shown
        args = [shown.get(var) or self.show(var) for var in node.inputs]
        if self.custom is not None:
            text = self.custom(node.outputs[0], args)
            if text is not None:      # the user's printer wrote the whole piece: one atom
                return Shown(Rope(str(text)))
        return show_apply(self, node, args)

    def show_inner_graph(self, node, args) -> Shown:
        """A fused op's inner formula with the outer arguments substituted: `x * exp(y)`.

        When an inner sub-expression is used more than once, substituting would repeat it; the
        formula then prints as `Composite{u1 = exp(i0); u1 * u1}(x)`, its inputs named `i0, i1,
        ...` and its own bindings `u1, u2, ...` (a scope apart from the outer `%1, %2`).
        """
        graph = inner_graph(node.op)
        inputs, outputs = list(graph.inputs), list(graph.outputs)
        references = inner_references((inputs, outputs))
        repeated = any(count > 1 for var, count in references.items() if var.owner is not None)
        if len(outputs) == 1 and not repeated and len(inputs) == len(args):
            inner = FormulaPrinter(self.syntax, self.names, dict(zip(inputs, args)), split=False)
            inner.print_targets([("expr", outputs[0])])
            return inner.show(outputs[0])
        return self.syntax.inner_formula(type(node.op).__name__,
                                         inner_lines(node.op, self.syntax), args)

    def show_closed_inner_graph(self, node, args, graph) -> Shown:
        """A loop: `scan(fn={h[t] = tanh(x[t] @ W + h[t-1])}, steps=n)(x, h0[None, :], W)`.

        The step's inputs print under their own names (`x[t]`, `h[t-1]`), its outputs as
        `name = formula`; node inputs that no inner input stands for are keywords (`steps=`)."""
        syntax = self.syntax
        # The step's lines joined on one line, never aligned (LaTeX's `&=` would break the call).
        body = join_ropes([TextSyntax.line(syntax, target, arrow, rhs)
                           for target, arrow, rhs in inner_lines(node.op, syntax, graph)], "; ")
        parts = [Shown(Rope("fn=").add_rope(syntax.braces(body)))]
        keyword_positions = {position for _, position in graph.keywords}
        for key, position in graph.keywords:
            parts.append(Shown(Rope(f"{key}=").add_rope(args[position].rope)))
        head = syntax.call(graph.name or type(node.op).__name__.lower(), parts)
        rest = [shown.rope for position, shown in enumerate(args)
                if position not in keyword_positions]
        return Shown(Rope().add_rope(head.rope).add("(").add_rope(join_ropes(rest, ", "))
                     .add(")"))

    def _bind_outputs(self, node, lines):
        """`%1, %2 = Op(a, b)`: a node with several outputs is bound once, output by output."""
        args = [self.show(var) for var in node.inputs]
        if self.custom is not None:
            texts = [self.custom(var, args) for var in node.outputs]
            if None not in texts:          # the user's printer names each output itself
                for var, text in zip(node.outputs, texts):
                    self.shown[var] = Shown(Rope(str(text)))
                return
        reads = getattr(node.op, "inputs_of_output", None)
        if reads is not None:
            # Each output computed from its own inputs (an ifelse of several pairs): each
            # prints as its own formula, `ifelse(c, a, b)`, not `%1, %2 = ifelse(c, a, x, b, y)`.
            for k, var in enumerate(node.outputs):
                self.shown[var] = show_apply(self, node, [args[i] for i in reads(k)])
            return
        shown = show_apply(self, node, args)
        targets = [self.syntax.name(self.names.fresh(self.bind_prefix), "bind")
                   for _ in node.outputs]
        lines.append((Shown(join_ropes([t.rope for t in targets], ", ")), "=", shown.rope))
        for var, target in zip(node.outputs, targets):
            self.shown[var] = target


def _shown_outputs(node) -> int:
    """How many of `node`'s outputs printers show (a random draw hides its next state)."""
    return len(node.outputs) - node.op.hidden_outputs


def _repeatable(node, shown, syntax) -> bool:
    """True for a short postfix piece (`W.T`, `b[None, :]`, `x.shape[0]`) or a short formula
    of constants (`1.0 * 0.01`): cheaper to read twice than to look up. Anything else used
    twice is bound to a name."""
    if shown.rope.length > syntax.short_length:
        return False
    return shown.precedence == POSTFIX or _of_constants(node)


def _of_constants(node, most=8) -> bool:
    """True when every value `node` reads is a constant or made from constants alone, within
    `most` nodes: `1.0 * 0.01` broadcast (`DimShuffle{x,x}`, which prints as its input) is a
    formula of constants too, whether a gradient built it once or once per use."""
    stack, seen = list(node.inputs), 0
    while stack:
        var = stack.pop()
        if isinstance(var, Constant):
            continue
        seen += 1
        if var.owner is None or seen > most:
            return False
        stack.extend(var.owner.inputs)
    return True


def count_uses(nodes) -> dict:
    """{variable: number of references by `nodes`}; a fused op's input counts once per use
    inside its inner graph, since substituting the inner formula repeats it that often."""
    uses = {}
    get = uses.get
    for node in nodes:
        inner = inner_graph(node.op) if may_have_inner_graph(type(node.op)) else None
        if inner is None or not inner.substitutable:
            # A plain op, or a loop (which prints its step apart): each argument once.
            for var in node.inputs:
                uses[var] = get(var, 0) + 1
            continue
        weights = inner_references((inner.inputs, inner.outputs))
        for position, var in enumerate(node.inputs):
            weight = 1
            if position < len(inner.inputs):
                weight = max(1, weights.get(inner.inputs[position], 0))
            uses[var] = get(var, 0) + weight
    return uses


def inner_references(inner) -> dict:
    """{variable: references} in the inner graph `inner` = (inputs, outputs), outputs included."""
    _, outputs = inner
    references = {}
    for var in outputs:
        references[var] = references.get(var, 0) + 1
    for node in toposort(outputs):
        for var in node.inputs:
            references[var] = references.get(var, 0) + 1
    return references


def inner_lines(op, syntax, graph=None) -> list:
    """The lines of an op's inner graph. A fused kernel's inputs print as `i0, i1, ...`, its
    bindings `u1, u2, ...`; a loop's inputs and outputs under their own names (`h[t-1]`)."""
    graph = graph or inner_graph(op)
    inputs, outputs = list(graph.inputs), list(graph.outputs)
    if graph.substitutable:
        placeholders = {var: syntax.name(f"i{position}") for position, var in enumerate(inputs)}
        names = NameTable(reserved={f"i{position}" for position in range(len(inputs))})
    else:
        names = NameTable(reserved={var.name for var in inputs if var.name})
        placeholders = {var: syntax.name(names.name(var)) for var in inputs}
    printer = FormulaPrinter(syntax, names, placeholders, bind_prefix="u")
    if not graph.substitutable and graph.output_names:
        lines, _ = printer.print_targets([("expr", out) for out in outputs])
        head, tail = lines[:-len(outputs)], lines[-len(outputs):]
        return head + [(syntax.name(name, "bind"), "=", rhs)
                       for name, (_, _, rhs) in zip(graph.output_names, tail)]
    kinds = [("expr", out) for out in outputs] if len(outputs) == 1 else [
        ("output", out) for out in outputs]
    lines, _ = printer.print_targets(kinds)
    return lines


def inner_formula_text(op) -> str:
    """The inner graph of a fused op as one line: `i0 * exp(i1)`, `u1 = exp(i0); u1 * u1`."""
    syntax = TextSyntax()
    return "; ".join(rope.plain() for rope in syntax.lines(inner_lines(op, syntax)))


def formula_label(op, name: str) -> str:
    """The label of an op with a substitutable inner graph (a fused kernel, a graph the user
    packaged): `name{formula}` and its params, `Composite{i0 * exp(i1)}{destroyed=0}`, the
    formula written as pp and debugprint write it, or `N ops` past FORMULA_LIMIT characters.
    Such an op's `label` returns this, so errors, debugprint and pictures name it alike.

    >>> formula_label((x + T.exp(y)).owner.op, 'Composite')     # doctest: +SKIP
    'Composite{i0 + exp(i1)}'
    """
    # The params as the one rule spells them (graph/label.py), after the formula.
    suffix = default_label(op)[len(type(op).__name__):]
    return f"{name}{{{label_formula(op, FORMULA_LIMIT)}}}{suffix}"


# Longest inner formula a label spells out; past it, the label counts the ops (`{13 ops}`):
# the formula is there in full in debugprint's inner tree and the pictures' fused cluster.
FORMULA_LIMIT = 60


# What a formula cut short shows in place of the part left out.
CUT = "..."


def one_line(var, depth: int | None = 3, names: NameTable | None = None) -> str:
    """`var` as pp writes it, on one line and cut after `depth` levels of ops: the tracer's
    messages. A cut part prints `...`; an intermediate the user named prints as its name; a
    broadcast (`b[None, :]`) does not count as a level. Only the printed part is walked, so a
    message about a node of a 100,000-node graph costs what its few levels cost.

    >>> one_line(T.sgn(T.dot(X, W1) + b1), depth=2)      # doctest: +SKIP
    'sgn(... + b1[None, :])'
    """
    syntax = TextSyntax()
    nodes, overrides = _cut_nodes(var, depth, syntax)
    if names is None:
        names = NameTable(reserved_names_of(nodes, [var]))
    printer = FormulaPrinter(syntax, names, overrides, split=False, bind=False)
    printer.print_targets([("expr", var)], nodes)
    return printer.show(var).rope.plain()


def _cut_nodes(var, depth, syntax):
    """(the nodes `one_line` prints, in topological order; {variable: Shown} for the cut
    and named variables printed as leaves)."""
    overrides, level = {}, {var: 1}
    frontier = [var] if var.owner is not None else []
    while frontier:           # breadth first: each variable gets its least level
        following = []
        for current in frontier:
            for child in current.owner.inputs:
                if child.owner is None or child in level or child in overrides:
                    continue
                if child.name:
                    overrides[child] = syntax.name(printable(child.name))
                    continue
                child_level = level[current] + (0 if _is_broadcast(child.owner.op) else 1)
                if depth is not None and child_level > depth:
                    overrides[child] = Shown(Rope(CUT, "mark"))
                    continue
                level[child] = child_level
                following.append(child)
        frontier = following
    return _ordered([var], overrides), overrides


def _is_broadcast(op) -> bool:
    # Axes added for broadcasting only: `b[None, :]`, printed but not a level of its own.
    order = getattr(op, "new_order", None)
    return order is not None and [axis for axis in order if axis != "x"] == list(
        range(getattr(op, "input_ndim", -1)))


def _ordered(outputs, leaves) -> list:
    """The nodes computing `outputs`, inputs first, not walking past `leaves` (iterative)."""
    order, done = [], set()
    for output in outputs:
        if output.owner is None or output in leaves:
            continue
        stack = [(output.owner, False)]
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            for child in reversed(node.inputs):
                if child.owner is not None and child not in leaves and child.owner not in done:
                    stack.append((child.owner, False))
    return order


def label_formula(op, limit: int) -> str:
    """A fused op's inner formula as its label shows it (`i0 * exp(i1)`, the text debugprint
    and pp write), or `N ops` when longer than `limit` characters."""
    text = inner_formula_text(op)
    if len(text) > limit:
        count = len(toposort(list(inner_graph(op).outputs)))
        return f"{count} ops"
    return text
